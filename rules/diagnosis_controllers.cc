// Diagnoses at the controller level: a ReplicaSet, Job, StatefulSet or
// DaemonSet that cannot create its pods (FailedCreate), and Services whose
// pods are not ready, so they have no endpoints.
#include <re2/re2.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
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
        // RE2 on input: linear, no recursion (std::regex overflows the stack on long messages).
        static const RE2 kQuota(R"(exceeded quota: ([^,]+), requested: )");
        std::string quota;
        if (!RE2::PartialMatch(msg, kQuota, &quota)) quota = "<quota>";
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
      static const std::map<std::string, std::string, std::less<>> kWhy = {
          {"quota-exceeded", "a ResourceQuota of the namespace is exhausted"},
          {"pod-security-violation", "the pod violates the namespace's Pod Security level"},
          {"service-account-missing", "the pod's ServiceAccount does not exist"},
          {"admission-webhook-denied", "an admission webhook denies the pod"},
      };
      auto why = kWhy.find(cause);
      std::string reason = why != kWhy.end() ? why->second : "the API server rejects the pod";
      ChainStep& s = b.Step(controller, controller.Status(), "status",
                            fmt::format("{} cannot create pods: {} ({} FailedCreate event(s))", controller.Ref(),
                                        reason, events.size()));
      for (const EventRecord* e : events) {
        s.evidence.push_back(e->Summary(ctx.evidence().now()));
        if (s.evidence.size() >= 3) break;
      }
      if (!events.empty()) {
        b.StepEvent(*events.back(), fmt::format("the API server rejects the pod: {}", msg.substr(0, 240)));
      }
      for (const char* c : {"service-account-missing", "quota-exceeded", "pod-security-violation", "admission-webhook-denied"}) {
        b.Hypothesis(kWhy.at(c), cause == c,
                     cause == c ? msg.substr(0, 200) : "the rejection names another cause: " + reason);
      }
    }
  }
};

// Why a running pod is not ready, from its own status and spec: a readiness
// gate not met, or the containers whose readiness (or startup) probe has not
// passed yet.
std::string NotReadyDetail(const Object& pod) {
  std::vector<std::string> parts;
  for (Node gate : pod.Spec()["readinessGates"].Items()) {
    std::string_view type = gate["conditionType"].Str();
    std::string status = "not set";
    for (Node c : pod.Status()["conditions"].Items()) {
      if (c["type"].Str() == type) status = std::string(c["status"].Str());
    }
    if (status != "True") parts.push_back(fmt::format("readiness gate {} is {}", type, status));
  }
  for (Node cs : pod.Status()["containerStatuses"].Items()) {
    if (cs["ready"].Bool() != false || !cs["state"]["running"]) continue;
    Node spec;
    for (Node c : pod.Spec()["containers"].Items()) {
      if (c["name"].Str() == cs["name"].Str()) spec = c;
    }
    std::string what = fmt::format("container {} runs with ready=false", Quote(cs["name"].Str()));
    if (cs["started"].Bool() == false && spec["startupProbe"]) {
      what += ": its startupProbe (" + ProbeAction(spec["startupProbe"]) + ") has not passed";
    } else if (spec["readinessProbe"]) {
      what += ": its readinessProbe (" + ProbeAction(spec["readinessProbe"]) + ") has not passed";
    }
    parts.push_back(what);
  }
  std::string ready_reason;
  for (Node c : pod.Status()["conditions"].Items()) {
    if (c["type"].Str() == "Ready" && c["status"].Str() != "True") {
      ready_reason = fmt::format("Ready={}{}", c["status"].Str(),
                                 c["reason"].Str().empty() ? "" : " (" + std::string(c["reason"].Str()) + ")");
    }
  }
  if (!ready_reason.empty()) parts.insert(parts.begin(), ready_reason);
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "no Ready condition recorded" : out;
}

