// kubectl tables pasted as text: `kubectl get pods`, `kubectl get events` of
// every era, `kubectl events`, and the Events section of `kubectl describe`.
// Each row becomes a synthetic Pod or Event (see docs/evidence.md).
//
// Columns are found from the header: tabwriter left-aligns every cell at its
// header's column, so the header's positions split a row exactly, even when a
// cell holds spaces ("207 (5m10s ago)", "kubelet, node-1", the message). When
// a paste has lost the alignment (reflowed, edited, tabs), the row is matched
// against the columns' grammars instead, first on gaps of two or more spaces,
// then on single words.
#include "analyzer/text_evidence.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <limits>

#include "analyzer/duration.h"
#include "analyzer/object.h"
#include "analyzer/redact.h"
#include "analyzer/text_internal.h"

namespace kora {
namespace text {

// TVal --------------------------------------------------------------------

TVal TVal::Map(Span s) {
  TVal v;
  v.type = Type::kMap;
  v.span = s;
  return v;
}

TVal TVal::Seq(Span s) {
  TVal v;
  v.type = Type::kSeq;
  v.span = s;
  return v;
}

TVal TVal::Str(std::string_view value, Span s) {
  TVal v;
  v.type = Type::kStr;
  v.text = std::string(value);
  v.span = s;
  return v;
}

TVal TVal::Int(int64_t value, Span s) {
  TVal v;
  v.type = Type::kInt;
  v.text = std::to_string(value);
  v.span = s;
  return v;
}

TVal TVal::Bool(bool value, Span s) {
  TVal v;
  v.type = Type::kBool;
  v.text = value ? "true" : "false";
  v.span = s;
  return v;
}

TVal* TVal::Find(std::string_view key) {
  for (auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

TVal& TVal::Put(std::string_view key, TVal v) {
  if (TVal* old = Find(key)) {
    *old = std::move(v);
    return *old;
  }
  entries.emplace_back(std::string(key), std::move(v));
  return entries.back().second;
}

TVal& TVal::Child(std::string_view key, Span s) {
  if (TVal* old = Find(key)) return *old;
  return Put(key, Map(s));
}

TVal& TVal::ChildSeq(std::string_view key, Span s) {
  if (TVal* old = Find(key)) return *old;
  return Put(key, Seq(s));
}

TVal& TVal::Push(TVal v) {
  items.push_back(std::move(v));
  return items.back();
}

namespace {

Span Union(Span a, Span b) {
  if (!a.Known()) return b;
  if (!b.Known()) return a;
  return Span{std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

Span SpanOf(const TVal& v, Span fallback) {
  if (v.span.Known()) return v.span;
  Span s;
  for (const auto& [k, child] : v.entries) s = Union(s, SpanOf(child, Span{}));
  for (const auto& child : v.items) s = Union(s, SpanOf(child, Span{}));
  return s.Known() ? s : fallback;
}

PendingNode Emit(Document& doc, const TVal& v, Span fallback) {
  Span span = SpanOf(v, fallback);
  switch (v.type) {
    case TVal::Type::kStr:
      return doc.MakeScalar(span, v.text, ScalarTag::kString, kQuoted);
    case TVal::Type::kInt:
      return doc.MakeScalar(span, v.text, ScalarTag::kInt, 0);
    case TVal::Type::kBool:
      return doc.MakeScalar(span, v.text, ScalarTag::kBool, 0);
    case TVal::Type::kSeq: {
      std::vector<PendingNode> kids;
      kids.reserve(v.items.size());
      for (const TVal& item : v.items) kids.push_back(Emit(doc, item, span));
      return doc.MakeContainer(NodeType::kSeq, span, kids.data(), kids.size(), 0);
    }
    case TVal::Type::kMap: {
      std::vector<PendingNode> kids;
      kids.reserve(2 * v.entries.size());
      for (const auto& [key, value] : v.entries) {
        PendingNode value_node = Emit(doc, value, span);
        // A synthetic key has no text of its own: it spans its value, so a
        // finding on the field points at the cell.
        kids.push_back(doc.MakeScalar(doc.store().SpanOf(value_node), key, ScalarTag::kString, 0));
        kids.push_back(value_node);
      }
      return doc.MakeContainer(NodeType::kMap, span, kids.data(), kids.size(), 0);
    }
  }
  return doc.MakeScalar(span, "", ScalarTag::kNull, 0);
}

}  // namespace

std::unique_ptr<Document> EmitDocument(const TVal& root, FileId file, Span fallback) {
  auto doc = std::make_unique<Document>();
  doc->file = file;
  doc->Place(Emit(*doc, root, fallback));
  doc->doc_span = doc->Root().span();
  doc->Shrink();
  return doc;
}

// TextCtx -------------------------------------------------------------------

TextCtx::TextCtx(std::string_view text, FileId file, ParsedFile& out)
    : text_(text), table_(text), file_(file), out_(out) {
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t nl = text.find('\n', begin);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    size_t trimmed = end;
    if (trimmed > begin && text[trimmed - 1] == '\r') --trimmed;
    refs_.push_back(LineRef{begin, trimmed});
    if (nl == std::string_view::npos) break;
    begin = nl + 1;
  }
}

Span TextCtx::SpanIn(size_t index, size_t begin, size_t end) const {
  size_t base = refs_[index].begin;
  Mark b = table_.At(base + begin);
  Mark e = table_.At(base + end);
  return Span{b, e};
}

Span TextCtx::LineSpan(size_t index) const {
  std::string_view line = Line(index);
  size_t b = 0, e = line.size();
  while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
  while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
  return SpanIn(index, b, e);
}

void TextCtx::AddDocument(const TVal& root, Span fallback) {
  out_.docs.push_back(EmitDocument(root, file_, fallback));
}

void TextCtx::Problem(size_t index, std::string message) {
  LoadProblem p;
  p.kind = ProblemKind::kParse;
  p.file = file_;
  Span s = LineSpan(index);
  p.span = Span{s.begin, s.begin};
  p.message = std::move(message);
  p.excerpt = RedactLine(Line(index), {});
  out_.problems.push_back(std::move(p));
}

// Small helpers -------------------------------------------------------------

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

size_t IndentOf(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool IsUnderline(std::string_view line) {
  std::string_view t = Trim(line);
  if (t.empty() || t[0] != '-') return false;
  for (char c : t) {
    if (c != '-' && c != ' ' && c != '\t') return false;
  }
  return true;
}

bool IsFence(std::string_view line) {
  std::string_view t = Trim(line);
  return t.substr(0, 3) == "```" || t.substr(0, 3) == "~~~";
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool HasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return IsSpace(c); });
}
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Code-point index -> byte offset for one line (ASCII lines map 1:1).
class CodePoints {
 public:
  explicit CodePoints(std::string_view line) : line_(line) {
    ascii_ = std::all_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii_) {
      for (size_t i = 0; i < line.size(); ++i) {
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) starts_.push_back(i);
      }
    }
  }
  size_t Count() const { return ascii_ ? line_.size() : starts_.size(); }
  // Byte offset of code point cp; the line's size when past the end.
  size_t Byte(size_t cp) const {
    if (ascii_) return std::min(cp, line_.size());
    return cp < starts_.size() ? starts_[cp] : line_.size();
  }
  size_t CodePointOf(size_t byte) const {
    if (ascii_) return byte;
    return static_cast<size_t>(std::lower_bound(starts_.begin(), starts_.end(), byte) - starts_.begin());
  }

 private:
  std::string_view line_;
  bool ascii_ = true;
  std::vector<size_t> starts_;
};

// Tokens ----------------------------------------------------------------------

struct Tok {
  size_t begin;
  size_t end;
};

// Beyond this many tokens on one row, the middle ones are merged: only a
// message can be that long, and the columns sit at both ends. Collected in
// one pass with bounded memory, whatever the length of the line.
constexpr size_t kMaxTokens = 1024;

class TokenCollector {
 public:
  void Add(Tok t) {
    if (head_.size() < kKeep) {
      head_.push_back(t);
      return;
    }
    if (count_ == 0) middle_begin_ = t.begin;
    ring_[count_ % ring_.size()] = t;
    ++count_;
  }
  std::vector<Tok> Take() {
    std::vector<Tok> out = std::move(head_);
    size_t n = ring_.size();
    if (count_ + out.size() <= kMaxTokens) {
      for (size_t i = 0; i < count_; ++i) out.push_back(ring_[i]);
      return out;
    }
    // The oldest token in the ring precedes the kept tail: the middle ends there.
    out.push_back(Tok{middle_begin_, ring_[count_ % n].end});
    for (size_t i = 1; i < n; ++i) out.push_back(ring_[(count_ + i) % n]);
    return out;
  }

