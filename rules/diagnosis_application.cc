// Diagnosis: an Argo CD Application that is Degraded (or whose sync failed),
// explained through the objects it manages down to their root causes.
#include <fmt/format.h>

#include <map>
#include <set>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

// Why a sync failed, read from Argo CD's messages; each message counts for the
// first cause it names, the specific ones before "invalid".
struct SyncCause {
  const char* key;
  const char* hypothesis;
  std::vector<std::string_view> needles;
  const char* fix;
};

const std::vector<SyncCause>& SyncCauses() {
  static const std::vector<SyncCause> kCauses = {
      {"immutable", "the sync changes an immutable field",
       {"field is immutable", "immutable"},
       "The object cannot be changed in place: delete it and sync again, or sync it with the Replace=true sync "
       "option (argocd.argoproj.io/sync-options: Replace=true)."},
      {"crd", "a CustomResourceDefinition the manifests need is not installed",
       {"could not find the requested resource", "no matches for kind", "ensure CRDs are installed first"},
       "Install the CRD before the objects that use it (an earlier sync wave, or the operator's own Application)."},
      {"webhook", "an admission webhook denied an object",
       {"admission webhook"},
       "Change the object to satisfy the webhook's policy the message names, or fix the webhook."},
      {"forbidden", "Argo CD may not manage the object (RBAC or AppProject)",
       {"is forbidden", "not permitted in project", "cannot create resource", "Unauthorized"},
       "Allow the object's kind and destination in the AppProject (spec.destinations, clusterResourceWhitelist / "
       "namespaceResourceWhitelist), or give Argo CD's controller the RBAC the message names."},
      {"hook", "a sync hook failed",
       {"hook", "BackoffLimitExceeded", "backoff limit"},
       "Read the hook Job's logs (kubectl logs job/<hook> -n <namespace>), fix it, and sync again."},
      {"manifests", "Argo CD could not generate the manifests (repository, Helm or Kustomize error)",
       {"Manifest generation error", "helm template", "kustomize build", "repository not found",
        "authentication required", "ComparisonError"},
       "Fix the source the error names (the chart's values, the kustomization, the repository URL or its "
       "credentials), commit, and sync again."},
      {"invalid", "the API server rejected an object as invalid",
       {"is invalid", "Invalid value", "error validating", "unknown field", "strict decoding error"},
       "Correct the field the error names in the manifest, commit, and sync again."},
  };
  return kCauses;
}

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
  // After rollout-degraded, which itself reads the pod diagnoses.
  int FindingsPass() const override { return 2; }
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
      // The worse of what Argo CD recorded and what kora computes from the
      // objects in the input; an Unknown (or absent) one yields to the other.
      bool recorded_known = recorded.applies && recorded.health != Health::kUnknown;
      bool computed_known = computed.applies && computed.health != Health::kUnknown;
      Health shown = !recorded_known && !computed_known ? Health::kUnknown
                     : !recorded_known                  ? computed.health
                     : !computed_known                  ? recorded.health
                     : IsWorse(computed.health, recorded.health) ? computed.health
                                                                 : recorded.health;
      std::string health_text(HealthName(shown));
      std::string recorded_text = recorded.applies ? std::string(HealthName(recorded.health)) : "no health";
      bool differs = recorded_known && computed_known && recorded.health != computed.health;
      Node at = app.Status()["health"] ? app.Status()["health"] : app.Metadata()["name"];
      std::string at_path = app.Status()["health"] ? "status.health" : "metadata.name";
      auto app_step = [&](DiagnosisBuilder& b) {
        ChainStep& s = b.Step(app, at, at_path,
                              fmt::format("{} is {} (sync: {})", app.Ref(), health_text,
                                          app.Status()["sync"]["status"].Str().empty()
                                              ? "unknown"
                                              : std::string(app.Status()["sync"]["status"].Str())));
        s.evidence.push_back("status.health.status (as Argo CD recorded it): " + recorded_text +
                             (recorded.message.empty() ? "" : " — " + recorded.message));
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
          // Everything Argo CD said about the failed sync.
          std::vector<std::string> said;
          if (!op["message"].Str().empty()) said.push_back(std::string(op["message"].Str()));
          for (Node r : op["syncResult"]["resources"].Items()) {
            if (r["status"].Str() != "Synced" && !r["message"].Str().empty()) said.push_back(std::string(r["message"].Str()));
            if (r["hookPhase"].Str() == "Failed" || r["hookPhase"].Str() == "Error") {
              said.push_back(fmt::format("hook {} {}: {}", r["kind"].Str(), r["name"].Str(), r["hookPhase"].Str()));
            }
          }
          for (Node c : app.Status()["conditions"].Items()) {
            if (c["type"].Str().find("Error") != std::string_view::npos) {
              said.push_back(std::string(c["type"].Str()) + ": " + std::string(c["message"].Str()));
            }
          }
          auto names = [](const SyncCause& c, const std::string& m) {
            for (std::string_view n : c.needles) {
              if (m.find(n) != std::string::npos) return true;
            }
            return false;
          };
          std::map<std::string_view, std::string> hits;  // cause key -> the first message naming it
          std::map<std::string_view, const SyncCause*> counted_for;  // cause key -> the cause its message went to
          for (const std::string& m : said) {
            const SyncCause* first = nullptr;
            for (const SyncCause& c : SyncCauses()) {
              if (!names(c, m)) continue;
              if (!first) {
                first = &c;
                hits.emplace(c.key, m.substr(0, 240));
              } else {
                counted_for.emplace(c.key, first);
              }
            }
          }
          std::string fix;
          for (const SyncCause& c : SyncCauses()) {
            std::string hit = hits.count(c.key) ? hits[c.key] : std::string();
            if (said.empty()) {
              b.Open(c.hypothesis, "no sync error message in the evidence (argocd app get " + std::string(app.name) +
                                       " shows it)");
            } else if (!hit.empty()) {
              b.Hypothesis(c.hypothesis, true, hit);
              if (fix.empty()) fix = c.fix;
            } else if (counted_for.count(c.key)) {
              b.Hypothesis(c.hypothesis, false,
                           std::string("the error that says so is more precisely explained: ") +
                               counted_for[c.key]->hypothesis);
            } else {
              b.Hypothesis(c.hypothesis, false, "the sync messages do not say so");
            }
          }
          f.fix = (fix.empty() ? std::string("Fix the manifest the sync error names, commit, and sync again.") : fix) +
                  "\nargocd app sync " + std::string(app.name);
          f.verify = "argocd app get " + std::string(app.name) + " (or kubectl get application " +
                     std::string(app.name) + " -n " + std::string(app.ns) + ")";
        }
      }
      if (!degraded) continue;
      if (causes.empty()) {
        Finding& f = out.Report(app, at, at_path,
                                fmt::format("{} is {}; the evidence does not show why: {}", app.Ref(), health_text,
                                            computed.applies && !computed.message.empty() ? computed.message
                                                                                           : recorded.message));
        if (out.Discarded(f)) continue;
        f.cause = "unexplained";
        f.symptom = recorded_known ? fmt::format("Argo CD shows {} as {}", app.Ref(), recorded_text)
                                   : fmt::format("{} is {}", app.Ref(), health_text);
        DiagnosisBuilder b(ctx, f);
        app_step(b);
        b.Open("a managed workload's pods fail",
                     "no failing pod of a managed object is in the input; add `kubectl get pods -o yaml` and events "
                     "of the destination namespace");
        f.fix = "Collect the evidence of the managed objects: kubectl get all,events -n " +
                std::string(app.Spec()["destination"]["namespace"].Str()) + " -o yaml > evidence.yaml, then run kora "
                "on it together with the Application.";
        continue;
      }
      for (const Finding* cause : causes) {
        Finding& f = out.Report(app, at, at_path,
                                fmt::format("{} is {}{} because {}", app.Ref(), health_text,
                                            differs && shown != recorded.health
                                                ? " (Argo CD last recorded " + recorded_text + ")"
                                                : "",
                                            cause->message));
        if (out.Discarded(f)) continue;
        f.cause = cause->cause;
        f.container = cause->container;
        f.symptom = recorded_known ? fmt::format("Argo CD shows {} as {}", app.Ref(), recorded_text)
                                   : fmt::format("{} is {}", app.Ref(), health_text);
        DiagnosisBuilder b(ctx, f);
        app_step(b);
        for (const ChainStep& s : cause->chain) f.chain.push_back(s);
        f.affected = cause->affected;
        f.hypotheses.push_back(Hypothesis{"the Application is healthy and only Argo CD's status is wrong", false,
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
