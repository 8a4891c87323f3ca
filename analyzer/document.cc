#include "analyzer/document.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace kora {

namespace {

constexpr uint32_t kEmptySlot = 0xffffffffu;

uint32_t PackBits(NodeType type, ScalarTag tag, uint8_t flags, size_t length) {
  uint32_t len = length >= NodeData::kLongSpan ? NodeData::kLongSpan : static_cast<uint32_t>(length);
  return len | (static_cast<uint32_t>(type) << 24) | (static_cast<uint32_t>(tag) << 26) |
         (static_cast<uint32_t>(flags & 7) << 29);
}

// Keys are short: 8 bytes at a time, multiply and mix.
uint32_t HashKey(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  uint64_t w = 0;
  if (i < s.size()) std::memcpy(&w, s.data() + i, s.size() - i);  // "" may have a null data()
  h = (h ^ w) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h) ^ static_cast<uint32_t>(h >> 32);
}

}  // namespace

DocumentStore::DocumentStore(std::shared_ptr<const PositionIndex> positions) : positions_(std::move(positions)) {}

PendingNode DocumentStore::MakeNode(NodeType type, ScalarTag tag, uint8_t flags, size_t begin, size_t end) {
  PendingNode p;
  p.data.begin = static_cast<uint32_t>(begin);
  p.data.a = p.data.b = 0;
  size_t length = end > begin ? end - begin : 0;
  p.data.bits = PackBits(type, tag, flags, length);
  p.end = static_cast<uint32_t>(std::max(begin, end));
  return p;
}

PendingNode DocumentStore::MakeScalar(size_t begin, size_t end, std::string_view value, ScalarTag tag, uint8_t flags,
                                      bool key) {
  PendingNode p = MakeNode(NodeType::kScalar, tag, key ? (flags | NodeData::kInterned) : flags, begin, end);
  p.data.b = static_cast<uint32_t>(value.size());
  if (key) {
    p.data.a = Intern(value);
  } else {
    p.data.a = static_cast<uint32_t>(strings_.size());
    strings_.append(value.data(), value.size());
  }
  return p;
}

PendingNode DocumentStore::MakeNull(size_t begin, size_t end) {
  return MakeNode(NodeType::kNull, ScalarTag::kNull, 0, begin, end);
}

uint32_t DocumentStore::PlaceNode(const PendingNode& n) {
  uint32_t id = static_cast<uint32_t>(nodes_.size());
  if (positions_ && n.data.span_length() == NodeData::kLongSpan) long_ends_[id] = n.end;
  nodes_.push_back(n.data);
  if (!positions_) spans_.push_back(n.end < pending_spans_.size() ? pending_spans_[n.end] : Span{});
  return id;
}

uint32_t DocumentStore::Place(const PendingNode& n) { return PlaceNode(n); }

PendingNode DocumentStore::MakeContainer(NodeType type, size_t begin, size_t end, uint8_t flags,
                                         const PendingNode* kids, size_t count) {
  PendingNode p = MakeNode(type, ScalarTag::kNull, flags, begin, end);
  p.data.a = static_cast<uint32_t>(nodes_.size());
  p.data.b = static_cast<uint32_t>(count);
  for (size_t i = 0; i < count; ++i) PlaceNode(kids[i]);
  if (type == NodeType::kMap) {
    for (size_t i = 0; i + 1 < count; i += 2) InternKey(p.data.a + static_cast<uint32_t>(i));
  }
  return p;
}

PendingNode DocumentStore::MakeScalar(Span span, std::string_view value, ScalarTag tag, uint8_t flags) {
  PendingNode p = MakeScalar(0, 0, value, tag, flags);
  p.end = static_cast<uint32_t>(pending_spans_.size());
  pending_spans_.push_back(span);
  return p;
}

PendingNode DocumentStore::MakeContainer(NodeType type, Span span, uint8_t flags, const PendingNode* kids,
                                         size_t count) {
  PendingNode p = MakeContainer(type, 0, 0, flags, kids, count);
  p.end = static_cast<uint32_t>(pending_spans_.size());
  pending_spans_.push_back(span);
  return p;
}

void DocumentStore::InternKey(uint32_t id) {
  NodeData& n = nodes_[id];
  if (n.type() != NodeType::kScalar || (n.flags() & NodeData::kInterned)) return;
  std::string value(str(id));
  n.a = Intern(value);
  n.bits |= static_cast<uint32_t>(NodeData::kInterned) << 29;
}

namespace {
// The empty key ("": 1 is valid JSON and YAML) may be interned while the
// string arena is still unallocated: memcmp with a null pointer is undefined
// even for zero bytes (UBSan, found by fuzz_json).
bool SameBytes(const char* stored, std::string_view key) {
  return key.empty() || std::memcmp(stored, key.data(), key.size()) == 0;
}
}  // namespace

