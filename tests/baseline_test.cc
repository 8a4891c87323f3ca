// Baselines (--baseline old.sarif): matching by fingerprint, the state of
// each finding in every format, the exit status, bad baselines; and the kora
// command lines of docs/ci.md, run as written.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "analyzer/baseline.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

class Workspace {
 public:
  explicit Workspace(const std::string& name)
      : path_(fs::temp_directory_path() / ("kora-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Workspace() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

struct Result {
  std::string rule, state, object, fingerprint;
};

std::vector<Result> SarifResults(const std::string& text) {
  ParsedFile parsed = ParseJson(text, 0, LoadOptions{});
  EXPECT_TRUE(parsed.problems.empty()) << text;
  std::vector<Result> out;
  if (parsed.docs.empty()) return out;
  for (Node r : parsed.docs[0]->Root()["runs"].At(0)["results"].Items()) {
    out.push_back(Result{std::string(r["ruleId"].Str()), std::string(r["baselineState"].Str()),
                         std::string(r["locations"].At(0)["logicalLocations"].At(0)["fullyQualifiedName"].Str()),
                         std::string(r["partialFingerprints"][kFingerprintKey].Str())});
  }
  return out;
}

const char* kAddedProblem = R"(---
apiVersion: apps/v1
kind: Deployment
metadata: {name: newone, namespace: x}
spec:
  selector: {matchLabels: {app: n}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c, image: "nginx:1.27"}]}
)";

