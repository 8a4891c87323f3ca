#include "analyzer/document.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace kora {

namespace {
NodeData MakeNode(NodeType type, Span span, uint8_t flags) {
  NodeData n{};
  n.bline = span.begin.line;
  n.bcol = span.begin.col;
  n.eline = span.end.line;
  n.ecol = span.end.col;
  n.type = type;
  n.tag = ScalarTag::kNull;
  n.flags = flags;
  return n;
}
}  // namespace

uint32_t Document::AddScalar(Span span, std::string_view value, ScalarTag tag, uint8_t flags) {
  NodeData n = MakeNode(NodeType::kScalar, span, flags);
  n.tag = tag;
  n.a = static_cast<uint32_t>(strings_.size());
  n.b = static_cast<uint32_t>(value.size());
  strings_.append(value);
  nodes_.push_back(n);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t Document::AddNull(Span span) {
  NodeData n = MakeNode(NodeType::kNull, span, 0);
  n.a = n.b = 0;
  nodes_.push_back(n);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t Document::ReserveContainer(NodeType type, Mark begin, uint8_t flags) {
  NodeData n = MakeNode(type, Span{begin, begin}, flags);
  n.a = n.b = 0;
  nodes_.push_back(n);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void Document::FinishContainer(uint32_t id, const uint32_t* kids, size_t count, Mark end) {
  NodeData& n = nodes_[id];
  n.a = static_cast<uint32_t>(kids_.size());
  n.b = static_cast<uint32_t>(count);
  kids_.insert(kids_.end(), kids, kids + count);
  n.eline = end.line;
  n.ecol = end.col;
}

uint32_t Document::AddContainer(NodeType type, Span span, const uint32_t* kids, size_t count, uint8_t flags) {
  uint32_t id = ReserveContainer(type, span.begin, flags);
  FinishContainer(id, kids, count, span.end);
  return id;
}

void Document::Shrink() {
  nodes_.shrink_to_fit();
  kids_.shrink_to_fit();
  // shrink_to_fit copies the arena; worth it only when much of it is unused
  // (a reserve for a document that was mostly structure).
  if (strings_.capacity() - strings_.size() > strings_.size() / 8) strings_.shrink_to_fit();
}

Node Document::Root() const { return Node(this, root); }

size_t Node::Size() const {
  if (!*this) return 0;
  const NodeData& n = doc_->data(id_);
  if (n.type == NodeType::kSeq) return n.b;
  if (n.type == NodeType::kMap) return n.b / 2;
  return 0;
}

Node Node::At(size_t i) const {
  if (!IsSeq() || i >= Size()) return Node();
  return Node(doc_, doc_->kid(doc_->data(id_).a + static_cast<uint32_t>(i)));
}

Node Node::KeyAt(size_t i) const {
  if (!IsMap() || i >= Size()) return Node();
  return Node(doc_, doc_->kid(doc_->data(id_).a + static_cast<uint32_t>(2 * i)));
}

Node Node::ValueAt(size_t i) const {
  if (!IsMap() || i >= Size()) return Node();
  uint32_t base = doc_->data(id_).a + static_cast<uint32_t>(2 * i);
  return Node(doc_, doc_->kid(base + 1), doc_->kid(base));
}

Node Node::Get(std::string_view key) const {
  if (!IsMap()) return Node();
  const NodeData& n = doc_->data(id_);
  // Of duplicate keys the last one wins, as in the API server.
  for (uint32_t i = n.b & ~1u; i >= 2; i -= 2) {
    uint32_t k = doc_->kid(n.a + i - 2);
    const NodeData& kd = doc_->data(k);
    if (kd.type == NodeType::kScalar && doc_->str(k) == key) {
      return Node(doc_, doc_->kid(n.a + i - 1), k);
    }
  }
  return Node();
}

Span Node::span() const {
  if (!*this) return Span{};
  const NodeData& n = doc_->data(id_);
  return Span{Mark{n.bline, n.bcol}, Mark{n.eline, n.ecol}};
}

Span Node::FieldSpan() const {
  Span s = span();
  if (key_ != kNoNode && doc_) {
    const NodeData& k = doc_->data(key_);
    s.begin = Mark{k.bline, k.bcol};
    if (!s.end.line || s.end < s.begin) s.end = Mark{k.eline, k.ecol};
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
