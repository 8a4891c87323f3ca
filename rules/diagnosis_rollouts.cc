// Diagnoses for Argo Rollouts: Rollouts that are Degraded, aborted or paused,
// and AnalysisRuns that failed, down to the failing metric.
#include <re2/re2.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

// The failing metric results of an AnalysisRun, in words.
struct MetricFailure {
  std::string name;
  std::string phase;
  std::string measured;   // "last value [0.087]", or the provider's error
  std::string condition;  // "successCondition: result[0] < 0.01"
  std::string counts;     // "failed 3 of 3 measurement(s), failureLimit 2"
  std::string detail;     // all of it, with the provider
  std::string provider;   // "prometheus"
  std::string address;    // its address or URL
  Node result;
  // What the fix repeats: the measurement against its condition and limits.
  std::string Summary() const {
    std::string out = measured;
    for (const std::string* p : {&condition, &counts}) {
      if (!p->empty()) out += (out.empty() ? "" : "; ") + *p;
    }
    return out;
  }
};

std::vector<MetricFailure> FailingMetrics(const Object& run) {
  std::vector<MetricFailure> out;
  for (Node r : run.Status()["metricResults"].Items()) {
    std::string_view phase = r["phase"].Str();
    if (phase != "Failed" && phase != "Error" && phase != "Inconclusive") continue;
    MetricFailure m;
    m.name = std::string(r["name"].Str());
    m.phase = std::string(phase);
    m.result = r;
    Node spec;
    for (Node s : run.Spec()["metrics"].Items()) {
      if (s["name"].Str() == r["name"].Str()) spec = s;
    }
    Node last = r["measurements"].At(r["measurements"].Size() ? r["measurements"].Size() - 1 : 0);
    std::vector<std::string> parts;
    if (last["value"]) m.measured = "last value " + std::string(last["value"].Str());
    std::string_view said = !r["message"].Str().empty() ? r["message"].Str() : last["message"].Str();
    if (!said.empty()) m.measured += (m.measured.empty() ? "" : "; ") + std::string(said);
    if (!m.measured.empty()) parts.push_back(m.measured);
    if (spec["successCondition"]) m.condition = "successCondition: " + std::string(spec["successCondition"].Str());
    if (spec["failureCondition"]) {
      m.condition += (m.condition.empty() ? "" : "; ") + ("failureCondition: " + std::string(spec["failureCondition"].Str()));
    }
    if (!m.condition.empty()) parts.push_back(m.condition);
    m.counts = fmt::format("failed {} of {} measurement(s), failureLimit {}", r["failed"].Str().empty() ? "0" : r["failed"].Str(),
                           r["count"].Str().empty() ? "?" : r["count"].Str(),
                           spec["failureLimit"].Str().empty() ? "0" : spec["failureLimit"].Str());
    if (r["error"].Int().value_or(0) > 0) m.counts += fmt::format("; {} error(s)", r["error"].Str());
    parts.push_back(m.counts);
    Node provider = spec["provider"];
    for (auto [k, v] : provider.Entries()) {
      std::string desc = "provider " + std::string(k.Str());
      if (v["address"]) desc += " " + std::string(v["address"].Str());
      if (v["url"]) desc += " " + std::string(v["url"].Str());
      m.provider = std::string(k.Str());
      m.address = std::string(v["address"] ? v["address"].Str() : v["url"].Str());
      if (v["query"]) desc += " query " + std::string(v["query"].Str().substr(0, 160));
      parts.push_back(desc);
    }
    for (size_t i = 0; i < parts.size(); ++i) m.detail += (i ? "; " : "") + parts[i];
    out.push_back(std::move(m));
  }
  return out;
}

// The Rollout an AnalysisRun belongs to, by name: its owner in the input;
// else the Rollout (or the Experiment's Rollout) its ownerReferences name;
// else the name the run was given (<rollout>-<pod-template-hash>-<revision>).
struct RunOwner {
  std::string name;               // "" when nothing says
  const Object* rollout = nullptr;  // when it is in the input
};

