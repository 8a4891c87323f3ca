// Diagnosis: an Argo CD Application that is OutOfSync, or whose comparison
// failed, explained per managed object: what differs between the manifest and
// the live object, and why Argo CD has not put it right (auto-sync off, no
// self-heal, no pruning, an autoscaler that owns the field) or cannot compare
// at all (repository credentials, a missing revision, a broken render).
#include <fmt/format.h>

#include <map>
#include <set>

#include "analyzer/diagnosis.h"
#include "analyzer/redact.h"
#include "rules/rules.h"

namespace kora {
namespace {

// A field the manifest sets to something the live object does not have.
struct Difference {
  std::string path;
  Node desired;
  Node live;  // falsy when the live object lacks the field
};

// Annotations tools add on their own; they differ without anyone's intent.
bool ToolAnnotation(std::string_view key) {
  return key == "kubectl.kubernetes.io/last-applied-configuration" || key == "argocd.argoproj.io/tracking-id" ||
         key == "deployment.kubernetes.io/revision" || key.starts_with("kubectl.kubernetes.io/restartedAt");
}

bool InQuantities(std::string_view path) {
  return path.find("resources.limits.") != std::string_view::npos ||
         path.find("resources.requests.") != std::string_view::npos ||
         path.find("spec.resources.") != std::string_view::npos || path.find(".capacity.") != std::string_view::npos;
}

// The API server normalises what it stores: 1000m is 1, "true" is true.
bool SameScalar(Node a, Node b, std::string_view path) {
  if (a.IsNull() || b.IsNull()) return a.IsNull() == b.IsNull();
  if (a.Str() == b.Str()) return true;
  if (InQuantities(path)) {
    auto x = QuantityValue(a.Str()), y = QuantityValue(b.Str());
    if (x && y) return *x == *y;
  }
  if (auto x = a.Number(), y = b.Number(); x && y) return *x == *y;
  if (auto x = a.Bool(), y = b.Bool(); x && y) return *x == *y;
  return false;
}

// Items of a list that all have a name are matched by name (containers, env,
// ports, volumes), as a strategic merge would; other lists by position.
bool NamedItems(Node seq) {
  if (!seq.IsSeq() || seq.Size() == 0) return false;
  for (Node item : seq.Items()) {
    if (!item.IsMap() || !item["name"].IsScalar()) return false;
  }
  return true;
}

// Compares only what the manifest sets: fields the API server or controllers
// default on the live object are not differences, as in Argo CD's diff.
void Diff(Node desired, Node live, const std::string& path, std::vector<Difference>& out) {
  if (desired.IsMap()) {
    if (!live.IsMap()) {
      out.push_back({path, desired, live});
      return;
    }
    for (auto [key, value] : desired.Entries()) {
      std::string_view k = key.Str();
      std::string sub = path.empty() ? std::string(k) : path + "." + std::string(k);
      if (path.empty() && (k == "status" || k == "apiVersion")) continue;
      if (path == "metadata" && k != "labels" && k != "annotations") continue;
      if (path == "metadata.annotations" && ToolAnnotation(k)) continue;
      Node other = live[k];
      if (!other) {
        if (!value.IsNull()) out.push_back({sub, value, Node()});
        continue;
      }
      Diff(value, other, sub, out);
    }
    return;
  }
  if (desired.IsSeq()) {
    if (!live.IsSeq()) {
      out.push_back({path, desired, live});
      return;
    }
    if (NamedItems(desired) && NamedItems(live)) {
      std::map<std::string_view, Node> by_name;
      for (Node item : live.Items()) by_name.emplace(item["name"].Str(), item);
      for (Node item : desired.Items()) {
        std::string sub = path + "[" + std::string(item["name"].Str()) + "]";
        auto it = by_name.find(item["name"].Str());
        if (it == by_name.end()) {
          out.push_back({sub, item, Node()});
        } else {
          Diff(item, it->second, sub, out);
        }
      }
      return;
    }
    if (desired.Size() != live.Size()) {
      out.push_back({path, desired, live});
      return;
    }
    for (size_t i = 0; i < desired.Size(); ++i) Diff(desired.At(i), live.At(i), path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (!live.IsScalar() && !live.IsNull()) {
    out.push_back({path, desired, live});
    return;
  }
  if (!SameScalar(desired, live, path)) out.push_back({path, desired, live});
}

// A value for the report; nothing of a Secret and no credential-looking value.
std::string Show(const Object& o, const Difference& d, Node n) {
  if (!n) return "(not set)";
  if (o.kind == "Secret") return "<redacted>";
  if (n.IsMap()) return fmt::format("{{{} field(s)}}", n.Size());
  if (n.IsSeq()) return fmt::format("[{} item(s)]", n.Size());
  if (n.IsNull()) return "null";
  std::string_view last = d.path;
  if (size_t dot = last.find_last_of(".]"); dot != std::string_view::npos) last = last.substr(dot + 1);
  if (LooksLikeCredentialValue(n.Str()) || LooksLikeCredentialName(last)) return "<redacted>";
  // env[NAME].value: the variable's name is in the brackets.
  if (d.path.ends_with(".value")) {
    size_t open = d.path.rfind('[');
    size_t close = d.path.rfind(']');
    if (open != std::string::npos && close > open &&
        LooksLikeCredentialName(std::string_view(d.path).substr(open + 1, close - open - 1))) {
      return "<redacted>";
    }
  }
  std::string s(n.Str());
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return n.IsString() ? Quote(s) : s;
}

// The copies of one managed object in the input.
struct Copies {
  const Object* live = nullptr;
  const Object* manifest = nullptr;
};

Copies FindCopies(const Context& ctx, std::string_view kind, std::string_view ns, std::string_view name) {
  Copies c;
  const Object* any = ctx.objects().Find(kind, ns, name);
  if (!any) return c;
  for (ObjectId id : ctx.objects().SameIdentity(any->id)) {
    const Object& o = ctx.objects()[id];
    if (o.live()) {
      if (!c.live) c.live = &o;
    } else if (!c.manifest) {
      c.manifest = &o;
    }
  }
  return c;
}

// What a ComparisonError says, in classes that have different fixes.
struct ComparisonClass {
  std::string cause;
  std::string what;
};

ComparisonClass ClassifyComparison(std::string_view m) {
  auto has = [&](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("authentication required") || has("authentication failed") || has("Authentication failed") ||
      has("could not read Username") || has("Permission denied") || has("permission denied (publickey)") ||
      has("401 Unauthorized") || has("403 Forbidden") || has("invalid username or password")) {
    return {"repo-credentials", "Argo CD cannot authenticate to the source repository"};
  }
  if (has("repository not found") || has("Repository not found") || (has("does not exist") && has("repo"))) {
    return {"repo-not-found", "the source repository does not exist or is not visible to Argo CD's credentials"};
  }
  if (has("unable to resolve") || has("couldn't find remote ref") || has("did not match any") ||
      (has("revision") && has("not found"))) {
    return {"revision-not-found", "the target revision (branch, tag or commit) does not exist in the repository"};
  }
  if (has("no such host") || has("i/o timeout") || has("connection refused") || has("x509")) {
    return {"repo-unreachable", "Argo CD cannot reach the source repository (DNS, network or TLS)"};
  }
  if (has("helm template") || has("kustomize build") || has("failed to generate manifest") ||
      has("Manifest generation error") || has("plugin")) {
    return {"manifest-generation", "rendering the manifests (Helm, Kustomize or a plugin) failed"};
  }
  return {"comparison-error", "Argo CD could not compute the desired state"};
}

class ApplicationOutOfSync : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "application-out-of-sync",
        .title = "Argo CD Application is OutOfSync or cannot compare",
        .severity = Severity::kWarning,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: an Argo CD Application read from a cluster whose sync status is "
                "OutOfSync (the live objects differ from Git), or whose comparison failed (a ComparisonError or "
                "InvalidSpecError condition: Argo CD cannot even render what Git wants). Argo CD shows which "
                "objects are OutOfSync but not why they stay so. kora compares the manifest and the live copy of "
                "each OutOfSync object when both are in the input (only the fields the manifest sets, quantities "
                "normalised, nothing of a Secret shown), names a HorizontalPodAutoscaler that owns spec.replicas, "
                "objects waiting to be pruned, objects not created yet, and checks the sync policy "
                "(automated, prune, selfHeal) that decides whether Argo CD would put it right on its own.",
        .fix = "Follow the finding's fix: sync (argocd app sync <app>), enable what the sync policy lacks "
               "(automated, prune, selfHeal), remove a field another controller owns from the manifest or list it "
               "under spec.ignoreDifferences, or repair the repository access the comparison error names.",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Application")) {
      const Object& app = ctx.objects()[id];
      if (app.group != "argoproj.io" || !app.live()) continue;
      if (CheckComparison(ctx, app, out)) continue;
      if (app.Status()["sync"]["status"].Str() == "OutOfSync") CheckOutOfSync(ctx, app, out);
    }
  }

