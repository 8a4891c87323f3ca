// Replicated troubleshoot support bundles read as they are: every Kubernetes
// file of the corpus bundle gives the objects counts.tsv lists, the files
// that hold no objects are skipped and counted by reason, and every file of
// the bundle is accounted for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analyzer/text_evidence.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBundle = "support-bundles/troubleshoot-testdata-support-bundle";

struct Row {
  std::string path;  // relative to the corpus
  size_t objects = 0;
  std::map<std::string, size_t> kinds;  // "(none)" for items without a kind
};

std::vector<Row> BundleRows() {
  std::vector<Row> out;
  std::istringstream in(ReadFile(CorpusDir() + "/counts.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.rfind(kBundle, 0) != 0) continue;
    std::istringstream cols(line);
    Row r;
    std::string objects, kinds;
    std::getline(cols, r.path, '\t');
    std::getline(cols, objects, '\t');
    std::getline(cols, kinds, '\t');
    r.objects = std::stoul(objects);
    std::istringstream ks(kinds);
    std::string item;
    while (std::getline(ks, item, ',')) {
      std::istringstream kv(item);
      std::string kind;
      size_t n = 0;
      kv >> kind >> n;
      if (!kind.empty()) r.kinds[kind] = n;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string BundleRoot() { return CorpusDir() + "/" + kBundle + "/support-bundle"; }

class SupportBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(BundleRoot())) GTEST_SKIP() << "no corpus bundle at " << BundleRoot();
  }
};

TEST_F(SupportBundle, TheDirectoryIsRecognised) {
  EXPECT_TRUE(IsSupportBundleRoot(BundleRoot()));
  EXPECT_FALSE(IsSupportBundleRoot(BundleRoot() + "/cluster-resources"));
  std::string canonical = fs::weakly_canonical(BundleRoot()).string();
  EXPECT_EQ(fs::weakly_canonical(FindSupportBundleRoot(BundleRoot() + "/cluster-resources/pods")).string(), canonical);
  EXPECT_EQ(fs::weakly_canonical(FindSupportBundleRoot(BundleRoot() + "/cluster-resources/pods/default.json")).string(),
            canonical);
  EXPECT_EQ(FindSupportBundleRoot(SourceDir() + "/fixtures/text"), "");
}

TEST_F(SupportBundle, EveryCountsRowLoadsAsListed) {
  std::vector<Row> rows = BundleRows();
  ASSERT_EQ(rows.size(), 83u);
  Loader loader;
  loader.AddPath(CorpusDir() + "/" + kBundle);
  LoadResult r = loader.Finish();

  // Not one finding: no invalid-object, no parse error.
  for (const LoadProblem& p : r.problems) {
    ADD_FAILURE() << r.sources->file(p.file).path << ":" << p.span.begin.line << ": " << p.message;
  }

  // Objects per file, by kind.
  std::map<std::string, std::map<std::string, size_t>> by_file;
  for (const Object& o : r.objects->all()) {
    std::string path = fs::path(r.sources->file(o.file).path).lexically_relative(CorpusDir()).generic_string();
    by_file[path][std::string(o.kind)]++;
  }
  std::set<std::string> read_files;
  for (size_t i = 0; i < r.sources->size(); ++i) {
    read_files.insert(fs::path(r.sources->file(static_cast<FileId>(i)).path).lexically_relative(CorpusDir()).generic_string());
  }

  size_t metadata = 0;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.path);
    std::string rel = row.path.substr(std::string(kBundle).size() + std::string("/support-bundle/").size());
    std::string_view why = ClassifySupportBundleFile(rel);
    if (row.kinds.count("(none)") || row.kinds.count("APIResourceList") || row.kinds.count("SupportBundle")) {
      if (rel == "cluster-resources/custom-resource-definitions.json") {
        // A List without apiVersion and kind whose items carry none either:
        // troubleshoot strips TypeMeta. The items are the cluster's CRDs.
        EXPECT_EQ(why, "");
        LoadResult alone = LoadText(ReadFile(CorpusDir() + "/" + row.path), "crds.json");
        EXPECT_EQ(alone.objects->size(), 0u);  // outside a bundle: a kindless document,
        EXPECT_EQ(alone.problems.size(), 1u);  // reported as invalid
        std::map<std::string, size_t> expected{{"CustomResourceDefinition", 12}};
        EXPECT_EQ(by_file[row.path], expected);
        continue;
      }
      // Analysis results, version, API discovery, RBAC self-review: metadata.
      EXPECT_EQ(why, "support-bundle-metadata");
      EXPECT_EQ(read_files.count(row.path), 0u);
      EXPECT_EQ(by_file.count(row.path), 0u);
      ++metadata;
      continue;
    }
    EXPECT_EQ(why, "");
    EXPECT_EQ(read_files.count(row.path), 1u);
    std::map<std::string, size_t> got = by_file.count(row.path) ? by_file[row.path] : std::map<std::string, size_t>{};
    EXPECT_EQ(got, row.kinds);
    size_t total = 0;
    for (const auto& [k, n] : got) total += n;
    EXPECT_EQ(total, row.objects);
  }
  EXPECT_EQ(metadata, 9u);
  EXPECT_EQ(r.stats.skipped.at("support-bundle-metadata"), metadata);
}

TEST_F(SupportBundle, EveryFileIsAccountedFor) {
  size_t files = 0, logs = 0;
  for (const auto& e : fs::recursive_directory_iterator(BundleRoot())) {
    if (!e.is_regular_file()) continue;
    ++files;
    std::string rel = fs::path(e.path()).lexically_relative(BundleRoot()).generic_string();
    if (rel.rfind("cluster-resources/pods/logs/", 0) == 0) ++logs;
  }
  ASSERT_GT(logs, 0u);
  Loader loader;
  loader.AddPath(BundleRoot());
  LoadResult r = loader.Finish();
  EXPECT_EQ(r.stats.skipped.at("pod-log"), logs);
  uint64_t skipped = 0;
  for (const auto& [why, n] : r.stats.skipped) skipped += n;
  EXPECT_EQ(r.stats.files_read + skipped, files);
  EXPECT_EQ(r.stats.skipped.count("extension"), 0u);
}