// The name of the Rollout an AnalysisRun belongs to, "" when nothing says.
std::string OwnerNameOfRun(const Context& ctx, const Object& run) {
  ObjectId root = ctx.graph().Root(run.id);
  if (root != run.id && ctx.objects()[root].kind == "Rollout") return std::string(ctx.objects()[root].name);
  for (Node ref : run.Metadata()["ownerReferences"].Items()) {
    if (ref["kind"].Str() == "Rollout") return std::string(ref["name"].Str());
    if (ref["kind"].Str() == "Experiment") {
      if (const Object* ex = ctx.objects().Find("Experiment", run.ns, ref["name"].Str())) {
        for (Node up : ex->Metadata()["ownerReferences"].Items()) {
          if (up["kind"].Str() == "Rollout") return std::string(up["name"].Str());
        }
      }
    }
  }
  // The controller names its runs <rollout>-<pod-template-hash>-<revision>[-<step>...],
  // and labels them with the hash.
  std::string name(run.name.substr(0, 300));
  std::string_view hash = run.Label("rollouts-pod-template-hash");
  if (!hash.empty()) {
    auto at = name.find("-" + std::string(hash) + "-");
    if (at != std::string::npos && at > 0) return name.substr(0, at);
  }
  static const RE2 kRunName(R"((.+)-[a-z0-9]{6,10}-[0-9]+(?:-.+)?)");
  std::string rollout;
  if (RE2::FullMatch(name, kRunName, &rollout)) return rollout;
  return {};
}

RunOwner OwnerOfRun(const Context& ctx, const Object& run) {
  RunOwner o;
  o.name = OwnerNameOfRun(ctx, run);
  if (o.name.empty()) return o;
  // The live copy carries the status, and only a live Rollout explains its runs.
  const Object* found = ctx.objects().Find("Rollout", run.ns, o.name);
  if (!found) return o;
  for (ObjectId id : ctx.objects().SameIdentity(found->id)) {
    const Object& r = ctx.objects()[id];
    if (r.group == "argoproj.io" && (!o.rollout || r.live())) o.rollout = &r;
  }
  return o;
}

// The failed (or errored) AnalysisRuns by namespace and the name of their
// Rollout, worked out once for all Rollouts.
using FailedRuns = std::map<std::pair<std::string_view, std::string>, std::vector<const Object*>>;

FailedRuns FailedRunsByRollout(const Context& ctx) {
  FailedRuns out;
  for (ObjectId id : ctx.objects().OfKind("AnalysisRun")) {
    const Object& run = ctx.objects()[id];
    std::string_view phase = run.Status()["phase"].Str();
    if (run.group != "argoproj.io" || !run.live() || (phase != "Failed" && phase != "Error")) continue;
    std::string owner = OwnerNameOfRun(ctx, run);
    if (!owner.empty()) out[{run.ns, owner}].push_back(&run);
  }
  return out;
}

// The run that decides a Rollout's state: of its failed runs, the one of
// the current pod template hash, else the newest.
const Object* FailedRunOf(const FailedRuns& runs, const Object& ro) {
  auto it = runs.find({ro.ns, std::string(ro.name)});
  if (it == runs.end()) return nullptr;
  std::string_view hash = ro.Status()["currentPodHash"].Str();
  const Object* best = nullptr;
  bool best_current = false;
  for (const Object* run : it->second) {
    bool current = !hash.empty() && run->Label("rollouts-pod-template-hash") == hash;
    if (!best || (current && !best_current) ||
        (current == best_current &&
         run->Metadata()["creationTimestamp"].Str() >= best->Metadata()["creationTimestamp"].Str())) {
      best = run;
      best_current = current;
    }
  }
  return best;
}

// The AnalysisTemplate that defines a metric: of the templates the Rollout
// names, the one in the input with that metric, else the only one named.
std::string TemplateOfMetric(const Context& ctx, const Object* rollout, const std::string& metric) {
  if (!rollout) return {};
  std::vector<std::string> names;
  for (ObjectId same : ctx.objects().SameIdentity(rollout->id)) {
    for (const Reference* r : ctx.graph().References(same, EdgeKind::kAnalysisTemplate)) {
      std::string n = ctx.graph().vertex(r->to).name;
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      if (const Object* t = ctx.graph().Target(*r)) {
        for (Node m : t->Spec()["metrics"].Items()) {
          if (m["name"].Str() == metric) return n;
        }
      }
    }
  }
  return names.size() == 1 ? names.front() : std::string();
}

