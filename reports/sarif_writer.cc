// The SARIF 2.1.0 report, for code scanning (GitHub, Azure DevOps, IDE
// viewers). Documented field by field in docs/sarif.md.
#include <filesystem>
#include <map>

#include "analyzer/baseline.h"
#include "reports/json_out.h"
#include "reports/writer.h"

namespace kora {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kInformationUri = "https://github.com/kora-dev/kora";
constexpr std::string_view kSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr std::string_view kSourceRootId = "SRCROOT";

// Percent-encodes a path for a URI (RFC 3986): unreserved characters and
// '/' stay, everything else, including every non-ASCII byte, is encoded.
std::string UriPath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FileUri(const fs::path& absolute) {
  std::string p = absolute.generic_string();
  if (p.empty() || p.back() != '/') p.push_back('/');
  return "file://" + UriPath(p);
}

// "image-latest-tag" -> "ImageLatestTag", SARIF's reportingDescriptor.name.
std::string RuleName(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

std::string_view FixFor(const Finding& f, const Rule* rule) {
  if (!f.fix.empty() || !rule) return f.fix;
  return rule->info().fix;
}

class SarifWriter : public Writer {
 public:
  explicit SarifWriter(const WriterOptions& o) {
    std::error_code ec;
    fs::path root = o.source_root.empty() ? fs::current_path(ec) : fs::path(o.source_root);
    root_ = fs::absolute(root, ec).lexically_normal();
    // "dir/" would make every relative path start with "..".
    if (root_.filename().empty() && root_ != root_.root_path()) root_ = root_.parent_path();
  }

  void Write(const ReportInput& in, std::ostream& out) override {
    objects_ = in.load.objects.get();
    sources_ = in.load.sources.get();
    const auto& rules = AllRules();
    for (size_t i = 0; i < rules.size(); ++i) rule_index_[rules[i]->info().id] = i;

    JsonOut j(out);
    j.BeginObject();
    j.Field("$schema", kSchemaUri);
    j.Field("version", "2.1.0");
    j.Key("runs").BeginArray().BeginObject();
    WriteTool(j);
    j.Key("invocations").BeginArray().BeginObject();
    j.FieldBool("executionSuccessful", true);
    j.EndObject().EndArray();
    j.Key("originalUriBaseIds").BeginObject();
    j.Key(kSourceRootId).BeginObject().Field("uri", FileUri(root_)).EndObject();
    j.EndObject();
    j.Field("columnKind", "unicodeCodePoints");
    j.Key("results").BeginArray();
    for (size_t i = 0; i < in.findings.size(); ++i) {
      const BaselineState* state = in.baseline ? &in.baseline->states[i] : nullptr;
      WriteResult(j, in.findings[i], state);
    }
    if (in.baseline) {
      for (const BaselineResult& r : in.baseline->absent) WriteAbsentResult(j, r);
    }
    j.EndArray();
    j.EndObject().EndArray();
    j.EndObject();
    j.Finish();
  }

 private:
  void WriteTool(JsonOut& j) {
    j.Key("tool").BeginObject().Key("driver").BeginObject();
    j.Field("name", "kora");
    j.Field("version", KORA_VERSION);
    j.Field("semanticVersion", KORA_VERSION);
    j.Field("informationUri", kInformationUri);
    j.Key("rules").BeginArray();
    for (const auto& rule : AllRules()) WriteRule(j, rule->info());
    j.EndArray();
    j.EndObject().EndObject();
  }

  static void WriteRule(JsonOut& j, const RuleInfo& info) {
    std::string doc = std::string(kDocsBase) + "rules/" + std::string(info.id) + ".md";
    j.BeginObject();
    j.Field("id", info.id);
    j.Field("name", RuleName(info.id));
    j.Key("shortDescription").BeginObject().Field("text", info.title).EndObject();
    j.Key("fullDescription").BeginObject().Field("text", info.help).EndObject();
    j.Key("help").BeginObject();
    j.Field("text", std::string(info.help) + "\n\nFix: " + std::string(info.fix) + "\n\nDocumentation: " + doc);
    j.Field("markdown", std::string(info.help) + "\n\n**Fix:** " + std::string(info.fix) + "\n\n[Documentation](" +
                            doc + ")");
    j.EndObject();
    j.Field("helpUri", doc);
    j.Key("defaultConfiguration").BeginObject().Field("level", SeverityName(info.severity)).EndObject();
    j.Key("properties").BeginObject();
    j.Key("tags").BeginArray().String(info.category).EndArray();
    j.Field("profiles", ProfilesIncluding(info.profile));
    j.EndObject();
    j.EndObject();
  }

  // artifactLocation: relative to the source root where the file lies under
  // it, an absolute file URI otherwise.
  void WriteArtifact(JsonOut& j, FileId file) {
    j.Key("artifactLocation").BeginObject();
    const SourceFile& f = sources_->file(file);
    if (f.is_stdin) {
      // Standard input has no path; this relative reference names no file in
      // the repository, and docs/sarif.md says to analyze files instead.
      j.Field("uri", UriPath(f.path));
    } else {
      std::error_code ec;
      fs::path absolute = fs::absolute(fs::path(f.path), ec).lexically_normal();
      fs::path relative = absolute.lexically_relative(root_);
      std::string rel = relative.generic_string();
      if (!rel.empty() && rel != "." && rel.rfind("..", 0) != 0) {
        j.Field("uri", UriPath(rel));
        j.Field("uriBaseId", kSourceRootId);
      } else {
        std::string uri = FileUri(absolute);
        uri.pop_back();  // FileUri ends directories with '/'
        j.Field("uri", uri);
      }
    }
    j.EndObject();
  }

  static void WriteRegion(JsonOut& j, const Span& span) {
    if (!span.Known()) return;
    j.Key("region").BeginObject();
    j.FieldInt("startLine", span.begin.line);
    if (span.begin.col) j.FieldInt("startColumn", span.begin.col);
    if (span.end.line && span.end.col && span.end >= span.begin) {
      j.FieldInt("endLine", span.end.line);
      j.FieldInt("endColumn", span.end.col);
    }
    j.EndObject();
  }

  void WritePhysical(JsonOut& j, const Location& loc) {
    j.Key("physicalLocation").BeginObject();
    WriteArtifact(j, loc.file);
    WriteRegion(j, loc.span);
    j.EndObject();
  }

  void WriteLogical(JsonOut& j, ObjectId id) {
    const Object& o = (*objects_)[id];
    j.Key("logicalLocations").BeginArray().BeginObject();
    j.Field("name", o.name);
    j.Field("fullyQualifiedName", o.Ref());
    j.Field("kind", "resource");
    j.Key("properties").BeginObject();
    j.Field("apiVersion", o.api_version).Field("kind", o.kind);
    if (!o.ns.empty()) j.Field("namespace", o.ns);
    j.Field("name", o.name);
    j.EndObject();
    j.EndObject().EndArray();
  }

  // A location object with an optional message; without a file it still
  // names the object, so it stays valid SARIF.
  void WriteLocation(JsonOut& j, const Location& loc, std::string_view message, int id = -1) {
    j.BeginObject();
    if (id >= 0) j.FieldInt("id", id);
    if (loc.file != kNoFile) WritePhysical(j, loc);
    if (loc.object != kNoObject) WriteLogical(j, loc.object);
    if (!message.empty()) j.Key("message").BeginObject().Field("text", message).EndObject();
    j.EndObject();
  }

  void WriteResult(JsonOut& j, const Finding& f, const BaselineState* state) {
    const Rule* rule = FindRule(f.rule);
    j.BeginObject();
    j.Field("ruleId", f.rule);
    auto index = rule_index_.find(f.rule);
    if (index != rule_index_.end()) j.FieldInt("ruleIndex", static_cast<int64_t>(index->second));
    j.Field("level", SeverityName(f.severity));
    std::string text = f.message;
    std::string_view fix = FixFor(f, rule);
    if (!fix.empty()) text += "\nFix: " + std::string(fix);
    j.Key("message").BeginObject().Field("text", text).EndObject();
    j.Key("locations").BeginArray();
    WriteLocation(j, f.loc, "");
    j.EndArray();

    int related_id = 1;
    const Object* object = f.loc.object != kNoObject ? &(*objects_)[f.loc.object] : nullptr;
    bool helm = object && !object->helm_source().empty();
    if (helm || !f.related.empty()) {
      j.Key("relatedLocations").BeginArray();
      for (const RelatedLocation& r : f.related) WriteLocation(j, r.loc, r.message, related_id++);
      if (helm) WriteHelmTemplate(j, *object, related_id++);
      j.EndArray();
    }
    if (f.IsDiagnosis()) WriteCodeFlow(j, f);
    j.Key("partialFingerprints").BeginObject();
    j.Field(kFingerprintKey, Fingerprint(f, *objects_, *sources_));
    j.EndObject();
    if (state) j.Field("baselineState", BaselineStateName(*state));
    WriteProperties(j, f);
    j.EndObject();
  }

  // The template a Helm-rendered object came from, as helm's "# Source:"
  // comment names it (relative to the chart's parent directory).
  static void WriteHelmTemplate(JsonOut& j, const Object& o, int id) {
    j.BeginObject();
    j.FieldInt("id", id);
    j.Key("physicalLocation").BeginObject();
    j.Key("artifactLocation").BeginObject().Field("uri", UriPath(o.helm_source())).EndObject();
    j.EndObject();
    j.Key("message").BeginObject().Field("text", "Rendered from the Helm template " + std::string(o.helm_source()));
    j.EndObject();
    j.EndObject();
  }

  // A diagnosis's causal chain: one thread flow, symptom first.
  void WriteCodeFlow(JsonOut& j, const Finding& f) {
    j.Key("codeFlows").BeginArray().BeginObject();
    if (!f.symptom.empty()) j.Key("message").BeginObject().Field("text", f.symptom).EndObject();
    j.Key("threadFlows").BeginArray().BeginObject();
    j.Key("locations").BeginArray();
    for (const ChainStep& step : f.chain) {
      j.BeginObject();
      j.Key("location");
      WriteLocation(j, step.loc, step.message);
      if (!step.evidence.empty()) {
        j.Key("properties").BeginObject().Key("evidence").BeginArray();
        for (const std::string& e : step.evidence) j.String(e);
        j.EndArray().EndObject();
      }
      j.EndObject();
    }
    j.EndArray();
    j.EndObject().EndArray();
    j.EndObject().EndArray();
  }

  static void WriteProperties(JsonOut& j, const Finding& f) {
    bool any = !f.loc.path.empty() || !f.container.empty() || f.IsDiagnosis();
    if (!any) return;
    j.Key("properties").BeginObject();
    if (!f.loc.path.empty()) j.Field("path", f.loc.path);
    if (!f.container.empty()) j.Field("container", f.container);
    if (f.IsDiagnosis()) {
      if (!f.symptom.empty()) j.Field("symptom", f.symptom);
      j.Key("hypotheses").BeginArray();
      for (const Hypothesis& h : f.hypotheses) {
        j.BeginObject().Field("text", h.text).FieldBool("confirmed", h.confirmed).Field("evidence", h.evidence);
        j.EndObject();
      }
      j.EndArray();
      j.Key("affected").BeginArray();
      for (const std::string& a : f.affected) j.String(a);
      j.EndArray();
      if (!f.verify.empty()) j.Field("verify", f.verify);
    }
    j.EndObject();
  }

  // A baseline result that this run no longer has, as the baseline gave it.
  void WriteAbsentResult(JsonOut& j, const BaselineResult& r) {
    j.BeginObject();
    j.Field("ruleId", r.rule);
    auto index = rule_index_.find(r.rule);
    if (index != rule_index_.end()) j.FieldInt("ruleIndex", static_cast<int64_t>(index->second));
    std::string_view level = r.level;
    if (level != "error" && level != "warning" && level != "note" && level != "none") level = "warning";
    j.Field("level", level);
    j.Key("message").BeginObject().Field("text", r.message.empty() ? r.rule : r.message).EndObject();
    if (!r.uri.empty()) {
      j.Key("locations").BeginArray().BeginObject();
      j.Key("physicalLocation").BeginObject();
      j.Key("artifactLocation").BeginObject().Field("uri", r.uri);
      if (!r.uri_base_id.empty()) j.Field("uriBaseId", r.uri_base_id);
      j.EndObject();
      WriteRegion(j, r.span);
      j.EndObject();
      j.EndObject().EndArray();
    }
    j.Key("partialFingerprints").BeginObject().Field(kFingerprintKey, r.fingerprint).EndObject();
    j.Field("baselineState", "absent");
    j.EndObject();
  }

  fs::path root_;
  const ObjectSet* objects_ = nullptr;
  const SourceManager* sources_ = nullptr;
  std::map<std::string_view, size_t> rule_index_;
};

}  // namespace

std::unique_ptr<Writer> MakeSarifWriter(const WriterOptions& options) {
  return std::make_unique<SarifWriter>(options);
}

}  // namespace kora
