// Services and the pods they select: a selector that matches nothing, a
// targetPort no container exposes, a selector that sweeps up several apps.
#include <algorithm>
#include <set>

#include "analyzer/diagnosis.h"
#include "analyzer/engine.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

bool SelectsPods(const Object& svc) {
  Node sel = svc.Spec()["selector"];
  return svc.Spec()["type"].Str() != "ExternalName" && sel.IsMap() && sel.Size() > 0;
}

// The app a workload belongs to, by the usual labels, else its name.
std::string AppName(const Object& workload, const PodTemplate* t) {
  for (const char* label : {"app.kubernetes.io/name", "app", "k8s-app"}) {
    std::string_view v = t ? t->Labels()[label].Str() : std::string_view();
    if (v.empty()) v = workload.Label(label);
    if (!v.empty()) return std::string(v);
  }
  return std::string(workload.name);
}

class ServiceSelectsNothing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-selects-nothing",
        .title = "Service selector matches no pod",
        .severity = Severity::kError,
        .category = "references",
        .help = "A Service sends traffic to the ready pods its selector matches. When the selector matches no pod "
                "or pod template in the namespace, the Service has no endpoints: connections are refused or time "
                "out, and an Ingress in front of it answers 503. The usual cause is a label typo or a renamed "
                "app label on one side only.",
        .fix = "Make spec.selector equal to labels of the pod template of the workload that should serve the "
               "Service (kubectl get endpoints <service> shows the result).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    const Graph& g = ctx.graph();
    for (ObjectId id : ctx.objects().OfKind("Service")) {
      if (ctx.Shadowed(id)) continue;
      const Object& svc = ctx.objects()[id];
      if (!SelectsPods(svc) || !g.SelectedPods(id).empty()) continue;
      // Endpoints in the input show the selector matches pods at run time.
      EndpointState eps = ServiceEndpoints(ctx, svc);
      if (eps.ready + eps.not_ready > 0) continue;
      Node sel = svc.Spec()["selector"];
      std::string selector = LabelSelector::FromMap(sel).ToString();
      if (const Object* cr = g.OperatorCandidate(svc.ns, LabelSelector::FromMap(sel))) {
        Finding& f = out.Report(svc, sel, "spec.selector",
                                "selector " + selector + " matches no pod in the input; its pods are probably "
                                "created at run time by an operator for " + cr->Ref());
        f.severity = Severity::kNote;
        Reporter::Relate(f, *cr, cr->Metadata()["name"], "metadata.name", "the custom resource");
        continue;
      }
      if (eps.known() && !g.HasPodsIn(svc.ns)) {
        // The endpoints controller's own record: no pod matched at dump time,
        // whatever the input leaves out.
        Finding& f = out.Report(svc, sel, "spec.selector",
                                "selector " + selector + " matches no pod in the input, and " + eps.Describe() +
                                    ": the Service has no endpoints");
        const Object& proof = *eps.evidence();
        Reporter::Relate(f, proof, proof.Metadata()["name"], "metadata.name",
                         "the endpoints the cluster published for " + svc.Ref());
        f.fix = "Deploy (or scale up) the workload whose pods should serve " + svc.Ref() + " with the labels " +
                selector + ", or set spec.selector to the labels those pods carry (kubectl get pods -n " +
                std::string(svc.ns) + " --show-labels).";
        continue;
      }
      if (!g.HasPodsIn(svc.ns) && !ctx.options().complete) {
        Finding& f = out.Report(svc, sel, "spec.selector",
                                "selector " + selector + " matches no pod in the input, and namespace \"" +
                                    std::string(svc.ns) +
                                    "\" has no pods or workloads in the input, so kora cannot verify it");
        f.severity = Severity::kNote;
        continue;
      }
      // Point at the closest workload: the one sharing most selector labels.
      const PodTemplate* best = nullptr;
      size_t best_score = 0;
      for (const PodTemplate* t : g.PodsIn(svc.ns)) {
        size_t score = 0;
        for (auto [k, v] : sel.Entries()) score += t->Labels()[k.Str()] ? 1 : 0;
        if (score > best_score) {
          best = t;
          best_score = score;
        }
      }
      Finding& f = out.Report(svc, sel, "spec.selector",
                              "selector " + selector + " matches no pod or pod template in namespace \"" +
                                  std::string(svc.ns) + "\": the Service has no endpoints");
      if (best) {
        const Object& w = ctx.objects()[best->object];
        LabelSelector labels = LabelSelector::FromMap(best->Labels());
        Reporter::Relate(f, w, best->Labels(), best->meta_path + ".labels",
                         "closest match: " + w.Ref() + " has labels " + labels.ToString());
        // Labels a controller adds per revision or per pod (pod-template-hash)
        // would stop matching at the next rollout: never propose them.
        std::string proposed = ProposedSelector(sel, best->Labels());
        f.fix = proposed.empty()
                    ? "Set spec.selector to the labels of the pods that should serve " + svc.Ref() +
                          " (kubectl get pods -n " + std::string(svc.ns) + " --show-labels), or fix their labels."
                    : "Set spec.selector to " + proposed + ", which " + w.Ref() + " carries" +
                          InjectedLabelsNote(best->Labels()) + ", or fix the labels of the workload that should serve " +
                          svc.Ref() + ".";
      }
    }
  }
};

