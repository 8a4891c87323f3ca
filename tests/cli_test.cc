// The kora binary end to end: commands, stdin, exit codes, formats.
#include <gtest/gtest.h>

#include "analyzer/apiversions.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

const char* kClean = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: x}
)";

const char* kBroken = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c, image: nginx}]}
)";

TEST(Cli, VersionAndHelp) {
  CommandResult r = RunKora({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "kora " KORA_VERSION "\ndefault --kube-version: " + KubeVersionName(NewestKubeMinor()) +
                       " (the newest Kubernetes release in kora's deprecated-API table)\n");
  EXPECT_EQ(RunKora({"--help"}).exit_code, 0);
  EXPECT_EQ(RunKora({}).exit_code, 2);
  EXPECT_EQ(RunKora({"analyze", "--format", "yaml"}).exit_code, 2);
  EXPECT_EQ(RunKora({"analyze", "--enable", "no-such-rule", "-"}, kClean).exit_code, 2);
}

TEST(Cli, ExitCodesFollowFailOn) {
  EXPECT_EQ(RunKora({"analyze", "-"}, kClean).exit_code, 0);
  CommandResult bad = RunKora({"analyze", "-"}, kBroken);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("<stdin>:5:3 error workload-selector-mismatch"), std::string::npos) << bad.out;
  EXPECT_EQ(RunKora({"analyze", "--fail-on", "never", "-"}, kBroken).exit_code, 0);
  // Only warnings: fail with --fail-on warning, not by default.
  const char* warn = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\n"
                     "spec: {containers: [{name: c, image: nginx}]}\n";
  EXPECT_EQ(RunKora({"analyze", "-"}, warn).exit_code, 0);
  EXPECT_EQ(RunKora({"analyze", "--fail-on", "warning", "-"}, warn).exit_code, 1);
}

TEST(Cli, NothingToReadIsAUsageError) {
  CommandResult missing = RunKora({"analyze", "/nonexistent/file.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read /nonexistent/file.yaml"), std::string::npos);
  CommandResult empty = RunKora({"analyze", "-"}, "");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no Kubernetes objects"), std::string::npos);
  // Stdin is the default input.
  EXPECT_EQ(RunKora({"analyze"}, kBroken).exit_code, 1);
}

TEST(Cli, TextHasNoColourOffATerminalAndJsonIsComplete) {
  CommandResult text = RunKora({"analyze", "-"}, kBroken);
  EXPECT_EQ(text.out.find("\x1b["), std::string::npos);
  CommandResult forced = RunKora({"analyze", "--color", "always", "-"}, kBroken);
  EXPECT_NE(forced.out.find("\x1b["), std::string::npos);
  CommandResult no_color = RunKora({"analyze", "--color", "auto", "-"}, kBroken, "NO_COLOR=1");
  EXPECT_EQ(no_color.out.find("\x1b["), std::string::npos);
  CommandResult json = RunKora({"analyze", "-f", "json", "-"}, kBroken);
  EXPECT_NE(json.out.find("\"schemaVersion\": 1"), std::string::npos);
  EXPECT_NE(json.out.find("\"ruleId\": \"workload-selector-mismatch\""), std::string::npos);
  EXPECT_NE(json.out.find("\"startLine\": 5"), std::string::npos);
  EXPECT_NE(json.out.find("\"endLine\": 5"), std::string::npos);
}

TEST(Cli, RulesExplainAndGraph) {
  CommandResult rules = RunKora({"rules"});
  EXPECT_EQ(rules.exit_code, 0);
  for (const auto& r : AllRules()) EXPECT_NE(rules.out.find(std::string(r->info().id)), std::string::npos);
  CommandResult explain = RunKora({"explain", "image-pull-policy-never"});
  EXPECT_EQ(explain.exit_code, 0);
  EXPECT_NE(explain.out.find("ErrImageNeverPull"), std::string::npos);
  EXPECT_EQ(RunKora({"explain", "nope"}).exit_code, 2);
  CommandResult dot = RunKora({"graph", "-"}, kBroken);
  EXPECT_EQ(dot.exit_code, 0);
  EXPECT_NE(dot.out.find("digraph"), std::string::npos);
  CommandResult json = RunKora({"graph", "-f", "json", "-"}, kBroken);
  EXPECT_NE(json.out.find("\"edges\""), std::string::npos);
}

TEST(Cli, RuleOptionsTakeOneIdSoPathsStayPaths) {
  std::string fixture = SourceDir() + "/fixtures/rules/image-latest-tag.yaml";
  CommandResult r = RunKora({"analyze", "--disable", "image-latest-tag", "--disable", "readiness-probe-missing", fixture});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("image-latest-tag "), std::string::npos);
  CommandResult none = RunKora({"analyze", "--disable", "all", "--enable", "image-latest-tag", fixture});
  EXPECT_NE(none.out.find("image-latest-tag "), std::string::npos);
  EXPECT_EQ(none.out.find("container-resources-missing "), std::string::npos);
}

TEST(Cli, OutputFileAndNamespace) {
  std::string out = testing::TempDir() + "/kora-out.json";
  CommandResult r = RunKora({"analyze", "-f", "json", "-o", out, "-n", "team", "-"},
                            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(ReadFile(out).find("\"namespace\": \"team\""), std::string::npos);
}

}  // namespace
}  // namespace kora::test
