// Diagnoses of Pending: pods the scheduler cannot place (FailedScheduling,
// parsed and checked against the Nodes in the input) and claims that never
// bind (a missing StorageClass or no provisioner).
#include <re2/re2.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

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
  // RE2 on input: linear, no recursion.
  static const RE2 kHead(R"((?s)\d+/(\d+) nodes are available:\s*(.*))");
  std::string rest;
  if (!RE2::PartialMatch(m, kHead, &total, &rest)) {
    total = -1;  // also when the count does not fit in 64 bits
    return out;
  }
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
    int64_t count = 0;
    // from_chars: a count too big for 64 bits is text, not an exception.
    if (sp != std::string::npos && sp > 0 && std::all_of(s.begin(), s.begin() + sp, ::isdigit) &&
        std::from_chars(s.data(), s.data() + sp, count).ec == std::errc()) {
      r.count = count;
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

// "3 Insufficient cpu", "1 node(s) had untolerated taint {...}", as the scheduler wrote it.
std::string ReasonText(const SchedulingReason& r) { return (r.count ? std::to_string(r.count) + " " : "") + r.text; }

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
double PodRequest(const PodTemplate* t, std::string_view resource) {
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

std::string TaintText(Node taint) {
  std::string out(taint["key"].Str());
  if (!taint["value"].Str().empty()) out += "=" + std::string(taint["value"].Str());
  return out + ":" + std::string(taint["effect"].Str());
}

// Kubernetes' Toleration.ToleratesTaint.
bool Tolerates(Node toleration, Node taint) {
  std::string_view effect = toleration["effect"].Str();
  if (!effect.empty() && effect != taint["effect"].Str()) return false;
  std::string_view key = toleration["key"].Str();
  if (!key.empty() && key != taint["key"].Str()) return false;
  std::string_view op = toleration["operator"].Str();
  if (op == "Exists") return true;
  return toleration["value"].Str() == taint["value"].Str();
}

// What decides where a pod may run, from the pod's own spec, each field
// falling back to its workload's template (a pod known only from text).
struct Placement {
  std::vector<Node> tolerations;
  Node node_selector;
  Node required_affinity;  // nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
};

// The taints of a node that keep the pod off it (NoSchedule, NoExecute).
std::vector<Node> UntoleratedTaints(const Object& node, const Placement& pl) {
  std::vector<Node> out;
  for (Node taint : node.Spec()["taints"].Items()) {
    std::string_view effect = taint["effect"].Str();
    if (effect != "NoSchedule" && effect != "NoExecute") continue;
    bool tolerated = false;
    for (Node tol : pl.tolerations) tolerated |= Tolerates(tol, taint);
    if (!tolerated) out.push_back(taint);
  }
  return out;
}

// One nodeSelectorTerm of a required node affinity (its requirements ANDed).
bool TermMatches(Node term, const Object& node) {
  if (term["matchExpressions"].Size() == 0 && term["matchFields"].Size() == 0) return false;
  auto check = [](Node req, std::optional<std::string_view> value) {
    std::string_view op = req["operator"].Str();
    auto in = [&] {
      for (Node v : req["values"].Items()) {
        if (value && v.Str() == *value) return true;
      }
      return false;
    };
    if (op == "In") return value && in();
    if (op == "NotIn") return !value || !in();
    if (op == "Exists") return value.has_value();
    if (op == "DoesNotExist") return !value.has_value();
    if (op == "Gt" || op == "Lt") {
      if (!value || req["values"].Size() != 1) return false;
      auto have = QuantityValue(*value);
      auto want = QuantityValue(req["values"].At(0).Str());
      if (!have || !want) return false;
      return op == "Gt" ? *have > *want : *have < *want;
    }
    return false;
  };
  for (Node req : term["matchExpressions"].Items()) {
    Node label = node.Labels()[req["key"].Str()];
    if (!check(req, label ? std::optional<std::string_view>(label.Str()) : std::nullopt)) return false;
  }
  for (Node req : term["matchFields"].Items()) {
    if (req["key"].Str() != "metadata.name") return false;
    if (!check(req, std::optional<std::string_view>(node.name))) return false;
  }
  return true;
}

// Whether the node satisfies the pod's nodeSelector and required node affinity.
bool MatchesNodeSelection(const Object& node, const Placement& pl) {
  Node sel = pl.node_selector;
  if (sel.IsMap() && sel.Size() > 0 && !LabelSelector::FromMap(sel).Matches(node.Labels())) return false;
  Node required = pl.required_affinity;
  if (required) {
    bool any = false;
    for (Node term : required["nodeSelectorTerms"].Items()) any |= TermMatches(term, node);
    if (!any) return false;
  }
  return true;
}

// Why the pod cannot land on the node whatever its free resources, or ""
// when it can: the scheduler's filters before resources.
std::string NodeExclusion(const Object& node, const Placement& pl) {
  if (node.Spec()["unschedulable"].Bool() == true) {
    bool tolerated = false;
    for (Node tol : pl.tolerations) {
      tolerated |= (tol["key"].Str() == "node.kubernetes.io/unschedulable" || tol["key"].Str().empty()) &&
                   tol["operator"].Str() == "Exists" &&
                   (tol["effect"].Str().empty() || tol["effect"].Str() == "NoSchedule");
    }
    if (!tolerated) return "it is cordoned (spec.unschedulable: true)";
  }
  std::vector<Node> taints = UntoleratedTaints(node, pl);
  if (!taints.empty()) return "taint " + TaintText(taints.front()) + ", which the pod does not tolerate";
  if (!MatchesNodeSelection(node, pl)) return "it does not match the pod's nodeSelector/affinity";
  return {};
}

// The spec the scheduler saw: the pod's own (with the tolerations admission
// added), else, for a pod known only from text, its workload's template.
const PodTemplate* SchedulingTemplate(const Context& ctx, const Object& pod) {
  const PodTemplate* own = ctx.graph().TemplateOf(pod.id);
  if (own && !own->containers.empty() && !pod.from_text()) return own;
  const Object& w = WorkloadOf(ctx, pod);
  const PodTemplate* t = nullptr;
  for (ObjectId same : ctx.objects().SameIdentity(w.id)) {
    if (const PodTemplate* x = ctx.graph().TemplateOf(same)) t = x;
  }
  return t ? t : own;
}

Placement PlacementOf(const Context& ctx, const Object& pod) {
  const PodTemplate* own = ctx.graph().TemplateOf(pod.id);
  const Object& w = WorkloadOf(ctx, pod);
  const PodTemplate* tmpl = nullptr;
  for (ObjectId same : ctx.objects().SameIdentity(w.id)) {
    if (const PodTemplate* x = ctx.graph().TemplateOf(same)) tmpl = x;
  }
  auto field = [&](auto get) {
    Node n = own ? get(own->spec) : Node();
    return n || !tmpl ? n : get(tmpl->spec);
  };
  Placement pl;
  Node tolerations = field([](Node spec) { return spec["tolerations"]; });
  for (Node tol : tolerations.Items()) pl.tolerations.push_back(tol);
  pl.node_selector = field([](Node spec) { return spec["nodeSelector"]; });
  pl.required_affinity =
      field([](Node spec) { return spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]; });
  return pl;
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
      // Nodes in the input, a nodeSelector or required node affinity no node
      // satisfies is the cause whatever else the message lists.
      if (!ctx.objects().OfKind("Node").empty()) {
        Placement pl = PlacementOf(ctx, pod);
        bool constrained = (pl.node_selector.IsMap() && pl.node_selector.Size() > 0) || pl.required_affinity;
        bool any = false;
        for (ObjectId n : ctx.objects().OfKind("Node")) any |= MatchesNodeSelection(ctx.objects()[n], pl);
        if (constrained && !any) it.cause = "node-selector-mismatch";
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
    // The template where the fix goes (the authored manifest first).
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
    // The spec the scheduler decided on, for tolerations and node selection.
    const PodTemplate* sched = SchedulingTemplate(ctx, *p.pod);
    if (!sched) sched = t;
    const Placement placement = PlacementOf(ctx, *p.pod);
    std::vector<const Object*> nodes;
    for (ObjectId id : ctx.objects().OfKind("Node")) nodes.push_back(&ctx.objects()[id]);
    // The nodes the pod could land on if they had room, and why the others cannot take it.
    std::vector<const Object*> eligible;
    std::vector<std::string> left_out;
    for (const Object* n : nodes) {
      std::string why = NodeExclusion(*n, placement);
      if (why.empty()) {
        eligible.push_back(n);
      } else {
        left_out.push_back(fmt::format("node {} is left out: {}", n->name, why));
      }
    }
    std::string summary;
    for (const auto& r : reasons) {
      summary += (summary.empty() ? "" : ", ") + ReasonText(r);
    }
    std::string text, fix;
    Node at;
    std::string at_path, at_note;
    // The node whose state decides, as a chain step.
    const Object* node = nullptr;
    Node node_at;
    std::string node_path, node_note;
    std::vector<std::string> node_evidence;
    if (cause.rfind("insufficient-", 0) == 0) {
      // The resource as the scheduler names it ("Insufficient nvidia.com/gpu").
      std::string resource = cause.substr(13);
      for (const auto& r : reasons) {
        if (CauseKey(r.text) == cause) resource = r.text.substr(13);
      }
      auto fmtq = [&](double v) {
        if (resource == "cpu") return FormatCores(v);
        if (resource == "memory" || resource.rfind("ephemeral-storage", 0) == 0) return FormatBytes(v);
        return fmt::format("{:g}", v);
      };
      double want = PodRequest(sched, resource);
      if (want == 0) want = PodRequest(t, resource);
      double best = 0;
      for (const Object* n : eligible) {
        Node a = n->Status()["allocatable"][resource];
        double v = a ? QuantityValue(a.Str()).value_or(0) : 0;
        if (!node || v > best) {
          best = v;
          node = n;
        }
      }
      text = fmt::format("{}: pods stay Pending: no node has enough {} ({})", workload.Ref(), resource, summary);
      if (want > 0) {
        text += fmt::format("; each pod requests {} {}", fmtq(want), resource);
        if (node) {
          text += want > best
                      ? fmt::format(", more than the allocatable {} of any node it may run on ({} on {})", resource,
                                    fmtq(best), node->name)
                      : fmt::format(", which fits an empty node it may run on ({} on {}): those nodes are full",
                                    fmtq(best), node->name);
        } else if (!nodes.empty()) {
          text += fmt::format(", and none of the {} nodes in the input would take the pod anyway", nodes.size());
        }
      }
      if (node) {
        node_at = node->Status()["allocatable"][resource];
        node_path = "status.allocatable." + resource;
        node_note = fmt::format("node {} has the largest allocatable {} of the {} node(s) the pod may run on: {}",
                                node->name, resource, eligible.size(), fmtq(best));
        if (want > best) node_note += fmt::format(", less than the {} each pod requests", fmtq(want));
      } else if (!nodes.empty()) {
        node_note = fmt::format("none of the {} nodes in the input would take the pod", nodes.size());
        node = nodes.front();
        node_path = "metadata.name";
        node_at = node->Metadata()["name"];
      }
      node_evidence = left_out;
      for (const ContainerRef& c : t ? t->containers : std::vector<ContainerRef>{}) {
        Node q = c.node["resources"]["requests"][resource];
        if (q) {
          at = q;
          at_path = c.path + ".resources.requests." + resource;
          at_note = fmt::format("container {} requests {}: {}", Quote(c.name), resource, q.Str());
          break;
        }
      }
      fix = fmt::format("Lower resources.requests.{} to what the container uses (kubectl top pod -n {}){}, or add "
                        "nodes with more {} (cluster autoscaler / a larger node pool).",
                        resource, ns,
                        node && want > best ? fmt::format(" and below {} (the most a node it may run on offers)", fmtq(best)) : "",
                        resource);
    } else if (cause == "untolerated-taint") {
      // The node the pod is meant for (it matches its selection) but whose
      // taint it does not tolerate; the control plane only as a last resort.
      std::vector<Node> taints;
      for (int pass = 0; pass < 2 && !node; ++pass) {
        for (const Object* n : nodes) {
          if (!MatchesNodeSelection(*n, placement)) continue;
          std::vector<Node> nt = UntoleratedTaints(*n, placement);
          if (nt.empty()) continue;
          bool control_plane = false;
          for (Node x : nt) {
            control_plane |= x["key"].Str() == "node-role.kubernetes.io/control-plane" ||
                              x["key"].Str() == "node-role.kubernetes.io/master";
          }
          if (pass == 0 && control_plane) continue;
          node = n;
          taints = nt;
          break;
        }
      }
      std::string taint_list;
      for (Node x : taints) taint_list += (taint_list.empty() ? "" : ", ") + TaintText(x);
      text = fmt::format("{}: pods stay Pending: the nodes have taints the pod does not tolerate ({})", workload.Ref(),
                         summary);
      if (node) {
        text += fmt::format("; node {} matches the pod's node selection but has taint {}", node->name, taint_list);
        node_at = node->Spec()["taints"];
        node_path = "spec.taints";
        node_note = fmt::format("node {} has taint {}, which the pod does not tolerate", node->name, taint_list);
        std::string tolerations;
        for (Node tol : placement.tolerations) {
          tolerations += (tolerations.empty() ? "" : ", ") +
                         fmt::format("{}{}{}:{}", tol["key"].Str().empty() ? "*" : tol["key"].Str(),
                                     tol["value"].Str().empty() ? "" : "=", tol["value"].Str(),
                                     tol["effect"].Str().empty() ? "*" : tol["effect"].Str());
        }
        node_evidence.push_back("the pod tolerates: " + (tolerations.empty() ? std::string("nothing") : tolerations));
      }
      if (t && t->spec["tolerations"]) {
        at = t->spec["tolerations"];
        at_path = t->path + ".tolerations";
        at_note = fmt::format("{}.tolerations does not cover {}", t->path, taint_list.empty() ? "the taint" : taint_list);
      }
      if (node && !taints.empty()) {
        Node x = taints.front();
        fix = fmt::format("If the pods should run on {}, add to {}.tolerations: {{key: {}, operator: {}{}, effect: {}}}; "
                          "otherwise schedule them onto untainted nodes (nodeSelector/affinity).",
                          node->name, t ? t->path : std::string("spec"), x["key"].Str(),
                          x["value"].Str().empty() ? "Exists" : "Equal",
                          x["value"].Str().empty() ? std::string() : ", value: " + std::string(x["value"].Str()),
                          x["effect"].Str());
      } else {
        fix = "Add a toleration matching the taint the scheduler names to the pod template (tolerations: [{key: "
              "<key>, operator: Exists, effect: NoSchedule}]) if it should run there, or schedule it onto untainted "
              "nodes.";
      }
    } else if (cause == "node-selector-mismatch") {
      text = fmt::format("{}: pods stay Pending: no node matches the pod's nodeSelector/affinity ({})", workload.Ref(),
                         summary);
      Node sel = placement.node_selector;
      if (t && t->spec["nodeSelector"]) {
        at = t->spec["nodeSelector"];
        at_path = t->path + ".nodeSelector";
        at_note = fmt::format("{}.nodeSelector is {}", t->path, LabelSelector::FromMap(at).ToString());
      } else if (t && t->spec["affinity"]["nodeAffinity"]) {
        at = t->spec["affinity"]["nodeAffinity"];
        at_path = t->path + ".affinity.nodeAffinity";
        at_note = fmt::format("{}.affinity.nodeAffinity requires labels no node has", t->path);
      }
      size_t matching = 0;
      for (const Object* n : nodes) matching += MatchesNodeSelection(*n, placement) ? 1 : 0;
      // The closest node: the one with most of the selector's labels (any value).
      size_t best_score = 0;
      for (const Object* n : nodes) {
        size_t score = 1;
        for (auto [k, v] : sel.Entries()) score += n->Labels()[k.Str()] ? 1 : 0;
        if (score > best_score && NodeExclusion(*n, Placement{}).empty()) {
          best_score = score;
          node = n;
        }
      }
      if (node) {
        node_at = node->Labels() ? node->Labels() : node->Metadata()["name"];
        node_path = "metadata.labels";
        std::string have;
        for (auto [k, v] : sel.Entries()) {
          Node l = node->Labels()[k.Str()];
          have += (have.empty() ? "" : ", ") +
                  (l ? fmt::format("{}={}", k.Str(), l.Str()) : fmt::format("no label {}", k.Str()));
        }
        node_note = sel.Size() > 0
                        ? fmt::format("{} of {} nodes match; the closest, node {}, has {} where the pod wants {}",
                                      matching, nodes.size(), node->name, have, LabelSelector::FromMap(sel).ToString())
                        : fmt::format("{} of {} nodes match the pod's required node affinity", matching, nodes.size());
      }
      fix = "Correct nodeSelector / nodeAffinity to labels the nodes have (kubectl get nodes --show-labels), or label "
            "the intended nodes (kubectl label node <node> <key>=<value>).";
    } else if (cause == "unbound-pvc") {
      text = fmt::format("{}: pods stay Pending: they wait for a PersistentVolumeClaim that is not bound", workload.Ref());
      fix = fmt::format("Get the claim bound: kubectl describe pvc -n {} shows why it is Pending (a StorageClass that "
                        "does not exist, a provisioner that fails or does not run); add the claim to kora's input for "
                        "the full diagnosis.",
                        ns);
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
      ChainStep& e = b.StepEvent(*ev, fmt::format("the scheduler: 0 of {} nodes are available", total < 0 ? 0 : total));
      for (const auto& r : reasons) e.evidence.push_back(ReasonText(r));
    }
    if (node && !node_note.empty()) {
      ChainStep& n = b.Step(*node, node_at, node_path, node_note);
      for (const std::string& e : node_evidence) n.evidence.push_back(e);
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
    if (at && owner) b.Step(*owner, at, at_path, at_note);
    struct Candidate {
      const char* key;
      const char* text;
    };
    static const Candidate kCandidates[] = {
        {"insufficient-cpu", "the pods request more CPU than the nodes have free"},
        {"insufficient-memory", "the pods request more memory than the nodes have free"},
        {"untolerated-taint", "the nodes have taints the pods do not tolerate"},
        {"node-selector-mismatch", "no node matches the pods' nodeSelector/affinity"},
        {"unbound-pvc", "the pods wait for an unbound PersistentVolumeClaim"},
    };
    bool listed = false;
    for (const Candidate& c : kCandidates) listed |= cause == c.key;
    std::string decided;
    for (const auto& r : reasons) {
      if (CauseKey(r.text) == cause) decided += (decided.empty() ? "" : ", ") + ReasonText(r);
    }
    if (decided.empty()) decided = cause == "node-selector-mismatch" ? "no node in the input matches it" : message.substr(0, 200);
    for (const Candidate& c : kCandidates) {
      std::string named;
      for (const auto& r : reasons) {
        if (CauseKey(r.text) != c.key) continue;
        named += (named.empty() ? "" : ", ") + ReasonText(r);
      }
      if (cause == c.key) {
        b.Hypothesis(c.text, true, "the scheduler says " + decided);
      } else if (named.empty()) {
        b.Hypothesis(c.text, false, "the scheduler does not name it");
      } else {
        b.Hypothesis(c.text, false, "the scheduler names it (" + named + "), but " + decided +
                                        " is what keeps the pods off the nodes they can use");
      }
    }
    if (!listed) b.Hypothesis("the scheduler's other filters reject every node", true, "the scheduler says " + decided);
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
    std::vector<const Object*> classes;
    const Object* default_class = nullptr;
    for (ObjectId s : ctx.objects().OfKind("StorageClass")) {
      const Object& sc = ctx.objects()[s];
      classes.push_back(&sc);
      if (sc.Annotation("storageclass.kubernetes.io/is-default-class") == "true") default_class = &sc;
    }
    std::string class_list;
    for (const Object* sc : classes) {
      class_list += (class_list.empty() ? "" : ", ") + std::string(sc->name) + (sc == default_class ? " (default)" : "");
    }
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
      if (!sc) sc = pvc.Spec()["storageClassName"];
      std::string sc_name(sc.Str());
      std::string cause, text, fix;
      const Reference* sc_ref = nullptr;
      for (const Reference* r : ctx.graph().References(authored->id, EdgeKind::kStorageClass)) sc_ref = r;
      const Object* the_class = sc_ref ? ctx.graph().Target(*sc_ref) : nullptr;
      const EventRecord* failed = FindEvent(events, {"ProvisioningFailed"});
      const EventRecord* external = FindEvent(events, {"ExternalProvisioning"});
      const EventRecord* nopv = FindEvent(events, {"FailedBinding"}, "no storage class is set");
      // The provisioner the claim waits for: its class's, else the one the event names.
      std::string provisioner = the_class ? std::string(the_class->Root()["provisioner"].Str()) : std::string();
      if (provisioner.empty() && external) {
        std::string_view m = external->message;
        auto q = m.find("provisioner '");
        if (q != std::string_view::npos) {
          auto e = m.find('\'', q + 13);
          if (e != std::string_view::npos) provisioner = std::string(m.substr(q + 13, e - q - 13));
        }
      }
      if (sc_ref && !IsResolved(sc_ref->resolution) &&
          (sc_ref->resolution == Resolution::kMissing || failed || !classes.empty())) {
        cause = "storage-class-missing";
        text = fmt::format("{} stays Pending: its StorageClass {} does not exist", pvc.Ref(), Quote(sc_name));
        fix = fmt::format("Set spec.storageClassName of {} to an existing class ({}), or create StorageClass {}. A "
                          "claim's class cannot be changed in place: delete the claim (kubectl delete pvc {} -n {}) "
                          "and apply the corrected manifest again.",
                          pvc.Ref(),
                          class_list.empty() ? std::string("kubectl get storageclass lists them") : "the cluster has " + class_list,
                          Quote(sc_name), pvc.name, ns);
      } else if (failed) {
        cause = "provisioning-failed";
        text = fmt::format("{} stays Pending: provisioning failed: {}", pvc.Ref(), failed->message);
        fix = fmt::format("Fix what the provisioner{} reports (quota, zone, permissions of its cloud identity), then "
                          "delete the claim (kubectl delete pvc {} -n {}) and apply it again.",
                          provisioner.empty() ? "" : " " + provisioner, pvc.name, ns);
      } else if (nopv || (!sc && !classes.empty())) {
        if (default_class && !nopv) continue;
        cause = "no-default-storage-class";
        text = fmt::format("{} stays Pending: it names no StorageClass and the cluster has no default class", pvc.Ref());
        std::string example = classes.empty() ? "<name>" : std::string(classes.front()->name);
        fix = fmt::format("Set spec.storageClassName of {} to a class{}, or mark one the default: kubectl patch "
                          "storageclass {} -p '{{\"metadata\":{{\"annotations\":{{\"storageclass.kubernetes.io/"
                          "is-default-class\":\"true\"}}}}}}'",
                          pvc.Ref(), class_list.empty() ? std::string() : " (the cluster has " + class_list + ")",
                          example);
      } else if (external) {
        cause = "provisioner-not-responding";
        text = fmt::format("{} stays Pending: the external provisioner {}never created the volume ({})", pvc.Ref(),
                           provisioner.empty() ? "" : Quote(provisioner) + " ", external->message);
        fix = provisioner.empty()
                  ? "Check that the CSI driver or provisioner of the claim's StorageClass runs (kubectl get csidrivers; "
                    "kubectl get pods -A) and read its controller's logs."
                  : fmt::format("Check that provisioner {} runs and is registered (kubectl get csidrivers lists CSI "
                                "drivers; kubectl get pods -A | grep {} finds its controller) and read its controller's "
                                "logs.",
                                provisioner,
                                provisioner.find('/') != std::string::npos ? provisioner.substr(provisioner.rfind('/') + 1)
                                                                           : provisioner.substr(0, provisioner.find('.')));
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
      b.Step(pvc, pvc.Status()["phase"], "status.phase",
             "status.phase of " + pvc.Ref() + " is Pending: no PersistentVolume is bound to it" +
                 (pvc.Spec()["volumeName"].Str().empty() ? "" : " (spec.volumeName " +
                                                                  std::string(pvc.Spec()["volumeName"].Str()) + ")"));
      // The events that get a step of their own are shown there.
      const EventRecord* own_step = cause == "provisioning-failed"          ? failed
                                    : cause == "provisioner-not-responding" ? external
                                                                            : nullptr;
      for (const EventRecord* e : events) {
        if (e != own_step) f.chain.front().evidence.push_back(e->Summary(ctx.evidence().now()));
      }
      if (sc_ref && cause == "storage-class-missing") {
        ChainStep s;
        s.loc = sc_ref->at;
        s.message = fmt::format("spec.storageClassName is {}, which is not among the classes{}", Quote(sc_name),
                                classes.empty() ? " (none in the input)" : " in the input (" + class_list + ")");
        f.chain.push_back(std::move(s));
      }
      if (cause == "no-default-storage-class") {
        b.Step(*authored, authored->Spec() ? authored->Spec() : Node(), "spec",
               "spec.storageClassName is not set, so the claim needs the cluster's default StorageClass");
        if (!classes.empty()) {
          b.Step(*classes.front(), classes.front()->Metadata()["name"], "metadata.annotations",
                 fmt::format("none of the {} StorageClasses in the input ({}) has the annotation "
                             "storageclass.kubernetes.io/is-default-class: \"true\"",
                             classes.size(), class_list));
        }
      }
      if (cause == "provisioner-not-responding") {
        if (the_class) {
          Node prov = the_class->Root()["provisioner"];
          b.Step(*the_class, prov, "provisioner",
                 fmt::format("{} is provisioned by {}", the_class->Ref(), provisioner.empty() ? "?" : provisioner));
        }
        b.StepEvent(*external, fmt::format("the PV controller keeps waiting for {} to create the volume; no volume "
                                           "and no error came back",
                                           provisioner.empty() ? std::string("the external provisioner") : provisioner));
      }
      if (cause == "provisioning-failed") b.StepEvent(*failed, "the provisioner reports: " + std::string(failed->message));
      // The pods and workloads waiting for this claim.
      std::vector<std::string> users;
      auto add_user = [&](ObjectId from) {
        const Object& o = ctx.objects()[from];
        users.push_back(o.kind == "Pod" && o.live() ? o.Ref() + " (" + PodStatusText(o) + ")" : o.Ref());
      };
      for (const Reference* r : ctx.graph().Referrers(id, EdgeKind::kClaim)) add_user(r->from);
      for (ObjectId other : ctx.objects().SameIdentity(id)) {
        if (other == id) continue;
        for (const Reference* r : ctx.graph().Referrers(other, EdgeKind::kClaim)) add_user(r->from);
      }
      std::sort(users.begin(), users.end());
      users.erase(std::unique(users.begin(), users.end()), users.end());
      f.affected = users;
      // Hypotheses: every cause of a Pending claim, decided from the evidence.
      if (cause == "storage-class-missing") {
        b.Hypothesis("the StorageClass does not exist", true,
                     fmt::format("spec.storageClassName is {}{}", Quote(sc_name),
                                 failed ? ", and the PV controller says: " + std::string(failed->message)
                                        : ", and no such class is in the input"));
      } else if (!sc || sc_name.empty()) {
        b.Hypothesis("the StorageClass does not exist", false, "the claim names no StorageClass");
      } else if (the_class) {
        b.Hypothesis("the StorageClass does not exist", false, the_class->Ref() + " is in the input");
      } else {
        b.Open("the StorageClass does not exist",
               fmt::format("StorageClass {} is not in the input (kubectl get storageclass {})", Quote(sc_name), sc_name));
      }
      if (cause == "no-default-storage-class") {
        b.Hypothesis("no StorageClass is named and the cluster has no default class", true,
                     nopv ? "the PV controller says: " + std::string(nopv->message)
                          : fmt::format("spec.storageClassName is not set and none of {} is the default", class_list));
      } else if (sc) {
        b.Hypothesis("no StorageClass is named and the cluster has no default class", false,
                     fmt::format("the claim names storageClassName {}; the default class only applies to claims "
                                 "without one",
                                 Quote(sc_name)));
      } else if (default_class) {
        b.Hypothesis("no StorageClass is named and the cluster has no default class", false,
                     default_class->Ref() + " is the default class");
      } else {
        b.Open("no StorageClass is named and the cluster has no default class",
               "no StorageClass in the input: kubectl get storageclass shows which one is (default)");
      }
      b.Hypothesis("WaitForFirstConsumer (normal: the claim binds with its first pod)", false,
                   "no WaitForFirstConsumer event");
      if (cause == "provisioning-failed") {
        b.Hypothesis("the provisioner failed to create the volume", true, std::string(failed->message));
      } else if (failed && cause == "storage-class-missing") {
        b.Hypothesis("the provisioner failed to create the volume", false,
                     "no provisioner was asked: the ProvisioningFailed event only says the class is missing");
      } else {
        b.Hypothesis("the provisioner failed to create the volume", false, "no ProvisioningFailed event");
      }
      if (cause == "provisioner-not-responding") {
        b.Hypothesis("the provisioner does not respond", true,
                     fmt::format("ExternalProvisioning x{}, no ProvisioningFailed and no volume: {}", external->count,
                                 external->message));
      } else if (cause == "storage-class-missing" || cause == "no-default-storage-class") {
        b.Hypothesis("the provisioner does not respond", false,
                     "no provisioner is asked while the claim has no existing StorageClass");
      } else if (cause == "provisioning-failed") {
        b.Hypothesis("the provisioner does not respond", false,
                     "the provisioner answered: its ProvisioningFailed event says why it cannot create the volume");
      } else {
        b.Open("the provisioner does not respond", "no ExternalProvisioning event in the evidence");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePodUnschedulable() { return std::make_unique<PodUnschedulable>(); }
std::unique_ptr<Rule> MakePvcPending() { return std::make_unique<PvcPending>(); }

}  // namespace kora
