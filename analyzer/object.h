// Kubernetes objects as kora sees them: a view of one mapping in a document,
// with its identity pulled out once at load time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analyzer/document.h"
#include "analyzer/source.h"

namespace kora {

using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = 0xffffffffu;

struct Object {
  ObjectId id = kNoObject;
  const Document* doc = nullptr;
  uint32_t root = kNoNode;
  FileId file = kNoFile;
  std::string_view api_version;
  std::string_view group;  // "" for the core group
  std::string_view kind;
  std::string_view name;
  std::string_view ns;  // empty for cluster-scoped kinds
  std::string_view uid;
  bool namespace_defaulted = false;  // metadata.namespace was absent
  bool from_list = false;            // an item of a kind: List / *List

  Node Root() const { return Node(doc, root); }
  Node Metadata() const { return Root()["metadata"]; }
  Node Spec() const { return Root()["spec"]; }
  Node Status() const { return Root()["status"]; }
  Node Labels() const { return Metadata()["labels"]; }
  Node Annotations() const { return Metadata()["annotations"]; }
  std::string_view Label(std::string_view key) const { return Labels()[key].Str(); }
  std::string_view Annotation(std::string_view key) const { return Annotations()[key].Str(); }
  std::string_view helm_source() const { return doc ? std::string_view(doc->helm_source) : std::string_view(); }
  Span span() const { return Root().span(); }
  // Read from a cluster (kubectl get) rather than written by hand or a
  // template: it carries server-set metadata.
  bool live() const {
    Node m = Metadata();
    return !uid.empty() || m["resourceVersion"] || m["creationTimestamp"] || m["annotations"]["kora.dev/source"] ||
           HasStatus();
  }
  // A status with some content (manifests at most carry empty stubs).
  bool HasStatus() const;
  // Built from pasted kubectl text rather than read as YAML/JSON.
  bool from_text() const { return static_cast<bool>(Annotations()["kora.dev/source"]); }
  // "Kind/namespace/name" or "Kind/name" for cluster-scoped objects.
  std::string Ref() const;
};

// Identity used to find objects by reference: kind, namespace and name.
struct ObjectKey {
  std::string kind;
  std::string ns;
  std::string name;
  bool operator==(const ObjectKey& o) const = default;
  std::string Ref() const;
};

// A key to look up without building one (no string copies per lookup).
struct ObjectKeyView {
  std::string_view kind, ns, name;
};

// Hash and equality that accept an ObjectKeyView for find (heterogeneous
// lookup): the same hash for equal keys of either type.
struct ObjectKeyHash {
  using is_transparent = void;
  size_t operator()(const ObjectKeyView& k) const noexcept;
  size_t operator()(const ObjectKey& k) const noexcept { return (*this)(ObjectKeyView{k.kind, k.ns, k.name}); }
};
struct ObjectKeyEqual {
  using is_transparent = void;
  static bool Same(const ObjectKeyView& a, const ObjectKeyView& b) {
    return a.name == b.name && a.kind == b.kind && a.ns == b.ns;
  }
  static ObjectKeyView View(const ObjectKey& k) { return ObjectKeyView{k.kind, k.ns, k.name}; }
  bool operator()(const ObjectKey& a, const ObjectKey& b) const { return Same(View(a), View(b)); }
  bool operator()(const ObjectKeyView& a, const ObjectKey& b) const { return Same(a, View(b)); }
  bool operator()(const ObjectKey& a, const ObjectKeyView& b) const { return Same(View(a), b); }
};

// All objects of one run, loaded once and read-only afterwards. Lookups by
// identity and by kind are indexed, so no rule needs to scan everything.
class ObjectSet {
 public:
  ObjectSet() = default;
  ObjectSet(const ObjectSet&) = delete;
  ObjectSet& operator=(const ObjectSet&) = delete;

  void AdoptDocument(std::unique_ptr<Document> doc) { docs_.push_back(std::move(doc)); }
  ObjectId Add(Object obj);
  // Builds the indexes; call once after the last Add.
  void Finish();

  size_t size() const { return objects_.size(); }
  const Object& operator[](ObjectId id) const { return objects_[id]; }
  const std::vector<Object>& all() const { return objects_; }

  // The first object with this identity (kind is case-sensitive, as in the API).
  const Object* Find(std::string_view kind, std::string_view ns, std::string_view name) const;
  const std::vector<ObjectId>& OfKind(std::string_view kind) const;
  // Whether any object of this kind exists in the namespace (or anywhere, for ns "*").
  bool HasKindIn(std::string_view kind, std::string_view ns) const;
  // Groups of objects sharing one identity, each with two or more members.
  const std::vector<std::vector<ObjectId>>& Duplicates() const { return duplicates_; }
  // Every object sharing id's identity (itself included), e.g. a manifest and
  // its live copy; a one-element list for unique objects.
  std::vector<ObjectId> SameIdentity(ObjectId id) const;
  size_t MemoryBytes() const;
  // Keeps a string alive as long as the set, for identity fields that do not
  // come from a document (a defaulted namespace, a kind inferred from a path).
  std::string_view Intern(std::string s);

 private:
  std::vector<std::unique_ptr<Document>> docs_;
  std::vector<std::unique_ptr<std::string>> interned_;
  std::vector<Object> objects_;
  std::unordered_map<ObjectKey, ObjectId, ObjectKeyHash, ObjectKeyEqual> by_key_;
  std::unordered_map<std::string, std::vector<ObjectId>> by_kind_;
  std::unordered_map<std::string, std::unordered_set<std::string>> kind_namespaces_;
  std::vector<std::vector<ObjectId>> duplicates_;
  std::unordered_map<ObjectId, size_t> duplicate_group_;
};

// Whether a built-in (or commonly installed) kind is cluster-scoped.
bool IsClusterScopedKind(std::string_view kind);
// Splits "group/version" into group ("" for "v1").
std::string_view ApiGroup(std::string_view api_version);

}  // namespace kora
