// JSON to kora's document model through simdjson's On-Demand API. One pass
// over the padded input; positions come from token pointers into the buffer.
#include <simdjson.h>

#include <algorithm>
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

class JsonBuilder {
 public:
  JsonBuilder(std::string_view text, const char* buf, const LineTable& lines, Document& doc,
              const LoadOptions& options)
      : text_(text), buf_(buf), lines_(lines), doc_(doc), options_(options) {}

  size_t Off(const char* p) const { return static_cast<size_t>(p - buf_); }
  Span SpanOf(size_t b, size_t e) const { return Span{lines_.At(b), lines_.At(e)}; }
  size_t last_end() const { return last_end_; }

  template <typename V>
  uint32_t Value(V& v, size_t depth) {
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
        return doc_.AddScalar(SpanOf(b, e), s, ScalarTag::kString, kQuoted);
      }
      case od::json_type::number: {
        size_t b = Where(v);
        std::string_view tok = Trim(v.raw_json_token());
        bool is_float = tok.find_first_of(".eE") != std::string_view::npos;
        size_t e = b + tok.size();
        last_end_ = e;
        return doc_.AddScalar(SpanOf(b, e), tok, is_float ? ScalarTag::kFloat : ScalarTag::kInt, 0);
      }
      case od::json_type::boolean: {
        size_t b = Where(v);
        bool x = false;
        Check(v.get_bool().get(x), v);
        size_t e = b + (x ? 4 : 5);
        last_end_ = e;
        return doc_.AddScalar(SpanOf(b, e), x ? "true" : "false", ScalarTag::kBool, 0);
      }
      case od::json_type::null: {
        size_t b = Where(v);
        bool is_null = false;
        Check(v.is_null().get(is_null), v);
        if (!is_null) throw JsonError{b, "invalid JSON literal"};
        last_end_ = b + 4;
        return doc_.AddNull(SpanOf(b, b + 4));
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
    size_t i = from;
    while (i < text_.size() && text_[i] != close) ++i;
    return i < text_.size() ? i + 1 : text_.size();
  }

  template <typename V>
  uint32_t Object(V& v, size_t depth) {
    size_t b = Where(v);
    od::object obj;
    Check(v.get_object().get(obj), v);
    uint32_t id = doc_.ReserveContainer(NodeType::kMap, lines_.At(b), 0);
    size_t base = kids_.size();
    size_t end_from = b + 1;
    std::vector<std::pair<std::string_view, uint32_t>> seen_keys;
    for (auto field_result : obj) {
      od::field field;
      if (auto err = std::move(field_result).get(field)) throw JsonError{last_end_, simdjson::error_message(err)};
      const char* raw = field.key().raw();
      size_t kb = Off(raw) - 1;
      size_t ke = Off(raw);
      while (ke < text_.size() && text_[ke] != '"') {
        if (text_[ke] == '\\') ++ke;
        ++ke;
      }
      ++ke;
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) throw JsonError{kb, simdjson::error_message(err)};
      uint32_t kid = doc_.AddScalar(SpanOf(kb, ke), key, ScalarTag::kString, kQuoted);
      kids_.push_back(kid);
      last_end_ = ke;
      od::value val = field.value();
      uint32_t vid = Value(val, depth + 1);
      kids_.push_back(vid);
      end_from = last_end_;
    }
    CheckDuplicates(base);
    size_t e = Close(end_from, '}');
    last_end_ = e;
    doc_.FinishContainer(id, kids_.data() + base, kids_.size() - base, lines_.At(e));
    kids_.resize(base);
    return id;
  }

  template <typename V>
  uint32_t Array(V& v, size_t depth) {
    size_t b = Where(v);
    od::array arr;
    Check(v.get_array().get(arr), v);
    uint32_t id = doc_.ReserveContainer(NodeType::kSeq, lines_.At(b), 0);
    size_t base = kids_.size();
    size_t end_from = b + 1;
    for (auto item_result : arr) {
      od::value item;
      if (auto err = std::move(item_result).get(item)) throw JsonError{last_end_, simdjson::error_message(err)};
      kids_.push_back(Value(item, depth + 1));
      end_from = last_end_;
    }
    size_t e = Close(end_from, ']');
    last_end_ = e;
    doc_.FinishContainer(id, kids_.data() + base, kids_.size() - base, lines_.At(e));
    kids_.resize(base);
    return id;
  }

  // Go's encoding/json keeps the last of two equal keys; kubectl's strict
  // decoding rejects them. Either way it is a mistake worth a finding.
  void CheckDuplicates(size_t base) {
    size_t count = (kids_.size() - base) / 2;
    if (count < 2) return;
    std::unordered_map<std::string_view, uint32_t> seen;
    seen.reserve(count);
    for (size_t i = base; i + 1 < kids_.size(); i += 2) {
      uint32_t k = kids_[i];
      auto [it, inserted] = seen.emplace(doc_.str(k), k);
      if (!inserted) duplicates_.push_back({it->second, k});
    }
  }

 public:
  std::vector<std::pair<uint32_t, uint32_t>> duplicates_;

 private:
  std::string_view text_;
  const char* buf_;
  const LineTable& lines_;
  Document& doc_;
  const LoadOptions& options_;
  std::vector<uint32_t> kids_;
  size_t last_end_ = 0;
};

}  // namespace

