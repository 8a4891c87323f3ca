#include "analyzer/timings.h"

#include <sys/resource.h>

#include <algorithm>
#include <ctime>
#include <ostream>
#include <vector>

#include <fmt/format.h>

namespace kora::timings {
namespace {

struct Record {
  std::string name;
  double wall_s;
  double cpu_s;
  long rss_kb;  // peak RSS of the process when the phase ended
};

bool enabled = false;

std::vector<Record>& Records() {
  static std::vector<Record> records;
  return records;
}

int64_t Now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

bool IsRule(const Record& r) { return r.name.starts_with("rule "); }

}  // namespace

void Enable() { enabled = true; }
bool Enabled() { return enabled; }

Phase::Phase(std::string_view name) : on_(enabled) {
  if (!on_) return;
  name_ = name;
  wall_ns_ = Now(CLOCK_MONOTONIC);
  // Process CPU time: a parallel load counts every thread's work.
  cpu_ns_ = Now(CLOCK_PROCESS_CPUTIME_ID);
}

Phase::~Phase() {
  if (!on_) return;
  double wall = static_cast<double>(Now(CLOCK_MONOTONIC) - wall_ns_) / 1e9;
  double cpu = static_cast<double>(Now(CLOCK_PROCESS_CPUTIME_ID) - cpu_ns_) / 1e9;
  Records().push_back(Record{std::move(name_), wall, cpu, PeakRssKb()});
}

void Print(std::ostream& out) {
  const std::vector<Record>& records = Records();
  std::vector<Record> rules;
  double rules_wall = 0, rules_cpu = 0;
  out << fmt::format("{:<40} {:>9} {:>9} {:>12}\n", "phase", "wall s", "CPU s", "peak RSS MB");
  for (const Record& r : records) {
    if (IsRule(r)) {
      rules.push_back(r);
      rules_wall += r.wall_s;
      rules_cpu += r.cpu_s;
      continue;
    }
    out << fmt::format("{:<40} {:>9.3f} {:>9.3f} {:>12.1f}\n", r.name, r.wall_s, r.cpu_s, r.rss_kb / 1024.0);
  }
  if (rules.empty()) return;
  out << fmt::format("{:<40} {:>9.3f} {:>9.3f}\n", fmt::format("rules ({} run)", rules.size()), rules_wall,
                     rules_cpu);
  std::stable_sort(rules.begin(), rules.end(), [](const Record& a, const Record& b) { return a.cpu_s > b.cpu_s; });
  for (size_t i = 0; i < rules.size() && i < 15; ++i) {
    out << fmt::format("  {:<38} {:>9.3f} {:>9.3f}\n", rules[i].name, rules[i].wall_s, rules[i].cpu_s);
  }
}

}  // namespace kora::timings