TEST_F(SupportBundle, PartsOfABundleAreStillABundle) {
  // The cluster-resources folder alone: its pod logs are still pod logs.
  Loader loader;
  loader.AddPath(BundleRoot() + "/cluster-resources");
  LoadResult r = loader.Finish();
  EXPECT_TRUE(r.problems.empty());
  EXPECT_GT(r.stats.skipped.at("pod-log"), 0u);
  EXPECT_EQ(r.stats.skipped.count("not-evidence"), 0u);
  // A metadata file named on its own is still skipped, not an invalid object.
  Loader one;
  one.AddPath(BundleRoot() + "/version.yaml");
  LoadResult v = one.Finish();
  EXPECT_TRUE(v.problems.empty());
  EXPECT_EQ(v.objects->size(), 0u);
  EXPECT_EQ(v.stats.skipped.at("support-bundle-metadata"), 1u);
}

// Older troubleshoot versions wrote the items of typed lists as bare arrays,
// without apiVersion and kind, next to <kind>-errors.json files.
TEST(SupportBundleLayout, ItemsWithoutTypeMetaGetTheirKindFromTheirPlace) {
  fs::path dir = fs::temp_directory_path() / ("kora-old-bundle-" + std::to_string(::getpid()));
  fs::create_directories(dir / "cluster-resources/pods/logs/default/web-1");
  fs::create_directories(dir / "cluster-resources/deployments");
  fs::create_directories(dir / "cluster-info");
  fs::create_directories(dir / "secrets/default/db");
  auto write = [&](const std::string& rel, const std::string& text) {
    std::ofstream(dir / rel, std::ios::binary) << text;
  };
  write("version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec: {versionNumber: v0.9.0}\n");
  write("cluster-info/cluster_version.json", "{\"string\": \"v1.16.3\"}");
  write("cluster-resources/pods/default.json",
        "[\n  {\"metadata\": {\"name\": \"web-1\", \"namespace\": \"default\"}, \"spec\": {\"containers\": []}}\n]\n");
  write("cluster-resources/deployments/default.json",
        "[{\"metadata\": {\"name\": \"web\", \"namespace\": \"default\"}, \"spec\": {}}]");
  write("cluster-resources/nodes.json", "[{\"metadata\": {\"name\": \"node-1\"}, \"status\": {}}]");
  write("cluster-resources/pods-errors.json", "[\"pods is forbidden: User cannot list pods in kube-system\"]");
  write("cluster-resources/pods/logs/default/web-1/web.log", "panic: boom\n");
  write("secrets/default/db/password.json", "{\"namespace\":\"default\",\"name\":\"db\",\"key\":\"password\"}");
  Loader loader;
  loader.AddPath(dir.string());
  LoadResult r = loader.Finish();
  fs::remove_all(dir);
  for (const LoadProblem& p : r.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(r.objects->size(), 3u);
  std::map<std::string, std::string> kinds;
  for (const Object& o : r.objects->all()) kinds[std::string(o.name)] = std::string(o.kind) + " " + std::string(o.api_version);
  EXPECT_EQ(kinds["web-1"], "Pod v1");
  EXPECT_EQ(kinds["web"], "Deployment apps/v1");
  EXPECT_EQ(kinds["node-1"], "Node v1");
  EXPECT_EQ(r.stats.skipped.at("support-bundle-metadata"), 4u);  // version, cluster-info, errors, secret record
  EXPECT_EQ(r.stats.skipped.at("pod-log"), 1u);
}

TEST(SupportBundleLayout, OutsideABundleNothingIsInferred) {
  // The same kindless array elsewhere is what it is: not objects.
  LoadResult r = LoadText("[{\"metadata\": {\"name\": \"web-1\"}}]", "default.json");
  EXPECT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::kInvalidObject);
}

TEST(SupportBundleLayout, Classification) {
  EXPECT_EQ(ClassifySupportBundleFile("cluster-resources/pods/logs/ns/pod/c-previous.log"), "pod-log");
  EXPECT_EQ(ClassifySupportBundleFile("analysis.json"), "support-bundle-metadata");
  EXPECT_EQ(ClassifySupportBundleFile("cluster-resources/auth-cani-list/default.json"), "support-bundle-metadata");
  EXPECT_EQ(ClassifySupportBundleFile("cluster-resources/image-pull-secrets/default/regcred.json"),
            "support-bundle-metadata");
  EXPECT_EQ(ClassifySupportBundleFile("cluster-resources/events-errors.json"), "support-bundle-metadata");
  EXPECT_EQ(ClassifySupportBundleFile("cluster-resources/pods/default.json"), "");
  EXPECT_EQ(ClassifySupportBundleFile("cluster-resources/custom-resources/x.y/default.yaml"), "");
  EXPECT_FALSE(InferSupportBundleType("cluster-resources/custom-resources/helmcharts.helm.cattle.io/kube-system.yaml"));
  EXPECT_FALSE(InferSupportBundleType("cluster-resources/pods/logs/default/web-1/web.json"));
  EXPECT_EQ(InferSupportBundleType("cluster-resources/pvcs/default.json")->kind, "PersistentVolumeClaim");
  EXPECT_EQ(InferSupportBundleType("cluster-resources/clusterRoleBindings.json")->api_version,
            "rbac.authorization.k8s.io/v1");
}

}  // namespace
}  // namespace kora::test
