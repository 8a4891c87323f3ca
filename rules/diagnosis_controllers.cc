// Diagnoses at the controller level: a ReplicaSet, Job, StatefulSet or
// DaemonSet that cannot create its pods (FailedCreate), and Services whose
// pods are not ready, so they have no endpoints.
#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string CreateCause(std::string_view m) {
  auto has = [&](std::string_view n) { return m.find(n) != std::string_view::npos; };
  if (has("serviceaccount") && has("not found")) return "service-account-missing";
  if (has("exceeded quota")) return "quota-exceeded";
  if (has("violates PodSecurity")) return "pod-security-violation";
  if (has("admission webhook") && has("denied")) return "admission-webhook-denied";
  if (has("must specify limits") || has("must specify requests") || has("LimitRange") || has("maximum") ) return "limit-range";
  if (has("is invalid")) return "invalid-pod";
  return "create-failed";
}

// Whether a controller that once failed to create pods still lacks them,
// judged from the live status in the input (absent status: assume yes).
bool StillFailing(const Context& ctx, const Object& controller, const Object& workload) {
  for (const Object* o : {&controller, &workload}) {
    const Object* live = nullptr;
    for (ObjectId id : ctx.objects().SameIdentity(o->id)) {
      if (ctx.objects()[id].live()) live = &ctx.objects()[id];
    }
    if (!live || !live->HasStatus()) continue;
    Node spec = live->Spec(), status = live->Status();
    if (live->kind == "Job" || live->kind == "CronJob") {
      if (status["active"].Int().value_or(0) > 0 || status["succeeded"].Int().value_or(0) > 0) return false;
      continue;
    }
    if (live->kind == "DaemonSet") {
      return status["currentNumberScheduled"].Int().value_or(0) < status["desiredNumberScheduled"].Int().value_or(0);
    }
    if (spec["replicas"]) return status["replicas"].Int().value_or(0) < spec["replicas"].Int().value_or(1);
  }
  return true;
}

