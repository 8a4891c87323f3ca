#include "rules/rbac.h"

#include <algorithm>

#include "analyzer/selector.h"
#include "rules/label_index.h"

namespace kora::rbac {
namespace {

bool Has(Node list, std::string_view value, std::string_view wildcard = "*") {
  for (Node n : list.Items()) {
    if (n.Str() == value || n.Str() == wildcard) return true;
  }
  return false;
}

// ResourceMatches: "*", the exact resource, or "*/<subresource>".
bool ResourceMatches(Node resources, std::string_view resource) {
  size_t slash = resource.find('/');
  std::string_view sub = slash == std::string_view::npos ? std::string_view() : resource.substr(slash + 1);
  for (Node n : resources.Items()) {
    std::string_view r = n.Str();
    if (r == "*" || r == resource) return true;
    if (!sub.empty() && r.size() == sub.size() + 2 && r.substr(0, 2) == "*/" && r.substr(2) == sub) return true;
  }
  return false;
}

std::string Key(std::string_view kind, std::string_view ns, std::string_view name) {
  std::string k(kind);
  k += '/';
  k += ns;
  k += '/';
  k += name;
  return k;
}

// What the built-in admin and edit ClusterRoles allow among the requests kora
// asks about (bootstrappolicy: system:aggregate-to-edit, aggregated into both).
bool EditAllows(const Request& r) {
  auto is = [&](std::string_view group, std::initializer_list<std::string_view> resources) {
    if (r.group != group) return false;
    return std::find(resources.begin(), resources.end(), r.resource) != resources.end();
  };
  bool read = r.verb == "get" || r.verb == "list" || r.verb == "watch";
  bool write = r.verb == "create" || r.verb == "update" || r.verb == "patch" || r.verb == "delete" ||
               r.verb == "deletecollection";
  if ((read || write) && is("", {"secrets", "pods", "pods/exec", "pods/attach", "pods/portforward", "pods/proxy",
                                 "replicationcontrollers", "serviceaccounts", "configmaps", "services"})) {
    return true;
  }
  if ((read || write) && is("apps", {"deployments", "statefulsets", "daemonsets", "replicasets"})) return true;
  if ((read || write) && is("batch", {"jobs", "cronjobs"})) return true;
  return r.verb == "impersonate" && is("", {"serviceaccounts"});
}

}  // namespace

bool RuleAllows(Node rule, const Request& r) {
  if (rule["resourceNames"].Size() > 0) return false;
  return Has(rule["verbs"], r.verb) && Has(rule["apiGroups"], r.group) &&
         ResourceMatches(rule["resources"], r.resource);
}

bool RuleAllowsEverything(Node rule) {
  if (rule["resourceNames"].Size() > 0) return false;
  auto star = [](Node list) {
    for (Node n : list.Items()) {
      if (n.Str() == "*") return true;
    }
    return false;
  };
  return star(rule["verbs"]) && star(rule["apiGroups"]) && star(rule["resources"]);
}

RoleIndex::RoleIndex(const ObjectSet& objects) {
  for (const char* kind : {"Role", "ClusterRole"}) {
    for (ObjectId id : objects.OfKind(kind)) {
      const Object& o = objects[id];
      auto [it, inserted] = by_key_.try_emplace(Key(o.kind, o.ns, o.name));
      if (!inserted) continue;
      it->second.role = &o;
      for (size_t i = 0; i < o.Root()["rules"].Size(); ++i) it->second.rules.emplace_back(&o, i);
    }
  }
  // Aggregated ClusterRoles collect the rules of the ClusterRoles their
  // selectors match (one level: the controller aggregates into the aggregate).
  const std::vector<ObjectId>& cluster_roles = objects.OfKind("ClusterRole");
  LabelPostings<ObjectId> labelled;
  for (ObjectId id : cluster_roles) {
    labelled.Add(id);
    for (auto [k, v] : objects[id].Labels().Entries()) labelled.Label(k.Str(), v.Str(), id);
  }
  for (ObjectId id : cluster_roles) {
    const Object& aggregate = objects[id];
    Node selectors = aggregate.Root()["aggregationRule"]["clusterRoleSelectors"];
    if (selectors.Size() == 0) continue;
    Rules& into = by_key_[Key(aggregate.kind, "", aggregate.name)];
    if (into.role != &aggregate) continue;
    std::vector<ObjectId> parts;
    for (Node s : selectors.Items()) {
      LabelSelector sel = LabelSelector::FromLabelSelector(s);
      if (!sel.valid() || sel.empty()) continue;
      for (ObjectId other : labelled.Candidates(sel)) {
        if (other == id || !sel.Matches(objects[other].Labels())) continue;
        if (std::find(parts.begin(), parts.end(), other) == parts.end()) parts.push_back(other);
      }
    }
    for (ObjectId other : parts) {
      const Object& part = objects[other];
      for (size_t i = 0; i < part.Root()["rules"].Size(); ++i) into.rules.emplace_back(&part, i);
    }
  }
}

const RoleIndex::Rules* RoleIndex::Find(std::string_view kind, std::string_view ns, std::string_view name) const {
  auto it = by_key_.find(Key(kind, kind == "ClusterRole" ? std::string_view() : ns, name));
  return it == by_key_.end() ? nullptr : &it->second;
}

bool BuiltinRole(std::string_view kind, std::string_view ns, std::string_view name) {
  if (kind == "ClusterRole") {
    return name == "cluster-admin" || name == "admin" || name == "edit" || name == "view" ||
           name.rfind("system:", 0) == 0;
  }
  // Namespaced bootstrap roles live in kube-system and kube-public.
  return kind == "Role" && (ns == "kube-system" || ns == "kube-public") &&
         (name.rfind("system:", 0) == 0 || name == "extension-apiserver-authentication-reader");
}

bool BuiltinBinding(const Object& binding) {
  return binding.Label("kubernetes.io/bootstrapping") == "rbac-defaults" || binding.name.rfind("system:", 0) == 0;
}

std::optional<Grant> Allows(const RoleIndex& roles, std::string_view kind, std::string_view ns,
                            std::string_view name, const Request& r) {
  if (const RoleIndex::Rules* rules = roles.Find(kind, ns, name)) {
    for (auto [holder, index] : rules->rules) {
      Node rule = holder->Root()["rules"].At(index);
      if (RuleAllows(rule, r)) return Grant{holder, rule, "rules[" + std::to_string(index) + "]"};
    }
    return std::nullopt;
  }
  if (kind != "ClusterRole") return std::nullopt;
  if (name == "cluster-admin" || ((name == "admin" || name == "edit") && EditAllows(r))) return Grant{};
  return std::nullopt;
}

std::optional<Grant> AllowsEverything(const RoleIndex& roles, std::string_view kind, std::string_view ns,
                                      std::string_view name) {
  if (const RoleIndex::Rules* rules = roles.Find(kind, ns, name)) {
    for (auto [holder, index] : rules->rules) {
      Node rule = holder->Root()["rules"].At(index);
      if (RuleAllowsEverything(rule)) return Grant{holder, rule, "rules[" + std::to_string(index) + "]"};
    }
    return std::nullopt;
  }
  if (kind == "ClusterRole" && name == "cluster-admin") return Grant{};
  return std::nullopt;
}

std::string Subject::Describe() const {
  if (kind == "ServiceAccount") return "ServiceAccount " + ns + "/" + name;
  return kind + " " + name;
}

const std::vector<std::pair<const Object*, Location>>& AccountUsers::Of(VertexId account) {
  auto [it, inserted] = cache_.try_emplace(account);
  if (!inserted) return it->second;
  const Graph& g = ctx_.graph();
  for (const Reference* user : g.Referrers(account)) {
    if (user->kind != EdgeKind::kServiceAccount) continue;
    ObjectId root = g.Root(user->from);
    if (ctx_.Shadowed(root)) continue;  // its manifest is listed instead
    const Object& w = ctx_.objects()[root];
    bool seen = std::any_of(it->second.begin(), it->second.end(), [&](const auto& p) { return p.first == &w; });
    if (!seen) it->second.emplace_back(&w, user->at);
  }
  return it->second;
}

std::vector<Subject> Subjects(const Context& ctx, const Object& binding, AccountUsers& users) {
  std::vector<const Reference*> refs = ctx.graph().References(binding.id, EdgeKind::kSubject);
  std::vector<Subject> out;
  size_t i = 0;
  for (Node s : binding.Root()["subjects"].Items()) {
    Subject subject;
    subject.node = s;
    subject.path = "subjects[" + std::to_string(i++) + "]";
    subject.kind = std::string(s["kind"].Str());
    subject.name = std::string(s["name"].Str());
    if (subject.kind == "ServiceAccount") {
      std::string_view ns = s["namespace"].Str();
      subject.ns = std::string(ns.empty() ? binding.ns : ns);
      for (const Reference* r : refs) {
        if (r->at.path == subject.path + ".name") subject.workloads = users.Of(r->to);
      }
    }
    out.push_back(std::move(subject));
  }
  return out;
}

std::string Chain(const Object& binding) {
  Node ref = binding.Root()["roleRef"];
  return std::string(binding.kind) + " " + std::string(binding.name) + " \u2192 " + std::string(ref["kind"].Str()) +
         " " + std::string(ref["name"].Str());
}

std::string Scope(const Object& binding) {
  return binding.kind == "ClusterRoleBinding" ? "in the cluster" : "in namespace " + std::string(binding.ns);
}

}  // namespace kora::rbac
