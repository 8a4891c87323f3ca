// Fuzzes the text-evidence parsers: ParseTextEvidence on the raw bytes
// (kubectl tables, describe blocks, headerless pod rows), then ParseBuffer as
// for a .txt file and as for standard input (where the content decides
// between YAML, JSON and text), and the age grammars on every line.
// Built like the other targets: add "text" to the foreach in
// fuzz/CMakeLists.txt; scripts/fuzz.sh seeds it best from fixtures/text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/duration.h"
#include "analyzer/load.h"
#include "analyzer/text_evidence.h"
#include "fuzz/fuzz_util.h"

namespace {

// Offsets the age parsers return lie inside the cell, in order.
void CheckAges(std::string_view cell) {
  if (auto i = kora::ParseEventInterval(cell)) {
    kora::fuzz::Require(i->last_begin <= i->last_end && i->last_end <= cell.size(), "interval: last age outside");
    if (i->has_series) {
      kora::fuzz::Require(i->last_end <= i->count_begin && i->count_begin < i->count_end &&
                              i->count_end <= i->first_begin && i->first_begin < i->first_end &&
                              i->first_end <= cell.size(),
                          "interval: parts out of order");
      kora::fuzz::Require(i->count >= 0, "interval: negative count");
    }
  }
  if (auto r = kora::ParseRestarts(cell)) {
    kora::fuzz::Require(r->count >= 0, "restarts: negative count");
    if (r->ago) {
      kora::fuzz::Require(r->ago_begin < r->ago_end && r->ago_end <= cell.size(), "restarts: ago outside");
    }
  }
  if (auto a = kora::ParseAge(cell)) kora::fuzz::Require(a->seconds >= 0, "age: negative");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  kora::LoadOptions options;
  kora::ParsedFile direct = kora::ParseTextEvidence(raw, 0, options);
  kora::fuzz::CheckParsed(direct, raw);
  // Whatever yields an object was recognised.
  kora::fuzz::Require(direct.docs.empty() || kora::HasTextEvidence(raw), "objects from text with no evidence");

  std::string as_file(raw);
  kora::ParsedFile file = kora::ParseBuffer(as_file, 0, "input.txt", options);
  kora::fuzz::CheckParsed(file, as_file);
  std::string as_stdin(raw);
  kora::ParsedFile piped = kora::ParseBuffer(as_stdin, 0, "-", options);
  kora::fuzz::CheckParsed(piped, as_stdin);

  size_t begin = 0;
  while (begin < raw.size()) {
    size_t nl = raw.find('\n', begin);
    std::string_view line = raw.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
    if (line.size() <= 256) CheckAges(line);
    if (nl == std::string_view::npos) break;
    begin = nl + 1;
  }
  return 0;
}
