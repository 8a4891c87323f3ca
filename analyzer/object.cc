#include "analyzer/object.h"

#include <algorithm>
#include <functional>

namespace kora {

std::string Object::Ref() const {
  std::string out(kind);
  out.push_back('/');
  if (!ns.empty()) {
    out.append(ns);
    out.push_back('/');
  }
  out.append(name);
  return out;
}

namespace {
// Whether a subtree has any non-empty scalar; iterative, to stay safe on deep input.
bool HasContent(Node root) {
  std::vector<Node> stack{root};
  size_t budget = 4096;
  while (!stack.empty() && budget-- > 0) {
    Node n = stack.back();
    stack.pop_back();
    if (n.IsScalar()) {
      if (!n.Str().empty()) return true;
    } else if (n.IsMap()) {
      for (size_t i = 0; i < n.Size(); ++i) stack.push_back(n.ValueAt(i));
    } else if (n.IsSeq()) {
      for (size_t i = 0; i < n.Size(); ++i) stack.push_back(n.At(i));
    }
  }
  return false;
}
}  // namespace

bool Object::HasStatus() const {
  Node s = Status();
  return s.IsMap() && s.Size() > 0 && HasContent(s);
}

std::string ObjectKey::Ref() const {
  return ns.empty() ? kind + "/" + name : kind + "/" + ns + "/" + name;
}

size_t ObjectKeyHash::operator()(const ObjectKeyView& k) const noexcept {
  std::hash<std::string_view> h;
  size_t v = h(k.kind);
  v ^= h(k.ns) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
  v ^= h(k.name) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
  return v;
}

ObjectId ObjectSet::Add(Object obj) {
  obj.id = static_cast<ObjectId>(objects_.size());
  objects_.push_back(obj);
  return obj.id;
}

void ObjectSet::Finish() {
  by_key_.reserve(objects_.size());
  std::unordered_map<ObjectId, std::vector<ObjectId>> groups;
  for (const Object& o : objects_) {
    ObjectKey key{std::string(o.kind), std::string(o.ns), std::string(o.name)};
    auto [it, inserted] = by_key_.emplace(key, o.id);
    if (!inserted && !o.name.empty()) {
      auto& g = groups[it->second];
      if (g.empty()) g.push_back(it->second);
      g.push_back(o.id);
    }
    by_kind_[std::string(o.kind)].push_back(o.id);
    kind_namespaces_[std::string(o.kind)].emplace(o.ns);
  }
  for (auto& [first, ids] : groups) duplicates_.push_back(std::move(ids));
  std::sort(duplicates_.begin(), duplicates_.end());
  for (size_t g = 0; g < duplicates_.size(); ++g) {
    for (ObjectId id : duplicates_[g]) duplicate_group_[id] = g;
  }
}

std::vector<ObjectId> ObjectSet::SameIdentity(ObjectId id) const {
  auto it = duplicate_group_.find(id);
  if (it == duplicate_group_.end()) return {id};
  return duplicates_[it->second];
}

const Object* ObjectSet::Find(std::string_view kind, std::string_view ns, std::string_view name) const {
  auto it = by_key_.find(ObjectKeyView{kind, ns, name});
  return it == by_key_.end() ? nullptr : &objects_[it->second];
}

const std::vector<ObjectId>& ObjectSet::OfKind(std::string_view kind) const {
  static const std::vector<ObjectId> kEmpty;
  auto it = by_kind_.find(std::string(kind));
  return it == by_kind_.end() ? kEmpty : it->second;
}

bool ObjectSet::HasKindIn(std::string_view kind, std::string_view ns) const {
  auto it = kind_namespaces_.find(std::string(kind));
  if (it == kind_namespaces_.end()) return false;
  if (ns == "*") return true;
  return it->second.count(std::string(ns)) > 0;
}

size_t ObjectSet::MemoryBytes() const {
  size_t total = objects_.capacity() * sizeof(Object);
  // Documents of one file share a store: count each store once.
  std::unordered_set<const DocumentStore*> stores;
  for (const auto& d : docs_) {
    total += sizeof(Document) + d->helm_source.capacity();
    if (stores.insert(&d->store()).second) total += d->MemoryBytes();
  }
  return total;
}

std::string_view ObjectSet::Intern(std::string s) {
  for (const auto& i : interned_) {
    if (*i == s) return *i;
  }
  interned_.push_back(std::make_unique<std::string>(std::move(s)));
  return *interned_.back();
}

std::string_view ApiGroup(std::string_view api_version) {
  auto slash = api_version.find('/');
  if (slash == std::string_view::npos) return {};
  return api_version.substr(0, slash);
}

bool IsClusterScopedKind(std::string_view kind) {
  static constexpr std::string_view kCluster[] = {
      "APIService",
      "CSIDriver",
      "CSINode",
      "CertificateSigningRequest",
      "ClusterAnalysisTemplate",
      "ClusterIssuer",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterSecretStore",
      "ClusterExternalSecret",
      "ClusterWorkflowTemplate",
      "ComponentStatus",
      "CustomResourceDefinition",
      "DeviceClass",
      "FlowSchema",
      "IPAddress",
      "IngressClass",
      "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding",
      "MutatingWebhookConfiguration",
      "Namespace",
      "Node",
      "PersistentVolume",
      "PodSecurityPolicy",
      "PriorityClass",
      "PriorityLevelConfiguration",
      "ResourceSlice",
      "RuntimeClass",
      "SelfSubjectAccessReview",
      "SelfSubjectReview",
      "SelfSubjectRulesReview",
      "ServiceCIDR",
      "StorageClass",
      "StorageVersion",
      "StorageVersionMigration",
      "SubjectAccessReview",
      "TokenReview",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "ValidatingWebhookConfiguration",
      "VolumeAttachment",
      "VolumeAttributesClass",
  };
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> v(std::begin(kCluster), std::end(kCluster));
    std::sort(v.begin(), v.end());
    return v;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), kind);
}

}  // namespace kora
