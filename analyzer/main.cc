#include <malloc.h>

#include <exception>
#include <iostream>

#include "analyzer/cli.h"

int main(int argc, char** argv) {
  // The document model grows a few large arrays with realloc. glibc's dynamic
  // threshold keeps blocks of up to 32 MB on the heap, where each growth copies
  // and leaves the old block resident; from 1 MiB up, mmap'd blocks grow by
  // mremap without a copy. Measured: peak RSS 130.5 -> 119.5 MB on a
  // 20,000-object YAML dump, 796 -> 772 MB on 100,000 objects of JSON, no
  // change in CPU time (docs/benchmarks.md).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  try {
    return kora::RunCli(argc, argv);
  } catch (const std::exception& e) {
    // A bug, not bad input: inputs never throw past the loader.
    std::cerr << "kora: internal error: " << e.what() << "\n";
    return 3;
  }
}
