// JSON to kora's document model through simdjson's On-Demand API. One pass
// over the padded input; positions come from token pointers into the buffer.
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cstring>

#include "analyzer/load.h"
#include "analyzer/redact.h"

namespace kora {
namespace {

namespace od = simdjson::ondemand;

struct JsonError {
  size_t pos;
  std::string message;
  ProblemKind kind = ProblemKind::kParse;
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Finds the first place where text stops being valid JSON. simdjson reports
// some errors (an unclosed string, a stray character) without a position; this
// small scanner runs only on that error path to point at the exact byte.
struct JsonScan {
  size_t pos;      // where the grammar broke, or where the first complete value ends
  bool complete;   // a whole value was read without error
};

JsonScan LocateJsonError(std::string_view t, size_t start, size_t max_depth) {
  size_t i = start;
  size_t n = t.size();
  auto ws = [&] {
    while (i < n && IsJsonSpace(t[i])) ++i;
  };
  std::vector<char> stack;
  enum State { kValue, kAfterValue, kKey, kColon } state = kValue;
  ws();
  while (i < n) {
    ws();
    if (i >= n) break;
    char c = t[i];
    if (state == kValue) {
      if (c == '{' || c == '[') {
        stack.push_back(c);
        if (stack.size() > max_depth) return {i, false};
        ++i;
        ws();
        if (i < n && ((c == '{' && t[i] == '}') || (c == '[' && t[i] == ']'))) {
          stack.pop_back();
          ++i;
          state = kAfterValue;
          if (stack.empty()) return {i, true};
        } else {
          state = c == '{' ? kKey : kValue;
        }
        continue;
      }
      if (c == '"') {
        ++i;
        while (i < n && t[i] != '"') {
          if (t[i] == '\\') ++i;
          if (i < n && static_cast<unsigned char>(t[i]) < 0x20) return {i, false};
          ++i;
        }
        if (i >= n) return {n, false};
        ++i;
        state = kAfterValue;
        if (stack.empty()) return {i, true};
        continue;
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        ++i;
        while (i < n && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.' || t[i] == 'e' ||
                         t[i] == 'E' || t[i] == '+' || t[i] == '-'))
          ++i;
        state = kAfterValue;
        if (stack.empty()) return {i, true};
        continue;
      }
      for (std::string_view lit : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
        if (t.substr(i, lit.size()) == lit) {
          i += lit.size();
          state = kAfterValue;
          break;
        }
      }
      if (state == kAfterValue) {
        if (stack.empty()) return {i, true};
        continue;
      }
      return {i, false};
    }
    if (state == kKey) {
      if (c != '"') return {i, false};
      ++i;
      while (i < n && t[i] != '"') {
        if (t[i] == '\\') ++i;
        ++i;
      }
      if (i >= n) return {n, false};
      ++i;
      state = kColon;
      continue;
    }
    if (state == kColon) {
      if (c != ':') return {i, false};
      ++i;
      state = kValue;
      continue;
    }
    // kAfterValue
    if (stack.empty()) return {i, true};
    if (c == ',') {
      ++i;
      state = stack.back() == '{' ? kKey : kValue;
      continue;
    }
    if ((c == '}' && stack.back() == '{') || (c == ']' && stack.back() == '[')) {
      stack.pop_back();
      ++i;
      if (stack.empty()) return {i, true};
      continue;
    }
    return {i, false};
  }
  return {n, false};
}

// Where a big array's items are, found without parsing them: the JSON
// parser's buffers (structural indexes, unescaped strings) are sized to what
// it parses at once, and a kind: List is one document of the file's size.
struct JsonSplit {
  size_t open = std::string_view::npos;  // the array's '['
  size_t close = std::string_view::npos; // its ']'
  std::vector<std::pair<uint32_t, uint32_t>> items;  // [begin, end) of each item, whitespace trimmed
  size_t largest = 0;
};

// Bytes that matter for structure: quotes, backslashes, brackets, commas and
// colons. A bit per byte of the 64 at p.
uint64_t StructuralBits(const char* p) {
#if defined(__SSE2__)
  uint64_t bits = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));  // '[' -> '{', ']' -> '}'
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
    bits |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << (16 * k);
  }
  return bits;
#else
  uint64_t bits = 0;
  for (int i = 0; i < 64; ++i) {
    char c = p[i];
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':') {
      bits |= uint64_t{1} << i;
    }
  }
  return bits;
