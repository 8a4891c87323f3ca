// Diagnoses of Pending: pods the scheduler cannot place (FailedScheduling,
// parsed and checked against the Nodes in the input) and claims that never
// bind (a missing StorageClass or no provisioner).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

struct SchedulingReason {
  int64_t count = 0;
  std::string text;
};

// "0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient cpu. preemption: ..."
std::vector<SchedulingReason> ParseFailedScheduling(std::string_view message, int64_t& total) {
  std::vector<SchedulingReason> out;
  total = -1;
  std::string m(message.substr(0, 4096));
  static const std::regex kHead(R"((\d+)/(\d+) nodes are available:\s*)");
  std::smatch sm;
  if (!std::regex_search(m, sm, kHead)) return out;
  total = std::stoll(sm[2]);
  std::string rest = sm.suffix();
  // The list ends at ". " (preemption details follow) or at the end.
  size_t end = rest.find(". ");
  if (end == std::string::npos) end = rest.size();
  std::string list = rest.substr(0, end);
  while (!list.empty() && list.back() == '.') list.pop_back();
  // Split at ", " outside braces (taints print as {key: value}).
  int depth = 0;
  std::string cur;
  auto flush = [&] {
    std::string s = cur;
    cur.clear();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    if (s.empty()) return;
    SchedulingReason r;
    size_t sp = s.find(' ');
    if (sp != std::string::npos && std::all_of(s.begin(), s.begin() + sp, ::isdigit)) {
      r.count = std::stoll(s.substr(0, sp));
      r.text = s.substr(sp + 1);
    } else {
      r.text = s;
    }
    out.push_back(r);
  };
  for (size_t i = 0; i < list.size(); ++i) {
    char c = list[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == ',' && depth == 0) {
      flush();
      continue;
    }
    cur.push_back(c);
  }
  flush();
  return out;
}

std::string CauseKey(const std::string& reason) {
  if (reason.rfind("Insufficient ", 0) == 0) {
    std::string res = reason.substr(13);
    for (char& c : res) {
      if (c == '/' || c == '.') c = '-';
    }
    return "insufficient-" + res;
  }
  if (reason.find("taint") != std::string::npos) return "untolerated-taint";
  if (reason.find("affinity/selector") != std::string::npos || reason.find("node selector") != std::string::npos) {
    return "node-selector-mismatch";
  }
  if (reason.find("unbound immediate PersistentVolumeClaims") != std::string::npos) return "unbound-pvc";
  if (reason.find("volume node affinity conflict") != std::string::npos) return "volume-node-affinity";
  if (reason.find("Too many pods") != std::string::npos) return "too-many-pods";
  if (reason.find("unschedulable") != std::string::npos) return "nodes-unschedulable";
  if (reason.find("free ports") != std::string::npos) return "no-free-ports";
  return "unschedulable";
}

// What the pod asks for: the sum of its containers' requests.
double PodRequest(const PodTemplate* t, const char* resource) {
  if (!t) return 0;
  double sum = 0, init_max = 0;
  for (const ContainerRef& c : t->containers) {
    Node q = c.node["resources"]["requests"][resource];
    if (!q) q = c.node["resources"]["limits"][resource];
    double v = q ? QuantityValue(q.Str()).value_or(0) : 0;
    if (c.kind == ContainerKind::kInit) {
      init_max = std::max(init_max, v);
    } else if (c.kind == ContainerKind::kMain) {
      sum += v;
    }
  }
  return std::max(sum, init_max);
}

