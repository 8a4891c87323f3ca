// References around workloads: storage classes, autoscalers, disruption
// budgets, network policies and StatefulSet governing Services.
#include "analyzer/engine.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

class StorageClassMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "storage-class-missing",
        .title = "StorageClass does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "A PersistentVolumeClaim (or a StatefulSet volumeClaimTemplate) with a storageClassName that no "
                "StorageClass has stays Pending forever (`storageclass.storage.k8s.io \"<name>\" not found`), "
                "and so does every pod that mounts it. Leaving storageClassName out uses the cluster's default "
                "class; an empty string asks for no class (static volumes).",
        .fix = "Use an existing class (kubectl get storageclass), or omit storageClassName to get the default.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const char* kind : {"PersistentVolumeClaim", "StatefulSet"}) {
      for (ObjectId id : ctx.objects().OfKind(kind)) {
        if (ctx.Shadowed(id) || ctx.ControllerOf(ctx.objects()[id])) continue;
        for (const Reference* r : ctx.graph().References(id, EdgeKind::kStorageClass)) {
          ReportUnresolved(ctx, out, *r, "storageClassName", "the claim stays Pending and its pods never start",
                           "Use an installed StorageClass (kubectl get storageclass) or remove storageClassName "
                           "to use the default class.");
        }
      }
    }
  }
};

class HpaTargetMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "hpa-target-missing",
        .title = "HorizontalPodAutoscaler target does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "spec.scaleTargetRef names the workload the autoscaler scales. When it does not exist the HPA "
                "reports `FailedGetScale` and scales nothing: the workload it was meant for runs at its fixed "
                "replica count under load.",
        .fix = "Set scaleTargetRef (apiVersion, kind, name) to the workload in the same namespace.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("HorizontalPodAutoscaler")) {
      if (ctx.Shadowed(id)) continue;
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kScaleTarget)) {
        ReportUnresolved(ctx, out, *r, "scaleTargetRef", "the autoscaler scales nothing (FailedGetScale)",
                         "Point scaleTargetRef at the existing workload, e.g. {apiVersion: apps/v1, kind: "
                         "Deployment, name: <name>}.");
      }
    }
  }
};

class HpaTargetSetsReplicas : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "hpa-target-sets-replicas",
        .title = "Workload scaled by an HPA also sets spec.replicas",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "When a HorizontalPodAutoscaler manages a workload, every `kubectl apply` (or Argo CD / Flux "
                "sync) of a manifest that sets spec.replicas resets the replica count to that number, undoing "
                "the autoscaler: a scaled-out deployment drops to the fixed count under load until the HPA "
                "scales it back.",
        .fix = "Remove spec.replicas from the workload's manifest and let the HPA own it (set minReplicas "
               "instead).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("HorizontalPodAutoscaler")) {
      if (ctx.Shadowed(id)) continue;
      const Object& hpa = ctx.objects()[id];
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kScaleTarget)) {
        const Object* target = ctx.graph().Target(*r);
        if (!target) continue;
        // The manifest's copy: live objects always carry spec.replicas.
        const Object* w = nullptr;
        for (ObjectId copy : ctx.objects().SameIdentity(target->id)) {
          if (!ctx.objects()[copy].live()) w = &ctx.objects()[copy];
        }
        if (!w) continue;
        Node replicas = w->Spec()["replicas"];
        if (!replicas) continue;
        Finding& f = out.Report(*w, replicas, "spec.replicas",
                                w->Ref() + " sets spec.replicas: " + std::string(replicas.Str()) + " but " +
                                    hpa.Ref() + " scales it: every apply resets the replica count");
        Reporter::Relate(f, hpa, hpa.Spec()["scaleTargetRef"], "spec.scaleTargetRef", "the autoscaler");
        f.fix = "Delete spec.replicas from " + w->Ref() + "; " + hpa.Ref() + " (minReplicas " +
                std::string(hpa.Spec()["minReplicas"].Str().empty() ? "1" : hpa.Spec()["minReplicas"].Str()) +
                ") owns the count.";
      }
    }
  }
};

// PDBs and NetworkPolicies that select no pod: protect or isolate nothing.
class SelectsNothingRule : public Rule {
 protected:
  void CheckKind(const Context& ctx, Reporter& out, const char* kind, const char* field,
                 const std::string& consequence) const {
    for (ObjectId id : ctx.objects().OfKind(kind)) {
      if (ctx.Shadowed(id)) continue;
      const Object& o = ctx.objects()[id];
      if (!ctx.graph().SelectedPods(id).empty()) continue;
      Node sel = o.Spec()[field];
      if (std::string_view(kind) == "NetworkPolicy" && (!sel || sel.Size() == 0)) {
        // An empty podSelector selects every pod; nothing to match against.
        if (!ctx.graph().HasPodsIn(o.ns)) continue;
      }
      std::string selector = LabelSelector::FromLabelSelector(sel).ToString();
      if (const Object* cr = ctx.graph().OperatorCandidate(o.ns, LabelSelector::FromLabelSelector(sel))) {
        Finding& f = out.Report(o, sel, std::string("spec.") + field,
                                "selector " + selector + " matches no pod in the input; its pods are probably "
                                "created at run time by an operator for " + cr->Ref());
        f.severity = Severity::kNote;
        continue;
      }
      if (!ctx.graph().HasPodsIn(o.ns) && !ctx.options().complete) {
        Finding& f = out.Report(o, sel, std::string("spec.") + field,
                                "selector " + selector + " matches no pod in the input, and namespace \"" +
                                    std::string(o.ns) + "\" has no pods or workloads in the input, so kora cannot "
                                    "verify it");
        f.severity = Severity::kNote;
        continue;
      }
      out.Report(o, sel, std::string("spec.") + field,
                 (sel ? "selector " + (selector.empty() ? std::string("{}") : selector) : std::string("no selector, which")) +
                     " matches no pod or pod template in namespace \"" + std::string(o.ns) + "\": " + consequence);
    }
  }
};

