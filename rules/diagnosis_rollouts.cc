// Diagnoses for Argo Rollouts: Rollouts that are Degraded, aborted or paused,
// and AnalysisRuns that failed, down to the failing metric.
#include <fmt/format.h>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

// The failing metric results of an AnalysisRun, in words.
struct MetricFailure {
  std::string name;
  std::string phase;
  std::string detail;
  Node result;
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
    if (last["value"]) parts.push_back("last value " + std::string(last["value"].Str()));
    if (!r["message"].Str().empty()) parts.push_back(std::string(r["message"].Str()));
    else if (!last["message"].Str().empty()) parts.push_back(std::string(last["message"].Str()));
    if (spec["successCondition"]) parts.push_back("successCondition: " + std::string(spec["successCondition"].Str()));
    if (spec["failureCondition"]) parts.push_back("failureCondition: " + std::string(spec["failureCondition"].Str()));
    parts.push_back(fmt::format("failed {} of {} measurement(s), failureLimit {}", r["failed"].Str().empty() ? "0" : r["failed"].Str(),
                                r["count"].Str().empty() ? "?" : r["count"].Str(),
                                spec["failureLimit"].Str().empty() ? "0" : spec["failureLimit"].Str()));
    if (r["error"].Int().value_or(0) > 0) parts.push_back(fmt::format("{} error(s)", r["error"].Str()));
    Node provider = spec["provider"];
    for (auto [k, v] : provider.Entries()) {
      std::string desc = "provider " + std::string(k.Str());
      if (v["address"]) desc += " " + std::string(v["address"].Str());
      if (v["url"]) desc += " " + std::string(v["url"].Str());
      if (v["query"]) desc += " query " + std::string(v["query"].Str().substr(0, 160));
      parts.push_back(desc);
    }
    for (size_t i = 0; i < parts.size(); ++i) m.detail += (i ? "; " : "") + parts[i];
    out.push_back(std::move(m));
  }
  return out;
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
      ObjectId root = ctx.graph().Root(id);
      if (root != id && ctx.objects()[root].kind == "Rollout" && ctx.objects()[root].live()) continue;
      auto metrics = FailingMetrics(run);
      std::string names;
      for (const auto& m : metrics) names += (names.empty() ? "" : ", ") + m.name + " (" + m.phase + ")";
      bool error = phase == "Error" || (!metrics.empty() && metrics.front().phase == "Error");
      std::string text = fmt::format("{} {}: {}", run.Ref(), phase == "Error" ? "errored" : "failed",
                                     run.Status()["message"].Str().empty() ? "metric " + names
                                                                           : std::string(run.Status()["message"].Str()));
      Node at = metrics.empty() ? run.Status()["phase"] : metrics.front().result;
      Finding& f = out.Report(run, at, metrics.empty() ? "status.phase" : "status.metricResults[" + metrics.front().name + "]", text);
      if (out.Discarded(f)) continue;
      f.cause = error ? "metric-error" : "metric-failed";
      f.symptom = fmt::format("{} is {}", run.Ref(), phase);
      DiagnosisBuilder b(ctx, f);
      const Object* owner = ctx.graph().Root(id) != id ? &ctx.objects()[ctx.graph().Root(id)] : nullptr;
      if (owner) b.WorkloadStep(*owner);
      b.Step(run, run.Status()["phase"], "status.phase", fmt::format("{} phase {}", run.Ref(), phase));
      for (const auto& m : metrics) b.Step(run, m.result, "status.metricResults[" + m.name + "]", "metric " + m.name + " " + m.phase + ": " + m.detail);
      b.Hypothesis("the new version regressed (the metric measured a bad value)", !error,
                   error ? "the metric errored: no value was measured" : names);
      b.Hypothesis("the metric provider is broken or unreachable", error,
                   error ? (metrics.empty() ? std::string(run.Status()["message"].Str()) : metrics.front().detail)
                         : "measurements completed");
      f.fix = error ? "Fix the metric's provider in its AnalysisTemplate (address, query, auth); the measurement itself "
                      "errored, so the result says nothing about the new version."
                    : "Investigate the new version against metric " + (metrics.empty() ? std::string("?") : metrics.front().name) +
                          "; if the condition is wrong, correct successCondition/failureLimit in the AnalysisTemplate.";
      if (owner) f.fix += fmt::format("\nThen: kubectl argo rollouts retry rollout {} -n {}", owner->name, owner->ns);
      f.verify = fmt::format("kubectl argo rollouts get rollout {} -n {} --watch", owner ? owner->name : run.name, run.ns);
    }
  }
};

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
  void Check(const Context& ctx, Reporter& out) const override {
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
      // AnalysisRuns this Rollout owns that failed.
      const Object* failed_run = nullptr;
      for (const Reference* r : ctx.graph().Referrers(id, EdgeKind::kOwner)) {
        const Object& o = ctx.objects()[r->from];
        if (o.kind == "AnalysisRun" && (o.Status()["phase"].Str() == "Failed" || o.Status()["phase"].Str() == "Error")) failed_run = &o;
      }
      // A canary (or preview) Service with no ready endpoints: traffic shifted
      // to it fails, and so does any analysis of that traffic.
      const Object* empty_svc = nullptr;
      const Object* empty_ep = nullptr;
      const Reference* empty_ref = nullptr;
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kRolloutService)) {
        const Object* svc = ctx.graph().Target(*r);
        if (!svc || (r->field != "canaryService" && r->field != "previewService")) continue;
        const Object* ep = ctx.objects().Find("Endpoints", svc->ns, svc->name);
        if (!ep) continue;
        size_t ready = 0;
        for (Node subset : ep->Root()["subsets"].Items()) ready += subset["addresses"].Size();
        if (ready == 0) {
          empty_svc = svc;
          empty_ep = ep;
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
        if (!sel.Without([](std::string_view k) { return k == "rollouts-pod-template-hash"; }).Matches(tmpl->Labels())) {
          selector_note = fmt::format(" (its selector {} matches none of the Rollout's pods, labelled {})", sel.ToString(),
                                      LabelSelector::FromMap(tmpl->Labels()).ToString());
        }
      }
      if (invalid) {
        cause = "invalid-spec";
        text = fmt::format("{} is InvalidSpec: {}", ro.Ref(), invalid["message"].Str());
        fix = "Fix the spec as the message says (a missing Service, Ingress or AnalysisTemplate: create it or correct "
              "the name).";
      } else if (empty_svc && (is_aborted || deadline || (h.applies && h.health == Health::kDegraded))) {
        cause = "canary-no-endpoints";
        text = fmt::format("{} {}: its {} {} has no ready endpoints{}, so the traffic shifted to it fails{}", ro.Ref(),
                           is_aborted ? "was aborted" : "is Degraded", empty_ref->field, empty_svc->Ref(), selector_note,
                           failed_run ? " and the analysis of that traffic fails (" + failed_run->Ref() + ")" : "");
        fix = selector_note.empty()
                  ? fmt::format("Make the {} select the canary pods, then kubectl argo rollouts retry rollout {} -n {}",
                                empty_ref->field, ro.name, ns)
                  : fmt::format("Set spec.selector of {} to the Rollout's pod labels ({}); the controller adds "
                                "rollouts-pod-template-hash itself. Then: kubectl argo rollouts retry rollout {} -n {}",
                                empty_svc->Ref(), LabelSelector::FromMap(tmpl->Labels()).ToString(), ro.name, ns);
      } else if (is_aborted && failed_run) {
        cause = "analysis-failed";
        auto metrics = FailingMetrics(*failed_run);
        text = fmt::format("{} was aborted: {} {}{}", ro.Ref(), failed_run->Ref(), failed_run->Status()["phase"].Str(),
                           metrics.empty() ? "" : " on metric " + metrics.front().name + " (" + metrics.front().detail + ")");
        fix = fmt::format("See the analysis-run-failed diagnosis for {}; after fixing, kubectl argo rollouts retry rollout {} -n {}",
                          failed_run->name, ro.name, ns);
      } else if (is_aborted) {
        cause = "aborted";
        text = fmt::format("{} was aborted: {}", ro.Ref(), aborted ? std::string(aborted["message"].Str()) : "status.abort is true");
        fix = fmt::format("kubectl argo rollouts retry rollout {} -n {} once the cause is fixed", ro.name, ns);
      } else if (deadline || (h.applies && h.health == Health::kDegraded)) {
        cause = "progress-deadline";
        text = fmt::format("{} is Degraded: {}", ro.Ref(), deadline ? std::string(deadline["message"].Str()) : h.message);
        fix = "The new pods never became available: see the pod diagnoses (image pull, crash loop, config) for this "
              "Rollout's ReplicaSet.";
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
        b.Step(*failed_run, failed_run->Status()["phase"], "status.phase",
               fmt::format("{} {}", failed_run->Ref(), failed_run->Status()["phase"].Str()));
        for (const auto& m : FailingMetrics(*failed_run)) {
          b.Step(*failed_run, m.result, "status.metricResults[" + m.name + "]", "metric " + m.name + " " + m.phase + ": " + m.detail);
        }
      }
      if (empty_svc) {
        b.Step(*empty_ep, empty_ep->Root()["subsets"] ? empty_ep->Root()["subsets"] : Node(), "subsets",
               fmt::format("{} lists no ready address for the {}", empty_ep->Ref(), empty_ref->field));
        if (!selector_note.empty()) {
          b.Step(*empty_svc, empty_svc->Spec()["selector"], "spec.selector",
                 fmt::format("{}{}", empty_svc->Ref(), selector_note));
        }
      }
      // The pods behind a Rollout that never became available.
      if (cause == "progress-deadline" || cause == "aborted" || cause == "canary-no-endpoints") {
        std::vector<ContainerProblem> problems = ContainerProblems(ctx);
        size_t shown = 0;
        for (const ContainerProblem& p : problems) {
          if (WorkloadOf(ctx, *p.pod).id != id || shown++ >= 3) continue;
          b.Step(*p.pod, p.status, p.path,
                 fmt::format("{} of {}: {}{}", ContainerName(p), p.pod->Ref(), p.reason,
                             p.message.empty() ? "" : " (" + p.message + ")"));
          f.affected.push_back(p.pod->Ref());
        }
        if (shown > 0) f.fix += "\nThe pods' own diagnosis names their cause (image pull, crash loop, configuration).";
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
                   empty_svc ? empty_svc->Ref() + " has none" + selector_note : "no canary Endpoints without addresses in the input");
      b.Hypothesis("the new pods never became available", cause == "progress-deadline",
                   deadline ? std::string(deadline["message"].Str()) : "no ProgressDeadlineExceeded");
      b.Hypothesis("the rollout waits for a manual promotion", cause == "paused",
                   paused ? "pauseConditions present" : "not paused");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAnalysisRunFailed() { return std::make_unique<AnalysisRunFailed>(); }
std::unique_ptr<Rule> MakeRolloutDegraded() { return std::make_unique<RolloutDegraded>(); }

}  // namespace kora
