// Replica counts and rollouts: a served Deployment with too few replicas, an
// autoscaler whose range is too low or invalid, replicas that may share one
// node, and update strategies that take every pod down at once or never roll.
#include "analyzer/engine.h"
#include "analyzer/selector.h"
#include "rules/rules.h"
#include "rules/workload_facts.h"

namespace kora {
namespace {

int64_t IntParam(const Context& ctx, std::string_view rule, std::string_view name, int64_t fallback) {
  const std::vector<std::string>& v = ctx.options().Param(rule, name);
  if (v.empty()) return fallback;
  try {
    return std::stoll(v.front());
  } catch (...) {
    return fallback;
  }
}

// The field to point at for a workload's replica count.
Node ReplicasField(const Object& o) {
  Node r = o.Spec()["replicas"];
  return r ? r : o.Metadata()["name"];
}

class DeploymentReplicasLow : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "deployment-replicas-low",
        .title = "Served Deployment runs fewer than 2 replicas",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "With a single replica every node drain, eviction, crash or node failure leaves the Services in "
                "front of it with no endpoint until a new pod is scheduled and ready, typically tens of seconds "
                "or more. Only Deployments (and Argo Rollouts) that a Service in the input selects and that no "
                "HorizontalPodAutoscaler scales are checked. Development environments often run one replica on "
                "purpose, hence strict only.",
        .fix = "Set spec.replicas to 2 or more (or let a HorizontalPodAutoscaler with minReplicas: 2 manage it), "
               "and add a PodDisruptionBudget so drains keep one replica up.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    int64_t min = IntParam(ctx, info().id, "min", 2);
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      if (o.kind != "Deployment" && o.kind != "Rollout") continue;
      std::optional<ReplicaCount> replicas = Replicas(ctx, o);
      if (!replicas || replicas->hpa || replicas->min >= min) continue;
      std::vector<const Object*> services = ServicesSelecting(ctx, *t);
      if (services.empty()) continue;
      Finding& f = out.Report(o, ReplicasField(o), o.Spec()["replicas"] ? "spec.replicas" : "metadata.name",
                              o.Ref() + " runs " + ReplicaWord(replicas->min) + " (" + replicas->source + ") behind " +
                                  services.front()->Ref() + ": a drain or crash leaves the Service without endpoints");
      f.fix = "Set spec.replicas: " + std::to_string(min) + " on " + o.Ref() + ".";
    }
  }
};

class HpaMinReplicasLow : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "hpa-min-replicas-low",
        .title = "HorizontalPodAutoscaler may scale down to 1 replica",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "An autoscaler with minReplicas 1 (the default when it is left out) scales its workload down to "
                "a single pod whenever load is low, and then the workload has no redundancy: a drain or crash "
                "takes it down until a new pod is ready.",
        .fix = "Set spec.minReplicas: 2 (or more) on the HorizontalPodAutoscaler.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    int64_t min = IntParam(ctx, info().id, "min", 2);
    for (ObjectId id : ctx.objects().OfKind("HorizontalPodAutoscaler")) {
      const Object& hpa = ctx.objects()[id];
      if (ctx.Shadowed(id)) continue;
      Node field = hpa.Spec()["minReplicas"];
      std::optional<int64_t> value = field ? field.Int() : std::optional<int64_t>(1);
      if (!value || *value >= min || *value < 1) continue;  // below 1 is hpa-replicas-invalid
      Finding& f = out.Report(hpa, field ? field : hpa.Spec(), field ? "spec.minReplicas" : "spec",
                              hpa.Ref() + " has minReplicas " + std::to_string(*value) + (field ? "" : " (default)") +
                                  ": it scales its target down to " + ReplicaWord(*value));
      f.fix = "Set spec.minReplicas: " + std::to_string(min) + " on " + hpa.Ref() + ".";
    }
  }
};

class HpaReplicasInvalid : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "hpa-replicas-invalid",
        .title = "HorizontalPodAutoscaler replica range the API server rejects",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "spec.maxReplicas is required, at least 1 and at least spec.minReplicas; spec.minReplicas is at "
                "least 1 (0 needs the alpha HPAScaleToZero feature gate). The API server rejects an autoscaler "
                "that breaks this (`spec.maxReplicas: Invalid value: 2: must be greater than or equal to "
                "`minReplicas``), so the workload is never scaled.",
        .fix = "Set 1 <= minReplicas <= maxReplicas, e.g. minReplicas: 2, maxReplicas: 10.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("HorizontalPodAutoscaler")) {
      const Object& hpa = ctx.objects()[id];
      if (ctx.Shadowed(id)) continue;
      Node min_field = hpa.Spec()["minReplicas"];
      Node max_field = hpa.Spec()["maxReplicas"];
      std::optional<int64_t> min = min_field ? min_field.Int() : std::optional<int64_t>(1);
      std::optional<int64_t> max = max_field.Int();
      if (!max_field || max_field.IsNull()) {
        out.Report(hpa, hpa.Spec(), "spec", hpa.Ref() + " has no spec.maxReplicas, which is required");
        continue;
      }
      if (min && *min < 1) {
        out.Report(hpa, min_field, "spec.minReplicas",
                   hpa.Ref() + " has minReplicas " + std::to_string(*min) +
                       ": must be at least 1 (scaling to zero needs the alpha HPAScaleToZero feature gate)");
      }
      if (max && *max < 1) {
        out.Report(hpa, max_field, "spec.maxReplicas", hpa.Ref() + " has maxReplicas " + std::to_string(*max) +
                                                           ": must be at least 1");
      } else if (min && max && *max < *min) {
        Finding& f = out.Report(hpa, max_field, "spec.maxReplicas",
                                hpa.Ref() + " has maxReplicas " + std::to_string(*max) + " below minReplicas " +
                                    std::to_string(*min) + ": maxReplicas must be greater than or equal to "
                                    "minReplicas");
        f.fix = "Set spec.maxReplicas to at least " + std::to_string(*min) + ".";
      }
    }
  }
};

