// The HTML report: one self-contained page for a postmortem or an audit.
// Root causes first (chain diagram, evidence, hypotheses, fix), then the
// events, every finding in a filterable table, the objects involved with
// their source excerpts and resource graph, and the rules' help. No request
// of any kind: the stylesheet and script are inline and allowed by hash.
// Documented in docs/html.md.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "analyzer/diagnosis.h"
#include "reports/excerpt.h"
#include "reports/html.h"
#include "reports/json_out.h"
#include "reports/writer.h"

namespace kora {
namespace {

using html::Escape;

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string SeverityBadge(std::string_view severity) {
  return fmt::format("<span class=\"sev sev-{0}\">{0}</span>", Escape(severity));
}

std::string TimeAndAgo(const Evidence* ev, Timestamp t) {
  if (t == kNoTime) return "unknown";
  std::string s = "<time>" + FormatTimestamp(t) + "</time>";
  if (ev) {
    std::string ago = ev->Ago(t);
    if (!ago.empty()) s += " <span class=\"muted\">(" + Escape(ago) + ")</span>";
  }
  return s;
}

// The first word of a line that is a command a user would paste.
bool IsCommand(std::string_view line) {
  static constexpr std::string_view kCommands[] = {"kubectl", "helm",   "argocd", "kustomize", "flux", "docker",
                                                   "podman",  "crane",  "oc",     "az",        "aws",  "gcloud",
                                                   "kubeseal", "cmctl", "curl",   "kubectl-argo-rollouts"};
  size_t b = line.find_first_not_of(" \t");
  if (b == std::string_view::npos) return false;
  line.remove_prefix(b);
  std::string_view word = line.substr(0, line.find(' '));
  return std::find(std::begin(kCommands), std::end(kCommands), word) != std::end(kCommands) &&
         word.size() < line.size();
}

bool HasCommand(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (IsCommand(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos))) return true;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return false;
}

// Text with `code spans` (the Markdown kora's help and fix texts use).
std::string InlineMarkdown(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('`', pos);
    size_t close = open == std::string_view::npos ? open : text.find('`', open + 1);
    if (close == std::string_view::npos) {
      out += Escape(text.substr(pos));
      break;
    }
    out += Escape(text.substr(pos, open - pos));
    std::string_view code = text.substr(open + 1, close - open - 1);
    out += IsCommand(code) ? "<code class=\"cmd\">" : "<code>";
    out += Escape(code) + "</code>";
    pos = close + 1;
  }
  return out;
}

