// Diagnosis: an Argo CD Application that is Degraded (or whose sync failed),
// explained through the objects it manages down to their root causes.
#include <fmt/format.h>

#include <set>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

class ApplicationDegraded : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "application-degraded",
        .title = "Argo CD Application is Degraded or failed to sync",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: an Argo CD Application whose health is Degraded (as Argo CD recorded it, "
                "or as kora computes it from the objects it manages, with Argo CD's health rules), or whose last "
                "sync operation failed. An Application is only a roll-up: kora follows it to the managed objects "
                "that are unhealthy and to the root cause of each (one finding per root cause), so the chain reads "
                "Application -> workload -> pods -> the object that broke them.",
        .fix = "Fix the root cause named in the chain; Argo CD reports the Application Healthy once its objects "
               "are (a hard refresh is not needed).",
    };
    return i;
  }
  bool NeedsFindings() const override { return true; }
  void Check(const Context&, Reporter&) const override {}

  void CheckFindings(const Context& ctx, const std::vector<Finding>& findings, Reporter& out) const override {
    const Graph& g = ctx.graph();
    for (ObjectId id : ctx.objects().OfKind("Application")) {
      const Object& app = ctx.objects()[id];
      if (app.group != "argoproj.io" || !app.live()) continue;
      HealthStatus recorded = AssessHealth(app);
      HealthStatus computed = AssessApplication(app, ctx.objects(), g);
      Node op = app.Status()["operationState"];
      bool sync_failed = op["phase"].Str() == "Failed" || op["phase"].Str() == "Error";
      bool degraded = (recorded.applies && recorded.health == Health::kDegraded) ||
                      (computed.applies && computed.health == Health::kDegraded);
      if (!degraded && !sync_failed) continue;

      // Managed objects by identity (a live copy and its manifest both count), and their roots.
      std::set<std::string> managed;
      for (const Reference* r : g.References(id, EdgeKind::kManages)) {
        const GraphVertex& v = g.vertex(r->to);
        managed.insert(v.kind + "/" + v.ns + "/" + v.name);
      }
      auto is_managed = [&](ObjectId oid) {
        const Object& o = ctx.objects()[g.Root(oid)];
        return managed.count(std::string(o.kind) + "/" + std::string(o.ns) + "/" + std::string(o.name)) > 0;
      };
      std::vector<const Finding*> causes;
      for (const Finding& f : findings) {
        if (!f.IsDiagnosis() || f.rule == info().id) continue;
        bool hit = f.loc.object != kNoObject && is_managed(f.loc.object);
        for (const ChainStep& s : f.chain) hit |= s.loc.object != kNoObject && is_managed(s.loc.object);
        if (hit) causes.push_back(&f);
      }
      std::string health_text = recorded.applies ? std::string(HealthName(recorded.health)) : "unknown";
      Node at = app.Status()["health"] ? app.Status()["health"] : app.Metadata()["name"];
      std::string at_path = app.Status()["health"] ? "status.health" : "metadata.name";
      auto app_step = [&](DiagnosisBuilder& b) {
        ChainStep& s = b.Step(app, at, at_path,
                              fmt::format("{} is {} (sync: {})", app.Ref(), health_text,
                                          app.Status()["sync"]["status"].Str().empty()
                                              ? "unknown"
                                              : std::string(app.Status()["sync"]["status"].Str())));
        if (computed.applies) {
          s.evidence.push_back("health computed from the managed objects in the input: " +
                               std::string(HealthName(computed.health)) +
                               (computed.message.empty() ? "" : " — " + computed.message));
        }
        for (Node r : app.Status()["resources"].Items()) {
          std::string_view h = r["health"]["status"].Str();
          if (h.empty() || h == "Healthy") continue;
          s.evidence.push_back(fmt::format("status.resources: {} {}/{} is {}{}", r["kind"].Str(), r["namespace"].Str(),
                                           r["name"].Str(), h,
                                           r["health"]["message"].Str().empty()
                                               ? ""
                                               : ": " + std::string(r["health"]["message"].Str())));
        }
      };
      if (sync_failed) {
        Finding& f = out.Report(app, op["message"] ? op["message"] : at, op["message"] ? "status.operationState.message" : at_path,
                                fmt::format("{}: the last sync {}: {}", app.Ref(),
                                            op["phase"].Str() == "Error" ? "errored" : "failed", op["message"].Str()));
        if (!out.Discarded(f)) {
          f.cause = "sync-failed";
          f.symptom = fmt::format("{} sync {}", app.Ref(), op["phase"].Str());
          DiagnosisBuilder b(ctx, f);
          app_step(b);
          for (Node r : op["syncResult"]["resources"].Items()) {
            std::string_view st = r["status"].Str();
            if (st == "Synced") continue;
            b.Step(app, r, "status.operationState.syncResult.resources",
                   fmt::format("{} {}/{}: {} {}", r["kind"].Str(), r["namespace"].Str(), r["name"].Str(), st,
                               r["message"].Str()));
          }
          f.fix = "Fix the manifest the sync error names, commit, and sync again (argocd app sync " +
                  std::string(app.name) + ").";
          f.verify = "argocd app get " + std::string(app.name) + " (or kubectl get application " +
                     std::string(app.name) + " -n " + std::string(app.ns) + ")";
        }
      }
      if (!degraded) continue;
      if (causes.empty()) {
        Finding& f = out.Report(app, at, at_path,
                                fmt::format("{} is Degraded; the evidence does not show why: {}", app.Ref(),
                                            computed.applies && !computed.message.empty() ? computed.message
                                                                                           : recorded.message));
        if (out.Discarded(f)) continue;
        f.cause = "unexplained";
        f.symptom = fmt::format("Argo CD shows {} as {}", app.Ref(), health_text);
        DiagnosisBuilder b(ctx, f);
        app_step(b);
        b.Hypothesis("a managed workload's pods fail", false,
                     "no failing pod of a managed object is in the input; add `kubectl get pods -o yaml` and events "
                     "of the destination namespace");
        f.fix = "Collect the evidence of the managed objects: kubectl get all,events -n " +
                std::string(app.Spec()["destination"]["namespace"].Str()) + " -o yaml > evidence.yaml, then run kora "
                "on it together with the Application.";
        continue;
      }
      for (const Finding* cause : causes) {
        Finding& f = out.Report(app, at, at_path,
                                fmt::format("{} is {} because {}", app.Ref(), health_text, cause->message));
        if (out.Discarded(f)) continue;
        f.cause = cause->cause;
        f.container = cause->container;
        f.symptom = fmt::format("Argo CD shows {} as {}", app.Ref(), health_text);
        DiagnosisBuilder b(ctx, f);
        app_step(b);
        for (const ChainStep& s : cause->chain) f.chain.push_back(s);
        f.affected = cause->affected;
        f.hypotheses.push_back(Hypothesis{"Argo CD shows a stale or wrong status", false,
                                          "the managed objects' own status and events show the failure"});
        f.hypotheses.push_back(Hypothesis{"the last sync failed", sync_failed,
                                          op ? "operationState.phase is " + std::string(op["phase"].Str())
                                             : "no operationState in the evidence"});
        for (const Hypothesis& h : cause->hypotheses) f.hypotheses.push_back(h);
        f.fix = cause->fix;
        f.verify = cause->verify + "\nargocd app get " + std::string(app.name) + " (health turns Healthy)";
        Reporter::RelateAt(f, cause->loc, std::string(cause->rule) + ": root cause");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApplicationDegraded() { return std::make_unique<ApplicationDegraded>(); }

}  // namespace kora
