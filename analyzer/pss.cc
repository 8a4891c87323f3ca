#include "analyzer/pss.h"

#include <algorithm>
#include <charconv>

#include "analyzer/engine.h"

namespace kora {

std::string_view PssLevelName(PssLevel level) {
  switch (level) {
    case PssLevel::kPrivileged:
      return "privileged";
    case PssLevel::kBaseline:
      return "baseline";
    case PssLevel::kRestricted:
      return "restricted";
  }
  return "privileged";
}

std::optional<PssLevel> ParsePssLevel(std::string_view s) {
  for (PssLevel l : {PssLevel::kPrivileged, PssLevel::kBaseline, PssLevel::kRestricted}) {
    if (PssLevelName(l) == s) return l;
  }
  return std::nullopt;
}

std::string PolicyVersion::Text() const { return latest ? "latest" : "v1." + std::to_string(minor); }

std::optional<PolicyVersion> ParsePolicyVersion(std::string_view s) {
  if (s == "latest") return PolicyVersion{};
  if (s.size() < 4 || s.substr(0, 3) != "v1.") return std::nullopt;
  std::string_view digits = s.substr(3);
  // No leading zeros except "0" itself, as the admission's regexp says.
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  int minor = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), minor);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return PolicyVersion{false, minor};
}

std::string_view PssModeName(PssMode mode) {
  switch (mode) {
    case PssMode::kEnforce:
      return "enforce";
    case PssMode::kWarn:
      return "warn";
    case PssMode::kAudit:
      return "audit";
  }
  return "enforce";
}

std::string PssLevelLabel(PssMode mode) { return "pod-security.kubernetes.io/" + std::string(PssModeName(mode)); }
std::string PssVersionLabel(PssMode mode) { return PssLevelLabel(mode) + "-version"; }

namespace {

// "1.31" or "v1.31" -> 31.
std::optional<int> KubeMinor(std::string_view v) {
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  if (v.substr(0, 2) != "1.") return std::nullopt;
  v.remove_prefix(2);
  int minor = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), minor);
  if (ec != std::errc() || end == v.data()) return std::nullopt;
  return minor;
}

}  // namespace

NamespacePolicies::NamespacePolicies(const ObjectSet& objects, const AnalysisOptions& options) {
  if (auto minor = KubeMinor(options.kube_version)) latest_minor_ = std::min(*minor, kNewestPolicyMinor);
  if (auto level = ParsePssLevel(options.pss_level); level && *level != PssLevel::kPrivileged) flag_level_ = level;
  for (ObjectId id : objects.OfKind("Namespace")) {
    const Object& ns = objects[id];
    Entry& entry = by_ns_[std::string(ns.name)];
    if (entry.ns) continue;  // a duplicate Namespace is its own finding; the first one counts
    entry.ns = &ns;
    Node labels = ns.Labels();
    for (PssMode mode : {PssMode::kEnforce, PssMode::kWarn, PssMode::kAudit}) {
      Node level = labels[PssLevelLabel(mode)];
      if (!level) continue;
      entry.labelled = true;
      ModePolicy p;
      p.mode = mode;
      p.level_label = level;
      if (auto parsed = ParsePssLevel(level.Str())) {
        p.level = *parsed;
      } else {
        // An unparseable enforce level fails closed, audit and warn fail open (api/helpers.go).
        p.level = mode == PssMode::kEnforce ? PssLevel::kRestricted : PssLevel::kPrivileged;
      }
      if (p.level == PssLevel::kPrivileged) continue;
      p.version_label = labels[PssVersionLabel(mode)];
      if (auto v = ParsePolicyVersion(p.version_label.Str()); v && p.version_label) p.version = *v;
      // Versions newer than the checks the API server knows are evaluated with its newest checks.
      p.minor = p.version.latest ? latest_minor_ : std::min(p.version.minor, latest_minor_);
      entry.modes.push_back(p);
    }
  }
}

const NamespacePolicies::Entry* NamespacePolicies::Find(std::string_view ns) const {
  auto it = by_ns_.find(std::string(ns));
  return it == by_ns_.end() ? nullptr : &it->second;
}

}  // namespace kora
