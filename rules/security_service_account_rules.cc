// The identity pods run as: tokens mounted for no reason, the shared default
// ServiceAccount, and the deprecated spec.serviceAccount field. RBAC bindings
// in the input decide whether a token is used at all.
#include <algorithm>
#include <unordered_map>

#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

// The ServiceAccount reference of a pod template (the graph always adds one).
const Reference* AccountOf(const Context& ctx, const PodTemplate& t) {
  auto refs = ctx.graph().References(t.object, EdgeKind::kServiceAccount);
  return refs.empty() ? nullptr : refs.front();
}

// The bindings in the input whose subjects include a ServiceAccount vertex,
// computed once per ServiceAccount (many pods share one).
class BindingsOf {
 public:
  explicit BindingsOf(const Context& ctx) : ctx_(ctx) {}
  const std::vector<const Object*>& operator()(VertexId account) {
    auto [it, inserted] = cache_.try_emplace(account);
    if (!inserted) return it->second;
    for (const Reference* r : ctx_.graph().Referrers(account)) {
      if (r->kind != EdgeKind::kSubject) continue;
      const Object* b = &ctx_.objects()[r->from];
      if (std::find(it->second.begin(), it->second.end(), b) == it->second.end()) it->second.push_back(b);
    }
    return it->second;
  }

 private:
  const Context& ctx_;
  std::unordered_map<VertexId, std::vector<const Object*>> cache_;
};

std::string AccountName(const Context& ctx, const Reference& r) {
  const GraphVertex& v = ctx.graph().vertex(r.to);
  return v.ns + "/" + v.name;
}

class ServiceAccountTokenAutomount : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-account-token-automount",
        .title = "Pod mounts a ServiceAccount token it has no use for",
        .severity = Severity::kNote,
        .category = "security",
        .help = "Every pod gets a token for its ServiceAccount at /var/run/secrets/kubernetes.io/serviceaccount "
                "unless the pod or the ServiceAccount sets `automountServiceAccountToken: false`. An intruder in "
                "the container can use it against the API server. kora reports it when no RoleBinding or "
                "ClusterRoleBinding in the input names the ServiceAccount, i.e. the workload is given no API "
                "permissions here and probably never calls the API. Pods that set the field to true are not "
                "reported: that is a decision.",
        .fix = "Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount). A workload "
               "that does call the API can mount a projected token volume explicitly.",
        .profile = Profile::kSecurity,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    BindingsOf bindings_of(ctx);
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (t->spec["automountServiceAccountToken"].Bool().has_value()) continue;
      const Reference* r = AccountOf(ctx, *t);
      if (!r) continue;
      const Object* account = ctx.graph().Target(*r);
      if (account && account->Root()["automountServiceAccountToken"].Bool() == false) continue;
      if (!bindings_of(r->to).empty()) continue;
      const Object& obj = ctx.objects()[t->object];
      Finding& f = out.ReportAt(obj, r->at,
                                "pods mount a token for ServiceAccount " + AccountName(ctx, *r) +
                                    (account ? "" : " (not in the input)") +
                                    ", which no RoleBinding or ClusterRoleBinding in the input grants anything; "
                                    "automountServiceAccountToken is not false on the pod or the ServiceAccount");
      if (out.Discarded(f)) continue;
      f.fix = "Add automountServiceAccountToken: false to " + t->path + " of " + obj.Ref() + ".";
    }
  }
};

