// The loader: positions, streams, Lists, Helm sources, namespaces and every
// kind of bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

const Object* FindObj(const LoadResult& r, std::string_view kind, std::string_view name) {
  for (const Object& o : r.objects->all()) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

TEST(Loader, YamlPositionsAreExactForKeysAndValues) {
  LoadResult r = LoadText(
      "apiVersion: v1\n"
      "kind: Pod\n"
      "metadata:\n"
      "  name: web   # trailing comment\n"
      "spec:\n"
      "  containers:\n"
      "  - name: c\n"
      "    image: \"nginx:1.27\"\n"
      "    args: ['a', \"b c\", plain]\n");
  ASSERT_EQ(r.objects->size(), 1u);
  const Object& o = (*r.objects)[0];
  Node name = o.Metadata()["name"];
  EXPECT_EQ(name.Str(), "web");
  EXPECT_EQ(name.span(), (Span{{4, 9}, {4, 12}}));
  EXPECT_EQ(name.FieldSpan(), (Span{{4, 3}, {4, 12}}));
  Node image = o.Spec()["containers"].At(0)["image"];
  EXPECT_EQ(image.Str(), "nginx:1.27");
  EXPECT_TRUE(image.quoted());
  EXPECT_EQ(image.span(), (Span{{8, 12}, {8, 24}}));
  Node args = o.Spec()["containers"].At(0)["args"];
  ASSERT_EQ(args.Size(), 3u);
  EXPECT_EQ(args.At(1).Str(), "b c");
  EXPECT_EQ(args.At(1).span(), (Span{{9, 17}, {9, 22}}));
  EXPECT_EQ(args.span(), (Span{{9, 11}, {9, 30}}));
  EXPECT_EQ(o.Root().span().begin, (Mark{1, 1}));
}

TEST(Loader, BlockScalarsSpanTheirLines) {
  LoadResult r = LoadText(
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata: {name: c}\n"
      "data:\n"
      "  script: |\n"
      "    echo one\n"
      "\n"
      "    echo two\n"
      "  folded: >-\n"
      "    a\n"
      "    b\n"
      "  plain: multi\n"
      "    line value\n"
      "  after: x\n");
  const Object& o = (*r.objects)[0];
  EXPECT_EQ(o.Root()["data"]["script"].Str(), "echo one\n\necho two\n");
  EXPECT_EQ(o.Root()["data"]["script"].span(), (Span{{5, 11}, {8, 13}}));
  EXPECT_EQ(o.Root()["data"]["folded"].span(), (Span{{9, 11}, {11, 6}}));
  EXPECT_EQ(o.Root()["data"]["plain"].Str(), "multi line value");
  EXPECT_EQ(o.Root()["data"]["plain"].span(), (Span{{12, 10}, {13, 15}}));
  EXPECT_EQ(o.Root()["data"]["after"].span().begin, (Mark{14, 10}));
}

TEST(Loader, ColumnsCountCodePoints) {
  LoadResult r = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, annotations: {é: ü, x: y}}\n");
  Node x = (*r.objects)[0].Annotations()["x"];
  EXPECT_EQ(x.FieldSpan(), (Span{{3, 41}, {3, 45}}));
}

TEST(Loader, ScalarTypesFollowKubernetesYaml) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
      "data: {a: yes, b: \"yes\", c: 8080, d: '8080', e: 1.5, f: ~, g: 0x1F, h: on}\n");
  Node d = (*r.objects)[0].Root()["data"];
  EXPECT_EQ(d["a"].tag(), ScalarTag::kBool);
  EXPECT_EQ(d["b"].tag(), ScalarTag::kString);
  EXPECT_EQ(d["c"].tag(), ScalarTag::kInt);
  EXPECT_EQ(d["c"].Int(), 8080);
  EXPECT_EQ(d["d"].tag(), ScalarTag::kString);
  EXPECT_EQ(d["e"].tag(), ScalarTag::kFloat);
  EXPECT_TRUE(d["f"].IsNull());
  EXPECT_EQ(d["g"].Int(), 31);
  EXPECT_EQ(d["h"].tag(), ScalarTag::kBool);
}

TEST(Loader, MultiDocumentStreamsAndEmptyDocuments) {
  LoadResult r = LoadText(
      "---\n# nothing here\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n...\n---\n~\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 2u);
  EXPECT_EQ((*r.objects)[1].span().begin.line, 9u);
}

TEST(Loader, ListsAreFlattenedKeepingPositions) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
      "- apiVersion: v1\n  kind: PodList\n  items:\n"
      "  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n");
  ASSERT_EQ(r.objects->size(), 2u);
  const Object* cm = FindObj(r, "ConfigMap", "a");
  const Object* pod = FindObj(r, "Pod", "p");
  ASSERT_TRUE(cm && pod);
  EXPECT_TRUE(cm->from_list);
  EXPECT_EQ(cm->span().begin, (Mark{4, 3}));
  EXPECT_EQ(pod->span().begin, (Mark{10, 5}));
}

