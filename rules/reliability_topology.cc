// Pod topology spread constraints: ones the API server rejects, and ones that
// spread nothing because their selector does not match the workload's pods.
#include <set>

#include "analyzer/engine.h"
#include "analyzer/selector.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

class TopologySpreadInvalid : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "topology-spread-invalid",
        .title = "Topology spread constraint the API server rejects",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Each entry of topologySpreadConstraints needs maxSkew greater than 0, a topologyKey, and "
                "whenUnsatisfiable set to DoNotSchedule or ScheduleAnyway; minDomains, when set, must be greater "
                "than 0 and needs whenUnsatisfiable: DoNotSchedule; nodeAffinityPolicy and nodeTaintsPolicy are "
                "Honor or Ignore; matchLabelKeys needs a labelSelector; and no two entries may share a "
                "topologyKey and whenUnsatisfiable. The API server rejects a pod spec that breaks one of these, so "
                "no pod is created.",
        .fix = "Write each constraint in full, e.g.\n"
               "topologySpreadConstraints:\n- maxSkew: 1\n  topologyKey: kubernetes.io/hostname\n"
               "  whenUnsatisfiable: ScheduleAnyway\n  labelSelector:\n    matchLabels:\n      app: web",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      std::set<std::pair<std::string_view, std::string_view>> seen;
      size_t i = 0;
      for (Node c : t->spec["topologySpreadConstraints"].Items()) {
        std::string path = t->path + ".topologySpreadConstraints[" + std::to_string(i++) + "]";
        auto report = [&](Node at, const std::string& field, const std::string& why) {
          out.Report(o, at ? at : c, at ? path + "." + field : path, "topology spread constraint " + why);
        };
        if (!c.IsMap()) {
          report(Node(), "", "is not a mapping: each entry needs maxSkew, topologyKey and whenUnsatisfiable");
          continue;
        }
        Node skew = c["maxSkew"];
        if (!skew || skew.IsNull()) {
          report(Node(), "", "has no maxSkew: it is required and must be greater than 0");
        } else if (std::optional<int64_t> v = skew.Int(); !v || *v <= 0) {
          report(skew, "maxSkew", "has maxSkew " + std::string(skew.Str()) + ": must be greater than 0");
        }
        Node key = c["topologyKey"];
        if (!key.IsScalar() || key.Str().empty()) report(key, "topologyKey", "has no topologyKey: it is required");
        Node when = c["whenUnsatisfiable"];
        std::string_view w = when.Str();
        if (w != "DoNotSchedule" && w != "ScheduleAnyway") {
          report(when, "whenUnsatisfiable",
                 (when ? "has whenUnsatisfiable " + Quoted(w) : std::string("has no whenUnsatisfiable")) +
                     ": must be DoNotSchedule or ScheduleAnyway");
        }
        if (Node min = c["minDomains"]; min && !min.IsNull()) {
          std::optional<int64_t> v = min.Int();
          if (!v || *v <= 0) {
            report(min, "minDomains", "has minDomains " + std::string(min.Str()) + ": must be greater than 0");
          } else if (w == "ScheduleAnyway") {
            report(min, "minDomains", "sets minDomains with whenUnsatisfiable: ScheduleAnyway; minDomains is only "
                                      "allowed with DoNotSchedule");
          }
        }
        for (const char* policy : {"nodeAffinityPolicy", "nodeTaintsPolicy"}) {
          Node p = c[policy];
          if (p && !p.IsNull() && p.Str() != "Honor" && p.Str() != "Ignore") {
            report(p, policy, "has " + std::string(policy) + " " + Quoted(p.Str()) + ": must be Honor or Ignore");
          }
        }
        if (c["matchLabelKeys"].IsSeq() && c["matchLabelKeys"].Size() > 0 && !c["labelSelector"]) {
          report(c["matchLabelKeys"], "matchLabelKeys", "sets matchLabelKeys without a labelSelector, which is "
                                                        "not allowed");
        }
        if (key.IsScalar() && !key.Str().empty() && !w.empty() && !seen.emplace(key.Str(), w).second) {
          report(key, "topologyKey", "repeats topologyKey " + Quoted(key.Str()) + " with whenUnsatisfiable " +
                                         std::string(w) + ": each pair may appear once");
        }
      }
    }
  }
};

class TopologySpreadIneffective : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "topology-spread-ineffective",
        .title = "Topology spread constraint does not select the workload's own pods",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "A topology spread constraint counts the pods its labelSelector matches in each domain. Without "
                "a labelSelector it counts nothing, and with one that does not match the workload's own pod "
                "labels it spreads the workload relative to other pods: either way the replicas are not spread "
                "and can all run in one zone or on one node, although the manifest looks protected.",
        .fix = "Set the constraint's labelSelector to the pod template's labels, e.g. "
               "labelSelector: {matchLabels: {app: web}}.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      size_t i = 0;
      for (Node c : t->spec["topologySpreadConstraints"].Items()) {
        std::string path = t->path + ".topologySpreadConstraints[" + std::to_string(i++) + "]";
        Node sel = c["labelSelector"];
        if (!sel || sel.IsNull()) {
          if (c["matchLabelKeys"]) continue;  // topology-spread-invalid reports that
          out.Report(o, c, path,
                     "topology spread constraint over " + Quoted(c["topologyKey"].Str()) +
                         " has no labelSelector: it counts no pods and spreads nothing");
          continue;
        }
        LabelSelector s = LabelSelector::FromLabelSelector(sel);
        if (!s.valid() || s.Matches(t->Labels())) continue;
        Finding& f = out.Report(o, sel, path + ".labelSelector",
                                "topology spread constraint over " + Quoted(c["topologyKey"].Str()) +
                                    " selects " + s.ToString() + ", which does not match this workload's pod labels: "
                                    "its own replicas are not spread");
        Reporter::Relate(f, o, t->Labels(), t->meta_path + ".labels", "the pod labels");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeTopologySpreadInvalid() { return std::make_unique<TopologySpreadInvalid>(); }
std::unique_ptr<Rule> MakeTopologySpreadIneffective() { return std::make_unique<TopologySpreadIneffective>(); }

}  // namespace kora