 private:
  static constexpr size_t kKeep = kMaxTokens / 2;
  std::vector<Tok> head_;
  std::array<Tok, kKeep + 1> ring_{};
  size_t count_ = 0;  // tokens after the head
  size_t middle_begin_ = 0;
};

// Cells separated by a tab or by two or more spaces (tabwriter pads with at
// least two).
std::vector<Tok> GapTokens(std::string_view line) {
  TokenCollector toks;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i >= line.size()) break;
    size_t b = i;
    while (i < line.size()) {
      if (line[i] == '\t') break;
      if (line[i] == ' ' && i + 1 < line.size() && IsSpace(line[i + 1])) break;
      if (line[i] == ' ' && i + 1 == line.size()) break;
      ++i;
    }
    toks.Add(Tok{b, i});
  }
  return toks.Take();
}

std::vector<Tok> WordTokens(std::string_view line) {
  TokenCollector toks;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i >= line.size()) break;
    size_t b = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    toks.Add(Tok{b, i});
  }
  return toks.Take();
}

// Cell grammars ---------------------------------------------------------------

enum class CellType : uint8_t {
  kWord, kPodName, kDnsLabel, kReady, kRestarts, kAge, kInterval, kType, kCount, kObjectRef, kSource,
  kFieldPath, kFree, kOptWord,
};

struct Rule {
  CellType type;
  bool optional;
};

bool IsPodName(std::string_view s) {
  if (s.substr(0, 4) == "pod/") s.remove_prefix(4);
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!IsLower(c) && !IsDigit(c) && c != '-' && c != '.') return false;
  }
  return IsLower(s[0]) || IsDigit(s[0]);
}

bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  }
  return s.front() != '-' && s.back() != '-';
}

bool IsReady(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  return ParseCount(s.substr(0, slash)) && ParseCount(s.substr(slash + 1));
}

bool IsSource(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == '{') {
    // {component host}, {component }, {component}
    if (s.back() != '}') return false;
    std::string_view inner = s.substr(1, s.size() - 2);
    size_t sp = inner.find(' ');
    std::string_view comp = inner.substr(0, sp);
    if (comp.empty() || HasSpace(comp) || comp.find_first_of("{}") != std::string_view::npos) return false;
    if (sp == std::string_view::npos) return true;
    std::string_view host = Trim(inner.substr(sp));
    return !HasSpace(host) && host.find_first_of("{}") == std::string_view::npos;
  }
  size_t comma = s.find(',');
  if (comma == std::string_view::npos) return !HasSpace(s) && s.find_first_of("{}") == std::string_view::npos;
  std::string_view comp = s.substr(0, comma);
  std::string_view host = Trim(s.substr(comma + 1));
  return !comp.empty() && !HasSpace(comp) && !host.empty() && !HasSpace(host) &&
         comma + 1 < s.size() && s[comma + 1] == ' ';
}

bool IsFieldPath(std::string_view s) {
  if (s.empty() || HasSpace(s)) return false;
  return s.substr(0, 5) == "spec." || s.substr(0, 7) == "status." || s.substr(0, 9) == "metadata." ||
         s.find('{') != std::string_view::npos || s.find('[') != std::string_view::npos;
}

bool IsObjectRef(std::string_view s) {
  if (s.empty() || HasSpace(s)) return false;
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    return std::all_of(s.begin(), s.end(), [](char c) { return IsLower(c) || IsUpper(c) || IsDigit(c); });
  }
  return slash > 0 && slash + 1 < s.size() && (IsLower(s[0]) || IsUpper(s[0]));
}

bool Valid(CellType type, std::string_view s) {
  switch (type) {
    case CellType::kWord:
    case CellType::kOptWord:
      return !s.empty() && !HasSpace(s);
    case CellType::kPodName:
      return IsPodName(s);
    case CellType::kDnsLabel:
      return IsDnsLabel(s);
    case CellType::kReady:
      return IsReady(s);
    case CellType::kRestarts:
      return ParseRestarts(s).has_value();
    case CellType::kAge:
      return ParseAge(s).has_value();
    case CellType::kInterval:
      return ParseEventInterval(s).has_value();
    case CellType::kType:
      return s == "Normal" || s == "Warning";
    case CellType::kCount:
      return ParseCount(s).has_value();
    case CellType::kObjectRef:
      return IsObjectRef(s);
    case CellType::kSource:
      return IsSource(s);
    case CellType::kFieldPath:
      return IsFieldPath(s);
    case CellType::kFree:
      return true;
  }
  return false;
}

// How many single words a cell of this type can span, most preferred first.
std::vector<size_t> WordOptions(CellType type) {
  switch (type) {
    case CellType::kRestarts:
      return {3, 1};
    case CellType::kAge:
      return {6, 1};  // an RFC 1123 time is six words
    case CellType::kInterval:
      return {6, 4, 1};
    case CellType::kSource:
      return {2, 1};
    default:
      return {1};
  }
}

size_t MinTokens(const Rule& r) { return r.optional || r.type == CellType::kFree ? 0 : 1; }
size_t MaxTokens(const Rule& r) {
  if (r.type == CellType::kFree) return std::numeric_limits<size_t>::max() / 4;
  return WordOptions(r.type).front();
}

// Matches tokens to columns: each column takes a number of tokens its
// grammar accepts; a free column (the message) takes what the others leave.
// Failed (column, token) states are remembered, so the search stays linear.
class Matcher {
 public:
  Matcher(std::string_view line, const std::vector<Tok>& toks, const std::vector<Rule>& rules)
      : line_(line), toks_(toks), rules_(rules), cells_(rules.size()) {
    size_t n = rules.size();
    min_rest_.assign(n + 1, 0);
    max_rest_.assign(n + 1, 0);
    for (size_t c = n; c-- > 0;) {
      min_rest_[c] = min_rest_[c + 1] + MinTokens(rules[c]);
      max_rest_[c] = std::min(max_rest_[c + 1] + MaxTokens(rules[c]), std::numeric_limits<size_t>::max() / 4);
    }
    failed_.assign((n + 1) * (toks.size() + 1), 0);
  }

  std::optional<std::vector<Cell>> Run() {
    if (Match(0, 0)) return cells_;
    return std::nullopt;
  }

 private:
  bool Take(size_t c, size_t t, size_t k) {
    if (k == 0) {
      cells_[c] = Cell{};
      return Match(c + 1, t);
    }
    if (t + k > toks_.size()) return false;
    size_t b = toks_[t].begin, e = toks_[t + k - 1].end;
    if (!Valid(rules_[c].type, line_.substr(b, e - b))) return false;
    cells_[c] = Cell{b, e, true};
    return Match(c + 1, t + k);
  }

  bool Match(size_t c, size_t t) {
    size_t n = rules_.size();
    if (c == n) return t == toks_.size();
    size_t remaining = toks_.size() - t;
    if (remaining < min_rest_[c] || remaining > max_rest_[c]) return false;
    uint8_t& failed = failed_[c * (toks_.size() + 1) + t];
    if (failed) return false;
    const Rule& rule = rules_[c];
    if (rule.type == CellType::kFree) {
      // Greedy: the message ends where the columns after it must begin.
      size_t hi = remaining - std::min(remaining, min_rest_[c + 1]);
      size_t lo = remaining - std::min(remaining, max_rest_[c + 1]);
      for (size_t k = hi + 1; k-- > lo;) {
        if (Take(c, t, k)) return true;
      }
    } else {
      for (size_t k : WordOptions(rule.type)) {
        if (Take(c, t, k)) return true;
      }
      if (rule.optional && Take(c, t, 0)) return true;
    }
    failed = 1;
    return false;
  }

  std::string_view line_;
  const std::vector<Tok>& toks_;
  const std::vector<Rule>& rules_;
  std::vector<Cell> cells_;
  std::vector<size_t> min_rest_, max_rest_;
  std::vector<uint8_t> failed_;
};

// Header recognition ------------------------------------------------------------

struct KnownColumn {
  std::string_view name;  // upper case, spaces removed
  Field field;
};

