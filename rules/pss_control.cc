#include "rules/pss_control.h"

#include <algorithm>
#include <array>

#include "rules/references.h"

namespace kora {
namespace {

// Which policy a finding speaks for, strongest first.
enum Rank : int { kNone = 0, kHardening = 1, kAdvisory = 2, kEnforced = 3 };

struct PolicyContext {
  Rank rank = kNone;
  PssEval eval;
  const ModePolicy* mode = nullptr;  // the namespace label, if one decided
  std::string level_version;         // "restricted:latest" as the admission prints it
};

bool HardeningOn(const Context& ctx, std::string_view id) {
  const AnalysisOptions& o = ctx.options();
  return o.profile >= Profile::kSecurity || o.enable.count(id) > 0 || o.enable.count("all") > 0;
}

// The policies consulted for a template of namespace ns, in order.
std::vector<PolicyContext> Contexts(const NamespacePolicies& policies, std::string_view ns) {
  std::vector<PolicyContext> out;
  const NamespacePolicies::Entry* entry = policies.Find(ns);
  if (entry) {
    for (const ModePolicy& m : entry->modes) {
      PolicyContext c;
      c.rank = m.mode == PssMode::kEnforce ? kEnforced : kAdvisory;
      c.eval = PssEval{m.level, m.minor, false};
      c.mode = &m;
      c.level_version = std::string(PssLevelName(m.level)) + ":" + m.version.Text();
      out.push_back(std::move(c));
    }
  }
  if ((!entry || !entry->labelled) && policies.flag_level()) {
    PolicyContext c;
    c.rank = kAdvisory;
    c.eval = PssEval{*policies.flag_level(), policies.latest_minor(), false};
    c.level_version = std::string(PssLevelName(*policies.flag_level())) + ":latest";
    out.push_back(std::move(c));
  }
  return out;
}

PssEval HardeningEval(const PssControl& control, const NamespacePolicies& policies) {
  return PssEval{control.spec().level, policies.latest_minor(), true};
}

// The rank under which a control reports for this namespace (kNone if never).
Rank BestRank(const Context& ctx, const PssControl& control, const std::vector<PolicyContext>& contexts) {
  if (!RuleEnabled(control, ctx.options())) return kNone;
  for (const PolicyContext& c : contexts) {
    if (control.AppliesAt(c.eval.level, c.eval.minor)) return c.rank;
  }
  return HardeningOn(ctx, control.info().id) ? kHardening : kNone;
}

std::string Consequence(const Object& o) {
  std::string_view k = o.kind;
  if (k == "Pod") {
    return o.live() ? "a pod like it cannot be created again (this one was admitted before the label, or exempted)"
                    : "the API server rejects the Pod";
  }
  if (k == "Deployment" || k == "Rollout") return "its ReplicaSets cannot create pods (FailedCreate)";
  if (k == "CronJob") return "its Jobs cannot create pods (FailedCreate)";
  if (k == "PodTemplate") return "pods made from it are rejected";
  return "it cannot create pods (FailedCreate)";
}

}  // namespace

bool PssControl::AppliesAt(PssLevel level, int minor) const {
  const PssControlSpec& s = spec();
  if (level < s.level || minor < s.min_minor) return false;
  // At restricted, a baseline check with a restricted replacement does not run.
  bool replaced = s.level == PssLevel::kBaseline && level == PssLevel::kRestricted && !s.partner.empty() &&
                  minor >= s.override_minor;
  return !replaced;
}

void PssControl::Check(const Context& ctx, Reporter& out) const {
  NamespacePolicies policies(ctx.objects(), ctx.options());
  const PssControl* partner = nullptr;
  if (!spec().partner.empty()) partner = dynamic_cast<const PssControl*>(FindRule(spec().partner));
  const bool hardening = HardeningOn(ctx, info().id);
  const bool severity_overridden = ctx.options().severity.count(info().id) > 0;

  for (const PodTemplate* t : ctx.authored_templates()) {
    const Object& obj = ctx.objects()[t->object];
    std::vector<PolicyContext> contexts = Contexts(policies, obj.ns);
    Rank partner_rank = partner ? BestRank(ctx, *partner, contexts) : kNone;
    if (hardening) {
      PolicyContext h;
      h.rank = kHardening;
      h.eval = HardeningEval(*this, policies);
      contexts.push_back(std::move(h));
    }
    std::vector<std::string> reported;  // paths already reported under a stronger policy
    for (const PolicyContext& c : contexts) {
      if (!c.eval.hardening && !AppliesAt(c.eval.level, c.eval.minor)) continue;
      std::vector<PssViolation> violations;
      Evaluate(ctx, *t, c.eval, violations);
      for (const PssViolation& v : violations) {
        if (std::find(reported.begin(), reported.end(), v.path) != reported.end()) continue;
        reported.push_back(v.path);
        if (v.shared_with_partner) {
          // Reported by whichever control speaks for the stronger policy; on a
          // tie, by the baseline control.
          bool partner_wins = spec().level == PssLevel::kBaseline ? partner_rank > c.rank : partner_rank >= c.rank;
          if (partner_wins) continue;
        }
        std::string what = v.reason + (v.detail.empty() ? "" : " (" + v.detail + ")");
        std::string message;
        Severity severity = Severity::kWarning;
        if (c.rank == kEnforced) {
          message = "violates PodSecurity \"" + c.level_version + "\": " + what + "; namespace \"" +
                    std::string(obj.ns) + "\" enforces " + std::string(PssLevelName(c.eval.level)) + ", so " +
                    Consequence(obj);
          severity = obj.kind == "Pod" && obj.live() ? Severity::kWarning : Severity::kError;
        } else if (c.mode) {
          message = "would violate PodSecurity \"" + c.level_version + "\": " + what + "; namespace \"" +
                    std::string(obj.ns) + "\" has " + PssLevelLabel(c.mode->mode) + ": " +
                    std::string(PssLevelName(c.eval.level));
        } else if (!c.eval.hardening) {
          message = "would violate PodSecurity \"" + c.level_version + "\": " + what + " (--pss " +
                    std::string(PssLevelName(c.eval.level)) + ")";
        } else {
          message = "Pod Security " + std::string(PssLevelName(spec().level)) + ": " + what;
          severity = v.hardening;
        }
        Finding& f = out.Report(obj, v.at, v.path, std::move(message));
        if (out.Discarded(f)) continue;
        if (!severity_overridden) f.severity = severity;
        if (v.container) f.container = std::string(v.container->name);
        f.fix = v.fix;
        if (c.mode) {
          const Object& ns = *policies.Find(obj.ns)->ns;
          Reporter::Relate(f, ns, c.mode->level_label, "metadata.labels[" + PssLevelLabel(c.mode->mode) + "]",
                           "namespace \"" + std::string(ns.name) + "\" sets " + PssLevelLabel(c.mode->mode) + ": " +
                               std::string(c.mode->level_label.Str()));
          if (c.mode->version_label) {
            Reporter::Relate(f, ns, c.mode->version_label, "metadata.labels[" + PssVersionLabel(c.mode->mode) + "]",
                             "checked against policy version " + std::string(c.mode->version_label.Str()));
          }
        }
      }
    }
  }
}

namespace pss {

std::string Who(const ContainerRef& c) { return std::string(c.KindName()) + " \"" + std::string(c.name) + "\""; }

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

Node ContainerAnchor(const ContainerRef& c) {
  Node sc = c.node["securityContext"];
  return sc ? sc : c.node;
}

bool UserNamespace(const PodTemplate& t) { return t.spec["hostUsers"].Bool() == false; }

bool BaselineCapability(std::string_view cap) {
  static constexpr std::array<std::string_view, 13> kAllowed = {
      "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
      "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
  return std::find(kAllowed.begin(), kAllowed.end(), cap) != kAllowed.end();
}

bool WindowsPod(const PodTemplate& t) { return t.spec["os"]["name"].Str() == "windows"; }

}  // namespace pss

}  // namespace kora
