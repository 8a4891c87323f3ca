// Hostile and odd input: alias bombs, deep nesting, huge scalars and lines,
// size limits, encodings, YAML and JSON oddities, special files in directory
// walks, terminal injection, and every crash the fuzzers found
// (fixtures/crashes/). Each must end as findings that name file and line,
// never as a crash, a hang or unbounded memory, and the rest of the input must
// still be analysed. Big inputs are generated in memory.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "reports/writer.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

// ASan and UBSan builds run the same cases on smaller generated inputs where
// the full size would take more than a few seconds there; the full sizes run
// in the normal build and are measured in docs/hardening.md.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kScale = 8;
#else
constexpr size_t kScale = 1;
#endif

constexpr const char* kValidConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: survivor}\ndata: {k: v}\n";

// A strict RFC 8259 validator, so the test does not trust the writer it checks.
class JsonValidator {
 public:
  explicit JsonValidator(std::string_view s) : s_(s) {}
  bool Valid() {
    Ws();
    if (!Value(0)) return false;
    Ws();
    return i_ == s_.size();
  }

 private:
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool Lit(std::string_view l) {
    if (s_.substr(i_, l.size()) != l) return false;
    i_ += l.size();
    return true;
  }
  bool Value(int depth) {
    if (depth > 256 || i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"') return String();
    if (c == 't') return Lit("true");
    if (c == 'f') return Lit("false");
    if (c == 'n') return Lit("null");
    return Number();
  }
  bool Object(int depth) {
    ++i_;
    Ws();
    if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
    while (true) {
      Ws();
      if (!String()) return false;
      Ws();
      if (i_ >= s_.size() || s_[i_++] != ':') return false;
      Ws();
      if (!Value(depth + 1)) return false;
      Ws();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == '}') return ++i_, true;
      if (s_[i_++] != ',') return false;
    }
  }
  bool Array(int depth) {
    ++i_;
    Ws();
    if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
    while (true) {
      Ws();
      if (!Value(depth + 1)) return false;
      Ws();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == ']') return ++i_, true;
      if (s_[i_++] != ',') return false;
    }
  }
  bool String() {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++i_ >= s_.size()) return false;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (i_ + k >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_ + k]))) return false;
          }
          i_ += 5;
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) return false;
        ++i_;
        continue;
      }
      if (c >= 0x80) {
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i_ + len > s_.size()) return false;
        for (size_t k = 1; k < len; ++k) {
          if ((static_cast<unsigned char>(s_[i_ + k]) & 0xC0) != 0x80) return false;
        }
        i_ += len;
        continue;
      }
      ++i_;
    }
    return false;
  }
  bool Number() {
    size_t b = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    size_t digits = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ == digits) return false;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      size_t f = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ == f) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      size_t x = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ == x) return false;
    }
    return i_ > b;
  }
  std::string_view s_;
  size_t i_ = 0;
};

bool IsValidJson(std::string_view s) { return JsonValidator(s).Valid(); }

// The first raw control byte (other than newline and tab) in s, or npos.
size_t FirstControlByte(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return i;
  }
  return std::string_view::npos;
}

// Runs every writer on an analysis and checks each output is valid for its
// format: JSON parses, text (without colour) holds no control bytes.
void ExpectEveryWriterValid(const Analysis& a, const std::string& what) {
  ReportInput in{a.load, a.findings, a.options};
  for (const std::string& format : WriterFormats()) {
    std::unique_ptr<Writer> writer = MakeWriter(format, WriterOptions{});
    ASSERT_NE(writer, nullptr) << format;
    std::ostringstream out;
    writer->Write(in, out);
    std::string s = out.str();
    EXPECT_FALSE(s.empty()) << format << " output for " << what;
    if (format == "json") {
      EXPECT_TRUE(IsValidJson(s)) << "JSON output does not parse for " << what;
    }
    if (format == "text") {
      EXPECT_EQ(FirstControlByte(s), std::string_view::npos) << "raw control byte in text output for " << what;
    }
  }
}

Analysis AnalyzeWith(const std::string& text, LoadOptions lo, const std::string& name = "input.yaml") {
  Loader loader(std::move(lo));
  loader.AddBuffer(name, text);
  Analysis a{loader.Finish(), AllRulesOptions(), {}};
  Context ctx(a.load, a.options);
  a.findings = RunRules(ctx);
  return a;
}

std::vector<const LoadProblem*> ProblemsOf(const LoadResult& r, ProblemKind kind) {
  std::vector<const LoadProblem*> out;
  for (const LoadProblem& p : r.problems) {
    if (p.kind == kind) out.push_back(&p);
  }
  return out;
}

bool HasObject(const LoadResult& r, std::string_view kind, std::string_view name) {
  return std::any_of(r.objects->all().begin(), r.objects->all().end(),
                     [&](const Object& o) { return o.kind == kind && o.name == name; });
}

// A fresh directory under the temp dir, removed when the test ends.
std::string BillionLaughs(int levels) {
  std::string s = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < levels; ++i) {
    s += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) s += (k ? ", *a" : "*a") + std::to_string(i - 1);
    s += "]\n";
  }
  return s;
}

// --- YAML aliases -----------------------------------------------------------

