// Argo Rollouts wiring: the Services, Ingresses and AnalysisTemplates a
// Rollout names must exist and route to its pods, or the Rollout goes
// InvalidSpec or shifts traffic to nothing.
#include <map>

#include "analyzer/engine.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

bool IsArgoRollout(const Object& o) { return o.kind == "Rollout" && o.group == "argoproj.io"; }

// The pod template of a Rollout: its own, or the workloadRef's.
const PodTemplate* RolloutTemplate(const Context& ctx, const Object& rollout) {
  if (const PodTemplate* t = ctx.graph().TemplateOf(rollout.id)) return t;
  for (const Reference* r : ctx.graph().References(rollout.id, EdgeKind::kWorkloadRef)) {
    if (const Object* w = ctx.graph().Target(*r)) return ctx.graph().TemplateOf(w->id);
  }
  return nullptr;
}

template <typename F>
void ForEachRollout(const Context& ctx, F&& f) {
  for (ObjectId id : ctx.objects().OfKind("Rollout")) {
    const Object& o = ctx.objects()[id];
    if (IsArgoRollout(o) && !ctx.Shadowed(id)) f(o);
  }
}

class RolloutServiceMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rollout-service-missing",
        .title = "Rollout names a Service that does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "The canaryService, stableService, activeService and previewService of an Argo Rollout must "
                "exist in its namespace. The controller marks the Rollout `InvalidSpec` (`service \"<name>\" not "
                "found`) and stops progressing: no new version is rolled out and traffic is not shifted.",
        .fix = "Create the Service (selecting the Rollout's pod labels; the controller adds "
               "rollouts-pod-template-hash itself) or correct the name in spec.strategy.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachRollout(ctx, [&](const Object& o) {
      for (const Reference* r : ctx.graph().References(o.id, EdgeKind::kRolloutService)) {
        ReportUnresolved(ctx, out, *r, r->field, "the Rollout goes InvalidSpec and stops progressing",
                         "Create Service \"" + ctx.graph().vertex(r->to).name + "\" in namespace \"" +
                             std::string(o.ns) + "\" selecting the Rollout's pod labels, or fix " + r->field + ".");
      }
    });
  }
};

class RolloutCanaryStableSameService : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rollout-canary-stable-same-service",
        .title = "Rollout uses one Service for both sides",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "canaryService and stableService (or activeService and previewService) must be two different "
                "Services: the controller rewrites each one's selector to its own ReplicaSet. One Service for "
                "both is rejected as InvalidSpec, and if it were accepted it could only point at one version.",
        .fix = "Create two Services with the same selector (e.g. web-canary and web-stable) and name one on each "
               "side.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachRollout(ctx, [&](const Object& o) {
      struct Pair {
        const char* strategy;
        const char* a;
        const char* b;
      };
      for (Pair p : {Pair{"canary", "canaryService", "stableService"}, Pair{"blueGreen", "activeService", "previewService"}}) {
        Node s = o.Spec()["strategy"][p.strategy];
        Node a = s[p.a], b = s[p.b];
        if (!a.IsScalar() || !b.IsScalar() || a.Str().empty() || a.Str() != b.Str()) continue;
        Finding& f = out.Report(o, b, "spec.strategy." + std::string(p.strategy) + "." + p.b,
                                std::string(p.a) + " and " + p.b + " are both \"" + std::string(a.Str()) +
                                    "\": the Rollout is InvalidSpec");
        Reporter::Relate(f, o, a, "spec.strategy." + std::string(p.strategy) + "." + p.a, p.a);
        f.fix = "Create a second Service (e.g. \"" + std::string(a.Str()) + "-" +
                (std::string(p.b) == "stableService" ? "stable" : "preview") + "\") and set " + p.b + " to it.";
      }
    });
  }
};

class RolloutServiceSelectorMismatch : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rollout-service-selector-mismatch",
        .title = "Rollout Service does not select the Rollout's pods",
        .severity = Severity::kError,
        .category = "references",
        .help = "The controller adds `rollouts-pod-template-hash` to the selectors of the Services a Rollout "
                "names, on top of the selector they already have. If that selector does not match the Rollout's "
                "pod template labels, the Service selects no pod of any version: the canary (or active) side "
                "has no endpoints, and traffic shifted to it fails.",
        .fix = "Make the Service's spec.selector a subset of the Rollout's spec.template.metadata.labels.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachRollout(ctx, [&](const Object& o) {
      const PodTemplate* t = RolloutTemplate(ctx, o);
      if (!t) return;
      for (const Reference* r : ctx.graph().References(o.id, EdgeKind::kRolloutService)) {
        const Object* svc = ctx.graph().Target(*r);
        if (!svc) continue;
        Node sel = svc->Spec()["selector"];
        if (!sel.IsMap() || sel.Size() == 0) continue;
        // The controller's own hash label is not the user's to match, and the
        // side's ephemeral metadata (canaryMetadata, stableMetadata,
        // activeMetadata, previewMetadata) adds labels to that side's pods.
        static const std::map<std::string, std::string> kSideMetadata = {
            {"canaryService", "canaryMetadata"}, {"stableService", "stableMetadata"},
            {"activeService", "activeMetadata"}, {"previewService", "previewMetadata"}};
        Node strategy = o.Spec()["strategy"][r->field == "canaryService" || r->field == "stableService" ? "canary" : "blueGreen"];
        Node side = strategy[kSideMetadata.at(r->field)]["labels"];
        bool matches = true;
        std::string wanted;
        for (auto [k, v] : sel.Entries()) {
          if (k.Str() == "rollouts-pod-template-hash") continue;
          wanted += (wanted.empty() ? "" : ",") + std::string(k.Str()) + "=" + std::string(v.Str());
          bool in_template = t->Labels()[k.Str()] && t->Labels()[k.Str()].Str() == v.Str();
          bool in_side = side[k.Str()] && side[k.Str()].Str() == v.Str();
          if (!in_template && !in_side) matches = false;
        }
        if (matches) continue;
        Finding& f = out.Report(*svc, sel, "spec.selector",
                                svc->Ref() + " is the " + r->field + " of " + o.Ref() + " but its selector " + wanted +
                                    " does not match the Rollout's pod labels: the Rollouts controller marks it InvalidSpec");
        Reporter::RelateAt(f, r->at, r->field + " of the Rollout");
        const Object& owner = ctx.objects()[t->object];
        Reporter::Relate(f, owner, t->Labels(), t->meta_path + ".labels",
                         "pod labels: " + LabelSelector::FromMap(t->Labels()).ToString());
        f.fix = "Set the selector of " + svc->Ref() + " to labels of the Rollout's pod template (" +
                LabelSelector::FromMap(t->Labels()).ToString() + ").";
      }
    });
  }
};

class RolloutIngressMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rollout-ingress-missing",
        .title = "Rollout traffic routing names a missing or non-routing Ingress",
        .severity = Severity::kError,
        .category = "references",
        .help = "With nginx or ALB traffic routing, the Rollout clones or annotates the Ingress named in "
                "trafficRouting (nginx.stableIngress, alb.ingress). It must exist and have a rule whose backend "
                "is the stableService; otherwise the Rollout errors (`ingress not found`) or canary weights change "
                "nothing and all traffic keeps going to the stable version.",
        .fix = "Point trafficRouting at the Ingress that routes to the stableService, or add a path with backend "
               "service.name: <stableService> to it.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachRollout(ctx, [&](const Object& o) {
      std::string_view stable = o.Spec()["strategy"]["canary"]["stableService"].Str();
      for (const Reference* r : ctx.graph().References(o.id, EdgeKind::kRolloutIngress)) {
        const Object* ing = ctx.graph().Target(*r);
        if (!ing) {
          ReportUnresolved(ctx, out, *r, r->field, "the Rollout cannot shift traffic",
                           "Create Ingress \"" + ctx.graph().vertex(r->to).name + "\" routing to the stableService, "
                           "or fix " + r->field + ".");
          continue;
        }
        if (stable.empty()) continue;
        bool routes = false;
        for (const Reference* b : ctx.graph().References(ing->id, EdgeKind::kIngressBackend)) {
          if (ctx.graph().vertex(b->to).name == stable) routes = true;
        }
        if (routes) continue;
        Finding& f = out.ReportAt(o, r->at,
                                  r->field + " names " + ing->Ref() + ", which has no backend routing to the "
                                  "stableService \"" + std::string(stable) + "\": canary weights will not move "
                                  "any traffic");
        Reporter::Relate(f, *ing, ing->Spec()["rules"], "spec.rules", "the Ingress's rules");
        f.fix = "Add a path with backend service.name: " + std::string(stable) + " to " + ing->Ref() +
                ", or name the Ingress that routes to it.";
      }
    });
  }
};

class RolloutAnalysisTemplateMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rollout-analysis-template-missing",
        .title = "Rollout names an AnalysisTemplate that does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "Analysis steps, background analysis and blue-green pre/post-promotion analysis name "
                "AnalysisTemplates (or ClusterAnalysisTemplates with clusterScope: true). A missing template "
                "makes the Rollout InvalidSpec (`AnalysisTemplate \"<name>\" not found`) and it stops.",
        .fix = "Create the AnalysisTemplate in the Rollout's namespace (or a ClusterAnalysisTemplate and set "
               "clusterScope: true), or fix templateName.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachRollout(ctx, [&](const Object& o) {
      for (const Reference* r : ctx.graph().References(o.id, EdgeKind::kAnalysisTemplate)) {
        ReportUnresolved(ctx, out, *r, "analysis templateName", "the Rollout goes InvalidSpec",
                         "Create " + ctx.graph().vertex(r->to).kind + " \"" + ctx.graph().vertex(r->to).name +
                             "\" or fix templateName.");
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRolloutServiceMissing() { return std::make_unique<RolloutServiceMissing>(); }
std::unique_ptr<Rule> MakeRolloutCanaryStableSameService() {
  return std::make_unique<RolloutCanaryStableSameService>();
}
std::unique_ptr<Rule> MakeRolloutServiceSelectorMismatch() {
  return std::make_unique<RolloutServiceSelectorMismatch>();
}
std::unique_ptr<Rule> MakeRolloutIngressMissing() { return std::make_unique<RolloutIngressMissing>(); }
std::unique_ptr<Rule> MakeRolloutAnalysisTemplateMissing() {
  return std::make_unique<RolloutAnalysisTemplateMissing>();
}

}  // namespace kora
