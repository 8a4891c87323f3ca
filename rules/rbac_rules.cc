// RBAC rules. Dangerous permissions are reported where they are granted (a
// binding's subject), naming the workloads in the input that run as that
// ServiceAccount and the chain binding -> role -> rule as related locations.
// Bindings whose role or ServiceAccount is not there follow the graph's
// missing versus not-in-the-input semantics (rules/references.h).
#include <algorithm>

#include "rules/rbac.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

using rbac::Grant;
using rbac::Request;

// One dangerous permission: the requests that give it, and how to say so.
struct Power {
  struct Item {
    Request request;
    std::string_view label;  // "exec into pods"
  };
  std::vector<Item> items;
  // "can read every Secret" + scope.
  std::string (*phrase)(const std::vector<std::string_view>& labels, const Object& binding);
  std::string_view consequence = {};  // appended after the chain
};

std::string JoinLabels(const std::vector<std::string_view>& labels) {
  std::string out;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += i + 1 == labels.size() ? " and " : ", ";
    out += labels[i];
  }
  return out;
}

// "Deployment shop/api and Job shop/migrate (ServiceAccount shop/api)".
std::string Who(const rbac::Subject& s) {
  if (s.kind != "ServiceAccount") return s.Describe();
  if (s.workloads.empty()) return s.Describe() + " (no workload in the input runs as it)";
  std::string names;
  size_t shown = std::min<size_t>(s.workloads.size(), 3);
  for (size_t i = 0; i < shown; ++i) {
    if (i) names += i + 1 == shown && shown == s.workloads.size() ? " and " : ", ";
    const Object& w = *s.workloads[i].first;
    names += std::string(w.kind) + " " + (w.ns.empty() ? "" : std::string(w.ns) + "/") + std::string(w.name);
  }
  if (s.workloads.size() > shown) names += " and " + std::to_string(s.workloads.size() - shown) + " more";
  return names + " (" + s.Describe() + ")";
}

class RbacPowerRule : public Rule {
 public:
  void Check(const Context& ctx, Reporter& out) const override {
    rbac::RoleIndex roles(ctx.objects());
    rbac::AccountUsers users(ctx);
    const Rule* admin_rule = FindRule("rbac-cluster-admin");
    bool admin_reported = admin_rule && admin_rule != this && RuleEnabled(*admin_rule, ctx.options());
    for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
      for (ObjectId id : ctx.objects().OfKind(kind)) {
        if (ctx.Shadowed(id)) continue;
        const Object& b = ctx.objects()[id];
        if (rbac::BuiltinBinding(b)) continue;
        Node ref = b.Root()["roleRef"];
        std::string_view rkind = ref["kind"].Str();
        std::string_view rname = ref["name"].Str();
        // A role that allows everything is reported once, as cluster-admin.
        if (admin_reported && rbac::AllowsEverything(roles, rkind, b.ns, rname)) continue;
        std::vector<std::string_view> labels;
        std::optional<Grant> first;
        for (const Power::Item& item : power().items) {
          std::optional<Grant> g = Grantee(roles, rkind, b.ns, rname, item.request);
          if (!g) continue;
          if (std::find(labels.begin(), labels.end(), item.label) == labels.end()) labels.push_back(item.label);
          if (!first) first = g;
        }
        if (!first) continue;
        std::string what = power().phrase(labels, b);
        for (const rbac::Subject& s : rbac::Subjects(ctx, b, users)) {
          std::string consequence(power().consequence);
          Finding& f = out.Report(b, s.node, s.path,
                                  Who(s) + " " + what + " via " + rbac::Chain(b) +
                                      (first->role ? "" : " (a built-in ClusterRole)") +
                                      (consequence.empty() ? "" : ": " + consequence));
          if (out.Discarded(f)) continue;
          size_t related = 0;
          for (const auto& [w, at] : s.workloads) {
            if (related++ == 5) break;
            Reporter::RelateAt(f, at, w->Ref() + " runs as " + s.Describe());
          }
          Reporter::Relate(f, b, ref["name"], "roleRef.name",
                           std::string(b.kind) + " " + std::string(b.name) + " binds " + std::string(rkind) + " " +
                               std::string(rname));
          if (first->role) {
            Reporter::Relate(f, *first->role, first->rule, first->rule_path,
                             std::string(first->role->kind) + " " + std::string(first->role->name) + " " +
                                 first->rule_path + " allows it");
          }
          f.fix = Fix(b, *first);
        }
      }
    }
  }

 protected:
  virtual const Power& power() const = 0;
  virtual std::optional<Grant> Grantee(const rbac::RoleIndex& roles, std::string_view kind, std::string_view ns,
                                       std::string_view name, const Request& r) const {
    return rbac::Allows(roles, kind, ns, name, r);
  }
  virtual std::string Fix(const Object& binding, const Grant& g) const {
    std::string where = g.role ? g.rule_path + " of " + std::string(g.role->kind) + " " + std::string(g.role->name)
                               : std::string(binding.Root()["roleRef"]["name"].Str());
    return "Narrow " + where + " to the verbs and resources the workload uses (resourceNames for single objects), "
           "or bind it with a RoleBinding only in the namespaces that need it.";
  }
};