// A run that ended before measuring anything: what its message says went
// wrong in setting it up.
struct RunSetupProblem {
  std::string hypothesis;  // "" when the message names nothing known
  std::string fix;
};

RunSetupProblem SetupProblem(const Object& run) {
  std::string message(run.Status()["message"].Str().substr(0, 1000));
  static const RE2 kArg(R"(\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\})");
  std::string arg;
  if (message.find("resolve") != std::string::npos && RE2::PartialMatch(message, kArg, &arg)) {
    return {"an argument of the AnalysisTemplate has no value",
            fmt::format("give argument {} a value in the Rollout's analysis (spec.strategy.canary.analysis.args: "
                        "- name: {}, value or valueFrom), or a default in the AnalysisTemplate's spec.args.",
                        Quote(arg), arg)};
  }
  if (message.find("not found") != std::string::npos &&
      (message.find("AnalysisTemplate") != std::string::npos || message.find("analysistemplate") != std::string::npos)) {
    return {"the AnalysisTemplate it names does not exist",
            "create the AnalysisTemplate the message names in namespace " + Quote(run.ns) +
                " (or a ClusterAnalysisTemplate), or correct templateName in the Rollout."};
  }
  if (message.find("secret") != std::string::npos || message.find("Secret") != std::string::npos) {
    return {"a Secret the provider needs is missing or lacks a key",
            "create the Secret (or the key) the message names in namespace " + Quote(run.ns) + "."};
  }
  return {};
}

// What to change for a failed or errored run, from its metrics.
std::string AnalysisFix(const Object& run, const std::vector<MetricFailure>& metrics, const std::string& tmpl) {
  std::string phase(run.Status()["phase"].Str());
  std::string where = tmpl.empty() ? std::string("its AnalysisTemplate") : "AnalysisTemplate " + Quote(tmpl);
  if (metrics.empty()) {
    std::string message(run.Status()["message"].Str());
    RunSetupProblem setup = SetupProblem(run);
    if (!setup.fix.empty()) {
      return fmt::format("{} ended {} before any metric result was recorded ({}): {}", run.Ref(), phase, message,
                         setup.fix);
    }
    return fmt::format("{} ended {} before any metric result was recorded{}: fix what the message names (an "
                       "argument the template needs, the provider's configuration in {}, the analysis Job's pod).",
                       run.Ref(), phase, message.empty() ? "" : " (" + message + ")", where);
  }
  const MetricFailure& m = metrics.front();
  if (m.phase == "Error" || phase == "Error") {
    // What the provider's error says about where the fault is.
    std::string_view e = m.measured;
    std::string at = m.address.empty() ? std::string("its address") : m.address;
    std::string what =
        e.find("no such host") != std::string_view::npos
            ? fmt::format("the {} address {} does not resolve: correct provider.{}.address in {}", m.provider, at,
                          m.provider, where)
        : e.find("connection refused") != std::string_view::npos
            ? fmt::format("nothing listens at {}: correct provider.{}.address in {}, or start the {} server",
                          at, m.provider, where, m.provider)
        : e.find("401") != std::string_view::npos || e.find("403") != std::string_view::npos ||
                e.find("nauthorized") != std::string_view::npos || e.find("orbidden") != std::string_view::npos
            ? fmt::format("{} refused the query's credentials: fix the authentication of provider.{} in {}", at,
                          m.provider, where)
        : e.find("parse error") != std::string_view::npos || e.find("bad_data") != std::string_view::npos
            ? fmt::format("the query is invalid: correct provider.{}.query in {}", m.provider, where)
            : fmt::format("fix its provider in {} (address, query, credentials)", where);
    return fmt::format("Metric {} of {} could not be measured ({}): {}. The run says nothing about the new "
                       "version.",
                       Quote(m.name), run.Ref(), m.measured.empty() ? m.Summary() : m.measured, what);
  }
  return fmt::format("Metric {} of {} failed: {}. If the new version regressed, fix it and roll out a new "
                     "version; if the measurement is right but the condition is wrong, correct successCondition / "
                     "failureLimit of {} in {}.",
                     Quote(m.name), run.Ref(), m.Summary(), Quote(m.name), where);
}

