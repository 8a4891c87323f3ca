#include "analyzer/engine.h"
#include "analyzer/selector.h"
#include "rules/rules.h"

namespace kora {
namespace {

class WorkloadSelectorMismatch : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "workload-selector-mismatch",
        .title = "Workload selector does not match its pod template labels",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "A Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController or Job with a manual "
                "selector must select the pods its own template creates: the API server rejects the object "
                "(`selector does not match template labels`). An Argo Rollout is a custom resource, so the API "
                "server accepts it, but the Rollouts controller marks it InvalidSpec and rolls nothing out.",
        .fix = "Make spec.selector.matchLabels a subset of spec.template.metadata.labels, e.g. both "
               "`app: <name>`. Note that a Deployment's selector is immutable: changing it means recreating "
               "the Deployment.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& obj = ctx.objects()[t->object];
      if (t->is_pod || obj.kind == "CronJob" || obj.kind == "PodTemplate") continue;
      Node sel_node = obj.Spec()["selector"];
      if (obj.kind == "Job" && obj.Spec()["manualSelector"].Bool() != true) continue;
      LabelSelector sel = obj.kind == "ReplicationController" ? LabelSelector::FromMap(sel_node)
                                                              : LabelSelector::FromLabelSelector(sel_node);
      // A missing selector is its own (API validation) problem; an empty
      // ReplicationController selector defaults to the template labels.
      if (!sel.present() || (obj.kind == "ReplicationController" && sel.empty())) continue;
      if (!sel.valid()) {
        out.Report(obj, sel_node, "spec.selector", "spec.selector is invalid: " + sel.error());
        continue;
      }
      if (sel.empty()) {
        out.Report(obj, sel_node, "spec.selector",
                   std::string(obj.kind) + " has an empty selector; the API server requires a non-empty one");
        continue;
      }
      if (sel.Matches(t->Labels())) continue;
      std::string consequence = obj.kind == "Rollout" ? "the Argo Rollouts controller marks this Rollout InvalidSpec"
                                                      : "the API server rejects this " + std::string(obj.kind);
      Finding& f = out.Report(obj, sel_node, "spec.selector",
                              "spec.selector (" + sel.ToString() + ") does not match the pod template labels; " +
                                  consequence);
      Node labels = t->Labels();
      Reporter::Relate(f, obj, labels ? labels : t->metadata, t->meta_path + ".labels", "pod template labels");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadSelectorMismatch() { return std::make_unique<WorkloadSelectorMismatch>(); }

}  // namespace kora