#endif
}

std::string_view TrimJsonSpace(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Finds the array to split in the value at root: the root itself if it is an
// array, else the "items" array of a root object. Only well-formed structure
// is recognised; anything unexpected returns false and the document is parsed
// whole, which also reports its errors. padded_end: bytes up to it may be read.
bool FindJsonSplit(std::string_view t, size_t root, size_t end, size_t padded_end, JsonSplit& out) {
  const bool root_is_array = t[root] == '[';
  size_t depth = 0;
  bool in_string = false;
  size_t escaped = std::string_view::npos;  // the byte after a backslash in a string
  size_t token_start = root + 1;            // after the last separator at depth 1 (root) or 2 (items)
  bool items_next = false;                  // the last depth-1 key was "items"
  bool in_items = false;
  size_t items_seen = 0;
  auto element = [&](size_t sep) -> bool {
    std::string_view tok = TrimJsonSpace(t.substr(token_start, sep - token_start));
    if (tok.empty()) return false;
    size_t b = static_cast<size_t>(tok.data() - t.data());
    out.items.emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(b + tok.size()));
    out.largest = std::max(out.largest, tok.size());
    return true;
  };
  auto handle = [&](size_t i) -> int {  // 1: done, 0: go on, -1: give up
    char c = t[i];
    if (in_string) {
      if (i == escaped) return 0;
      if (c == '\\') {
        escaped = i + 1;
      } else if (c == '"') {
        in_string = false;
      }
      return 0;
    }
    switch (c) {
      case '"':
        in_string = true;
        return 0;
      case '{':
      case '[':
        ++depth;
        if (depth == 1 && i != root) return -1;
        if (depth == 2 && items_next && c == '[') {
          if (++items_seen > 1) return -1;
          in_items = true;
          out.open = i;
          token_start = i + 1;
        }
        if (depth == 1 && root_is_array) {
          in_items = true;
          out.open = i;
        }
        return 0;
      case '}':
      case ']': {
        if (depth == 0) return -1;
        bool closes_items = in_items && depth == (root_is_array ? 1 : 2);
        if (closes_items) {
          if (c != ']') return -1;
          bool empty = TrimJsonSpace(t.substr(token_start, i - token_start)).empty();
          if (!(empty && out.items.empty()) && !element(i)) return -1;
          in_items = false;
          out.close = i;
        }
        if (--depth == 0) return 1;
        if (depth == 1) {
          items_next = false;
          token_start = i + 1;
        }
        return 0;
      }
      case ',':
        if (in_items && depth == (root_is_array ? 1 : 2)) {
          if (!element(i)) return -1;
          token_start = i + 1;
        } else if (depth == 1) {
          items_next = false;
          token_start = i + 1;
        }
        return 0;
      case ':':
        if (depth == 1 && !root_is_array) {
          items_next = TrimJsonSpace(t.substr(token_start, i - token_start)) == "\"items\"";
          token_start = i + 1;
        }
        return 0;
      default:
        return 0;  // a backslash outside a string: the parser will object
    }
  };
  size_t i = root;
  while (i < end) {
    uint64_t bits;
    if (i + 64 <= padded_end) {
      bits = StructuralBits(t.data() + i);
      if (i + 64 > end) bits &= (uint64_t{1} << (end - i)) - 1;
    } else {
      bits = 0;
      for (size_t k = 0; k < 64 && i + k < end; ++k) {
        char c = t[i + k];
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':') {
          bits |= uint64_t{1} << k;
        }
      }
    }
    while (bits) {
      size_t at = i + static_cast<size_t>(std::countr_zero(bits));
      bits &= bits - 1;
      int r = handle(at);
      if (r < 0) return false;
      if (r > 0) return out.open != std::string_view::npos && out.close != std::string_view::npos;
    }
    i += 64;
  }
  return false;
}

struct SplitFailed {};

class JsonBuilder {
 public:
  JsonBuilder(std::string_view text, size_t limit, DocumentStore& store, const LoadOptions& options)
      : text_(text), limit_(limit), store_(store), options_(options) {}

  // Offsets of simdjson's pointers: buf is at text offset base; a buffer
  // with an array's items cut out (see BuildItems) shifts what follows cut.
  void SetBuffer(const char* buf, size_t base, size_t cut = std::string_view::npos, size_t shift = 0) {
    buf_ = buf;
    base_ = base;
    cut_ = cut;
    shift_ = shift;
  }
  // The array whose items are parsed one by one, with their own parser.
  void SetSplit(const JsonSplit* split, od::parser* item_parser, size_t capacity) {
    split_ = split;
    item_parser_ = item_parser;
    capacity_ = capacity;
  }

