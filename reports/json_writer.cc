// The JSON report. Its schema is documented in docs/json-format.md and
// versioned by "schemaVersion"; fields are only ever added.
#include <map>

#include "reports/excerpt.h"
#include "reports/json_out.h"
#include "reports/writer.h"

namespace kora {
namespace {

void WriteObjectRef(JsonOut& j, const Object& o) {
  j.BeginObject();
  j.Field("apiVersion", o.api_version);
  j.Field("kind", o.kind);
  if (!o.ns.empty()) j.Field("namespace", o.ns);
  j.Field("name", o.name);
  if (!o.helm_source().empty()) j.Field("helmTemplate", o.helm_source());
  j.EndObject();
}

void WriteLocation(JsonOut& j, const Location& loc, const ObjectSet& objects, const SourceManager& sources) {
  j.BeginObject();
  if (loc.file != kNoFile) j.Field("file", sources.file(loc.file).path);
  if (loc.span.begin.line) {
    j.FieldInt("startLine", loc.span.begin.line);
    j.FieldInt("startColumn", loc.span.begin.col);
    j.FieldInt("endLine", loc.span.end.line ? loc.span.end.line : loc.span.begin.line);
    j.FieldInt("endColumn", loc.span.end.line ? loc.span.end.col : loc.span.begin.col);
  }
  if (!loc.path.empty()) j.Field("path", loc.path);
  if (loc.object != kNoObject) {
    j.Key("object");
    WriteObjectRef(j, objects[loc.object]);
  }
  j.EndObject();
}

class JsonWriter : public Writer {
 public:
  explicit JsonWriter(const WriterOptions& o) : opt_(o) {}
  void Write(const ReportInput& in, std::ostream& out) override {
    const ObjectSet& objects = *in.load.objects;
    const SourceManager& sources = *in.load.sources;
    JsonOut j(out);
    j.BeginObject();
    j.FieldInt("schemaVersion", 1);
    j.Key("tool").BeginObject().Field("name", "kora").Field("version", KORA_VERSION).EndObject();

    j.Key("inputs").BeginObject();
    j.Key("files").BeginArray();
    for (size_t i = 0; i < sources.size(); ++i) {
      const SourceFile& f = sources.file(static_cast<FileId>(i));
      j.BeginObject().Field("path", f.path).Key("bytes").UInt(f.size).EndObject();
    }
    j.EndArray();
    j.Key("filesRead").UInt(in.load.stats.files_read);
    j.Key("bytesRead").UInt(in.load.stats.bytes_read);
    j.Key("documents").UInt(in.load.stats.documents);
    j.Key("objects").UInt(objects.size());
    j.Key("skipped").BeginObject();
    for (const auto& [reason, n] : in.load.stats.skipped) j.Key(reason).UInt(n);
    j.EndObject();
    std::map<std::string, size_t> by_kind;
    for (const Object& o : objects.all()) by_kind[std::string(o.kind)]++;
    j.Key("objectsByKind").BeginObject();
    for (const auto& [kind, n] : by_kind) j.Key(kind).UInt(n);
    j.EndObject();
    j.EndObject();

    SeverityCounts c = CountSeverities(in.findings);
    j.Key("summary").BeginObject();
    j.Key("error").UInt(c.error).Key("warning").UInt(c.warning).Key("note").UInt(c.note).Key("total").UInt(c.total());
    j.EndObject();

    if (in.baseline) WriteBaseline(j, *in.baseline);

    j.Key("findings").BeginArray();
    for (size_t i = 0; i < in.findings.size(); ++i) {
      WriteFinding(j, in.findings[i], objects, sources, in.baseline ? &in.baseline->states[i] : nullptr);
    }
    j.EndArray();
    if (in.context) WriteEvidence(j, *in.context);
    j.EndObject();
    j.Finish();
  }