class PodUnschedulable : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pod-unschedulable",
        .title = "Pods stay Pending: the scheduler cannot place them",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: Pending pods with FailedScheduling events or an Unschedulable PodScheduled "
                "condition. kora parses the scheduler's message (`0/3 nodes are available: 3 Insufficient cpu`, "
                "untolerated taints, node affinity/selector, unbound PersistentVolumeClaims, too many pods) and, "
                "when the Nodes are in the input, checks it against their allocatable resources, taints and "
                "labels, so the diagnosis says by how much the request exceeds what any node can offer.",
        .fix = "Follow the diagnosis: lower the requests or add capacity, add the toleration or fix the node "
               "selector, or fix the claim the pod waits for.",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    struct Item {
      ContainerProblem problem;
      const EventRecord* event = nullptr;
      std::string message;
      std::vector<SchedulingReason> reasons;
      int64_t total = -1;
      std::string cause;
    };
    std::vector<Item> items;
    for (ObjectId id : ctx.objects().OfKind("Pod")) {
      const Object& pod = ctx.objects()[id];
      if (!pod.live()) continue;
      std::string_view phase = pod.Status()["phase"].Str();
      if (!phase.empty() && phase != "Pending") continue;
      Item it;
      auto events = PodEvents(ctx, pod);
      it.event = FindEvent(events, {"FailedScheduling"});
      Node cond;
      for (Node c : pod.Status()["conditions"].Items()) {
        if (c["type"].Str() == "PodScheduled" && c["status"].Str() == "False") cond = c;
      }
      if (!it.event && !cond) continue;
      it.message = it.event ? std::string(it.event->message) : std::string(cond["message"].Str());
      it.reasons = ParseFailedScheduling(it.message, it.total);
      // The reason most nodes give wins, except for the filters a pod or a
      // cluster sets on purpose: a node selector that rules out most nodes,
      // or the control plane's taint. Of "1 node had untolerated taint,
      // 4 didn't match the selector", the taint on the one node the
      // selector wants is what blocks the pod.
      int64_t best = -1;
      for (const auto& r : it.reasons) {
        std::string key = CauseKey(r.text);
        bool intended = key == "node-selector-mismatch" ||
                        (key == "untolerated-taint" && (r.text.find("node-role.kubernetes.io/control-plane") != std::string::npos ||
                                                        r.text.find("node-role.kubernetes.io/master") != std::string::npos));
        int64_t score = intended ? 0 : r.count + 1;
        if (score > best) {
          best = score;
          it.cause = key;
        }
      }
      // The scheduler names only the first filter each node fails; with the
      // Nodes in the input, a nodeSelector no node satisfies is the cause
      // whatever else the message lists.
      if (!ctx.objects().OfKind("Node").empty()) {
        const Object& w = WorkloadOf(ctx, pod);
        const PodTemplate* t = nullptr;
        for (ObjectId same : ctx.objects().SameIdentity(w.id)) {
          if (const PodTemplate* x = ctx.graph().TemplateOf(same)) t = x;
        }
        if (!t) t = ctx.graph().TemplateOf(pod.id);
        Node sel = t ? t->spec["nodeSelector"] : Node();
        if (sel.IsMap() && sel.Size() > 0) {
          LabelSelector ls = LabelSelector::FromMap(sel);
          bool any = false;
          for (ObjectId n : ctx.objects().OfKind("Node")) any |= ls.Matches(ctx.objects()[n].Labels());
          if (!any) it.cause = "node-selector-mismatch";
        }
      }
      if (it.cause.empty()) it.cause = it.message.find("unbound immediate PersistentVolumeClaims") != std::string::npos
                                           ? "unbound-pvc"
                                           : "unschedulable";
      it.problem.pod = &pod;
      it.problem.reason = "Pending";
      it.problem.state = "pending";
      it.problem.status = cond ? cond : pod.Status();
      it.problem.path = cond ? "status.conditions[PodScheduled]" : "status";
      items.push_back(std::move(it));
    }
    std::vector<const ContainerProblem*> problems;
    std::map<const ContainerProblem*, const Item*> by;
    for (const Item& it : items) {
      problems.push_back(&it.problem);
      by[&it.problem] = &it;
    }
    auto groups = GroupProblems(ctx, problems, [&](const ContainerProblem& p) { return by.at(&p)->cause; });
    for (const ProblemGroup& g : groups) {
      const Item& it = *by.at(g.problems.front());
      if (it.cause == "unbound-pvc" && PendingClaimInInput(ctx, *g.workload, *it.problem.pod)) continue;
      Emit(ctx, out, g, it.problem, it.event, it.message, it.reasons, it.total, it.cause);
    }
  }

 private:
  // pvc-pending diagnoses a claim in the input; its pods are listed there.
  static bool PendingClaimInInput(const Context& ctx, const Object& workload, const Object& pod) {
    for (ObjectId holder : {workload.id, pod.id}) {
      for (ObjectId same : ctx.objects().SameIdentity(holder)) {
        for (const Reference* r : ctx.graph().References(same, EdgeKind::kClaim)) {
          const GraphVertex& v = ctx.graph().vertex(r->to);
          for (ObjectId c : ctx.objects().OfKind("PersistentVolumeClaim")) {
            const Object& pvc = ctx.objects()[c];
            if (pvc.ns == v.ns && pvc.name == v.name && pvc.live() && pvc.Status()["phase"].Str() == "Pending") return true;
          }
        }
      }
    }
    // StatefulSet claims come from volumeClaimTemplates: <template>-<statefulset>-<ordinal>.
    for (ObjectId c : ctx.objects().OfKind("PersistentVolumeClaim")) {
      const Object& pvc = ctx.objects()[c];
      if (pvc.ns == pod.ns && pvc.live() && pvc.Status()["phase"].Str() == "Pending" &&
          pvc.name.size() > pod.name.size() && pvc.name.substr(pvc.name.size() - pod.name.size()) == pod.name) {
        return true;
      }
    }
    return false;
  }

  static void Emit(const Context& ctx, Reporter& out, const ProblemGroup& g, const ContainerProblem& p,
                   const EventRecord* ev, const std::string& message, const std::vector<SchedulingReason>& reasons,
                   int64_t total, const std::string& cause) {
    const Object& workload = *g.workload;
    std::string ns(p.pod->ns);
    // The template that decides requests, tolerations and selectors.
    const PodTemplate* t = nullptr;
    const Object* owner = nullptr;
    for (ObjectId id : ctx.objects().SameIdentity(workload.id)) {
      if (const PodTemplate* x = ctx.graph().TemplateOf(id)) {
        if (!t || !ctx.objects()[id].live()) {
          t = x;
          owner = &ctx.objects()[id];
        }
      }
    }
    if (!t) {
      t = ctx.graph().TemplateOf(p.pod->id);
      owner = p.pod;
    }
    std::vector<const Object*> nodes;
    for (ObjectId id : ctx.objects().OfKind("Node")) nodes.push_back(&ctx.objects()[id]);
    std::string summary;
    for (const auto& r : reasons) {
      summary += (summary.empty() ? "" : ", ") + (r.count ? std::to_string(r.count) + " " : "") + r.text;
    }
    std::string text, fix;
    Node at;
    std::string at_path;
    std::string node_note;
    if (cause.rfind("insufficient-", 0) == 0) {
      std::string resource = cause.substr(13);
      const char* res = resource == "cpu" ? "cpu" : resource == "memory" ? "memory" : nullptr;
      double want = res ? PodRequest(t, res) : 0;
      double best = 0;
      std::string best_node;
      for (const Object* n : nodes) {
        Node a = n->Status()["allocatable"][res ? res : resource.c_str()];
        double v = a ? QuantityValue(a.Str()).value_or(0) : 0;
        if (v > best) {
          best = v;
          best_node = std::string(n->name);
        }
      }
      auto fmtq = [&](double v) { return resource == "cpu" ? FormatCores(v) : resource == "memory" ? FormatBytes(v) : std::to_string(v); };
      text = fmt::format("{}: pods stay Pending: no node has enough {} ({})", workload.Ref(), resource, summary);
      if (res && want > 0) {
        text += fmt::format("; each pod requests {} {}", fmtq(want), resource);
        if (!nodes.empty()) {
          node_note = fmt::format("the largest node allocatable {} in the input is {} ({})", resource, fmtq(best), best_node);
          text += want > best ? fmt::format(", more than any node's allocatable {} ({} on {})", resource, fmtq(best), best_node)
                              : fmt::format(", which fits an empty node ({} on {}): the nodes are full", fmtq(best), best_node);
        }
        for (const ContainerRef& c : t->containers) {
          Node q = c.node["resources"]["requests"][res];
          if (q) {
            at = q;
            at_path = c.path + ".resources.requests." + res;
            break;
          }
        }
      }
      fix = fmt::format("Lower resources.requests.{} to what the container uses (kubectl top pod -n {}), or add "
                        "nodes with more {} (cluster autoscaler / a larger node pool).",
                        resource, ns, resource);
    } else if (cause == "untolerated-taint") {
      std::string taints;
      for (const Object* n : nodes) {
        for (Node tt : n->Spec()["taints"].Items()) {
          taints += (taints.empty() ? "" : ", ") + fmt::format("{}={}:{} on {}", tt["key"].Str(), tt["value"].Str(),
                                                               tt["effect"].Str(), n->name);
        }
      }
      text = fmt::format("{}: pods stay Pending: the nodes have taints the pod does not tolerate ({})", workload.Ref(),
                         summary);
      if (!taints.empty()) node_note = "node taints: " + taints;
      if (t && t->spec["tolerations"]) {
        at = t->spec["tolerations"];
        at_path = t->path + ".tolerations";
      }
      fix = "Add a matching toleration to the pod template (tolerations: [{key: <key>, operator: Exists, effect: "
            "NoSchedule}]) if it should run there, or schedule it onto untainted nodes.";
    } else if (cause == "node-selector-mismatch") {
      text = fmt::format("{}: pods stay Pending: no node matches the pod's nodeSelector/affinity ({})", workload.Ref(),
                         summary);
      if (t && t->spec["nodeSelector"]) {
        at = t->spec["nodeSelector"];
        at_path = t->path + ".nodeSelector";
        std::string sel = LabelSelector::FromMap(at).ToString();
        size_t matching = 0;
        for (const Object* n : nodes) matching += LabelSelector::FromMap(at).Matches(n->Labels()) ? 1 : 0;
        if (!nodes.empty()) node_note = fmt::format("{} of {} nodes in the input have labels {}", matching, nodes.size(), sel);
      } else if (t && t->spec["affinity"]["nodeAffinity"]) {
        at = t->spec["affinity"]["nodeAffinity"];
        at_path = t->path + ".affinity.nodeAffinity";
      }
      fix = "Correct nodeSelector / nodeAffinity to labels the nodes have (kubectl get nodes --show-labels), or label "
            "the intended nodes (kubectl label node <node> <key>=<value>).";
    } else if (cause == "unbound-pvc") {
      text = fmt::format("{}: pods stay Pending: they wait for a PersistentVolumeClaim that is not bound", workload.Ref());
      fix = "Fix the claim (see the pvc-pending diagnosis): its StorageClass must exist and have a running provisioner.";
    } else {
      text = fmt::format("{}: pods stay Pending: {}", workload.Ref(), summary.empty() ? message : summary);
      fix = "Read the scheduler's message and adjust the pod or the nodes: kubectl describe pod " +
            std::string(p.pod->name) + " -n " + ns;
    }
    Finding& f = at ? out.Report(*owner, at, at_path, text) : out.Report(*p.pod, p.status, p.path, text);
    if (out.Discarded(f)) return;
    f.cause = cause;
    f.fix = fix;
    f.verify = fmt::format("kubectl get pods -n {} -w (Pending turns to ContainerCreating, then Running)", ns);
    f.symptom = fmt::format("{} is Pending", p.pod->Ref());
    DiagnosisBuilder b(ctx, f);
    b.WorkloadStep(workload);
    ChainStep& s = b.Step(*p.pod, p.status, p.path,
                          fmt::format("{} is Pending and not scheduled{}", p.pod->Ref(),
                                      g.problems.size() > 1 ? fmt::format(" (and {} more pods)", g.problems.size() - 1) : ""));
    if (p.status["message"]) s.evidence.push_back("PodScheduled: " + std::string(p.status["message"].Str()));
    if (ev) {
      ChainStep& e = b.StepEvent(*ev, fmt::format("the scheduler: {} of {} nodes are available", 0, total < 0 ? 0 : total));
      for (const auto& r : reasons) e.evidence.push_back((r.count ? std::to_string(r.count) + " node(s): " : "") + r.text);
    }
    if (!node_note.empty()) {
      if (!nodes.empty()) b.Step(*nodes.front(), nodes.front()->Status()["allocatable"], "status.allocatable", node_note);
    }
    if (cause == "unbound-pvc" && t) {
      for (const Reference* r : ctx.graph().References(t->object, EdgeKind::kClaim)) {
        const Object* pvc = ctx.graph().Target(*r);
        ChainStep step;
        step.loc = r->at;
        step.message = pvc ? fmt::format("the pod mounts {} (phase {})", pvc->Ref(),
                                         pvc->Status()["phase"].Str().empty() ? "unknown" : pvc->Status()["phase"].Str())
                           : fmt::format("the pod mounts claim {}, not in the input", Quote(ctx.graph().vertex(r->to).name));
        f.chain.push_back(std::move(step));
        if (pvc) {
          for (const Reference* sc : ctx.graph().References(pvc->id, EdgeKind::kStorageClass)) {
            if (!IsResolved(sc->resolution)) {
              ChainStep s2;
              s2.loc = sc->at;
              s2.message = fmt::format("its StorageClass {} does not exist", Quote(ctx.graph().vertex(sc->to).name));
              f.chain.push_back(std::move(s2));
            }
          }
        }
      }
    }
    if (at && owner) b.Step(*owner, at, at_path, "the field to change");
    for (const char* k : {"insufficient-cpu", "insufficient-memory", "untolerated-taint", "node-selector-mismatch",
                          "unbound-pvc"}) {
      std::string key = k;
      bool seen = false;
      for (const auto& r : reasons) seen |= CauseKey(r.text) == key;
      b.Hypothesis(key, cause == key, seen ? "named by the scheduler" : "not named by the scheduler");
    }
    b.Affects(g.problems);
  }
};