 private:
  struct Policy {
    bool automated = false, prune = false, self_heal = false;
    Node node;  // spec.syncPolicy.automated, when set
  };

  static Policy PolicyOf(const Object& app) {
    Policy p;
    Node a = app.Spec()["syncPolicy"]["automated"];
    // Newer Argo CD versions can switch automation off with enabled: false.
    p.automated = a.IsMap() && a["enabled"].Bool().value_or(true);
    p.prune = p.automated && a["prune"].Bool().value_or(false);
    p.self_heal = p.automated && a["selfHeal"].Bool().value_or(false);
    p.node = a;
    return p;
  }

  static std::string SourceField(const Object& app, std::string_view field) {
    Node src = app.Spec()["source"];
    if (!src) src = app.Spec()["sources"].At(0);
    return std::string(src[field].Str());
  }

  static void AppStep(DiagnosisBuilder& b, const Object& app) {
    Node sync = app.Status()["sync"];
    std::string revision(sync["revision"].Str());
    b.Step(app, sync["status"] ? sync["status"] : app.Metadata()["name"], "status.sync.status",
           fmt::format("{} is {} (health: {}){}", app.Ref(), sync["status"].Str().empty() ? "Unknown" : sync["status"].Str(),
                       app.Status()["health"]["status"].Str().empty() ? "unknown"
                                                                        : app.Status()["health"]["status"].Str(),
                       revision.empty() ? "" : ", compared with revision " + revision.substr(0, 12)));
  }