  size_t Off(const char* p) const {
    size_t c = static_cast<size_t>(p - buf_);
    return base_ + (c > cut_ ? c + shift_ : c);
  }
  size_t last_end() const { return last_end_; }

  template <typename V>
  PendingNode Value(V& v, size_t depth) {
    if (depth > options_.max_depth) {
      throw JsonError{Where(v), "JSON nesting deeper than " + std::to_string(options_.max_depth) +
                                     " levels; file skipped (limit: --max-depth)",
                      ProblemKind::kLimit};
    }
    od::json_type type;
    Check(v.type().get(type), v);
    switch (type) {
      case od::json_type::object:
        return Object(v, depth);
      case od::json_type::array:
        return Array(v, depth);
      case od::json_type::string: {
        size_t b = Where(v);
        std::string_view tok = Trim(v.raw_json_token());
        std::string_view s;
        Check(v.get_string().get(s), v);
        size_t e = b + tok.size();
        last_end_ = e;
        return store_.MakeScalar(b, e, s, ScalarTag::kString, kQuoted);
      }
      case od::json_type::number: {
        size_t b = Where(v);
        std::string_view tok = Trim(v.raw_json_token());
        bool is_float = tok.find_first_of(".eE") != std::string_view::npos;
        size_t e = b + tok.size();
        last_end_ = e;
        return store_.MakeScalar(b, e, tok, is_float ? ScalarTag::kFloat : ScalarTag::kInt, 0);
      }
      case od::json_type::boolean: {
        size_t b = Where(v);
        bool x = false;
        Check(v.get_bool().get(x), v);
        size_t e = b + (x ? 4 : 5);
        last_end_ = e;
        return store_.MakeScalar(b, e, x ? "true" : "false", ScalarTag::kBool, 0);
      }
      case od::json_type::null: {
        size_t b = Where(v);
        bool is_null = false;
        Check(v.is_null().get(is_null), v);
        if (!is_null) throw JsonError{b, "invalid JSON literal"};
        last_end_ = b + 4;
        return store_.MakeNull(b, b + 4);
      }
    }
    throw JsonError{Where(v), "unexpected JSON value"};
  }

 private:
  static std::string_view Trim(simdjson::simdjson_result<std::string_view> r) {
    std::string_view s;
    if (std::move(r).get(s)) return {};
    while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
    return s;
  }

  template <typename V>
  size_t Where(V& v) {
    const char* p = nullptr;
    if (v.current_location().get(p) || p == nullptr) return last_end_;
    return Off(p);
  }

  template <typename V>
  void Check(simdjson::error_code err, V& v) {
    if (err) throw JsonError{Where(v), simdjson::error_message(err)};
  }

  size_t Close(size_t from, char close) {
    const void* p = from < limit_ ? std::memchr(text_.data() + from, close, limit_ - from) : nullptr;
    return p ? static_cast<size_t>(static_cast<const char*>(p) - text_.data()) + 1 : limit_;
  }