class RbacClusterAdmin : public RbacPowerRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-cluster-admin",
        .title = "Binding grants cluster-admin (or a role allowing everything)",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "`cluster-admin` allows every verb on every resource. Bound with a ClusterRoleBinding it is the "
                "whole cluster: every Secret, every node through privileged pods, every RBAC rule. A Role or "
                "ClusterRole with a rule of `*` verbs on `*` resources in `*` API groups is the same. A workload "
                "running as such a ServiceAccount turns any bug in it into a cluster takeover. (CIS Kubernetes "
                "Benchmark 5.1.1.)",
        .fix = "Bind a role with only the verbs and resources the subject needs. If the workload really manages "
               "the cluster, give it its own ServiceAccount and document why.",
    };
    return i;
  }

 protected:
  const Power& power() const override {
    static const Power p{{{{"*", "*", "*"}, "everything"}},
                         [](const std::vector<std::string_view>&, const Object& b) {
                           return b.kind == "ClusterRoleBinding"
                                      ? std::string("has full control of the cluster")
                                      : "has full control of namespace " + std::string(b.ns);
                         }};
    return p;
  }
  std::optional<Grant> Grantee(const rbac::RoleIndex& roles, std::string_view kind, std::string_view ns,
                               std::string_view name, const Request&) const override {
    return rbac::AllowsEverything(roles, kind, ns, name);
  }
  std::string Fix(const Object& binding, const Grant& g) const override {
    return "Replace roleRef " + std::string(binding.Root()["roleRef"]["name"].Str()) +
           " with a role listing only the verbs and resources needed.";
  }
};

class RbacSecretsRead : public RbacPowerRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-secrets-read",
        .title = "Binding grants reading every Secret",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "`get`, `list` or `watch` on `secrets` without `resourceNames` reads every Secret in scope: "
                "database passwords, registry credentials, TLS keys and the tokens of other ServiceAccounts, "
                "which carry their permissions. `list` and `watch` return the values, not just the names. "
                "(CIS Kubernetes Benchmark 5.1.2.)",
        .fix = "Limit the rule to the Secrets the workload uses with `resourceNames`, and grant it with a "
               "RoleBinding in their namespace rather than a ClusterRoleBinding.",
        .profile = Profile::kSecurity,
    };
    return i;
  }

 protected:
  const Power& power() const override {
    static const Power p{{{{"get", "", "secrets"}, "get"}, {{"list", "", "secrets"}, "list"},
                          {{"watch", "", "secrets"}, "watch"}},
                         [](const std::vector<std::string_view>& verbs, const Object& b) {
                           return "can read (" + JoinLabels(verbs) + ") every Secret " + rbac::Scope(b);
                         }};
    return p;
  }
};

class RbacWorkloadCreate : public RbacPowerRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-workload-create",
        .title = "Binding grants creating pods or workloads",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "Whoever can create a pod, or a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or "
                "ReplicationController that creates one, can run any image as any ServiceAccount of the namespace "
                "and mount any of its Secrets: it holds every permission in the namespace, and with a privileged "
                "pod (where Pod Security allows it) the node. (CIS Kubernetes Benchmark 5.1.4.)",
        .fix = "Grant `create` on workloads only to deployment tooling, in the namespaces it deploys to, and "
               "enforce Pod Security on those namespaces.",
        .profile = Profile::kSecurity,
    };
    return i;
  }

 protected:
  const Power& power() const override {
    static const Power p{{{{"create", "", "pods"}, "Pods"},
                          {{"create", "apps", "deployments"}, "Deployments"},
                          {{"create", "apps", "statefulsets"}, "StatefulSets"},
                          {{"create", "apps", "daemonsets"}, "DaemonSets"},
                          {{"create", "apps", "replicasets"}, "ReplicaSets"},
                          {{"create", "batch", "jobs"}, "Jobs"},
                          {{"create", "batch", "cronjobs"}, "CronJobs"},
                          {{"create", "", "replicationcontrollers"}, "ReplicationControllers"}},
                         [](const std::vector<std::string_view>& kinds, const Object& b) {
                           return "can create " + JoinLabels(kinds) + " " + rbac::Scope(b);
                         },
                         "with that it can run any image as any ServiceAccount there and read their Secrets"};
    return p;
  }
};

