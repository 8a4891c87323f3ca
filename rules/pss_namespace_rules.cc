// The Pod Security labels on Namespaces: a value the admission cannot parse
// makes the API server reject the Namespace, and a misspelt key is silently
// no policy at all.
#include "analyzer/engine.h"
#include "analyzer/pss.h"
#include "rules/rules.h"

namespace kora {
namespace {

constexpr std::string_view kPrefix = "pod-security.kubernetes.io/";

class PssNamespaceLabelInvalid : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-namespace-label-invalid",
        .title = "Invalid Pod Security label on a Namespace",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Pod Security admission reads `pod-security.kubernetes.io/<mode>` (enforce, audit, warn) with a "
            "level `privileged`, `baseline` or `restricted`, and `pod-security.kubernetes.io/<mode>-version` "
            "with `latest` or `v1.<minor>` (no leading zeros). The values are case-sensitive. The admission "
            "rejects creating or updating a Namespace whose labels it cannot parse (error). A key under "
            "`pod-security.kubernetes.io/` that is not one of the six is accepted and ignored, so the policy "
            "the author meant does not apply (warning).",
        .fix =
            "Use exactly `pod-security.kubernetes.io/enforce: restricted` (or baseline, privileged) and "
            "`pod-security.kubernetes.io/enforce-version: latest` (or v1.<minor>); likewise for audit and warn.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Namespace")) {
      const Object& ns = ctx.objects()[id];
      if (ctx.Shadowed(id)) continue;
      for (auto [key, value] : ns.Labels().Entries()) {
        std::string_view k = key.Str();
        if (k.rfind(kPrefix, 0) != 0) continue;
        std::string path = "metadata.labels[" + std::string(k) + "]";
        std::optional<PssMode> mode;
        bool version = false;
        for (PssMode m : {PssMode::kEnforce, PssMode::kWarn, PssMode::kAudit}) {
          if (k == PssLevelLabel(m)) mode = m;
          if (k == PssVersionLabel(m)) {
            mode = m;
            version = true;
          }
        }
        std::string v(value.Str());
        if (!mode) {
          Finding& f = out.Report(ns, value, path,
                                  "label " + std::string(k) +
                                      " is not a Pod Security label (enforce, audit, warn and "
                                      "their -version), so it sets no policy");
          if (out.Discarded(f)) continue;
          if (!ctx.options().severity.count(info().id)) f.severity = Severity::kWarning;
          f.fix = "Use pod-security.kubernetes.io/enforce, audit or warn (and <mode>-version).";
          continue;
        }
        if (version ? ParsePolicyVersion(v).has_value() : ParsePssLevel(v).has_value()) continue;
        std::string expected =
            version ? "must be \"latest\" or \"v1.x\"" : "must be one of privileged, baseline, restricted";
        Finding& f = out.Report(
            ns, value, path,
            "the API server rejects this Namespace: " + path + ": Invalid value: \"" + v + "\": " + expected);
        if (out.Discarded(f)) continue;
        f.fix = version ? "Set " + std::string(k) + ": latest (or a version such as v1.31)."
                        : "Set " + std::string(k) + ": restricted (or baseline, privileged), in lower case.";
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePssNamespaceLabelInvalid() { return std::make_unique<PssNamespaceLabelInvalid>(); }

}  // namespace kora
