#include "analyzer/diagnosis.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace kora {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::optional<double> QuantityValue(std::string_view q) {
  if (q.empty()) return std::nullopt;
  size_t i = 0;
  while (i < q.size() && (std::isdigit(static_cast<unsigned char>(q[i])) || q[i] == '.' || q[i] == '+' || q[i] == '-')) ++i;
  if (i == 0) return std::nullopt;
  double v = 0;
  try {
    v = std::stod(std::string(q.substr(0, i)));
  } catch (...) {
    return std::nullopt;
  }
  std::string_view suffix = q.substr(i);
  static const std::pair<std::string_view, double> kSuffixes[] = {
      {"", 1},        {"m", 1e-3},           {"k", 1e3},           {"M", 1e6},           {"G", 1e9},
      {"T", 1e12},    {"P", 1e15},           {"E", 1e18},          {"Ki", 1024.0},       {"Mi", 1048576.0},
      {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}};
  for (auto [s, mult] : kSuffixes) {
    if (suffix == s) return v * mult;
  }
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    try {
      return v * std::pow(10.0, std::stod(std::string(suffix.substr(1))));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string FormatBytes(double b) {
  const char* units[] = {"", "Ki", "Mi", "Gi", "Ti"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, b == static_cast<int64_t>(b) ? "%.0f%s" : "%.1f%s", b, units[u]);
  return buf;
}

std::string FormatCores(double c) {
  char buf[64];
  if (c < 1 || c != static_cast<int64_t>(c)) {
    std::snprintf(buf, sizeof buf, "%.0fm", c * 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", c);
  }
  return buf;
}

std::string KubectlKind(std::string_view kind) {
  std::string k(kind);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

std::string ContainerName(const ContainerProblem& p) {
  if (p.container.empty()) return p.init ? "an init container" : "a container";
  return (p.init ? "init container " : "container ") + Quote(p.container);
}

std::vector<ContainerProblem> ContainerProblems(const Context& ctx) {
  std::vector<ContainerProblem> out;
  std::set<std::string> seen;  // a pod both dumped and pasted counts once
  auto collect = [&](const Object& pod, bool text_only) {
    Node status = pod.Status();
    for (bool init : {true, false}) {
      const char* list = init ? "initContainerStatuses" : "containerStatuses";
      size_t i = 0;
      for (Node cs : status[list].Items()) {
        ContainerProblem p;
        p.pod = &pod;
        p.init = init;
        p.container = std::string(cs["name"].Str());
        p.status = cs;
        p.path = std::string("status.") + list + "[" + (p.container.empty() ? std::to_string(i) : p.container) + "]";
        ++i;
        p.restarts = cs["restartCount"].Int().value_or(0);
        Node last = cs["lastState"]["terminated"];
        p.last_reason = std::string(last["reason"].Str());
        p.last_exit_code = last["exitCode"].Int().value_or(-1);
        Node waiting = cs["state"]["waiting"];
        Node terminated = cs["state"]["terminated"];
        if (waiting) {
          p.state = "waiting";
          p.reason = std::string(waiting["reason"].Str());
          p.message = std::string(waiting["message"].Str());
          if (p.reason.empty() || p.reason == "PodInitializing" || p.reason == "ContainerCreating") continue;
        } else if (terminated) {
          p.state = "terminated";
          p.reason = std::string(terminated["reason"].Str());
          p.message = std::string(terminated["message"].Str());
          int64_t code = terminated["exitCode"].Int().value_or(p.reason == "Completed" ? 0 : -1);
          if (code == 0 || p.reason == "Completed") continue;
          if (p.last_exit_code < 0) p.last_exit_code = code;
          if (p.last_reason.empty()) p.last_reason = p.reason;
        } else if (cs["state"]["running"] && p.restarts > 0 && cs["ready"].Bool() == false) {
          // Running now but not ready, after restarts: a crash loop caught
          // between two restarts (kubectl shows "0/1 Running 207 (5m ago)").
          // A ready container that restarted in the past is healthy now.
          p.state = "running";
          p.reason = "Restarting";
        } else {
          continue;
        }
        std::string key = pod.Ref() + "|" + (init ? "i" : "c") + "|" + p.container;
        if (!seen.insert(key).second) continue;
        (void)text_only;
        out.push_back(std::move(p));
      }
    }
  };
  // Dumped pods first, so their richer status wins over a pasted row.
  for (bool text : {false, true}) {
    for (ObjectId id : ctx.objects().OfKind("Pod")) {
      const Object& pod = ctx.objects()[id];
      if (!pod.live() || pod.from_text() != text) continue;
      collect(pod, text);
    }
  }
  return out;
}

const Object& WorkloadOf(const Context& ctx, const Object& pod) {
  ObjectId root = ctx.graph().Root(pod.id);
  if (root != pod.id) return ctx.objects()[root];
  if (const Object* owner = OwnerByName(ctx.objects(), pod.kind, pod.ns, pod.name)) {
    return ctx.objects()[ctx.graph().Root(owner->id)];
  }
  return pod;
}

ContainerSpec SpecOf(const Context& ctx, const ContainerProblem& p) {
  ContainerSpec out;
  auto find_in = [&](const Object& obj) -> bool {
    const PodTemplate* t = ctx.graph().TemplateOf(obj.id);
    if (!t) return false;
    const ContainerRef* only = nullptr;
    size_t same_kind = 0;
    for (const ContainerRef& c : t->containers) {
      bool is_init = c.kind == ContainerKind::kInit;
      if (is_init != p.init) continue;
      ++same_kind;
      only = &c;
      if (!p.container.empty() && c.name == p.container) {
        out = ContainerSpec{&obj, t, &c};
        return true;
      }
    }
    if (p.container.empty() && same_kind == 1) {
      out = ContainerSpec{&obj, t, only};
      return true;
    }
    return false;
  };
  // The authored manifest is where a fix goes; then the workload; then the pod itself.
  const Object& workload = WorkloadOf(ctx, *p.pod);
  for (ObjectId id : ctx.objects().SameIdentity(workload.id)) {
    if (!ctx.objects()[id].live() && find_in(ctx.objects()[id])) return out;
  }
  if (find_in(workload)) return out;
  if (find_in(*p.pod)) return out;
  return out;
}

std::string WorkloadKey(const Context& ctx, const Object& pod) {
  const Object& w = WorkloadOf(ctx, pod);
  if (w.id != pod.id || pod.kind != "Pod") return w.Ref();
  // Pods whose controller is not in the input still group by the controller
  // their name implies: <replicaset>-<id> (the ReplicaSet is <deployment>-<hash>).
  std::string_view name = pod.name;
  auto dash = name.rfind('-');
  if (dash != std::string_view::npos && name.size() - dash - 1 == 5) {
    for (Node ref : pod.Metadata()["ownerReferences"].Items()) {
      return std::string(ref["kind"].Str()) + "/" + std::string(pod.ns) + "/" + std::string(ref["name"].Str());
    }
    return "ReplicaSet/" + std::string(pod.ns) + "/" + std::string(name.substr(0, dash));
  }
  return w.Ref();
}

void ShareCauses(const Context& ctx, const std::vector<const ContainerProblem*>& problems,
                 std::map<const ContainerProblem*, std::string>& causes, const std::string& unknown) {
  // Pods of one workload share their template, so a failure that one pod's
  // evidence explains explains the others that only say they fail.
  std::map<std::string, std::map<std::string, size_t>> known;
  for (const ContainerProblem* p : problems) {
    if (causes[p] != unknown) known[WorkloadKey(ctx, *p->pod) + "|" + p->container][causes[p]]++;
  }
  for (const ContainerProblem* p : problems) {
    if (causes[p] != unknown) continue;
    auto it = known.find(WorkloadKey(ctx, *p->pod) + "|" + p->container);
    if (it == known.end() && !p->container.empty()) it = known.find(WorkloadKey(ctx, *p->pod) + "|");
    if (it == known.end()) {
      // A row without a container name matches any container of its workload.
      for (auto k = known.begin(); k != known.end(); ++k) {
        if (k->first.rfind(WorkloadKey(ctx, *p->pod) + "|", 0) == 0) it = k;
      }
    }
    if (it == known.end() || it->second.size() != 1) continue;
    causes[p] = it->second.begin()->first;
  }
}

std::vector<ProblemGroup> GroupProblems(const Context& ctx, const std::vector<const ContainerProblem*>& problems,
                                        const std::function<std::string(const ContainerProblem&)>& key_of) {
  std::map<std::pair<std::string, std::string>, ProblemGroup> groups;
  std::vector<std::pair<std::string, std::string>> order;
  for (const ContainerProblem* p : problems) {
    const Object& w = WorkloadOf(ctx, *p->pod);
    auto k = std::make_pair(WorkloadKey(ctx, *p->pod), key_of(*p));
    auto [it, inserted] = groups.try_emplace(k);
    if (inserted) {
      it->second.workload = &w;
      it->second.key = k.second;
      order.push_back(k);
    }
    it->second.problems.push_back(p);
  }
  std::vector<ProblemGroup> out;
  for (const auto& k : order) out.push_back(std::move(groups[k]));
  return out;
}

ChainStep& DiagnosisBuilder::Step(const Object& obj, Node at, std::string path, std::string message) {
  ChainStep s;
  s.loc.file = obj.file;
  s.loc.object = obj.id;
  s.loc.span = at ? at.FieldSpan() : obj.span();
  s.loc.path = std::move(path);
  s.message = std::move(message);
  f_.chain.push_back(std::move(s));
  return f_.chain.back();
}

ChainStep& DiagnosisBuilder::StepEvent(const EventRecord& e, std::string message) {
  ChainStep s;
  s.loc = e.loc;
  s.message = std::move(message);
  s.evidence.push_back(e.Summary(ctx_.evidence().now()));
  f_.chain.push_back(std::move(s));
  return f_.chain.back();
}

ChainStep& DiagnosisBuilder::StepMissing(const std::string& ref, std::string message) {
  ChainStep s;
  s.loc.path = ref;
  s.message = std::move(message);
  f_.chain.push_back(std::move(s));
  return f_.chain.back();
}

void DiagnosisBuilder::Hypothesis(std::string text, bool confirmed, std::string evidence) {
  f_.hypotheses.push_back(kora::Hypothesis{std::move(text), confirmed, std::move(evidence)});
}

void DiagnosisBuilder::Open(std::string text, std::string missing) {
  kora::Hypothesis h{std::move(text), false, std::move(missing)};
  h.open = true;
  f_.hypotheses.push_back(std::move(h));
}

void DiagnosisBuilder::Affects(const std::vector<const ContainerProblem*>& problems) {
  for (const ContainerProblem* p : problems) Affects(*p->pod);
}

void DiagnosisBuilder::Affects(const Object& pod) {
  std::string item = pod.Ref() + " (" + PodStatusText(pod) + ")";
  for (const std::string& a : f_.affected) {
    if (a == item) return;
  }
  f_.affected.push_back(std::move(item));
}

std::string PodStatusText(const Object& pod) {
  // Follows kubectl's printPod (pkg/printers/internalversion/printers.go).
  Node status = pod.Status();
  std::string_view pasted = status["x-kora"]["status"].Str();
  if (!pasted.empty()) return std::string(pasted);
  std::string reason(status["phase"].Str());
  if (!status["reason"].Str().empty()) reason = std::string(status["reason"].Str());
  for (Node c : status["conditions"].Items()) {
    if (c["type"].Str() == "PodScheduled" && c["reason"].Str() == "SchedulingGated") reason = "SchedulingGated";
  }
  auto terminated_text = [](Node t, const char* prefix) {
    if (!t["reason"].Str().empty()) return prefix + std::string(t["reason"].Str());
    if (t["signal"].Int().value_or(0) != 0) return fmt::format("{}Signal:{}", prefix, t["signal"].Int().value_or(0));
    return fmt::format("{}ExitCode:{}", prefix, t["exitCode"].Int().value_or(0));
  };
  bool initializing = false;
  Node init_specs = pod.Spec()["initContainers"];
  size_t i = 0;
  for (Node cs : status["initContainerStatuses"].Items()) {
    size_t index = i++;
    Node state = cs["state"];
    if (state["terminated"] && state["terminated"]["exitCode"].Int().value_or(-1) == 0) continue;
    bool sidecar = false;
    for (Node spec : init_specs.Items()) {
      sidecar |= spec["name"].Str() == cs["name"].Str() && spec["restartPolicy"].Str() == "Always";
    }
    if (sidecar && cs["started"].Bool() == true) continue;
    if (state["terminated"]) {
      reason = terminated_text(state["terminated"], "Init:");
    } else if (!state["waiting"]["reason"].Str().empty() && state["waiting"]["reason"].Str() != "PodInitializing") {
      reason = "Init:" + std::string(state["waiting"]["reason"].Str());
    } else {
      reason = fmt::format("Init:{}/{}", index, std::max(init_specs.Size(), status["initContainerStatuses"].Size()));
    }
    initializing = true;
    break;
  }
  bool initialized = false;
  bool ready_condition = false;
  for (Node c : status["conditions"].Items()) {
    if (c["type"].Str() == "Initialized" && c["status"].Str() == "True") initialized = true;
    if (c["type"].Str() == "Ready") ready_condition = c["status"].Str() == "True";
  }
  if (!initializing || initialized) {
    bool has_running = false;
    Node list = status["containerStatuses"];
    // The first container's state wins: kubectl walks them from the last.
    for (size_t k = list.Size(); k-- > 0;) {
      Node cs = list.At(k);
      Node state = cs["state"];
      if (!state["waiting"]["reason"].Str().empty()) {
        reason = std::string(state["waiting"]["reason"].Str());
      } else if (state["terminated"]) {
        reason = terminated_text(state["terminated"], "");
      } else if (cs["ready"].Bool() == true && state["running"]) {
        has_running = true;
      }
    }
    if (reason == "Completed" && has_running) reason = ready_condition ? "Running" : "NotReady";
  }
  if (pod.Metadata()["deletionTimestamp"]) reason = status["reason"].Str() == "NodeLost" ? "Unknown" : "Terminating";
  if (reason.empty()) reason = "Unknown";
  return reason;
}

void DiagnosisBuilder::WorkloadStep(const Object& workload) {
  if (workload.kind == "Pod") return;
  // The live copy carries the status.
  const Object* live = &workload;
  for (ObjectId id : ctx_.objects().SameIdentity(workload.id)) {
    if (ctx_.objects()[id].live()) live = &ctx_.objects()[id];
  }
  HealthStatus h = AssessHealth(*live);
  if (!h.applies || h.health == Health::kHealthy) return;
  ChainStep& s = Step(*live, live->Status() ? live->Status() : Node(), "status",
                      live->Ref() + " is " + std::string(HealthName(h.health)) +
                          (h.message.empty() ? "" : ": " + h.message));
  for (Node c : live->Status()["conditions"].Items()) {
    if (c["status"].Str() == "True" && c["type"].Str() != "ReplicaFailure") continue;
    s.evidence.push_back("condition " + std::string(c["type"].Str()) + "=" + std::string(c["status"].Str()) +
                         (c["reason"].Str().empty() ? "" : " (" + std::string(c["reason"].Str()) + ")") +
                         (c["message"].Str().empty() ? "" : ": " + std::string(c["message"].Str())));
  }
}

std::string ProbeText(Node probe) {
  std::string timing;
  for (const char* k : {"initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"}) {
    if (probe[k]) timing += fmt::format("{}{} {}", timing.empty() ? "" : ", ", k, probe[k].Str());
  }
  std::string what = ProbeAction(probe);
  return timing.empty() ? what : what + " (" + timing + ")";
}

std::string ProbeAction(Node probe) {
  if (Node h = probe["httpGet"]) {
    return fmt::format("GET {} on port {}", h["path"].Str().empty() ? "/" : h["path"].Str(), h["port"].Str());
  }
  if (Node t = probe["tcpSocket"]) return fmt::format("TCP port {}", t["port"].Str());
  if (Node g = probe["grpc"]) return fmt::format("gRPC port {}", g["port"].Str());
  if (Node e = probe["exec"]) {
    std::string cmd;
    for (Node a : e["command"].Items()) cmd += (cmd.empty() ? "" : " ") + std::string(a.Str());
    return "exec " + cmd.substr(0, 80);
  }
  return "a probe";
}

std::string ProposedSelector(Node current, Node labels) {
  auto stable = [](std::string_view key) {
    return !IsControllerInjectedLabel(key) && key != "helm.sh/chart" && key != "chart" &&
           key != "app.kubernetes.io/version" && key != "version" && key != "app.kubernetes.io/managed-by" &&
           key != "heritage";
  };
  std::string out;
  auto add = [&](std::string_view k, std::string_view v) {
    out += (out.empty() ? "" : ",") + std::string(k) + "=" + std::string(v);
  };
  for (auto [k, v] : current.Entries()) {
    Node have = labels[k.Str()];
    if (have && !IsControllerInjectedLabel(k.Str())) add(k.Str(), have.Str());
  }
  if (!out.empty()) return out;
  for (auto [k, v] : labels.Entries()) {
    if (stable(k.Str())) add(k.Str(), v.Str());
  }
  return out;
}

std::string InjectedLabelsNote(Node labels) {
  std::string keys;
  for (auto [k, v] : labels.Entries()) {
    if (IsControllerInjectedLabel(k.Str())) keys += (keys.empty() ? "" : ", ") + std::string(k.Str());
  }
  return keys.empty() ? "" : " (not " + keys + ": a controller sets it per revision or per pod)";
}

std::string EndpointState::Describe() const {
  std::string what;
  if (!slices.empty()) {
    what = slices.front()->Ref();
    if (slices.size() > 1) what += fmt::format(" (and {} more EndpointSlice(s))", slices.size() - 1);
  } else if (endpoints) {
    what = endpoints->Ref();
  }
  if (ready == 0 && not_ready == 0) return what + (slices.empty() ? " lists no address" : " lists no endpoint");
  return fmt::format("{} lists {} ready and {} not-ready {}", what, ready, not_ready,
                     slices.empty() ? "address(es)" : "endpoint(s)");
}

EndpointState ServiceEndpoints(const Context& ctx, const Object& svc) {
  EndpointState st;
  auto target = [&](Node ref) {
    if (ref["name"].Str().empty()) return std::string();
    std::string_view ns = ref["namespace"].Str().empty() ? svc.ns : ref["namespace"].Str();
    return fmt::format(" ({}/{}/{})", ref["kind"].Str().empty() ? "Pod" : ref["kind"].Str(), ns, ref["name"].Str());
  };
  for (ObjectId slice_id : ctx.graph().EndpointSlicesOf(svc)) {
    const Object& slice = ctx.objects()[slice_id];
    st.slices.push_back(&slice);
    for (Node ep : slice.Root()["endpoints"].Items()) {
      // A missing ready condition means ready (discovery.k8s.io/v1).
      if (ep["conditions"]["ready"].Bool() == false) {
        ++st.not_ready;
        st.not_ready_targets.push_back(std::string(ep["addresses"].At(0).Str()) + target(ep["targetRef"]));
        if (ep["targetRef"]["kind"].Str() == "Pod") st.not_ready_pods.emplace_back(ep["targetRef"]["name"].Str());
      } else {
        ++st.ready;
      }
    }
  }
  if (!st.slices.empty()) return st;
  st.endpoints = ctx.objects().Find("Endpoints", svc.ns, svc.name);
  if (!st.endpoints) return st;
  for (Node subset : st.endpoints->Root()["subsets"].Items()) {
    st.ready += subset["addresses"].Size();
    for (Node a : subset["notReadyAddresses"].Items()) {
      ++st.not_ready;
      st.not_ready_targets.push_back(std::string(a["ip"].Str()) + target(a["targetRef"]));
      if (a["targetRef"]["kind"].Str() == "Pod") st.not_ready_pods.emplace_back(a["targetRef"]["name"].Str());
    }
  }
  return st;
}

std::vector<const EventRecord*> PodEvents(const Context& ctx, const Object& pod) {
  std::vector<const EventRecord*> out = ctx.evidence().EventsOf(pod.id);
  // Duplicates of the same pod (dumped and pasted) share their events.
  for (ObjectId id : ctx.objects().SameIdentity(pod.id)) {
    if (id == pod.id) continue;
    for (const EventRecord* e : ctx.evidence().EventsOf(id)) out.push_back(e);
  }
  if (const auto* idx = ctx.evidence().Unattached(pod.kind, pod.ns, pod.name)) {
    for (size_t i : *idx) out.push_back(&ctx.evidence().events()[i]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::sort(out.begin(), out.end(), [](const EventRecord* a, const EventRecord* b) {
    return std::make_tuple(a->last, a->event) < std::make_tuple(b->last, b->event);
  });
  return out;
}

const EventRecord* FindEvent(const std::vector<const EventRecord*>& events,
                             std::initializer_list<std::string_view> reasons, std::string_view needle) {
  const EventRecord* best = nullptr;
  for (const EventRecord* e : events) {
    bool reason_ok = reasons.size() == 0;
    for (auto r : reasons) reason_ok |= e->reason == r;
    if (!reason_ok) continue;
    if (!needle.empty() && e->message.find(needle) == std::string_view::npos) continue;
    best = e;  // events are oldest first: keep the newest
  }
  return best;
}

}  // namespace kora