class AnalysisRunFailed : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "analysis-run-failed",
        .title = "Argo Rollouts AnalysisRun failed",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: an AnalysisRun in phase Failed or Error. kora names the metric that failed, "
                "its last measured value against the success/failure condition and failureLimit, and the provider "
                "(Prometheus query and address, web URL, Job) — so a real regression can be told from a broken query "
                "or an unreachable metrics server (phase Error). The Rollout that owns it aborts and scales the "
                "canary down.",
        .fix = "If the metric shows a real regression, fix the new version; if it errored, fix the provider "
               "(address, query, credentials) in the AnalysisTemplate; then retry (kubectl argo rollouts retry "
               "rollout <name>).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("AnalysisRun")) {
      const Object& run = ctx.objects()[id];
      if (run.group != "argoproj.io" || !run.live()) continue;
      std::string_view phase = run.Status()["phase"].Str();
      if (phase != "Failed" && phase != "Error") continue;
      // A run owned by a live Rollout in the input is explained in that
      // Rollout's diagnosis, with its metric: one root cause, one diagnosis.
      RunOwner owner = OwnerOfRun(ctx, run);
      if (owner.rollout && owner.rollout->live()) continue;
      auto metrics = FailingMetrics(run);
      std::string names;
      for (const auto& m : metrics) names += (names.empty() ? "" : ", ") + m.name + " (" + m.phase + ")";
      std::string_view status_message = run.Status()["message"].Str();
      bool error = phase == "Error" || (!metrics.empty() && metrics.front().phase == "Error");
      std::string text = fmt::format("{} {}: {}", run.Ref(), phase == "Error" ? "errored" : "failed",
                                     !status_message.empty() ? std::string(status_message)
                                     : metrics.empty()       ? std::string("no metric result and no message recorded")
                                                             : "metric " + names);
      Node at = metrics.empty() ? run.Status()["phase"] : metrics.front().result;
      Finding& f = out.Report(run, at, metrics.empty() ? "status.phase" : "status.metricResults[" + metrics.front().name + "]", text);
      if (out.Discarded(f)) continue;
      f.cause = error ? "metric-error" : "metric-failed";
      f.symptom = fmt::format("{} is {}", run.Ref(), phase);
      DiagnosisBuilder b(ctx, f);
      if (owner.rollout) b.WorkloadStep(*owner.rollout);
      ChainStep& ps = b.Step(run, run.Status()["phase"], "status.phase",
                             fmt::format("status.phase of {} is {}", run.Ref(), phase));
      if (!status_message.empty()) ps.evidence.push_back("status.message: " + std::string(status_message));
      for (const auto& m : metrics) b.Step(run, m.result, "status.metricResults[" + m.name + "]", "metric " + m.name + " " + m.phase + ": " + m.detail);
      if (metrics.empty()) {
        // Without results the evidence cannot tell a regression from a broken measurement.
        std::string missing = "status.metricResults is empty" +
                              (status_message.empty() ? std::string() : ": the run only says " + Quote(status_message)) +
                              (owner.name.empty()
                                   ? fmt::format(" (kubectl describe analysisrun {} -n {} shows its status)", run.name,
                                                 run.ns)
                                   : fmt::format(" (kubectl argo rollouts get rollout {} -n {} shows the run's metrics)",
                                                 owner.name, run.ns));
        RunSetupProblem setup = SetupProblem(run);
        if (!setup.hypothesis.empty()) {
          // The run broke before measuring: it says nothing about the new version.
          b.Hypothesis(setup.hypothesis, true, "status.message: " + std::string(status_message));
          b.Hypothesis("the new version regressed (the metric measured a bad value)", false,
                       "the run ended before measuring anything");
          b.Open("the metric provider is broken or unreachable",
                 "the run ended before querying it (" + std::string(status_message) + ")");
        } else {
          b.Open("the new version regressed (the metric measured a bad value)", missing);
          b.Open("the metric provider is broken or unreachable", missing);
        }
      } else {
        b.Hypothesis("the new version regressed (the metric measured a bad value)", !error,
                     error ? "the metric errored: no value was measured" : metrics.front().detail);
        b.Hypothesis("the metric provider is broken or unreachable", error,
                     error ? metrics.front().detail : "the measurements completed with values");
      }
      f.fix = AnalysisFix(run, metrics, metrics.empty() ? "" : TemplateOfMetric(ctx, owner.rollout, metrics.front().name));
      if (!owner.name.empty()) f.fix += fmt::format("\nThen: kubectl argo rollouts retry rollout {} -n {}", owner.name, run.ns);
      f.verify = owner.name.empty()
                     ? fmt::format("kubectl get analysisruns -n {} -w (the next run reaches Successful)", run.ns)
                     : fmt::format("kubectl argo rollouts get rollout {} -n {} --watch", owner.name, run.ns);
    }
  }
};