class PdbSelectsNothing : public SelectsNothingRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pdb-selects-nothing",
        .title = "PodDisruptionBudget selects no pod",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "A PodDisruptionBudget protects the pods its selector matches during node drains and upgrades. "
                "One that matches nothing protects nothing: a drain can take every replica of the workload it "
                "was written for down at once.",
        .fix = "Set spec.selector.matchLabels to the labels of the workload's pod template.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    CheckKind(ctx, out, "PodDisruptionBudget", "selector", "it protects nothing during drains");
  }
};

class NetworkPolicySelectsNothing : public SelectsNothingRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "network-policy-selects-nothing",
        .title = "NetworkPolicy selects no pod",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "A NetworkPolicy applies to the pods its podSelector matches (an empty podSelector matches every "
                "pod in the namespace). One whose selector matches no pod isolates nothing, so the traffic it "
                "was meant to restrict is still allowed.",
        .fix = "Set spec.podSelector to the labels of the pods the policy is for.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    CheckKind(ctx, out, "NetworkPolicy", "podSelector", "it restricts no traffic");
  }
};

class StatefulSetServiceMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "statefulset-service-missing",
        .title = "StatefulSet governing Service does not exist",
        .severity = Severity::kWarning,
        .category = "references",
        .help = "spec.serviceName names the headless Service that gives each StatefulSet pod its stable DNS name "
                "(<pod>.<service>.<namespace>.svc). Without it the pods run but those names do not resolve, so "
                "peers that find each other by DNS (databases, quorum members) cannot form a cluster.",
        .fix = "Create a headless Service (clusterIP: None) named like spec.serviceName that selects the "
               "StatefulSet's pods.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("StatefulSet")) {
      if (ctx.Shadowed(id)) continue;
      const Object& sts = ctx.objects()[id];
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kStatefulSetService)) {
        ReportUnresolved(ctx, out, *r, "serviceName", "its pods get no stable DNS names",
                         "Add a Service named \"" + ctx.graph().vertex(r->to).name + "\" in namespace \"" +
                             std::string(sts.ns) + "\" with clusterIP: None selecting the StatefulSet's pods.");
      }
    }
  }
};

class StatefulSetServiceNotHeadless : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "statefulset-service-not-headless",
        .title = "StatefulSet governing Service is not headless",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "The Service named by a StatefulSet's serviceName must be headless (clusterIP: None) for the "
                "per-pod DNS records to exist; a normal ClusterIP Service only gets one virtual IP for all pods.",
        .fix = "Set spec.clusterIP: None on the governing Service (clusterIP is immutable: recreate the "
               "Service), and use a second, normal Service for client traffic if needed.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("StatefulSet")) {
      if (ctx.Shadowed(id)) continue;
      const Object& sts = ctx.objects()[id];
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kStatefulSetService)) {
        const Object* svc = ctx.graph().Target(*r);
        if (!svc || svc->Spec()["clusterIP"].Str() == "None") continue;
        Node at = svc->Spec()["clusterIP"] ? svc->Spec()["clusterIP"] : svc->Metadata()["name"];
        Finding& f = out.Report(*svc, at, svc->Spec()["clusterIP"] ? "spec.clusterIP" : "metadata.name",
                                svc->Ref() + " governs " + sts.Ref() +
                                    " but is not headless (clusterIP: None): its pods get no per-pod DNS names");
        Reporter::Relate(f, sts, sts.Spec()["serviceName"], "spec.serviceName", "the StatefulSet naming it");
        f.fix = "Set spec.clusterIP: None on " + svc->Ref() + " (recreate it: clusterIP is immutable).";
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeStorageClassMissing() { return std::make_unique<StorageClassMissing>(); }
std::unique_ptr<Rule> MakeHpaTargetMissing() { return std::make_unique<HpaTargetMissing>(); }
std::unique_ptr<Rule> MakeHpaTargetSetsReplicas() { return std::make_unique<HpaTargetSetsReplicas>(); }
std::unique_ptr<Rule> MakePdbSelectsNothing() { return std::make_unique<PdbSelectsNothing>(); }
std::unique_ptr<Rule> MakeNetworkPolicySelectsNothing() { return std::make_unique<NetworkPolicySelectsNothing>(); }
std::unique_ptr<Rule> MakeStatefulSetServiceMissing() { return std::make_unique<StatefulSetServiceMissing>(); }
std::unique_ptr<Rule> MakeStatefulSetServiceNotHeadless() { return std::make_unique<StatefulSetServiceNotHeadless>(); }

}  // namespace kora
