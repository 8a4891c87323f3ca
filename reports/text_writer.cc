// The text report: diagnoses first, then findings grouped by object, each as
// `file:line:col severity rule-id message` with its fix; a summary last.
#include <fmt/format.h>

#include <map>
#include <sstream>

#include "reports/writer.h"

namespace kora {
namespace {

// Input bytes that could drive the terminal (escape sequences, carriage
// returns, C1 controls) are shown escaped, never sent raw.
std::string TermSafe(std::string_view s, bool keep_newlines = true) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c == '\n' && keep_newlines) || c == '\t') {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[i + 1]));  // C1 control (e.g. CSI)
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// The code-point length of the UTF-8 sequence that starts with byte c.
size_t SequenceLength(unsigned char c) {
  if (c < 0xC0) return 1;  // ASCII, or a stray continuation byte shown alone
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return 4;
}

// An excerpt line and the caret line under it. A line longer than the window
// (a minified manifest, a 10 MB scalar) is shown only around the column, with
// "..." where it was cut; the caret is placed on the escaped text, so control
// characters shown as \x1b do not push it off its character.
struct ShownExcerpt {
  std::string line;
  std::string caret;
};
ShownExcerpt WindowExcerpt(std::string_view excerpt, uint32_t col) {
  constexpr uint32_t kBefore = 60, kWindow = 120;
  // Offsets of the code points (columns are 1-based code points).
  uint32_t first = col > kBefore ? col - kBefore : 1;
  ShownExcerpt out;
  uint32_t c = 1;
  size_t i = 0;
  while (i < excerpt.size() && c < first) {
    i += SequenceLength(static_cast<unsigned char>(excerpt[i]));
    ++c;
  }
  if (first > 1 && i < excerpt.size()) {
    out.line = "...";
    out.caret = "   ";
  }
  while (i < excerpt.size() && c < first + kWindow) {
    size_t len = std::min(SequenceLength(static_cast<unsigned char>(excerpt[i])), excerpt.size() - i);
    std::string shown = TermSafe(excerpt.substr(i, len), false);
    out.line += shown;
    if (c < col) out.caret += excerpt[i] == '\t' ? std::string("\t") : std::string(shown.size() > len ? shown.size() : 1, ' ');
    i += len;
    ++c;
  }
  if (i < excerpt.size()) out.line += "...";
  while (c < col) {
    out.caret.push_back(' ');
    ++c;
  }
  out.caret.push_back('^');
  return out;
}

class TextWriter : public Writer {
 public:
  explicit TextWriter(const WriterOptions& o) : opt_(o) {}

  void Write(const ReportInput& in, std::ostream& out) override {
    in_ = &in;
    const ObjectSet& objects = *in.load.objects;
    const SourceManager& sources = *in.load.sources;
    // Diagnoses first, as short chains.
    bool any_diag = false;
    for (const Finding& f : in.findings) {
      if (!f.IsDiagnosis()) continue;
      if (!any_diag) out << Bold("Root causes") << "\n\n";
      any_diag = true;
      WriteDiagnosis(f, objects, sources, out);
    }
    // Then findings grouped by object (or by file for file-level problems),
    // groups in order of their first finding.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Finding*>> groups;
    for (const Finding& f : in.findings) {
      if (f.IsDiagnosis()) continue;
      std::string key = GroupTitle(f, objects, sources);
      auto [it, inserted] = groups.try_emplace(key);
      if (inserted) order.push_back(key);
      it->second.push_back(&f);
    }
    if (any_diag && !order.empty()) out << Bold("Findings") << "\n\n";
    for (const std::string& key : order) {
      out << Bold(TermSafe(key, false)) << "\n";
      for (const Finding* f : groups[key]) WriteFinding(*f, sources, out);
      out << "\n";
    }
    WriteSummary(in, out);
  }

 private:
  std::string Paint(std::string_view code, std::string_view s) const {
    if (!opt_.color) return std::string(s);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
  }
  std::string Bold(std::string_view s) const { return Paint("1", s); }
  std::string SeverityText(Severity s) const {
    switch (s) {
      case Severity::kError:
        return Paint("1;31", "error");
      case Severity::kWarning:
        return Paint("1;33", "warning");
      case Severity::kNote:
        return Paint("1;36", "note");
    }
    return "note";
  }

  static std::string Position(const Location& loc, const SourceManager& sources) {
    if (loc.file == kNoFile) return "<input>";
    std::string p = sources.file(loc.file).path;
    if (loc.span.begin.line) p += fmt::format(":{}:{}", loc.span.begin.line, loc.span.begin.col);
    return p;
  }

  static std::string GroupTitle(const Finding& f, const ObjectSet& objects, const SourceManager& sources) {
    if (f.loc.object == kNoObject) return f.loc.file == kNoFile ? "<input>" : sources.file(f.loc.file).path;
    const Object& o = objects[f.loc.object];
    std::string t = o.Ref() + "  (" + sources.file(o.file).path;
    if (!o.helm_source().empty()) t += ", template " + std::string(o.helm_source());
    return t + ")";
  }

  // Breaks a line at spaces so that indent + text fits the width; a word
  // longer than the width stays whole.
  std::vector<std::string> Wrap(const std::string& line, size_t indent) const {
    if (opt_.width == 0 || indent + line.size() <= opt_.width) return {line};
    size_t room = opt_.width > indent + 20 ? opt_.width - indent : 20;
    std::vector<std::string> out;
    size_t start = 0;
    while (start < line.size()) {
      if (line.size() - start <= room) {
        out.push_back(line.substr(start));
        break;
      }
      size_t cut = line.rfind(' ', start + room);
      if (cut == std::string::npos || cut <= start) cut = line.find(' ', start + room);
      if (cut == std::string::npos) {
        out.push_back(line.substr(start));
        break;
      }
      out.push_back(line.substr(start, cut - start));
      start = cut + 1;
    }
    return out;
  }

