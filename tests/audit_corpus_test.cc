// The audit-pack rules on real install bundles and Helm charts that work:
// the default profile must report no error there (each error was reviewed
// when the rules were written; a new one is a false positive until shown
// otherwise), and the API-version rules must stay silent at the newest target.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

// The rules of this pack whose findings are errors.
const char* const kErrorRules[] = {
    "api-version-removed",   "duplicate-mount-path",     "duplicate-name",          "hpa-replicas-invalid",
    "invalid-annotation",    "invalid-label",            "invalid-name",            "job-restart-policy-invalid",
    "probe-port-missing",    "quantity-invalid",         "resource-request-exceeds-limit",
    "topology-spread-invalid", "volume-mount-missing-volume", "workload-selector-missing"};

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> out;
  for (const char* dir : {"install-manifests", "helm-template"}) {
    fs::path p = fs::path(CorpusDir()) / dir;
    if (!fs::exists(p)) continue;
    for (const auto& entry : fs::directory_iterator(p)) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AuditPackCorpus, DefaultProfileReportsNoErrorOnWorkingManifests) {
  std::vector<std::string> files = CorpusFiles();
  ASSERT_GE(files.size(), 13u) << "the shared corpus is missing at " << CorpusDir();
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    Analysis a = Analyze({file}, AnalysisOptions{});
    for (const char* rule : kErrorRules) {
      for (const Finding* f : Of(a, rule)) {
        ADD_FAILURE() << rule << " at line " << f->loc.span.begin.line << ": " << f->message;
      }
    }
  }
}

TEST(AuditPackCorpus, ErrorRulesFireOnTheMalformedArgoExamples) {
  // Argo Rollouts keeps rollouts that must fail validation; kora agrees.
  std::string path = CorpusDir() + "/argo/argo-rollouts-e2e-expectedfailures/malformed-rollout.yaml";
  ASSERT_TRUE(fs::exists(path));
  Analysis a = Analyze({path});
  ASSERT_EQ(Of(a, "quantity-invalid").size(), 1u);
  EXPECT_NE(Of(a, "quantity-invalid")[0]->message.find("\"invalid\" is not a quantity"), std::string::npos);
}

}  // namespace
}  // namespace kora::test