constexpr std::array<KnownColumn, 11> kPodColumns = {{
    {"NAMESPACE", Field::kNamespace},
    {"NAME", Field::kName},
    {"READY", Field::kReady},
    {"STATUS", Field::kStatus},
    {"RESTARTS", Field::kRestarts},
    {"AGE", Field::kAge},
    {"IP", Field::kIp},
    {"NODE", Field::kNode},
    {"NOMINATEDNODE", Field::kNominatedNode},
    {"READINESSGATES", Field::kReadinessGates},
    {"LABELS", Field::kLabels},
}};

constexpr std::array<KnownColumn, 17> kEventColumns = {{
    {"NAMESPACE", Field::kNamespace},
    {"LASTSEEN", Field::kLastSeen},
    {"FIRSTSEEN", Field::kFirstSeen},
    {"COUNT", Field::kCount},
    {"NAME", Field::kEventName},
    {"KIND", Field::kKind},
    {"OBJECT", Field::kObject},
    {"TARGET", Field::kObject},  // the wording of the 2019 pull request
    {"SUBOBJECT", Field::kSubobject},
    {"SUBOBJECTPATH", Field::kSubobject},
    {"TYPE", Field::kType},
    {"REASON", Field::kReason},
    {"SOURCE", Field::kSource},
    {"FROM", Field::kSource},
    {"MESSAGE", Field::kMessage},
    {"AGE", Field::kInterval},
    {"TIME", Field::kLastSeen},
}};

// Column names printed with a space inside.
constexpr std::array<std::string_view, 4> kTwoWordNames = {"LAST SEEN", "FIRST SEEN", "NOMINATED NODE",
                                                           "READINESS GATES"};

struct HeaderWord {
  std::string text;  // as printed, without a trailing ':'
  size_t begin;      // byte offset
};

std::vector<HeaderWord> HeaderWords(std::string_view line) {
  std::vector<HeaderWord> words;
  std::vector<Tok> toks = WordTokens(line);
  for (size_t i = 0; i < toks.size(); ++i) {
    std::string_view w = line.substr(toks[i].begin, toks[i].end - toks[i].begin);
    // "LAST SEEN" is one column: two words one space apart.
    if (i + 1 < toks.size() && toks[i + 1].begin == toks[i].end + 1) {
      std::string_view next = line.substr(toks[i + 1].begin, toks[i + 1].end - toks[i + 1].begin);
      std::string joined = Upper(w) + " " + Upper(next);
      if (!joined.empty() && joined.back() == ':') joined.pop_back();
      if (std::find(kTwoWordNames.begin(), kTwoWordNames.end(), joined) != kTwoWordNames.end()) {
        std::string printed = std::string(w) + " " + std::string(next);
        if (printed.back() == ':') printed.pop_back();
        words.push_back(HeaderWord{printed, toks[i].begin});
        ++i;
        continue;
      }
    }
    std::string printed(w);
    // The seed incident pastes "Type:  Reason:  Age  From:  Message".
    if (printed.size() > 1 && printed.back() == ':') printed.pop_back();
    words.push_back(HeaderWord{printed, toks[i].begin});
  }
  return words;
}

