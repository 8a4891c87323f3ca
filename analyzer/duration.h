// Ages as kubectl prints them: the AGE and LAST SEEN cells of `kubectl get`,
// the Age column of `kubectl describe` events, and the "(5m10s ago)" of the
// RESTARTS column. kubectl renders durations with HumanDuration ("2d16h",
// "4m42s", "131d") or, before 2018, ShortHumanDuration ("13m", "21h"); it
// prints "<unknown>" for a missing timestamp and "<invalid>" for one in the
// future. Event tables of kubectl 1.0 printed absolute RFC 1123 times.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kora {

struct Age {
  enum class Kind : uint8_t {
    kDuration,   // seconds is set
    kUnknown,    // "<unknown>"
    kInvalid,    // "<invalid>"
    kTimestamp,  // an absolute time ("Tue, 07 Jul 2015 16:19:54 -0700"); no age
  };
  Kind kind = Kind::kDuration;
  int64_t seconds = 0;
  bool HasSeconds() const { return kind == Kind::kDuration; }
};

// One age token: "45s", "4m42s", "2d16h", "3y", "<unknown>", "<invalid>", or
// an RFC 1123 time with numeric zone. Units must come in decreasing order
// (y, d, h, m, s), each at most once; a year is 365 days. Surrounding
// whitespace is not allowed.
std::optional<Age> ParseAge(std::string_view text);

// The interval cell of `kubectl events` / `kubectl describe`:
// "<age>" or "<age> (x<count> over <age>)". Byte offsets locate the parts
// inside the cell, for exact positions.
struct EventInterval {
  Age last;
  size_t last_begin = 0, last_end = 0;
  bool has_series = false;  // "(xN over ...)" was present
  int64_t count = 1;
  size_t count_begin = 0, count_end = 0;  // the digits after "x"
  Age first;
  size_t first_begin = 0, first_end = 0;
};
// Runs of spaces between the parts are accepted (pastes reflow text).
std::optional<EventInterval> ParseEventInterval(std::string_view text);

// The RESTARTS cell of `kubectl get pods`: "207" or "207 (5m10s ago)".
struct Restarts {
  int64_t count = 0;
  std::optional<Age> ago;
  size_t ago_begin = 0, ago_end = 0;  // the age token inside the parentheses
};
std::optional<Restarts> ParseRestarts(std::string_view text);

// Non-negative decimal integer that fits in int64 (no sign, no separators).
std::optional<int64_t> ParseCount(std::string_view text);

}  // namespace kora