uint32_t DocumentStore::Intern(std::string_view value) {
  if (2 * (key_count_ + 1) > keys_.size()) GrowKeys();
  uint32_t hash = HashKey(value);
  size_t mask = keys_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    KeyEntry& e = keys_[i];
    if (e.length == kEmptySlot) {
      e.offset = static_cast<uint32_t>(strings_.size());
      e.length = static_cast<uint32_t>(value.size());
      e.hash = hash;
      strings_.append(value.data(), value.size());
      ++key_count_;
      return e.offset;
    }
    if (e.hash == hash && e.length == value.size() && SameBytes(strings_.data() + e.offset, value)) {
      return e.offset;
    }
  }
}

void DocumentStore::GrowKeys() { RehashKeys(std::max<size_t>(64, keys_.size() * 2), strings_.size()); }

void DocumentStore::RehashKeys(size_t size, size_t strings_end) {
  std::vector<KeyEntry> old = std::move(keys_);
  keys_.assign(size, KeyEntry{0, kEmptySlot, 0});
  key_count_ = 0;
  size_t mask = keys_.size() - 1;
  for (const KeyEntry& e : old) {
    if (e.length == kEmptySlot || e.offset + static_cast<size_t>(e.length) > strings_end) continue;
    size_t i = e.hash & mask;
    while (keys_[i].length != kEmptySlot) i = (i + 1) & mask;
    keys_[i] = e;
    ++key_count_;
  }
}

bool DocumentStore::FindKey(std::string_view key, uint32_t* offset) const {
  if (keys_.empty()) return false;
  uint32_t hash = HashKey(key);
  size_t mask = keys_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const KeyEntry& e = keys_[i];
    if (e.length == kEmptySlot) return false;
    if (e.hash == hash && e.length == key.size() && SameBytes(strings_.data() + e.offset, key)) {
      *offset = e.offset;
      return true;
    }
  }
}

void DocumentStore::Rollback(const Checkpoint& c) {
  for (size_t id = c.nodes; id < nodes_.size(); ++id) long_ends_.erase(static_cast<uint32_t>(id));
  nodes_.truncate(c.nodes);
  strings_.truncate(c.strings);
  if (!positions_) spans_.resize(c.nodes);
  // Keys first seen after the checkpoint point at dropped strings.
  bool dropped = false;
  for (KeyEntry& e : keys_) {
    if (e.length != kEmptySlot && e.offset + static_cast<size_t>(e.length) > c.strings) dropped = true;
  }
  if (dropped) RehashKeys(keys_.size(), c.strings);
}

void DocumentStore::Shrink() {
  nodes_.shrink_to_fit();
  strings_.shrink_to_fit();
  spans_.shrink_to_fit();
  std::vector<Span>().swap(pending_spans_);
  // A file of one small object has a dozen keys: 64 slots (the growth
  // minimum) would be most of its model, over thousands of small files.
  size_t slots = 4;
  while (slots < 2 * key_count_) slots *= 2;
  if (!keys_.empty() && slots < keys_.size()) {
    RehashKeys(slots, strings_.size());
    keys_.shrink_to_fit();
  }
}

size_t DocumentStore::End(uint32_t id) const {
  const NodeData& n = nodes_[id];
  uint32_t len = n.span_length();
  if (len != NodeData::kLongSpan) return static_cast<size_t>(n.begin) + len;
  auto it = long_ends_.find(id);
  return it == long_ends_.end() ? n.begin : it->second;
}

Span DocumentStore::SpanOf(uint32_t id) const {
  if (!positions_) return spans_[id];
  return positions_->SpanAt(nodes_[id].begin, End(id));
}

Span DocumentStore::SpanOf(const PendingNode& n) const {
  if (!positions_) return n.end < pending_spans_.size() ? pending_spans_[n.end] : Span{};
  return positions_->SpanAt(n.data.begin, n.end);
}

size_t DocumentStore::MemoryBytes() const {
  return nodes_.capacity() * sizeof(NodeData) + strings_.capacity() +
         keys_.capacity() * sizeof(KeyEntry) + (spans_.capacity() + pending_spans_.capacity()) * sizeof(Span) +
         (positions_ ? positions_->MemoryBytes() : 0);
}

Document::Document() : store_(std::make_shared<DocumentStore>()) {}

Document::Document(std::shared_ptr<DocumentStore> store) : store_(std::move(store)) {}

Node Document::Root() const { return Node(this, root); }

size_t Node::Size() const {
  if (!*this) return 0;
  const NodeData& n = doc_->data(id_);
  if (n.type() == NodeType::kSeq) return n.b;
  if (n.type() == NodeType::kMap) return n.b / 2;
  return 0;
}

Node Node::At(size_t i) const {
  if (!IsSeq() || i >= Size()) return Node();
  return Node(doc_, doc_->data(id_).a + static_cast<uint32_t>(i));
}

Node Node::KeyAt(size_t i) const {
  if (!IsMap() || i >= Size()) return Node();
  return Node(doc_, doc_->data(id_).a + static_cast<uint32_t>(2 * i));
}