std::string NormalName(std::string_view printed) {
  std::string out;
  for (char c : printed) {
    if (c != ' ') out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

// Printed header cells are all upper case (kubectl get) or all capitalised
// (kubectl describe); mixed pastes are not headers.
bool HeaderCase(const std::vector<HeaderWord>& words) {
  bool all_upper = true, all_title = true;
  for (const auto& w : words) {
    bool upper = std::none_of(w.text.begin(), w.text.end(), IsLower);
    all_upper &= upper;
    all_title &= !w.text.empty() && IsUpper(w.text[0]) && !upper;
  }
  return all_upper || all_title;
}

bool Has(const std::vector<Column>& cols, Field f) {
  return std::any_of(cols.begin(), cols.end(), [&](const Column& c) { return c.field == f; });
}

// Every recognised header has a NAME or a REASON column: a cheap test that
// keeps the full check off nearly every other line.
bool MentionsNameOrReason(std::string_view line) {
  auto contains = [&](std::string_view word) {
    return std::search(line.begin(), line.end(), word.begin(), word.end(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           }) != line.end();
  };
  return contains("name") || contains("reason");
}

}  // namespace

std::optional<TableHeader> DetectHeader(std::string_view line) {
  if (line.size() > 4096 || IsBlank(line) || !MentionsNameOrReason(line)) return std::nullopt;
  std::vector<HeaderWord> words = HeaderWords(line);
  if (words.size() < 3 || words.size() > 24 || !HeaderCase(words)) return std::nullopt;
  CodePoints cps(line);
  TableHeader h;
  h.indent = IndentOf(line);
  h.has_tab = line.find('\t') != std::string_view::npos;
  auto make = [&](const auto& known, bool allow_extra) -> std::optional<std::vector<Column>> {
    std::vector<Column> cols;
    for (const auto& w : words) {
      std::string norm = NormalName(w.text);
      auto it = std::find_if(known.begin(), known.end(), [&](const KnownColumn& k) { return k.name == norm; });
      uint32_t cp = static_cast<uint32_t>(cps.CodePointOf(w.begin));
      if (it != known.end()) {
        cols.push_back(Column{it->field, w.text, cp});
      } else if (allow_extra && !cols.empty() && cols.back().field == Field::kExtra) {
        cols.push_back(Column{Field::kExtra, w.text, cp});
      } else if (allow_extra && Has(cols, Field::kAge)) {
        // `-L key` adds label columns after AGE.
        cols.push_back(Column{Field::kExtra, w.text, cp});
      } else {
        return std::nullopt;
      }
    }
    return cols;
  };
  if (auto cols = make(kPodColumns, true)) {
    bool ok = Has(*cols, Field::kName) && Has(*cols, Field::kReady) && Has(*cols, Field::kStatus) &&
              Has(*cols, Field::kRestarts) &&
              ((*cols)[0].field == Field::kName ||
               ((*cols)[0].field == Field::kNamespace && cols->size() > 1 && (*cols)[1].field == Field::kName));
    if (ok) {
      h.kind = TableKind::kPods;
      h.columns = std::move(*cols);
      return h;
    }
  }
  if (auto cols = make(kEventColumns, false)) {
    bool timed = Has(*cols, Field::kLastSeen) || Has(*cols, Field::kFirstSeen) || Has(*cols, Field::kInterval);
    if (!Has(*cols, Field::kReason) || !Has(*cols, Field::kMessage) || !timed) return std::nullopt;
    // Each column once.
    for (size_t i = 0; i < cols->size(); ++i) {
      for (size_t j = i + 1; j < cols->size(); ++j) {
        if ((*cols)[i].field == (*cols)[j].field) return std::nullopt;
      }
    }
    // describe prints "Type Reason Age From Message" (v1.8+) or
    // "FirstSeen LastSeen Count From SubObjectPath Type Reason Message";
    // kubectl get events never has a From column.
    bool has_from = std::any_of(cols->begin(), cols->end(), [](const Column& c) { return NormalName(c.name) == "FROM"; });
    h.kind = has_from || Has(*cols, Field::kInterval) ? TableKind::kDescribeEvents : TableKind::kEvents;
    h.columns = std::move(*cols);
    return h;
  }
  return std::nullopt;
}

namespace {

// Rows --------------------------------------------------------------------------

Rule RuleFor(Field f) {
  switch (f) {
    case Field::kNamespace: return {CellType::kWord, false};
    case Field::kName: return {CellType::kWord, false};
    case Field::kReady: return {CellType::kReady, false};
    case Field::kStatus: return {CellType::kWord, false};
    case Field::kRestarts: return {CellType::kRestarts, false};
    case Field::kAge: return {CellType::kAge, false};
    case Field::kIp:
    case Field::kNode:
    case Field::kNominatedNode:
    case Field::kReadinessGates: return {CellType::kWord, false};
    case Field::kExtra: return {CellType::kOptWord, true};
    case Field::kLabels: return {CellType::kWord, false};
    case Field::kLastSeen: return {CellType::kInterval, false};
    case Field::kFirstSeen: return {CellType::kAge, false};
    case Field::kCount: return {CellType::kCount, false};
    case Field::kEventName: return {CellType::kWord, false};
    case Field::kKind: return {CellType::kWord, false};
    case Field::kObject: return {CellType::kObjectRef, false};
    case Field::kSubobject: return {CellType::kFieldPath, true};
    case Field::kType: return {CellType::kType, false};
    case Field::kReason: return {CellType::kWord, false};
    case Field::kSource: return {CellType::kSource, true};
    case Field::kMessage: return {CellType::kFree, false};
    case Field::kInterval: return {CellType::kInterval, false};
    case Field::kCount_: break;
  }
  return {CellType::kWord, false};
}

std::vector<Rule> RulesFor(const TableHeader& h) {
  std::vector<Rule> rules;
  for (const Column& c : h.columns) rules.push_back(RuleFor(c.field));
  return rules;
}

// Cells at the header's positions; every cell must start exactly at its
// column (tabwriter left-aligns) and satisfy its grammar.
std::optional<std::vector<Cell>> SplitByPositions(std::string_view line, const TableHeader& h,
                                                  const std::vector<Rule>& rules) {
  if (h.has_tab || line.find('\t') != std::string_view::npos) return std::nullopt;
  CodePoints cps(line);
  size_t count = cps.Count();
  std::vector<Cell> cells(h.columns.size());
  for (size_t c = 0; c < h.columns.size(); ++c) {
    size_t start = h.columns[c].cp_start;
    size_t stop = c + 1 < h.columns.size() ? h.columns[c + 1].cp_start : std::numeric_limits<size_t>::max();
    bool last = c + 1 == h.columns.size();
    if (start >= count) {
      if (MinTokens(rules[c]) > 0) return std::nullopt;
      continue;
    }
    size_t b = cps.Byte(start);
    if (c == 0) {
      // Nothing but indentation before the first column.
      for (size_t i = 0; i < b; ++i) {
        if (!IsSpace(line[i])) return std::nullopt;
      }
    } else if (!IsSpace(line[cps.Byte(start - 1)])) {
      return std::nullopt;  // a cell runs across the column boundary
    }
    size_t e = last || stop >= count ? line.size() : cps.Byte(stop);
    std::string_view raw = line.substr(b, e - b);
    std::string_view t = Trim(raw);
    if (t.empty()) {
      if (MinTokens(rules[c]) > 0) return std::nullopt;
      continue;
    }
    if (IsSpace(line[b])) return std::nullopt;  // content not at the column start
    cells[c] = Cell{b, b + t.size(), true};
    if (!Valid(rules[c].type, t)) return std::nullopt;
  }
  return cells;
}

std::optional<std::vector<Cell>> SplitRow(std::string_view line, const TableHeader& h,
                                          const std::vector<Rule>& rules) {
  if (auto cells = SplitByPositions(line, h, rules)) return cells;
  std::vector<Tok> gaps = GapTokens(line);
  if (auto cells = Matcher(line, gaps, rules).Run()) return cells;
  std::vector<Tok> words = WordTokens(line);
  if (words.size() != gaps.size()) {
    if (auto cells = Matcher(line, words, rules).Run()) return cells;
  }
  return std::nullopt;
}

struct Row {
  size_t index;  // line index
  std::vector<Cell> cells;
  // The row's last line: later than index when its message goes on over
  // the next lines (kubectl prints a message's line breaks as they are).
  size_t last_line;
};

class RowView {
 public:
  RowView(const TextCtx& ctx, const TableHeader& h, const Row& row)
      : ctx_(ctx), header_(h), row_(row), line_(ctx.Line(row.index)) {}
  const Cell* Get(Field f) const {
    for (size_t c = 0; c < header_.columns.size(); ++c) {
      if (header_.columns[c].field == f && row_.cells[c].present) return &row_.cells[c];
    }
    return nullptr;
  }
  std::string_view Text(Field f) const {
    const Cell* c = Get(f);
    return c ? c->Of(line_) : std::string_view();
  }
  Span SpanOf(Field f) const {
    const Cell* c = Get(f);
    return c ? ctx_.SpanIn(row_.index, c->begin, c->end) : Span{};
  }
  // A part of a cell, by byte offsets inside the cell.
  Span Part(Field f, size_t begin, size_t end) const {
    const Cell* c = Get(f);
    return c ? ctx_.SpanIn(row_.index, c->begin + begin, c->begin + end) : Span{};
  }
  Span RowSpan() const { return Span{ctx_.LineSpan(row_.index).begin, ctx_.LineSpan(row_.last_line).end}; }
  // The message with the lines it goes on over, if any.
  std::optional<std::pair<std::string, Span>> Message() const {
    const Cell* c = Get(Field::kMessage);
    std::string text(c ? c->Of(line_) : std::string_view());
    Span span = c ? ctx_.SpanIn(row_.index, c->begin, c->end) : Span{};
    for (size_t i = row_.index + 1; i <= row_.last_line; ++i) {
      if (!text.empty()) text += '\n';
      text += Trim(ctx_.Line(i));
      Span more = ctx_.LineSpan(i);
      span = span.Known() ? Span{span.begin, more.end} : more;
    }
    if (!span.Known()) return std::nullopt;
    return std::make_pair(std::move(text), span);
  }
  size_t index() const { return row_.index; }
  std::string_view line() const { return line_; }

 private:
  const TextCtx& ctx_;
  const TableHeader& header_;
  const Row& row_;
  std::string_view line_;
};

// Pods ---------------------------------------------------------------------------

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool IsPodLevelReason(std::string_view s) {
  static constexpr std::array<std::string_view, 10> kReasons = {
      "Evicted", "NodeLost", "NodeAffinity", "NodeShutdown", "Shutdown", "Terminated", "UnexpectedAdmissionError",
      "DeadlineExceeded", "Preempting", "SchedulingGated"};
  return StartsWith(s, "OutOf") || std::find(kReasons.begin(), kReasons.end(), s) != kReasons.end();
}

bool IsTerminatedReason(std::string_view s) {
  static constexpr std::array<std::string_view, 6> kReasons = {"Error",      "OOMKilled", "ContainerCannotRun",
                                                               "StartError", "Completed", "ContainerStatusUnknown"};
  return StartsWith(s, "ExitCode:") || StartsWith(s, "Signal:") ||
         std::find(kReasons.begin(), kReasons.end(), s) != kReasons.end();
}

// Waiting reasons of a container that has not started yet.
bool IsNotStartedReason(std::string_view s) {
  static constexpr std::array<std::string_view, 6> kReasons = {"ContainerCreating",   "PodInitializing",
                                                               "InvalidImageName",    "RunContainerError",
                                                               "PreCreateHookError",  "PreStartHookError"};
  return s.find("ImagePull") != std::string_view::npos || StartsWith(s, "ErrImage") ||
         StartsWith(s, "CreateContainer") || std::find(kReasons.begin(), kReasons.end(), s) != kReasons.end();
}

// The state of the container whose reason kubectl printed.
TVal ContainerState(std::string_view reason, Span span) {
  TVal state = TVal::Map(span);
  if (IsTerminatedReason(reason)) {
    TVal& term = state.Child("terminated", span);
    if (StartsWith(reason, "ExitCode:")) {
      if (auto n = ParseCount(reason.substr(9))) {
        term.Put("exitCode", TVal::Int(*n, span));
        return state;
      }
    } else if (StartsWith(reason, "Signal:")) {
      if (auto n = ParseCount(reason.substr(7))) {
        term.Put("signal", TVal::Int(*n, span));
        return state;
      }
    }
    term.Put("reason", TVal::Str(reason, span));
  } else if (reason == "Running" || reason == "NotReady") {
    state.Child("running", span);
  } else {
    state.Child("waiting", span).Put("reason", TVal::Str(reason, span));
  }
  return state;
}

TVal LastTerminated(const Restarts& r, const RowView& row) {
  Span ago_span = row.Part(Field::kRestarts, r.ago_begin, r.ago_end);
  TVal last = TVal::Map(ago_span);
  TVal& term = last.Child("terminated", ago_span);
  if (r.ago && r.ago->HasSeconds()) term.Put("x-kora-ago-seconds", TVal::Int(r.ago->seconds, ago_span));
  return last;
}

TVal PodFromRow(const RowView& row, std::string_view command, std::string_view command_ns = {},
                Span command_ns_span = {}) {
  Span rs = row.RowSpan();
  TVal pod = TVal::Map(rs);
  pod.Put("apiVersion", TVal::Str("v1", rs));
  pod.Put("kind", TVal::Str("Pod", rs));
  TVal& meta = pod.Child("metadata", rs);
  std::string_view name = row.Text(Field::kName);
  Span name_span = row.SpanOf(Field::kName);
  if (StartsWith(name, "pod/")) {  // kubectl get all
    name.remove_prefix(4);
    name_span.begin.col += 4;
  }
  meta.Put("name", TVal::Str(name, name_span));
  if (row.Get(Field::kNamespace)) {
    meta.Put("namespace", TVal::Str(row.Text(Field::kNamespace), row.SpanOf(Field::kNamespace)));
  } else if (!command_ns.empty()) {
    // The value comes from the command line above the table; the node keeps
    // to its row so that every node lies inside its object.
    (void)command_ns_span;
    meta.Put("namespace", TVal::Str(command_ns, rs));
  }
  meta.Child("annotations", rs).Put(kSourceAnnotation, TVal::Str(command, rs));
  // --show-labels: "app=web,pod-template-hash=5d4f8c7b9" or "<none>".
  if (std::string_view labels = row.Text(Field::kLabels); !labels.empty() && labels != "<none>") {
    TVal& map = meta.Child("labels", row.SpanOf(Field::kLabels));
    size_t start = 0;
    while (start < labels.size()) {
      size_t comma = labels.find(',', start);
      size_t end = comma == std::string_view::npos ? labels.size() : comma;
      size_t eq = labels.find('=', start);
      if (eq != std::string_view::npos && eq > start && eq < end) {
        map.Put(labels.substr(start, eq - start),
                TVal::Str(labels.substr(eq + 1, end - eq - 1), row.Part(Field::kLabels, eq + 1, end)));
      }
      start = end + 1;
    }
  }

  std::string_view node = row.Text(Field::kNode);
  if (!node.empty() && node != "<none>") pod.Child("spec", rs).Put("nodeName", TVal::Str(node, row.SpanOf(Field::kNode)));

  std::string_view status_text = row.Text(Field::kStatus);
  Span status_span = row.SpanOf(Field::kStatus);
  std::string_view ready_text = row.Text(Field::kReady);
  int64_t ready = 0, total = 0;
  if (size_t slash = ready_text.find('/'); slash != std::string_view::npos) {
    ready = ParseCount(ready_text.substr(0, slash)).value_or(0);
    total = ParseCount(ready_text.substr(slash + 1)).value_or(0);
  }
  std::optional<Restarts> restarts = ParseRestarts(row.Text(Field::kRestarts));
  int64_t restart_count = restarts ? restarts->count : 0;
  // The count's digits; "(5m10s ago)" has its own span under lastState.
  std::string_view restarts_text = row.Text(Field::kRestarts);
  size_t digits = 0;
  while (digits < restarts_text.size() && IsDigit(restarts_text[digits])) ++digits;
  Span restarts_span = row.Part(Field::kRestarts, 0, digits);
  bool has_ago = restarts && restarts->ago.has_value();

  TVal& status = pod.Child("status", rs);
  auto phase = [&](std::string_view p) { status.Put("phase", TVal::Str(p, status_span)); };
  auto pending_unless_ready = [&] { phase(ready > 0 ? "Running" : "Pending"); };
  auto container = [&](std::string_view reason, bool is_ready, int64_t count, bool with_last) {
    TVal c = TVal::Map();
    c.Put("name", TVal::Str("", status_span));
    c.Put("ready", TVal::Bool(is_ready, row.SpanOf(Field::kReady)));
    c.Put("restartCount", TVal::Int(count, restarts_span));
    c.Put("state", ContainerState(reason, status_span));
    if (with_last) c.Put("lastState", LastTerminated(*restarts, row));
    return c;
  };

  if (StartsWith(status_text, "Init:")) {
    std::string_view init_reason = status_text.substr(5);
    pending_unless_ready();
    TVal init = TVal::Map();
    init.Put("name", TVal::Str("", status_span));
    init.Put("ready", TVal::Bool(false, status_span));
    // While a pod initialises, RESTARTS counts its init containers' restarts.
    init.Put("restartCount", TVal::Int(restart_count, restarts_span));
    if (IsReady(init_reason)) {
      TVal state = TVal::Map(status_span);
      state.Child("running", status_span);
      init.Put("state", std::move(state));
    } else {
      init.Put("state", ContainerState(init_reason, status_span));
    }
    if (has_ago) init.Put("lastState", LastTerminated(*restarts, row));
    status.ChildSeq("initContainerStatuses", status_span).Push(std::move(init));
    status.ChildSeq("containerStatuses", status_span).Push(container("PodInitializing", false, 0, false));
  } else if (IsPodLevelReason(status_text)) {
    if (status_text == "NodeLost") {
      phase("Unknown");
      status.Put("reason", TVal::Str(status_text, status_span));
    } else if (status_text == "SchedulingGated") {
      phase("Pending");  // a condition, not status.reason
    } else {
      phase("Failed");
      status.Put("reason", TVal::Str(status_text, status_span));
    }
  } else if (status_text == "Pending") {
    phase("Pending");
  } else if (status_text == "Unknown") {
    phase("Unknown");
  } else if (status_text == "Failed") {
    phase("Failed");
  } else if (status_text == "Succeeded" || status_text == "Completed") {
    phase("Succeeded");
    if (status_text == "Completed") {
      status.ChildSeq("containerStatuses", status_span)
          .Push(container("Completed", false, restart_count, has_ago));
    }
  } else if (status_text == "Terminating") {
    // Deleted, still shutting down: the phase is not shown.
  } else if (status_text == "Running" || status_text == "NotReady") {
    phase("Running");
    status.ChildSeq("containerStatuses", status_span)
        .Push(container(status_text, status_text == "Running" && total > 0 && ready == total, restart_count,
                        has_ago));
  } else if (status_text == "CrashLoopBackOff") {
    phase("Running");
    status.ChildSeq("containerStatuses", status_span).Push(container(status_text, false, restart_count, has_ago));
  } else if (IsTerminatedReason(status_text)) {
    phase(restart_count > 0 || ready > 0 ? "Running" : "Failed");
    status.ChildSeq("containerStatuses", status_span).Push(container(status_text, false, restart_count, has_ago));
  } else if (IsNotStartedReason(status_text)) {
    pending_unless_ready();
    status.ChildSeq("containerStatuses", status_span).Push(container(status_text, false, restart_count, has_ago));
  } else {
    // A runtime's own waiting reason, printed verbatim.
    if (ready > 0) phase("Running");
    status.ChildSeq("containerStatuses", status_span).Push(container(status_text, false, restart_count, has_ago));
  }
  std::string_view ip = row.Text(Field::kIp);
  if (!ip.empty() && ip != "<none>") status.Put("podIP", TVal::Str(ip, row.SpanOf(Field::kIp)));
  std::string_view nominated = row.Text(Field::kNominatedNode);
  if (!nominated.empty() && nominated != "<none>") {
    status.Put("nominatedNodeName", TVal::Str(nominated, row.SpanOf(Field::kNominatedNode)));
  }

  TVal& x = pod.Child("x-kora", rs);
  x.Put("ready", TVal::Str(ready_text, row.SpanOf(Field::kReady)));
  x.Put("status", TVal::Str(status_text, status_span));
  x.Put("restarts", TVal::Str(row.Text(Field::kRestarts), row.SpanOf(Field::kRestarts)));
  if (row.Get(Field::kAge)) {
    x.Put("age", TVal::Str(row.Text(Field::kAge), row.SpanOf(Field::kAge)));
    std::optional<Age> age = ParseAge(row.Text(Field::kAge));
    if (age && age->HasSeconds()) x.Put("ageSeconds", TVal::Int(age->seconds, row.SpanOf(Field::kAge)));
  }
  if (row.Get(Field::kReadinessGates)) {
    x.Put("readinessGates", TVal::Str(row.Text(Field::kReadinessGates), row.SpanOf(Field::kReadinessGates)));
  }
  return pod;
}

// Events -------------------------------------------------------------------------

// "name.17a8c2f0e1b2c3d4": the name kubectl's event recorder gives an event
// (the involved object's name and a hexadecimal timestamp).
size_t EventNameSuffix(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot - 1 < 12) return std::string_view::npos;
  for (size_t i = dot + 1; i < name.size(); ++i) {
    char c = name[i];
    if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) return std::string_view::npos;
  }
  return dot;
}