TEST(Hostile, AliasBombIsALimitFindingAndTheNextDocumentStillLoads) {
  // 10^9 nodes if expanded; the budget stops it at the first alias past it.
  std::string text = BillionLaughs(9) + "---\n" + kValidConfigMap;
  Analysis a = AnalyzeWith(text, LoadOptions{});
  auto limits = ProblemsOf(a.load, ProblemKind::kLimit);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_NE(limits[0]->message.find("--max-alias-nodes"), std::string::npos) << limits[0]->message;
  // a5 is the first level past 10^6 nodes (10^6 at a5 added to a0..a4).
  EXPECT_EQ(limits[0]->span.begin.line, 10u);
  EXPECT_TRUE(HasObject(a.load, "ConfigMap", "survivor"));
  EXPECT_FALSE(HasObject(a.load, "ConfigMap", "bomb"));
  ExpectEveryWriterValid(a, "alias bomb");
}

TEST(Hostile, AliasBudgetIsAnOption) {
  std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\ndata:\n  a: &x [1, 2, 3]\n"
                     "  b: *x\n  c: *x\n";
  LoadOptions tight;
  tight.max_alias_nodes = 5;
  EXPECT_EQ(ProblemsOf(AnalyzeWith(text, tight).load, ProblemKind::kLimit).size(), 1u);
  EXPECT_TRUE(ProblemsOf(AnalyzeWith(text, LoadOptions{}).load, ProblemKind::kLimit).empty());
  // And on the command line.
  CommandResult r = RunKora({"analyze", "--color", "never", "--max-alias-nodes", "5", "-"}, text);
  EXPECT_NE(r.out.find("<stdin>:7:6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--max-alias-nodes"), std::string::npos) << r.out;
}

TEST(Hostile, AliasesDoNotReachAcrossDocuments) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d {x: \"1\"}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: *d\n");
  // Each document is its own anchor scope (YAML 1.2); the alias is an error
  // at its own position, and the first document is unaffected.
  auto parse = ProblemsOf(r, ProblemKind::kParse);
  ASSERT_EQ(parse.size(), 1u);
  EXPECT_EQ(parse[0]->span.begin, (Mark{9, 7}));
  EXPECT_TRUE(HasObject(r, "ConfigMap", "a"));
}

TEST(Hostile, MergeKeysFollowGoYaml) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
      "base: &base {a: base-a, b: base-b}\nother: &other {b: other-b, c: other-c}\n"
      "data:\n  <<: [*base, *other]\n  a: own-a\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  Node data = (*r.objects)[0].Root()["data"];
  EXPECT_EQ(data["a"].Str(), "own-a");   // explicit keys win
  EXPECT_EQ(data["b"].Str(), "base-b");  // the earlier merged map wins
  EXPECT_EQ(data["c"].Str(), "other-c");
  EXPECT_EQ(data.Size(), 3u);
}

TEST(Hostile, CollectionsEndAfterTheAliasesAndMergesInThem) {
  // Found by fuzz_yaml: a collection's end was taken from its last child's
  // node, which for an alias or a merged entry lies at the anchor, earlier.
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\nbase: &b {x: 1}\n"
      "only-merge:\n  <<: *b\nlist:\n- *b\nflow: [*b, *b]\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  Node root = (*r.objects)[0].Root();
  EXPECT_EQ(root["only-merge"]["x"].Str(), "1");
  EXPECT_EQ(root["only-merge"].span(), (Span{{6, 3}, {6, 9}}));
  EXPECT_EQ(root["list"].span(), (Span{{8, 1}, {8, 5}}));
  EXPECT_EQ(root["flow"].span(), (Span{{9, 7}, {9, 15}}));
  // The minimised input: every node of it begins before it ends.
  std::string text = ReadFile(SourceDir() + "/fixtures/crashes/yaml-alias-span-before-begin.yaml");
  ParsedFile parsed = ParseYaml(text, 0, LoadOptions{});
  ASSERT_EQ(parsed.docs.size(), 1u);
  const Document& doc = *parsed.docs[0];
  for (uint32_t id = 0; id < doc.node_count(); ++id) {
    Span s = Node(&doc, id).span();
    EXPECT_FALSE(s.end < s.begin) << "node " << id << " ends at " << s.end.line << ":" << s.end.col
                                  << " before it begins at " << s.begin.line << ":" << s.begin.col;
  }
  EXPECT_EQ(doc.Root().ValueAt(1).span(), (Span{{2, 3}, {2, 7}}));
}

TEST(Hostile, AliasToAnEnclosingAnchorIsNotACycle) {
  LoadResult r = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &self {x: *self}\n");
  EXPECT_EQ(ProblemsOf(r, ProblemKind::kParse).size(), 1u);
  EXPECT_TRUE(HasObject(r, "ConfigMap", "c"));
}

// --- Deep nesting, huge scalars and lines -----------------------------------

void ExpectDeepInputIsALimit(const std::string& what, const std::string& text, const std::string& name) {
  Analysis a = AnalyzeWith(text + "\n---\n" + kValidConfigMap, LoadOptions{}, name);
  auto limits = ProblemsOf(a.load, ProblemKind::kLimit);
  ASSERT_EQ(limits.size(), 1u) << what;
  EXPECT_EQ(limits[0]->span.begin.line, 1u) << what;
  EXPECT_NE(limits[0]->message.find("--max-depth"), std::string::npos) << limits[0]->message;
  ExpectEveryWriterValid(a, what);
}

