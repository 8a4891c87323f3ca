// The SARIF report: its content field by field, fingerprints that survive
// unrelated edits, and validation of the report of every fixture and scenario
// with Microsoft's SARIF multitool and the OASIS JSON schema
// (scripts/sarif-validate.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzer/baseline.h"
#include "reports/writer.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

const char* kBroken = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c, image: nginx}]}
)";

// A parsed report; the document owns the nodes.
struct Sarif {
  ParsedFile parsed;
  std::string text;
  Node root() const { return parsed.docs.empty() ? Node() : parsed.docs[0]->Root(); }
  Node run() const { return root()["runs"].At(0); }
  Node results() const { return run()["results"]; }
};

Sarif Parse(std::string text) {
  Sarif s;
  s.text = std::move(text);
  s.parsed = ParseJson(s.text, 0, LoadOptions{});
  EXPECT_TRUE(s.parsed.problems.empty()) << s.text;
  return s;
}

std::string Write(const LoadResult& load, const std::vector<Finding>& findings, const AnalysisOptions& options,
                  WriterOptions wo = {}, const BaselineComparison* baseline = nullptr) {
  std::ostringstream out;
  MakeWriter("sarif", wo)->Write(ReportInput{load, findings, options, baseline}, out);
  return out.str();
}

Sarif WriteAnalysis(const Analysis& a, WriterOptions wo = {}) {
  return Parse(Write(a.load, a.findings, a.options, wo));
}

TEST(Sarif, DriverDescribesEveryRuleOfTheRegistry) {
  Analysis a = AnalyzeText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n");
  ASSERT_TRUE(a.findings.empty());
  Sarif s = WriteAnalysis(a);
  EXPECT_EQ(s.root()["version"].Str(), "2.1.0");
  Node driver = s.run()["tool"]["driver"];
  EXPECT_EQ(driver["name"].Str(), "kora");
  EXPECT_EQ(driver["version"].Str(), KORA_VERSION);
  EXPECT_EQ(driver["semanticVersion"].Str(), KORA_VERSION);
  EXPECT_EQ(driver["informationUri"].Str().rfind("https://", 0), 0u);
  const auto& rules = AllRules();
  ASSERT_EQ(driver["rules"].Size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& info = rules[i]->info();
    Node r = driver["rules"].At(i);
    EXPECT_EQ(r["id"].Str(), info.id);
    EXPECT_FALSE(r["name"].Str().empty());
    EXPECT_EQ(r["name"].Str().find('-'), std::string_view::npos) << r["name"].Str();
    EXPECT_EQ(r["shortDescription"]["text"].Str(), info.title);
    EXPECT_EQ(r["fullDescription"]["text"].Str(), info.help);
    EXPECT_NE(r["help"]["text"].Str().find(info.fix), std::string_view::npos) << info.id;
    EXPECT_NE(r["help"]["markdown"].Str().find(info.fix), std::string_view::npos) << info.id;
    EXPECT_EQ(r["helpUri"].Str(),
              "https://github.com/kora-dev/kora/blob/main/docs/rules/" + std::string(info.id) + ".md");
    EXPECT_EQ(r["defaultConfiguration"]["level"].Str(), SeverityName(info.severity));
    EXPECT_EQ(r["properties"]["tags"].At(0).Str(), info.category);
  }
  // A clean run still has a results array, empty.
  ASSERT_TRUE(s.results().IsSeq()) << s.text;
  EXPECT_EQ(s.results().Size(), 0u);
  EXPECT_EQ(s.run()["columnKind"].Str(), "unicodeCodePoints");
  std::string root(s.run()["originalUriBaseIds"]["SRCROOT"]["uri"].Str());
  EXPECT_EQ(root.rfind("file:///", 0), 0u) << root;
  EXPECT_EQ(root.back(), '/');
}