 private:
  // The events read and what each attached to, with the evidence clock.
  void WriteEvidence(JsonOut& j, const Context& ctx) {
    const Evidence& ev = ctx.evidence();
    j.Key("evidence").BeginObject();
    if (ev.has_time()) {
      j.Field("now", FormatTimestamp(ev.now()));
      j.Field("oldest", FormatTimestamp(ev.oldest()));
    }
    j.Key("events").BeginArray();
    for (const EventRecord& e : ev.events()) {
      j.BeginObject();
      j.Field("type", e.type).Field("reason", e.reason).Field("message", e.message);
      j.Key("count").Int(e.count);
      if (e.first != kNoTime) j.Field("firstSeen", FormatTimestamp(e.first));
      if (e.last != kNoTime) j.Field("lastSeen", FormatTimestamp(e.last));
      j.Key("regarding").BeginObject().Field("kind", e.kind).Field("namespace", e.ns).Field("name", e.name);
      if (!e.field_path.empty()) j.Field("fieldPath", e.field_path);
      j.EndObject();
      if (e.attached != kNoObject) {
        j.Field("attachedTo", ctx.objects()[e.attached].Ref()).Field("attachedVia", e.attached_via);
      }
      j.Key("location");
      WriteLocation(j, e.loc, ctx.objects(), ctx.sources());
      j.EndObject();
    }
    j.EndArray();
    j.EndObject();
  }

  // With --baseline: the counts and the baseline results now gone.
  static void WriteBaseline(JsonOut& j, const BaselineComparison& b) {
    j.Key("baseline").BeginObject();
    j.Field("file", b.path);
    j.Key("new").UInt(b.new_count).Key("unchanged").UInt(b.unchanged_count).Key("absent").UInt(b.absent.size());
    j.Key("absentResults").BeginArray();
    for (const BaselineResult& r : b.absent) {
      j.BeginObject().Field("ruleId", r.rule).Field("severity", r.level).Field("message", r.message);
      j.Field("fingerprint", r.fingerprint).Field("uri", r.uri);
      if (r.span.begin.line) j.FieldInt("startLine", r.span.begin.line);
      j.EndObject();
    }
    j.EndArray();
    j.EndObject();
  }

  void WriteFinding(JsonOut& j, const Finding& f, const ObjectSet& objects, const SourceManager& sources,
                    const BaselineState* state) {
    const Rule* rule = FindRule(f.rule);
    j.BeginObject();
    j.Field("ruleId", f.rule);
    j.Field("severity", SeverityName(f.severity));
    if (rule) j.Field("category", rule->info().category);
    j.Field("message", f.message);
    j.Field("fix", !f.fix.empty() || !rule ? std::string_view(f.fix) : rule->info().fix);
    j.Key("location");
    WriteLocation(j, f.loc, objects, sources);
    if (!f.container.empty()) j.Field("container", f.container);
    if (!f.excerpt.empty()) {
      // A long line is shown around the column only.
      ExcerptWindow w = WindowAround(f.excerpt, f.loc.span.begin.col);
      j.Field("excerpt", w.text);
      if (w.cut_before || w.cut_after) j.FieldInt("excerptFirstColumn", w.first_col);
    }
    j.Field("fingerprint", Fingerprint(f, objects, sources));
    if (state) j.Field("baselineState", BaselineStateName(*state));
    j.Key("related").BeginArray();
    for (const RelatedLocation& r : f.related) {
      j.BeginObject();
      j.Field("message", r.message);
      j.Key("location");
      WriteLocation(j, r.loc, objects, sources);
      j.EndObject();
    }
    j.EndArray();
    if (f.IsDiagnosis()) {
      j.Key("diagnosis").BeginObject();
      j.Field("cause", f.cause);
      j.Field("symptom", f.symptom);
      j.Key("chain").BeginArray();
      for (const ChainStep& s : f.chain) {
        j.BeginObject();
        j.Field("message", s.message);
        j.Key("location");
        WriteLocation(j, s.loc, objects, sources);
        j.Key("evidence").BeginArray();
        for (const std::string& e : s.evidence) j.String(e);
        j.EndArray();
        j.EndObject();
      }
      j.EndArray();
      j.Key("hypotheses").BeginArray();
      for (const Hypothesis& h : f.hypotheses) {
        j.BeginObject().Field("text", h.text).FieldBool("confirmed", h.confirmed).Field("evidence", h.evidence);
        j.FieldBool("open", h.open);
        j.EndObject();
      }
      j.EndArray();
      j.Key("affected").BeginArray();
      for (const std::string& a : f.affected) j.String(a);
      j.EndArray();
      j.Field("verify", f.verify);
      j.EndObject();
    }
    j.EndObject();
  }
  WriterOptions opt_;
};

}  // namespace

std::unique_ptr<Writer> MakeJsonWriter(const WriterOptions& options) { return std::make_unique<JsonWriter>(options); }

}  // namespace kora
