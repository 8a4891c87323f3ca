// Pod Security admission as kora models it: levels, policy versions, the
// namespace labels that choose them, and the order in which a pod template's
// policies are consulted. The controls themselves live in rules/pss_*.cc.
// The semantics follow k8s.io/pod-security-admission (api/helpers.go,
// policy/registry.go); docs/pss.md cites the sources.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/document.h"
#include "analyzer/object.h"

namespace kora {

struct AnalysisOptions;
class ObjectSet;

enum class PssLevel : uint8_t { kPrivileged = 0, kBaseline = 1, kRestricted = 2 };
std::string_view PssLevelName(PssLevel level);
// Exactly "privileged", "baseline" or "restricted" (case-sensitive, as the admission parses it).
std::optional<PssLevel> ParsePssLevel(std::string_view s);

// The newest policy version whose checks kora implements: `latest` means this
// (procMount, runAsNonRoot and runAsUser gained 1.35 revisions; nothing newer
// was released when kora's checks were written).
inline constexpr int kNewestPolicyMinor = 35;

// A policy version: "latest" or "v1.<minor>".
struct PolicyVersion {
  bool latest = true;
  int minor = kNewestPolicyMinor;  // the pinned minor (kNewestPolicyMinor for latest)
  std::string Text() const;        // "latest" or "v1.24"
};
// `latest` or ^v1\.(0|[1-9][0-9]*)$, as the admission accepts; nullopt otherwise.
std::optional<PolicyVersion> ParsePolicyVersion(std::string_view s);

enum class PssMode : uint8_t { kEnforce, kWarn, kAudit };
std::string_view PssModeName(PssMode mode);

// The label keys of one mode: pod-security.kubernetes.io/<mode>[-version].
std::string PssLevelLabel(PssMode mode);
std::string PssVersionLabel(PssMode mode);

// One mode's policy on a namespace, from its labels.
struct ModePolicy {
  PssMode mode = PssMode::kEnforce;
  PssLevel level = PssLevel::kPrivileged;
  PolicyVersion version;  // as labelled (printed in messages)
  int minor = kNewestPolicyMinor;  // the version the checks run at: never above what the API server knows
  Node level_label;    // the label's value node, for related locations
  Node version_label;  // absent when the version label is not set
};

// The Pod Security labels of every Namespace in the input.
class NamespacePolicies {
 public:
  NamespacePolicies(const ObjectSet& objects, const AnalysisOptions& options);

  struct Entry {
    const Object* ns = nullptr;
    std::vector<ModePolicy> modes;  // enforce, warn, audit with a level label above privileged
    bool labelled = false;          // some mode has a level label, privileged included
  };
  // The Namespace object of ns and its labelled modes; null if the input lacks the Namespace.
  const Entry* Find(std::string_view ns) const;
  // --pss: the level to check where no Namespace label says (nullopt: none).
  std::optional<PssLevel> flag_level() const { return flag_level_; }
  // The version `latest` stands for: the newest kora knows, or --kube-version's minor if older.
  int latest_minor() const { return latest_minor_; }

 private:
  std::unordered_map<std::string, Entry> by_ns_;
  std::optional<PssLevel> flag_level_;
  int latest_minor_ = kNewestPolicyMinor;
};

}  // namespace kora