TEST(Sarif, ResultPointsAtTheFieldWithRuleMessageFixAndObject) {
  Analysis a = AnalyzeText(kBroken);
  std::vector<const Finding*> mismatch = Of(a, "workload-selector-mismatch");
  ASSERT_EQ(mismatch.size(), 1u);
  const Finding& f = *mismatch[0];
  Sarif s = WriteAnalysis(a);
  ASSERT_EQ(s.results().Size(), a.findings.size());
  Node result;
  for (Node r : s.results().Items()) {
    if (r["ruleId"].Str() == "workload-selector-mismatch") result = r;
  }
  ASSERT_TRUE(result) << s.text;
  size_t index = static_cast<size_t>(result["ruleIndex"].Int().value_or(-1));
  ASSERT_LT(index, AllRules().size());
  EXPECT_EQ(AllRules()[index]->info().id, "workload-selector-mismatch");
  EXPECT_EQ(result["level"].Str(), "error");
  std::string_view message = result["message"]["text"].Str();
  EXPECT_EQ(message.rfind(f.message, 0), 0u) << message;
  EXPECT_NE(message.find(FindRule(f.rule)->info().fix), std::string_view::npos) << message;

  Node physical = result["locations"].At(0)["physicalLocation"];
  EXPECT_EQ(physical["artifactLocation"]["uri"].Str(), "input.yaml");
  EXPECT_EQ(physical["artifactLocation"]["uriBaseId"].Str(), "SRCROOT");
  Node region = physical["region"];
  EXPECT_EQ(region["startLine"].Int(), f.loc.span.begin.line);
  EXPECT_EQ(region["startColumn"].Int(), f.loc.span.begin.col);
  EXPECT_EQ(region["endLine"].Int(), f.loc.span.end.line);
  EXPECT_EQ(region["endColumn"].Int(), f.loc.span.end.col);
  // selector: {matchLabels: {app: web}} on line 5, from column 3 to the end.
  EXPECT_EQ(region["startLine"].Int(), 5);
  EXPECT_EQ(region["startColumn"].Int(), 3);
  EXPECT_EQ(region["endColumn"].Int(), 38);

  Node logical = result["locations"].At(0)["logicalLocations"].At(0);
  EXPECT_EQ(logical["fullyQualifiedName"].Str(), "Deployment/x/web");
  EXPECT_EQ(logical["name"].Str(), "web");
  EXPECT_EQ(logical["properties"]["kind"].Str(), "Deployment");
  EXPECT_EQ(logical["properties"]["namespace"].Str(), "x");

  // The other end of the mismatch: the pod template's labels.
  ASSERT_EQ(result["relatedLocations"].Size(), f.related.size());
  ASSERT_FALSE(f.related.empty());
  Node related = result["relatedLocations"].At(0);
  EXPECT_EQ(related["message"]["text"].Str(), f.related[0].message);
  EXPECT_EQ(related["physicalLocation"]["region"]["startLine"].Int(), f.related[0].loc.span.begin.line);
  EXPECT_EQ(result["partialFingerprints"][kFingerprintKey].Str(), Fingerprint(f, *a.load.objects, *a.load.sources));
  EXPECT_EQ(result["properties"]["path"].Str(), f.loc.path);
}

TEST(Sarif, UrisAreRelativeToTheSourceRootOrAbsolute) {
  fs::path dir = fs::temp_directory_path() / ("kora-sarif-root-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub dir");
  std::string file = (dir / "sub dir" / "web é.yaml").string();
  std::ofstream(file) << kBroken;
  Analysis a = Analyze({file});
  ASSERT_FALSE(a.findings.empty());

  WriterOptions under;
  under.source_root = dir.string();
  Sarif rel = WriteAnalysis(a, under);
  Node artifact = rel.results().At(0)["locations"].At(0)["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"].Str(), "sub%20dir/web%20%C3%A9.yaml");
  EXPECT_EQ(artifact["uriBaseId"].Str(), "SRCROOT");
  std::string base = "file://" + dir.string() + "/";
  EXPECT_EQ(rel.run()["originalUriBaseIds"]["SRCROOT"]["uri"].Str(), base);

  under.source_root = dir.string() + "/";  // a trailing slash changes nothing
  Sarif slash = WriteAnalysis(a, under);
  EXPECT_EQ(slash.results().At(0)["locations"].At(0)["physicalLocation"]["artifactLocation"]["uri"].Str(),
            "sub%20dir/web%20%C3%A9.yaml");

  WriterOptions elsewhere;
  elsewhere.source_root = (dir / "sub dir" / "nested").string();
  Sarif abs = WriteAnalysis(a, elsewhere);
  artifact = abs.results().At(0)["locations"].At(0)["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"].Str(), "file://" + dir.string() + "/sub%20dir/web%20%C3%A9.yaml");
  EXPECT_FALSE(artifact["uriBaseId"]);
  fs::remove_all(dir);
}

TEST(Sarif, HelmTemplateIsARelatedLocation) {
  Analysis a = AnalyzeText("# Source: shop/templates/web.yaml\n" + std::string(kBroken), AllRulesOptions(),
                           "rendered.yaml");
  Sarif s = WriteAnalysis(a);
  ASSERT_GT(s.results().Size(), 0u);
  for (Node result : s.results().Items()) {
    Node related = result["relatedLocations"];
    Node last = related.At(related.Size() - 1);
    EXPECT_EQ(last["physicalLocation"]["artifactLocation"]["uri"].Str(), "shop/templates/web.yaml") << s.text;
    EXPECT_NE(last["message"]["text"].Str().find("Helm template"), std::string_view::npos);
    // Related locations are numbered, distinctly.
    std::set<int64_t> ids;
    for (Node r : related.Items()) ids.insert(r["id"].Int().value_or(-1));
    EXPECT_EQ(ids.size(), related.Size());
  }
}