class ServiceTargetPortMismatch : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-target-port-mismatch",
        .title = "Service targetPort matches no container port",
        .severity = Severity::kError,
        .category = "references",
        .help = "A named targetPort must name a port declared by the selected containers; when no container "
                "declares it, the pod is left out of the Service's endpoints and traffic has nowhere to go. A "
                "numeric targetPort works as long as the process listens there, so kora only warns when the "
                "containers declare ports and none of them is the target.",
        .fix = "Set targetPort to the name or number of a containerPort of the selected pods, or declare the "
               "port on the container (ports: [{name: http, containerPort: 8080}]).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Service")) {
      if (ctx.Shadowed(id)) continue;
      const Object& svc = ctx.objects()[id];
      if (!SelectsPods(svc)) continue;
      std::vector<const PodTemplate*> pods = ctx.graph().SelectedPods(id);
      if (pods.empty()) continue;
      size_t i = 0;
      for (Node port : svc.Spec()["ports"].Items()) {
        std::string path = "spec.ports[" + std::to_string(i++) + "]";
        Node target = port["targetPort"];
        Node at = target ? target : port["port"];
        std::string_view protocol = port["protocol"].Str().empty() ? "TCP" : port["protocol"].Str();
        bool named = target.IsScalar() && !target.Int();
        std::string value(target ? target.Str() : port["port"].Str());
        bool any_declared = false, found = false;
        for (const PodTemplate* t : pods) {
          for (const ContainerRef& c : t->containers) {
            // Only regular containers and sidecars (restartPolicy: Always init containers) serve.
            if (c.kind == ContainerKind::kEphemeral) continue;
            if (c.kind == ContainerKind::kInit && c.node["restartPolicy"].Str() != "Always") continue;
            for (Node p : c.node["ports"].Items()) {
              any_declared = true;
              std::string_view proto = p["protocol"].Str().empty() ? "TCP" : p["protocol"].Str();
              if (proto != protocol) continue;
              if (named ? p["name"].Str() == value : p["containerPort"].Str() == value) found = true;
            }
          }
        }
        if (found || (!named && !any_declared)) continue;
        const PodTemplate* t = pods.front();
        const Object& w = ctx.objects()[t->object];
        Finding& f = out.Report(svc, at, path + (target ? ".targetPort" : ".port"),
                                named ? "targetPort \"" + value + "\" names no " + std::string(protocol) +
                                            " container port of the selected pods (" + WorkloadName(ctx, *t) +
                                            "): they get no endpoints for this Service port"
                                      : "targetPort " + value + " is not a declared " + std::string(protocol) +
                                            " containerPort of the selected pods (" + WorkloadName(ctx, *t) +
                                            "), which declare other ports");
        if (!named) f.severity = std::min(f.severity, Severity::kWarning);
        std::string ports;
        for (const ContainerRef& c : t->containers) {
          for (Node p : c.node["ports"].Items()) {
            if (!ports.empty()) ports += ", ";
            ports += p["name"].Str().empty() ? std::string(p["containerPort"].Str())
                                             : std::string(p["name"].Str()) + "=" + std::string(p["containerPort"].Str());
          }
        }
        if (!t->containers.empty()) {
          Reporter::Relate(f, w, t->containers.front().node["ports"], t->containers.front().path + ".ports",
                           "container ports: " + (ports.empty() ? std::string("none declared") : ports));
        }
        f.fix = "Set targetPort to one of the container ports (" + (ports.empty() ? std::string("none") : ports) +
                ") or declare port " + value + " on the container.";
      }
    }
  }
};

class ServiceSelectsMultipleWorkloads : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-selects-multiple-workloads",
        .title = "Service selects pods of several different apps",
        .severity = Severity::kWarning,
        .category = "references",
        .help = "A selector that matches pods of workloads belonging to different apps sends a share of the "
                "traffic to the wrong application. It usually happens with a selector that is too broad (a "
                "shared `tier: backend` or `release` label). Several workloads of one app (canary and stable) "
                "are fine and not reported.",
        .fix = "Narrow spec.selector with a label only the intended workload carries, such as "
               "app.kubernetes.io/name.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    const Graph& g = ctx.graph();
    for (ObjectId id : ctx.objects().OfKind("Service")) {
      if (ctx.Shadowed(id)) continue;
      const Object& svc = ctx.objects()[id];
      if (!SelectsPods(svc)) continue;
      std::map<ObjectId, const PodTemplate*> roots;
      for (const PodTemplate* t : g.SelectedPods(id)) roots.emplace(g.Root(t->object), t);
      std::map<std::string, ObjectId> apps;
      for (auto [root, t] : roots) {
        const Object& w = ctx.objects()[root];
        apps.emplace(AppName(w, g.TemplateOf(root) ? g.TemplateOf(root) : t), root);
      }
      if (apps.size() < 2) continue;
      std::string list;
      for (const auto& [app, root] : apps) list += (list.empty() ? "" : ", ") + ctx.objects()[root].Ref();
      Finding& f = out.Report(svc, svc.Spec()["selector"], "spec.selector",
                              "selector " + LabelSelector::FromMap(svc.Spec()["selector"]).ToString() +
                                  " matches pods of " + std::to_string(apps.size()) + " different apps: " + list);
      for (const auto& [app, root] : apps) {
        const Object& w = ctx.objects()[root];
        const PodTemplate* t = g.TemplateOf(root);
        Reporter::Relate(f, w, t ? t->Labels() : w.Labels(), t ? t->meta_path + ".labels" : "metadata.labels",
                         "selected: app \"" + app + "\"");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeServiceSelectsNothing() { return std::make_unique<ServiceSelectsNothing>(); }
std::unique_ptr<Rule> MakeServiceTargetPortMismatch() { return std::make_unique<ServiceTargetPortMismatch>(); }
std::unique_ptr<Rule> MakeServiceSelectsMultipleWorkloads() {
  return std::make_unique<ServiceSelectsMultipleWorkloads>();
}

}  // namespace kora