TEST(Baseline, OnlyTheAddedProblemIsNewAndTheExitStatusFollows) {
  Workspace ws("baseline");
  std::string original = ReadFile(SourceDir() + "/fixtures/rules/image-latest-tag.yaml");
  std::string input = ws.Write("input.yaml", original);
  std::string base = ws / "base.sarif";
  CommandResult first = RunKora({"analyze", "-f", "sarif", "-o", base, "--fail-on", "never", input});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::vector<Result> before = SarifResults(ReadFile(base));
  ASSERT_GT(before.size(), 5u);
  for (const Result& r : before) EXPECT_EQ(r.state, "") << "no baselineState without a baseline";

  // The same findings, every line moved: nothing is new, nothing fails.
  ws.Write("input.yaml", "# moved down\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"
                         "---\n" + original);
  EXPECT_EQ(RunKora({"analyze", "--fail-on", "warning", input}).exit_code, 1);
  CommandResult moved = RunKora({"analyze", "--baseline", base, "--fail-on", "warning", input});
  EXPECT_EQ(moved.exit_code, 0) << moved.out;
  EXPECT_EQ(moved.out.find("[new]"), std::string::npos) << moved.out;

  // Add a problem: only its findings are new, and an error among them fails.
  ws.Write("input.yaml", "# moved down\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"
                         "---\n" + original + kAddedProblem);
  CommandResult sarif = RunKora({"analyze", "--baseline", base, "-f", "sarif", "--fail-on", "never", input});
  ASSERT_EQ(sarif.exit_code, 0) << sarif.err;
  std::vector<Result> after = SarifResults(sarif.out);
  size_t added = 0, unchanged = 0;
  for (const Result& r : after) {
    if (r.object == "Deployment/x/newone") {
      EXPECT_EQ(r.state, "new") << r.rule;
      ++added;
    } else {
      EXPECT_EQ(r.state, "unchanged") << r.rule << " " << r.object;
      ++unchanged;
    }
  }
  EXPECT_GE(added, 2u);  // the selector mismatch and its container's warnings
  EXPECT_EQ(unchanged, before.size());
  EXPECT_EQ(RunKora({"analyze", "--baseline", base, input}).exit_code, 1);  // a new error
  EXPECT_EQ(RunKora({"analyze", "--baseline", base, "--fail-on", "never", input}).exit_code, 0);

  CommandResult text = RunKora({"analyze", "--baseline", base, input});
  EXPECT_NE(text.out.find("error workload-selector-mismatch [new]"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("warning image-latest-tag [unchanged]"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(fmt::format("Baseline {}: {} new, {} unchanged, 0 absent", base, added, unchanged)),
            std::string::npos)
      << text.out;
  CommandResult json = RunKora({"analyze", "--baseline", base, "-f", "json", input});
  EXPECT_NE(json.out.find("\"baselineState\": \"new\""), std::string::npos);
  EXPECT_NE(json.out.find("\"new\": " + std::to_string(added)), std::string::npos) << json.out;
}

TEST(Baseline, FixedProblemsAreListedAsAbsent) {
  Workspace ws("baseline-absent");
  std::string original = ReadFile(SourceDir() + "/fixtures/rules/image-latest-tag.yaml");
  std::string input = ws.Write("input.yaml", original);
  std::string base = ws / "base.sarif";
  ASSERT_EQ(RunKora({"analyze", "-f", "sarif", "-o", base, "--fail-on", "never", input}).exit_code, 0);
  std::string fixed = original;
  size_t at = fixed.find("nginx:latest");
  ASSERT_NE(at, std::string::npos);
  fixed.replace(at, 12, "nginx:1.27.3");
  ws.Write("input.yaml", fixed);

  CommandResult sarif = RunKora({"analyze", "--baseline", base, "-f", "sarif", "--fail-on", "never", input});
  std::vector<Result> results = SarifResults(sarif.out);
  std::vector<Result> absent;
  for (const Result& r : results) {
    if (r.state == "absent") absent.push_back(r);
  }
  ASSERT_EQ(absent.size(), 1u) << sarif.out;
  EXPECT_EQ(absent[0].rule, "image-latest-tag");
  EXPECT_NE(sarif.out.find("image \\\"nginx:latest\\\" uses the floating :latest tag"), std::string::npos);
  CommandResult text = RunKora({"analyze", "--baseline", base, input});
  EXPECT_NE(text.out.find("image-latest-tag [absent]"), std::string::npos) << text.out;
  // A baseline of this report: the absent result was already gone, so it is
  // not absent again.
  std::string second = ws / "second.sarif";
  ws.Write("second.sarif", sarif.out);
  CommandResult again = RunKora({"analyze", "--baseline", second, "-f", "sarif", "--fail-on", "never", input});
  for (const Result& r : SarifResults(again.out)) EXPECT_EQ(r.state, "unchanged") << r.rule;
}

TEST(Baseline, FindingsSharingAFingerprintAreMatchedOneToOne) {
  Baseline b;
  std::string error;
  ASSERT_TRUE(ParseBaseline(R"({"version": "2.1.0", "runs": [{"results": [
      {"ruleId": "r", "partialFingerprints": {"kora/v1": "f1"}, "message": {"text": "m"}},
      {"ruleId": "r", "partialFingerprints": {"kora/v1": "gone"}, "message": {"text": "old"}, "level": "error"}]}]})",
                            "b.sarif", b, error))
      << error;
  ASSERT_EQ(b.results.size(), 2u);
  LoadResult load = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  std::vector<Finding> findings(2);
  for (Finding& f : findings) {
    f.rule = "r";
    f.loc.file = 0;
    f.message = "same";
  }
  std::string fp = Fingerprint(findings[0], *load.objects, *load.sources);
  b.results[0].fingerprint = fp;
  BaselineComparison c = CompareWithBaseline(b, findings, *load.objects, *load.sources);
  ASSERT_EQ(c.states.size(), 2u);
  EXPECT_EQ(c.states[0], BaselineState::kUnchanged);
  EXPECT_EQ(c.states[1], BaselineState::kNew);
  EXPECT_EQ(c.new_count, 1u);
  ASSERT_EQ(c.absent.size(), 1u);
  EXPECT_EQ(c.absent[0].fingerprint, "gone");
  EXPECT_EQ(c.absent[0].level, "error");
}

TEST(Baseline, BadBaselinesAreUsageErrorsWithAPosition) {
  Workspace ws("baseline-bad");
  std::string input = ws.Write("input.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  struct Case {
    const char* content;
    const char* error;
  };
  for (const Case& c : {Case{"{\"version\": \"2.1.0\",\n  \"runs\": [}", "bad.sarif:2:"},
                        Case{"{\"version\": \"2.0.0\", \"runs\": []}", "not a SARIF 2.1.0 log"},
                        Case{"{\"version\": \"2.1.0\", \"runs\": [{\"results\": [\n  {\"ruleId\": \"x\"}]}]}",
                             "bad.sarif:2:3: a result has no ruleId or no partialFingerprints"},
                        Case{"apiVersion: v1\n", "bad.sarif:1:1"}}) {
    std::string bad = ws.Write("bad.sarif", c.content);
    CommandResult r = RunKora({"analyze", "--baseline", bad, input});
    EXPECT_EQ(r.exit_code, 2) << c.content;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.content << "\n" << r.err;
  }
  CommandResult missing = RunKora({"analyze", "--baseline", ws / "none.sarif", input});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read the baseline"), std::string::npos) << missing.err;
}

