// kora's own document model. YAML and JSON both load into this compact tree;
// no rule or report ever sees a parser's types. Every node carries the span of
// the text it came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/source.h"

namespace kora {

enum class NodeType : uint8_t { kNull, kScalar, kMap, kSeq };

// How a scalar resolves, the way the Kubernetes API machinery (sigs.k8s.io/yaml
// on top of go-yaml, or encoding/json) would read it.
enum class ScalarTag : uint8_t { kString, kInt, kFloat, kBool, kNull, kBinary, kOther };

inline constexpr uint32_t kNoNode = 0xffffffffu;

struct NodeData {
  uint32_t bline, bcol, eline, ecol;
  // Scalar: offset and length in the string arena. Map/Seq: first index and
  // count in kids (a map stores key, value, key, value, ...).
  uint32_t a, b;
  NodeType type;
  ScalarTag tag;
  uint8_t flags;  // kFlowStyle, kQuoted
  uint8_t reserved;
};
static_assert(sizeof(NodeData) == 28, "keep nodes compact");

inline constexpr uint8_t kFlowStyle = 1;
inline constexpr uint8_t kQuoted = 2;

class Node;

// One parsed document (a YAML document, or a whole JSON file). Objects are
// subtrees of documents; a kind: List yields several objects of one document.
class Document {
 public:
  FileId file = kNoFile;
  uint32_t root = kNoNode;
  std::string helm_source;  // from a "# Source: chart/templates/x.yaml" comment
  Span doc_span;            // the document as a whole

  uint32_t AddScalar(Span span, std::string_view value, ScalarTag tag, uint8_t flags);
  uint32_t AddNull(Span span);
  // Containers are built bottom-up: children first, then the container.
  uint32_t AddContainer(NodeType type, Span span, const uint32_t* kids, size_t count, uint8_t flags);
  uint32_t ReserveContainer(NodeType type, Mark begin, uint8_t flags);
  void FinishContainer(uint32_t id, const uint32_t* kids, size_t count, Mark end);
  // Scalars never decode longer than their source text, so reserving the
  // document's text length up front means the arena is never reallocated
  // (a 50 MB scalar would otherwise double it to 100 MB). Untouched reserve
  // costs address space, not memory.
  void ReserveStrings(size_t source_bytes) { strings_.reserve(source_bytes); }
  void Shrink();

  const NodeData& data(uint32_t id) const { return nodes_[id]; }
  NodeData& mutable_data(uint32_t id) { return nodes_[id]; }
  std::string_view str(uint32_t id) const {
    const NodeData& n = nodes_[id];
    return std::string_view(strings_.data() + n.a, n.b);
  }
  uint32_t kid(uint32_t index) const { return kids_[index]; }
  size_t node_count() const { return nodes_.size(); }
  size_t MemoryBytes() const {
    return nodes_.capacity() * sizeof(NodeData) + kids_.capacity() * sizeof(uint32_t) + strings_.capacity();
  }
  Node Root() const;

 private:
  std::vector<NodeData> nodes_;
  std::vector<uint32_t> kids_;
  std::string strings_;
};

// A read-only view of one node. Cheap to copy; an absent node is falsy, and
// every accessor on it returns an empty result, so lookups chain safely:
// obj.Root()["spec"]["template"]["spec"].
class Node {
 public:
  Node() = default;
  Node(const Document* doc, uint32_t id, uint32_t key = kNoNode) : doc_(doc), id_(id), key_(key) {}

  explicit operator bool() const { return doc_ != nullptr && id_ != kNoNode; }
  NodeType type() const { return *this ? doc_->data(id_).type : NodeType::kNull; }
  bool IsMap() const { return *this && type() == NodeType::kMap; }
  bool IsSeq() const { return *this && type() == NodeType::kSeq; }
  bool IsScalar() const { return *this && type() == NodeType::kScalar; }
  bool IsNull() const { return *this && type() == NodeType::kNull; }
  ScalarTag tag() const { return IsScalar() ? doc_->data(id_).tag : ScalarTag::kNull; }
  bool IsString() const { return IsScalar() && tag() == ScalarTag::kString; }
  bool quoted() const { return *this && (doc_->data(id_).flags & kQuoted); }

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
