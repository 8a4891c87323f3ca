// Source excerpts for the HTML report. The lines come from the source file
// (SourceManager re-reads it; stdin is kept), never from the whole input,
// and every value that could hold a secret is masked using the object's own
// spans, so masking follows the YAML or JSON structure rather than guessing
// from the text.
#include <algorithm>
#include <climits>

#include "analyzer/redact.h"
#include "reports/html.h"

namespace kora::html {
namespace {

constexpr uint32_t kEndOfLine = UINT32_MAX;
constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

void Add(std::vector<Span>& out, const Node& n) {
  Span s = n.span();
  if (s.Known()) out.push_back(s);
}

bool CannotHoldSecret(const Node& n) { return n.tag() == ScalarTag::kBool || n.tag() == ScalarTag::kNull; }

// Keys whose values name a Secret or a key of one rather than hold a value.
bool NamesReference(std::string_view key) { return key == "key" || key == "secretName"; }

void MaskSecret(const Node& root, std::vector<Span>& out);

void MaskCredentials(const Node& n, std::vector<Span>& out) {
  if (n.IsScalar()) {
    if (!CannotHoldSecret(n) && LooksLikeCredentialValue(n.Str())) Add(out, n);
    return;
  }
  if (n.IsSeq()) {
    for (Node item : n.Items()) MaskCredentials(item, out);
    return;
  }
  if (!n.IsMap()) return;
  // A Secret manifest inside another object (a Template's objects, a
  // chart's values).
  if (n["kind"].Str() == "Secret" && (n["data"] || n["stringData"])) {
    MaskSecret(n, out);
    return;
  }
  // env entries and their look-alikes (Helm parameters, Argo CD plugin env).
  Node name = n["name"];
  Node value = n["value"];
  if (value && name.IsScalar() && LooksLikeCredentialName(name.Str())) Add(out, value);
  for (const auto& [key_node, v] : n.Entries()) {
    std::string_view key = key_node.Str();
    if (key == kLastApplied) {
      Add(out, v);  // a copy of the whole object, env values included
      continue;
    }
    if (LooksLikeCredentialName(key) && !NamesReference(key)) {
      // password: x, or passwords: [x, y]; a map (secretKeyRef) or a list of
      // maps (imagePullSecrets) names Secrets and is looked into instead.
      bool scalars = v.IsScalar() ? !CannotHoldSecret(v) : v.IsSeq();
      for (Node item : v.Items()) scalars = scalars && item.IsScalar();
      if (scalars) {
        Add(out, v);
        continue;
      }
    }
    MaskCredentials(v, out);
  }
}

void MaskEachValue(const Node& map, std::vector<Span>& out) {
  if (!map.IsMap()) {
    Add(out, map);
    return;
  }
  for (const auto& [k, v] : map.Entries()) Add(out, v);
}

// A Secret shows its identity only.
void MaskSecret(const Node& root, std::vector<Span>& out) {
  if (!root.IsMap()) {
    Add(out, root);
    return;
  }
  for (const auto& [k, v] : root.Entries()) {
    std::string_view key = k.Str();
    if (key == "apiVersion" || key == "kind" || key == "type" || key == "immutable") {
      if (!v.IsScalar()) Add(out, v);
    } else if (key == "metadata" && v.IsMap()) {
      for (const auto& [mk, mv] : v.Entries()) {
        if (mk.Str() == "annotations") MaskEachValue(mv, out);
      }
    } else if (key == "data" || key == "stringData") {
      MaskEachValue(v, out);
    } else {
      Add(out, v);
    }
  }
}

uint32_t LastLine(const Span& s) {
  if (s.end.line == 0) return s.begin.line;
  // A span ending at column 1 ends with the previous line's break.
  if (s.end.col <= 1 && s.end.line > s.begin.line) return s.end.line - 1;
  return s.end.line;
}

struct ColRange {
  uint32_t begin = 1;
  uint32_t end = kEndOfLine;  // exclusive
};

// The columns of `line` a span covers.
ColRange OnLine(const Span& s, uint32_t line) {
  ColRange r;
  if (line == s.begin.line) r.begin = std::max<uint32_t>(s.begin.col, 1);
  if (s.end.line != 0 && line == s.end.line && s.end.col != 0) r.end = s.end.col;
  return r;
}

bool In(const std::vector<ColRange>& ranges, uint32_t col) {
  for (const ColRange& r : ranges) {
    if (col >= r.begin && col < r.end) return true;
  }
  return false;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, i, cp);
    i += len ? len : 1;
    ++n;
  }
  return n;
}

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