class PvcPending : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pvc-pending",
        .title = "PersistentVolumeClaim stays Pending",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: a claim in phase Pending (and the pods that mount it stay Pending too). "
                "kora tells the causes apart: the StorageClass it names does not exist, no class and no default "
                "class, the provisioner failed (ProvisioningFailed) or never answered (ExternalProvisioning). "
                "`WaitForFirstConsumer` is normal and not reported: such a claim binds when a pod uses it.",
        .fix = "Use an existing StorageClass (kubectl get storageclass), set a default class, or fix the "
               "provisioner named in the events.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("PersistentVolumeClaim")) {
      const Object& pvc = ctx.objects()[id];
      if (!pvc.live() || pvc.Status()["phase"].Str() != "Pending") continue;
      auto events = ctx.evidence().EventsOf(id);
      if (FindEvent(events, {"WaitForFirstConsumer"})) continue;  // normal: binds with its first pod
      std::string ns(pvc.ns);
      // The authored claim, where the fix goes.
      const Object* authored = &pvc;
      for (ObjectId other : ctx.objects().SameIdentity(id)) {
        if (!ctx.objects()[other].live()) authored = &ctx.objects()[other];
      }
      Node sc = authored->Spec()["storageClassName"];
      std::string cause, text, fix;
      const Reference* sc_ref = nullptr;
      for (const Reference* r : ctx.graph().References(authored->id, EdgeKind::kStorageClass)) sc_ref = r;
      const EventRecord* failed = FindEvent(events, {"ProvisioningFailed"});
      const EventRecord* external = FindEvent(events, {"ExternalProvisioning"});
      const EventRecord* nopv = FindEvent(events, {"FailedBinding"}, "no storage class is set");
      if (sc_ref && !IsResolved(sc_ref->resolution) &&
          (sc_ref->resolution == Resolution::kMissing || failed || ctx.objects().OfKind("StorageClass").empty() == false)) {
        cause = "storage-class-missing";
        text = fmt::format("{} stays Pending: its StorageClass {} does not exist", pvc.Ref(), Quote(sc.Str()));
        fix = fmt::format("Set storageClassName to an existing class (kubectl get storageclass), e.g. kubectl get "
                          "storageclass -o name; the claim's class cannot be edited: recreate the claim ({}).",
                          ns);
      } else if (failed) {
        cause = "provisioning-failed";
        text = fmt::format("{} stays Pending: provisioning failed: {}", pvc.Ref(), failed->message);
        fix = "Fix what the provisioner reports (quota, zone, permissions of its cloud identity), then recreate the claim.";
      } else if (nopv || (!sc && ctx.objects().OfKind("StorageClass").size() > 0)) {
        bool any_default = false;
        for (ObjectId s : ctx.objects().OfKind("StorageClass")) {
          any_default |= ctx.objects()[s].Annotation("storageclass.kubernetes.io/is-default-class") == "true";
        }
        if (any_default && !nopv) continue;
        cause = "no-default-storage-class";
        text = fmt::format("{} stays Pending: it names no StorageClass and the cluster has no default class", pvc.Ref());
        fix = "Set storageClassName, or mark a class default: kubectl patch storageclass <name> -p "
              "'{\"metadata\":{\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"}}}'";
      } else if (external) {
        cause = "provisioner-not-responding";
        text = fmt::format("{} stays Pending: the external provisioner never created the volume ({})", pvc.Ref(),
                           external->message);
        fix = "Check that the CSI driver's controller is running (kubectl get pods -A | grep csi) and its logs.";
      } else {
        continue;
      }
      Finding& f = sc_ref && cause == "storage-class-missing" ? out.ReportAt(*authored, sc_ref->at, text)
                                                               : out.Report(pvc, pvc.Status()["phase"], "status.phase", text);
      if (out.Discarded(f)) continue;
      f.cause = cause;
      f.fix = fix;
      f.verify = fmt::format("kubectl get pvc {} -n {} -w (STATUS Bound)", pvc.name, ns);
      f.symptom = pvc.Ref() + " is Pending";
      DiagnosisBuilder b(ctx, f);
      b.Step(pvc, pvc.Status()["phase"], "status.phase", pvc.Ref() + " is Pending");
      for (const EventRecord* e : events) f.chain.back().evidence.push_back(e->Summary(ctx.evidence().now()));
      if (sc_ref && cause == "storage-class-missing") {
        ChainStep s;
        s.loc = sc_ref->at;
        s.message = fmt::format("it asks for StorageClass {}, which is not among the classes{}", Quote(sc.Str()),
                                ctx.objects().OfKind("StorageClass").empty() ? " (none in the input)" : " in the input");
        f.chain.push_back(std::move(s));
      }
      // Pods waiting for this claim.
      std::vector<std::string> users;
      for (const Reference* r : ctx.graph().Referrers(id, EdgeKind::kClaim)) users.push_back(ctx.objects()[r->from].Ref());
      for (ObjectId other : ctx.objects().SameIdentity(id)) {
        if (other == id) continue;
        for (const Reference* r : ctx.graph().Referrers(other, EdgeKind::kClaim)) users.push_back(ctx.objects()[r->from].Ref());
      }
      std::sort(users.begin(), users.end());
      users.erase(std::unique(users.begin(), users.end()), users.end());
      f.affected = users;
      b.Hypothesis("the StorageClass does not exist", cause == "storage-class-missing",
                   sc ? "storageClassName: " + std::string(sc.Str()) : "no storageClassName");
      b.Hypothesis("WaitForFirstConsumer (normal)", false, "no WaitForFirstConsumer event");
      b.Hypothesis("the provisioner failed", cause == "provisioning-failed",
                   failed ? std::string(failed->message) : "no ProvisioningFailed event");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePodUnschedulable() { return std::make_unique<PodUnschedulable>(); }
std::unique_ptr<Rule> MakePvcPending() { return std::make_unique<PvcPending>(); }

}  // namespace kora