class RbacPodExec : public RbacPowerRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-pod-exec",
        .title = "Binding grants pods/exec or pods/attach",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "`pods/exec` and `pods/attach` run commands in, or attach to, any container in scope: the caller "
                "gets that container's files, environment, Secrets and ServiceAccount token. Both `create` and "
                "`get` count (older API servers accept exec over WebSocket with `get`).",
        .fix = "Remove `pods/exec` and `pods/attach` from the role; give interactive access to people through "
               "their own short-lived bindings, not to workloads.",
        .profile = Profile::kSecurity,
    };
    return i;
  }

 protected:
  const Power& power() const override {
    static const Power p{{{{"create", "", "pods/exec"}, "exec into"},
                          {{"get", "", "pods/exec"}, "exec into"},
                          {{"create", "", "pods/attach"}, "attach to"},
                          {{"get", "", "pods/attach"}, "attach to"}},
                         [](const std::vector<std::string_view>& labels, const Object& b) {
                           return "can " + JoinLabels(labels) + " every pod " + rbac::Scope(b);
                         }};
    return p;
  }
};

class RbacPrivilegeEscalation : public RbacPowerRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-privilege-escalation",
        .title = "Binding grants escalate, bind or impersonate",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "RBAC stops a subject from granting permissions it does not hold, except through three verbs: "
                "`escalate` on roles lets it add any permission to a role, `bind` lets it bind any role, and "
                "`impersonate` on users, groups or serviceaccounts lets it act as them. Each is a path to "
                "cluster-admin.",
        .fix = "Remove `escalate`, `bind` and `impersonate` from the role; if a controller must bind roles, "
               "limit `bind` with `resourceNames` to the roles it hands out.",
        .profile = Profile::kSecurity,
    };
    return i;
  }

 protected:
  const Power& power() const override {
    static const std::string_view kRbac = "rbac.authorization.k8s.io";
    static const Power p{{{{"escalate", kRbac, "roles"}, "escalate Roles"},
                          {{"escalate", kRbac, "clusterroles"}, "escalate ClusterRoles"},
                          {{"bind", kRbac, "roles"}, "bind Roles"},
                          {{"bind", kRbac, "clusterroles"}, "bind ClusterRoles"},
                          {{"impersonate", "", "users"}, "impersonate users"},
                          {{"impersonate", "", "groups"}, "impersonate groups"},
                          {{"impersonate", "", "serviceaccounts"}, "impersonate ServiceAccounts"},
                          {{"impersonate", "authentication.k8s.io", "uids"}, "impersonate UIDs"}},
                         [](const std::vector<std::string_view>& labels, const Object& b) {
                           return "can " + JoinLabels(labels) + " " + rbac::Scope(b);
                         }};
    return p;
  }
};

class RbacWildcard : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-wildcard",
        .title = "Role rule uses * in verbs, resources or apiGroups",
        .severity = Severity::kNote,
        .category = "security",
        .help = "A `*` grants every current value and every one added later: new verbs, new resources of an API "
                "group, new API groups of installed CRDs. The role then allows more than anyone reviewed. "
                "Kubernetes' own roles (cluster-admin, system:*) are not reported. (CIS Kubernetes Benchmark "
                "5.1.3.)",
        .fix = "List the verbs, resources and API groups explicitly, e.g. `verbs: [get, list, watch]`, "
               "`resources: [configmaps]`, `apiGroups: [\"\"]`.",
        .profile = Profile::kSecurity,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const char* kind : {"ClusterRole", "Role"}) {
      for (ObjectId id : ctx.objects().OfKind(kind)) {
        const Object& role = ctx.objects()[id];
        if (ctx.Shadowed(id) || rbac::BuiltinRole(role.kind, role.ns, role.name)) continue;
        size_t i = 0;
        for (Node rule : role.Root()["rules"].Items()) {
          std::string path = "rules[" + std::to_string(i++) + "]";
          std::vector<std::string> fields;
          Node first;
          std::string first_path;
          for (const char* field : {"verbs", "apiGroups", "resources"}) {
            size_t j = 0;
            for (Node v : rule[field].Items()) {
              if (v.Str() == "*") {
                fields.emplace_back(field);
                if (!first) {
                  first = v;
                  first_path = path + "." + field + "[" + std::to_string(j) + "]";
                }
                break;
              }
              ++j;
            }
          }
          if (fields.empty()) continue;
          std::string list;
          for (size_t k = 0; k < fields.size(); ++k) {
            list += (k ? (k + 1 == fields.size() ? " and " : ", ") : "") + fields[k];
          }
          Finding& f = out.Report(role, first, first_path,
                                  path + " of " + std::string(role.kind) + " " + std::string(role.name) +
                                      " uses * in " + list + ": it allows every current and future one");
          if (out.Discarded(f)) continue;
          f.fix = "Replace * in " + list + " of " + path + " with the values the subject needs.";
        }
      }
    }
  }
};

class RbacRoleMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-role-missing",
        .title = "Binding refers to a Role or ClusterRole that does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "The API server accepts a RoleBinding or ClusterRoleBinding whose roleRef names no role, but it "
                "grants nothing: the subjects' requests fail with `403 Forbidden` (`... is forbidden: User "
                "\"system:serviceaccount:<ns>:<name>\" cannot ...`). Kubernetes' built-in roles (cluster-admin, "
                "admin, edit, view, system:*) always exist. When the input cannot tell (no role of that kind in "
                "scope, and no --complete), the finding is a note.",
        .fix = "Create the Role or ClusterRole the binding names, or correct roleRef (roleRef cannot be changed "
               "in place: delete and recreate the binding).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    rbac::AccountUsers users(ctx);
    for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
      for (ObjectId id : ctx.objects().OfKind(kind)) {
        if (ctx.Shadowed(id)) continue;
        const Object& b = ctx.objects()[id];
        if (rbac::BuiltinBinding(b)) continue;
        for (const Reference* r : ctx.graph().References(id, EdgeKind::kRoleRef)) {
          const GraphVertex& v = ctx.graph().vertex(r->to);
          if (rbac::BuiltinRole(v.kind, v.ns, v.name)) continue;
          std::string subjects;
          for (const rbac::Subject& s : rbac::Subjects(ctx, b, users)) {
            subjects += (subjects.empty() ? "" : ", ") + s.Describe();
          }
          ReportUnresolved(ctx, out, *r, "roleRef",
                           "the binding grants nothing: requests by " + (subjects.empty() ? "its subjects" : subjects) +
                               " that it was meant to allow fail with 403 Forbidden",
                           "Create " + v.kind + " " + v.name + (v.ns.empty() ? "" : " in namespace " + v.ns) +
                               ", or recreate the binding with the right roleRef.");
        }
      }
    }
  }
};

class RbacSubjectMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "rbac-subject-missing",
        .title = "Binding grants a role to a ServiceAccount that does not exist",
        .severity = Severity::kWarning,
        .category = "references",
        .help = "A binding subject of kind ServiceAccount names a namespace and a name. If no such ServiceAccount "
                "exists the permissions go nowhere: the workload that was meant to have them (usually a typo or "
                "a wrong namespace) gets `403 Forbidden`, and whoever later creates a ServiceAccount with that "
                "name inherits them. When the input cannot tell, the finding is a note.",
        .fix = "Correct the subject's name or namespace, or create the ServiceAccount (kubectl create "
               "serviceaccount <name> -n <namespace>).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const char* kind : {"ClusterRoleBinding", "RoleBinding"}) {
      for (ObjectId id : ctx.objects().OfKind(kind)) {
        if (ctx.Shadowed(id)) continue;
        const Object& b = ctx.objects()[id];
        if (rbac::BuiltinBinding(b)) continue;
        std::string role = std::string(b.Root()["roleRef"]["kind"].Str()) + " " +
                           std::string(b.Root()["roleRef"]["name"].Str());
        for (const Reference* r : ctx.graph().References(id, EdgeKind::kSubject)) {
          const GraphVertex& v = ctx.graph().vertex(r->to);
          ReportUnresolved(ctx, out, *r, "subject ServiceAccount " + v.ns + "/" + v.name,
                           "the permissions of " + role + " go to no workload (and to whoever creates it later)",
                           "kubectl create serviceaccount " + v.name + " -n " + v.ns +
                               ", or correct the subject's name and namespace.");
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRbacClusterAdmin() { return std::make_unique<RbacClusterAdmin>(); }
std::unique_ptr<Rule> MakeRbacSecretsRead() { return std::make_unique<RbacSecretsRead>(); }
std::unique_ptr<Rule> MakeRbacWorkloadCreate() { return std::make_unique<RbacWorkloadCreate>(); }
std::unique_ptr<Rule> MakeRbacPodExec() { return std::make_unique<RbacPodExec>(); }
std::unique_ptr<Rule> MakeRbacPrivilegeEscalation() { return std::make_unique<RbacPrivilegeEscalation>(); }
std::unique_ptr<Rule> MakeRbacWildcard() { return std::make_unique<RbacWildcard>(); }
std::unique_ptr<Rule> MakeRbacRoleMissing() { return std::make_unique<RbacRoleMissing>(); }
std::unique_ptr<Rule> MakeRbacSubjectMissing() { return std::make_unique<RbacSubjectMissing>(); }

}  // namespace kora