struct SourceParts {
  std::string_view component, host;
  size_t component_begin = 0, host_begin = 0;
};

SourceParts SplitSource(std::string_view s) {
  SourceParts p;
  size_t offset = 0;
  if (!s.empty() && s.front() == '{' && s.back() == '}') {
    s = s.substr(1, s.size() - 2);
    offset = 1;
  }
  size_t sep = s.find(',');
  size_t space = s.find(' ');
  size_t cut = sep != std::string_view::npos ? sep : space;
  p.component = s.substr(0, cut);
  p.component_begin = offset;
  if (cut != std::string_view::npos) {
    size_t h = cut + 1;
    while (h < s.size() && IsSpace(s[h])) ++h;
    p.host = Trim(s.substr(h));
    p.host_begin = offset + h;
  }
  return p;
}

struct EventContext {
  std::string_view command;
  const Subject* subject = nullptr;
  // The namespace the command line above the table names (-n ns).
  std::string_view ns;
  Span ns_span;
  // kubectl events and describe print the first time when an event happened
  // once; kubectl get events prints the last.
  bool single_age_is_first = false;
};

TVal EventFromRow(const RowView& row, const EventContext& ec) {
  Span rs = row.RowSpan();
  TVal ev = TVal::Map(rs);
  ev.Put("apiVersion", TVal::Str("v1", rs));
  ev.Put("kind", TVal::Str("Event", rs));

  std::string kind;
  std::string_view name;
  Span kind_span, name_span;
  std::string_view event_name;
  Span event_name_span;
  if (row.Get(Field::kObject)) {
    std::string_view obj = row.Text(Field::kObject);
    size_t slash = obj.find('/');
    kind = KindFromObjectColumn(obj.substr(0, slash));
    kind_span = row.Part(Field::kObject, 0, slash == std::string_view::npos ? obj.size() : slash);
    if (slash != std::string_view::npos) {
      name = obj.substr(slash + 1);
      name_span = row.Part(Field::kObject, slash + 1, obj.size());
    }
    if (row.Get(Field::kEventName)) {
      event_name = row.Text(Field::kEventName);
      event_name_span = row.SpanOf(Field::kEventName);
    }
  } else if (row.Get(Field::kKind) || row.Get(Field::kEventName)) {
    kind = KindFromObjectColumn(row.Text(Field::kKind));
    kind_span = row.SpanOf(Field::kKind);
    name = row.Text(Field::kEventName);
    name_span = row.SpanOf(Field::kEventName);
    // Server-side printing (about 1.10 to 1.13) showed the event's own name.
    if (size_t dot = EventNameSuffix(name); dot != std::string_view::npos) {
      event_name = name;
      event_name_span = name_span;
      name = name.substr(0, dot);
      name_span = row.Part(Field::kEventName, 0, dot);
    }
  } else if (ec.subject) {
    kind = ec.subject->kind;
    kind_span = ec.subject->kind_span;
    name = ec.subject->name;
    name_span = ec.subject->name_span;
  }

  std::string_view ns;
  Span ns_span;
  if (row.Get(Field::kNamespace)) {
    ns = row.Text(Field::kNamespace);
    ns_span = row.SpanOf(Field::kNamespace);
  } else if (ec.subject && !ec.subject->ns.empty()) {
    ns = ec.subject->ns;
    ns_span = ec.subject->ns_span;
  } else if (!ec.ns.empty()) {
    ns = ec.ns;
    ns_span = rs;
  }

  TVal& meta = ev.Child("metadata", rs);
  std::string synthetic = std::string(name.empty() ? "event" : name) + ".text-" +
                          std::to_string(row.index() + 1);
  meta.Put("name", TVal::Str(synthetic, name.empty() ? rs : name_span));
  if (!ns.empty()) meta.Put("namespace", TVal::Str(ns, ns_span));
  meta.Child("annotations", rs).Put(kSourceAnnotation, TVal::Str(ec.command, rs));

  if (!kind.empty() || !name.empty()) {
    TVal& inv = ev.Child("involvedObject");
    if (!kind.empty()) inv.Put("kind", TVal::Str(kind, kind_span.Known() ? kind_span : rs));
    if (!name.empty()) inv.Put("name", TVal::Str(name, name_span));
    if (!ns.empty() && !IsClusterScopedKind(kind)) inv.Put("namespace", TVal::Str(ns, ns_span));
    if (row.Get(Field::kSubobject)) inv.Put("fieldPath", TVal::Str(row.Text(Field::kSubobject), row.SpanOf(Field::kSubobject)));
  }
  if (row.Get(Field::kType)) ev.Put("type", TVal::Str(row.Text(Field::kType), row.SpanOf(Field::kType)));
  if (row.Get(Field::kReason)) ev.Put("reason", TVal::Str(row.Text(Field::kReason), row.SpanOf(Field::kReason)));
  if (auto message = row.Message()) {
    ev.Put("message", TVal::Str(message->first, message->second));
  } else {
    ev.Put("message", TVal::Str("", rs));
  }

  // The time cell: LAST SEEN (get events, kubectl events) or Age (describe).
  Field time_field = row.Get(Field::kInterval) ? Field::kInterval : Field::kLastSeen;
  std::optional<EventInterval> interval;
  if (row.Get(time_field)) interval = ParseEventInterval(row.Text(time_field));

  if (row.Get(Field::kCount)) {
    ev.Put("count", TVal::Int(ParseCount(row.Text(Field::kCount)).value_or(1), row.SpanOf(Field::kCount)));
  } else if (interval && interval->has_series) {
    ev.Put("count", TVal::Int(interval->count, row.Part(time_field, interval->count_begin, interval->count_end)));
  } else {
    ev.Put("count", TVal::Int(1, row.Get(time_field) ? row.SpanOf(time_field) : rs));
  }

  if (row.Get(Field::kSource)) {
    std::string_view src = row.Text(Field::kSource);
    SourceParts parts = SplitSource(src);
    TVal& source = ev.Child("source", row.SpanOf(Field::kSource));
    if (!parts.component.empty()) {
      source.Put("component", TVal::Str(parts.component, row.Part(Field::kSource, parts.component_begin,
                                                                   parts.component_begin + parts.component.size())));
    }
    if (!parts.host.empty()) {
      source.Put("host", TVal::Str(parts.host, row.Part(Field::kSource, parts.host_begin,
                                                         parts.host_begin + parts.host.size())));
    }
  }

  TVal& x = ev.Child("x-kora", rs);
  if (interval) {
    if (interval->last.HasSeconds()) {
      x.Put("lastSeenSecondsAgo",
            TVal::Int(interval->last.seconds, row.Part(time_field, interval->last_begin, interval->last_end)));
    }
    bool first_known = interval->has_series || (ec.single_age_is_first && !row.Get(Field::kFirstSeen));
    if (first_known && interval->first.HasSeconds()) {
      x.Put("firstSeenSecondsAgo",
            TVal::Int(interval->first.seconds, row.Part(time_field, interval->first_begin, interval->first_end)));
    }
  }
  if (row.Get(Field::kFirstSeen)) {
    std::optional<Age> first = ParseAge(row.Text(Field::kFirstSeen));
    if (first && first->HasSeconds()) {
      x.Put("firstSeenSecondsAgo", TVal::Int(first->seconds, row.SpanOf(Field::kFirstSeen)));
    }
  }
  if (row.Get(time_field)) x.Put("age", TVal::Str(row.Text(time_field), row.SpanOf(time_field)));
  if (!event_name.empty()) x.Put("eventName", TVal::Str(event_name, event_name_span));
  return ev;
}

}  // namespace