TEST(Loader, JsonObjectsArraysAndLists) {
  LoadResult r = LoadText(
      "{\"apiVersion\": \"v1\", \"kind\": \"PodList\", \"items\": [\n"
      "  {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\", \"namespace\": \"x\"}},\n"
      "  {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}\n]}\n",
      "pods.json");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.objects->size(), 2u);
  const Object* a = FindObj(r, "Pod", "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->span().begin, (Mark{2, 3}));
  EXPECT_EQ(a->ns, "x");
  Node name = a->Metadata()["name"];
  EXPECT_EQ(name.FieldSpan(), (Span{{2, 52}, {2, 63}}));
  EXPECT_EQ(FindObj(r, "Pod", "b")->ns, "default");

  LoadResult arr = LoadText("[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}]", "a.json");
  EXPECT_EQ(arr.objects->size(), 1u);
  // Numbers keep their type; JSON strings never turn into booleans.
  LoadResult types = LoadText(
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"x\":{\"n\":8080,\"s\":\"yes\","
      "\"f\":1.5,\"b\":true,\"z\":null}}",
      "t.json");
  Node x = (*types.objects)[0].Root()["x"];
  EXPECT_EQ(x["n"].Int(), 8080);
  EXPECT_EQ(x["s"].tag(), ScalarTag::kString);
  EXPECT_EQ(x["f"].tag(), ScalarTag::kFloat);
  EXPECT_EQ(x["b"].Bool(), true);
  EXPECT_TRUE(x["z"].IsNull());
}

TEST(Loader, ConcatenatedJsonValuesEachBecomeADocument) {
  LoadResult r = LoadText(
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n"
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}\n",
      "watch.json");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 2u);
  EXPECT_EQ(FindObj(r, "ConfigMap", "b")->span().begin.line, 2u);
}

TEST(Loader, HelmSourceCommentIsRecorded) {
  LoadResult r = LoadText(
      "---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
      "---\n# Source: shop/templates/cm.yaml\n# another comment\napiVersion: v1\nkind: ConfigMap\n"
      "metadata: {name: cm}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n");
  EXPECT_EQ(FindObj(r, "Service", "web")->helm_source(), "shop/templates/web.yaml");
  EXPECT_EQ(FindObj(r, "ConfigMap", "cm")->helm_source(), "shop/templates/cm.yaml");
  EXPECT_EQ(FindObj(r, "ConfigMap", "plain")->helm_source(), "");
}

TEST(Loader, NamespacesDefaultLikeKubectlApply) {
  std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: other}\n---\n"
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n---\n"
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n"
      "spec: {group: example.com, scope: Cluster, names: {kind: Widget, plural: widgets}}\n---\n"
      "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\n"
      "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n";
  LoadOptions o;
  o.default_namespace = "team";
  LoadResult r = LoadText(text, "in.yaml", o);
  EXPECT_EQ(FindObj(r, "ConfigMap", "a")->ns, "team");
  EXPECT_TRUE(FindObj(r, "ConfigMap", "a")->namespace_defaulted);
  EXPECT_EQ(FindObj(r, "ConfigMap", "b")->ns, "other");
  EXPECT_EQ(FindObj(r, "ClusterRole", "r")->ns, "");
  EXPECT_EQ(FindObj(r, "Namespace", "ns1")->ns, "");
  EXPECT_EQ(FindObj(r, "Widget", "w")->ns, "");    // cluster-scoped by its CRD
  EXPECT_EQ(FindObj(r, "Gadget", "g")->ns, "team");  // unknown kinds are kept, namespaced
  EXPECT_NE(r.objects->Find("Gadget", "team", "g"), nullptr);
}

TEST(Loader, MalformedYamlIsReportedAndTheRestStillLoads) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n    bad: indent\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  ASSERT_EQ(r.problems.size(), 1u);
  const LoadProblem& p = r.problems[0];
  EXPECT_EQ(p.kind, ProblemKind::kParse);
  EXPECT_EQ(p.span.begin.line, 9u);
  EXPECT_EQ(p.excerpt, "    bad: indent");
  EXPECT_EQ(r.objects->size(), 2u);
}

TEST(Loader, MalformedJsonPointsAtTheBadByte) {
  LoadResult r = LoadText("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\" \"oops\"\n}\n", "bad.json");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].span.begin, (Mark{3, 23}));
  EXPECT_EQ(r.objects->size(), 0u);
  LoadResult trailing = LoadText(
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}} garbage", "t.json");
  ASSERT_EQ(trailing.problems.size(), 1u);
  EXPECT_EQ(trailing.problems[0].span.begin, (Mark{1, 64}));
  EXPECT_EQ(trailing.objects->size(), 1u);
}

