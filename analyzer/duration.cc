#include "analyzer/duration.h"

#include <array>
#include <limits>

namespace kora {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

size_t SkipSpaces(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// "Tue, 07 Jul 2015 16:19:54 -0700" (Go's time.RFC1123Z), or with a zone
// abbreviation (time.RFC1123). Runs of spaces are accepted between fields.
bool IsRfc1123(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  size_t i = 0;
  auto word = [&](size_t len) {
    std::string_view w = s.substr(i, len);
    i += len;
    return w;
  };
  auto digits = [&](size_t len) {
    if (i + len > s.size()) return false;
    for (size_t k = 0; k < len; ++k) {
      if (!IsDigit(s[i + k])) return false;
    }
    i += len;
    return true;
  };
  auto spaces = [&] {
    size_t j = SkipSpaces(s, i);
    bool any = j > i;
    i = j;
    return any;
  };
  if (s.size() < 29) return false;
  std::string_view day = word(3);
  bool day_ok = false;
  for (auto d : kDays) day_ok |= d == day;
  if (!day_ok || i >= s.size() || s[i++] != ',' || !spaces() || !digits(2) || !spaces()) return false;
  std::string_view month = word(3);
  bool month_ok = false;
  for (auto m : kMonths) month_ok |= m == month;
  if (!month_ok || !spaces() || !digits(4) || !spaces()) return false;
  if (!digits(2) || i >= s.size() || s[i++] != ':' || !digits(2) || i >= s.size() || s[i++] != ':' || !digits(2) ||
      !spaces()) {
    return false;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
    return digits(4) && i == s.size();
  }
  size_t letters = 0;
  while (i < s.size() && s[i] >= 'A' && s[i] <= 'Z') ++i, ++letters;
  return letters >= 1 && letters <= 5 && i == s.size();
}

}  // namespace

std::optional<int64_t> ParseCount(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<Age> ParseAge(std::string_view text) {
  if (text == "<unknown>") return Age{Age::Kind::kUnknown, 0};
  if (text == "<invalid>") return Age{Age::Kind::kInvalid, 0};
  if (text.empty()) return std::nullopt;
  if (!IsDigit(text[0])) {
    if (IsRfc1123(text)) return Age{Age::Kind::kTimestamp, 0};
    return std::nullopt;
  }
  static constexpr std::string_view kUnits = "ydhms";
  static constexpr std::array<int64_t, 5> kSeconds = {365 * 86400, 86400, 3600, 60, 1};
  size_t next_unit = 0;  // units must decrease: the index of the next allowed unit
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    // Twelve digits of years already overflow nothing; more is not an age.
    if (i == start || i - start > 12 || i >= text.size()) return std::nullopt;
    std::optional<int64_t> n = ParseCount(text.substr(start, i - start));
    size_t unit = kUnits.find(text[i]);
    if (!n || unit == std::string_view::npos || unit < next_unit) return std::nullopt;
    if (*n > (std::numeric_limits<int64_t>::max() - total) / kSeconds[unit]) return std::nullopt;
    total += *n * kSeconds[unit];
    next_unit = unit + 1;
    ++i;
  }
  return Age{Age::Kind::kDuration, total};
}

std::optional<EventInterval> ParseEventInterval(std::string_view text) {
  EventInterval out;
  size_t open = text.find('(');
  if (open == std::string_view::npos) {
    std::optional<Age> a = ParseAge(text);
    if (!a) return std::nullopt;
    out.last = *a;
    out.last_end = text.size();
    // A single occurrence: kubectl printed its first (and only) time.
    out.first = *a;
    out.first_end = text.size();
    return out;
  }
  size_t last_end = open;
  while (last_end > 0 && IsSpace(text[last_end - 1])) --last_end;
  if (last_end == open) return std::nullopt;  // "(x" must be separated from the age
  std::optional<Age> last = ParseAge(text.substr(0, last_end));
  if (!last) return std::nullopt;
  out.last = *last;
  out.last_end = last_end;
  size_t i = open + 1;
  if (i >= text.size() || text[i] != 'x') return std::nullopt;
  out.count_begin = ++i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  out.count_end = i;
  std::optional<int64_t> count = ParseCount(text.substr(out.count_begin, out.count_end - out.count_begin));
  if (!count) return std::nullopt;
  size_t j = SkipSpaces(text, i);
  if (j == i || text.substr(j, 4) != "over") return std::nullopt;
  i = j + 4;
  j = SkipSpaces(text, i);
  if (j == i) return std::nullopt;
  if (text.empty() || text.back() != ')') return std::nullopt;
  size_t first_end = text.size() - 1;
  while (first_end > j && IsSpace(text[first_end - 1])) --first_end;
  std::optional<Age> first = ParseAge(text.substr(j, first_end - j));
  if (!first) return std::nullopt;
  out.has_series = true;
  out.count = *count;
  out.first = *first;
  out.first_begin = j;
  out.first_end = first_end;
  return out;
}

std::optional<Restarts> ParseRestarts(std::string_view text) {
  Restarts out;
  size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) ++i;
  std::optional<int64_t> n = ParseCount(text.substr(0, i));
  if (!n) return std::nullopt;
  out.count = *n;
  if (i == text.size()) return out;
  size_t j = SkipSpaces(text, i);
  if (j == i || j >= text.size() || text[j] != '(' || text.back() != ')') return std::nullopt;
  size_t age_begin = j + 1;
  size_t close = text.size() - 1;
  size_t k = close;
  while (k > age_begin && IsSpace(text[k - 1])) --k;
  if (k < age_begin + 3 || text.substr(k - 3, 3) != "ago") return std::nullopt;
  size_t age_end = k - 3;
  size_t trimmed = age_end;
  while (trimmed > age_begin && IsSpace(text[trimmed - 1])) --trimmed;
  if (trimmed == age_end) return std::nullopt;  // "5mago"
  std::optional<Age> ago = ParseAge(text.substr(age_begin, trimmed - age_begin));
  if (!ago) return std::nullopt;
  out.ago = *ago;
  out.ago_begin = age_begin;
  out.ago_end = trimmed;
  return out;
}

}  // namespace kora
