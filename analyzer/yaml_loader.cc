// YAML to kora's document model through yaml-cpp's event API. No yaml-cpp node
// tree is ever built: events go straight into the compact Document.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <istream>
#include <streambuf>
#include <unordered_map>
#include <unordered_set>

#include "analyzer/load.h"
#include "analyzer/redact.h"

namespace kora {
namespace {

// An istream over memory we already hold, without copying it.
class MemBuf : public std::streambuf {
 public:
  MemBuf(const char* data, size_t size) {
    char* p = const_cast<char*>(data);
    setg(p, p, p + size);
  }
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsBreak(char c) { return c == '\n' || c == '\r'; }

// Where a plain scalar that starts at p ends on its line.
size_t PlainLineEnd(std::string_view t, size_t p, bool flow) {
  size_t i = p;
  size_t n = t.size();
  while (i < n && !IsBreak(t[i])) {
    char c = t[i];
    if (c == '#' && i > p && IsBlank(t[i - 1])) break;
    if (c == ':' && (i + 1 >= n || IsBlank(t[i + 1]) || IsBreak(t[i + 1]) ||
                     (flow && (t[i + 1] == ',' || t[i + 1] == ']' || t[i + 1] == '}'))))
      break;
    if (flow && (c == ',' || c == ']' || c == '}' || c == '[' || c == '{')) break;
    ++i;
  }
  while (i > p && IsBlank(t[i - 1])) --i;
  return i;
}

size_t LineEnd(std::string_view t, size_t p) {
  while (p < t.size() && t[p] != '\n') ++p;
  size_t e = p;
  if (e > 0 && e <= t.size() && e > 0 && t[e - 1] == '\r') --e;
  return e;
}

size_t NextLine(std::string_view t, size_t p) {
  while (p < t.size() && t[p] != '\n') ++p;
  return p < t.size() ? p + 1 : t.size();
}

// The end (exclusive byte offset) of the scalar whose token starts at pos.
// yaml-cpp reports only where a node starts; the end is recovered from the
// source, using the decoded value to tell how far a multi-line scalar runs.
size_t ScalarEnd(std::string_view t, size_t pos, std::string_view value, bool flow) {
  size_t n = t.size();
  size_t p = pos;
  // Skip node properties (tags and anchors).
  while (p < n && (t[p] == '!' || t[p] == '&')) {
    while (p < n && !IsBlank(t[p]) && !IsBreak(t[p])) ++p;
    while (p < n && IsBlank(t[p])) ++p;
  }
  if (p >= n) return n;
  char c = t[p];
  if (c == '"') {
    for (size_t i = p + 1; i < n; ++i) {
      if (t[i] == '\\') {
        ++i;
      } else if (t[i] == '"') {
        return i + 1;
      }
    }
    return n;
  }
  if (c == '\'') {
    for (size_t i = p + 1; i < n; ++i) {
      if (t[i] == '\'') {
        if (i + 1 < n && t[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return n;
  }
  if ((c == '|' || c == '>') && !flow) {
    size_t header_end = PlainLineEnd(t, p, false);
    if (value.empty()) return header_end;
    size_t line = NextLine(t, p);
    size_t indent = std::string_view::npos;
    size_t last = header_end;
    while (line < n) {
      size_t i = line;
      while (i < n && t[i] == ' ') ++i;
      size_t le = LineEnd(t, line);
      bool blank = true;
      for (size_t k = i; k < le; ++k) {
        if (!IsBlank(t[k])) {
          blank = false;
          break;
        }
      }
      if (!blank) {
        size_t ind = i - line;
        if (indent == std::string_view::npos) indent = ind;
        if (ind < indent) break;
        if (ind == 0 && le - line >= 3 &&
            (t.substr(line, 3) == "---" || t.substr(line, 3) == "...")) break;
        last = le;
      }
      line = NextLine(t, line);
      if (line >= n) break;
    }
    return last;
  }
  size_t e = PlainLineEnd(t, p, flow);
  size_t consumed = e - p;
  size_t guard = 0;
  size_t q = e;
  // A plain scalar folded over several lines decodes to its lines joined by
  // single spaces; keep taking lines until the decoded length is covered.
  while (consumed < value.size() && q < n && guard++ < value.size() + 1) {
    q = NextLine(t, q);
    if (q >= n) break;
    size_t i = q;
    while (i < n && IsBlank(t[i])) ++i;
    size_t le = PlainLineEnd(t, i, flow);
    if (le == i) {
      consumed += 1;
      continue;
    }
    consumed += 1 + (le - i);
    e = le;
    q = le;
  }
  return e;
}

struct AliasBudgetExceeded {
  size_t pos;
};
struct DepthExceeded {
  size_t pos;
};
// yaml-cpp 0.7 can report the same document again and again without
// consuming input (a stray ',' at the top level makes HandleNextDocument
// return true forever); a second document starting where the previous one
// started is that loop.
struct NoProgress {
  size_t pos;
};

class Builder : public YAML::EventHandler {
 public:
  Builder(std::string_view text, size_t base, size_t end, const std::shared_ptr<DocumentStore>& store, FileId file,
          const LoadOptions& options, std::vector<LoadProblem>& problems)
      : text_(text), base_(base), end_(end), store_(store), file_(file), options_(options), problems_(problems) {}

  std::unique_ptr<Document> Take() { return std::move(doc_); }
  bool has_root() const { return doc_ && doc_->root != kNoNode; }
  // Drops the nodes of a document a parse error cut short.
  void Abandon() {
    if (!doc_) return;
    doc_.reset();
    store_->Rollback(checkpoint_);
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    size_t pos = Abs(mark);
    if (started_ && pos == last_start_) throw NoProgress{pos};
    started_ = true;
    last_start_ = pos;
    checkpoint_ = store_->Save();
    doc_ = std::make_unique<Document>(store_);
    doc_->file = file_;
    stack_.clear();
    kids_.clear();
    anchors_.clear();
    alias_nodes_ = 0;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    size_t pos = Abs(mark);
    size_t end = pos;
    // An explicit null (~, null) has a token; an empty value has none.
    if (pos < text_.size() && !IsBreak(text_[pos])) {
      std::string_view rest = text_.substr(pos, 4);
      if (!rest.empty() && rest[0] == '~') {
        end = pos + 1;
      } else if (rest == "null" || rest == "Null" || rest == "NULL") {
        end = pos + 4;
      }
    }
    if (end == pos) {
      // Empty value: point at the end of its key instead of the next line.
      if (!stack_.empty() && stack_.back().is_map && (kids_.size() - stack_.back().kid_start) % 2 == 1) {
        pos = end = kids_.back().end;
      }
    }
    Attach(store_->MakeNull(pos, end), 1, anchor, end);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    size_t pos = Abs(mark);
    auto it = anchors_.find(anchor);
    if (it == anchors_.end() || !it->second.complete) {
      // An alias to an anchor that is still open would make the tree cyclic.
      LoadProblem p;
      p.kind = ProblemKind::kParse;
      p.file = file_;
      p.span = store_->positions()->SpanAt(pos, pos + 1);
      p.message = "alias refers to an anchor that encloses it (a cycle); replaced by null";
      problems_.push_back(std::move(p));
      Attach(store_->MakeNull(pos, pos), 1, 0, pos);
      return;
    }
    alias_nodes_ += it->second.weight;
    if (alias_nodes_ > options_.max_alias_nodes) throw AliasBudgetExceeded{pos};
    // The aliased node lies where its anchor is, usually earlier in the
    // text; the enclosing collection extends over the alias itself.
    size_t alias_end = pos + 1;
    bool flow = !stack_.empty() && stack_.back().flow;
    while (alias_end < text_.size() && !IsBlank(text_[alias_end]) && !IsBreak(text_[alias_end]) &&
           !(flow && std::string_view(",[]{}").find(text_[alias_end]) != std::string_view::npos)) {
      ++alias_end;
    }
    Attach(it->second.node, it->second.weight, 0, alias_end);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    size_t pos = Abs(mark);
    bool flow = !stack_.empty() && stack_.back().flow;
    size_t end = ScalarEnd(text_, pos, value, flow);
    ScalarTag st = ScalarTag::kString;
    uint8_t flags = 0;
    if (tag.size() == 1 && tag[0] == '?') {
      st = ResolvePlainScalar(value);
    } else if (tag == "!") {
      flags |= kQuoted;
    } else if (tag == "tag:yaml.org,2002:str") {
      st = ScalarTag::kString;
    } else if (tag == "tag:yaml.org,2002:int") {
      st = ScalarTag::kInt;
    } else if (tag == "tag:yaml.org,2002:float") {
      st = ScalarTag::kFloat;
    } else if (tag == "tag:yaml.org,2002:bool") {
      st = ScalarTag::kBool;
    } else if (tag == "tag:yaml.org,2002:null") {
      st = ScalarTag::kNull;
    } else if (tag == "tag:yaml.org,2002:binary") {
      st = ScalarTag::kBinary;
    } else {
      st = ScalarTag::kOther;
    }
    bool key = !stack_.empty() && stack_.back().is_map && (kids_.size() - stack_.back().kid_start) % 2 == 0;
    Attach(store_->MakeScalar(pos, end, value, st, flags, key), 1, anchor, end);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    Open(mark, anchor, false, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    Open(mark, anchor, true, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    uint8_t flags;
    size_t kid_start;
    size_t begin;
    bool is_map;
    bool flow;
    YAML::anchor_t anchor;
    uint64_t weight;
    // Where the last child seen so far ends in the text: the occurrence, not
    // the node, since an alias or a merged entry shares a node written
    // elsewhere (their ends made ": - *a" end before it began).
    size_t end;
  };
  struct AnchorInfo {
    PendingNode node;  // an alias repeats it: a container's children are shared
    uint64_t weight;
    bool complete;
  };

  size_t Abs(const YAML::Mark& m) const {
    if (m.pos < 0) return base_;
    return std::min(base_ + static_cast<size_t>(m.pos), text_.size());
  }

  void Attach(const PendingNode& node, uint64_t weight, YAML::anchor_t anchor, size_t end) {
    if (anchor) anchors_[anchor] = AnchorInfo{node, weight, true};
    if (stack_.empty()) {
      doc_->root = store_->Place(node);
      return;
    }
    kids_.push_back(node);
    stack_.back().weight += weight;
    stack_.back().end = std::max(stack_.back().end, end);
  }

  void Open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map, bool flow) {
    if (stack_.size() >= options_.max_depth) throw DepthExceeded{Abs(mark)};
    size_t pos = Abs(mark);
    uint8_t flags = flow ? kFlowStyle : 0;
    if (anchor) anchors_[anchor] = AnchorInfo{PendingNode{}, 0, false};
    stack_.push_back(Frame{flags, kids_.size(), pos, is_map, flow, anchor, 1, pos});
  }

  void Close() {
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.is_map) ApplyMergeAndCheckDuplicates(f);
    size_t count = kids_.size() - f.kid_start;
    size_t end = f.end;
    if (f.flow) {
      // Include the closing bracket.
      char close = f.is_map ? '}' : ']';
      size_t i = end;
      while (i < text_.size() && text_[i] != close) ++i;
      if (i < text_.size()) end = i + 1;
    }
    PendingNode node = store_->MakeContainer(f.is_map ? NodeType::kMap : NodeType::kSeq, f.begin, end, f.flags,
                                             kids_.data() + f.kid_start, count);
    kids_.resize(f.kid_start);
    if (f.anchor) anchors_[f.anchor] = AnchorInfo{node, f.weight, true};
    if (stack_.empty()) {
      doc_->root = store_->Place(node);
    } else {
      kids_.push_back(node);
      stack_.back().weight += f.weight;
      stack_.back().end = std::max(stack_.back().end, end);
    }
  }

  bool IsMergeKey(const NodeData& d) const {
    return d.type() == NodeType::kScalar && !(d.flags() & kQuoted) && store_->str(d) == "<<";
  }
  // A placed node, as a value to copy into a collection being built.
  PendingNode Placed(uint32_t id) const {
    PendingNode p;
    p.data = store_->data(id);
    p.end = static_cast<uint32_t>(store_->End(id));
    return p;
  }

  // YAML merge keys (<<), as go-yaml applies them: explicit keys win, and of
  // several merged maps the earlier one wins. Also reports duplicate keys,
  // which kubectl rejects.
  void ApplyMergeAndCheckDuplicates(const Frame& f) {
    size_t count = kids_.size() - f.kid_start;
    if (count % 2 == 1) kids_.push_back(store_->MakeNull(f.begin, f.begin));  // defensive
    std::vector<NodeData> merged_sources;  // maps, their entries placed already
    std::vector<PendingNode> explicit_kids;
    explicit_kids.reserve(kids_.size() - f.kid_start);
    for (size_t i = f.kid_start; i + 1 < kids_.size(); i += 2) {
      const PendingNode& k = kids_[i];
      const PendingNode& v = kids_[i + 1];
      if (IsMergeKey(k.data)) {
        if (v.data.type() == NodeType::kMap) {
          merged_sources.push_back(v.data);
        } else if (v.data.type() == NodeType::kSeq) {
          for (uint32_t j = 0; j < v.data.b; ++j) {
            const NodeData& item = store_->data(v.data.a + j);
            if (item.type() == NodeType::kMap) merged_sources.push_back(item);
          }
        }
        continue;
      }
      explicit_kids.push_back(k);
      explicit_kids.push_back(v);
    }
    // Duplicate keys among the explicit entries.
    std::unordered_map<std::string_view, size_t> seen;  // key -> index in explicit_kids
    for (size_t i = 0; i < explicit_kids.size(); i += 2) {
      const PendingNode& k = explicit_kids[i];
      if (k.data.type() != NodeType::kScalar) continue;
      auto [it, inserted] = seen.emplace(store_->str(k.data), i);
      if (!inserted) {
        LoadProblem p;
        p.kind = ProblemKind::kDuplicateKey;
        p.file = file_;
        Span first = store_->SpanOf(explicit_kids[it->second]);
        p.span = store_->SpanOf(k);
        p.related = first;
        p.message = "mapping key \"" + std::string(store_->str(k.data)) + "\" is defined twice (first at line " +
                    std::to_string(first.begin.line) + "); only one value can take effect";
        p.related_message = "first definition";
        problems_.push_back(std::move(p));
      }
    }
    if (merged_sources.empty()) return;
    // The views in `seen` point into the string arena, which stays put
    // here: the entries copied below add no strings.
    for (const NodeData& src : merged_sources) {
      for (uint32_t j = 0; j + 1 < src.b; j += 2) {
        uint32_t key = src.a + j;
        const NodeData& kd = store_->data(key);
        if (kd.type() == NodeType::kScalar) {
          if (!seen.emplace(store_->str(kd), explicit_kids.size()).second) continue;
        }
        explicit_kids.push_back(Placed(key));
        explicit_kids.push_back(Placed(key + 1));
      }
    }
    kids_.resize(f.kid_start);
    kids_.insert(kids_.end(), explicit_kids.begin(), explicit_kids.end());
  }

  std::string_view text_;
  size_t base_;
  size_t end_;  // where this chunk of the stream ends
  std::shared_ptr<DocumentStore> store_;
  DocumentStore::Checkpoint checkpoint_{};
  FileId file_;
  const LoadOptions& options_;
  std::vector<LoadProblem>& problems_;
  std::unique_ptr<Document> doc_;
  std::vector<Frame> stack_;
  std::vector<PendingNode> kids_;
  std::unordered_map<YAML::anchor_t, AnchorInfo> anchors_;
  uint64_t alias_nodes_ = 0;
  bool started_ = false;
  size_t last_start_ = 0;
};

bool IsMarkerLine(std::string_view t, size_t line_start, char ch) {
  if (line_start + 3 > t.size()) return false;
  if (t[line_start] != ch || t[line_start + 1] != ch || t[line_start + 2] != ch) return false;
  if (line_start + 3 == t.size()) return true;
  char c = t[line_start + 3];
  return IsBlank(c) || IsBreak(c);
}

// Whether [b, e) holds only blank lines, comments and directives.
bool OnlyTrivia(std::string_view t, size_t b, size_t e) {
  size_t line = b;
  while (line < e) {
    size_t i = line;
    while (i < e && IsBlank(t[i])) ++i;
    if (i < e && !IsBreak(t[i]) && t[i] != '#' && !(i == line && t[i] == '%')) return false;
    line = NextLine(t, line);
  }
  return true;
}

// yaml-cpp's scanner keeps every token of a flow collection nested in another
// in memory until the outer one closes (each could still turn out to be a
// simple key), at about 200 bytes a token: 2 MB of '[' took 470 MB. So flow
// nesting is measured here, in one pass over the bytes, before yaml-cpp sees
// the document. Returns where the depth first passes max_depth, or npos.
// In block context only a bracket that starts a value opens a collection (a
// '[' inside a plain scalar or a block scalar's text does not).
size_t FlowDepthOverflow(std::string_view t, size_t b, size_t e, size_t max_depth) {
  size_t depth = 0;
  bool value_start = true;  // at a position where a block-context node may begin
  for (size_t i = b; i < e; ++i) {
    char c = t[i];
    if (c == '\n') {
      value_start = true;
      continue;
    }
    if (depth == 0) {
      if (c == '#' && (i == b || IsBlank(t[i - 1]) || t[i - 1] == '\n')) {
        while (i + 1 < e && t[i + 1] != '\n') ++i;
        continue;
      }
      if (IsBlank(c) || c == '\r') continue;
      if ((i == b || t[i - 1] == '\n') && IsMarkerLine(t, i, '-')) {
        i += 2;  // "--- [": the marker leaves the next token at a value start
        continue;
      }
      if (value_start && (c == '[' || c == '{')) {
        depth = 1;
        if (depth > max_depth) return i;
        continue;
      }
      if (value_start && (c == '-' || c == '?' || c == ':') && i + 1 < e && (IsBlank(t[i + 1]) || IsBreak(t[i + 1]))) {
        continue;  // "- [", "? {", ": [" keep the next token at a value start
      }
      if (value_start && (c == '|' || c == '>')) {
        // A block scalar: its text is every following line indented deeper
        // than the line of its header (or blank).
        size_t line_start = i;
        while (line_start > b && t[line_start - 1] != '\n') --line_start;
        size_t indent = 0;
        while (line_start + indent < e && t[line_start + indent] == ' ') ++indent;
        size_t next = NextLine(t, i);
        while (next < e) {
          size_t k = next;
          while (k < e && t[k] == ' ') ++k;
          bool blank = k >= e || IsBreak(t[k]);
          if (!blank && k - next <= indent) break;
          next = NextLine(t, next);
        }
        i = next - 1;  // the loop's ++i lands on the next line's first byte
        value_start = true;
        continue;
      }
      if (value_start && (c == '&' || c == '!')) {
        while (i + 1 < e && !IsBlank(t[i + 1]) && !IsBreak(t[i + 1])) ++i;  // node properties
        continue;
      }
      if (c == ':' && i + 1 < e && (IsBlank(t[i + 1]) || IsBreak(t[i + 1]))) {
        value_start = true;
        continue;
      }
      value_start = false;
      continue;
    }
    // Flow context: quoted scalars, comments and brackets.
    if (c == '"') {
      for (++i; i < e && t[i] != '"'; ++i) {
        if (t[i] == '\\') ++i;
      }
    } else if (c == '\'') {
      for (++i; i < e; ++i) {
        if (t[i] == '\'' && !(i + 1 < e && t[i + 1] == '\'')) break;
        if (t[i] == '\'') ++i;
      }
    } else if (c == '#' && IsBlank(t[i - 1])) {
      while (i + 1 < e && t[i + 1] != '\n') ++i;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) value_start = false;
    }
  }
  return std::string_view::npos;
}

// Where the document's content starts if it is one JSON value at the start
// of a line (after comments, directives and a '---' line), else npos.
size_t JsonContentStart(std::string_view t, size_t b, size_t e) {
  size_t line = b;
  while (line < e) {
    size_t i = line;
    while (i < e && IsBlank(t[i])) ++i;
    bool marker = i == line && IsMarkerLine(t, line, '-');
    if (marker) {
      size_t k = line + 3;
      while (k < e && IsBlank(t[k])) ++k;
      if (k < e && !IsBreak(t[k]) && t[k] != '#') return std::string_view::npos;  // "--- {...}": leave it to yaml-cpp
    }
    if (i < e && !IsBreak(t[i]) && t[i] != '#' && !(i == line && t[i] == '%') && !marker) {
      return (t[i] == '{' || t[i] == '[') ? i : std::string_view::npos;
    }
    line = NextLine(t, line);
  }
  return std::string_view::npos;
}

struct Chunk {
  size_t begin, end;
};

// Splits a stream at document markers so one malformed document does not
// stop the others from being read. Markers only count at column 0, where the
// YAML spec makes them document boundaries even inside scalars.
std::vector<Chunk> SplitDocuments(std::string_view t) {
  std::vector<Chunk> chunks;
  size_t start = 0;
  size_t line = 0;
  auto flush = [&](size_t end) {
    if (end > start) chunks.push_back(Chunk{start, end});
  };
  while (line < t.size()) {
    if (IsMarkerLine(t, line, '-')) {
      // Comments and directives before a marker belong to the next document.
      if (!OnlyTrivia(t, start, line)) {
        flush(line);
        start = line;
      }
    } else if (IsMarkerLine(t, line, '.')) {
      flush(line);
      start = NextLine(t, line);
    }
    line = NextLine(t, line);
  }
  flush(t.size());
  return chunks;
}

std::string HelmSource(std::string_view t, size_t b, size_t e) {
  size_t line = b;
  while (line < e) {
    size_t i = line;
    while (i < e && IsBlank(t[i])) ++i;
    size_t le = LineEnd(t, line);
    std::string_view l = t.substr(i, le > i ? le - i : 0);
    if (l.rfind("# Source:", 0) == 0) {
      std::string_view v = l.substr(9);
      while (!v.empty() && IsBlank(v.front())) v.remove_prefix(1);
      while (!v.empty() && IsBlank(v.back())) v.remove_suffix(1);
      return std::string(v);
    }
    if (!l.empty() && l[0] != '#' && !(l.size() >= 3 && l.substr(0, 3) == "---")) break;
    line = NextLine(t, line);
  }
  return {};
}

}  // namespace

ParsedFile ParseYaml(std::string_view text, FileId file, const LoadOptions& options) {
  ParsedFile out;
  auto positions = std::make_shared<PositionIndex>(text);
  auto store = std::make_shared<DocumentStore>(positions);
  for (const Chunk& c : SplitDocuments(text)) {
    if (OnlyTrivia(text, c.begin, c.end)) continue;
    std::string helm = HelmSource(text, c.begin, c.end);
    if (size_t deep = FlowDepthOverflow(text, c.begin, c.end, options.max_depth); deep != std::string_view::npos) {
      LoadProblem p;
      p.kind = ProblemKind::kLimit;
      p.file = file;
      p.span = Span{positions->At(deep), positions->At(deep)};
      p.message = "YAML nesting deeper than " + std::to_string(options.max_depth) +
                  " levels; document skipped (limit: --max-depth)";
      p.excerpt = RedactLine(positions->Line(text, p.span.begin.line), text.substr(c.begin, c.end - c.begin));
      out.problems.push_back(std::move(p));
      continue;
    }
    // A document that is one JSON value (kubectl -o json output joined with
    // ---, JSON pasted into a YAML stream) is read by the JSON parser: same
    // model, and none of the token buffering above for nested collections.
    // Anything the JSON parser objects to goes to yaml-cpp as before.
    if (size_t js = JsonContentStart(text, c.begin, c.end); js != std::string_view::npos && positions->At(js).col == 1) {
      DocumentStore::Checkpoint checkpoint = store->Save();
      ParsedFile j = ParseJsonRange(text, js, c.end, file, options, 0, store);
      if (j.problems.empty() && j.docs.size() == 1) {
        Document& d = *j.docs[0];
        d.helm_source = helm;
        d.doc_span = Span{positions->At(c.begin), d.Root().span().end};
        out.docs.push_back(std::move(j.docs[0]));
        continue;
      }
      j.docs.clear();
      store->Rollback(checkpoint);
    }
    MemBuf buf(text.data() + c.begin, c.end - c.begin);
    std::istream in(&buf);
    Builder builder(text, c.begin, c.end, store, file, options, out.problems);
    auto fail = [&](size_t pos, std::string msg, ProblemKind kind) {
      builder.Abandon();
      LoadProblem p;
      p.kind = kind;
      p.file = file;
      Mark m = positions->At(pos);
      p.span = Span{m, m};
      p.message = std::move(msg);
      p.excerpt = RedactLine(positions->Line(text, m.line), text.substr(c.begin, c.end - c.begin));
      out.problems.push_back(std::move(p));
    };
    try {
      YAML::Parser parser(in);
      while (parser.HandleNextDocument(builder)) {
        if (builder.has_root()) {
          auto doc = builder.Take();
          doc->helm_source = helm;
          Node root = doc->Root();
          doc->doc_span = Span{positions->At(c.begin), root.span().end};
          if (!root.IsNull()) out.docs.push_back(std::move(doc));
        }
      }
    } catch (const YAML::DeepRecursion& e) {
      // yaml-cpp's own recursion guard (it reports it as "bad file"); it
      // stops block-style nesting at a few hundred levels whatever --max-depth says.
      size_t pos = e.mark.pos >= 0 ? std::min(c.begin + static_cast<size_t>(e.mark.pos), text.size()) : c.begin;
      fail(pos,
           "YAML nesting too deep for the YAML parser (" + std::to_string(e.depth()) +
               " nested nodes); document skipped (limit: --max-depth, and yaml-cpp's fixed recursion limit)",
           ProblemKind::kLimit);
    } catch (const YAML::Exception& e) {
      size_t pos = c.begin;
      if (e.mark.pos >= 0) pos = std::min(c.begin + static_cast<size_t>(e.mark.pos), text.size());
      // Errors noticed at the end of a document (an unclosed bracket or
      // quote) point at its last character rather than at the next document.
      if (pos >= c.end) {
        size_t last = c.end;
        while (last > c.begin && std::isspace(static_cast<unsigned char>(text[last - 1]))) --last;
        pos = last > c.begin ? last - 1 : c.begin;
      }
      std::string msg = e.msg;
      fail(pos, "YAML syntax error: " + msg, ProblemKind::kParse);
    } catch (const AliasBudgetExceeded& e) {
      fail(e.pos,
           "YAML aliases expand to more than " + std::to_string(options.max_alias_nodes) +
               " nodes in this document (an alias bomb?); document skipped (limit: --max-alias-nodes)",
           ProblemKind::kLimit);
    } catch (const DepthExceeded& e) {
      fail(e.pos,
           "YAML nesting deeper than " + std::to_string(options.max_depth) +
               " levels; document skipped (limit: --max-depth)",
           ProblemKind::kLimit);
    } catch (const NoProgress& e) {
      char ch = e.pos < text.size() ? text[e.pos] : ' ';
      std::string shown = (ch > 0x20 && ch < 0x7f) ? std::string("'") + ch + "'" : std::string("content");
      fail(e.pos, "YAML syntax error: unexpected " + shown + " outside any collection", ProblemKind::kParse);
    } catch (const std::exception& e) {
      fail(c.begin, std::string("YAML could not be read: ") + e.what(), ProblemKind::kParse);
    }
  }
  store->Shrink();
  return out;
}

}  // namespace kora