class ControllerCreateFailed : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "controller-create-failed",
        .title = "A controller cannot create its pods",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: a ReplicaSet, Job, StatefulSet or DaemonSet with FailedCreate events (or a "
                "ReplicaFailure condition): admission rejects every pod it tries to create, so the workload has no "
                "pods at all and `kubectl get pods` shows nothing to debug. kora reads the rejection: a missing "
                "ServiceAccount, an exceeded ResourceQuota, a Pod Security Standards violation, a webhook denial, "
                "and points at the field or object behind it.",
        .fix = "Follow the diagnosis: create the ServiceAccount, raise the quota or lower the requests, or make the "
               "pod template meet the namespace's Pod Security level.",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    // One diagnosis per workload and cause.
    std::map<std::pair<ObjectId, std::string>, std::vector<const EventRecord*>> groups;
    std::map<std::pair<ObjectId, std::string>, const Object*> controllers;
    for (const EventRecord& e : ctx.evidence().events()) {
      if (e.reason != "FailedCreate" || e.attached == kNoObject) continue;
      const Object& controller = ctx.objects()[e.attached];
      const Object& workload = ctx.objects()[ctx.graph().Root(controller.id)];
      auto key = std::make_pair(workload.id, CreateCause(e.message));
      groups[key].push_back(&e);
      controllers[key] = &controller;
    }
    // A ReplicaFailure condition without events says the same.
    for (ObjectId id : ctx.objects().OfKind("ReplicaSet")) {
      const Object& rs = ctx.objects()[id];
      for (Node c : rs.Status()["conditions"].Items()) {
        if (c["type"].Str() != "ReplicaFailure" || c["status"].Str() != "True") continue;
        const Object& workload = ctx.objects()[ctx.graph().Root(id)];
        auto key = std::make_pair(workload.id, CreateCause(c["message"].Str()));
        if (!groups.count(key)) {
          groups[key];
          controllers[key] = &rs;
        }
      }
    }
    for (const auto& [key, events] : groups) {
      const Object& workload = ctx.objects()[key.first];
      const Object& controller = *controllers[key];
      // A FailedCreate the controller has since got over is history: the
      // controller (or the workload) has all its replicas now.
      if (StillFailing(ctx, controller, workload) == false) continue;
      const std::string& cause = key.second;
      std::string msg = events.empty() ? std::string() : std::string(events.back()->message);
      if (msg.empty()) {
        for (Node c : controller.Status()["conditions"].Items()) {
          if (c["type"].Str() == "ReplicaFailure") msg = std::string(c["message"].Str());
        }
      }
      std::string ns(workload.ns);
      // The authored template is where the fix goes.
      const Object* owner = nullptr;
      for (ObjectId id : ctx.objects().SameIdentity(workload.id)) {
        if (ctx.graph().TemplateOf(id) && (!owner || !ctx.objects()[id].live())) owner = &ctx.objects()[id];
      }
      if (!owner) owner = &workload;
      const PodTemplate* t = ctx.graph().TemplateOf(owner->id);
      std::string text, fix;
      Finding* fp = nullptr;
      if (cause == "service-account-missing") {
        const Reference* sa = nullptr;
        if (t) {
          for (const Reference* r : ctx.graph().References(owner->id, EdgeKind::kServiceAccount)) sa = r;
        }
        std::string name = sa ? ctx.graph().vertex(sa->to).name : "<name>";
        text = fmt::format("{}: no pod can be created: ServiceAccount {} does not exist in namespace {}", workload.Ref(),
                           Quote(name), Quote(ns));
        fix = fmt::format("kubectl create serviceaccount {} -n {}", name, ns);
        if (sa) fp = &out.ReportAt(*owner, sa->at, text);
      } else if (cause == "quota-exceeded") {
        static const std::regex kQuota(R"(exceeded quota: ([^,]+), requested: ([^,]+(?:,[^,]+)*?), used: (.+?), limited: ([^\n]+))");
        std::smatch m;
        std::string s = msg;
        std::string quota = std::regex_search(s, m, kQuota) ? std::string(m[1]) : "<quota>";
        text = fmt::format("{}: no pod can be created: ResourceQuota {} in namespace {} is exhausted ({})", workload.Ref(),
                           Quote(quota), Quote(ns), msg);
        fix = fmt::format("Raise the quota (kubectl edit resourcequota {} -n {}), free quota by scaling other "
                          "workloads down, or lower the pod's requests.",
                          quota, ns);
      } else if (cause == "pod-security-violation") {
        text = fmt::format("{}: no pod can be created: the pod template violates the namespace's Pod Security level: {}",
                           workload.Ref(), msg);
        fix = "Make the pod template meet the level named in the message (securityContext: runAsNonRoot, "
              "allowPrivilegeEscalation: false, capabilities drop ALL, seccompProfile RuntimeDefault), or change the "
              "namespace label pod-security.kubernetes.io/enforce if the exception is intended.";
        if (t) fp = &out.Report(*owner, t->spec, t->path, text);
      } else if (cause == "admission-webhook-denied") {
        text = fmt::format("{}: no pod can be created: an admission webhook denies it: {}", workload.Ref(), msg);
        fix = "Change the pod template to satisfy the webhook's policy, or fix the webhook (kubectl get "
              "validatingwebhookconfigurations).";
      } else {
        text = fmt::format("{}: no pod can be created: {}", workload.Ref(), msg);
        fix = fmt::format("kubectl describe {} {} -n {} shows the rejection; fix the pod template accordingly.",
                          KubectlKind(controller.kind), controller.name, ns);
      }
      if (!fp) fp = &out.Report(*owner, t ? t->spec : Node(), t ? t->path : "metadata", text);
      Finding& f = *fp;
      if (out.Discarded(f)) continue;
      f.cause = cause;
      f.fix = fix;
      f.verify = fmt::format("kubectl get {} {} -n {} (the FailedCreate events stop; pods appear)", KubectlKind(controller.kind),
                             controller.name, ns);
      f.symptom = fmt::format("{} has no pods", workload.Ref());
      DiagnosisBuilder b(ctx, f);
      b.WorkloadStep(workload);
      ChainStep& s = b.Step(controller, controller.Status(), "status",
                            fmt::format("{} cannot create pods", controller.Ref()));
      for (const EventRecord* e : events) {
        s.evidence.push_back(e->Summary(ctx.evidence().now()));
        if (s.evidence.size() >= 3) break;
      }
      if (!events.empty()) b.StepEvent(*events.back(), "admission rejects the pod: " + cause);
      for (const char* c : {"service-account-missing", "quota-exceeded", "pod-security-violation", "admission-webhook-denied"}) {
        b.Hypothesis(c, cause == c, cause == c ? msg.substr(0, 200) : "the rejection says otherwise");
      }
    }
  }
};