bool IsKubectlCommand(std::string_view line) {
  std::string_view l = Trim(line);
  // Shell prompts and Markdown quotes.
  while (!l.empty() && (l[0] == '$' || l[0] == '#' || l[0] == '>' || l[0] == '%')) l = Trim(l.substr(1));
  return l.find("kubectl ") != std::string_view::npos || StartsWith(l, "k ") || StartsWith(l, "oc ");
}

std::optional<size_t> CommandAbove(const TextCtx& ctx, size_t index) {
  size_t seen = 0;
  for (size_t i = index; i-- > 0 && seen < 3;) {
    std::string_view l = Trim(ctx.Line(i));
    if (l.empty() || IsFence(l)) continue;
    ++seen;
    if (IsKubectlCommand(l)) return i;
  }
  return std::nullopt;
}

namespace {

std::string_view EventsCommand(const TextCtx& ctx, const TableHeader& h, const std::vector<Row>& rows,
                               size_t header_index) {
  if (h.kind == TableKind::kDescribeEvents) return "kubectl describe";
  std::optional<size_t> command = CommandAbove(ctx, header_index);
  std::string_view cmd = command ? ctx.Line(*command) : std::string_view();
  if (cmd.find(" get ") != std::string_view::npos) return "kubectl get events";
  if (cmd.find(" events") != std::string_view::npos) return "kubectl events";
  // kubectl events keeps the kind's case ("Pod/web") and folds repeats into
  // "4m (x3 over 10m)"; kubectl get events does neither.
  if (!Has(h.columns, Field::kObject) || Has(h.columns, Field::kCount)) return "kubectl get events";
  for (const Row& r : rows) {
    RowView v(ctx, h, r);
    std::string_view obj = v.Text(Field::kObject);
    if (!obj.empty() && IsUpper(obj[0])) return "kubectl events";
    if (v.Text(Field::kLastSeen).find("(x") != std::string_view::npos) return "kubectl events";
  }
  return "kubectl get events";
}

std::string_view TableName(TableKind kind) {
  switch (kind) {
    case TableKind::kPods: return "kubectl get pods";
    case TableKind::kEvents: return "kubectl get events";
    case TableKind::kDescribeEvents: return "kubectl describe Events";
  }
  return "";
}

std::string HeaderNames(const TableHeader& h) {
  std::string out;
  for (const Column& c : h.columns) {
    if (!out.empty()) out += "  ";
    out += c.name;
  }
  return out;
}

}  // namespace

