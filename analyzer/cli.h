// The command-line entry point, separate from main() so tests can run it.
#pragma once

#include <string>

namespace kora {

// Exit status (documented in docs/cli.md).
inline constexpr int kExitOk = 0;        // no finding reached --fail-on
inline constexpr int kExitFindings = 1;  // a finding reached --fail-on
inline constexpr int kExitUsage = 2;     // bad usage, or nothing could be read

int RunCli(int argc, char** argv);
std::string VersionString();

}  // namespace kora