TEST(Hostile, DeepYamlFlowNestingIsALimit) {
  const size_t n = 100'000;
  ExpectDeepInputIsALimit("YAML flow sequences", "a: " + std::string(n, '[') + std::string(n, ']'), "in.yaml");
  std::string maps;
  for (size_t i = 0; i < n; ++i) maps += "{a: ";
  maps += "x" + std::string(n, '}');
  ExpectDeepInputIsALimit("YAML flow maps", "a: " + maps, "in.yaml");
}

TEST(Hostile, DeepYamlBlockNestingIsALimit) {
  std::string seq;
  for (size_t i = 0; i < 100'000; ++i) seq += "- ";
  ExpectDeepInputIsALimit("YAML block sequences", seq + "x", "in.yaml");
  // Block maps need one more space of indentation per level, so the text
  // grows with the square of the depth: 3,000 levels is 4.5 MB.
  std::string maps;
  for (size_t i = 0; i < 3'000; ++i) maps += std::string(i, ' ') + "k:\n";
  Analysis a = AnalyzeWith(maps + "---\n" + kValidConfigMap, LoadOptions{});
  auto limits = ProblemsOf(a.load, ProblemKind::kLimit);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_GT(limits[0]->span.begin.line, 100u);
  EXPECT_TRUE(HasObject(a.load, "ConfigMap", "survivor"));
}

TEST(Hostile, DeepYamlFlowIsRefusedBeforeTheParserBuffersIt) {
  // yaml-cpp buffers every token of a nested flow collection (2 MB of '['
  // took 470 MB); the depth is measured before it sees the document.
  Analysis a = AnalyzeWith("a: " + std::string(2'000'000, '[') + "\n---\n" + kValidConfigMap, LoadOptions{});
  auto limits = ProblemsOf(a.load, ProblemKind::kLimit);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0]->span.begin, (Mark{1, 3 + 513}));
  EXPECT_TRUE(HasObject(a.load, "ConfigMap", "survivor"));
  // Also right after a document marker and behind node properties.
  for (std::string prefix : {"--- ", "a: &x !!seq ", "- ? "}) {
    LoadResult r = LoadText(prefix + std::string(1000, '[') + "\n");
    auto l = ProblemsOf(r, ProblemKind::kLimit);
    ASSERT_EQ(l.size(), 1u) << prefix;
    EXPECT_EQ(l[0]->span.begin.col, prefix.size() + 513) << prefix;
  }
  // Brackets that open nothing do not count: in plain scalars, quoted
  // scalars, comments and block scalars.
  std::string many(600, '[');
  LoadResult fine = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: brackets}\ndata:\n  plain: a" + many +
                             "\n  quoted: '" + many + "'\n  flow: {q: \"" + many + "\", r: '" + many +
                             "'}  # " + many + "\n  script: |\n    " + many + "\n    echo\n");
  EXPECT_TRUE(fine.problems.empty());
  ASSERT_EQ(fine.objects->size(), 1u);
  EXPECT_EQ((*fine.objects)[0].Root()["data"]["script"].Str(), many + "\necho\n");
}

TEST(Hostile, JsonDocumentsInAYamlStreamKeepTheirPositions) {
  LoadResult r = LoadText(
      "# Source: chart/templates/a.json\n---\n"
      "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"j\"}}\n"
      "---\n[{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"k\"}}]\n"
      "---\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"y\", a: 1}}\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 3u);
  const Object& j = (*r.objects)[0];
  EXPECT_EQ(j.name, "j");
  EXPECT_EQ(j.helm_source(), "chart/templates/a.json");
  EXPECT_EQ(j.Metadata()["name"].span(), (Span{{4, 23}, {4, 26}}));
  EXPECT_EQ((*r.objects)[1].Metadata()["name"].span().begin, (Mark{6, 65}));
  // Not JSON (an unquoted key): read as YAML flow, positions as well.
  EXPECT_EQ((*r.objects)[2].Metadata()["name"].span().begin, (Mark{8, 64}));
}

TEST(Hostile, DeepJsonNestingIsALimit) {
  const size_t n = 100'000;
  Analysis arrays = AnalyzeWith(std::string(n, '[') + std::string(n, ']'), LoadOptions{}, "in.json");
  auto limits = ProblemsOf(arrays.load, ProblemKind::kLimit);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0]->span.begin, (Mark{1, 513}));
  ExpectEveryWriterValid(arrays, "deep JSON arrays");
  std::string objects;
  for (size_t i = 0; i < n; ++i) objects += "{\"a\":";
  objects += "1" + std::string(n, '}');
  Analysis maps = AnalyzeWith(objects, LoadOptions{}, "in.json");
  EXPECT_EQ(ProblemsOf(maps.load, ProblemKind::kLimit).size(), 1u);
}

TEST(Hostile, DepthLimitIsAnOption) {
  std::string nested = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {a: {b: {c: {d: x}}}}\n";
  LoadOptions shallow;
  shallow.max_depth = 3;
  EXPECT_EQ(ProblemsOf(AnalyzeWith(nested, shallow).load, ProblemKind::kLimit).size(), 1u);
  EXPECT_TRUE(AnalyzeWith(nested, LoadOptions{}).load.problems.empty());
  std::string json = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","labels":{"a":"b"}}})";
  EXPECT_EQ(ProblemsOf(AnalyzeWith(json, shallow, "d.json").load, ProblemKind::kLimit).size(), 1u);
}