struct LineView {
  std::string_view text;
  bool cut = false;         // the source line is longer than text
  uint32_t visible_begin;   // the object's first column on its first line
  uint32_t visible_end;     // past its last column on its last line
  std::vector<ColRange> masks;
  std::vector<ColRange> marks;
};

std::string RenderLine(const LineView& v, size_t max_chars) {
  std::string out;
  std::string run;
  auto flush = [&] {
    out += Escape(run);
    run.clear();
  };
  std::string_view t = v.text;
  size_t i = 0;
  uint32_t col = 1;
  auto next = [&](uint32_t& cp) {
    size_t len = DecodeUtf8(t, i, cp);
    return len ? len : 1;
  };
  // Before the object starts (a List item's "- ", or another object on the
  // same line of a minified file): indentation is kept, anything else elided.
  size_t prefix_start = i;
  bool prefix_plain = true;
  while (i < t.size() && col < v.visible_begin) {
    uint32_t cp = 0;
    size_t len = next(cp);
    if (cp != ' ' && cp != '\t' && cp != '-') prefix_plain = false;
    i += len;
    ++col;
  }
  if (prefix_plain) {
    run.append(t.substr(prefix_start, i - prefix_start));
  } else {
    run.append(kEllipsis);
  }
  // A highlight far into a long line: start shortly before it.
  uint32_t first_mark = kEndOfLine;
  for (const ColRange& m : v.marks) first_mark = std::min(first_mark, m.begin);
  if (first_mark != kEndOfLine && first_mark > col + max_chars * 3 / 4) {
    uint32_t start = first_mark - 40;
    while (i < t.size() && col < start) {
      uint32_t cp = 0;
      i += next(cp);
      ++col;
    }
    run.append(kEllipsis);
  }
  bool in_mask = false;
  bool in_mark = false;
  size_t shown = 0;
  bool stopped = false;
  while (i < t.size()) {
    uint32_t cp = 0;
    size_t len = next(cp);
    if (col >= v.visible_end) {
      if (!Blank(t.substr(i))) run.append(kEllipsis);
      stopped = true;
      break;
    }
    if (In(v.masks, col)) {
      if (!in_mask) {
        flush();
        out += "<span class=\"redacted\">&lt;redacted&gt;</span>";
        in_mask = true;
      }
      i += len;
      ++col;
      continue;
    }
    in_mask = false;
    bool mark = In(v.marks, col);
    if (mark != in_mark) {
      flush();
      out += mark ? "<mark>" : "</mark>";
      in_mark = mark;
    }
    if (shown >= max_chars) {
      run.append(kEllipsis);
      stopped = true;
      break;
    }
    run.append(t.substr(i, len));
    ++shown;
    i += len;
    ++col;
  }
  flush();
  if (in_mark) out += "</mark>";
  if (v.cut && !stopped) out += std::string(kEllipsis);
  return out;
}

}  // namespace

std::vector<LineRange> ExcerptWindows(const Object& obj, const std::vector<Span>& highlights,
                                      const ExcerptOptions& o) {
  if (obj.file == kNoFile || !obj.span().Known()) return {};
  Span os = obj.span();
  uint32_t first = os.begin.line;
  uint32_t last = std::max(first, LastLine(os));
  std::vector<LineRange> w;
  if (last - first < o.whole_object_lines) {
    w.emplace_back(first, last);
    return w;
  }
  w.emplace_back(first, first + std::max<uint32_t>(o.head_lines, 1) - 1);
  for (const Span& h : highlights) {
    if (!h.Known()) continue;
    uint32_t b = h.begin.line;
    uint32_t e = std::min(std::max(b, LastLine(h)), b + std::max<uint32_t>(o.max_highlight_lines, 1) - 1);
    w.emplace_back(b > o.context_lines ? b - o.context_lines : 1, e + o.context_lines);
  }
  std::sort(w.begin(), w.end());
  std::vector<LineRange> merged;
  for (auto [b, e] : w) {
    b = std::max(b, first);
    e = std::min(e, last);
    if (b > e) continue;
    if (!merged.empty() && b <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, e);
    } else {
      merged.emplace_back(b, e);
    }
  }
  return merged;
}