// Findings no rule produces yet (a diagnosis chain) or that no input here
// produces (a file with no position) are built by hand.
std::vector<Finding> HandMadeFindings(const LoadResult& load) {
  std::vector<Finding> out;
  Finding unreadable;
  unreadable.rule = "load-error";
  unreadable.severity = Severity::kError;
  unreadable.loc.file = 0;
  unreadable.message = "cannot read the file: Permission denied";
  out.push_back(unreadable);

  const Object& web = (*load.objects)[0];
  Finding diagnosis;
  diagnosis.rule = "workload-selector-mismatch";
  diagnosis.severity = Severity::kError;
  diagnosis.loc.file = web.file;
  diagnosis.loc.object = web.id;
  diagnosis.loc.span = web.Spec()["selector"].FieldSpan();
  diagnosis.loc.path = "spec.selector";
  diagnosis.message = "Deployment x/web has no pods: its selector matches none of its template's labels";
  diagnosis.symptom = "0/1 replicas available";
  diagnosis.chain.push_back(ChainStep{diagnosis.loc, "the selector asks for app=web", {"spec.selector.matchLabels"}});
  Location labels{web.file, web.Spec()["template"]["metadata"]["labels"].FieldSpan(), web.id,
                  "spec.template.metadata.labels"};
  diagnosis.chain.push_back(ChainStep{labels, "the template labels its pods app=other", {}});
  diagnosis.hypotheses.push_back(Hypothesis{"the image cannot be pulled", false, "no ErrImagePull event"});
  diagnosis.affected = {"web-5d9c7"};
  diagnosis.verify = "kubectl rollout status deployment/web -n x";
  out.push_back(diagnosis);
  return out;
}

TEST(Sarif, FileWithoutPositionHasNoRegionAndChainIsACodeFlow) {
  LoadResult load = LoadText(kBroken);
  AnalysisOptions options = AllRulesOptions();
  std::vector<Finding> findings = HandMadeFindings(load);
  Sarif s = Parse(Write(load, findings, options));
  ASSERT_EQ(s.results().Size(), 2u);

  Node unreadable = s.results().At(0);
  Node physical = unreadable["locations"].At(0)["physicalLocation"];
  EXPECT_EQ(physical["artifactLocation"]["uri"].Str(), "input.yaml");
  EXPECT_FALSE(physical["region"]) << s.text;

  Node diagnosis = s.results().At(1);
  Node flow = diagnosis["codeFlows"].At(0);
  EXPECT_EQ(flow["message"]["text"].Str(), "0/1 replicas available");
  Node steps = flow["threadFlows"].At(0)["locations"];
  ASSERT_EQ(steps.Size(), 2u);
  EXPECT_EQ(steps.At(0)["location"]["message"]["text"].Str(), "the selector asks for app=web");
  EXPECT_EQ(steps.At(0)["location"]["physicalLocation"]["region"]["startLine"].Int(), 5);
  EXPECT_EQ(steps.At(0)["properties"]["evidence"].At(0).Str(), "spec.selector.matchLabels");
  EXPECT_EQ(steps.At(1)["location"]["message"]["text"].Str(), "the template labels its pods app=other");
  EXPECT_EQ(steps.At(1)["location"]["physicalLocation"]["region"]["startLine"].Int(), 7);
  EXPECT_EQ(diagnosis["properties"]["verify"].Str(), "kubectl rollout status deployment/web -n x");
}

// (rule, fingerprint) of every result.
std::multiset<std::pair<std::string, std::string>> Fingerprints(const Sarif& s) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (Node r : s.results().Items()) {
    out.emplace(r["ruleId"].Str(), r["partialFingerprints"][kFingerprintKey].Str());
  }
  return out;
}

TEST(Sarif, FingerprintsIgnoreUnrelatedLineMoves) {
  Sarif before = WriteAnalysis(AnalyzeText(kBroken));
  std::string moved = "# a comment\n\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: x}\n"
                      "---\n" +
                      std::string(kBroken);
  Sarif after = WriteAnalysis(AnalyzeText(moved));
  ASSERT_GT(before.results().Size(), 0u);
  EXPECT_EQ(Fingerprints(before), Fingerprints(after));
  EXPECT_NE(before.results().At(0)["locations"].At(0)["physicalLocation"]["region"]["startLine"].Int(),
            after.results().At(0)["locations"].At(0)["physicalLocation"]["region"]["startLine"].Int());
  // A different object is a different finding.
  std::string renamed(kBroken);
  renamed.replace(renamed.find("name: web"), 9, "name: api");
  Sarif other = WriteAnalysis(AnalyzeText(renamed));
  EXPECT_NE(Fingerprints(before), Fingerprints(other));
}

