// RBAC as a graph: what a Role or ClusterRole allows (with aggregation and
// Kubernetes' built-in roles), who a binding gives it to, and which workloads
// in the input run as those ServiceAccounts. Matching follows
// k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/engine.h"

namespace kora::rbac {

// One request: a verb on a resource ("pods", "pods/exec") of an API group.
struct Request {
  std::string_view verb;
  std::string_view group;
  std::string_view resource;
};

// Whether one PolicyRule allows the request for every object of the
// resource (rules limited by resourceNames do not count).
bool RuleAllows(Node rule, const Request& r);
// Whether a rule allows every verb on every resource of every group.
bool RuleAllowsEverything(Node rule);

// Where a permission comes from: a rule of a role in the input, or a
// built-in role kora knows.
struct Grant {
  const Object* role = nullptr;  // null for a built-in role not in the input
  Node rule;                     // the rule that allows it, when the role is in the input
  std::string rule_path;         // "rules[2]"
};

// The roles of the input, with ClusterRole aggregation resolved once.
class RoleIndex {
 public:
  explicit RoleIndex(const ObjectSet& objects);
  // The rules of a role: its own and, for an aggregated ClusterRole, those of
  // the ClusterRoles its selectors match.
  struct Rules {
    const Object* role = nullptr;
    std::vector<std::pair<const Object*, size_t>> rules;  // (role holding the rule, index)
  };
  const Rules* Find(std::string_view kind, std::string_view ns, std::string_view name) const;

 private:
  std::unordered_map<std::string, Rules> by_key_;
};

// Kubernetes' bootstrap roles (cluster-admin, admin, edit, view, system:*):
// they exist in every cluster without being in the input.
bool BuiltinRole(std::string_view kind, std::string_view ns, std::string_view name);

// Kubernetes' own bindings (labelled kubernetes.io/bootstrapping: rbac-defaults,
// or named system:*): part of every cluster dump, not the author's to change.
bool BuiltinBinding(const Object& binding);

// Whether the role named by a binding allows r: through a rule of the role in
// the input, or because it is a built-in role known to allow it.
std::optional<Grant> Allows(const RoleIndex& roles, std::string_view kind, std::string_view ns,
                            std::string_view name, const Request& r);
// Whether it allows everything (cluster-admin, or a rule of * on * in *).
std::optional<Grant> AllowsEverything(const RoleIndex& roles, std::string_view kind, std::string_view ns,
                                      std::string_view name);

// A subject of a binding and the workloads in the input that act as it.
struct Subject {
  Node node;         // the subjects[i] entry
  std::string path;  // "subjects[0]"
  std::string kind;  // ServiceAccount, User, Group
  std::string ns;    // ServiceAccount namespace
  std::string name;
  // For a ServiceAccount: the top-level workloads running as it, with the
  // field that says so (serviceAccountName, or the pod spec when defaulted).
  std::vector<std::pair<const Object*, Location>> workloads;
  std::string Describe() const;  // "ServiceAccount shop/api", "Group system:authenticated"
};
// The workloads running as each ServiceAccount vertex, computed once per
// ServiceAccount however many bindings name it.
class AccountUsers {
 public:
  explicit AccountUsers(const Context& ctx) : ctx_(ctx) {}
  const std::vector<std::pair<const Object*, Location>>& Of(VertexId account);

 private:
  const Context& ctx_;
  std::unordered_map<VertexId, std::vector<std::pair<const Object*, Location>>> cache_;
};
std::vector<Subject> Subjects(const Context& ctx, const Object& binding, AccountUsers& users);

// "ClusterRoleBinding x → ClusterRole y".
std::string Chain(const Object& binding);
// Where a binding grants: "in the cluster" or "in namespace shop".
std::string Scope(const Object& binding);

}  // namespace kora::rbac
