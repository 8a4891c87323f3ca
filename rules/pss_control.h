// One Pod Security Standards control as a rule. Each control checks its
// fields exactly as the PodSecurity admission does; this base class decides,
// per pod template, which policy the finding speaks for:
//
//   1. the namespace's `enforce` label covers the control: error, the pods are rejected;
//   2. its `warn` or `audit` label covers it: warning, the admission warns;
//   3. --pss LEVEL, where no Namespace label says: warning;
//   4. otherwise, in the security profile and above (or when the rule is
//      enabled by id): a hardening finding at the control's own severity.
//
// A violation is reported once, under the first policy (in that order) that
// forbids it. docs/pss.md explains the choices.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/engine.h"
#include "analyzer/pss.h"

namespace kora {

// What a control is evaluated against: a level and a policy version.
struct PssEval {
  PssLevel level = PssLevel::kBaseline;
  int minor = kNewestPolicyMinor;
  bool hardening = false;  // no policy applies: the security-profile check
};

struct PssViolation {
  Node at;                                  // the offending field, or where a missing one belongs
  std::string path;                         // its field path in the object
  const ContainerRef* container = nullptr;  // null for pod-level fields
  std::string reason;                       // the admission's reason: "privileged", "hostPort", ...
  std::string detail;                       // the admission's detail for this one violation
  std::string fix;                          // what to paste or change here
  // The same forbidden thing is also a violation of the partner control
  // (hostPath is both a baseline hostPath and a restricted volume type);
  // the two controls report it once between them.
  bool shared_with_partner = false;
  Severity hardening = Severity::kWarning;  // severity when no policy applies
};

struct PssControlSpec {
  explicit PssControlSpec(PssLevel l, int min = 0, std::string_view partner_id = {}, int override_from = 0)
      : level(l), min_minor(min), partner(partner_id), override_minor(override_from) {}
  PssLevel level = PssLevel::kBaseline;
  int min_minor = 0;  // the policy version the check first appears in
  // The control checking the same thing at the other level: for a baseline
  // control, the restricted one that replaces it; for a restricted control,
  // the baseline one it replaces. Empty if none.
  std::string_view partner;
  // The policy version from which the restricted control replaces the baseline one.
  int override_minor = 0;
};

class PssControl : public Rule {
 public:
  void Check(const Context& ctx, Reporter& out) const final;
  virtual const PssControlSpec& spec() const = 0;
  // Appends this control's violations of template t under e.
  virtual void Evaluate(const Context& ctx, const PodTemplate& t, const PssEval& e,
                        std::vector<PssViolation>& out) const = 0;

  // Whether the control is checked at this level and policy version.
  bool AppliesAt(PssLevel level, int minor) const;
};

// Helpers the controls share.
namespace pss {

// `container "x"` / `init container "x"` for messages that are kora's own.
std::string Who(const ContainerRef& c);
// The admission's quoting: "a", "b".
std::string Quote(std::string_view s);
// The container's securityContext field, or the container itself when it has none.
Node ContainerAnchor(const ContainerRef& c);
// Whether the pod runs in a user namespace (spec.hostUsers: false).
bool UserNamespace(const PodTemplate& t);
// Whether a baseline pod may add this capability (check_capabilities_baseline.go).
bool BaselineCapability(std::string_view cap);
// Whether spec.os.name is windows (exempt from some restricted checks from v1.25).
bool WindowsPod(const PodTemplate& t);

}  // namespace pss

}  // namespace kora