size_t ParseTable(TextCtx& ctx, size_t header_index, const TableHeader& header, const Subject* subject) {
  std::vector<Rule> rules = RulesFor(header);
  std::vector<Row> rows;
  // A line indented less than the header does not end the table by itself:
  // a message going on over several lines starts its lines in column 1.
  auto ends_table = [&](std::string_view line) { return IsBlank(line) || IsFence(line) || DetectHeader(line); };
  auto report = [&](size_t index) {
    ctx.Problem(index, "line does not fit the " + std::string(TableName(header.kind)) +
                           " table whose header is at line " + std::to_string(header_index + 1) + " (" +
                           HeaderNames(header) + "); row skipped");
  };
  bool message_last = header.columns.back().field == Field::kMessage;
  // From this line to the end of the table no line is a row (found once, so
  // that a run of bad lines is scanned once).
  size_t rowless_from = std::numeric_limits<size_t>::max();
  size_t i = header_index + 1;
  while (i < ctx.LineCount()) {
    std::string_view line = ctx.Line(i);
    if (ends_table(line)) break;
    if (i == header_index + 1 && IsUnderline(line)) {
      ++i;
      continue;
    }
    if (auto cells = SplitRow(line, header, rules)) {
      rows.push_back(Row{i, std::move(*cells), i});
      ++i;
      continue;
    }
    // Not a row. When a row of the table follows, the lines up to it belong
    // to the table: the previous message going on, or damaged rows.
    size_t next = i + 1;
    if (next < rowless_from) {
      for (; next < ctx.LineCount() && !ends_table(ctx.Line(next)); ++next) {
        if (SplitRow(ctx.Line(next), header, rules)) break;
      }
      if (next >= ctx.LineCount() || ends_table(ctx.Line(next))) rowless_from = i + 1;
    }
    if (next >= rowless_from) {
      // Nothing follows: a line with cells at the table's indentation is a
      // damaged row; anything else (prose after the table) ends it.
      if (IndentOf(line) == header.indent && GapTokens(line).size() >= 2) {
        report(i);
        ++i;
        continue;
      }
      break;
    }
    for (; i < next; ++i) {
      bool too_few_cells = GapTokens(ctx.Line(i)).size() + 1 < header.columns.size();
      if (message_last && !rows.empty() && rows.back().last_line + 1 == i && too_few_cells) {
        rows.back().last_line = i;
      } else {
        report(i);
      }
    }
  }
  // `kubectl get pods -n jobs` above a table without a NAMESPACE column.
  std::string_view command_ns;
  Span command_ns_span;
  if (std::optional<size_t> cmd = CommandAbove(ctx, header_index)) {
    std::string_view line = ctx.Line(*cmd);
    for (std::string_view flag : {std::string_view(" -n "), std::string_view(" --namespace "), std::string_view(" --namespace=")}) {
      size_t at = line.find(flag);
      if (at == std::string_view::npos) continue;
      size_t b = at + flag.size();
      while (b < line.size() && line[b] == ' ') ++b;
      size_t e = b;
      while (e < line.size() && line[e] != ' ' && line[e] != '\t') ++e;
      if (e > b) {
        command_ns = line.substr(b, e - b);
        command_ns_span = ctx.SpanIn(*cmd, b, e);
      }
      break;
    }
  }
  if (header.kind == TableKind::kPods) {
    for (const Row& r : rows) {
      RowView v(ctx, header, r);
      ctx.AddDocument(PodFromRow(v, "kubectl get pods", command_ns, command_ns_span), v.RowSpan());
    }
    return i;
  }
  EventContext ec;
  ec.ns = command_ns;
  ec.ns_span = command_ns_span;
  ec.command = EventsCommand(ctx, header, rows, header_index);
  ec.subject = subject;
  ec.single_age_is_first = ec.command != "kubectl get events";
  for (const Row& r : rows) {
    RowView v(ctx, header, r);
    ctx.AddDocument(EventFromRow(v, ec), v.RowSpan());
  }
  return i;
}

namespace {

// `kubectl get pods --no-headers`, or rows pasted without their header, as in
// the incident write-ups: recognised by the shape of every cell, with cells
// separated by two or more spaces.
const std::vector<std::vector<Field>>& HeaderlessPodLayouts() {
  static const std::vector<std::vector<Field>> layouts = {
      {Field::kName, Field::kReady, Field::kStatus, Field::kRestarts, Field::kAge},
      {Field::kNamespace, Field::kName, Field::kReady, Field::kStatus, Field::kRestarts, Field::kAge},
      {Field::kName, Field::kReady, Field::kStatus, Field::kRestarts, Field::kAge, Field::kIp, Field::kNode,
       Field::kNominatedNode, Field::kReadinessGates},
      {Field::kNamespace, Field::kName, Field::kReady, Field::kStatus, Field::kRestarts, Field::kAge, Field::kIp,
       Field::kNode, Field::kNominatedNode, Field::kReadinessGates},
  };
  return layouts;
}

std::optional<std::pair<TableHeader, std::vector<Cell>>> HeaderlessPodRow(std::string_view line) {
  // READY ("0/1") is the cheap tell.
  if (line.size() > 4096 || line.find('/') == std::string_view::npos || line.find('\t') != std::string_view::npos) {
    return std::nullopt;
  }
  std::vector<Tok> toks = GapTokens(line);
  if (toks.size() < 5 || toks.size() > 10) return std::nullopt;
  for (const auto& layout : HeaderlessPodLayouts()) {
    if (layout.size() != toks.size()) continue;
    std::vector<Rule> rules;
    for (Field f : layout) {
      Rule r = RuleFor(f);
      if (f == Field::kName) r.type = CellType::kPodName;
      if (f == Field::kNamespace) r.type = CellType::kDnsLabel;
      rules.push_back(r);
    }
    auto cells = Matcher(line, toks, rules).Run();
    if (!cells) continue;
    // The status is a reason kubectl prints: capitalised, or Init:...
    std::string_view status = (*cells)[layout.size() == 5 || layout.size() == 9 ? 2 : 3].Of(line);
    if (status.empty() || !IsUpper(status[0])) continue;
    TableHeader h;
    h.kind = TableKind::kPods;
    h.indent = IndentOf(line);
    for (Field f : layout) h.columns.push_back(Column{f, "", 0});
    return std::make_pair(std::move(h), std::move(*cells));
  }
  return std::nullopt;
}

size_t ParseHeaderlessPods(TextCtx& ctx, size_t index) {
  size_t i = index;
  for (; i < ctx.LineCount(); ++i) {
    auto row = HeaderlessPodRow(ctx.Line(i));
    if (!row) break;
    Row r{i, std::move(row->second), i};
    RowView v(ctx, row->first, r);
    ctx.AddDocument(PodFromRow(v, "kubectl get pods"), v.RowSpan());
  }
  return i;
}

}  // namespace

// Kinds ---------------------------------------------------------------------------

