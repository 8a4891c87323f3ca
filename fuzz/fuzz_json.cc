// Fuzzes the JSON loader: ParseJson on the raw bytes, then ParseBuffer as for
// a .json file (encoding handling first).
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/load.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  kora::LoadOptions options;
  kora::ParsedFile direct = kora::ParseJson(raw, 0, options);
  kora::fuzz::CheckParsed(direct, raw);

  std::string text(raw);
  kora::ParsedFile buffered = kora::ParseBuffer(text, 0, "input.json", options);
  kora::fuzz::CheckParsed(buffered, text);
  return 0;
}