class ServiceNoReadyEndpoints : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-no-ready-endpoints",
        .title = "Service has no ready endpoints",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: a Service whose selected pods are in the input but none is ready (or whose "
                "Endpoints/EndpointSlices list no ready address), so every connection fails and Ingresses in front of "
                "it answer 503. kora names what keeps the pods unready: not running (see the pod diagnoses), or a "
                "failing readiness probe (Unhealthy events); and names the Ingresses that route to it.",
        .fix = "Make the selected pods ready: fix what the diagnosis names (the readiness probe's path and port, or "
               "the pods' own failure).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Service")) {
      const Object& svc = ctx.objects()[id];
      if (ctx.Shadowed(id)) continue;
      Node sel = svc.Spec()["selector"];
      if (!sel.IsMap() || sel.Size() == 0) continue;
      // Live pods selected by this Service (pods read from a cluster, dumped or pasted).
      std::vector<const Object*> pods;
      for (const PodTemplate* t : ctx.graph().SelectedPods(id)) {
        const Object& o = ctx.objects()[t->object];
        if (o.kind == "Pod" && o.live()) pods.push_back(&o);
      }
      // Endpoints in the input say it directly.
      const Object* ep = ctx.objects().Find("Endpoints", svc.ns, svc.name);
      bool ep_empty = false;
      if (ep) {
        size_t ready = 0;
        for (Node subset : ep->Root()["subsets"].Items()) ready += subset["addresses"].Size();
        ep_empty = ready == 0;
      }
      std::vector<const Object*> unready;
      for (const Object* p : pods) {
        bool ready = false;
        for (Node c : p->Status()["conditions"].Items()) {
          if (c["type"].Str() == "Ready" && c["status"].Str() == "True") ready = true;
        }
        std::string_view row_ready = p->Status()["x-kora"]["ready"].Str();
        if (!row_ready.empty()) ready = row_ready.substr(0, row_ready.find('/')) != "0";
        if (!ready) unready.push_back(p);
      }
      bool all_unready = !pods.empty() && unready.size() == pods.size();
      if (!all_unready && !ep_empty) continue;
      // Pods that are not ready because their containers fail are explained
      // by that failure's own diagnosis: one root cause, one diagnosis.
      std::set<std::string> failing;
      for (const ContainerProblem& p : ContainerProblems(ctx)) failing.insert(p.pod->Ref());
      bool explained = !unready.empty();
      for (const Object* p : unready) {
        if (!failing.count(p->Ref()) && p->Status()["phase"].Str() != "Pending") explained = false;
      }
      if (explained) continue;
      // The Services of a live Rollout are explained in its diagnosis.
      bool rollout_service = false;
      for (const Reference* r : ctx.graph().Referrers(id, EdgeKind::kRolloutService)) {
        rollout_service |= ctx.objects()[r->from].live();
        for (ObjectId same : ctx.objects().SameIdentity(r->from)) rollout_service |= ctx.objects()[same].live();
      }
      if (rollout_service) continue;
      std::string ns(svc.ns);
      // Why the pods are not ready.
      std::string why = "the selected pods are not ready";
      const EventRecord* probe = nullptr;
      for (const Object* p : unready) {
        if (const EventRecord* e = FindEvent(PodEvents(ctx, *p), {"Unhealthy"}, "Readiness probe failed")) probe = e;
      }
      // With no pod selected but pods in the namespace, the selector is wrong.
      const Object* near = nullptr;
      size_t near_score = 0;
      if (pods.empty()) {
        for (const PodTemplate* t : ctx.graph().PodsIn(svc.ns)) {
          const Object& o = ctx.objects()[t->object];
          if (o.kind != "Pod" || !o.live()) continue;
          size_t score = 1;
          for (auto [k, v] : sel.Entries()) score += t->Labels()[k.Str()] ? 1 : 0;
          if (score > near_score) {
            near = &o;
            near_score = score;
          }
        }
      }
      std::string cause = pods.empty() ? (near ? "selector-matches-nothing" : "no-pods")
                          : probe     ? "readiness-probe-failing"
                                      : "pods-not-ready";
      if (probe) why = "their readiness probe fails: " + std::string(probe->message);
      if (pods.empty()) {
        why = near ? "its selector " + LabelSelector::FromMap(sel).ToString() + " matches none of the pods in namespace " +
                         Quote(ns) + " (e.g. " + near->Ref() + " has " + LabelSelector::FromMap(near->Labels()).ToString() + ")"
                   : "no pod in the input is selected and the Endpoints list no ready address";
      }
      std::vector<std::string> ingresses;
      for (const Reference* r : ctx.graph().Referrers(id, EdgeKind::kIngressBackend)) ingresses.push_back(ctx.objects()[r->from].Ref());
      std::string text = fmt::format("{} has no ready endpoints: {}{}", svc.Ref(), why,
                                     ingresses.empty() ? "" : "; Ingress traffic to it fails (" + ingresses.front() + ")");
      Finding& f = out.Report(svc, sel, "spec.selector", text);
      if (out.Discarded(f)) continue;
      f.cause = cause;
      f.symptom = svc.Ref() + " has no ready endpoints";
      DiagnosisBuilder b(ctx, f);
      ChainStep& s = b.Step(svc, sel, "spec.selector",
                            fmt::format("{} selects {} pod(s) in the input, {} ready", svc.Ref(), pods.size(),
                                        pods.size() - unready.size()));
      if (ep) s.evidence.push_back(ep->Ref() + (ep_empty ? " lists no ready address" : " lists ready addresses"));
      for (const std::string& ing : ingresses) s.evidence.push_back("routed to by " + ing);
      for (const Object* p : unready) {
        b.Step(*p, p->Status(), "status", p->Ref() + " is not ready");
        f.affected.push_back(p->Ref());
        if (f.chain.size() > 6) break;
      }
      if (probe) b.StepEvent(*probe, "the readiness probe fails");
      if (near) {
        b.Step(*near, near->Labels(), "metadata.labels",
               near->Ref() + " has labels " + LabelSelector::FromMap(near->Labels()).ToString() + ", which the selector misses");
      }
      b.Hypothesis("the selector matches no pod", pods.empty(), pods.empty() ? "no selected pod in the input" : std::to_string(pods.size()) + " pod(s) selected");
      b.Hypothesis("the readiness probe fails", probe != nullptr, probe ? std::string(probe->message) : "no failing readiness probe event");
      b.Hypothesis("the pods are not running", cause == "pods-not-ready", "see the pods' own diagnoses");
      f.fix = cause == "selector-matches-nothing"
                  ? "Make spec.selector of " + svc.Ref() + " match the pods' labels (" +
                        LabelSelector::FromMap(near->Labels()).ToString() + "), or fix the workload's labels."
              : probe ? "Check the readiness probe against the application (path, port, timeouts): kubectl describe pod " +
                          std::string(unready.front()->name) + " -n " + ns
                    : "Fix the pods' own failure first (see the other diagnoses), then watch kubectl get endpoints " +
                          std::string(svc.name) + " -n " + ns;
      f.verify = fmt::format("kubectl get endpoints {} -n {} (ready addresses appear)", svc.name, ns);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeControllerCreateFailed() { return std::make_unique<ControllerCreateFailed>(); }
std::unique_ptr<Rule> MakeServiceNoReadyEndpoints() { return std::make_unique<ServiceNoReadyEndpoints>(); }

}  // namespace kora