  static void PolicyHypotheses(DiagnosisBuilder& b, const Object& app, const Policy& p, bool self_heal_matters) {
    b.Hypothesis("automated sync is off, so Argo CD waits for someone to sync", !p.automated,
                 p.automated ? "spec.syncPolicy.automated is set" : "spec.syncPolicy.automated is not set");
    if (self_heal_matters) {
      b.Hypothesis("self-heal is off, so live changes are not reverted", p.automated && !p.self_heal,
                   !p.automated ? "no automated sync at all"
                   : p.self_heal ? "spec.syncPolicy.automated.selfHeal is true"
                                 : "spec.syncPolicy.automated.selfHeal is not true");
    }
    Node op = app.Status()["operationState"];
    std::string_view phase = op["phase"].Str();
    if (phase.empty()) {
      b.Open("the last sync failed", "no status.operationState in the evidence");
    } else {
      b.Hypothesis("the last sync failed", phase == "Failed" || phase == "Error",
                   "status.operationState.phase is " + std::string(phase));
    }
  }

  // A failed comparison: nothing else about the Application can be trusted.
  bool CheckComparison(const Context& ctx, const Object& app, Reporter& out) const {
    for (Node c : app.Status()["conditions"].Items()) {
      std::string_view type = c["type"].Str();
      if (type != "ComparisonError" && type != "InvalidSpecError") continue;
      std::string_view message = c["message"].Str();
      ComparisonClass k = ClassifyComparison(message);
      std::string repo = SourceField(app, "repoURL");
      std::string revision = SourceField(app, "targetRevision");
      Finding& f = out.Report(app, c["message"] ? c["message"] : c, "status.conditions[" + std::string(type) + "]",
                              fmt::format("{} cannot compare with Git: {} ({}: {})", app.Ref(), k.what, type, message));
      if (out.Discarded(f)) return true;
      f.cause = k.cause;
      f.symptom = fmt::format("Argo CD shows {} with sync status {} and a {}", app.Ref(),
                              app.Status()["sync"]["status"].Str().empty() ? "Unknown" : app.Status()["sync"]["status"].Str(),
                              type);
      DiagnosisBuilder b(ctx, f);
      AppStep(b, app);
      b.Step(app, c, "status.conditions[" + std::string(type) + "]", fmt::format("condition {}: {}", type, message));
      Node source = app.Spec()["source"] ? app.Spec()["source"] : app.Spec()["sources"];
      if (source) {
        b.Step(app, source, app.Spec()["source"] ? "spec.source" : "spec.sources",
               fmt::format("the source is {}{}", repo.empty() ? "(no repoURL)" : repo,
                           revision.empty() ? "" : " at " + revision));
      }
      b.Hypothesis("the repository credentials are missing or rejected", k.cause == "repo-credentials",
                   k.cause == "repo-credentials" ? "the error is an authentication failure" : "no authentication error");
      b.Hypothesis("the repository URL is wrong", k.cause == "repo-not-found",
                   k.cause == "repo-not-found" ? "the repository was not found" : "the repository answered");
      b.Hypothesis("the target revision does not exist", k.cause == "revision-not-found",
                   k.cause == "revision-not-found" ? "the revision could not be resolved" : "no unresolved revision");
      b.Hypothesis("the manifests do not render", k.cause == "manifest-generation",
                   k.cause == "manifest-generation" ? "the render step failed" : "no render error in the message");
      std::string name(app.name);
      if (k.cause == "repo-credentials") {
        f.fix = fmt::format("argocd repo add {} --username <user> --password <token> (or an SSH key: "
                            "--ssh-private-key-path <key>), then argocd app get {} --hard-refresh",
                            repo.empty() ? "<repoURL>" : repo, name);
      } else if (k.cause == "repo-not-found") {
        f.fix = fmt::format("Correct spec.source.repoURL ({}) or grant Argo CD's credentials access to it, then "
                            "argocd app get {} --hard-refresh",
                            repo.empty() ? "not set" : repo, name);
      } else if (k.cause == "revision-not-found") {
        f.fix = fmt::format("Push the revision or correct spec.source.targetRevision ({}): git ls-remote {} {}",
                            revision.empty() ? "HEAD" : revision, repo.empty() ? "<repoURL>" : repo,
                            revision.empty() ? "HEAD" : revision);
      } else if (k.cause == "manifest-generation") {
        f.fix = fmt::format("Render the source locally to see the error in full (helm template or kustomize build "
                            "of {} at {}), fix it in Git, then argocd app get {} --hard-refresh",
                            SourceField(app, "path").empty() ? "the chart" : SourceField(app, "path"),
                            revision.empty() ? "HEAD" : revision, name);
      } else {
        f.fix = fmt::format("Read the full error with argocd app get {} --hard-refresh and fix what it names.", name);
      }
      f.verify = fmt::format("argocd app get {} (no {} condition; Sync Status Synced)", name, type);
      return true;
    }
    return false;
  }

