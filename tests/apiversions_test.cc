// The deprecated-API table (analyzer/data/api-versions.tsv): it is compiled in
// unchanged, every row is well formed, it agrees with the Kubernetes
// deprecated-API migration guide on the facts users rely on, and the target
// version arithmetic follows replacement chains.
#include "analyzer/apiversions.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

TEST(ApiVersions, CompiledTableIsTheDataFile) {
  EXPECT_EQ(std::string(ApiVersionTableSource()), ReadFile(SourceDir() + "/analyzer/data/api-versions.tsv"));
  EXPECT_EQ(std::string(ApiVersionTableSource()).find(")kora_tsv\""), std::string::npos);
}

TEST(ApiVersions, EveryRowIsWellFormed) {
  EXPECT_TRUE(ApiVersionTableErrors().empty()) << ApiVersionTableErrors().front();
  size_t data_lines = 0;
  std::istringstream in{std::string(ApiVersionTableSource())};
  for (std::string line; std::getline(in, line);) data_lines += !line.empty() && line[0] != '#';
  ASSERT_EQ(ApiVersionTable().size() + 1, data_lines) << "every line but the header is a row";
  EXPECT_EQ(ApiVersionTable().size(), 50u);

  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const ApiVersionInfo& row : ApiVersionTable()) {
    SCOPED_TRACE(std::string(row.api_version) + " " + std::string(row.kind));
    EXPECT_TRUE(seen.emplace(row.api_version, row.kind).second) << "listed twice";
    EXPECT_NE(row.api_version.find('/'), std::string_view::npos);
    EXPECT_NE(row.api_version.find("beta"), std::string_view::npos) << "only beta versions were removed";
    EXPECT_GE(row.removed_in, 16);
    EXPECT_LE(row.removed_in, NewestKubeMinor());
    if (row.deprecated_in) EXPECT_LT(row.deprecated_in, row.removed_in);
    EXPECT_NE(row.replacement, row.api_version);
    EXPECT_NE(row.changes, "none");
  }
}

