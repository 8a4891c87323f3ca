// A window of a long source line around a column, so that a report never
// copies a 10 MB line whole (a minified manifest, a huge scalar).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kora {

struct ExcerptWindow {
  std::string text;         // the shown part of the line
  uint32_t first_col = 1;   // the column (code points) its first character has
  bool cut_before = false;  // text was left out before / after it
  bool cut_after = false;
};

// At most `width` code points of line, starting `before` code points before col.
ExcerptWindow WindowAround(std::string_view line, uint32_t col, uint32_t before = 150, uint32_t width = 300);

}  // namespace kora