  struct Item {
    Node entry;  // the status.resources entry
    std::string ref;
    Copies copies;
    std::vector<Difference> differences;
    const Object* autoscaler = nullptr;
  };

  void CheckOutOfSync(const Context& ctx, const Object& app, Reporter& out) const {
    Policy policy = PolicyOf(app);
    std::string_view phase = app.Status()["operationState"]["phase"].Str();
    bool sync_failed = phase == "Failed" || phase == "Error";
    std::map<std::string, std::vector<Item>> by_cause;
    for (Node r : app.Status()["resources"].Items()) {
      if (r["status"].Str() != "OutOfSync" || r["hook"].Bool().value_or(false)) continue;
      Item item;
      item.entry = r;
      std::string_view kind = r["kind"].Str(), ns = r["namespace"].Str(), name = r["name"].Str();
      item.ref = ns.empty() ? fmt::format("{}/{}", kind, name) : fmt::format("{}/{}/{}", kind, ns, name);
      item.copies = FindCopies(ctx, kind, ns, name);
      if (r["requiresPruning"].Bool().value_or(false)) {
        by_cause["needs-prune"].push_back(std::move(item));
        continue;
      }
      if (r["health"]["status"].Str() == "Missing") {
        // A failed sync is application-degraded's diagnosis.
        if (!sync_failed) by_cause["not-created"].push_back(std::move(item));
        continue;
      }
      if (item.copies.live && item.copies.manifest) {
        Diff(item.copies.manifest->Root(), item.copies.live->Root(), "", item.differences);
      }
      for (const Object* o : {item.copies.live, item.copies.manifest}) {
        if (!o || item.autoscaler) continue;
        for (const Reference* ref : ctx.graph().Referrers(o->id, EdgeKind::kScaleTarget)) {
          item.autoscaler = &ctx.objects()[ref->from];
          break;
        }
      }
      bool manifest_sets_replicas = item.copies.manifest && item.copies.manifest->Spec()["replicas"];
      bool replicas_differ = false;
      for (const Difference& d : item.differences) replicas_differ |= d.path == "spec.replicas";
      if (item.autoscaler && (replicas_differ || (manifest_sets_replicas && !item.copies.live))) {
        by_cause["autoscaler-owns-replicas"].push_back(std::move(item));
      } else {
        by_cause["live-differs"].push_back(std::move(item));
      }
    }
    for (auto& [cause, items] : by_cause) ReportCause(ctx, app, policy, cause, items, out);
  }

