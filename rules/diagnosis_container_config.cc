// Diagnosis: pods that cannot start because a ConfigMap, Secret or key they
// read is missing (CreateContainerConfigError for env, FailedMount for
// volumes), traced to the field that refers to it and the absent object.
#include <re2/re2.h>
#include <fmt/format.h>


#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

struct Missing {
  std::string kind;  // ConfigMap or Secret
  std::string name;
  std::string key;   // empty: the object itself is missing
  std::string text;  // the message that said so
  const EventRecord* event = nullptr;
};

// Reads the kubelet's words: `configmap "x" not found`, `secret "x" not found`,
// `couldn't find key k in ConfigMap ns/x`, `MountVolume.SetUp failed for volume "v" : secret "x" not found`.
bool ParseMissing(std::string_view message, Missing& out) {
  // RE2 on input: linear, no recursion.
  static const RE2 kObject(R"re((?i)(configmap|secret)s? "([^"]+)" not found)re");
  static const RE2 kKey(R"(couldn't find key ([^ ]+) in (ConfigMap|Secret) [^/ ]+/([^ ,]+))");
  std::string m(message.substr(0, 4096));
  std::string a, b, c;
  if (RE2::PartialMatch(m, kKey, &a, &b, &c)) {
    out.kind = b;
    out.key = a;
    out.name = c;
    out.text = m;
    return true;
  }
  if (RE2::PartialMatch(m, kObject, &a, &b)) {
    out.kind = (a[0] == 'c' || a[0] == 'C') ? "ConfigMap" : "Secret";
    out.name = b;
    out.text = m;
    return true;
  }
  return false;
}

class ContainerConfigError : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "container-config-error",
        .title = "Pods cannot start: a ConfigMap, Secret or key they read is missing",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: containers waiting in CreateContainerConfigError, or pods stuck in "
                "ContainerCreating with FailedMount events, because a ConfigMap or Secret (or one of its keys) "
                "they reference through env, envFrom or a volume does not exist. kora reads the kubelet's message, "
                "finds the referencing field in the workload's template and the object (or key) that is absent, "
                "and rules out the other causes.",
        .fix = "Create the missing ConfigMap/Secret or key in the pod's namespace, or correct the reference (or mark "
               "it optional: true); the kubelet retries on its own.",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    struct Item {
      const ContainerProblem* problem = nullptr;
      const Object* pod = nullptr;
      Missing missing;
    };
    std::vector<ContainerProblem> all = ContainerProblems(ctx);
    std::vector<Item> items;
    std::set<std::string> pods_seen;
    for (const ContainerProblem& p : all) {
      if (p.reason != "CreateContainerConfigError" && p.reason != "CreateContainerError") continue;
      Item it{&p, p.pod, {}};
      if (!ParseMissing(p.message, it.missing)) {
        for (const EventRecord* e : PodEvents(ctx, *p.pod)) {
          Missing m;
          if ((e->reason == "Failed" || e->reason == "FailedMount") && ParseMissing(e->message, m)) {
            m.event = e;
            it.missing = m;
          }
        }
      }
      if (it.missing.name.empty()) continue;
      pods_seen.insert(p.pod->Ref());
      items.push_back(it);
    }
    // Volumes: the pod never gets to create containers, only FailedMount events say why.
    std::vector<ContainerProblem> mount_problems;
    mount_problems.reserve(ctx.objects().OfKind("Pod").size());
    for (ObjectId id : ctx.objects().OfKind("Pod")) {
      const Object& pod = ctx.objects()[id];
      if (!pod.live() || pods_seen.count(pod.Ref())) continue;
      // Only a pod still waiting for its volumes: a FailedMount that a later
      // mount fixed is history (the pod runs).
      std::string_view phase = pod.Status()["phase"].Str();
      bool started = false;
      for (Node cs : pod.Status()["containerStatuses"].Items()) {
        started |= cs["state"]["running"] || cs["state"]["terminated"] || cs["lastState"]["terminated"];
      }
      if ((!phase.empty() && phase != "Pending") || started) continue;
      for (const EventRecord* e : PodEvents(ctx, pod)) {
        Missing m;
        if (e->reason == "FailedMount" && ParseMissing(e->message, m)) {
          m.event = e;
          ContainerProblem p;
          p.pod = &pod;
          p.reason = "FailedMount";
          p.state = "waiting";
          p.message = std::string(e->message);
          p.path = "status";
          p.status = pod.Status();
          mount_problems.push_back(std::move(p));
          items.push_back(Item{nullptr, &pod, m});
          pods_seen.insert(pod.Ref());
          break;
        }
      }
    }
    size_t next_mount = 0;
    for (Item& it : items) {
      if (!it.problem) it.problem = &mount_problems[next_mount++];
    }
    std::vector<const ContainerProblem*> problems;
    std::map<const ContainerProblem*, const Item*> by_problem;
    for (const Item& it : items) {
      problems.push_back(it.problem);
      by_problem[it.problem] = &it;
    }
    auto groups = GroupProblems(ctx, problems, [&](const ContainerProblem& p) {
      const Missing& m = by_problem.at(&p)->missing;
      return m.kind + "/" + m.name + "/" + m.key;
    });
    for (const ProblemGroup& g : groups) Emit(ctx, out, g, *by_problem.at(g.problems.front()));
  }

 private:
  template <typename ItemT>
  void Emit(const Context& ctx, Reporter& out, const ProblemGroup& g, const ItemT& it) const {
    const ContainerProblem& p = *it.problem;
    const Missing& m = it.missing;
    const Object& workload = *g.workload;
    std::string ns(p.pod->ns);
    // The reference in the authored template (or the pod) that names the missing piece.
    ContainerSpec spec = SpecOf(ctx, p);
    const Object* owner = spec.owner;
    if (!owner) {
      for (ObjectId id : ctx.objects().SameIdentity(workload.id)) {
        if (!ctx.objects()[id].live() && ctx.graph().TemplateOf(id)) owner = &ctx.objects()[id];
      }
      if (!owner && ctx.graph().TemplateOf(workload.id)) owner = &workload;
      if (!owner && ctx.graph().TemplateOf(p.pod->id)) owner = p.pod;
    }
    const Reference* ref = nullptr;
    if (owner) {
      EdgeKind kind = m.kind == "ConfigMap" ? EdgeKind::kConfigMap : EdgeKind::kSecret;
      for (const Reference* r : ctx.graph().References(owner->id, kind)) {
        if (ctx.graph().vertex(r->to).name != m.name) continue;
        if (!m.key.empty() && r->key != m.key) continue;
        if (!ref || (!p.container.empty() && r->container == p.container)) ref = r;
      }
    }
    const Object* target = ctx.objects().Find(m.kind, ns, m.name);
    std::string what = m.key.empty() ? fmt::format("{} {}", m.kind, Quote(m.name))
                                     : fmt::format("key {} of {} {}", Quote(m.key), m.kind, Quote(m.name));
    std::string lower = KubectlKind(m.kind);
    std::string cause = m.key.empty() ? lower + "-missing" : lower + "-key-missing";
    std::string who = p.reason == "FailedMount" ? std::string("the pod's volumes") : ContainerName(p);
    std::string message = fmt::format("{}: {} of {} cannot start: {} {} in namespace {}", workload.Ref(), who,
                                      p.pod->Ref(), what,
                                      m.key.empty() ? "does not exist" : "does not exist (the object exists)",
                                      Quote(ns));
    Finding* fp = nullptr;
    if (ref) {
      fp = &out.ReportAt(ctx.objects()[ref->from], ref->at, message);
    } else {
      fp = &out.Report(*p.pod, p.status, p.path, message);
    }
    Finding& f = *fp;
    if (out.Discarded(f)) return;
    f.cause = cause;
    f.container = p.container.empty() && ref ? ref->container : p.container;
    f.symptom = p.reason == "FailedMount"
                    ? fmt::format("{} stays in ContainerCreating: MountVolume.SetUp failed", p.pod->Ref())
                    : fmt::format("{} of {} waits in {}", who, p.pod->Ref(), p.reason);
    DiagnosisBuilder b(ctx, f);
    b.WorkloadStep(workload);
    ChainStep& s = b.Step(*p.pod, p.status, p.path,
                          p.reason == "FailedMount"
                              ? fmt::format("the volumes of {} cannot be mounted (FailedMount), so it stays in "
                                            "ContainerCreating{}",
                                            p.pod->Ref(),
                                            g.problems.size() > 1
                                                ? fmt::format(" (and {} more pods)", g.problems.size() - 1)
                                                : "")
                              : fmt::format("{} of {} is waiting: {}{}", who, p.pod->Ref(), p.reason,
                                            g.problems.size() > 1
                                                ? fmt::format(" (and {} more pods)", g.problems.size() - 1)
                                                : ""));
    if (!p.message.empty()) s.evidence.push_back("message: " + p.message);
    if (m.event) b.StepEvent(*m.event, "the kubelet says " + what + " was not found");
    if (ref) {
      ChainStep step;
      step.loc = ref->at;
      step.message = fmt::format("{} reads {} ({})", ref->container.empty() ? std::string("the pod") : "container " + Quote(ref->container),
                                 what, ref->field);
      f.chain.push_back(std::move(step));
    }
    if (!target) {
      b.StepMissing(fmt::format("{}/{}/{}", m.kind, ns, m.name),
                    fmt::format("{} {} is not in namespace {}", m.kind, Quote(m.name), Quote(ns)));
    } else {
      std::string keys;
      Node root = target->Root();
      for (const char* field : {"data", "stringData", "binaryData"}) {
        for (auto [k, v] : root[field].Entries()) keys += (keys.empty() ? "" : ", ") + std::string(k.Str());
      }
      b.Step(*target, root["data"] ? root["data"] : Node(), "data",
             fmt::format("{} exists, without key {} (keys: {})", target->Ref(), Quote(m.key), keys.empty() ? "none" : keys));
    }
    b.Hypothesis("the " + lower + " does not exist", m.key.empty(),
                 m.key.empty() ? "the kubelet reports it not found" + std::string(target ? "" : " and it is not in the input")
                               : target ? target->Ref() + " is in the input" : "the kubelet reports a missing key, so the object exists");
    b.Hypothesis("a key is missing from it", !m.key.empty(),
                 m.key.empty() ? "the whole object is missing" : "couldn't find key " + m.key);
    b.Hypothesis("the reference could be optional", false,
                 ref ? (ref->optional ? "it is optional" : "the reference is not marked optional: true")
                     : "the reference is not in the input");
    b.Affects(g.problems);
    if (m.key.empty()) {
      f.fix = m.kind == "ConfigMap"
                  ? fmt::format("kubectl create configmap {} --from-literal=<key>=<value> -n {}", m.name, ns)
                  : fmt::format("kubectl create secret generic {} --from-literal=<key>=<value> -n {}", m.name, ns);
    } else {
      f.fix = m.kind == "ConfigMap"
                  ? fmt::format("kubectl patch configmap {} -n {} --type=merge -p '{{\"data\":{{\"{}\":\"<value>\"}}}}'",
                                m.name, ns, m.key)
                  : fmt::format("kubectl patch secret {} -n {} --type=merge -p '{{\"stringData\":{{\"{}\":\"<value>\"}}}}'",
                                m.name, ns, m.key);
    }
    if (ref) f.fix += "\nor correct the reference at " + ref->at.path;
    f.verify = fmt::format("kubectl get pods -n {} -w (the kubelet retries; the pod starts without a restart)", ns);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeContainerConfigError() { return std::make_unique<ContainerConfigError>(); }

}  // namespace kora