  template <typename V>
  PendingNode Object(V& v, size_t depth) {
    size_t b = Where(v);
    od::object obj;
    Check(v.get_object().get(obj), v);
    size_t base = kids_.size();
    size_t end_from = b + 1;
    for (auto field_result : obj) {
      od::field field;
      if (auto err = std::move(field_result).get(field)) throw JsonError{last_end_, simdjson::error_message(err)};
      const char* raw = field.key().raw();
      size_t kb = Off(raw) - 1;
      size_t ke = Off(raw);
      while (ke < limit_ && text_[ke] != '"') {
        if (text_[ke] == '\\') ++ke;
        ++ke;
      }
      ++ke;
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) throw JsonError{kb, simdjson::error_message(err)};
      kids_.push_back(store_.MakeScalar(kb, ke, key, ScalarTag::kString, kQuoted, /*key=*/true));
      last_end_ = ke;
      od::value val = field.value();
      PendingNode value = Value(val, depth + 1);
      kids_.push_back(value);
      end_from = last_end_;
    }
    size_t first_duplicate = duplicates_.size();
    CheckDuplicates(base);
    size_t e = Close(end_from, '}');
    last_end_ = e;
    PendingNode map = store_.MakeContainer(NodeType::kMap, b, e, 0, kids_.data() + base, kids_.size() - base);
    kids_.resize(base);
    // Entry indices become node ids now that the entries are placed.
    for (size_t i = first_duplicate; i < duplicates_.size(); ++i) {
      duplicates_[i].first = map.data.a + 2 * duplicates_[i].first;
      duplicates_[i].second = map.data.a + 2 * duplicates_[i].second;
    }
    return map;
  }

  template <typename V>
  PendingNode Array(V& v, size_t depth) {
    size_t b = Where(v);
    od::array arr;
    Check(v.get_array().get(arr), v);
    size_t base = kids_.size();
    size_t end_from = b + 1;
    for (auto item_result : arr) {
      od::value item;
      if (auto err = std::move(item_result).get(item)) throw JsonError{last_end_, simdjson::error_message(err)};
      kids_.push_back(Value(item, depth + 1));
      end_from = last_end_;
    }
    // The split array is empty in the buffer being parsed: its items come now.
    if (split_ && b == split_->open && kids_.size() == base) end_from = BuildItems(depth, end_from);
    size_t e = Close(end_from, ']');
    last_end_ = e;
    PendingNode seq = store_.MakeContainer(NodeType::kSeq, b, e, 0, kids_.data() + base, kids_.size() - base);
    kids_.resize(base);
    return seq;
  }

  // Each item of the split array is a document of its own for simdjson,
  // parsed in place (or from a padded copy near the end of an unpadded
  // buffer) by a parser sized to the largest item.
  size_t BuildItems(size_t depth, size_t end_from) {
    const char* saved_buf = buf_;
    size_t saved_base = base_, saved_cut = cut_, saved_shift = shift_;
    for (auto [b, e] : split_->items) {
      size_t len = e - b;
      simdjson::padded_string_view input;
      if (capacity_ >= static_cast<size_t>(e) + simdjson::SIMDJSON_PADDING) {
        SetBuffer(text_.data(), 0);
        input = simdjson::padded_string_view(text_.data() + b, len, capacity_ - b);
      } else {
        item_copy_.assign(len + simdjson::SIMDJSON_PADDING, ' ');
        std::memcpy(item_copy_.data(), text_.data() + b, len);
        SetBuffer(item_copy_.data(), b);
        input = simdjson::padded_string_view(item_copy_.data(), len, item_copy_.size());
      }
      od::document doc;
      if (item_parser_->iterate(input).get(doc)) throw SplitFailed{};
      od::value root;
      if (doc.get_value().get(root)) throw SplitFailed{};  // a scalar item
      kids_.push_back(Value(root, depth + 1));
      if (last_end_ != e) throw SplitFailed{};  // more than one value in the item's text
      end_from = last_end_;
    }
    SetBuffer(saved_buf, saved_base, saved_cut, saved_shift);
    return end_from;
  }

  // Go's encoding/json keeps the last of two equal keys; kubectl's strict
  // decoding rejects them. Either way it is a mistake worth a finding. Keys
  // are interned, so equal keys have equal string offsets. Records entry
  // indices; Object turns them into node ids.
  void CheckDuplicates(size_t base) {
    size_t count = (kids_.size() - base) / 2;
    if (count < 2) return;
    auto offset = [&](size_t i) { return kids_[base + 2 * i].data.a; };
    if (count <= 16) {
      for (size_t i = 1; i < count; ++i) {
        uint32_t a = offset(i);
        for (size_t j = 0; j < i; ++j) {
          if (offset(j) == a) {
            duplicates_.push_back({static_cast<uint32_t>(j), static_cast<uint32_t>(i)});
            break;
          }
        }
      }
      return;
    }
    sorted_keys_.clear();
    for (size_t i = 0; i < count; ++i) sorted_keys_.emplace_back(offset(i), static_cast<uint32_t>(i));
    std::sort(sorted_keys_.begin(), sorted_keys_.end());
    size_t first_duplicate = duplicates_.size();
    for (size_t i = 1; i < count; ++i) {
      size_t first = i - 1;
      while (i < count && sorted_keys_[i].first == sorted_keys_[first].first) {
        duplicates_.push_back({sorted_keys_[first].second, sorted_keys_[i].second});
        ++i;
      }
    }
    // In key order, as a scan from the first key reports them.
    std::sort(duplicates_.begin() + static_cast<std::ptrdiff_t>(first_duplicate), duplicates_.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
  }

 public:
  std::vector<std::pair<uint32_t, uint32_t>> duplicates_;

 private:
  std::string_view text_;
  size_t limit_;  // where the value being parsed must end
  DocumentStore& store_;
  const LoadOptions& options_;
  const char* buf_ = nullptr;
  size_t base_ = 0;
  size_t cut_ = std::string_view::npos;
  size_t shift_ = 0;
  const JsonSplit* split_ = nullptr;
  od::parser* item_parser_ = nullptr;
  size_t capacity_ = 0;
  std::string item_copy_;
  std::vector<PendingNode> kids_;
  std::vector<std::pair<uint32_t, uint32_t>> sorted_keys_;
  size_t last_end_ = 0;
};

}  // namespace

