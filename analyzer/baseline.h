// Baselines: comparing this run's findings with an earlier SARIF report, so a
// pull request check fails only on what the change introduces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/finding.h"

namespace kora {

// The partialFingerprints key kora writes and matches on. Its value is
// Fingerprint(): rule, object identity and field path, never line numbers.
inline constexpr std::string_view kFingerprintKey = "kora/v1";

enum class BaselineState : uint8_t { kNew, kUnchanged, kAbsent };
// SARIF's names: "new", "unchanged", "absent".
std::string_view BaselineStateName(BaselineState s);

// One result of the earlier report, with what is needed to list it again as
// absent (fixed since).
struct BaselineResult {
  std::string rule;
  std::string fingerprint;
  std::string level;    // as the earlier report gave it
  std::string message;  // message.text
  std::string uri;      // first location's artifactLocation.uri ("" if none)
  std::string uri_base_id;
  Span span;            // its region (unknown if none)
  std::string object;   // the first logical location's fullyQualifiedName
};

struct Baseline {
  std::string path;
  std::vector<BaselineResult> results;
};

// Reads a SARIF log that kora wrote (with kora's own JSON loader). On failure
// returns false and sets error to "path:line:col: what is wrong".
bool ReadBaseline(const std::string& path, Baseline& out, std::string& error);
// The same from text already in memory; name is used in error messages.
bool ParseBaseline(std::string_view text, const std::string& name, Baseline& out, std::string& error);

struct BaselineComparison {
  std::string path;                   // the baseline file, for reports
  std::vector<BaselineState> states;  // one per current finding, in order
  std::vector<BaselineResult> absent;  // in the baseline, not in this run
  size_t new_count = 0;
  size_t unchanged_count = 0;
};

// Matches findings to baseline results by rule and fingerprint. Findings that
// share a fingerprint are matched one to one, in report order.
BaselineComparison CompareWithBaseline(const Baseline& baseline, const std::vector<Finding>& findings,
                                       const ObjectSet& objects, const SourceManager& sources);

}  // namespace kora