TEST(Hostile, FiftyMegabyteScalarLoads) {
  // 50 MB as a plain YAML scalar and as a JSON string; the quoted YAML
  // styles take other code paths and are checked at 4 MB (yaml-cpp reads
  // about 20 MB/s, and the suite must stay fast).
  const size_t full = (50u << 20) / kScale;
  const size_t quoted = (4u << 20) / kScale;
  for (auto [quote, size] : {std::pair<const char*, size_t>{"", full}, {"\"", quoted}, {"'", quoted}}) {
    std::string text = std::string("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: ") + quote +
                       std::string(size, 'a') + quote + "\n  after: y\n";
    LoadResult r = LoadText(text);
    EXPECT_TRUE(r.problems.empty()) << "quote " << quote;
    ASSERT_EQ(r.objects->size(), 1u);
    Node data = (*r.objects)[0].Root()["data"];
    EXPECT_EQ(data["x"].Str().size(), size);
    EXPECT_EQ(data["x"].span().end.col, 6 + size + 2 * std::strlen(quote));
    EXPECT_EQ(data["after"].span().begin, (Mark{6, 10}));
  }
  std::string json = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":")" +
                     std::string(full, 'a') + "\"}}";
  LoadResult j = LoadText(json, "big.json");
  EXPECT_TRUE(j.problems.empty());
  ASSERT_EQ(j.objects->size(), 1u);
  EXPECT_EQ((*j.objects)[0].Root()["data"]["x"].Str().size(), full);
}

TEST(Hostile, TenMegabyteLineWithManyNodesKeepsExactColumns) {
  // 100,000 items of 100 bytes on one line: columns stay exact and linear.
  const size_t items = 100'000 / kScale;
  std::string line = "args: [";
  for (size_t i = 0; i < items; ++i) {
    std::string item = "i" + std::to_string(i);
    item.resize(98, 'x');
    line += (i ? ", " : "") + item;
  }
  line += "]";
  LoadResult r = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\n" + line + "\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  Node args = (*r.objects)[0].Root()["args"];
  ASSERT_EQ(args.Size(), items);
  EXPECT_EQ(args.At(items - 1).span().begin, (Mark{4, static_cast<uint32_t>(8 + (items - 1) * 100)}));
}

TEST(Hostile, ErrorOnATenMegabyteLineShowsAWindow) {
  const size_t size = (10u << 20) / kScale;
  Analysis bad = AnalyzeWith("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\nargs: [" +
                                 std::string(size, 'a') + "]]\n---\n" + kValidConfigMap,
                             LoadOptions{});
  auto parse = ProblemsOf(bad.load, ProblemKind::kParse);
  ASSERT_EQ(parse.size(), 1u);
  EXPECT_EQ(parse[0]->span.begin, (Mark{4, static_cast<uint32_t>(8 + size + 1)}));
  EXPECT_TRUE(HasObject(bad.load, "ConfigMap", "survivor"));
  ExpectEveryWriterValid(bad, "error on a long line");
  // The text report shows the line around the error, not 10 MB of it, and
  // the caret sits under the stray bracket.
  std::ostringstream text;
  ReportInput in{bad.load, bad.findings, bad.options};
  MakeWriter("text", WriterOptions{})->Write(in, text);
  std::string report = text.str();
  EXPECT_LT(report.size(), 4096u);
  size_t excerpt = report.find("    4 | ...");
  ASSERT_NE(excerpt, std::string::npos) << report;
  size_t caret_line = report.find('\n', excerpt) + 1;
  size_t bracket = report.find("]]", excerpt) + 1 - excerpt;
  size_t caret = report.find('^', caret_line) - caret_line;
  EXPECT_EQ(caret, bracket) << report;
}

// Diagnoses read the words of events and conditions with regular
// expressions. libstdc++'s std::regex recurses per character and overflows
// the stack on a message of about 100,000 characters, so kora uses RE2
// (linear, no recursion) on input. A 1 MB quota message, FailedScheduling
// counts of 30 and 40 digits and a 1 MB missing-key message must still be
// diagnosed.
TEST(Hostile, MegabyteEventMessagesAreDiagnosedWithoutExhaustingTheStack) {
  std::string tail(1 << 20, 'x');
  std::string doc = R"(apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-7f9c6b5d4e
  namespace: q
  uid: 10000000-0000-4000-8000-000000000201
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: ghcr.io/acme/api:2.4.0}]
status: {replicas: 0}
---
apiVersion: v1
kind: Event
metadata: {name: api.1, namespace: q}
involvedObject: {apiVersion: apps/v1, kind: ReplicaSet, name: api-7f9c6b5d4e, namespace: q, uid: 10000000-0000-4000-8000-000000000201}
type: Warning
reason: FailedCreate
message: 'Error creating: pods "api-7f9c6b5d4e-k2x8d" is forbidden: exceeded quota: compute-quota, requested: requests.cpu=500m, used: )" +
                    tail + R"(, limited: requests.cpu=4'
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: s}
spec:
  containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: "64"}}}]
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1234567890123456789012345678901234567890 nodes are available: )" +
                    tail + R"("}
---
apiVersion: v1
kind: Pod
metadata: {name: big-count, namespace: s}
spec:
  containers: [{name: web, image: nginx:1.27}]