class DefaultServiceAccount : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "default-service-account",
        .title = "Pod runs as the namespace's default ServiceAccount",
        .severity = Severity::kNote,
        .category = "security",
        .help = "Pods that name no ServiceAccount run as `default`, which every such pod of the namespace "
                "shares. Permissions granted to it for one workload go to all of them, and the API audit log "
                "cannot tell them apart. When a binding in the input grants the default ServiceAccount a role, "
                "the finding is a warning: every pod of the namespace that names no ServiceAccount gets it. Pods "
                "with `automountServiceAccountToken: false` are not reported.",
        .fix = "Create a ServiceAccount per workload (kubectl create serviceaccount <name> -n <namespace>) and set "
               "`serviceAccountName: <name>` in the pod spec.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    BindingsOf bindings_of(ctx);
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (t->spec["automountServiceAccountToken"].Bool() == false) continue;
      const Reference* r = AccountOf(ctx, *t);
      if (!r || ctx.graph().vertex(r->to).name != "default") continue;
      const Object& obj = ctx.objects()[t->object];
      const std::vector<const Object*>& bindings = bindings_of(r->to);
      std::string message = "pods run as the default ServiceAccount of namespace " + std::string(obj.ns);
      if (!bindings.empty()) {
        message += ", which " + bindings.front()->Ref() + " gives " +
                   std::string(bindings.front()->Root()["roleRef"]["kind"].Str()) + " " +
                   std::string(bindings.front()->Root()["roleRef"]["name"].Str()) +
                   ": every pod of the namespace that names no ServiceAccount gets it";
      }
      Finding& f = out.ReportAt(obj, r->at, message);
      if (out.Discarded(f)) continue;
      if (!bindings.empty()) {
        if (!ctx.options().severity.count(info().id)) f.severity = Severity::kWarning;
        // A few are enough to find them; a namespace may have many.
        for (size_t i = 0; i < bindings.size() && i < 3; ++i) {
          Reporter::Relate(f, *bindings[i], bindings[i]->Root()["subjects"], "subjects", "binds it");
        }
      }
      f.fix = "kubectl create serviceaccount " + std::string(obj.name) + " -n " + std::string(obj.ns) +
              ", then set serviceAccountName: " + std::string(obj.name) + " in " + t->path + ".";
    }
  }
};

class ServiceAccountFieldDeprecated : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-account-field-deprecated",
        .title = "Pod spec uses the deprecated serviceAccount field",
        .severity = Severity::kNote,
        .category = "correctness",
        .help = "`spec.serviceAccount` is a deprecated alias of `spec.serviceAccountName`. The API server copies "
                "it into serviceAccountName only when that is empty; when both are set and differ, "
                "serviceAccountName wins and serviceAccount is silently ignored (a warning: the pod runs as "
                "another identity than the one the author may have meant).",
        .fix = "Rename `serviceAccount:` to `serviceAccountName:` (remove the old field if both are set).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      Node old = t->spec["serviceAccount"];
      if (!old.IsScalar() || old.Str().empty()) continue;
      Node current = t->spec["serviceAccountName"];
      const Object& obj = ctx.objects()[t->object];
      // The API server fills the old field in on every object it returns.
      if (obj.live()) continue;
      bool conflict = current.IsScalar() && !current.Str().empty() && current.Str() != old.Str();
      std::string message =
          conflict ? "spec.serviceAccount \"" + std::string(old.Str()) + "\" is ignored: serviceAccountName \"" +
                         std::string(current.Str()) + "\" wins, so the pods run as " + std::string(current.Str())
                   : "deprecated field serviceAccount: use serviceAccountName";
      Finding& f = out.Report(obj, old, t->path + ".serviceAccount", message);
      if (out.Discarded(f)) continue;
      if (conflict) {
        if (!ctx.options().severity.count(info().id)) f.severity = Severity::kWarning;
        Reporter::Relate(f, obj, current, t->path + ".serviceAccountName", "the field that decides");
        f.fix = "Remove serviceAccount: " + std::string(old.Str()) + " and keep the serviceAccountName you mean.";
      } else {
        f.fix = "Replace serviceAccount: " + std::string(old.Str()) + " with serviceAccountName: " +
                std::string(old.Str()) + ".";
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeServiceAccountTokenAutomount() { return std::make_unique<ServiceAccountTokenAutomount>(); }
std::unique_ptr<Rule> MakeDefaultServiceAccount() { return std::make_unique<DefaultServiceAccount>(); }
std::unique_ptr<Rule> MakeServiceAccountFieldDeprecated() {
  return std::make_unique<ServiceAccountFieldDeprecated>();
}

}  // namespace kora
