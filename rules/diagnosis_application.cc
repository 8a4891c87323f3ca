// Diagnosis: an Argo CD Application that is Degraded (or whose sync failed),
// explained through the objects it manages down to their root causes.
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
      {"pod-security", "the namespace's Pod Security level rejects a pod the manifests create",
       {"violates PodSecurity"},
       "Make the pod template meet the namespace's Pod Security level the message names (securityContext), or "
       "change the namespace's pod-security.kubernetes.io/enforce label if the exception is intended."},
      {"quota", "a ResourceQuota of the destination namespace is exhausted",
       {"exceeded quota"},
       "Lower the requests the message names or raise the ResourceQuota (kubectl describe resourcequota -n "
       "<namespace>)."},
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

// For an immutable field, the object and the field from the API server's
// words ('Deployment.apps "billing" is invalid: spec.selector: ... field is
// immutable'), and the ways out, the safest first.
std::string ImmutableFix(const std::string& message, Node op, const char* generic) {
  // RE2, never std::regex, on input: linear time and no recursion (libstdc++'s
  // std::regex overflows the stack on a message of 100,000 characters).
  static const RE2 kInvalid(R"re(([A-Z][A-Za-z]+)(?:\.[a-z0-9.]+)? "([^"]+)" is invalid: ([A-Za-z0-9_.\[\]-]+):)re");
  std::string kind, name, field;
  if (!RE2::PartialMatch(message, kInvalid, &kind, &name, &field)) return generic;
  std::string ns;
  for (Node r : op["syncResult"]["resources"].Items()) {
    if (r["kind"].Str() == kind && r["name"].Str() == name) ns = std::string(r["namespace"].Str());
  }
  std::string lower = kind;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return fmt::format("{} of {} {} cannot change in place. Either revert {} in the manifest to its live value "
                     "(kubectl get {} {}{} -o yaml), or recreate the object: delete it (kubectl delete {} {}{}) and sync "
                     "again, or give it the sync option argocd.argoproj.io/sync-options: Replace=true; recreating "
                     "replaces its pods.",
                     field, kind, Quote(name), field, lower, name, ns.empty() ? "" : " -n " + ns, lower, name,
                     ns.empty() ? "" : " -n " + ns);
}

// The objects an Application manages, by Ref(); with `nested`, also those of
// the Applications it manages, and theirs (app of apps).
std::set<std::string> Managed(const Context& ctx, ObjectId app, bool nested) {
  const Graph& g = ctx.graph();
  std::set<std::string> out;
  std::vector<ObjectId> todo = {app};
  std::set<ObjectId> seen = {app};
  while (!todo.empty()) {
    ObjectId id = todo.back();
    todo.pop_back();
    for (const Reference* r : g.References(id, EdgeKind::kManages)) {
      const GraphVertex& v = g.vertex(r->to);
      std::string ref = v.ns.empty() ? v.kind + "/" + v.name : v.kind + "/" + v.ns + "/" + v.name;
      if (!out.insert(ref).second || !nested || v.kind != "Application") continue;
      for (ObjectId child : ctx.objects().OfKind("Application")) {
        if (ctx.objects()[child].Ref() == ref && seen.insert(child).second) todo.push_back(child);
      }
    }
  }
  return out;
}

// For an object the API server rejects as invalid, the field and what it
// says about it, from 'Deployment.apps "payments" is invalid: <field>: <why>'.
std::string InvalidFix(const std::string& message, const char* generic) {
  static const RE2 kInvalid(R"re((?s)([A-Z][A-Za-z]+)(?:\.[a-z0-9.]+)? "([^"]+)" is invalid: ([A-Za-z0-9_.\[\]-]+): (.*))re");
  std::string kind, name, field, why;
  if (!RE2::PartialMatch(message, kInvalid, &kind, &name, &field, &why)) return generic;
  return fmt::format("Correct {} of {} {} in the manifest ({}), commit, and sync again.", field, kind, Quote(name),
                     why.substr(0, 200));
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
                "sync operation failed. An Application is only a roll-up: each root cause of its managed objects is "
                "reported once, by the diagnosis that names it, with the Application as the first step of its chain "
                "(Application -> workload -> pods -> the object that broke them); this rule reports what no "
                "diagnosis explains and failed syncs, with the cause Argo CD's messages name.",
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

      // Managed objects by identity (a live copy and its manifest both count),
      // with those of the Applications it manages (app of apps).
      std::set<std::string> managed = Managed(ctx, id, true);
      auto is_managed = [&](ObjectId oid) { return managed.count(ctx.objects()[g.Root(oid)].Ref()) > 0; };
      // The root-cause diagnoses of its managed objects, and the managed
      // objects each one explains.
      std::vector<const Finding*> causes;
      std::set<std::string> covered;
      for (const Finding& f : findings) {
        if (!f.IsDiagnosis() || f.rule == info().id) continue;
        bool hit = false;
        auto touch = [&](ObjectId oid) {
          if (oid == kNoObject || !is_managed(oid)) return;
          hit = true;
          covered.insert(ctx.objects()[g.Root(oid)].Ref());
        };
        touch(f.loc.object);
        for (const ChainStep& s : f.chain) touch(s.loc.object);
        if (hit) causes.push_back(&f);
      }
      // A child Application is explained when something it manages is.
      auto explained = [&](const std::string& ref) {
        if (covered.count(ref)) return true;
        if (ref.rfind("Application/", 0) != 0) return false;
        for (ObjectId cid : ctx.objects().OfKind("Application")) {
          if (ctx.objects()[cid].Ref() != ref) continue;
          for (const std::string& k : Managed(ctx, cid, true)) {
            if (covered.count(k)) return true;
          }
        }
        return false;
      };
      // The managed objects that are Degraded: assessed from their live copy
      // in the input, else as Argo CD recorded them in status.resources.
      std::vector<std::string> unexplained;  // "Deployment/shop/api: Degraded (message)"
      std::set<std::string> seen;
      for (const Reference* r : g.References(id, EdgeKind::kManages)) {
        const GraphVertex& v = g.vertex(r->to);
        std::string ref = v.kind + "/" + v.ns + "/" + v.name;
        if (v.ns.empty()) ref = v.kind + "/" + v.name;
        if (!seen.insert(ref).second || explained(ref)) continue;
        for (ObjectId oid : ctx.objects().OfKind(v.kind)) {
          const Object& o = ctx.objects()[oid];
          if (o.ns != v.ns || o.name != v.name || !o.live()) continue;
          HealthStatus h = AssessHealth(o);
          if (h.applies && h.health == Health::kDegraded) {
            unexplained.push_back(ref + ": Degraded" + (h.message.empty() ? "" : " (" + h.message + ")"));
            break;
          }
        }
      }
      for (Node r : app.Status()["resources"].Items()) {
        if (r["health"]["status"].Str() != "Degraded") continue;
        std::string ref = r["namespace"].Str().empty()
                              ? fmt::format("{}/{}", r["kind"].Str(), r["name"].Str())
                              : fmt::format("{}/{}/{}", r["kind"].Str(), r["namespace"].Str(), r["name"].Str());
        if (explained(ref) || std::find_if(unexplained.begin(), unexplained.end(), [&](const std::string& u) {
              return u.rfind(ref + ":", 0) == 0;
            }) != unexplained.end()) {
          continue;
        }
        // An object the input has, assessed healthy now: Argo CD's record is behind.
        bool live_here = false;
        for (ObjectId oid : ctx.objects().OfKind(r["kind"].Str())) {
          const Object& o = ctx.objects()[oid];
          live_here |= o.ns == r["namespace"].Str() && o.name == r["name"].Str() && o.live();
        }
        if (live_here) continue;
        unexplained.push_back(ref + ": Degraded as Argo CD recorded it" +
                              (r["health"]["message"].Str().empty()
                                   ? std::string()
                                   : " (" + std::string(r["health"]["message"].Str()) + ")"));
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
                              fmt::format("{} is {} ({}sync: {})", app.Ref(), health_text,
                                          differs && shown != recorded.health
                                              ? "Argo CD last recorded " + recorded_text + "; "
                                              : "",
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
                   fmt::format("{} {}/{} did not sync ({}{}): {}", r["kind"].Str(), r["namespace"].Str(),
                               r["name"].Str(), st.empty() ? "no status" : st,
                               r["hookPhase"].Str().empty() ? "" : ", hook " + std::string(r["hookPhase"].Str()),
                               r["message"].Str().empty() ? "no message recorded" : r["message"].Str()));
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
              if (fix.empty()) {
                fix = std::string(c.key) == "immutable" ? ImmutableFix(hit, op, c.fix)
                      : std::string(c.key) == "invalid" ? InvalidFix(hit, c.fix)
                                                        : c.fix;
              }
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
      // Each root cause is reported once, by the rule that names it, where its
      // fix goes; the Application is its symptom: the first step of its chain.
      for (const Finding* cause : causes) {
        Finding step_holder;
        DiagnosisBuilder sb(ctx, step_holder);
        app_step(sb);
        ChainStep step = std::move(step_holder.chain.front());
        std::string symptom = recorded_known && recorded.health != shown
                                  ? fmt::format("Argo CD shows {} as {} (its objects show it {})", app.Ref(),
                                                recorded_text, health_text)
                                  : fmt::format("Argo CD shows {} as {}", app.Ref(), health_text);
        std::string verify = "argocd app get " + std::string(app.name) + " (health turns Healthy)";
        // Before the first step on an object it manages, so that the parent of
        // an app of apps comes before its child whatever the order they fold in.
        out.Amend(app, *cause, [step, symptom, verify, managed, &ctx](Finding& f) {
          auto at = std::find_if(f.chain.begin(), f.chain.end(), [&](const ChainStep& s) {
            return s.loc.object != kNoObject && managed.count(ctx.objects()[ctx.graph().Root(s.loc.object)].Ref());
          });
          f.chain.insert(at, step);
          f.symptom = f.symptom.empty() ? symptom : symptom + "; " + f.symptom;
          f.verify = f.verify.empty() ? verify : f.verify + "\n" + verify;
        });
      }
      // What no diagnosis explains stays the Application's own finding.
      if (!causes.empty() && unexplained.empty()) continue;
      std::string what;
      for (const std::string& u : unexplained) what += (what.empty() ? "" : "; ") + u;
      if (what.empty()) what = computed.applies && !computed.message.empty() ? computed.message : recorded.message;
      std::string diagnosed;
      for (size_t i = 0; i < causes.size() && i < 3; ++i) {
        const Finding* c = causes[i];
        diagnosed += (i ? ", " : "") + std::string(c->rule) +
                     (c->loc.object == kNoObject ? "" : " on " + ctx.objects()[c->loc.object].Ref());
      }
      if (causes.size() > 3) diagnosed += fmt::format(" and {} more", causes.size() - 3);
      Finding& f = out.Report(
          app, at, at_path,
          causes.empty()
              ? fmt::format("{} is {}; the evidence does not show why: {}", app.Ref(), health_text, what)
              : fmt::format("{} is {}: {}, and the evidence does not show why (diagnosed on their own: {})",
                            app.Ref(), health_text, what, diagnosed));
      if (out.Discarded(f)) continue;
      f.cause = "unexplained";
      f.symptom = recorded_known ? fmt::format("Argo CD shows {} as {}", app.Ref(), recorded_text)
                                 : fmt::format("{} is {}", app.Ref(), health_text);
      DiagnosisBuilder b(ctx, f);
      app_step(b);
      for (const Finding* cause : causes) {
        Reporter::RelateAt(f, cause->loc, std::string(cause->rule) + " explains " + cause->message);
      }
      std::string dest(app.Spec()["destination"]["namespace"].Str());
      b.Open("a managed workload's pods fail",
             unexplained.empty()
                 ? "no failing pod of a managed object is in the input; add `kubectl get pods -o yaml` and events "
                   "of the destination namespace"
                 : "no diagnosis of " + unexplained.front().substr(0, unexplained.front().find(':')) +
                       " or its pods: they, or their events, are not in the input");
      if (op) {
        b.Hypothesis("the last sync failed", sync_failed, "operationState.phase is " + std::string(op["phase"].Str()));
      } else {
        b.Open("the last sync failed", "no status.operationState in the evidence (argocd app get " +
                                           std::string(app.name) + " shows the last sync)");
      }
      f.fix = "Collect the evidence of the managed objects: kubectl get all,events -n " +
              (dest.empty() ? std::string("<namespace>") : dest) +
              " -o yaml > evidence.yaml, then run kora on it together with the Application.";
      f.verify = "argocd app get " + std::string(app.name) + " (health turns Healthy)";
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApplicationDegraded() { return std::make_unique<ApplicationDegraded>(); }

}  // namespace kora
