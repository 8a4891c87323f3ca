#include <exception>
#include <iostream>

#include "analyzer/cli.h"

int main(int argc, char** argv) {
  try {
    return kora::RunCli(argc, argv);
  } catch (const std::exception& e) {
    // A bug, not bad input: inputs never throw past the loader.
    std::cerr << "kora: internal error: " << e.what() << "\n";
    return 3;
  }
}