status:
  phase: Pending
  conditions:
  - {type: PodScheduled, status: "False", reason: Unschedulable, message: "0/3 nodes are available: 123456789012345678901234567890 Insufficient cpu."}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: c}
spec:
  containers:
  - name: app
    image: nginx:1.27
    env: [{name: K, valueFrom: {configMapKeyRef: {name: cfg, key: k}}}]
status:
  phase: Pending
  containerStatuses:
  - name: app
    ready: false
    restartCount: 0
    image: nginx:1.27
    imageID: ""
    state: {waiting: {reason: CreateContainerConfigError, message: "couldn't find key k in ConfigMap c/)" +
                    tail + R"("}}
)";
  Analysis a = AnalyzeText(doc);
  EXPECT_TRUE(Of(a, "load-error").empty());
  auto created = Of(a, "controller-create-failed");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_NE(created[0]->fix.find("compute-quota"), std::string::npos) << created[0]->fix;
  EXPECT_EQ(Of(a, "pod-unschedulable").size(), 2u);
  EXPECT_EQ(Of(a, "container-config-error").size(), 1u);
}

TEST(Hostile, KindOfTenThousandCharacters) {
  std::string kind(10'000, 'K');
  Analysis a = AnalyzeWith("apiVersion: v1\nkind: " + kind + "\n", LoadOptions{});
  ASSERT_EQ(a.load.objects->size(), 1u);
  EXPECT_EQ((*a.load.objects)[0].kind, kind);
  EXPECT_FALSE(a.findings.empty());  // no metadata.name
  ExpectEveryWriterValid(a, "long kind");
}

// --- Size limit ---------------------------------------------------------------

TEST(Hostile, FileOverMaxFileSizeIsRefusedUpFront) {
  TempDir dir("size");
  std::string big = dir.Write("big.yaml", std::string(kValidConfigMap) + "padding: " + std::string(4096, 'p') + "\n");
  std::string small = dir.Write("small.yaml", kValidConfigMap);
  LoadOptions lo;
  lo.max_file_size = 1024;
  Analysis a = Analyze({dir.str()}, AllRulesOptions(), lo);
  auto limits = ProblemsOf(a.load, ProblemKind::kLimit);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(a.load.sources->file(limits[0]->file).path, big);
  EXPECT_EQ(limits[0]->span.begin, (Mark{1, 1}));
  EXPECT_NE(limits[0]->message.find("--max-file-size"), std::string::npos);
  EXPECT_EQ(a.load.stats.files_read, 1u);  // the big file was never read
  EXPECT_TRUE(HasObject(a.load, "ConfigMap", "survivor"));
  // A pipe cannot be sized up front: it is read up to the limit and refused.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string piped = std::string(kValidConfigMap) + "x: " + std::string(2000, 'x') + "\n";
  ASSERT_EQ(::write(fds[1], piped.data(), piped.size()), static_cast<ssize_t>(piped.size()));
  ::close(fds[1]);
  std::string pipe_path = "/dev/fd/" + std::to_string(fds[0]);
  Analysis p = Analyze({pipe_path}, AllRulesOptions(), lo);
  ::close(fds[0]);
  auto pipe_limits = ProblemsOf(p.load, ProblemKind::kLimit);
  ASSERT_EQ(pipe_limits.size(), 1u);
  EXPECT_EQ(p.load.sources->file(pipe_limits[0]->file).path, pipe_path);
  EXPECT_EQ(p.load.objects->size(), 0u);
}

// --- Encodings ------------------------------------------------------------------

std::string Utf16(std::string_view ascii, bool little_endian, bool bom) {
  std::string out;
  if (bom) out += little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (char c : ascii) {
    if (little_endian) {
      out.push_back(c);
      out.push_back('\0');
    } else {
      out.push_back('\0');
      out.push_back(c);
    }
  }
  return out;
}

TEST(Hostile, Utf16AndBomsAndCrlfLoadWithPositions) {
  const std::string doc = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: enc\r\ndata:\r\n  k: v\r\n";
  std::vector<std::pair<std::string, std::string>> cases = {
      {"crlf", doc},
      {"utf-8 bom", "\xEF\xBB\xBF" + doc},
      {"utf-16le bom", Utf16(doc, true, true)},
      {"utf-16be bom", Utf16(doc, false, true)},
      {"utf-16le", Utf16(doc, true, false)},
      {"utf-16be", Utf16(doc, false, false)},
  };
  for (const auto& [what, text] : cases) {
    Analysis a = AnalyzeWith(text, LoadOptions{});
    EXPECT_TRUE(a.load.problems.empty()) << what;
    ASSERT_EQ(a.load.objects->size(), 1u) << what;
    Node k = (*a.load.objects)[0].Root()["data"]["k"];
    EXPECT_EQ(k.Str(), "v") << what;
    EXPECT_EQ(k.span(), (Span{{6, 6}, {6, 7}})) << what;
    ExpectEveryWriterValid(a, what);
  }
}

// A string literal with its embedded NULs, without its terminator.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

TEST(Hostile, BinaryAndNulBytesAreAFindingNotACrash) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"nul", std::string(kValidConfigMap) + Bytes("x: a\0b\n")},
      {"png", Bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10")},
      {"elf", Bytes("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0")},
  };
  for (const auto& [what, text] : cases) {
    TempDir dir("binary-" + what);
    std::string bad = dir.Write("bad.yaml", text);
    dir.Write("good.yaml", kValidConfigMap);
    Analysis a = Analyze({dir.str()});
    auto enc = ProblemsOf(a.load, ProblemKind::kEncoding);
    ASSERT_EQ(enc.size(), 1u) << what;
    EXPECT_EQ(a.load.sources->file(enc[0]->file).path, bad);
    EXPECT_TRUE(enc[0]->span.Known()) << what;
    EXPECT_TRUE(HasObject(a.load, "ConfigMap", "survivor")) << what;
    ExpectEveryWriterValid(a, what);
  }
  // The NUL is located exactly.
  LoadResult r = LoadText(std::string(kValidConfigMap) + Bytes("x: a\0b\n"));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].span.begin, (Mark{5, 5}));
}