// The diagnoses that explain, at the pod level, why a workload's new pods
// never become available.
bool IsPodLevelDiagnosis(std::string_view rule) {
  return rule == "image-pull-failure" || rule == "crash-loop" || rule == "pod-unschedulable" ||
         rule == "container-config-error" || rule == "controller-create-failed" || rule == "pvc-pending";
}

// The first-pass diagnoses about the pods (or ReplicaSets, or template) of a Rollout.
std::vector<const Finding*> PodDiagnosesOf(const Context& ctx, const std::vector<Finding>& findings, const Object& ro) {
  auto of_rollout = [&](ObjectId id) {
    if (id == kNoObject) return false;
    const Object& o = ctx.objects()[id];
    const Object& w = o.kind == "Pod" ? WorkloadOf(ctx, o) : ctx.objects()[ctx.graph().Root(id)];
    return w.kind == "Rollout" && w.ns == ro.ns && w.name == ro.name;
  };
  std::vector<const Finding*> out;
  for (const Finding& f : findings) {
    if (!f.IsDiagnosis() || !IsPodLevelDiagnosis(f.rule)) continue;
    bool hit = of_rollout(f.loc.object);
    for (const ChainStep& st : f.chain) hit |= of_rollout(st.loc.object);
    // pvc-pending names the pods waiting for its claim under affected.
    for (const std::string& a : f.affected) {
      if (a.rfind("Pod/", 0) != 0) continue;
      std::string ref = a.substr(0, a.find(' '));
      auto slash = ref.find('/', 4);
      if (slash == std::string::npos) continue;
      if (const Object* pod = ctx.objects().Find("Pod", ref.substr(4, slash - 4), ref.substr(slash + 1))) {
        hit |= of_rollout(pod->id);
      }
    }
    if (hit) out.push_back(&f);
  }
  return out;
}