TEST(Loader, DocumentsThatAreNotObjects) {
  LoadResult r = LoadText("just a string\n---\n- a\n- b\n---\nkind: Pod\nmetadata: {name: x}\n---\n"
                          "apiVersion: v1\nmetadata: {name: y}\n");
  std::vector<std::string> messages;
  for (const auto& p : r.problems) {
    EXPECT_EQ(p.kind, ProblemKind::kInvalidObject);
    messages.push_back(p.message);
  }
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_NE(messages[0].find("scalar"), std::string::npos);
  EXPECT_NE(messages[1].find("sequence"), std::string::npos);
  EXPECT_NE(messages[2].find("no apiVersion"), std::string::npos);
  EXPECT_NE(messages[3].find("no kind"), std::string::npos);
  // An object with a kind but no apiVersion is still kept, so references resolve.
  EXPECT_NE(FindObj(r, "Pod", "x"), nullptr);
}

TEST(Loader, BinaryAndBadEncodings) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  LoadResult bin = LoadText(png, "image.yaml");
  ASSERT_EQ(bin.problems.size(), 1u);
  EXPECT_EQ(bin.problems[0].kind, ProblemKind::kEncoding);

  LoadResult latin1 = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: caf\xe9}\n");
  ASSERT_EQ(latin1.problems.size(), 1u);
  EXPECT_EQ(latin1.problems[0].kind, ProblemKind::kEncoding);
  EXPECT_EQ(latin1.problems[0].span.begin, (Mark{4, 14}));
  EXPECT_EQ(latin1.objects->size(), 1u);

  std::string utf8 = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: bom}\r\n";
  LoadResult bom = LoadText("\xEF\xBB\xBF" + utf8);
  EXPECT_TRUE(bom.problems.empty());
  ASSERT_EQ(bom.objects->size(), 1u);
  EXPECT_EQ((*bom.objects)[0].Root()["kind"].span().begin, (Mark{2, 7}));

  std::string utf16 = "\xFF\xFE";
  for (char c : utf8) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  LoadResult u16 = LoadText(utf16);
  EXPECT_TRUE(u16.problems.empty());
  ASSERT_EQ(u16.objects->size(), 1u);
  EXPECT_EQ((*u16.objects)[0].name, "bom");
}

TEST(Loader, DuplicateKeysNameBothLines) {
  LoadResult r = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::kDuplicateKey);
  EXPECT_EQ(r.problems[0].span.begin.line, 5u);
  EXPECT_EQ(r.problems[0].related.begin.line, 4u);
}

TEST(Loader, MergeKeysAndAliases) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  labels: &l {app: a, tier: t}\n"
      "  annotations:\n    <<: *l\n    tier: override\n");
  ASSERT_TRUE(r.problems.empty());
  Node ann = (*r.objects)[0].Annotations();
  EXPECT_EQ(ann.Size(), 2u);
  EXPECT_EQ(ann["tier"].Str(), "override");
  EXPECT_EQ(ann["app"].Str(), "a");
  EXPECT_EQ(ann["app"].span().begin.line, 5u);  // where the value is written
}

TEST(Loader, DirectoriesAreWalkedAndCountedDeterministically) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kora-walk-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub" / "deeper");
  auto write = [](const fs::path& p, const std::string& s) { std::ofstream(p) << s; };
  write(dir / "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  write(dir / "sub" / "a.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
  write(dir / "sub" / "deeper" / "c.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
  write(dir / "notes.md", "# not yaml\n");
  fs::create_directory_symlink(dir, dir / "sub" / "loop");
  Loader loader;
  loader.AddPath(dir.string());
  loader.AddPath((dir / "b.yaml").string());  // named twice: read once
  LoadResult r = loader.Finish();
  EXPECT_EQ(r.objects->size(), 3u);
  EXPECT_EQ(r.stats.files_read, 3u);
  EXPECT_EQ(r.stats.skipped["extension"], 1u);
  EXPECT_EQ(r.stats.skipped["symlink-loop"], 1u);
  EXPECT_EQ((*r.objects)[0].name, "b");  // sorted by path
  EXPECT_EQ((*r.objects)[1].name, "a");
  fs::remove_all(dir);
}

TEST(Loader, MissingPathIsAnError) {
  Loader loader;
  loader.AddPath("/nonexistent/kora/path.yaml");
  LoadResult r = loader.Finish();
  ASSERT_EQ(r.bad_paths.size(), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::kUnreadable);
}

}  // namespace
}  // namespace kora::test
