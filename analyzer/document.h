// kora's own document model. YAML and JSON both load into this compact tree;
// no rule or report ever sees a parser's types. Every node carries the span of
// the text it came from.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "analyzer/source.h"

namespace kora {

enum class NodeType : uint8_t { kNull, kScalar, kMap, kSeq };

// How a scalar resolves, the way the Kubernetes API machinery (sigs.k8s.io/yaml
// on top of go-yaml, or encoding/json) would read it.
enum class ScalarTag : uint8_t { kString, kInt, kFloat, kBool, kNull, kBinary, kOther };

inline constexpr uint32_t kNoNode = 0xffffffffu;

inline constexpr uint8_t kFlowStyle = 1;
inline constexpr uint8_t kQuoted = 2;

// One node, 16 bytes: the model of a 100,000-object dump holds millions.
// Positions are byte offsets into the file's text (PositionIndex turns them
// into lines and columns on demand).
struct NodeData {
  uint32_t begin;  // byte offset of the node's first character
  // Scalar: offset and length in the string arena. Map/Seq: the id of the
  // first child and the number of children. A container's children are
  // consecutive nodes (a map's are key, value, key, value, ...).
  uint32_t a, b;
  // Bits 0-23: end - begin (kLongSpan: kept aside); 24-25 type; 26-28 tag;
  // 29-31 flags (kFlowStyle, kQuoted, kInterned).
  uint32_t bits;