ParsedFile ParseJson(std::string_view text, FileId file, const LoadOptions& options, size_t capacity) {
  ParsedFile out;
  LineTable lines(text);
  // simdjson reads up to SIMDJSON_PADDING bytes past the end. A buffer that
  // has them allocated already (the loader reserves them) is used in place;
  // otherwise a padded copy is made. Saves one copy of a big file.
  simdjson::padded_string copy;
  simdjson::padded_string_view padded;
  if (capacity >= text.size() + simdjson::SIMDJSON_PADDING) {
    padded = simdjson::padded_string_view(text.data(), text.size(), capacity);
  } else {
    copy = simdjson::padded_string(text);
    padded = copy;
  }
  od::parser parser;
  auto report = [&](size_t pos, const std::string& msg, ProblemKind kind) {
    LoadProblem p;
    p.kind = kind;
    p.file = file;
    Mark m = lines.At(pos);
    p.span = Span{m, m};
    p.message = msg;
    p.excerpt = RedactLine(lines.Line(m.line), text);
    out.problems.push_back(std::move(p));
  };
  // Reports a syntax error at the first byte that breaks the grammar, which
  // is more exact than where simdjson noticed it.
  auto syntax_error = [&](size_t from, const JsonError& e) {
    if (e.kind == ProblemKind::kLimit) {
      report(e.pos, e.message, e.kind);
      return;
    }
    JsonScan scan = LocateJsonError(text, from, options.max_depth + 1);
    size_t at = e.pos;
    std::string msg = "JSON syntax error: " + e.message;
    if (!scan.complete && scan.pos >= text.size()) {
      msg = "JSON syntax error: unexpected end of input (unclosed string, object or array)";
      at = text.size();
    } else if (!scan.complete) {
      at = scan.pos;
      char c = text[at];
      std::string shown = (c >= 0x20 && c < 0x7f) ? std::string("'") + c + "'" : "control character";
      msg = "JSON syntax error: unexpected " + shown + " (" + e.message + ")";
    }
    report(at, msg, ProblemKind::kParse);
  };
  size_t root_end = 0;
  auto build = [&](auto& d, size_t from) -> bool {
    auto doc = std::make_unique<Document>();
    doc->file = file;
    doc->ReserveStrings(text.size() - std::min(from, text.size()));
    try {
      JsonBuilder b(text, padded.data(), lines, *doc, options);
      od::value root;
      auto err = d.get_value().get(root);
      if (err) throw JsonError{from, simdjson::error_message(err)};
      doc->root = b.Value(root, 1);
      root_end = b.last_end();
      for (auto [first, second] : b.duplicates_) {
        LoadProblem p;
        p.kind = ProblemKind::kDuplicateKey;
        p.file = file;
        Node f(doc.get(), first), s(doc.get(), second);
        p.span = s.span();
        p.related = f.span();
        p.message = "object key \"" + std::string(s.Str()) + "\" is defined twice (first at line " +
                    std::to_string(f.span().begin.line) + "); only the last takes effect";
        p.related_message = "first definition";
        out.problems.push_back(std::move(p));
      }
      doc->doc_span = doc->Root().span();
      doc->Shrink();
      out.docs.push_back(std::move(doc));
      return true;
    } catch (const JsonError& e) {
      syntax_error(from, e);
      return false;
    }
  };

  size_t start = 0;
  while (start < text.size() && IsJsonSpace(text[start])) ++start;
  if (start >= text.size()) return out;
  od::document d;
  if (auto err = parser.iterate(padded).get(d)) {
    syntax_error(start, JsonError{start, simdjson::error_message(err)});
    return out;
  }
  if (!build(d, start)) return out;
  size_t trailing = root_end;
  while (trailing < text.size() && IsJsonSpace(text[trailing])) ++trailing;
  if (trailing >= text.size()) return out;
  if (text[trailing] != '{' && text[trailing] != '[') {
    report(trailing, "unexpected content after the JSON value", ProblemKind::kParse);
    return out;
  }
  // Several JSON values one after another (kubectl get -w -o json prints
  // them so): read the stream as a whole, each value its own document.
  out.docs.clear();
  out.problems.clear();
  od::document_stream stream;
  if (auto err = parser.iterate_many(padded.data(), text.size(), std::max<size_t>(text.size(), 1 << 16)).get(stream)) {
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
    from = it.current_index();
    if (!build(ref, from)) break;
  }
  if (stream.truncated_bytes() > 0) {
    size_t at = text.size() - stream.truncated_bytes();
    syntax_error(at, JsonError{at, "incomplete JSON value at the end"});
  }
  return out;
}

}  // namespace kora
