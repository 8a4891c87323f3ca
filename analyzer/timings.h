// Where a run's time goes, phase by phase: `kora analyze --timings` (a
// benchmarking aid, not part of the documented interface) prints wall and
// CPU time of loading, the Context (pod templates, graph, evidence), every
// rule and the report to stderr. Off by default; then a phase costs one
// branch.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace kora::timings {

void Enable();
bool Enabled();

// Times the enclosing block as one phase; rule phases are named "rule <id>".
class Phase {
 public:
  explicit Phase(std::string_view name);
  ~Phase();
  Phase(const Phase&) = delete;
  Phase& operator=(const Phase&) = delete;

 private:
  std::string name_;
  int64_t wall_ns_ = 0;
  int64_t cpu_ns_ = 0;
  bool on_ = false;
};

// Phases in the order they ended, then the rules summed and the slowest
// rules; with the peak RSS so far.
void Print(std::ostream& out);

}  // namespace kora::timings