  void WriteIndented(std::string_view label, std::string_view text, std::ostream& out) const {
    std::string safe = TermSafe(text);
    std::istringstream lines(safe);
    std::string line;
    bool first = true;
    size_t indent = 4 + label.size();
    while (std::getline(lines, line)) {
      for (const std::string& piece : Wrap(line, indent)) {
        out << "    " << (first ? std::string(label) : std::string(label.size(), ' ')) << piece << "\n";
        first = false;
      }
    }
  }

  void WriteFinding(const Finding& f, const SourceManager& sources, std::ostream& out) const {
    out << "  " << TermSafe(Position(f.loc, sources), false) << " " << SeverityText(f.severity) << " "
        << Paint("2", f.rule) << BaselineMark(f) << " " << TermSafe(f.message) << "\n";
    if (!f.excerpt.empty() && f.loc.span.begin.line) {
      std::string num = std::to_string(f.loc.span.begin.line);
      ShownExcerpt shown = WindowExcerpt(f.excerpt, f.loc.span.begin.col);
      out << "    " << num << " | " << shown.line << "\n";
      out << "    " << std::string(num.size(), ' ') << " | " << Paint("1;32", shown.caret) << "\n";
    }
    for (const RelatedLocation& r : f.related) {
      WriteIndented("see: ", Position(r.loc, sources) + " " + r.message, out);
    }
    std::string_view fix = f.fix;
    if (fix.empty()) {
      if (const Rule* rule = FindRule(f.rule)) fix = rule->info().fix;
    }
    if (!fix.empty()) WriteIndented("fix: ", fix, out);
  }

  void WriteDiagnosis(const Finding& f, const ObjectSet& objects, const SourceManager& sources,
                      std::ostream& out) const {
    out << SeverityText(f.severity) << " " << Paint("2", f.rule) << " " << Bold(TermSafe(f.message)) << "\n";
    if (!f.symptom.empty()) WriteIndented("symptom: ", f.symptom, out);
    for (size_t i = 0; i < f.chain.size(); ++i) {
      const ChainStep& s = f.chain[i];
      std::string where = Position(s.loc, sources);
      WriteIndented(i == 0 ? "chain:   " : "         ", fmt::format("{}. {} ({})", i + 1, s.message, where), out);
      for (const std::string& e : s.evidence) WriteIndented("            ", "- " + e, out);
    }
    if (!f.affected.empty()) {
      std::string list;
      for (size_t i = 0; i < f.affected.size(); ++i) list += (i ? ", " : "") + f.affected[i];
      WriteIndented("affects: ", list, out);
    }
    for (const Hypothesis& h : f.hypotheses) {
      WriteIndented(h.open ? "open:      " : h.confirmed ? "confirmed: " : "ruled out: ",
                    h.text + (h.evidence.empty() ? "" : " — " + h.evidence), out);
    }
    if (!f.fix.empty()) WriteIndented("fix: ", f.fix, out);
    if (!f.verify.empty()) WriteIndented("verify: ", f.verify, out);
    out << "\n";
  }

  // " [new]" or " [unchanged]" with --baseline.
  std::string BaselineMark(const Finding& f) const {
    if (!in_ || !in_->baseline) return "";
    size_t i = static_cast<size_t>(&f - in_->findings.data());
    return " [" + std::string(BaselineStateName(in_->baseline->states[i])) + "]";
  }

  void WriteBaseline(const BaselineComparison& b, std::ostream& out) const {
    for (const BaselineResult& r : b.absent) {
      std::string where = r.uri + (r.span.begin.line ? fmt::format(":{}", r.span.begin.line) : "");
      out << "  " << TermSafe(where, false) << " " << TermSafe(r.level, false) << " " << TermSafe(r.rule, false)
          << " [absent] " << TermSafe(r.message) << "\n";
    }
    if (!b.absent.empty()) out << "\n";
    out << Bold(fmt::format("Baseline {}: {} new, {} unchanged, {} absent", TermSafe(b.path, false), b.new_count,
                            b.unchanged_count, b.absent.size()))
        << "\n";
  }

  void WriteSummary(const ReportInput& in, std::ostream& out) const {
    if (in.baseline) WriteBaseline(*in.baseline, out);
    SeverityCounts c = CountSeverities(in.findings);
    const LoadStats& s = in.load.stats;
    uint64_t skipped = 0;
    std::string reasons;
    for (const auto& [reason, n] : s.skipped) {
      skipped += n;
      reasons += (reasons.empty() ? "" : ", ") + fmt::format("{} {}", n, reason);
    }
    std::string line = fmt::format("{} {}, {} {}, {} {} in {} object{} from {} file{}", c.error,
                                    c.error == 1 ? "error" : "errors", c.warning,
                                    c.warning == 1 ? "warning" : "warnings", c.note, c.note == 1 ? "note" : "notes",
                                    in.load.objects->size(), in.load.objects->size() == 1 ? "" : "s", s.files_read,
                                    s.files_read == 1 ? "" : "s");
    if (skipped) line += fmt::format(" ({} skipped: {})", skipped, reasons);
    out << Bold(line) << "\n";
  }

  WriterOptions opt_;
  const ReportInput* in_ = nullptr;
};

}  // namespace

std::unique_ptr<Writer> MakeTextWriter(const WriterOptions& options) { return std::make_unique<TextWriter>(options); }

}  // namespace kora