TEST(Hostile, InvalidUtf8IsReplacedAndReported) {
  Analysis a = AnalyzeWith(std::string(kValidConfigMap) + "z: \xFF\xFE\xC3 end\n", LoadOptions{});
  auto enc = ProblemsOf(a.load, ProblemKind::kEncoding);
  ASSERT_EQ(enc.size(), 1u);
  EXPECT_EQ(enc[0]->span.begin, (Mark{5, 4}));
  ASSERT_EQ(a.load.objects->size(), 1u);
  EXPECT_EQ((*a.load.objects)[0].Root()["z"].Str(), "\uFFFD\uFFFD\uFFFD end");
  EXPECT_TRUE(HasObject(a.load, "ConfigMap", "survivor"));
  ExpectEveryWriterValid(a, "invalid UTF-8");
}

// --- YAML and JSON oddities -------------------------------------------------------

TEST(Hostile, DuplicateKeysNameBothLines) {
  LoadResult r = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n");
  auto dups = ProblemsOf(r, ProblemKind::kDuplicateKey);
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0]->span.begin.line, 5u);
  EXPECT_EQ(dups[0]->related.begin.line, 4u);
  LoadResult j = LoadText(R"({"apiVersion":"v1","kind":"ConfigMap",
"metadata":{"name":"a",
"name":"b"}})",
                          "d.json");
  auto jd = ProblemsOf(j, ProblemKind::kDuplicateKey);
  ASSERT_EQ(jd.size(), 1u);
  EXPECT_EQ(jd[0]->span.begin.line, 3u);
  EXPECT_EQ(jd[0]->related.begin.line, 2u);
}

TEST(Hostile, TagsAndCommentOnlyDocuments) {
  LoadResult r = LoadText(
      "# only a comment\n---\n# and another\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  bin: !!binary aGVsbG8=\n"
      "  custom: !mytag value\n  local: !<tag:example.com,2024:x> y\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  Node data = (*r.objects)[0].Root()["data"];
  EXPECT_EQ(data["bin"].tag(), ScalarTag::kBinary);
  EXPECT_EQ(data["bin"].Str(), "aGVsbG8=");
  EXPECT_EQ(data["custom"].tag(), ScalarTag::kOther);
  EXPECT_EQ(data["custom"].span(), (Span{{10, 11}, {10, 23}}));
  LoadResult comments = LoadText("# nothing\n# at all\n");
  EXPECT_TRUE(comments.problems.empty());
  EXPECT_EQ(comments.objects->size(), 0u);
}

TEST(Hostile, StrayTopLevelCommaIsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7 returns the same empty document forever on this input.
  LoadResult r = LoadText(std::string(kValidConfigMap) + "---\n,\n---\n[a], b\n");
  auto parse = ProblemsOf(r, ProblemKind::kParse);
  ASSERT_EQ(parse.size(), 2u);
  EXPECT_EQ(parse[0]->span.begin, (Mark{6, 1}));
  EXPECT_EQ(parse[1]->span.begin, (Mark{8, 4}));
  EXPECT_TRUE(HasObject(r, "ConfigMap", "survivor"));
}

TEST(Hostile, JsonTrailingGarbageAndHugeNumbers) {
  LoadResult g = LoadText(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"g"}} garbage)", "g.json");
  auto parse = ProblemsOf(g, ProblemKind::kParse);
  ASSERT_EQ(parse.size(), 1u);
  EXPECT_EQ(parse[0]->span.begin, (Mark{1, 64}));
  EXPECT_TRUE(HasObject(g, "ConfigMap", "g"));

  Analysis n = AnalyzeWith(
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"n"},"spec":{"replicas":1e400,)"
      R"("x":123456789012345678901234567890,"y":-1e-400,"selector":{"matchLabels":{"a":"b"}},)"
      R"("template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i:1",)"
      R"("ports":[{"containerPort":123456789012345678901234567890}]}]}}}})",
      LoadOptions{}, "n.json");
  EXPECT_TRUE(n.load.problems.empty());
  ASSERT_EQ(n.load.objects->size(), 1u);
  Node spec = (*n.load.objects)[0].Root()["spec"];
  EXPECT_EQ(spec["replicas"].Str(), "1e400");  // kept as written
  EXPECT_FALSE(spec["replicas"].Int().has_value());
  EXPECT_FALSE(spec["x"].Int().has_value());
  EXPECT_EQ(spec["x"].Str(), "123456789012345678901234567890");
  ExpectEveryWriterValid(n, "huge numbers");
  // The same in YAML.
  LoadResult y = LoadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\nx: 1e400\n"
                          "z: 123456789012345678901234567890\n");
  EXPECT_FALSE((*y.objects)[0].Root()["z"].Int().has_value());
}

