#include "reports/excerpt.h"

namespace kora {

namespace {
size_t SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}
}  // namespace

ExcerptWindow WindowAround(std::string_view line, uint32_t col, uint32_t before, uint32_t width) {
  ExcerptWindow w;
  uint32_t first = col > before ? col - before : 1;
  uint32_t c = 1;
  size_t i = 0;
  while (i < line.size() && c < first) {
    i += SequenceLength(static_cast<unsigned char>(line[i]));
    ++c;
  }
  w.first_col = c;
  w.cut_before = i > 0 && i < line.size();
  size_t start = i;
  while (i < line.size() && c < first + width) {
    i += SequenceLength(static_cast<unsigned char>(line[i]));
    ++c;
  }
  if (i > line.size()) i = line.size();
  w.text = std::string(line.substr(start, i - start));
  w.cut_after = i < line.size();
  return w;
}

}  // namespace kora