class RolloutDegraded : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rollout-degraded",
        .title = "Argo Rollout is Degraded, aborted or paused",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: an Argo Rollout whose phase or conditions say Degraded (InvalidSpec, "
                "RolloutAborted, ProgressDeadlineExceeded) or that is paused. kora links the state to its cause: the "
                "Service, Ingress or AnalysisTemplate the spec names but the cluster lacks (InvalidSpec), the "
                "AnalysisRun and metric that aborted it, the canary Service with no ready endpoints, or the pods "
                "that never became available. A pause at a canary step is reported as a note: it waits for a "
                "promotion.",
        .fix = "Fix the cause named in the chain, then retry or promote: kubectl argo rollouts retry rollout <name> "
               "/ kubectl argo rollouts promote <name>.",
    };
    return i;
  }
  // Reads the pod diagnoses: when they explain why the new pods never
  // became available, they are the root cause and the Rollout is their symptom.
  bool NeedsFindings() const override { return true; }
  void Check(const Context&, Reporter&) const override {}

  void CheckFindings(const Context& ctx, const std::vector<Finding>& findings, Reporter& out) const override {
    FailedRuns failed_runs = FailedRunsByRollout(ctx);
    for (ObjectId id : ctx.objects().OfKind("Rollout")) {
      const Object& ro = ctx.objects()[id];
      if (ro.group != "argoproj.io" || !ro.live()) continue;
      HealthStatus h = AssessHealth(ro);
      Node status = ro.Status();
      Node invalid, aborted, deadline;
      for (Node c : status["conditions"].Items()) {
        if (c["type"].Str() == "InvalidSpec" && c["status"].Str() == "True") invalid = c;
        if (c["reason"].Str() == "RolloutAborted") aborted = c;
        if (c["reason"].Str() == "ProgressDeadlineExceeded") deadline = c;
      }
      bool is_aborted = aborted || status["abort"].Bool() == true;
      bool paused = h.applies && h.health == Health::kSuspended;
      if (!invalid && !is_aborted && !deadline && !(h.applies && h.health == Health::kDegraded) && !paused) continue;
      std::string ns(ro.ns);
      std::string cause, text, fix;
      Severity sev = Severity::kError;
      // The AnalysisRun of this Rollout that failed: by ownerReference, else
      // by its rollouts-pod-template-hash label and name.
      const Object* failed_run = FailedRunOf(failed_runs, ro);
      // A canary (or preview) Service with no ready endpoints: traffic shifted
      // to it fails, and so does any analysis of that traffic.
      const Object* empty_svc = nullptr;
      EndpointState empty_eps;
      const Reference* empty_ref = nullptr;
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kRolloutService)) {
        const Object* svc = ctx.graph().Target(*r);
        if (!svc || (r->field != "canaryService" && r->field != "previewService")) continue;
        EndpointState eps = ServiceEndpoints(ctx, *svc);
        if (eps.known() && eps.ready == 0) {
          empty_svc = svc;
          empty_eps = eps;
          empty_ref = r;
        }
      }
      // The authored template and whether the Service selects its pods at all.
      const PodTemplate* tmpl = nullptr;
      for (ObjectId same : ctx.objects().SameIdentity(id)) {
        if (const PodTemplate* t = ctx.graph().TemplateOf(same)) tmpl = t;
      }
      std::string selector_note;
      if (empty_svc && tmpl) {
        LabelSelector sel = LabelSelector::FromMap(empty_svc->Spec()["selector"]);
        if (!sel.Without(IsControllerInjectedLabel).Matches(tmpl->Labels())) {
          selector_note = fmt::format(" (its selector {} matches none of the Rollout's pods, labelled {})", sel.ToString(),
                                      LabelSelector::FromMap(tmpl->Labels()).ToString());
        }
      }
      // The pods of the Rollout that fail, and whether their own diagnoses
      // already name the root cause.
      std::vector<const Finding*> pod_diagnoses = PodDiagnosesOf(ctx, findings, ro);
      bool degraded = deadline || (h.applies && h.health == Health::kDegraded);
      if (invalid) {
        cause = "invalid-spec";
        text = fmt::format("{} is InvalidSpec: {}", ro.Ref(), invalid["message"].Str());
        fix = "Fix the spec as the message says (a missing Service, Ingress or AnalysisTemplate: create it or correct "
              "the name).";
      } else if (empty_svc && (is_aborted || degraded)) {
        // Pods that crash or cannot start leave the canary Service empty: their
        // own diagnosis is the root cause, unless the selector misses them.
        if (selector_note.empty() && !pod_diagnoses.empty()) continue;
        cause = "canary-no-endpoints";
        text = fmt::format("{} {}: its {} {} has no ready endpoints{}, so the traffic shifted to it fails{}", ro.Ref(),
                           is_aborted ? "was aborted" : "is Degraded", empty_ref->field, empty_svc->Ref(), selector_note,
                           failed_run ? " and the analysis of that traffic fails (" + failed_run->Ref() + ")" : "");
        std::string proposed = tmpl ? ProposedSelector(empty_svc->Spec()["selector"], tmpl->Labels()) : std::string();
        fix = selector_note.empty() || proposed.empty()
                  ? fmt::format("Make the {} select the canary pods, then kubectl argo rollouts retry rollout {} -n {}",
                                empty_ref->field, ro.name, ns)
                  : fmt::format("Set spec.selector of {} to the Rollout's pod labels ({}); the controller adds "
                                "rollouts-pod-template-hash itself. Then: kubectl argo rollouts retry rollout {} -n {}",
                                empty_svc->Ref(), proposed, ro.name, ns);
      } else if (is_aborted && failed_run) {
        cause = "analysis-failed";
        auto metrics = FailingMetrics(*failed_run);
        std::string_view run_message = failed_run->Status()["message"].Str();
        text = fmt::format("{} was aborted: {} {}{}", ro.Ref(), failed_run->Ref(), failed_run->Status()["phase"].Str(),
                           !metrics.empty() ? " on metric " + metrics.front().name + " (" + metrics.front().detail + ")"
                           : !run_message.empty() ? ": " + std::string(run_message)
                                                  : std::string());
        fix = AnalysisFix(*failed_run, metrics,
                          metrics.empty() ? std::string() : TemplateOfMetric(ctx, &ro, metrics.front().name)) +
              fmt::format("\nThen: kubectl argo rollouts retry rollout {} -n {}", ro.name, ns);
      } else if (is_aborted) {
        cause = "aborted";
        text = fmt::format("{} was aborted: {}", ro.Ref(), aborted ? std::string(aborted["message"].Str()) : "status.abort is true");
        fix = fmt::format("kubectl argo rollouts retry rollout {} -n {} once the cause is fixed", ro.name, ns);
      } else if (degraded) {
        // The pods' own diagnoses (image pull, crash loop, scheduling,
        // configuration) are the root cause; the Rollout is their symptom and
        // the first step of their chains.
        if (!pod_diagnoses.empty()) continue;
        cause = "progress-deadline";
        text = fmt::format("{} is Degraded: {}", ro.Ref(), deadline ? std::string(deadline["message"].Str()) : h.message);
        std::string hash(status["currentPodHash"].Str());
        fix = fmt::format("The new pods never became available, and the input does not show why: kubectl get pods -n "
                          "{} -l {} -o yaml and kubectl get events -n {} -o yaml, added to kora's input, name the "
                          "cause; after fixing it, kubectl argo rollouts retry rollout {} -n {}",
                          ns, hash.empty() ? LabelSelector::FromLabelSelector(ro.Spec()["selector"]).ToString()
                                           : "rollouts-pod-template-hash=" + hash,
                          ns, ro.name, ns);
      } else {
        cause = "paused";
        std::string reason;
        for (Node pc : status["pauseConditions"].Items()) reason = std::string(pc["reason"].Str());
        // Pauses at a step or before a blue-green promotion wait for a person;
        // an inconclusive analysis needs a decision.
        sev = reason == "CanaryPauseStep" || reason == "BlueGreenPause" || reason.empty() ? Severity::kNote
                                                                                          : Severity::kWarning;
        text = fmt::format("{} is paused{}", ro.Ref(), reason.empty() ? "" : " (" + reason + ")");
        fix = fmt::format("Promote when the canary is good: kubectl argo rollouts promote {} -n {} (or abort: kubectl "
                          "argo rollouts abort {} -n {})",
                          ro.name, ns, ro.name, ns);
      }
      Node at = invalid ? invalid : aborted ? aborted : deadline ? deadline : status["phase"] ? status["phase"] : status;
      Finding& f = cause == "canary-no-endpoints" && !selector_note.empty()
                       ? out.Report(*empty_svc, empty_svc->Spec()["selector"], "spec.selector", text)
                       : out.Report(ro, at, "status", text);
      if (out.Discarded(f)) continue;
      f.severity = std::min(f.severity, sev);
      f.cause = cause;
      f.fix = fix;
      f.verify = fmt::format("kubectl argo rollouts get rollout {} -n {} --watch", ro.name, ns);
      f.symptom = fmt::format("{} is {}", ro.Ref(), h.applies ? std::string(HealthName(h.health)) : "not healthy");
      DiagnosisBuilder b(ctx, f);
      ChainStep& s = b.Step(ro, status["phase"] ? status["phase"] : status, "status.phase",
                            status["phase"].Str().empty()
                                ? fmt::format("{} is {} by its conditions", ro.Ref(),
                                              h.applies ? std::string(HealthName(h.health)) : "unhealthy")
                                : fmt::format("{} phase {}{}", ro.Ref(), status["phase"].Str(),
                                              status["message"].Str().empty() ? "" : ": " + std::string(status["message"].Str())));
      for (Node c : status["conditions"].Items()) {
        s.evidence.push_back(fmt::format("condition {}={} ({}): {}", c["type"].Str(), c["status"].Str(), c["reason"].Str(),
                                         c["message"].Str()));
      }
      if (cause == "invalid-spec") {
        // The references the graph could not resolve are the likely subject.
        for (const Reference* r : ctx.graph().References(id)) {
          if (r->kind == EdgeKind::kOwner || IsResolved(r->resolution)) continue;
          ChainStep step;
          step.loc = r->at;
          step.message = fmt::format("{} names {} {}, which is not in the input", r->field, ctx.graph().vertex(r->to).kind,
                                     Quote(ctx.graph().vertex(r->to).name));
          f.chain.push_back(std::move(step));
        }
      }
      if (failed_run) {
        ChainStep& rs = b.Step(*failed_run, failed_run->Status()["phase"], "status.phase",
                               fmt::format("status.phase of {} is {}", failed_run->Ref(),
                                           failed_run->Status()["phase"].Str()));
        if (!failed_run->Status()["message"].Str().empty()) {
          rs.evidence.push_back("status.message: " + std::string(failed_run->Status()["message"].Str()));
        }
        for (const auto& m : FailingMetrics(*failed_run)) {
          b.Step(*failed_run, m.result, "status.metricResults[" + m.name + "]", "metric " + m.name + " " + m.phase + ": " + m.detail);
        }
      }
      if (empty_svc) {
        const Object* e = empty_eps.evidence();
        b.Step(*e, e->Root()[empty_eps.slices.empty() ? "subsets" : "endpoints"],
               empty_eps.slices.empty() ? "subsets" : "endpoints",
               fmt::format("{}, so the {} {} has no ready endpoint", empty_eps.Describe(), empty_ref->field,
                           empty_svc->Ref()));
        if (!selector_note.empty()) {
          LabelSelector sel = LabelSelector::FromMap(empty_svc->Spec()["selector"]);
          b.Step(*empty_svc, empty_svc->Spec()["selector"], "spec.selector",
                 fmt::format("spec.selector of {} is {}: it matches none of the Rollout's pods, labelled {}",
                             empty_svc->Ref(), sel.ToString(), LabelSelector::FromMap(tmpl->Labels()).ToString()));
        }
      }
      // The pods behind a Rollout that never became available.
      if (cause == "progress-deadline" || cause == "aborted" || cause == "canary-no-endpoints") {
        std::vector<ContainerProblem> problems = ContainerProblems(ctx);
        size_t shown = 0;
        for (const ContainerProblem& p : problems) {
          if (WorkloadOf(ctx, *p.pod).id != id || shown++ >= 3) continue;
          b.Step(*p.pod, p.status, p.path,
                 fmt::format("{} of {} is {}{}", ContainerName(p), p.pod->Ref(), PodStatusText(*p.pod),
                             p.message.empty() ? "" : " (" + p.message + ")"));
          b.Affects(*p.pod);
        }
      }
      for (Node pc : status["pauseConditions"].Items()) {
        if (pc["reason"].Str() != "InconclusiveAnalysisRun") continue;
        for (const Reference* r : ctx.graph().Referrers(id, EdgeKind::kOwner)) {
          const Object& o = ctx.objects()[r->from];
          if (o.kind == "AnalysisRun" && o.Status()["phase"].Str() == "Inconclusive") {
            b.Step(o, o.Status()["phase"], "status.phase",
                   o.Ref() + " is Inconclusive: the rollout waits for a decision (promote or abort)");
          }
        }
      }
      b.Hypothesis("the spec references something missing (InvalidSpec)", cause == "invalid-spec",
                   invalid ? std::string(invalid["message"].Str()) : "no InvalidSpec condition");
      b.Hypothesis("the new version regressed and its analysis failed", cause == "analysis-failed",
                   !failed_run ? "no failed AnalysisRun of this Rollout in the input"
                   : cause == "canary-no-endpoints"
                       ? failed_run->Ref() + " failed, but measured traffic that never reached a canary pod"
                       : failed_run->Ref() + " " + std::string(failed_run->Status()["phase"].Str()));
      b.Hypothesis("the canary Service has no endpoints", cause == "canary-no-endpoints",
                   empty_svc ? empty_svc->Ref() + " has none" + selector_note
                             : "no canary Service without ready endpoints in the input");
      b.Hypothesis("the new pods never became available", cause == "progress-deadline",
                   deadline ? std::string(deadline["message"].Str()) : "no ProgressDeadlineExceeded");
      if (cause == "progress-deadline") {
        b.Open("the new pods fail to pull, crash, cannot be scheduled or miss their configuration",
               "no pod of the Rollout with its own diagnosis is in the input");
      }
      b.Hypothesis("the rollout waits for a manual promotion", cause == "paused",
                   paused ? "pauseConditions present" : "not paused");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAnalysisRunFailed() { return std::make_unique<AnalysisRunFailed>(); }
std::unique_ptr<Rule> MakeRolloutDegraded() { return std::make_unique<RolloutDegraded>(); }

}  // namespace kora