// The kora command lines of docs/ci.md, in order.
std::vector<std::string> CiDocCommands() {
  std::istringstream doc(ReadFile(SourceDir() + "/docs/ci.md"));
  std::vector<std::string> commands;
  bool in_code = false;
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("```", 0) == 0) {
      in_code = !in_code;
      continue;
    }
    if (!in_code || line.find("kora analyze") == std::string::npos) continue;
    commands.push_back(line.substr(line.find_first_not_of(' ')));
  }
  return commands;
}

// Runs one command line with bash in dir, the built kora first on PATH.
CommandResult RunInShell(const std::string& dir, const std::string& command) {
  std::string bin = fs::path(KORA_BINARY).parent_path().string();
  std::string script = (fs::path(dir) / ".command.sh").string();
  std::ofstream(script) << "set -e\ncd '" << dir << "'\nexport PATH='" << bin << "':\"$PATH\"\n" << command << "\n";
  std::string out = script + ".out";
  int status = std::system(("bash '" + script + "' > '" + out + "' 2>&1").c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  return r;
}

TEST(CiDoc, TheWorkflowsKoraCommandsRunAsDocumented) {
  std::vector<std::string> commands = CiDocCommands();
  // The baseline, the code scanning report, the gate, the pre-commit hook.
  ASSERT_EQ(commands.size(), 4u) << "docs/ci.md changed: update this test";
  EXPECT_NE(commands[0].find("--format sarif --output ../baseline.sarif"), std::string::npos) << commands[0];
  EXPECT_NE(commands[2].find("--baseline baseline.sarif"), std::string::npos) << commands[2];

  std::string base = ReadFile(SourceDir() + "/fixtures/ci/base-rendered.yaml");
  std::string head = ReadFile(SourceDir() + "/fixtures/ci/head-rendered.yaml");
  for (bool adds_error : {true, false}) {
    Workspace ws(adds_error ? "ci-doc-error" : "ci-doc-clean");
    ws.Write("base/rendered.yaml", base);
    ws.Write("rendered.yaml", adds_error ? head : base);

    CommandResult baseline = RunInShell(ws.path(), commands[0]);
    ASSERT_EQ(baseline.exit_code, 0) << commands[0] << "\n" << baseline.out;
    ASSERT_TRUE(fs::exists(ws / "baseline.sarif"));

    CommandResult report = RunInShell(ws.path(), commands[1]);
    ASSERT_EQ(report.exit_code, 0) << commands[1] << "\n" << report.out;
    std::vector<Result> results = SarifResults(ReadFile(ws / "kora.sarif"));
    EXPECT_FALSE(results.empty());
    for (const Result& r : results) EXPECT_EQ(r.state, "") << "the uploaded report has no baseline states";

    CommandResult gate = RunInShell(ws.path(), commands[2]);
    if (adds_error) {
      EXPECT_EQ(gate.exit_code, 1) << gate.out;
      EXPECT_NE(gate.out.find("error workload-selector-mismatch [new]"), std::string::npos) << gate.out;
      EXPECT_NE(gate.out.find("warning image-latest-tag [unchanged]"), std::string::npos) << gate.out;
    } else {
      EXPECT_EQ(gate.exit_code, 0) << gate.out;
      EXPECT_EQ(gate.out.find("[new]"), std::string::npos) << gate.out;
    }

    // The pre-commit hook's command, on the same rendered chart plus k8s/.
    ws.Write(".git/kora-rendered.yaml", adds_error ? head : base);
    ws.Write("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: shop}\n");
    CommandResult hook = RunInShell(ws.path(), commands[3]);
    EXPECT_EQ(hook.exit_code, adds_error ? 1 : 0) << commands[3] << "\n" << hook.out;
  }
}

}  // namespace
}  // namespace kora::test