TEST(Sarif, OutputIsDeterministic) {
  Analysis a = Analyze({SourceDir() + "/fixtures/scenarios/argocd-degraded-image-pull"});
  std::string first = Write(a.load, a.findings, a.options);
  EXPECT_EQ(first, Write(a.load, a.findings, a.options));
  CommandResult r1 = RunKora({"analyze", "-f", "sarif", "--fail-on", "never", "-"}, kBroken);
  CommandResult r2 = RunKora({"analyze", "-f", "sarif", "--fail-on", "never", "-"}, kBroken);
  EXPECT_EQ(r1.exit_code, 0);
  EXPECT_EQ(r1.out, r2.out);
}

// Writes the SARIF of every fixture, every scenario and the cases above into
// dir, through the kora binary where it can.
std::vector<std::string> WriteEveryReport(const fs::path& dir) {
  std::vector<std::string> files;
  auto run = [&](const std::string& name, std::vector<std::string> args, const std::string& stdin_text = "") {
    std::string out = (dir / (name + ".sarif")).string();
    std::vector<std::string> full = {"analyze", "--profile", "all", "--fail-on", "never", "-f", "sarif", "-o", out};
    full.insert(full.end(), args.begin(), args.end());
    CommandResult r = RunKora(full, stdin_text);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    files.push_back(out);
  };
  std::vector<fs::path> fixtures;
  for (const auto& e : fs::directory_iterator(SourceDir() + "/fixtures/rules")) fixtures.push_back(e.path());
  std::sort(fixtures.begin(), fixtures.end());
  for (const fs::path& p : fixtures) {
    std::vector<std::string> args = {p.string()};
    if (ReadFile(p.string()).find("# kora-options: complete") != std::string::npos) args.push_back("--complete");
    run("rule-" + p.stem().string(), args);
  }
  std::vector<fs::path> scenarios;
  for (const auto& e : fs::directory_iterator(SourceDir() + "/fixtures/scenarios")) scenarios.push_back(e.path());
  std::sort(scenarios.begin(), scenarios.end());
  for (const fs::path& p : scenarios) run("scenario-" + p.filename().string(), {p.string()});
  run("stdin", {"-"}, kBroken);

  // A baseline with a result that is gone: listed as absent.
  std::string baseline = (dir / "baseline-old.sarif").string();
  RunKora({"analyze", "--fail-on", "never", "-f", "sarif", "-o", baseline, "-"}, kBroken);
  files.push_back(baseline);
  run("baseline-new", {"--baseline", baseline, SourceDir() + "/fixtures/rules/image-latest-tag.yaml"});

  LoadResult load = LoadText("# Source: shop/templates/web.yaml\n" + std::string(kBroken));
  AnalysisOptions options = AllRulesOptions();
  std::vector<Finding> hand_made = HandMadeFindings(load);
  std::string diagnosis = (dir / "diagnosis.sarif").string();
  std::ofstream(diagnosis) << Write(load, {hand_made[1]}, options);
  files.push_back(diagnosis);
  std::string no_position = (dir / "no-position.sarif").string();
  std::ofstream(no_position) << Write(load, {hand_made[0]}, options);
  files.push_back(no_position);
  return files;
}

TEST(SarifValidation, EveryReportPassesTheMultitoolAndTheSchema) {
  fs::path dir = fs::temp_directory_path() / ("kora-sarif-validate-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> files = WriteEveryReport(dir);
  ASSERT_GT(files.size(), 30u);
  std::string cmd = "'" + SourceDir() + "/scripts/sarif-validate.sh'";
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer build writes the same bytes as the normal build, whose run
  // of this test already put them through the multitool; the schema check
  // (fast) still runs here.
  cmd += " --schema-only";
#endif
  for (const std::string& f : files) cmd += " '" + f + "'";
  cmd += " > '" + (dir / "validate.log").string() + "' 2>&1";
  int status = std::system(cmd.c_str());
  std::string log = ReadFile((dir / "validate.log").string());
  EXPECT_NE(log.find("JSON schema: " + std::to_string(files.size()) + " files, 0 errors"), std::string::npos) << log;
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_EQ(status, 0) << log;
#else
  // One known warning, and only that one: a finding on a file kora could not
  // read has no position, so its location has no region (valid SARIF, which
  // the multitool's SARIF2017 advises against; see docs/sarif.md).
  std::vector<std::string> problems;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": multitool ") != std::string::npos) problems.push_back(line);
  }
  ASSERT_EQ(problems.size(), 1u) << log;
  EXPECT_NE(problems[0].find("no-position.sarif"), std::string::npos) << log;
  EXPECT_NE(problems[0].find("multitool warning SARIF2017: runs[0].results[0].locations[0].physicalLocation: The "
                             "'region' property is absent"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("multitool: " + std::to_string(files.size()) + " files, 1 errors and warnings"),
            std::string::npos)
      << log;
#endif
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace kora::test