Node Node::ValueAt(size_t i) const {
  if (!IsMap() || i >= Size()) return Node();
  uint32_t base = doc_->data(id_).a + static_cast<uint32_t>(2 * i);
  return Node(doc_, base + 1, base);
}

Node Node::Get(std::string_view key) const {
  if (!IsMap()) return Node();
  const DocumentStore& store = doc_->store();
  // Keys are interned: a key no map of the file has is not here either, and
  // the others compare by offset.
  uint32_t offset;
  if (!store.FindKey(key, &offset)) return Node();
  const NodeData& n = store.data(id_);
  uint32_t size = static_cast<uint32_t>(key.size());
  // Of duplicate keys the last one wins, as in the API server.
  for (uint32_t k = n.a + (n.b & ~1u); k > n.a;) {
    k -= 2;
    const NodeData& kd = store.data(k);
    if (kd.a == offset && kd.b == size && kd.type() == NodeType::kScalar) return Node(doc_, k + 1, k);
  }
  return Node();
}

Span Node::span() const {
  if (!*this) return Span{};
  return doc_->store().SpanOf(id_);
}

Span Node::FieldSpan() const {
  Span s = span();
  if (key_ != kNoNode && doc_) {
    Span k = doc_->store().SpanOf(key_);
    s.begin = k.begin;
    if (!s.end.line || s.end < s.begin) s.end = k.end;
  }
  return s;
}

std::optional<int64_t> Node::Int() const {
  if (!IsScalar()) return std::nullopt;
  std::string_view s = Str();
  if (s.empty()) return std::nullopt;
  std::string clean;
  clean.reserve(s.size());
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  int base = 10;
  size_t start = 0;
  bool neg = false;
  if (clean[0] == '+' || clean[0] == '-') {
    neg = clean[0] == '-';
    start = 1;
  }
  if (clean.size() > start + 2 && clean[start] == '0' && (clean[start + 1] == 'x' || clean[start + 1] == 'X')) {
    base = 16;
    start += 2;
  } else if (clean.size() > start + 2 && clean[start] == '0' && (clean[start + 1] == 'o')) {
    base = 8;
    start += 2;
  }
  int64_t v = 0;
  const char* b = clean.data() + start;
  const char* e = clean.data() + clean.size();
  auto [p, ec] = std::from_chars(b, e, v, base);
  if (ec != std::errc() || p != e) {
    // Integral floats such as 3.0 count as integers (JSON numbers often are).
    auto d = Number();
    if (d && std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9.2e18) return static_cast<int64_t>(*d);
    return std::nullopt;
  }
  return neg ? -v : v;
}

std::optional<double> Node::Number() const {
  if (!IsScalar()) return std::nullopt;
  std::string s(Str());
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

std::optional<bool> Node::Bool() const {
  if (!IsScalar()) return std::nullopt;
  std::string_view s = Str();
  if (tag() == ScalarTag::kBool || tag() == ScalarTag::kString) {
    if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "Yes" || s == "YES" || s == "on" ||
        s == "On" || s == "ON" || s == "y" || s == "Y")
      return true;
    if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "No" || s == "NO" || s == "off" ||
        s == "Off" || s == "OFF" || s == "n" || s == "N")
      return false;
  }
  return std::nullopt;
}

ScalarTag ResolvePlainScalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return ScalarTag::kNull;
  static constexpr std::string_view kBools[] = {"y",    "Y",     "yes",   "Yes",   "YES", "n",   "N",
                                                "no",   "No",    "NO",    "true",  "True", "TRUE", "false",
                                                "False", "FALSE", "on",    "On",    "ON",  "off", "Off", "OFF"};
  for (auto b : kBools) {
    if (s == b) return ScalarTag::kBool;
  }
  // Numbers: [-+]?digits, 0x.., 0o.., decimals and exponents, .inf, .nan.
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') i = 1;
  if (i >= s.size()) return ScalarTag::kString;
  std::string_view rest = s.substr(i);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return ScalarTag::kFloat;
  if (i == 0 && (s == ".nan" || s == ".NaN" || s == ".NAN")) return ScalarTag::kFloat;
  if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'o')) {
    bool hex = rest[1] == 'x';
    for (size_t j = 2; j < rest.size(); ++j) {
      char c = rest[j];
      bool ok = hex ? std::isxdigit(static_cast<unsigned char>(c)) : (c >= '0' && c <= '7');
      if (!ok && c != '_') return ScalarTag::kString;
    }
    return ScalarTag::kInt;
  }
  bool digits = false, dot = false, exp = false;
  for (size_t j = 0; j < rest.size(); ++j) {
    char c = rest[j];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '_' && digits && !dot && !exp) {
      continue;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits && !exp) {
      exp = true;
      digits = false;
      if (j + 1 < rest.size() && (rest[j + 1] == '+' || rest[j + 1] == '-')) ++j;
    } else {
      return ScalarTag::kString;
    }
  }
  if (!digits) return ScalarTag::kString;
  return (dot || exp) ? ScalarTag::kFloat : ScalarTag::kInt;
}

}  // namespace kora
