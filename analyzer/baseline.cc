#include "analyzer/baseline.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "analyzer/load.h"

namespace kora {
namespace {

std::string At(const std::string& name, Node n, std::string_view what) {
  Span s = n ? n.span() : Span{};
  if (!s.Known()) return fmt::format("{}: {}", name, what);
  return fmt::format("{}:{}:{}: {}", name, s.begin.line, s.begin.col, what);
}

uint32_t Position(Node n) {
  std::optional<int64_t> v = n.Int();
  return v && *v > 0 && *v < UINT32_MAX ? static_cast<uint32_t>(*v) : 0;
}

// The parts of a SARIF result a later run needs: what matches it and what
// lists it again as absent.
bool ReadResult(Node result, const std::string& name, BaselineResult& out, std::string& error) {
  if (!result.IsMap()) {
    error = At(name, result, "a result is not a JSON object");
    return false;
  }
  Node rule = result["ruleId"];
  Node fingerprint = result["partialFingerprints"][kFingerprintKey];
  if (!rule.IsString() || !fingerprint.IsString()) {
    error = At(name, result,
               fmt::format("a result has no ruleId or no partialFingerprints.\"{}\": the baseline must be a SARIF "
                           "report written by `kora analyze --format sarif`",
                           kFingerprintKey));
    return false;
  }
  out.rule = rule.Str();
  out.fingerprint = fingerprint.Str();
  out.level = result["level"].IsString() ? result["level"].Str() : "warning";
  out.message = result["message"]["text"].Str();
  Node physical = result["locations"].At(0)["physicalLocation"];
  out.uri = physical["artifactLocation"]["uri"].Str();
  out.uri_base_id = physical["artifactLocation"]["uriBaseId"].Str();
  Node region = physical["region"];
  out.span.begin = Mark{Position(region["startLine"]), Position(region["startColumn"])};
  out.span.end = Mark{Position(region["endLine"]), Position(region["endColumn"])};
  out.object = result["locations"].At(0)["logicalLocations"].At(0)["fullyQualifiedName"].Str();
  return true;
}

}  // namespace

std::string_view BaselineStateName(BaselineState s) {
  switch (s) {
    case BaselineState::kNew:
      return "new";
    case BaselineState::kUnchanged:
      return "unchanged";
    case BaselineState::kAbsent:
      return "absent";
  }
  return "new";
}

bool ParseBaseline(std::string_view text, const std::string& name, Baseline& out, std::string& error) {
  out.path = name;
  out.results.clear();
  LoadOptions options;
  ParsedFile parsed = ParseJson(text, 0, options);
  if (!parsed.problems.empty()) {
    const LoadProblem& p = parsed.problems.front();
    error = p.span.Known() ? fmt::format("{}:{}:{}: {}", name, p.span.begin.line, p.span.begin.col, p.message)
                           : fmt::format("{}: {}", name, p.message);
    return false;
  }
  if (parsed.docs.size() != 1) {
    error = fmt::format("{}: expected one SARIF log, found {} JSON values", name, parsed.docs.size());
    return false;
  }
  Node root = parsed.docs[0]->Root();
  if (!root.IsMap() || root["version"].Str() != "2.1.0" || !root["runs"].IsSeq()) {
    error = At(name, root, "not a SARIF 2.1.0 log (no \"version\": \"2.1.0\" and \"runs\" array)");
    return false;
  }
  for (Node run : root["runs"].Items()) {
    for (Node result : run["results"].Items()) {
      // A result the earlier run itself listed as absent was already gone.
      if (result["baselineState"].Str() == "absent") continue;
      BaselineResult r;
      if (!ReadResult(result, name, r, error)) return false;
      out.results.push_back(std::move(r));
    }
  }
  return true;
}

bool ReadBaseline(const std::string& path, Baseline& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fmt::format("{}: cannot read the baseline", path);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseBaseline(text.str(), path, out, error);
}

BaselineComparison CompareWithBaseline(const Baseline& baseline, const std::vector<Finding>& findings,
                                       const ObjectSet& objects, const SourceManager& sources) {
  BaselineComparison c;
  c.path = baseline.path;
  // Baseline results by (rule, fingerprint), each kept until a finding claims it.
  std::map<std::pair<std::string_view, std::string_view>, std::vector<size_t>> open;
  for (size_t i = baseline.results.size(); i-- > 0;) {
    const BaselineResult& r = baseline.results[i];
    open[{r.rule, r.fingerprint}].push_back(i);
  }
  std::vector<bool> claimed(baseline.results.size(), false);
  c.states.reserve(findings.size());
  for (const Finding& f : findings) {
    std::string fingerprint = Fingerprint(f, objects, sources);
    auto it = open.find({f.rule, fingerprint});
    if (it == open.end() || it->second.empty()) {
      c.states.push_back(BaselineState::kNew);
      ++c.new_count;
      continue;
    }
    claimed[it->second.back()] = true;
    it->second.pop_back();
    c.states.push_back(BaselineState::kUnchanged);
    ++c.unchanged_count;
  }
  for (size_t i = 0; i < baseline.results.size(); ++i) {
    if (!claimed[i]) c.absent.push_back(baseline.results[i]);
  }
  return c;
}

}  // namespace kora