class ServiceNoReadyEndpoints : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-no-ready-endpoints",
        .title = "Service has no ready endpoints",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: a Service whose selected pods are in the input but none is ready (or whose "
                "EndpointSlices or Endpoints list no ready endpoint), so every connection fails and Ingresses in "
                "front of it answer 503. kora names the pods and what keeps them unready: a selector that matches "
                "none of them (with a selector to use instead), no pod running at all, a failing readiness probe "
                "(Unhealthy events, with what it answered), a readiness gate or a probe not passed yet; pods that "
                "crash or cannot start are their own diagnosis. It names the Ingresses that route to the Service.",
        .fix = "Make the selected pods ready: fix what the diagnosis names (the readiness probe's path and port, or "
               "the pods' own failure).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    std::set<std::string> failing;  // pods another diagnosis explains
    bool failing_known = false;
    for (ObjectId id : ctx.objects().OfKind("Service")) {
      const Object& svc = ctx.objects()[id];
      if (ctx.Shadowed(id)) continue;
      Node sel = svc.Spec()["selector"];
      if (!sel.IsMap() || sel.Size() == 0) continue;
      // Live pods selected by this Service (pods read from a cluster, dumped
      // or pasted), and the workload templates it selects.
      std::vector<const Object*> pods;
      std::vector<const PodTemplate*> templates;
      for (const PodTemplate* t : ctx.graph().SelectedPods(id)) {
        const Object& o = ctx.objects()[t->object];
        if (o.kind == "Pod" && o.live()) pods.push_back(&o);
        if (!t->is_pod) templates.push_back(t);
      }
      // The EndpointSlices (or Endpoints) in the input say it directly.
      EndpointState eps = ServiceEndpoints(ctx, svc);
      bool eps_empty = eps.known() && eps.ready == 0;
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
      if (!all_unready && !eps_empty) continue;
      // Pods that are not ready because their containers fail are explained
      // by that failure's own diagnosis: one root cause, one diagnosis.
      if (!failing_known) {
        for (const ContainerProblem& p : ContainerProblems(ctx)) failing.insert(p.pod->Ref());
        failing_known = true;
      }
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
      std::string selector = LabelSelector::FromMap(sel).ToString();
      // The pods behind the not-ready endpoints, when the pods themselves
      // are not in the input (only the EndpointSlices are).
      bool pods_elsewhere = pods.empty() && eps.not_ready > 0;
      // The failing readiness probes, one event per pod.
      std::vector<std::pair<std::string, const EventRecord*>> probes;  // pod name, its newest Unhealthy event
      for (const Object* p : unready) {
        if (const EventRecord* e = FindEvent(PodEvents(ctx, *p), {"Unhealthy"}, "Readiness probe failed")) {
          probes.emplace_back(std::string(p->name), e);
        }
      }
      if (pods_elsewhere) {
        for (const std::string& name : eps.not_ready_pods) {
          std::vector<const EventRecord*> events;
          if (const auto* idx = ctx.evidence().Unattached("Pod", ns, name)) {
            for (size_t i : *idx) events.push_back(&ctx.evidence().events()[i]);
          }
          if (const EventRecord* e = FindEvent(events, {"Unhealthy"}, "Readiness probe failed")) {
            probes.emplace_back(name, e);
          }
        }
      }
      const EventRecord* probe = probes.empty() ? nullptr : probes.front().second;
      // "HTTP probe failed with statuscode: 503", without the kubelet's prefix.
      std::string probe_says;
      if (probe) {
        probe_says = probe->message;
        static constexpr std::string_view kPrefix = "Readiness probe failed: ";
        if (probe_says.rfind(kPrefix, 0) == 0) probe_says.erase(0, kPrefix.size());
      }
      // The pods behind the Service, by name: those in the input, else those
      // its endpoints list.
      auto names = [](const std::vector<std::string>& all) {
        std::string out;
        for (size_t i = 0; i < all.size() && i < 3; ++i) out += (i ? ", " : "") + all[i];
        if (all.size() > 3) out += fmt::format(" and {} more", all.size() - 3);
        return out;
      };
      std::vector<std::string> unready_names;
      for (const Object* p : unready) unready_names.emplace_back(p->name);
      if (unready_names.empty()) unready_names = eps.not_ready_pods;
      std::vector<std::string> probe_names;
      for (const auto& [name, e] : probes) probe_names.push_back(name);
      std::string first_unready = !unready.empty()               ? std::string(unready.front()->name)
                                  : !eps.not_ready_pods.empty() ? eps.not_ready_pods.front()
                                                                : std::string("<pod>");
      // With no pod selected but pods in the namespace, the selector is wrong:
      // the closest pod is the one carrying most of the selector's keys.
      const Object* near = nullptr;
      size_t near_score = 0;
      if (pods.empty() && !pods_elsewhere) {
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
      std::string cause = pods.empty() && !pods_elsewhere ? (near ? "selector-matches-nothing" : "no-pods")
                          : probe                         ? "readiness-probe-failing"
                                                          : "pods-not-ready";
      // The workload behind the closest pod carries the labels to select on.
      const Object* near_workload = near ? &WorkloadOf(ctx, *near) : nullptr;
      Node near_labels = near ? near->Labels() : Node();
      if (near_workload && near_workload != near) {
        for (ObjectId same : ctx.objects().SameIdentity(near_workload->id)) {
          if (const PodTemplate* t = ctx.graph().TemplateOf(same)) near_labels = t->Labels();
        }
      }
      std::string proposed = near ? ProposedSelector(sel, near_labels) : std::string();
      std::string why;
      if (cause == "selector-matches-nothing") {
        why = "its selector " + selector + " matches none of the pods in namespace " + Quote(ns) + " (e.g. " +
              near->Ref() + " has " + LabelSelector::FromMap(near->Labels()).ToString() + ")";
      } else if (cause == "no-pods") {
        // The endpoints controller lists every running pod the selector
        // matches, ready or not: an empty list means none runs.
        why = templates.empty()
                  ? eps.Describe() + ": no running pod has labels " + selector + ", and no workload in the input has them"
                  : "it selects the pods of " + ctx.objects()[templates.front()->object].Ref() +
                        ", but none of them runs (" + eps.Describe() + ")";
      } else if (probe) {
        why = fmt::format("the readiness probe of {} fails: {}",
                          probe_names.size() == 1 ? "its pod " + probe_names.front()
                                                  : fmt::format("its {} pods ({})", probe_names.size(), names(probe_names)),
                          probe_says);
      } else if (pods_elsewhere) {
        why = fmt::format("{} ({}), and the pods are not in the input to say why they are not ready", eps.Describe(),
                          names(unready_names));
      } else {
        std::string states;
        for (size_t i = 0; i < unready.size() && i < 3; ++i) {
          states += (i ? "; " : "") + std::string(unready[i]->name) + " " + PodStatusText(*unready[i]) + ", " +
                    NotReadyDetail(*unready[i]);
        }
        if (unready.size() > 3) states += fmt::format("; and {} more", unready.size() - 3);
        why = fmt::format("{} but report{} not ready, and no event says why: {}",
                          unready.size() == 1 ? std::string("its pod runs") : fmt::format("its {} pods run", unready.size()),
                          unready.size() == 1 ? "s" : "", states);
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
                            pods_elsewhere
                                ? fmt::format("spec.selector of {} is {}: its pods are not in the input, its "
                                              "endpoints list them",
                                              svc.Ref(), selector)
                                : fmt::format("spec.selector of {} is {}: it selects {} pod(s) in the input, {} ready",
                                              svc.Ref(), selector, pods.size(), pods.size() - unready.size()));
      for (const std::string& ing : ingresses) s.evidence.push_back("routed to by " + ing);
      if (const Object* e = eps.evidence()) {
        ChainStep& es = b.Step(*e, e->Root()[eps.slices.empty() ? "subsets" : "endpoints"],
                               eps.slices.empty() ? "subsets" : "endpoints", eps.Describe());
        for (const std::string& t : eps.not_ready_targets) {
          es.evidence.push_back("not ready: " + t);
          if (es.evidence.size() >= 5) break;
        }
      }
      size_t shown = 0;
      for (const Object* p : unready) {
        b.Affects(*p);
        if (shown++ >= 5) continue;
        b.Step(*p, p->Status(), "status",
               fmt::format("{} is {} and not ready: {}", p->Ref(), PodStatusText(*p), NotReadyDetail(*p)));
      }
      for (size_t i = 0; i < probes.size() && i < 3; ++i) {
        b.StepEvent(*probes[i].second,
                    fmt::format("the readiness probe of Pod/{}/{} fails ({}), so the endpoints controller lists it as "
                                "not ready",
                                ns, probes[i].first, probe_says));
      }
      if (near) {
        b.Step(*near, near->Labels(), "metadata.labels",
               fmt::format("{} has labels {}, which the selector {} misses", near->Ref(),
                           LabelSelector::FromMap(near->Labels()).ToString(), selector));
      }
      if (cause == "no-pods" && !templates.empty()) {
        const PodTemplate* t = templates.front();
        const Object& w = ctx.objects()[t->object];
        Node replicas = w.Spec()["replicas"];
        b.Step(w, replicas ? replicas : t->Labels(), replicas ? "spec.replicas" : t->meta_path + ".labels",
               replicas ? fmt::format("{} has the selected labels and spec.replicas {}, and none of its pods is in the "
                                      "input",
                                      w.Ref(), replicas.Str())
                        : fmt::format("{} has the selected labels, and none of its pods is in the input", w.Ref()));
      }
      // Hypotheses: why a Service can lack ready endpoints.
      std::string selected = pods_elsewhere ? "the selector matches pods: " + eps.Describe()
                                            : fmt::format("the selector matches {} pod(s) in the input", pods.size());
      if (cause == "selector-matches-nothing") {
        b.Hypothesis("the selector does not match the pods' labels", true,
                     near->Ref() + " has " + LabelSelector::FromMap(near->Labels()).ToString() + ", not " + selector);
      } else if (cause == "no-pods") {
        b.Open("the selector does not match the pods' labels",
               "no pod of namespace " + Quote(ns) + " is in the input to compare with (kubectl get pods -n " + ns +
                   " --show-labels)");
      } else {
        b.Hypothesis("the selector does not match the pods' labels", false, selected);
      }
      b.Hypothesis("no pod with the selected labels is running", cause == "no-pods",
                   cause == "no-pods" ? (templates.empty() ? eps.Describe() + ", so no running pod has labels " +
                                                                 selector + "; no workload in the input has them"
                                                           : eps.Describe() + ": " +
                                                                 ctx.objects()[templates.front()->object].Ref() +
                                                                 " has the labels, but none of its pods runs")
                   : cause == "selector-matches-nothing" ? "pods run in namespace " + Quote(ns) + ", with other labels"
                                                         : selected);
      if (pods.empty() && !pods_elsewhere) {
        b.Hypothesis("the readiness probe fails", false, "no pod is selected, so none is probed");
      } else {
        // A running container with a readiness probe that is not ready has not
        // passed it, even when its Unhealthy events have expired (after an hour).
        const Object* probed = nullptr;
        for (const Object* p : unready) {
          if (NotReadyDetail(*p).find("its readinessProbe") != std::string::npos) probed = p;
        }
        if (!probe && probed) {
          b.Open("the readiness probe fails",
                 probed->Ref() + ": " + NotReadyDetail(*probed) +
                     ", but no Unhealthy event is in the input (events expire after an hour: kubectl describe pod " +
                     std::string(probed->name) + " -n " + ns + ")");
        } else {
          b.Hypothesis("the readiness probe fails", probe != nullptr,
                       probe ? std::string(probe->message) + fmt::format(" ({} of {} pod(s))", probes.size(),
                                                                         unready_names.size())
                             : "no Readiness probe failed event for the selected pods, and none of them has a "
                               "readinessProbe it has not passed");
        }
      }
      const std::string not_ready = "the selected pods run but report not ready, and no event says why";
      if (pods.empty() && !pods_elsewhere) {
        b.Hypothesis(not_ready, false, "no pod is selected");
      } else if (probe) {
        b.Hypothesis(not_ready, false, "the failing readiness probe says why");
      } else if (pods_elsewhere) {
        b.Open(not_ready, eps.Describe() + "; the pods are not in the input (kubectl get pods -n " + ns + " -l " +
                              selector + " -o yaml and their events)");
      } else {
        std::string states;
        for (const Object* p : unready) {
          if (states.size() > 200) break;
          states += (states.empty() ? "" : "; ") + std::string(p->name) + " " + PodStatusText(*p) + ", " +
                    NotReadyDetail(*p);
        }
        b.Hypothesis(not_ready, true,
                     fmt::format("{} of {} selected pod(s) run and are not ready ({}), and there is no Unhealthy "
                                 "or other event about them",
                                 unready.size(), pods.size(), states));
      }
      const std::string crash = "the pods crash or cannot start (their own diagnosis explains the Service)";
      if (pods_elsewhere && !probe) {
        // A crash-looping pod keeps its IP and is listed as not ready too.
        b.Open(crash, "the pods are not in the input (kubectl get pods -n " + ns + " -l " + selector + ")");
      } else {
        b.Hypothesis(crash, false,
                     probe          ? "the kubelet runs their readiness probe, so their containers run"
                     : pods.empty() ? "no pod is selected"
                                    : "no selected pod is crashing, Pending or failing to start");
      }
      // The fix: what to change, with the labels to use.
      if (cause == "selector-matches-nothing") {
        f.fix = proposed.empty()
                    ? "Make spec.selector of " + svc.Ref() + " match the labels of the pods that should serve it " +
                          "(kubectl get pods -n " + ns + " --show-labels), or fix the workload's labels."
                    : "Set spec.selector of " + svc.Ref() + " to " + proposed + ", which " +
                          (near_workload && near_workload != near ? "the pods of " + near_workload->Ref()
                                                                  : near->Ref()) +
                          " carry" + InjectedLabelsNote(near->Labels()) + ", or give the pods the labels " + selector +
                          " in the pod template of " +
                          (near_workload && near_workload != near ? near_workload->Ref() : std::string("their workload")) +
                          ".";
      } else if (cause == "no-pods") {
        if (!templates.empty()) {
          const Object& w = ctx.objects()[templates.front()->object];
          f.fix = w.Spec()["replicas"].Int().value_or(1) == 0
                      ? fmt::format("{} is scaled to 0: kubectl scale {} {} --replicas=1 -n {}", w.Ref(),
                                    KubectlKind(w.kind), w.name, ns)
                      : fmt::format("Find out why {} has no running pods: kubectl describe {} {} -n {} and kubectl get "
                                    "pods -n {} -l {} (add them to kora's input for the full diagnosis).",
                                    w.Ref(), KubectlKind(w.kind), w.name, ns, ns, selector);
        } else {
          f.fix = fmt::format("Deploy the workload that should serve {} with pod labels {} in namespace {}, or, if "
                              "its pods carry other labels, set spec.selector to them (kubectl get pods -n {} "
                              "--show-labels); delete the Service if nothing should serve it.",
                              svc.Ref(), selector, ns, ns);
        }
      } else if (probe) {
        // What the probe's answer says about where the fault is.
        std::string pod = probes.front().first;
        std::string lower = probe_says;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string what;
        if (lower.find("statuscode") != std::string::npos) {
          what = "The application answers its readiness probe but reports itself not ready (" + probe_says +
                 "), often because a dependency it checks is down: its logs say which (kubectl logs " + pod + " -n " +
                 ns + "). If the probe asks the wrong path, correct readinessProbe.httpGet.path.";
        } else if (lower.find("connection refused") != std::string::npos) {
          what = "Nothing listens on the readiness probe's port (" + probe_says +
                 "): make readinessProbe's port the one the application listens on, on 0.0.0.0, not 127.0.0.1 "
                 "(kubectl describe pod " + pod + " -n " + ns + " shows both).";
        } else if (lower.find("deadline exceeded") != std::string::npos || lower.find("timeout") != std::string::npos) {
          what = "The readiness probe times out (" + probe_says +
                 "): raise readinessProbe.timeoutSeconds, or make the endpoint it calls answer faster (kubectl logs " +
                 pod + " -n " + ns + ").";
        } else {
          what = "Check the readiness probe against the application (" + probe_says +
                 "; path, port, command, timeouts): kubectl describe pod " + pod + " -n " + ns;
        }
        f.fix = what;
      } else {
        f.fix = fmt::format("Find out why the pods report not ready: kubectl describe pod {} -n {} (Conditions, "
                            "Readiness, Events) and kubectl logs {} -n {}; then watch kubectl get endpointslices -n {} "
                            "-l kubernetes.io/service-name={}",
                            first_unready, ns, first_unready, ns, ns, svc.name);
      }
      f.verify = fmt::format("kubectl get endpointslices -n {} -l kubernetes.io/service-name={} (ready endpoints "
                             "appear)",
                             ns, svc.name);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeControllerCreateFailed() { return std::make_unique<ControllerCreateFailed>(); }
std::unique_ptr<Rule> MakeServiceNoReadyEndpoints() { return std::make_unique<ServiceNoReadyEndpoints>(); }

}  // namespace kora