  void ReportCause(const Context& ctx, const Object& app, const Policy& policy, const std::string& cause,
              std::vector<Item>& items, Reporter& out) const {
    std::string name(app.name);
    std::vector<std::string> refs;
    for (const Item& i : items) refs.push_back(i.ref);
    std::string list = refs.front();
    for (size_t i = 1; i < refs.size() && i < 3; ++i) list += ", " + refs[i];
    if (refs.size() > 3) list += fmt::format(" and {} more", refs.size() - 3);
    std::string message;
    if (cause == "needs-prune") {
      message = fmt::format("{} is OutOfSync: {} {} no longer in Git but still in the cluster, and {}", app.Ref(),
                            list, refs.size() == 1 ? "is" : "are",
                            !policy.automated ? "automated sync is off"
                            : policy.prune    ? "pruning is on, so the object itself opts out of it or the last sync "
                                                "did not get that far"
                                              : "automated sync does not prune (prune is not true)");
    } else if (cause == "not-created") {
      message = fmt::format("{} is OutOfSync: {} {} in Git but not in the cluster, and {}", app.Ref(), list,
                            refs.size() == 1 ? "is" : "are",
                            policy.automated ? "automated sync has not created it yet (the next sync should)"
                                             : "automated sync is off, so nobody has synced since it was added");
    } else if (cause == "autoscaler-owns-replicas") {
      message = fmt::format("{} is OutOfSync because {} sets spec.replicas, which {} changes: Argo CD and the "
                            "autoscaler fight over the same field",
                            app.Ref(), list, items.front().autoscaler->Ref());
    } else {
      const Item& first = items.front();
      std::string detail;  // where the first object differs, when kora could compare it
      if (!first.differences.empty()) {
        const Difference& d = first.differences.front();
        const Object& o = *first.copies.live;
        detail = fmt::format("at {} (Git: {}, live: {}){}", d.path, Show(o, d, d.desired), Show(o, d, d.live),
                             first.differences.size() > 1
                                 ? fmt::format(" and {} more field(s)", first.differences.size() - 1)
                                 : "");
      }
      std::string who, what;
      if (items.size() == 1) {
        who = list;
        what = detail.empty() ? "differs from Git" : "differs from Git " + detail;
      } else {
        who = fmt::format("{} objects differ from Git ({})", items.size(), list);
        what = detail.empty() ? "" : fmt::format("- {} {}", first.ref, detail);
      }
      message = fmt::format("{} is OutOfSync: {}{}; {}", app.Ref(), who, what.empty() ? "" : " " + what,
                            !policy.automated    ? "automated sync is off, so nothing applies Git again"
                            : !policy.self_heal  ? "self-heal is off, so Argo CD does not revert live changes"
                                                 : "self-heal is on, so something keeps changing it back");
    }
    Node at = app.Status()["sync"]["status"];
    Finding& f = out.Report(app, at ? at : app.Metadata()["name"], "status.sync.status", message);
    if (out.Discarded(f)) return;
    f.cause = cause;
    f.symptom = fmt::format("Argo CD shows {} as OutOfSync", app.Ref());
    f.affected = refs;
    DiagnosisBuilder b(ctx, f);
    AppStep(b, app);
    if (policy.node) {
      b.Step(app, policy.node, "spec.syncPolicy.automated",
             fmt::format("automated sync: prune {}, selfHeal {}", policy.prune ? "on" : "off",
                         policy.self_heal ? "on" : "off"));
    } else {
      Node sp = app.Spec()["syncPolicy"];
      b.Step(app, sp ? sp : app.Spec(), sp ? "spec.syncPolicy" : "spec",
             "no spec.syncPolicy.automated: Argo CD syncs only when someone asks");
    }
    size_t shown = 0;
    for (const Item& i : items) {
      if (shown++ == 5) break;
      ChainStep& s = b.Step(app, i.entry, "status.resources", fmt::format("{} is OutOfSync{}", i.ref,
                                                                          i.entry["requiresPruning"].Bool().value_or(false)
                                                                              ? " and requires pruning"
                                                                              : ""));
      if (!i.entry["health"]["status"].Str().empty()) s.evidence.push_back("health: " + std::string(i.entry["health"]["status"].Str()));
      const Object* o = i.copies.live ? i.copies.live : i.copies.manifest;
      size_t diffs = 0;
      for (const Difference& d : i.differences) {
        if (diffs++ == 5) {
          b.Step(*i.copies.manifest, i.copies.manifest->Root(), "", fmt::format("... and {} more field(s) differ",
                                                                              i.differences.size() - 5));
          break;
        }
        ChainStep& m = b.Step(*i.copies.manifest, d.desired, d.path,
                              fmt::format("the manifest sets {}: {}", d.path, Show(*o, d, d.desired)));
        m.evidence.push_back(fmt::format("live {}: {}", i.copies.live->Ref(), Show(*o, d, d.live)));
      }
      if (cause == "autoscaler-owns-replicas") {
        const Object& hpa = *i.autoscaler;
        b.Step(hpa, hpa.Spec()["scaleTargetRef"], "spec.scaleTargetRef",
               fmt::format("{} scales {} between {} and {} replicas", hpa.Ref(), i.ref,
                           hpa.Spec()["minReplicas"].Str().empty() ? "1" : hpa.Spec()["minReplicas"].Str(),
                           hpa.Spec()["maxReplicas"].Str()));
      }
      if (cause == "needs-prune" && o) {
        std::string_view opts = o->Metadata()["annotations"]["argocd.argoproj.io/sync-options"].Str();
        if (opts.find("Prune=false") != std::string_view::npos) {
          b.Step(*o, o->Metadata()["annotations"]["argocd.argoproj.io/sync-options"],
                 "metadata.annotations[argocd.argoproj.io/sync-options]",
                 fmt::format("{} opts out of pruning ({})", i.ref, opts));
        }
      }
    }
    const Item& first = items.front();
    if (cause == "needs-prune") {
      PolicyHypotheses(b, app, policy, false);
      b.Hypothesis("pruning is off", !policy.prune,
                   policy.prune ? "spec.syncPolicy.automated.prune is true" : "prune is not true");
      f.fix = policy.automated && !policy.prune
                  ? fmt::format("argocd app sync {} --prune (once), or set spec.syncPolicy.automated.prune: true "
                                "(argocd app set {} --auto-prune) if Argo CD should delete what leaves Git",
                                name, name)
                  : fmt::format("argocd app sync {} --prune; an object annotated "
                                "argocd.argoproj.io/sync-options: Prune=false must be deleted by hand "
                                "(kubectl delete {})",
                                name, KubectlKind(first.entry["kind"].Str()) + " " + std::string(first.entry["name"].Str()) +
                                          (first.entry["namespace"].Str().empty()
                                               ? ""
                                               : " -n " + std::string(first.entry["namespace"].Str())));
    } else if (cause == "not-created") {
      PolicyHypotheses(b, app, policy, false);
      b.Open("the object is created in a later sync wave or by a hook", "sync waves are not in the status");
      f.fix = policy.automated ? fmt::format("argocd app sync {} (or wait for the next automated sync)", name)
                               : fmt::format("argocd app sync {}, or enable automated sync: argocd app set {} "
                                             "--sync-policy automated",
                                             name, name);
    } else if (cause == "autoscaler-owns-replicas") {
      PolicyHypotheses(b, app, policy, true);
      b.Hypothesis("an autoscaler owns spec.replicas", true,
                   first.autoscaler->Ref() + " targets " + first.ref);
      std::string_view kind = first.entry["kind"].Str();
      std::string_view group = first.entry["group"].Str();
      f.fix = fmt::format("Remove spec.replicas from the manifest of {} (the autoscaler owns it), or have Argo CD "
                          "ignore it: spec.ignoreDifferences: [{{group: {}, kind: {}, name: {}, jsonPointers: "
                          "[/spec/replicas]}}] with syncOptions: [RespectIgnoreDifferences=true]",
                          first.ref, group.empty() ? "\"\"" : std::string(group), kind, first.entry["name"].Str());
    } else {
      PolicyHypotheses(b, app, policy, true);
      if (first.differences.empty()) {
        b.Open("a field the manifest sets was changed in the cluster",
               first.copies.manifest ? "kora found no difference in the fields it compares"
                                     : "the rendered manifest of the object is not in the input (add helm template or "
                                       "kustomize build output to compare)");
      } else {
        b.Hypothesis("a field the manifest sets was changed in the cluster", true,
                     fmt::format("{} field(s) differ, first {}", first.differences.size(),
                                 first.differences.front().path));
      }
      if (first.autoscaler) {
        b.Open("an autoscaler owns spec.replicas",
               first.autoscaler->Ref() + " targets " + first.ref + "; the manifest is not in the input to see whether "
               "it sets spec.replicas");
      }
      if (policy.self_heal) {
        b.Open("a controller or mutating webhook rewrites the field",
               "add it to spec.ignoreDifferences if another controller owns it");
      }
      f.fix = !policy.automated ? fmt::format("argocd app sync {} to apply Git; to keep it in sync: argocd app set "
                                              "{} --sync-policy automated --self-heal",
                                              name, name)
              : !policy.self_heal
                  ? fmt::format("argocd app sync {}; to revert live changes automatically: argocd app set {} "
                                "--self-heal",
                                name, name)
                  : fmt::format("Find what changes {} in the cluster (kubectl get {} {} -o yaml --show-managed-fields "
                                "names the manager) and stop it, or list the field under spec.ignoreDifferences",
                                first.ref, KubectlKind(first.entry["kind"].Str()), first.entry["name"].Str());
    }
    f.verify = fmt::format("argocd app diff {} (no output) and argocd app get {} (Sync Status: Synced)", name, name);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApplicationOutOfSync() { return std::make_unique<ApplicationOutOfSync>(); }

}  // namespace kora