TEST(ApiVersions, AgreesWithTheMigrationGuide) {
  EXPECT_EQ(NewestKubeMinor(), 32);  // the guide's newest section: v1.32 flowcontrol v1beta3
  struct Fact {
    const char* api_version;
    const char* kind;
    int removed_in;
    const char* replacement;
  };
  for (const Fact& fact : {Fact{"extensions/v1beta1", "Ingress", 22, "networking.k8s.io/v1"},
                           Fact{"networking.k8s.io/v1beta1", "Ingress", 22, "networking.k8s.io/v1"},
                           Fact{"extensions/v1beta1", "Deployment", 16, "apps/v1"},
                           Fact{"apps/v1beta2", "DaemonSet", 16, "apps/v1"},
                           Fact{"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 22, "apiextensions.k8s.io/v1"},
                           Fact{"rbac.authorization.k8s.io/v1beta1", "ClusterRole", 22, "rbac.authorization.k8s.io/v1"},
                           Fact{"batch/v1beta1", "CronJob", 25, "batch/v1"},
                           Fact{"policy/v1beta1", "PodDisruptionBudget", 25, "policy/v1"},
                           Fact{"policy/v1beta1", "PodSecurityPolicy", 25, ""},
                           Fact{"autoscaling/v2beta2", "HorizontalPodAutoscaler", 26, "autoscaling/v2"},
                           Fact{"storage.k8s.io/v1beta1", "CSIStorageCapacity", 27, "storage.k8s.io/v1"},
                           Fact{"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 29, "flowcontrol.apiserver.k8s.io/v1"},
                           Fact{"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 32,
                                "flowcontrol.apiserver.k8s.io/v1"}}) {
    SCOPED_TRACE(std::string(fact.api_version) + " " + fact.kind);
    const ApiVersionInfo* row = FindApiVersion(fact.api_version, fact.kind);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->removed_in, fact.removed_in);
    EXPECT_EQ(row->replacement, fact.replacement);
  }
  const ApiVersionInfo* ingress = FindApiVersion("extensions/v1beta1", "Ingress");
  EXPECT_NE(ingress->changes.find("`serviceName` -> `service.name`"), std::string_view::npos);
  EXPECT_NE(ingress->changes.find("pathType"), std::string_view::npos);
  EXPECT_EQ(FindApiVersion("batch/v1beta1", "CronJob")->deprecated_in, 21);
  EXPECT_EQ(FindApiVersion("networking.k8s.io/v1", "Ingress"), nullptr);
  EXPECT_EQ(FindApiVersion("extensions/v1beta1", "Scale"), nullptr);
}

TEST(ApiVersions, ReplacementChainsEndAtAServedVersion) {
  for (const ApiVersionInfo& row : ApiVersionTable()) {
    Migration m = MigrationAt(row, NewestKubeMinor());
    ASSERT_FALSE(m.steps.empty());
    EXPECT_LT(m.steps.size(), 4u) << row.api_version << " " << row.kind;
    if (!m.api_version.empty()) {
      const ApiVersionInfo* target = FindApiVersion(m.api_version, row.kind);
      EXPECT_TRUE(target == nullptr || target->removed_in > NewestKubeMinor())
          << row.api_version << " " << row.kind << " migrates to removed " << m.api_version;
    }
  }
  // flowcontrol v1beta1 names v1beta2, itself removed in 1.29.
  const ApiVersionInfo& v1beta1 = *FindApiVersion("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema");
  EXPECT_EQ(MigrationAt(v1beta1, 26).api_version, "flowcontrol.apiserver.k8s.io/v1beta2");
  EXPECT_EQ(MigrationAt(v1beta1, 29).api_version, "flowcontrol.apiserver.k8s.io/v1");
  EXPECT_EQ(MigrationAt(v1beta1, 29).steps.size(), 2u);
  // PodSecurityPolicy moved to policy/v1beta1 in 1.16, which has no successor.
  const ApiVersionInfo& psp = *FindApiVersion("extensions/v1beta1", "PodSecurityPolicy");
  EXPECT_EQ(MigrationAt(psp, 20).api_version, "policy/v1beta1");
  EXPECT_EQ(MigrationAt(psp, 25).api_version, "");
}

TEST(ApiVersions, ParsesKubernetesVersions) {
  EXPECT_EQ(ParseKubeVersion("1.29"), 29);
  EXPECT_EQ(ParseKubeVersion("v1.29"), 29);
  EXPECT_EQ(ParseKubeVersion("1.29.3"), 29);
  EXPECT_EQ(ParseKubeVersion("1.8"), 8);
  for (const char* bad : {"", "1", "1.", "2.1", "1.x", "1.29.", "1.29.a", "129", "v", "1.29-rc.1", "1.-3"}) {
    EXPECT_FALSE(ParseKubeVersion(bad).has_value()) << bad;
  }
  EXPECT_EQ(KubeVersionName(32), "1.32");
}

TEST(ApiVersions, TargetVersionDecidesRemovedOrDeprecated) {
  const std::string cronjob = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: r, namespace: x}\n"
                              "spec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n"
                              "        spec:\n          restartPolicy: OnFailure\n"
                              "          containers: [{name: r, image: 'r:1'}]\n";
  auto count = [&](const std::string& version, std::string_view rule) {
    AnalysisOptions options = AllRulesOptions();
    options.kube_version = version;
    return Of(AnalyzeText(cronjob, options), rule).size();
  };
  EXPECT_EQ(count("1.20", "api-version-deprecated"), 0u);  // deprecated in 1.21
  EXPECT_EQ(count("1.21", "api-version-deprecated"), 1u);
  EXPECT_EQ(count("1.24", "api-version-deprecated"), 1u);
  EXPECT_EQ(count("1.24", "api-version-removed"), 0u);
  EXPECT_EQ(count("1.25", "api-version-removed"), 1u);  // removed in 1.25
  EXPECT_EQ(count("1.25", "api-version-deprecated"), 0u);
  EXPECT_EQ(count("", "api-version-removed"), 1u);  // the default: the newest known
}

TEST(ApiVersions, KubeVersionOptionIsValidated) {
  const std::string input = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n";
  EXPECT_EQ(RunKora({"analyze", "--kube-version", "1.21", "-"}, input).exit_code, 0);
  CommandResult bad = RunKora({"analyze", "--kube-version", "latest", "-"}, input);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--kube-version"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace kora::test