  static constexpr uint32_t kLongSpan = 0xffffff;
  static constexpr uint8_t kInterned = 4;  // a map key whose string offset is canonical
  NodeType type() const { return static_cast<NodeType>((bits >> 24) & 3); }
  ScalarTag tag() const { return static_cast<ScalarTag>((bits >> 26) & 7); }
  uint8_t flags() const { return static_cast<uint8_t>(bits >> 29); }
  uint32_t span_length() const { return bits & kLongSpan; }
};
static_assert(sizeof(NodeData) == 16, "keep nodes compact");

// A growable array of trivially copyable values on malloc/realloc: growing a
// big array moves its pages (mremap) instead of copying them, and shrinking
// it gives the tail back in place, so the model never holds two copies of
// itself while it is built.
template <typename T>
class PodArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PodArray() = default;
  ~PodArray() { std::free(data_); }
  PodArray(const PodArray&) = delete;
  PodArray& operator=(const PodArray&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  void push_back(const T& v) {
    if (size_ == capacity_) Grow(size_ + 1);
    data_[size_++] = v;
  }
  void append(const T* p, size_t n) {
    if (n == 0) return;
    if (size_ + n > capacity_) Grow(size_ + n);
    std::memcpy(data_ + size_, p, n * sizeof(T));
    size_ += n;
  }
  void truncate(size_t n) {
    if (n < size_) size_ = n;
  }
  void shrink_to_fit() {
    if (size_ == capacity_) return;
    if (size_ == 0) {
      std::free(data_);
      data_ = nullptr;
      capacity_ = 0;
      return;
    }
    if (T* p = static_cast<T*>(std::realloc(data_, size_ * sizeof(T)))) {
      data_ = p;
      capacity_ = size_;
    }
  }

 private:
  void Grow(size_t need) {
    size_t cap = std::max<size_t>({need, capacity_ * 2, 64 / sizeof(T) + 1});
    T* p = static_cast<T*>(std::realloc(data_, cap * sizeof(T)));
    if (!p) throw std::bad_alloc();
    data_ = p;
    capacity_ = cap;
  }
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// A node made but not yet placed in the store. The children of a map or a
// sequence are placed together, as one block, when it closes: they are then
// consecutive nodes, so the model needs no child lists, and a key lookup
// reads one run of memory instead of a node anywhere in the store per key.
//
// Kept small: a flat map of a million keys holds two million of them while it
// is built.
struct PendingNode {
  NodeData data;
  // Byte offset just after the node (kept aside for spans of 16 MiB or more).
  // In a store without a PositionIndex: the index of the node's Span among
  // those the store was given.
  uint32_t end = 0;
};

// The nodes and strings of every document read from one file, in two arenas
// the documents share. Map keys are interned: each distinct key string is
// stored once per file (a dump repeats a few hundred keys millions of times),
// and lookups by key compare offsets, not bytes.
//
// Nodes are made bottom-up as PendingNode values and placed by the container
// that holds them (MakeContainer) or, for a document's root, by Place.
// Positions are byte offsets into the file's text, given to the store as a
// PositionIndex; a store without one (text evidence, whose documents are
// assembled from table cells) keeps each node's Span instead.
class DocumentStore {
 public:
  explicit DocumentStore(std::shared_ptr<const PositionIndex> positions = nullptr);
  DocumentStore(const DocumentStore&) = delete;
  DocumentStore& operator=(const DocumentStore&) = delete;

  // Building, with byte offsets [begin, end) (stores with a PositionIndex).
  // key: the scalar is a map key, so its string is interned.
  PendingNode MakeScalar(size_t begin, size_t end, std::string_view value, ScalarTag tag, uint8_t flags,
                         bool key = false);
  PendingNode MakeNull(size_t begin, size_t end);
  // Places kids as one block. A map's keys that were not made as keys
  // (aliases, merges) are interned here.
  PendingNode MakeContainer(NodeType type, size_t begin, size_t end, uint8_t flags, const PendingNode* kids,
                            size_t count);

  // Building with explicit spans (stores without a PositionIndex).
  PendingNode MakeScalar(Span span, std::string_view value, ScalarTag tag, uint8_t flags);
  PendingNode MakeContainer(NodeType type, Span span, uint8_t flags, const PendingNode* kids, size_t count);

  // Places a node on its own (a document's root) and returns its id.
  uint32_t Place(const PendingNode& n);

  // Everything added after a checkpoint can be dropped again (a document
  // that turned out malformed).
  struct Checkpoint {
    size_t nodes, strings;
  };
  Checkpoint Save() const { return Checkpoint{nodes_.size(), strings_.size()}; }
  void Rollback(const Checkpoint& c);
  // Gives unused capacity back; call when the file is read.
  void Shrink();

  const NodeData& data(uint32_t id) const { return nodes_[id]; }
  std::string_view str(uint32_t id) const { return str(nodes_[id]); }
  std::string_view str(const NodeData& n) const { return std::string_view(strings_.data() + n.a, n.b); }
  size_t node_count() const { return nodes_.size(); }
  // Byte offset just after the node.
  size_t End(uint32_t id) const;
  Span SpanOf(uint32_t id) const;
  Span SpanOf(const PendingNode& n) const;
  // The canonical string offset of a map key, if any map in the store has it.
  bool FindKey(std::string_view key, uint32_t* offset) const;
  const PositionIndex* positions() const { return positions_.get(); }
  size_t MemoryBytes() const;

 private:
  struct KeyEntry {
    uint32_t offset, length, hash;
  };
  uint32_t Intern(std::string_view value);
  void InternKey(uint32_t id);
  void GrowKeys();
  // Rebuilds the key table with `size` slots (a power of two), keeping the
  // keys whose strings end at or before strings_end.
  void RehashKeys(size_t size, size_t strings_end);
  static PendingNode MakeNode(NodeType type, ScalarTag tag, uint8_t flags, size_t begin, size_t end);
  uint32_t PlaceNode(const PendingNode& n);

  std::shared_ptr<const PositionIndex> positions_;
  PodArray<NodeData> nodes_;
  PodArray<char> strings_;
  std::vector<KeyEntry> keys_;  // open addressing; length == kEmpty marks a free slot
  size_t key_count_ = 0;
  std::unordered_map<uint32_t, uint32_t> long_ends_;  // node -> end offset, for spans of 16 MiB or more
  std::vector<Span> spans_;                           // per node, for stores without a PositionIndex
  std::vector<Span> pending_spans_;                   // per node made, for stores without a PositionIndex
};

class Node;

// One parsed document (a YAML document, or a whole JSON file). Objects are
// subtrees of documents; a kind: List yields several objects of one document.
// The documents of one file share one DocumentStore.
class Document {
 public:
  // A document with a store of its own, positions given as spans.
  Document();
  explicit Document(std::shared_ptr<DocumentStore> store);

  FileId file = kNoFile;
  uint32_t root = kNoNode;
  std::string helm_source;  // from a "# Source: chart/templates/x.yaml" comment
  Span doc_span;            // the document as a whole

  // Building with spans (a store without a PositionIndex): bottom-up, the
  // children first; Place(root) sets the root.
  PendingNode MakeScalar(Span span, std::string_view value, ScalarTag tag, uint8_t flags) {
    return store_->MakeScalar(span, value, tag, flags);
  }
  PendingNode MakeContainer(NodeType type, Span span, const PendingNode* kids, size_t count, uint8_t flags) {
    return store_->MakeContainer(type, span, flags, kids, count);
  }
  void Place(const PendingNode& root_node) { root = store_->Place(root_node); }
  void Shrink() { store_->Shrink(); }

  const NodeData& data(uint32_t id) const { return store_->data(id); }
  std::string_view str(uint32_t id) const { return store_->str(id); }
  // Nodes in the store (shared with the other documents of the file): every
  // id below this is valid.
  size_t node_count() const { return store_->node_count(); }
  const DocumentStore& store() const { return *store_; }
  DocumentStore& mutable_store() { return *store_; }
  // The bytes of the store, which the file's other documents share.
  size_t MemoryBytes() const { return store_->MemoryBytes(); }
  Node Root() const;

 private:
  std::shared_ptr<DocumentStore> store_;
};

// A read-only view of one node. Cheap to copy; an absent node is falsy, and
// every accessor on it returns an empty result, so lookups chain safely:
// obj.Root()["spec"]["template"]["spec"].
class Node {
 public:
  Node() = default;
  Node(const Document* doc, uint32_t id, uint32_t key = kNoNode) : doc_(doc), id_(id), key_(key) {}

  explicit operator bool() const { return doc_ != nullptr && id_ != kNoNode; }
  NodeType type() const { return *this ? doc_->data(id_).type() : NodeType::kNull; }
  bool IsMap() const { return *this && type() == NodeType::kMap; }
  bool IsSeq() const { return *this && type() == NodeType::kSeq; }
  bool IsScalar() const { return *this && type() == NodeType::kScalar; }
  bool IsNull() const { return *this && type() == NodeType::kNull; }
  ScalarTag tag() const { return IsScalar() ? doc_->data(id_).tag() : ScalarTag::kNull; }
  bool IsString() const { return IsScalar() && tag() == ScalarTag::kString; }
  bool quoted() const { return *this && (doc_->data(id_).flags() & kQuoted); }

  // The scalar's text (for any scalar tag); empty for other nodes.
  std::string_view Str() const { return IsScalar() ? doc_->str(id_) : std::string_view(); }
  std::optional<int64_t> Int() const;
  std::optional<double> Number() const;
  std::optional<bool> Bool() const;

  size_t Size() const;
  Node At(size_t i) const;                // sequence item
  Node Get(std::string_view key) const;   // map value; the result remembers its key
  Node operator[](std::string_view key) const { return Get(key); }
  Node KeyAt(size_t i) const;             // map entry i's key
  Node ValueAt(size_t i) const;           // map entry i's value

  // The node's own text span.
  Span span() const;
  // From the key that led here (if any) to the end of the value: the field.
  Span FieldSpan() const;
  // The key node this value was reached through (falsy otherwise).
  Node Key() const { return key_ == kNoNode ? Node() : Node(doc_, key_); }

  const Document* doc() const { return doc_; }
  uint32_t id() const { return id_; }
  bool Same(const Node& o) const { return doc_ == o.doc_ && id_ == o.id_; }

  // Iteration helpers.
  struct Entry;
  class EntryRange;
  class ItemRange;
  EntryRange Entries() const;
  ItemRange Items() const;

 private:
  const Document* doc_ = nullptr;
  uint32_t id_ = kNoNode;
  uint32_t key_ = kNoNode;
};

struct Node::Entry {
  Node key;
  Node value;
};

class Node::EntryRange {
 public:
  class iterator {
   public:
    iterator(const Node* n, size_t i) : n_(n), i_(i) {}
    Entry operator*() const { return Entry{n_->KeyAt(i_), n_->ValueAt(i_)}; }
    iterator& operator++() { ++i_; return *this; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }
   private:
    const Node* n_;
    size_t i_;
  };
  explicit EntryRange(Node n) : n_(n) {}
  iterator begin() const { return iterator(&n_, 0); }
  iterator end() const { return iterator(&n_, n_.IsMap() ? n_.Size() : 0); }
 private:
  Node n_;
};

class Node::ItemRange {
 public:
  class iterator {
   public:
    iterator(const Node* n, size_t i) : n_(n), i_(i) {}
    Node operator*() const { return n_->At(i_); }
    iterator& operator++() { ++i_; return *this; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }
   private:
    const Node* n_;
    size_t i_;
  };
  explicit ItemRange(Node n) : n_(n) {}
  iterator begin() const { return iterator(&n_, 0); }
  iterator end() const { return iterator(&n_, n_.IsSeq() ? n_.Size() : 0); }
 private:
  Node n_;
};

inline Node::EntryRange Node::Entries() const { return EntryRange(*this); }
inline Node::ItemRange Node::Items() const { return ItemRange(*this); }

// Resolves a plain (unquoted, untagged) YAML scalar the way go-yaml v2 does,
// which is what kubectl and the API machinery use (YAML 1.1: yes/no/on/off are
// booleans).
ScalarTag ResolvePlainScalar(std::string_view s);

}  // namespace kora