// Whether a pod anti-affinity term or spread constraint spreads the template's own pods.
bool SelectsOwnPods(Node term, const PodTemplate& t) {
  if (term["matchLabelKeys"].IsSeq() && term["matchLabelKeys"].Size() > 0) return true;
  Node sel = term["labelSelector"];
  if (!sel) return false;
  LabelSelector s = LabelSelector::FromLabelSelector(sel);
  return s.valid() && s.Matches(t.Labels());
}

bool SpreadsReplicas(const PodTemplate& t) {
  static constexpr std::string_view kDomains[] = {"kubernetes.io/hostname", "topology.kubernetes.io/zone",
                                                  "failure-domain.beta.kubernetes.io/zone"};
  auto spreading_key = [](std::string_view key) {
    for (std::string_view d : kDomains) {
      if (key == d) return true;
    }
    return false;
  };
  Node anti = t.spec["affinity"]["podAntiAffinity"];
  for (Node term : anti["requiredDuringSchedulingIgnoredDuringExecution"].Items()) {
    if (spreading_key(term["topologyKey"].Str()) && SelectsOwnPods(term, t)) return true;
  }
  for (Node weighted : anti["preferredDuringSchedulingIgnoredDuringExecution"].Items()) {
    Node term = weighted["podAffinityTerm"];
    if (spreading_key(term["topologyKey"].Str()) && SelectsOwnPods(term, t)) return true;
  }
  for (Node c : t.spec["topologySpreadConstraints"].Items()) {
    if (SelectsOwnPods(c, t)) return true;
  }
  return false;
}

class ReplicasNotSpread : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "replicas-not-spread",
        .title = "Replicas may all run on one node",
        .severity = Severity::kNote,
        .category = "reliability",
        .help = "Replicas protect against a node failure only when they run on different nodes. Without a pod "
                "anti-affinity or a topology spread constraint on the workload's own pods, the scheduler's "
                "built-in soft spreading is all that separates them, and it gives way when nodes are busy: all "
                "replicas can end up on one node and fail together.",
        .fix = "Add a topology spread constraint over nodes for the workload's pods, e.g.\n"
               "topologySpreadConstraints:\n- maxSkew: 1\n  topologyKey: kubernetes.io/hostname\n"
               "  whenUnsatisfiable: ScheduleAnyway\n  labelSelector:\n    matchLabels:\n      app: web",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      std::optional<ReplicaCount> replicas = Replicas(ctx, o);
      if (!replicas || replicas->max < 2 || SpreadsReplicas(*t)) continue;
      Finding& f = out.Report(o, ReplicasField(o), o.Spec()["replicas"] ? "spec.replicas" : "metadata.name",
                              o.Ref() + " runs up to " + ReplicaWord(replicas->max) + " with no pod anti-affinity "
                              "or topology spread constraint on its own pods: they may all land on one node");
      f.fix = "Add to " + t->path + ": topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, "
              "whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {" + IdentifyingLabels(*t) + "}}}].";
    }
  }
};

class UpdateStrategyNotRolling : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "update-strategy-not-rolling",
        .title = "Update strategy stops every pod at once or never updates",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "A Deployment with `strategy: {type: Recreate}` stops all old pods before it starts new ones, so "
                "every rollout is an outage for the Services in front of it. A StatefulSet or DaemonSet with "
                "`updateStrategy: {type: OnDelete}` never replaces its pods on a change: the new template only "
                "runs after someone deletes each pod. Both are sometimes chosen on purpose (a volume only one pod "
                "may mount, a manually staged upgrade), hence strict only. Recreate is only reported for "
                "Deployments a Service in the input selects.",
        .fix = "Use RollingUpdate: `strategy: {type: RollingUpdate}` on a Deployment, "
               "`updateStrategy: {type: RollingUpdate}` on a StatefulSet or DaemonSet.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      if (o.kind == "Deployment") {
        Node type = o.Spec()["strategy"]["type"];
        if (type.Str() != "Recreate") continue;
        std::vector<const Object*> services = ServicesSelecting(ctx, *t);
        if (services.empty()) continue;
        out.Report(o, type, "spec.strategy.type",
                   o.Ref() + " uses the Recreate strategy: every rollout stops all pods before starting new ones, "
                   "so " + services.front()->Ref() + " has no endpoints meanwhile");
      } else if (o.kind == "StatefulSet" || o.kind == "DaemonSet") {
        Node type = o.Spec()["updateStrategy"]["type"];
        if (type.Str() != "OnDelete") continue;
        out.Report(o, type, "spec.updateStrategy.type",
                   o.Ref() + " uses the OnDelete update strategy: a changed template only reaches pods that are "
                   "deleted by hand");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeDeploymentReplicasLow() { return std::make_unique<DeploymentReplicasLow>(); }
std::unique_ptr<Rule> MakeHpaMinReplicasLow() { return std::make_unique<HpaMinReplicasLow>(); }
std::unique_ptr<Rule> MakeHpaReplicasInvalid() { return std::make_unique<HpaReplicasInvalid>(); }
std::unique_ptr<Rule> MakeReplicasNotSpread() { return std::make_unique<ReplicasNotSpread>(); }
std::unique_ptr<Rule> MakeUpdateStrategyNotRolling() { return std::make_unique<UpdateStrategyNotRolling>(); }

}  // namespace kora