// Prose and commands: a line that is a command becomes a copyable block.
std::string Prose(std::string_view text) {
  std::string out;
  std::string paragraph;
  auto flush = [&] {
    if (!paragraph.empty()) out += "<p class=\"wrap\">" + InlineMarkdown(paragraph) + "</p>\n";
    paragraph.clear();
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (IsCommand(line)) {
      flush();
      size_t b = line.find_first_not_of(" \t");
      out += "<div class=\"cmdbox\"><pre class=\"cmd\"><code>" + Escape(line.substr(b)) + "</code></pre></div>\n";
    } else if (line.find_first_not_of(" \t") == std::string_view::npos) {
      flush();
    } else {
      if (!paragraph.empty()) paragraph += ' ';
      paragraph += line;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
  return out;
}

class HtmlWriter : public Writer {
 public:
  explicit HtmlWriter(const WriterOptions& o) : opt_(o) {}

  void Write(const ReportInput& in, std::ostream& out) override {
    in_ = &in;
    shown_.clear();
    diagnoses_.clear();
    diagnosis_number_.clear();
    events_by_ref_.clear();
    summaries_.clear();
    events_by_object_.clear();
    objects_ = in.load.objects.get();
    sources_ = in.load.sources.get();
    ctx_ = in.context;
    evidence_ = ctx_ ? &ctx_->evidence() : nullptr;
    Collect();
    IndexEvents();

    std::string style(html::kStyleSheet);
    std::string script(html::kScript);
    SeverityCounts c = CountSeverities(in.findings);
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
        << html::CspHash(style) << "; script-src " << html::CspHash(script)
        << "; img-src 'none'; base-uri 'none'; form-action 'none'\">\n";
    out << "<meta name=\"referrer\" content=\"no-referrer\">\n";
    out << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out << "<meta name=\"generator\" content=\"kora " << KORA_VERSION << "\">\n";
    out << "<title>kora report: " << Plural(c.error, "error", "errors") << ", "
        << Plural(c.warning, "warning", "warnings") << ", " << Plural(c.note, "note", "notes") << "</title>\n";
    out << "<style>" << style << "</style>\n</head>\n<body>\n";
    WriteHeader(out, c);
    out << "<main>\n";
    WriteRootCauses(out);
    WriteEvents(out);
    WriteFindings(out);
    if (in.baseline) WriteBaseline(out, *in.baseline);
    WriteObjects(out);
    WriteRules(out);
    out << "</main>\n";
    out << "<footer>Generated by kora " << KORA_VERSION
        << ". This page is self-contained: it loads nothing, and its Content-Security-Policy forbids every network "
           "request. Without JavaScript every finding is listed; the script only adds the filters and copy "
           "buttons.</footer>\n";
    out << "<script>" << script << "</script>\n</body>\n</html>\n";
  }

 private:
  // --- What the report shows -----------------------------------------------

  struct Shown {
    std::vector<Span> highlights;
    std::vector<html::LineRange> windows;
    std::vector<size_t> findings;   // indexes of findings located here
    std::vector<size_t> diagnoses;  // indexes of diagnoses whose chain passes here
    std::string excerpt;
  };

  void Collect() {
    auto touch = [&](const Location& loc) -> Shown* {
      if (loc.object == kNoObject || loc.object >= objects_->size()) return nullptr;
      Shown& s = shown_[loc.object];
      if (loc.span.Known()) s.highlights.push_back(loc.span);
      return &s;
    };
    for (size_t i = 0; i < in_->findings.size(); ++i) {
      const Finding& f = in_->findings[i];
      if (Shown* s = touch(f.loc)) s->findings.push_back(i);
      for (const RelatedLocation& r : f.related) touch(r.loc);
      for (const ChainStep& step : f.chain) {
        Shown* s = touch(step.loc);
        if (s && (s->diagnoses.empty() || s->diagnoses.back() != i)) s->diagnoses.push_back(i);
      }
      if (f.IsDiagnosis()) {
        diagnoses_.push_back(i);
        diagnosis_number_[i] = diagnoses_.size();
      }
    }
    std::map<FileId, bool> unchanged;
    for (auto& [id, s] : shown_) {
      const Object& o = (*objects_)[id];
      auto [it, inserted] = unchanged.try_emplace(o.file, true);
      if (inserted) it->second = Unchanged(o.file);
      if (!it->second) continue;
      std::sort(s.highlights.begin(), s.highlights.end(), [](const Span& a, const Span& b) {
        return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
      });
      s.highlights.erase(std::unique(s.highlights.begin(), s.highlights.end()), s.highlights.end());
      s.windows = html::ExcerptWindows(o, s.highlights);
      s.excerpt = html::RenderExcerpt(o, *sources_, s.highlights, s.windows, ObjectAnchor(id));
    }
  }

  // Excerpts re-read the files: one whose size changed since it was read
  // would put the masks on the wrong text, so it shows none.
  bool Unchanged(FileId file) const {
    const SourceFile& f = sources_->file(file);
    if (f.is_stdin) return true;
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(f.path, ec);
    return ec || size == f.size;
  }

  // Events by the identity of what they are about and of its top controller,
  // so the events of an object include those of its ReplicaSets and Pods.
  void IndexEvents() {
    if (!evidence_) return;
    const std::vector<EventRecord>& events = evidence_->events();
    for (size_t i = 0; i < events.size(); ++i) {
      const EventRecord& e = events[i];
      if (e.event != kNoObject) events_by_object_.try_emplace(e.event, &e);
      std::vector<std::string> keys;
      if (e.attached != kNoObject) {
        keys.push_back((*objects_)[e.attached].Ref());
        keys.push_back((*objects_)[ctx_->graph().Root(e.attached)].Ref());
      } else {
        keys.push_back(ObjectKey{std::string(e.kind), std::string(e.ns), std::string(e.name)}.Ref());
        if (const Object* owner = OwnerByName(*objects_, e.kind, e.ns, e.name)) {
          keys.push_back((*objects_)[ctx_->graph().Root(owner->id)].Ref());
        }
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (std::string& k : keys) events_by_ref_[std::move(k)].push_back(i);
    }
    if (diagnoses_.empty()) return;
    for (const EventRecord& e : events) summaries_.try_emplace(e.Summary(evidence_->now()), &e);
  }

  // The events about objects (by Ref), with those quoted as evidence, in
  // timeline order.
  std::vector<const EventRecord*> EventsAbout(const std::set<std::string>& refs,
                                              const std::vector<const EventRecord*>& extra) const {
    std::set<size_t> picked;
    const std::vector<EventRecord>& events = evidence_->events();
    for (const std::string& ref : refs) {
      auto it = events_by_ref_.find(ref);
      if (it != events_by_ref_.end()) picked.insert(it->second.begin(), it->second.end());
    }
    for (const EventRecord* e : extra) picked.insert(static_cast<size_t>(e - events.data()));
    std::vector<const EventRecord*> out;
    for (size_t i : picked) out.push_back(&events[i]);
    std::stable_sort(out.begin(), out.end(), [](const EventRecord* a, const EventRecord* b) {
      auto key = [](const EventRecord* e) {
        return std::make_tuple(e->kind, e->ns, e->name, e->first == kNoTime ? e->last : e->first);
      };
      return key(a) < key(b);
    });
    return out;
  }

  void AddRefs(ObjectId id, std::set<std::string>& refs) const {
    const Object& o = (*objects_)[id];
    if (o.kind == "Event") return;
    refs.insert(o.Ref());
    if (ctx_) refs.insert((*objects_)[ctx_->graph().Root(id)].Ref());
  }

  // --- Links -----------------------------------------------------------------

  std::string ObjectAnchor(ObjectId id) const { return fmt::format("o{}", id); }

  std::string Position(const Location& loc) const {
    if (loc.file == kNoFile) return "";
    std::string p = sources_->file(loc.file).path;
    if (loc.span.begin.line) p += fmt::format(":{}:{}", loc.span.begin.line, loc.span.begin.col);
    return p;
  }

  // Where a location links to: the excerpt line, else the object, else nothing.
  std::string Href(const Location& loc) const {
    auto it = shown_.find(loc.object);
    if (loc.object == kNoObject || it == shown_.end()) return "";
    uint32_t line = loc.span.begin.line;
    const std::vector<html::LineRange>& w = it->second.windows;
    auto window = std::upper_bound(w.begin(), w.end(), html::LineRange{line, UINT32_MAX});
    if (loc.span.Known() && !it->second.excerpt.empty() && window != w.begin() && std::prev(window)->second >= line) {
      return "#" + ObjectAnchor(loc.object) + "-L" + std::to_string(line);
    }
    return "#" + ObjectAnchor(loc.object);
  }

  std::string LocationLink(const Location& loc) const {
    std::string pos = Position(loc);
    if (pos.empty()) return "";
    std::string href = Href(loc);
    std::string code = "<code class=\"wrap\">" + Escape(pos) + "</code>";
    return href.empty() ? code : "<a href=\"" + Escape(href) + "\">" + code + "</a>";
  }

  std::string RuleLink(std::string_view rule) const {
    return "<a href=\"#rule-" + Escape(rule) + "\"><code>" + Escape(rule) + "</code></a>";
  }

  std::string_view FixOf(const Finding& f) const {
    if (!f.fix.empty()) return f.fix;
    const Rule* rule = FindRule(f.rule);
    return rule ? rule->info().fix : std::string_view();
  }

  // --- Header ----------------------------------------------------------------

  void WriteHeader(std::ostream& out, const SeverityCounts& c) const {
    const LoadStats& stats = in_->load.stats;
    out << "<header class=\"top\">\n<h1>kora report</h1>\n";
    out << "<p class=\"tagline\">" << Plural(c.error, "error", "errors") << ", "
        << Plural(c.warning, "warning", "warnings") << ", " << Plural(c.note, "note", "notes") << " in "
        << Plural(objects_->size(), "object", "objects") << " from " << Plural(stats.files_read, "file", "files");
    if (!diagnoses_.empty()) out << "; " << Plural(diagnoses_.size(), "root cause", "root causes") << " diagnosed";
    out << "</p>\n<div class=\"facts\">\n";

    out << "<section id=\"counts\"><h2>Findings by severity</h2><ul class=\"counts\">";
    out << "<li>" << SeverityBadge("error") << " <strong class=\"count-error\">" << c.error << "</strong></li>";
    out << "<li>" << SeverityBadge("warning") << " <strong class=\"count-warning\">" << c.warning << "</strong></li>";
    out << "<li>" << SeverityBadge("note") << " <strong class=\"count-note\">" << c.note << "</strong></li>";
    out << "</ul>";
    if (in_->baseline) {
      const BaselineComparison& b = *in_->baseline;
      out << "<p>Baseline <code class=\"wrap\">" << Escape(b.path) << "</code>: " << b.new_count << " new, "
          << b.unchanged_count << " unchanged, " << b.absent.size() << " absent</p>";
    }
    out << "</section>\n";

    out << "<section id=\"inputs\"><h2>Inputs read</h2><p>" << Plural(stats.files_read, "file", "files") << ", "
        << Plural(stats.bytes_read, "byte", "bytes") << ", " << Plural(stats.documents, "document", "documents");
    for (const auto& [reason, n] : stats.skipped) out << "; " << n << " skipped (" << Escape(reason) << ")";
    out << "</p><div class=\"scroll\"><ul>";
    for (size_t i = 0; i < sources_->size(); ++i) {
      const SourceFile& f = sources_->file(static_cast<FileId>(i));
      out << "<li><code class=\"wrap\">" << Escape(f.path) << "</code> <span class=\"muted\">"
          << Plural(f.size, "byte", "bytes") << "</span></li>";
    }
    out << "</ul></div></section>\n";

    std::map<std::string_view, size_t> by_kind;
    for (const Object& o : objects_->all()) by_kind[o.kind]++;
    out << "<section id=\"kinds\"><h2>Objects by kind</h2><div class=\"scroll\"><table><tbody>";
    for (const auto& [kind, n] : by_kind) {
      out << "<tr><td>" << Escape(kind) << "</td><td class=\"num\">" << n << "</td></tr>";
    }
    out << "</tbody></table></div></section>\n";

    out << "<section id=\"clock\"><h2>Evidence</h2>";
    if (evidence_ && evidence_->has_time()) {
      Timestamp from = evidence_->oldest(), to = evidence_->now();
      out << "<p>From <time>" << FormatTimestamp(from) << "</time> to <time>" << FormatTimestamp(to) << "</time>";
      if (from != kNoTime && to >= from) out << " (" << Escape(HumanDuration(to - from)) << ")";
      out << ".</p><p class=\"muted\">Times are measured from "
          << (in_->options.now.empty() ? "the newest timestamp in the evidence" : "--now") << ", "
          << FormatTimestamp(to) << ", never from the clock of the machine.</p>";
    } else {
      out << "<p>No timestamps in the input.</p>";
    }
    if (evidence_) out << "<p>" << Plural(evidence_->events().size(), "event", "events") << " read.</p>";
    out << "</section>\n</div>\n</header>\n";

    out << "<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#root-causes\">Root causes (" << diagnoses_.size()
        << ")</a><a href=\"#events\">Events</a><a href=\"#findings\">Findings (" << in_->findings.size() << ")</a>";
    if (in_->baseline) out << "<a href=\"#baseline\">Baseline</a>";
    out << "<a href=\"#objects\">Objects (" << shown_.size() << ")</a><a href=\"#rules\">Rules</a></nav>\n";
  }

  // --- Root causes -----------------------------------------------------------

  void WriteRootCauses(std::ostream& out) const {
    out << "<section id=\"root-causes\">\n<h2>Root causes</h2>\n";
    if (diagnoses_.empty()) {
      out << "<p>No diagnosis: the input shows no failing workload whose cause kora can trace (diagnoses need "
             "live objects with status, or events). The findings below still apply.</p>\n";
    }
    for (size_t n = 0; n < diagnoses_.size(); ++n) WriteDiagnosis(out, diagnoses_[n], n + 1);
    out << "</section>\n";
  }

  // An event behind an evidence line, if the line is an event's summary.
  const EventRecord* EventOf(const std::string& evidence) const {
    auto it = summaries_.find(evidence);
    return it == summaries_.end() ? nullptr : it->second;
  }

  std::string EventLine(const EventRecord& e) const {
    std::string type(e.type.empty() ? "Event" : e.type);
    std::string out = "<span class=\"" + std::string(type == "Warning" ? "event-warning" : "muted") + "\">" +
                      Escape(type) + "</span> <strong>" + Escape(e.reason) + "</strong>: <span class=\"wrap\">" +
                      Escape(e.message) + "</span> <span class=\"muted\">(\xC3\x97" + std::to_string(e.count);
    out += ", first seen " + (e.first == kNoTime ? std::string("unknown") : FormatTimestamp(e.first));
    out += ", last seen " + (e.last == kNoTime ? std::string("unknown") : FormatTimestamp(e.last));
    std::string ago = evidence_ ? evidence_->Ago(e.last) : "";
    if (!ago.empty()) out += ", " + Escape(ago);
    out += ")</span>";
    return out;
  }

  void WriteDiagnosis(std::ostream& out, size_t index, size_t number) const {
    const Finding& f = in_->findings[index];
    std::string id = "d" + std::to_string(number);
    out << "<article class=\"diagnosis\" id=\"" << id << "\">\n<h3>" << SeverityBadge(SeverityName(f.severity))
        << " " << RuleLink(f.rule);
    if (!f.cause.empty()) out << " <span class=\"muted\">cause: " << Escape(f.cause) << "</span>";
    out << "</h3>\n<p class=\"message wrap\">" << Escape(f.message) << "</p>\n";
    if (!f.symptom.empty()) out << "<p class=\"wrap\"><strong>Symptom:</strong> " << Escape(f.symptom) << "</p>\n";

    // The chain, drawn, then step by step with its evidence.
    std::vector<html::ChainNode> nodes;
    std::set<std::string> refs;
    std::vector<const EventRecord*> quoted;
    for (const ChainStep& s : f.chain) {
      html::ChainNode node;
      node.text = s.message;
      node.href = Href(s.loc);
      if (s.loc.object != kNoObject) {
        const Object& o = (*objects_)[s.loc.object];
        node.title = o.Ref();
        auto ev = events_by_object_.find(o.id);
        if (ev != events_by_object_.end()) {
          const EventRecord& e = *ev->second;
          node.title = "Event " + std::string(e.reason) + " about " +
                       ObjectKey{std::string(e.kind), std::string(e.ns), std::string(e.name)}.Ref();
        }
        AddRefs(s.loc.object, refs);
      } else {
        node.title = s.loc.path.empty() ? "not in the input" : s.loc.path + " (not in the input)";
        node.missing = true;
      }
      nodes.push_back(std::move(node));
      for (const std::string& e : s.evidence) {
        if (const EventRecord* ev = EventOf(e)) quoted.push_back(ev);
      }
    }
    for (const std::string& a : f.affected) refs.insert(a.substr(0, a.find(" (")));
    out << "<figure>" << html::ChainSvg(f.symptom, nodes, id)
        << "<figcaption>From the symptom (top) to the root cause (bottom); each box links to its source.</figcaption>"
           "</figure>\n";
    out << "<h4>Evidence, step by step</h4>\n<ol class=\"chain\">\n";
    for (const ChainStep& s : f.chain) {
      out << "<li><p class=\"wrap\">" << Escape(s.message);
      std::string where = LocationLink(s.loc);
      if (!where.empty()) out << " \xE2\x80\x94 " << where;
      if (!s.loc.path.empty()) {
        out << " <span class=\"muted\">" << (s.loc.object == kNoObject ? "not in the input: " : "")
            << Escape(s.loc.path) << "</span>";
      }
      out << "</p>";
      if (!s.evidence.empty()) {
        out << "<ul class=\"evidence\">";
        for (const std::string& e : s.evidence) {
          if (const EventRecord* ev = EventOf(e)) {
            out << "<li class=\"event\">" << EventLine(*ev) << "</li>";
          } else {
            out << "<li class=\"wrap\">" << Escape(e) << "</li>";
          }
        }
        out << "</ul>";
      }
      out << "</li>\n";
    }
    out << "</ol>\n";

    if (!f.affected.empty()) {
      out << "<h4>Affected</h4>\n<ul>";
      for (const std::string& a : f.affected) out << "<li class=\"wrap\">" << Escape(a) << "</li>";
      out << "</ul>\n";
    }
    if (!f.hypotheses.empty()) {
      out << "<h4>Hypotheses</h4>\n<table class=\"hypotheses\"><thead><tr><th>Verdict</th><th>Hypothesis</th>"
             "<th>Why</th></tr></thead><tbody>\n";
      for (const Hypothesis& h : f.hypotheses) {
        out << "<tr><td class=\"" << (h.confirmed ? "hyp-confirmed\">confirmed" : "hyp-ruled-out\">ruled out")
            << "</td><td class=\"wrap\">" << Escape(h.text) << "</td><td class=\"wrap\">" << Escape(h.evidence)
            << "</td></tr>\n";
      }
      out << "</tbody></table>\n";
    }
    std::string_view fix = FixOf(f);
    if (!fix.empty()) out << "<h4>Fix</h4>\n" << Prose(fix);
    if (!f.verify.empty()) out << "<h4>Verify</h4>\n" << Prose(f.verify);

    if (evidence_) {
      std::vector<const EventRecord*> events = EventsAbout(refs, quoted);
      if (!events.empty()) {
        out << "<h4>Events of the objects involved</h4>\n";
        WriteTimeline(out, events);
        WriteEventTable(out, events);
      }
    }
    // The graph around the step at the cause (the last one in the input).
    for (auto s = f.chain.rbegin(); ctx_ && s != f.chain.rend(); ++s) {
      if (s->loc.object == kNoObject || (*objects_)[s->loc.object].kind == "Event") continue;
      out << "<h4>Around " << Escape((*objects_)[s->loc.object].Ref()) << "</h4>\n";
      WriteNeighbourhood(out, s->loc.object, id + "-g", false);
      break;
    }
    out << "</article>\n";
  }

  // --- Events ----------------------------------------------------------------

  void WriteTimeline(std::ostream& out, const std::vector<const EventRecord*>& events) const {
    if (!evidence_ || !evidence_->has_time()) return;
    std::vector<html::TimelineRow> rows;
    for (const EventRecord* e : events) {
      rows.push_back(html::TimelineRow{std::string(e->kind) + "/" + std::string(e->name) + " " +
                                           std::string(e->reason),
                                       e});
    }
    out << "<figure>" << html::TimelineSvg(rows, evidence_->oldest(), evidence_->now())
        << "<figcaption>Each bar runs from an event's first to its last occurrence, with its count, on the "
           "evidence clock (" << FormatTimestamp(evidence_->oldest()) << " to " << FormatTimestamp(evidence_->now())
        << ").</figcaption></figure>\n";
  }

  void WriteEventTable(std::ostream& out, const std::vector<const EventRecord*>& events) const {
    out << "<table class=\"events\"><thead><tr><th>About</th><th>Type</th><th>Reason</th><th>Message</th>"
           "<th>Count</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>\n";
    for (const EventRecord* e : events) {
      std::string about = ObjectKey{std::string(e->kind), std::string(e->ns), std::string(e->name)}.Ref();
      out << "<tr><td class=\"about wrap\">";
      auto it = e->attached != kNoObject ? shown_.find(e->attached) : shown_.end();
      if (it != shown_.end()) {
        out << "<a href=\"#" << ObjectAnchor(e->attached) << "\">" << Escape(about) << "</a>";
      } else {
        out << Escape(about);
      }
      out << "</td><td" << (e->type == "Warning" ? " class=\"event-warning\"" : "") << ">" << Escape(e->type)
          << "</td><td>" << Escape(e->reason) << "</td><td class=\"wrap\">" << Escape(e->message)
          << "</td><td class=\"num\">" << e->count << "</td><td class=\"time\">" << TimeAndAgo(evidence_, e->first)
          << "</td><td class=\"time\">" << TimeAndAgo(evidence_, e->last) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }

  void WriteEvents(std::ostream& out) const {
    out << "<section id=\"events\">\n<h2>Events</h2>\n";
    if (!evidence_ || evidence_->events().empty()) {
      out << "<p>No events in the input.</p>\n</section>\n";
      return;
    }
    std::set<std::string> refs;
    for (const auto& [id, s] : shown_) AddRefs(id, refs);
    std::vector<const EventRecord*> involved = EventsAbout(refs, {});
    out << "<h3>Timeline of the objects with findings</h3>\n";
    if (involved.empty()) {
      out << "<p>No event is about an object with findings.</p>\n";
    } else if (!evidence_->has_time()) {
      out << "<p>The events carry no timestamps.</p>\n";
    } else {
      WriteTimeline(out, involved);
    }
    std::vector<const EventRecord*> all;
    for (const EventRecord& e : evidence_->events()) all.push_back(&e);
    out << "<h3>All events (" << all.size() << ")</h3>\n";
    WriteEventTable(out, all);
    out << "</section>\n";
  }

  // --- Findings --------------------------------------------------------------

  void WriteFacets(std::ostream& out) const {
    struct Facet {
      std::string_view attribute, label;
      std::map<std::string, size_t> values;
    };
    std::vector<Facet> facets = {{"data-severity", "Severity", {}},
                                 {"data-rule", "Rule", {}},
                                 {"data-namespace", "Namespace", {}},
                                 {"data-kind", "Kind", {}}};
    if (in_->baseline) facets.push_back({"data-baseline", "Baseline", {}});
    for (size_t i = 0; i < in_->findings.size(); ++i) {
      Row r = RowOf(i);
      facets[0].values[std::string(r.severity)]++;
      facets[1].values[std::string(r.rule)]++;
      facets[2].values[std::string(r.ns)]++;
      facets[3].values[std::string(r.kind)]++;
      if (in_->baseline) facets[4].values[std::string(r.baseline)]++;
    }
    std::ostringstream json;
    JsonOut j(json, false);
    j.BeginArray();
    for (const Facet& f : facets) {
      j.BeginObject().Field("attribute", f.attribute).Field("label", f.label).Key("values").BeginArray();
      std::vector<std::pair<std::string, size_t>> values(f.values.begin(), f.values.end());
      if (f.attribute == "data-severity") {
        // Worst first, as everywhere else in the report.
        std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) {
          return ParseSeverity(a.first).value_or(Severity::kNote) > ParseSeverity(b.first).value_or(Severity::kNote);
        });
      }
      for (const auto& [v, n] : values) j.BeginArray().String(v).UInt(n).EndArray();
      j.EndArray().EndObject();
    }
    j.EndArray();
    out << "<script type=\"application/json\" id=\"kora-facets\">" << html::ScriptSafeJson(json.str())
        << "</script>\n";
  }

  struct Row {
    std::string_view severity, rule, ns, kind, baseline;
  };
  Row RowOf(size_t i) const {
    const Finding& f = in_->findings[i];
    Row r{SeverityName(f.severity), f.rule, {}, {}, {}};
    if (f.loc.object != kNoObject) {
      r.ns = (*objects_)[f.loc.object].ns;
      r.kind = (*objects_)[f.loc.object].kind;
    }
    if (in_->baseline) r.baseline = BaselineStateName(in_->baseline->states[i]);
    return r;
  }

  void WriteFindings(std::ostream& out) const {
    out << "<section id=\"findings\">\n<h2>All findings (" << in_->findings.size() << ")</h2>\n";
    if (in_->findings.empty()) {
      out << "<p>No findings.</p>\n</section>\n";
      return;
    }
    out << "<form id=\"filters\" class=\"filters\" hidden role=\"search\" aria-label=\"Filter the findings\">"
           "<span id=\"filter-selects\"></span><label>Search <input type=\"search\" id=\"filter-search\" "
           "placeholder=\"text in any column\"></label><output id=\"filter-count\" aria-live=\"polite\"></output>"
           "</form>\n";
    WriteFacets(out);
    out << "<table id=\"findings-table\"><thead><tr><th>Severity</th><th>Rule</th><th>Object</th><th>Location</th>"
           "<th>Message and fix</th>";
    if (in_->baseline) out << "<th>Baseline</th>";
    out << "</tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < in_->findings.size(); ++i) {
      const Finding& f = in_->findings[i];
      Row r = RowOf(i);
      out << "<tr id=\"f" << i + 1 << "\" data-severity=\"" << Escape(r.severity) << "\" data-rule=\""
          << Escape(r.rule) << "\" data-namespace=\"" << Escape(r.ns) << "\" data-kind=\"" << Escape(r.kind) << "\"";
      if (in_->baseline) out << " data-baseline=\"" << Escape(r.baseline) << "\"";
      out << ">";
      out << "<td>" << SeverityBadge(r.severity) << "</td><td>" << RuleLink(f.rule) << "</td><td class=\"object wrap\">";
      if (f.loc.object != kNoObject) {
        const Object& o = (*objects_)[f.loc.object];
        out << "<a href=\"#" << ObjectAnchor(o.id) << "\">" << Escape(o.kind) << "<br>"
            << Escape(o.ns.empty() ? std::string(o.name) : std::string(o.ns) + "/" + std::string(o.name)) << "</a>";
      } else if (f.loc.file != kNoFile) {
        out << "<span class=\"muted\">file</span>";
      }
      out << "</td><td class=\"where wrap\">" << LocationLink(f.loc);
      if (!f.loc.path.empty()) out << "<br><span class=\"muted\">" << Escape(f.loc.path) << "</span>";
      out << "</td><td class=\"wrap\"><p>" << Escape(f.message) << "</p>";
      auto d = diagnosis_number_.find(i);
      if (d != diagnosis_number_.end()) {
        out << "<p><a href=\"#d" << d->second << "\">Root cause " << d->second << ": chain and evidence</a></p>";
      }
      if (!f.excerpt.empty()) {
        // Load errors carry their (already redacted) line; a long one is
        // shown around the column only.
        ExcerptWindow w = WindowAround(f.excerpt, f.loc.span.begin.col);
        out << "<pre><code>" << (w.cut_before ? "..." : "") << Escape(w.text) << (w.cut_after ? "..." : "")
            << "</code></pre>";
      }
      for (const RelatedLocation& rel : f.related) {
        out << "<p class=\"muted\">see " << LocationLink(rel.loc) << " " << Escape(rel.message) << "</p>";
      }
      std::string_view fix = FixOf(f);
      if (HasCommand(fix)) {
        out << "<p><strong>Fix:</strong></p>" << Prose(fix);
      } else if (!fix.empty()) {
        out << "<p><strong>Fix:</strong> " << InlineMarkdown(fix) << "</p>";
      }
      out << "</td>";
      if (in_->baseline) out << "<td>" << Escape(r.baseline) << "</td>";
      out << "</tr>\n";
    }
    out << "</tbody></table>\n</section>\n";
  }

  void WriteBaseline(std::ostream& out, const BaselineComparison& b) const {
    out << "<section id=\"baseline\">\n<h2>Baseline</h2>\n<p>Compared with <code class=\"wrap\">" << Escape(b.path)
        << "</code>: " << b.new_count << " new, " << b.unchanged_count << " unchanged, " << b.absent.size()
        << " absent (in the baseline, fixed since).</p>\n";
    if (!b.absent.empty()) {
      out << "<table><thead><tr><th>Level</th><th>Rule</th><th>Location</th><th>Message</th></tr></thead><tbody>\n";
      for (const BaselineResult& r : b.absent) {
        out << "<tr><td>" << Escape(r.level) << "</td><td><code>" << Escape(r.rule) << "</code></td><td class=\"wrap\">"
            << Escape(r.uri);
        if (r.span.begin.line) out << ":" << r.span.begin.line;
        out << "</td><td class=\"wrap\">" << Escape(r.message) << "</td></tr>\n";
      }
      out << "</tbody></table>\n";
    }
    out << "</section>\n";
  }

  // --- Objects ---------------------------------------------------------------

  void WriteObjects(std::ostream& out) const {
    out << "<section id=\"objects\">\n<h2>Objects (" << shown_.size() << ")</h2>\n";
    out << "<p>Every object a finding or a root cause points at, with its source (the lines at fault "
           "highlighted; values of Secrets and credential-looking values replaced by "
           "<span class=\"redacted\">&lt;redacted&gt;</span>) and its references in the resource graph.</p>\n";
    for (const auto& [id, s] : shown_) WriteObject(out, id, s);
    out << "</section>\n";
  }

  void WriteObject(std::ostream& out, ObjectId id, const Shown& s) const {
    const Object& o = (*objects_)[id];
    out << "<article class=\"object\" id=\"" << ObjectAnchor(id) << "\">\n<h3>" << Escape(o.kind)
        << " <span class=\"mono wrap\">" << Escape(o.ns.empty() ? std::string(o.name) : std::string(o.ns) + "/" +
                                                                                          std::string(o.name))
        << "</span></h3>\n<p class=\"muted wrap\">";
    Span span = o.span();
    out << Escape(sources_->file(o.file).path);
    if (span.Known()) out << ":" << span.begin.line << "\xE2\x80\x93" << std::max(span.begin.line, span.end.line);
    if (!o.helm_source().empty()) out << " \xC2\xB7 Helm template " << Escape(o.helm_source());
    if (o.live()) out << " \xC2\xB7 read from a cluster";
    out << "</p>\n";
    if (!s.findings.empty() || !s.diagnoses.empty()) {
      out << "<p>";
      if (!s.findings.empty()) {
        out << "Findings: ";
        for (size_t k = 0; k < s.findings.size(); ++k) {
          size_t i = s.findings[k];
          out << (k ? ", " : "") << "<a href=\"#f" << i + 1 << "\">" << Escape(in_->findings[i].rule) << "</a>";
        }
        out << ". ";
      }
      if (!s.diagnoses.empty()) {
        out << "In the chain of: ";
        for (size_t k = 0; k < s.diagnoses.size(); ++k) {
          size_t n = diagnosis_number_.at(s.diagnoses[k]);
          out << (k ? ", " : "") << "<a href=\"#d" << n << "\">root cause " << n << "</a>";
        }
        out << ".";
      }
      out << "</p>\n";
    }
    if (s.excerpt.empty()) {
      out << "<p class=\"muted\">The source of this object cannot be shown: the file is gone or changed since it "
             "was read.</p>\n";
    } else {
      out << "<pre class=\"excerpt\"><code>" << s.excerpt << "</code></pre>\n";
    }
    if (ctx_) WriteNeighbourhood(out, id, ObjectAnchor(id) + "-g", true);
    out << "</article>\n";
  }

  html::NeighbourBox BoxOf(VertexId v) const {
    const GraphVertex& gv = ctx_->graph().vertex(v);
    html::NeighbourBox b;
    b.kind = gv.kind;
    b.ns = gv.ns;
    b.name = gv.name;
    b.phantom = gv.object == kNoObject;
    if (!b.phantom && shown_.count(gv.object)) b.href = "#" + ObjectAnchor(gv.object);
    return b;
  }

  static bool Broken(const Reference& r) { return !IsResolved(r.resolution) && r.kind != EdgeKind::kSelects; }

  // Neighbours grouped by vertex in the order the graph lists them.
  std::vector<html::NeighbourBox> Group(const std::vector<const Reference*>& refs, bool incoming) const {
    std::vector<html::NeighbourBox> boxes;
    std::map<VertexId, size_t> index;
    for (const Reference* r : refs) {
      VertexId v = incoming ? ctx_->graph().VertexOf(r->from) : r->to;
      auto [it, inserted] = index.try_emplace(v, boxes.size());
      if (inserted) boxes.push_back(BoxOf(v));
      html::NeighbourBox& b = boxes[it->second];
      std::string kind(EdgeKindName(r->kind));
      if (("," + b.via + ",").find("," + kind + ",") == std::string::npos &&
          (", " + b.via + ",").find(", " + kind + ",") == std::string::npos) {
        b.via += (b.via.empty() ? "" : ", ") + kind;
      }
      if (Broken(*r)) {
        if (!b.broken) b.status = std::string(ResolutionName(r->resolution));
        b.broken = true;
      } else if (r->resolution != Resolution::kResolved && b.status.empty()) {
        b.status = std::string(ResolutionName(r->resolution));
      }
    }
    return boxes;
  }

  void WriteNeighbourhood(std::ostream& out, ObjectId id, const std::string& prefix, bool with_table) const {
    const Graph& g = ctx_->graph();
    std::vector<const Reference*> outgoing = g.References(id);
    std::vector<const Reference*> incoming = g.Referrers(g.VertexOf(id));
    if (outgoing.empty() && incoming.empty()) {
      out << "<p class=\"muted\">No references to or from this object in the input.</p>\n";
      return;
    }
    html::NeighbourBox center = BoxOf(g.VertexOf(id));
    center.href.clear();
    std::vector<html::NeighbourBox> left = Group(incoming, true);
    std::vector<html::NeighbourBox> right = Group(outgoing, false);
    size_t broken = 0;
    for (const Reference* r : outgoing) broken += Broken(*r);
    for (const Reference* r : incoming) broken += Broken(*r);
    out << "<figure>" << html::NeighbourhoodSvg(center, left, right, prefix)
        << "<figcaption>Resource graph: objects that refer to it (left), objects it refers to (right)";
    if (broken) out << "; " << Plural(broken, "broken reference", "broken references") << " dashed red";
    out << ".</figcaption></figure>\n";
    if (!with_table) return;
    out << "<table class=\"edges\"><thead><tr><th></th><th>Reference</th><th>Field</th><th>Object</th>"
           "<th>Resolution</th><th>At</th></tr></thead><tbody>\n";
    auto row = [&](const Reference& r, bool in) {
      VertexId other = in ? g.VertexOf(r.from) : r.to;
      html::NeighbourBox b = BoxOf(other);
      std::string name = b.kind + "/" + (b.ns.empty() ? "" : b.ns + "/") + b.name;
      std::string field = r.field;
      if (!r.key.empty()) field += " key " + r.key;
      if (!r.container.empty()) field += " (container " + r.container + ")";
      out << "<tr><td>" << (in ? "from" : "to") << "</td><td><code>" << EdgeKindName(r.kind) << "</code></td>"
          << "<td class=\"wrap\">" << Escape(field) << "</td><td class=\"wrap\">";
      if (!b.href.empty()) {
        out << "<a href=\"" << Escape(b.href) << "\">" << Escape(name) << "</a>";
      } else {
        out << Escape(name);
      }
      if (b.phantom) out << " <span class=\"muted\">(not in the input)</span>";
      out << "</td><td" << (Broken(r) ? " class=\"event-warning\"" : "") << ">" << ResolutionName(r.resolution)
          << (r.optional ? " (optional)" : "") << "</td><td>" << LocationLink(r.at) << "</td></tr>\n";
    };
    for (const Reference* r : incoming) row(*r, true);
    for (const Reference* r : outgoing) row(*r, false);
    out << "</tbody></table>\n";
  }

  // --- Rules -----------------------------------------------------------------

  void WriteRules(std::ostream& out) const {
    std::set<std::string_view> ids;
    for (const Finding& f : in_->findings) ids.insert(f.rule);
    out << "<section id=\"rules\">\n<h2>Rules (" << ids.size() << ")</h2>\n";
    if (ids.empty()) out << "<p>No rule reported anything.</p>\n";
    for (std::string_view id : ids) {
      out << "<article class=\"rule\" id=\"rule-" << Escape(id) << "\">\n";
      const Rule* rule = FindRule(id);
      if (!rule) {
        out << "<h3><code>" << Escape(id) << "</code></h3>\n</article>\n";
        continue;
      }
      const RuleInfo& info = rule->info();
      out << "<h3><code>" << Escape(info.id) << "</code> \xE2\x80\x94 " << Escape(info.title) << "</h3>\n";
      out << "<p>" << SeverityBadge(SeverityName(info.severity)) << " by default \xC2\xB7 category "
          << Escape(info.category) << " \xC2\xB7 profiles " << Escape(ProfilesIncluding(info.profile)) << "</p>\n";
      out << "<div class=\"rule-help\">" << Prose(info.help) << "</div>\n";
      if (!info.fix.empty()) out << "<h4>Fix</h4>\n" << Prose(info.fix);
      std::string doc = std::string(kDocsBase) + "rules/" + std::string(info.id) + ".md";
      out << "<p>Documentation: <a href=\"" << Escape(doc) << "\">docs/rules/" << Escape(info.id)
          << ".md</a></p>\n</article>\n";
    }
    out << "</section>\n";
  }

  WriterOptions opt_;
  const ReportInput* in_ = nullptr;
  const ObjectSet* objects_ = nullptr;
  const SourceManager* sources_ = nullptr;
  const Context* ctx_ = nullptr;
  const Evidence* evidence_ = nullptr;
  std::map<ObjectId, Shown> shown_;
  std::vector<size_t> diagnoses_;                          // indexes of findings
  std::unordered_map<size_t, size_t> diagnosis_number_;    // finding index -> 1-based number
  std::unordered_map<std::string, std::vector<size_t>> events_by_ref_;
  std::unordered_map<std::string, const EventRecord*> summaries_;
  std::unordered_map<ObjectId, const EventRecord*> events_by_object_;
};

}  // namespace

std::unique_ptr<Writer> MakeHtmlWriter(const WriterOptions& options) { return std::make_unique<HtmlWriter>(options); }

}  // namespace kora
