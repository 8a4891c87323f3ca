// Real public manifests from ../shared/corpus: every file loads with the
// object counts and kinds listed in counts.tsv and without load errors; the
// malformed file is reported with its line and the rest still loads.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

struct Expected {
  std::string path;
  std::string objects;  // a number, or "malformed"
  std::map<std::string, size_t> kinds;
};

std::vector<Expected> ReadCounts() {
  std::vector<Expected> out;
  std::istringstream in(ReadFile(CorpusDir() + "/counts.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream cols(line);
    Expected e;
    std::string kinds;
    std::getline(cols, e.path, '\t');
    std::getline(cols, e.objects, '\t');
    std::getline(cols, kinds, '\t');
    if (e.objects != "malformed") {
      std::istringstream ks(kinds);
      std::string item;
      while (std::getline(ks, item, ',')) {
        std::istringstream kv(item);
        std::string kind;
        size_t n = 0;
        kv >> kind >> n;
        if (!kind.empty()) e.kinds[kind] = n;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Folders whose files are plain Kubernetes objects (support bundles are
// covered by the evidence tests).
bool InScope(const std::string& path) {
  for (const char* prefix : {"install-manifests/", "helm-template/", "argo/", "events/", "kubectl-dumps/"}) {
    if (path.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(Corpus, CountsFileIsPresent) {
  ASSERT_TRUE(std::filesystem::exists(CorpusDir() + "/counts.tsv"))
      << "the shared corpus is missing at " << CorpusDir() << " (set KORA_CORPUS)";
  size_t n = 0;
  for (const auto& e : ReadCounts()) n += InScope(e.path);
  EXPECT_GT(n, 150u);
}

TEST(Corpus, EveryFileLoadsWithExpectedObjects) {
  for (const Expected& e : ReadCounts()) {
    if (!InScope(e.path)) continue;
    SCOPED_TRACE(e.path);
    Loader loader;
    loader.AddPath(CorpusDir() + "/" + e.path);
    LoadResult r = loader.Finish();
    std::vector<const LoadProblem*> errors;
    for (const auto& p : r.problems) errors.push_back(&p);
    if (e.objects == "malformed") {
      ASSERT_FALSE(errors.empty());
      EXPECT_EQ(errors[0]->kind, ProblemKind::kParse);
      EXPECT_GT(errors[0]->span.begin.line, 1u);
      EXPECT_FALSE(errors[0]->excerpt.empty());
      continue;
    }
    for (const auto* p : errors) ADD_FAILURE() << "line " << p->span.begin.line << ": " << p->message;
    EXPECT_EQ(std::to_string(r.objects->size()), e.objects);
    std::map<std::string, size_t> kinds;
    for (const Object& o : r.objects->all()) kinds[std::string(o.kind)]++;
    EXPECT_EQ(kinds, e.kinds);
  }
}

// The install bundles in one run: one set of objects across all files.
TEST(Corpus, InstallManifestsTogether) {
  Analysis a = Analyze({CorpusDir() + "/install-manifests", CorpusDir() + "/helm-template"});
  size_t expected = 0;
  for (const Expected& e : ReadCounts()) {
    if (e.path.rfind("install-manifests/", 0) == 0 || e.path.rfind("helm-template/", 0) == 0) {
      expected += std::stoul(e.objects);
    }
  }
  EXPECT_EQ(a.load.objects->size(), expected);
  EXPECT_TRUE(Of(a, "load-error").empty());
  EXPECT_TRUE(Of(a, "invalid-object").empty());
  EXPECT_TRUE(Of(a, "duplicate-key").empty());
}

}  // namespace
}  // namespace kora::test
