// Checks shared by the fuzz targets. A violated invariant aborts, so libFuzzer
// keeps the input as a crash.
#pragma once

#include <string_view>

#include "analyzer/load.h"

namespace kora::fuzz {

// Aborts with a message when cond is false (assert() vanishes under NDEBUG).
void Require(bool cond, const char* what);

// Visits every node of every document (catching bad kid indexes and string
// offsets under ASan) and checks that spans are ordered and within the text.
void CheckParsed(const ParsedFile& parsed, std::string_view text);

// Output of the JSON writer must parse as JSON.
void CheckJson(std::string_view json);

// Text output written without colour must hold no terminal control bytes
// other than newline and tab.
void CheckTerminalSafe(std::string_view text);

}  // namespace kora::fuzz