ParsedFile ParseJsonRange(std::string_view text, size_t begin, size_t end, FileId file, const LoadOptions& options,
                          size_t capacity, const std::shared_ptr<DocumentStore>& store) {
  ParsedFile out;
  const PositionIndex& positions = *store->positions();
  std::string_view region = text.substr(begin, end - begin);
  // simdjson reads up to SIMDJSON_PADDING bytes past the end. A buffer that
  // has them allocated already (the loader reserves them) is used in place;
  // otherwise a padded copy is made. Saves one copy of a big file.
  const bool in_place = capacity >= end + simdjson::SIMDJSON_PADDING;
  simdjson::padded_string copy;
  simdjson::padded_string_view padded;
  const char* buf = nullptr;
  auto make_padded = [&] {
    if (in_place) {
      padded = simdjson::padded_string_view(text.data() + begin, region.size(), capacity - begin);
    } else {
      copy = simdjson::padded_string(region);
      padded = copy;
    }
    buf = padded.data();
  };
  od::parser parser;
  auto report = [&](size_t pos, const std::string& msg, ProblemKind kind) {
    LoadProblem p;
    p.kind = kind;
    p.file = file;
    Mark m = positions.At(pos);
    p.span = Span{m, m};
    p.message = msg;
    p.excerpt = RedactLine(positions.Line(text, m.line), region);
    out.problems.push_back(std::move(p));
  };
  // Reports a syntax error at the first byte that breaks the grammar, which
  // is more exact than where simdjson noticed it.
  auto syntax_error = [&](size_t from, const JsonError& e) {
    if (e.kind == ProblemKind::kLimit) {
      report(e.pos, e.message, e.kind);
      return;
    }
    std::string_view upto = text.substr(0, end);
    JsonScan scan = LocateJsonError(upto, from, options.max_depth + 1);
    size_t at = e.pos;
    std::string msg = "JSON syntax error: " + e.message;
    if (!scan.complete && scan.pos >= end) {
      msg = "JSON syntax error: unexpected end of input (unclosed string, object or array)";
      at = end;
    } else if (!scan.complete) {
      at = scan.pos;
      char c = text[at];
      std::string shown = (c >= 0x20 && c < 0x7f) ? std::string("'") + c + "'" : "control character";
      msg = "JSON syntax error: unexpected " + shown + " (" + e.message + ")";
    }
    report(at, msg, ProblemKind::kParse);
  };
  auto add_duplicates = [&](const JsonBuilder& b, const Document& doc) {
    for (auto [first, second] : b.duplicates_) {
      LoadProblem p;
      p.kind = ProblemKind::kDuplicateKey;
      p.file = file;
      Node f(&doc, first), s(&doc, second);
      p.span = s.span();
      p.related = f.span();
      p.message = "object key \"" + std::string(s.Str()) + "\" is defined twice (first at line " +
                  std::to_string(f.span().begin.line) + "); only the last takes effect";
      p.related_message = "first definition";
      out.problems.push_back(std::move(p));
    }
  };
  size_t root_end = 0;
  auto build = [&](auto& d, size_t from) -> bool {
    DocumentStore::Checkpoint checkpoint = store->Save();
    auto doc = std::make_unique<Document>(store);
    doc->file = file;
    try {
      JsonBuilder b(text, end, *store, options);
      b.SetBuffer(buf, begin);
      od::value root;
      auto err = d.get_value().get(root);
      if (err) throw JsonError{from, simdjson::error_message(err)};
      doc->root = store->Place(b.Value(root, 1));
      root_end = b.last_end();
      add_duplicates(b, *doc);
      doc->doc_span = doc->Root().span();
      out.docs.push_back(std::move(doc));
      return true;
    } catch (const JsonError& e) {
      store->Rollback(checkpoint);
      syntax_error(from, e);
      return false;
    }
  };

  size_t start = begin;
  while (start < end && IsJsonSpace(text[start])) ++start;
  if (start >= end) return out;

  // A big List: parse the envelope with the items cut out, then each item
  // on its own. Any surprise (malformed JSON, a second value after the
  // first) drops what was built and parses the whole document below, which
  // also finds the exact error positions.
  JsonSplit split;
  if (region.size() >= options.json_split_min_bytes && (text[start] == '{' || text[start] == '[') &&
      FindJsonSplit(text, start, end, in_place ? capacity - simdjson::SIMDJSON_PADDING : end, split) &&
      split.items.size() >= 2) {
    DocumentStore::Checkpoint checkpoint = store->Save();
    std::string envelope;
    envelope.reserve(split.open + 1 - begin + end - split.close + simdjson::SIMDJSON_PADDING);
    envelope.append(text.substr(begin, split.open + 1 - begin));
    envelope.append(text.substr(split.close, end - split.close));
    size_t envelope_size = envelope.size();
    envelope.resize(envelope_size + simdjson::SIMDJSON_PADDING, ' ');
    try {
      od::parser item_parser;
      if (item_parser.allocate(split.largest, parser.max_depth() - 2)) throw SplitFailed{};
      od::document d;
      if (parser.iterate(simdjson::padded_string_view(envelope.data(), envelope_size, envelope.size())).get(d)) {
        throw SplitFailed{};
      }
      auto doc = std::make_unique<Document>(store);
      doc->file = file;
      JsonBuilder b(text, end, *store, options);
      b.SetBuffer(envelope.data(), begin, split.open - begin, split.close - split.open - 1);
      b.SetSplit(&split, &item_parser, capacity);
      od::value root;
      if (d.get_value().get(root)) throw SplitFailed{};
      doc->root = store->Place(b.Value(root, 1));
      size_t trailing = b.last_end();
      while (trailing < end && IsJsonSpace(text[trailing])) ++trailing;
      if (trailing < end) throw SplitFailed{};  // more after the value: read below
      add_duplicates(b, *doc);
      doc->doc_span = doc->Root().span();
      out.docs.push_back(std::move(doc));
      return out;
    } catch (const SplitFailed&) {
    } catch (const JsonError&) {
    }
    store->Rollback(checkpoint);
    out.docs.clear();
    out.problems.clear();
  }

  make_padded();
  od::document d;
  if (auto err = parser.iterate(padded).get(d)) {
    syntax_error(start, JsonError{start, simdjson::error_message(err)});
    return out;
  }
  DocumentStore::Checkpoint before_all = store->Save();
  if (!build(d, start)) return out;
  size_t trailing = root_end;
  while (trailing < end && IsJsonSpace(text[trailing])) ++trailing;
  if (trailing >= end) return out;
  if (text[trailing] != '{' && text[trailing] != '[') {
    report(trailing, "unexpected content after the JSON value", ProblemKind::kParse);
    return out;
  }
  // Several JSON values one after another (kubectl get -w -o json prints
  // them so): read the stream as a whole, each value its own document.
  out.docs.clear();
  out.problems.clear();
  store->Rollback(before_all);
  od::document_stream stream;
  if (auto err = parser.iterate_many(padded.data(), region.size(), std::max<size_t>(region.size(), 1 << 16)).get(stream)) {
    syntax_error(start, JsonError{start, simdjson::error_message(err)});
    return out;
  }
  size_t from = start;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    od::document_reference ref;
    if (auto err = (*it).get(ref)) {
      syntax_error(from, JsonError{from, simdjson::error_message(err)});
      break;
    }
    from = begin + it.current_index();
    if (!build(ref, from)) break;
  }
  if (stream.truncated_bytes() > 0) {
    size_t at = end - stream.truncated_bytes();
    syntax_error(at, JsonError{at, "incomplete JSON value at the end"});
  }
  return out;
}

ParsedFile ParseJson(std::string_view text, FileId file, const LoadOptions& options, size_t capacity) {
  auto store = std::make_shared<DocumentStore>(std::make_shared<PositionIndex>(text));
  ParsedFile out = ParseJsonRange(text, 0, text.size(), file, options, capacity, store);
  store->Shrink();
  return out;
}

}  // namespace kora