std::vector<Span> SensitiveSpans(const Object& obj) {
  std::vector<Span> out;
  if (obj.kind == "Secret") {
    MaskSecret(obj.Root(), out);
  } else {
    MaskCredentials(obj.Root(), out);
  }
  return out;
}

std::string RenderExcerpt(const Object& obj, const SourceManager& sources, const std::vector<Span>& highlights,
                          const std::vector<LineRange>& windows, std::string_view id_prefix,
                          const ExcerptOptions& options) {
  Span os = obj.span();
  if (obj.file == kNoFile || !os.Known() || windows.empty()) return {};

  std::vector<uint32_t> numbers;
  std::vector<std::string> texts;
  for (auto [b, e] : windows) {
    std::vector<std::string> lines = sources.Lines(obj.file, b, e, options.max_line_bytes);
    if (lines.size() != e - b + 1) return {};  // the file changed or is gone
    for (uint32_t k = 0; k < lines.size(); ++k) {
      // Not text as it was loaded (UTF-16 is decoded at load, not here).
      if (lines[k].find('\0') != std::string::npos) return {};
      numbers.push_back(b + k);
      texts.push_back(std::move(lines[k]));
    }
  }
  if (!numbers.empty() && numbers.front() == 1 && texts.front().rfind("\xEF\xBB\xBF", 0) == 0) {
    texts.front().erase(0, 3);  // the loader counts columns after the BOM
  }

  // Per shown line, the masked and the marked columns.
  std::vector<LineView> views(numbers.size());
  auto spread = [&](const Span& s, auto member) {
    auto it = std::lower_bound(numbers.begin(), numbers.end(), s.begin.line);
    uint32_t end_line = s.end.line ? std::max(s.end.line, s.begin.line) : s.begin.line;
    for (; it != numbers.end() && *it <= end_line; ++it) {
      (views[static_cast<size_t>(it - numbers.begin())].*member).push_back(OnLine(s, *it));
    }
  };
  for (const Span& s : SensitiveSpans(obj)) spread(s, &LineView::masks);
  for (const Span& h : highlights) {
    if (!h.Known()) continue;
    Span clipped = h;
    if (LastLine(h) < h.end.line) clipped.end = Mark{LastLine(h), 0};
    spread(clipped, &LineView::marks);
  }

  bool secret = obj.kind == "Secret";
  uint32_t last_line = std::max(os.begin.line, LastLine(os));
  std::string out;
  uint32_t expected = os.begin.line;
  for (size_t k = 0; k < numbers.size(); ++k) {
    uint32_t n = numbers[k];
    if (n > expected) {
      uint32_t gap = n - expected;
      out += "<span class=\"l gap\"><span class=\"n\"></span>\xE2\x8B\xAE " + std::to_string(gap) +
             (gap == 1 ? " line" : " lines") + " not shown</span>\n";
    }
    expected = n + 1;
    LineView& v = views[k];
    v.text = texts[k];
    v.cut = texts[k].size() >= options.max_line_bytes;
    v.visible_begin = n == os.begin.line ? std::max<uint32_t>(os.begin.col, 1) : 1;
    v.visible_end = n == os.end.line && os.end.col > 1 ? os.end.col : kEndOfLine;
    if (secret) {
      // Belt and braces over the spans: comments and anything the model
      // does not hold (kora's line redaction treats every value as secret).
      std::string redacted = RedactLine(texts[k], "kind: Secret");
      if (redacted != texts[k] && redacted.size() >= kRedacted.size()) {
        size_t prefix = redacted.size() - kRedacted.size();
        v.masks.push_back(ColRange{static_cast<uint32_t>(CodePoints(std::string_view(texts[k]).substr(0, prefix)) + 1),
                                   kEndOfLine});
      }
    }
    bool highlighted = !v.marks.empty();
    out += "<span class=\"l";
    if (highlighted) out += " hl";
    out += "\" id=\"" + Escape(id_prefix) + "-L" + std::to_string(n) + "\"><span class=\"n\">" + std::to_string(n) +
           "</span>";
    out += RenderLine(v, options.max_line_chars);
    out += "</span>\n";
  }
  if (expected <= last_line) {
    uint32_t gap = last_line - expected + 1;
    out += "<span class=\"l gap\"><span class=\"n\"></span>\xE2\x8B\xAE " + std::to_string(gap) +
           (gap == 1 ? " line" : " lines") + " not shown</span>\n";
  }
  return out;
}

}  // namespace kora::html