namespace {

struct KindName {
  std::string_view lower;
  std::string_view kind;
};

// Kinds whose capitalisation is not just a capital first letter.
constexpr std::array<KindName, 44> kKinds = {{
    {"replicaset", "ReplicaSet"},
    {"statefulset", "StatefulSet"},
    {"daemonset", "DaemonSet"},
    {"cronjob", "CronJob"},
    {"persistentvolumeclaim", "PersistentVolumeClaim"},
    {"persistentvolume", "PersistentVolume"},
    {"analysisrun", "AnalysisRun"},
    {"analysistemplate", "AnalysisTemplate"},
    {"clusteranalysistemplate", "ClusterAnalysisTemplate"},
    {"applicationset", "ApplicationSet"},
    {"appproject", "AppProject"},
    {"horizontalpodautoscaler", "HorizontalPodAutoscaler"},
    {"verticalpodautoscaler", "VerticalPodAutoscaler"},
    {"poddisruptionbudget", "PodDisruptionBudget"},
    {"serviceaccount", "ServiceAccount"},
    {"configmap", "ConfigMap"},
    {"networkpolicy", "NetworkPolicy"},
    {"storageclass", "StorageClass"},
    {"endpointslice", "EndpointSlice"},
    {"ingressclass", "IngressClass"},
    {"replicationcontroller", "ReplicationController"},
    {"resourcequota", "ResourceQuota"},
    {"limitrange", "LimitRange"},
    {"priorityclass", "PriorityClass"},
    {"clusterrole", "ClusterRole"},
    {"clusterrolebinding", "ClusterRoleBinding"},
    {"rolebinding", "RoleBinding"},
    {"customresourcedefinition", "CustomResourceDefinition"},
    {"certificaterequest", "CertificateRequest"},
    {"clusterissuer", "ClusterIssuer"},
    {"helmrelease", "HelmRelease"},
    {"helmrepository", "HelmRepository"},
    {"gitrepository", "GitRepository"},
    {"helmchart", "HelmChart"},
    {"volumeattachment", "VolumeAttachment"},
    {"volumesnapshot", "VolumeSnapshot"},
    {"csidriver", "CSIDriver"},
    {"csinode", "CSINode"},
    {"certificatesigningrequest", "CertificateSigningRequest"},
    {"mutatingwebhookconfiguration", "MutatingWebhookConfiguration"},
    {"validatingwebhookconfiguration", "ValidatingWebhookConfiguration"},
    {"externalsecret", "ExternalSecret"},
    {"secretstore", "SecretStore"},
    {"servicemonitor", "ServiceMonitor"},
}};

struct Alias {
  std::string_view name;
  std::string_view kind;
};

constexpr std::array<Alias, 52> kAliases = {{
    {"po", "Pod"},           {"pod", "Pod"},
    {"no", "Node"},          {"node", "Node"},
    {"svc", "Service"},      {"service", "Service"},
    {"deploy", "Deployment"}, {"deployment", "Deployment"},
    {"rs", "ReplicaSet"},    {"replicaset", "ReplicaSet"},
    {"sts", "StatefulSet"},  {"statefulset", "StatefulSet"},
    {"ds", "DaemonSet"},     {"daemonset", "DaemonSet"},
    {"job", "Job"},          {"cj", "CronJob"},
    {"cronjob", "CronJob"},  {"pvc", "PersistentVolumeClaim"},
    {"persistentvolumeclaim", "PersistentVolumeClaim"}, {"pv", "PersistentVolume"},
    {"persistentvolume", "PersistentVolume"}, {"ing", "Ingress"},
    {"ingress", "Ingress"},  {"ingresse", "Ingress"},
    {"hpa", "HorizontalPodAutoscaler"}, {"horizontalpodautoscaler", "HorizontalPodAutoscaler"},
    {"cm", "ConfigMap"},     {"configmap", "ConfigMap"},
    {"secret", "Secret"},    {"sa", "ServiceAccount"},
    {"serviceaccount", "ServiceAccount"}, {"ns", "Namespace"},
    {"namespace", "Namespace"}, {"ep", "Endpoints"},
    {"endpoint", "Endpoints"}, {"endpoints", "Endpoints"},
    {"pdb", "PodDisruptionBudget"}, {"poddisruptionbudget", "PodDisruptionBudget"},
    {"netpol", "NetworkPolicy"}, {"networkpolicy", "NetworkPolicy"},
    {"sc", "StorageClass"},  {"storageclass", "StorageClass"},
    {"ro", "Rollout"},       {"rollout", "Rollout"},
    {"ar", "AnalysisRun"},   {"analysisrun", "AnalysisRun"},
    {"app", "Application"},  {"application", "Application"},
    {"crd", "CustomResourceDefinition"}, {"customresourcedefinition", "CustomResourceDefinition"},
    {"rc", "ReplicationController"}, {"cert", "Certificate"},
}};

}  // namespace

std::string KindFromObjectColumn(std::string_view kind) {
  if (kind.empty()) return {};
  if (IsUpper(kind[0])) return std::string(kind);
  std::string lower = Lower(kind);
  for (const auto& k : kKinds) {
    if (k.lower == lower) return std::string(k.kind);
  }
  std::string out(kind);
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string KindFromResource(std::string_view resource) {
  std::string r = Lower(resource);
  if (size_t dot = r.find('.'); dot != std::string::npos) r.resize(dot);  // deployment.apps
  auto lookup = [](std::string_view n) -> std::string {
    for (const auto& a : kAliases) {
      if (a.name == n) return std::string(a.kind);
    }
    return {};
  };
  std::string k = lookup(r);
  if (k.empty() && r.size() > 1 && r.back() == 's') k = lookup(std::string_view(r).substr(0, r.size() - 1));
  if (k.empty() && r.size() > 2 && r.substr(r.size() - 2) == "es") k = lookup(std::string_view(r).substr(0, r.size() - 2));
  return k;
}

std::string_view ApiVersionOfKind(std::string_view kind) {
  if (kind == "ReplicaSet" || kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet") return "apps/v1";
  if (kind == "Job" || kind == "CronJob") return "batch/v1";
  if (kind == "Node" || kind == "ReplicationController" || kind == "Pod") return "v1";
  if (kind == "Rollout" || kind == "AnalysisRun" || kind == "Experiment") return "argoproj.io/v1alpha1";
  return {};
}

}  // namespace text

namespace {

// What a line starts, if anything.
enum class Start : uint8_t { kNone, kTable, kDescribe, kHeaderlessPods };

Start Classify(const text::TextCtx& ctx, size_t i, std::optional<text::TableHeader>* header) {
  std::string_view line = ctx.Line(i);
  if (text::IsBlank(line)) return Start::kNone;
  if (auto h = text::DetectHeader(line)) {
    if (header) *header = std::move(h);
    return Start::kTable;
  }
  if (text::IsDescribeStart(ctx, i)) return Start::kDescribe;
  if (text::HeaderlessPodRow(line)) return Start::kHeaderlessPods;
  return Start::kNone;
}

}  // namespace

ParsedFile ParseTextEvidence(std::string_view text, FileId file, const LoadOptions& options) {
  (void)options;
  ParsedFile out;
  text::TextCtx ctx(text, file, out);
  size_t i = 0;
  while (i < ctx.LineCount()) {
    std::optional<text::TableHeader> header;
    switch (Classify(ctx, i, &header)) {
      case Start::kTable:
        i = text::ParseTable(ctx, i, *header, nullptr);
        break;
      case Start::kDescribe:
        i = text::ParseDescribe(ctx, i);
        break;
      case Start::kHeaderlessPods:
        i = text::ParseHeaderlessPods(ctx, i);
        break;
      case Start::kNone:
        ++i;
        break;
    }
  }
  return out;
}

bool LooksLikeManifest(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  if (text[first] == '{' || text[first] == '[') {
    return text.find("\"apiVersion\"") != std::string_view::npos && text.find("\"kind\"") != std::string_view::npos;
  }
  bool api = false, kind = false;
  size_t begin = 0;
  while (begin < text.size() && !(api && kind)) {
    size_t nl = text.find('\n', begin);
    std::string_view line = text.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
    // Top-level keys, or the first key of a list item ("- apiVersion: v1").
    if (line.substr(0, 2) == "- ") line.remove_prefix(2);
    api |= line.substr(0, 11) == "apiVersion:";
    kind |= line.substr(0, 5) == "kind:";
    if (nl == std::string_view::npos) break;
    begin = nl + 1;
  }
  return api && kind;
}

bool HasTextEvidence(std::string_view text) {
  ParsedFile scratch;
  text::TextCtx ctx(text, kNoFile, scratch);
  for (size_t i = 0; i < ctx.LineCount(); ++i) {
    if (Classify(ctx, i, nullptr) != Start::kNone) return true;
  }
  return false;
}

}  // namespace kora