// --- Directory walks ----------------------------------------------------------------

TEST(Hostile, SymlinkLoopsEndAndFilesAreReadOnce) {
  TempDir dir("symlinks");
  dir.Write("a/cm.yaml", kValidConfigMap);
  fs::create_directory_symlink("..", dir.path() / "a" / "up");
  fs::create_directory_symlink(".", dir.path() / "a" / "self");
  fs::create_symlink("loop2.yaml", dir.path() / "loop1.yaml");
  fs::create_symlink("loop1.yaml", dir.path() / "loop2.yaml");
  fs::create_symlink("a/cm.yaml", dir.path() / "alias.yaml");
  Analysis a = Analyze({dir.str(), dir.str() + "/a"});
  EXPECT_EQ(a.load.stats.files_read, 1u);
  EXPECT_EQ(a.load.objects->size(), 1u);
  EXPECT_EQ(a.load.stats.skipped["symlink-loop"], 2u);
  EXPECT_EQ(a.load.stats.skipped["broken-symlink"], 2u);
}

TEST(Hostile, SpecialFilesAreSkippedAndNeverOpened) {
  TempDir dir("special");
  dir.Write("good.yaml", kValidConfigMap);
  // A FIFO with no writer: a blocking open would never return.
  ASSERT_EQ(::mkfifo((dir.path() / "pipe.yaml").c_str(), 0644), 0) << std::strerror(errno);
  int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock_path = (dir.path() / "sock.yaml").string();
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  // A device: /dev/null through a symlink, and a character device of our own
  // where mknod is allowed.
  fs::create_symlink("/dev/null", dir.path() / "null.yaml");
  size_t specials = 3;
  bool have_device = ::mknod((dir.path() / "zero.yaml").c_str(), S_IFCHR | 0644, makedev(1, 5)) == 0;
  if (have_device) ++specials;
  // inotify reports every open of a file in the directory, FIFOs and devices
  // included: the proof that kora never opened them. good.yaml being
  // reported shows the watch works.
  int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  ASSERT_GE(::inotify_add_watch(watch, dir.str().c_str(), IN_OPEN), 0);

  CommandResult r = RunKora({"analyze", "--format", "json", dir.str()}, "", "timeout 20");
  ::close(sock);
  std::set<std::string> opened;
  alignas(inotify_event) char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(watch, buf, sizeof buf)) > 0) {
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      if (ev->len) opened.insert(ev->name);
      p += sizeof(inotify_event) + ev->len;
    }
  }
  ::close(watch);
  ASSERT_NE(r.exit_code, 124) << "kora blocked on a special file";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(opened.count("good.yaml")) << "the inotify watch saw nothing";
  EXPECT_FALSE(opened.count("pipe.yaml")) << "kora opened the FIFO";
  EXPECT_FALSE(opened.count("zero.yaml")) << "kora opened the device";
  EXPECT_NE(r.out.find("\"special-file\": " + std::to_string(specials)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"objects\": 1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("pipe.yaml"), std::string::npos) << "a special file became a finding";
}

// Runs fn in a forked child without root's power to read anything: as
// nobody (uid/gid 65534) when the tests run as root. The child reports
// through a pipe; returns nullopt if privileges could not be dropped.
std::optional<std::string> RunUnprivileged(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      out = "\x01" "cannot drop privileges";
    } else {
      out = fn();
    }
    ssize_t ignored = ::write(fds[1], out.data(), out.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string result;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) result.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!result.empty() && result[0] == '\x01') return std::nullopt;
  return result;
}

TEST(Hostile, UnreadableFilesAndDirectoriesAreFindings) {
  TempDir dir("unreadable");
  dir.Write("good.yaml", kValidConfigMap);
  std::string secret_file = dir.Write("locked.yaml", kValidConfigMap);
  std::string secret_dir = dir.str() + "/closed";
  dir.Write("closed/inside.yaml", kValidConfigMap);
  fs::permissions(secret_file, fs::perms::none);
  fs::permissions(secret_dir, fs::perms::none);
  auto report = RunUnprivileged([&] {
    Loader loader;
    loader.AddPath(dir.str());
    LoadResult r = loader.Finish();
    std::string out = "objects=" + std::to_string(r.objects->size()) + "\n";
    for (const LoadProblem& p : r.problems) {
      out += std::to_string(static_cast<int>(p.kind)) + " " + r.sources->file(p.file).path + ": " + p.message + "\n";
    }
    return out;
  });
  if (!report) GTEST_SKIP() << "cannot drop root privileges to test permission errors";
  EXPECT_NE(report->find("objects=1\n"), std::string::npos) << *report;
  std::string unreadable = std::to_string(static_cast<int>(ProblemKind::kUnreadable)) + " ";
  EXPECT_NE(report->find(unreadable + secret_file + ": cannot open: Permission denied"), std::string::npos)
      << *report;
  EXPECT_NE(report->find(unreadable + secret_dir + ": cannot read: Permission denied"), std::string::npos)
      << *report;
}

TEST(Hostile, ManySmallFiles) {
  // 1,000 here; the 100,000-file case is measured in docs/hardening.md.
  TempDir dir("many");
  const int files = 1'000;
  for (int i = 0; i < files; ++i) {
    std::string name = "cm-" + std::to_string(i);
    dir.Write("d" + std::to_string(i % 20) + "/" + name + ".yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n");
  }
  LoadOptions lo;
  lo.jobs = 2;
  Analysis a = Analyze({dir.str()}, AllRulesOptions(), lo);
  EXPECT_EQ(a.load.stats.files_read, static_cast<uint64_t>(files));
  EXPECT_EQ(a.load.objects->size(), static_cast<size_t>(files));
  EXPECT_TRUE(a.load.problems.empty());
  // max_files stops the walk with a count, not silently.
  lo.max_files = 100;
  Analysis capped = Analyze({dir.str()}, AllRulesOptions(), lo);
  EXPECT_EQ(capped.load.stats.files_read, 100u);
  EXPECT_EQ(capped.load.stats.skipped["max-files"], static_cast<uint64_t>(files - 100));
  // ... and a finding on the first file left out that counts the rest.
  ASSERT_EQ(capped.load.problems.size(), 1u);
  EXPECT_EQ(capped.load.problems[0].kind, ProblemKind::kLimit);
  EXPECT_NE(capped.load.problems[0].message.find("this one and 899 more were not read (limit: --max-files)"),
            std::string::npos)
      << capped.load.problems[0].message;
}

TEST(Hostile, DirectoryWalkDepthLimitIsAFinding) {
  TempDir dir("deepdirs");
  dir.Write("a/b/c/d/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\n");
  dir.Write("a/top.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: top}\n");
  CommandResult r = RunKora({"analyze", "--format", "json", "--max-walk-depth", "2", "--fail-on", "never", dir.str()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("directory nested more than 2 levels below the path named; not read"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"too-deep\": 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"objects\": 1,"), std::string::npos) << "top.yaml is read, d/cm.yaml is not";
  EXPECT_NE(r.out.find("\"path\": \"" + dir.str() + "/a/b/c\""), std::string::npos) << r.out;
}

// --- Output safety ------------------------------------------------------------------

TEST(Hostile, TextOutputEscapesTerminalControls) {
  std::string text =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: \"evil\\e[2Jname\\u009b31m\"}\n"
      "spec: {containers: [{name: \"c\\e]0;title\\a\", image: \"x\\e[2J:latest\"}]}\n";
  for (const char* color : {"never", "always"}) {
    CommandResult r = RunKora({"analyze", "--profile", "all", "--color", color, "-"}, text);
    EXPECT_EQ(r.out.find("\x1b[2J"), std::string::npos) << "raw ESC [ 2 J reached the terminal";
    EXPECT_EQ(r.out.find("\x1b]0;"), std::string::npos);
    EXPECT_EQ(r.out.find("\xC2\x9B"), std::string::npos) << "raw C1 CSI reached the terminal";
    EXPECT_NE(r.out.find("evil\\x1b[2Jname"), std::string::npos) << r.out;
    if (std::string(color) == "never") {
      EXPECT_EQ(FirstControlByte(r.out), std::string::npos);
    }
  }
}

TEST(Hostile, JsonOutputParsesWhateverBytesTheInputHeld) {
  // Every byte value, in names, values, keys and error excerpts.
  std::string all_bytes;
  for (int c = 1; c < 256; ++c) {
    if (c != '\n' && c != '"' && c != '\\') all_bytes.push_back(static_cast<char>(c));
  }
  std::vector<std::string> inputs = {
      "apiVersion: v1\nkind: Pod\nmetadata: {name: \"" + all_bytes + "\"}\n",
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"" + all_bytes +
          ":latest\"}]}\n",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" + all_bytes + "\n",
      "{\"kind\": \"" + all_bytes + "\"",
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    Analysis a = AnalyzeWith(inputs[i], LoadOptions{});
    ExpectEveryWriterValid(a, "all bytes, case " + std::to_string(i));
  }
  // And through the binary, checked by another parser.
  CommandResult r = RunKora({"analyze", "--format", "json", "-o", "/dev/stdout", "-"}, inputs[0]);
  std::string py = "python3 -c 'import json,sys; json.load(sys.stdin)'";
  FILE* p = ::popen(py.c_str(), "w");
  ASSERT_NE(p, nullptr);
  std::fwrite(r.out.data(), 1, r.out.size(), p);
  EXPECT_EQ(::pclose(p), 0) << "python3 rejects kora's JSON output";
}

// --- Regressions from fuzzing -------------------------------------------------------

TEST(Hostile, EveryFuzzerCrashInputIsHandled) {
  fs::path crashes = fs::path(SourceDir()) / "fixtures" / "crashes";
  ASSERT_TRUE(fs::is_directory(crashes));
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(crashes)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    ++count;
    std::string path = entry.path().string();
    Analysis a = Analyze({path});
    EXPECT_EQ(a.load.stats.files_read, 1u) << path;
    ExpectEveryWriterValid(a, path);
    // The same bytes as stdin, as `helm template . | kora analyze -` would.
    Analysis s = AnalyzeWith(ReadFile(path), LoadOptions{}, "<stdin>");
    ExpectEveryWriterValid(s, path + " (buffer)");
  }
  EXPECT_GT(count, 0u);
}

}  // namespace
}  // namespace kora::test
