// The documentation is checked against the code it describes: rule pages
// against the registry and against kora's real output for their examples,
// docs/cli.md against the CLI's --help, docs/json-format.md against the
// fields the JSON writer emits, docs/references.md against the graph's edge
// kinds and resolutions and its examples against kora's output, and links
// between pages against the headings they point at. A change to any of them
// that the docs do not follow fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "analyzer/graph.h"
#include "analyzer/rule.h"
#include "reports/writer.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kRuleSections = {"Why it matters", "What kora checks", "Example", "Fix", "Options"};

std::string DocPath(const std::string& relative) { return SourceDir() + "/docs/" + relative; }

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

bool IsFenceLine(const std::string& line) { return line.rfind("```", 0) == 0; }

struct Section {
  std::string title;
  std::vector<std::string> lines;
};

// The "## " sections of a page, ignoring lines inside fenced code blocks.
std::vector<Section> Sections(const std::vector<std::string>& lines) {
  std::vector<Section> out;
  bool in_fence = false;
  for (const std::string& line : lines) {
    if (IsFenceLine(line)) in_fence = !in_fence;
    if (!in_fence && line.rfind("## ", 0) == 0) {
      out.push_back(Section{line.substr(3), {}});
    } else if (!out.empty()) {
      out.back().lines.push_back(line);
    }
  }
  return out;
}

const Section* FindSection(const std::vector<Section>& sections, const std::string& title) {
  for (const Section& s : sections) {
    if (s.title == title) return &s;
  }
  return nullptr;
}

struct Fence {
  std::string info;  // the language after ```
  std::vector<std::string> lines;
};

// Top-level fenced code blocks (``` in column 0).
std::vector<Fence> Fences(const std::vector<std::string>& lines) {
  std::vector<Fence> out;
  bool open = false;
  for (const std::string& line : lines) {
    if (IsFenceLine(line)) {
      if (!open) out.push_back(Fence{line.substr(3), {}});
      open = !open;
    } else if (open) {
      out.back().lines.push_back(line);
    }
  }
  return out;
}

bool HasContent(const Section& s) {
  return std::any_of(s.lines.begin(), s.lines.end(),
                     [](const std::string& l) { return l.find_first_not_of(" \t") != std::string::npos; });
}

std::vector<std::string> RuleIds() {
  std::vector<std::string> ids;
  for (const auto& rule : AllRules()) ids.emplace_back(rule->info().id);
  return ids;
}

// Options an example runs with beyond the defaults: --kube-version on its
// command line, and rule parameters from a `<!-- kora-params: name=a,b -->`
// line in the Example section (the page says in words how to set them).
struct ExampleOptions {
  std::string kube_version;
  std::map<std::string, std::vector<std::string>> params;
  void ApplyTo(AnalysisOptions& options, std::string_view rule) const {
    options.kube_version = kube_version;
    for (const auto& [name, values] : params) options.params[std::string(rule)][name] = values;
  }
};

ExampleOptions ReadExampleOptions(const std::vector<std::string>& lines) {
  ExampleOptions out;
  static const std::regex kParams(R"(^<!-- kora-params: ([^=\s]+)=(\S*) -->$)");
  for (const std::string& line : lines) {
    std::smatch m;
    if (!std::regex_match(line, m, kParams)) continue;
    std::vector<std::string>& values = out.params[m[1]];
    std::istringstream items(m[2].str());
    for (std::string item; std::getline(items, item, ',');) values.push_back(item);
  }
  return out;
}

// What `kora analyze example.yaml` prints (the page's command adds --enable
// for a rule outside the default profile), computed in-process.
std::string TextReport(const std::string& yaml, const RuleInfo& info, const ExampleOptions& example = {}) {
  AnalysisOptions options;
  if (info.profile != Profile::kDefault) options.enable.insert(std::string(info.id));
  example.ApplyTo(options, info.id);
  LoadResult load = LoadText(yaml, "example.yaml");
  Context ctx(load, options);
  std::vector<Finding> findings = RunRules(ctx);
  std::ostringstream out;
  MakeWriter("text", WriterOptions{})->Write(ReportInput{load, findings, options}, out);
  return out.str();
}

class RulePage : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    rule_ = FindRule(GetParam());
    ASSERT_NE(rule_, nullptr);
    std::string path = DocPath("rules/" + GetParam() + ".md");
    ASSERT_TRUE(fs::exists(path)) << "no page " << path << " for rule " << GetParam()
                                  << " (scripts/gen-rule-doc.sh new " << GetParam() << " prints a skeleton)";
    lines_ = SplitLines(ReadFile(path));
    sections_ = Sections(lines_);
  }
  const RuleInfo& info() const { return rule_->info(); }
  const Rule* rule_ = nullptr;
  std::vector<std::string> lines_;
  std::vector<Section> sections_;
};

TEST_P(RulePage, HeaderMatchesTheRegistry) {
  std::vector<std::string> expected = {
      "# " + std::string(info().id),
      "",
      std::string(info().title),
      "",
      "| severity | category | profiles |",
      "|---|---|---|",
      "| " + std::string(SeverityName(info().severity)) + " | " + std::string(info().category) + " | " +
          ProfilesIncluding(info().profile) + " |",
      "",
  };
  ASSERT_GE(lines_.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(lines_[i], expected[i]) << "line " << i + 1;
}

TEST_P(RulePage, HasTheRequiredSectionsInOrder) {
  std::vector<std::string> titles;
  for (const Section& s : sections_) titles.push_back(s.title);
  EXPECT_EQ(titles, kRuleSections);
  for (const Section& s : sections_) EXPECT_TRUE(HasContent(s)) << "section \"" << s.title << "\" is empty";
}

TEST_P(RulePage, WhyItMattersLinksTheKubernetesDocs) {
  const Section* why = FindSection(sections_, "Why it matters");
  ASSERT_NE(why, nullptr);
  EXPECT_NE(JoinLines(why->lines).find("https://kubernetes.io/docs/"), std::string::npos);
}

TEST_P(RulePage, ExampleOutputIsWhatKoraPrints) {
  const Section* example = FindSection(sections_, "Example");
  ASSERT_NE(example, nullptr);
  std::vector<Fence> fences = Fences(example->lines);
  auto yaml = std::find_if(fences.begin(), fences.end(), [](const Fence& f) { return f.info == "yaml"; });
  ASSERT_NE(yaml, fences.end()) << "no ```yaml example";
  auto text = std::find_if(fences.begin(), fences.end(), [](const Fence& f) {
    return f.info == "text" && !f.lines.empty() && f.lines[0].rfind("$ kora ", 0) == 0;
  });
  ASSERT_NE(text, fences.end()) << "no ```text block starting with `$ kora analyze example.yaml`";

  ExampleOptions example_options = ReadExampleOptions(example->lines);
  std::string command = "$ kora analyze example.yaml";
  if (info().profile != Profile::kDefault) command += " --enable " + std::string(info().id);
  static const std::regex kKubeVersion(R"( --kube-version (\S+)$)");
  std::smatch kube;
  if (std::regex_search(text->lines[0], kube, kKubeVersion)) {
    example_options.kube_version = kube[1];
    command += " --kube-version " + example_options.kube_version;
  }
  EXPECT_EQ(text->lines[0], command);

  std::string yaml_text = JoinLines(yaml->lines);
  std::vector<std::string> shown(text->lines.begin() + 1, text->lines.end());
  EXPECT_EQ(JoinLines(shown), TextReport(yaml_text, info(), example_options))
      << "the output shown differs from kora's; scripts/gen-rule-doc.sh example " << info().id << " prints it";

  AnalysisOptions all = AllRulesOptions();
  example_options.ApplyTo(all, info().id);
  Analysis a = AnalyzeText(yaml_text, all, "example.yaml");
  EXPECT_FALSE(Of(a, info().id).empty()) << "the example does not fire the rule";
}

TEST_P(RulePage, FixQuotesTheRuleFix) {
  const Section* fix = FindSection(sections_, "Fix");
  ASSERT_NE(fix, nullptr);
  bool quoted = false;
  for (const Fence& f : Fences(fix->lines)) quoted |= JoinLines(f.lines) == std::string(info().fix) + "\n";
  EXPECT_TRUE(quoted) << "the Fix section has no code block holding the rule's fix text exactly:\n" << info().fix;
}

TEST_P(RulePage, OptionsSayHowToDisable) {
  const Section* options = FindSection(sections_, "Options");
  ASSERT_NE(options, nullptr);
  std::string text = JoinLines(options->lines);
  EXPECT_NE(text.find("--disable " + std::string(info().id)), std::string::npos);
  EXPECT_NE(text.find("kora.dev/ignore"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Docs, RulePage, ::testing::ValuesIn(RuleIds()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string name = p.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(RulePages, NoPageForAnUnknownRule) {
  size_t pages = 0;
  for (const auto& entry : fs::directory_iterator(DocPath("rules"))) {
    EXPECT_EQ(entry.path().extension(), ".md") << entry.path();
    std::string id = entry.path().stem().string();
    if (id == "peers") continue;  // the peer-check table, tests/peers_test.cc
    EXPECT_NE(FindRule(id), nullptr) << entry.path() << " documents no rule in rules/registry.cc";
    ++pages;
  }
  EXPECT_EQ(pages, AllRules().size());
}

TEST(DocsIndex, ListsEveryRuleOnce) {
  std::vector<std::string> lines = SplitLines(ReadFile(DocPath("README.md")));
  size_t rows = 0;
  for (const std::string& line : lines) rows += line.rfind("| [", 0) == 0 && line.find("](rules/") != std::string::npos;
  EXPECT_EQ(rows, AllRules().size());
  for (const auto& rule : AllRules()) {
    const RuleInfo& i = rule->info();
    std::string row = "| [" + std::string(i.id) + "](rules/" + std::string(i.id) + ".md) | " +
                      std::string(SeverityName(i.severity)) + " | " + std::string(i.category) + " | " +
                      std::string(i.title) + " |";
    EXPECT_NE(std::find(lines.begin(), lines.end(), row), lines.end()) << "docs/README.md lacks the row\n" << row;
  }
}

// Lines of one "Title:" block of CLI11's help, up to the next blank line.
std::vector<std::string> HelpBlock(const std::string& help, const std::string& title) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& line : SplitLines(help)) {
    if (line == title) {
      in = true;
    } else if (in && line.empty()) {
      break;
    } else if (in) {
      out.push_back(line);
    }
  }
  return out;
}

struct HelpOption {
  std::string short_name;  // "-f", or empty
  std::string long_name;   // "--format"
};

std::vector<HelpOption> ParseOptions(const std::string& help) {
  static const std::regex kOption(R"(^\s+(?:(-[A-Za-z]),)?(--[a-z][a-z0-9-]*))");
  std::vector<HelpOption> out;
  for (const std::string& line : HelpBlock(help, "Options:")) {
    std::smatch m;
    if (std::regex_search(line, m, kOption)) out.push_back(HelpOption{m[1], m[2]});
  }
  return out;
}

std::vector<std::string> TableCells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell.push_back(row[i]);
    }
  }
  for (std::string& c : cells) {
    c.erase(0, c.find_first_not_of(' '));
    c.erase(c.find_last_not_of(' ') + 1);
  }
  return cells;
}

class CliDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    lines_ = SplitLines(ReadFile(DocPath("cli.md")));
    sections_ = Sections(lines_);
  }
  std::string SectionText(const std::string& title) const {
    const Section* s = FindSection(sections_, title);
    return s ? JoinLines(s->lines) : std::string();
  }
  std::vector<std::string> lines_;
  std::vector<Section> sections_;
};

TEST_F(CliDoc, DocumentsEverySubcommand) {
  CommandResult help = RunKora({"--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::vector<std::string> subcommands;
  for (const std::string& line : HelpBlock(help.out, "Subcommands:")) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) subcommands.push_back(name);
  }
  ASSERT_FALSE(subcommands.empty()) << "no subcommands found in:\n" << help.out;
  EXPECT_NE(std::find(subcommands.begin(), subcommands.end(), "analyze"), subcommands.end());
  for (const std::string& sub : subcommands) {
    EXPECT_NE(FindSection(sections_, "kora " + sub), nullptr) << "docs/cli.md has no section \"## kora " << sub << "\"";
  }
  for (const HelpOption& o : ParseOptions(help.out)) {
    if (o.long_name == "--help") continue;
    EXPECT_NE(FindSection(sections_, "kora " + o.long_name), nullptr)
        << "docs/cli.md has no section \"## kora " << o.long_name << "\"";
  }
}

TEST_F(CliDoc, DocumentsEveryAnalyzeOptionWithItsDefault) {
  CommandResult help = RunKora({"analyze", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::vector<HelpOption> options = ParseOptions(help.out);
  std::set<std::string> names;
  for (const HelpOption& o : options) names.insert(o.long_name);
  ASSERT_TRUE(names.count("--format") && names.count("--fail-on")) << "could not parse:\n" << help.out;

  const Section* analyze = FindSection(sections_, "kora analyze");
  ASSERT_NE(analyze, nullptr) << "docs/cli.md has no section \"## kora analyze\"";
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : analyze->lines) {
    if (line.rfind("| `", 0) == 0) rows.push_back(TableCells(line));
  }
  auto row_for = [&](const std::string& name) -> const std::vector<std::string>* {
    for (const auto& r : rows) {
      if (!r.empty() && r[0].find("`" + name + "`") != std::string::npos) return &r;
    }
    return nullptr;
  };
  for (const HelpOption& o : options) {
    const std::vector<std::string>* row = row_for(o.long_name);
    ASSERT_NE(row, nullptr) << "docs/cli.md has no option row for " << o.long_name;
    ASSERT_EQ(row->size(), 4u) << o.long_name << ": expected | option | value | default | meaning |";
    if (!o.short_name.empty()) {
      EXPECT_NE((*row)[0].find("`" + o.short_name + "`"), std::string::npos) << o.long_name;
    }
    if (o.long_name != "--help") {
      EXPECT_FALSE((*row)[2].empty()) << o.long_name << " has no default";
    }
    EXPECT_FALSE((*row)[3].empty()) << o.long_name << " has no description";
  }
  ASSERT_NE(HelpBlock(help.out, "Positionals:").size(), 0u);
  EXPECT_NE(row_for("paths"), nullptr) << "docs/cli.md does not document the paths argument";

  // No row documents an option the CLI does not have.
  static const std::regex kLong("`(--[a-z][a-z0-9-]*)`");
  for (const auto& r : rows) {
    std::smatch m;
    if (r.empty() || !std::regex_search(r[0], m, kLong)) continue;
    EXPECT_TRUE(names.count(m[1])) << "docs/cli.md documents " << m[1] << ", which `kora analyze` does not have";
  }
}

TEST_F(CliDoc, DocumentsTheRulesOptions) {
  CommandResult help = RunKora({"rules", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::string section = SectionText("kora rules");
  std::vector<HelpOption> options = ParseOptions(help.out);
  ASSERT_FALSE(options.empty());
  for (const HelpOption& o : options) {
    if (o.long_name == "--help") continue;
    EXPECT_NE(section.find(o.long_name), std::string::npos) << o.long_name;
    if (!o.short_name.empty()) {
      EXPECT_NE(section.find("`" + o.short_name), std::string::npos) << o.short_name;
    }
  }
}

TEST_F(CliDoc, DocumentsTheGraphOptions) {
  CommandResult help = RunKora({"graph", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::vector<HelpOption> options = ParseOptions(help.out);
  auto is_format = [](const HelpOption& o) { return o.long_name == "--format"; };
  ASSERT_TRUE(std::any_of(options.begin(), options.end(), is_format)) << "could not parse:\n" << help.out;
  const Section* graph = FindSection(sections_, "kora graph");
  ASSERT_NE(graph, nullptr) << "docs/cli.md has no section \"## kora graph\"";
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : graph->lines) {
    if (line.rfind("| `", 0) == 0) rows.push_back(TableCells(line));
  }
  for (const HelpOption& o : options) {
    auto row = std::find_if(rows.begin(), rows.end(), [&](const std::vector<std::string>& r) {
      return !r.empty() && r[0].find("`" + o.long_name + "`") != std::string::npos;
    });
    ASSERT_NE(row, rows.end()) << "the kora graph section of docs/cli.md has no row for " << o.long_name;
    ASSERT_EQ(row->size(), 4u) << o.long_name << ": expected | option | value | default | meaning |";
    if (!o.short_name.empty()) {
      EXPECT_NE((*row)[0].find("`" + o.short_name + "`"), std::string::npos) << o.long_name;
    }
    EXPECT_FALSE((*row)[3].empty()) << o.long_name << " has no description";
  }
}

TEST_F(CliDoc, DocumentsTheExitCodes) {
  const Section* codes = FindSection(sections_, "Exit codes");
  ASSERT_NE(codes, nullptr);
  for (const std::string status : {"0", "1", "2"}) {
    bool found = std::any_of(codes->lines.begin(), codes->lines.end(), [&](const std::string& l) {
      std::vector<std::string> cells = l.rfind("| ", 0) == 0 ? TableCells(l) : std::vector<std::string>{};
      return cells.size() == 2 && cells[0] == status && !cells[1].empty();
    });
    EXPECT_TRUE(found) << "no row for exit status " << status;
  }
  // The diagnostics the page quotes for status 2 are the ones kora prints.
  std::string text = JoinLines(codes->lines);
  CommandResult missing = RunKora({"analyze", "/nonexistent/kora-docs-test.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("kora: nothing could be read"), std::string::npos) << missing.err;
  EXPECT_NE(text.find("kora: nothing could be read"), std::string::npos);
  CommandResult empty = RunKora({"analyze", "-"}, "# only a comment\n");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("kora: no Kubernetes objects in the input"), std::string::npos) << empty.err;
  EXPECT_NE(text.find("kora: no Kubernetes objects in the input"), std::string::npos);
}

// Field paths of a JSON report: "findings[].location" style, with the
// fields of a location relative to it ("object.kind"), as the page lists them.
void CollectFields(Node n, const std::string& path, std::set<std::string>& out) {
  if (n.IsSeq()) {
    for (Node item : n.Items()) CollectFields(item, path + "[]", out);
    return;
  }
  if (!n.IsMap()) return;
  for (auto [key, value] : n.Entries()) {
    std::string name(key.Str());
    std::string field = path.empty() ? name : path + "." + name;
    out.insert(field);
    // Keys of these maps are data (skip reasons, kinds), not fields.
    if (field == "inputs.skipped" || field == "inputs.objectsByKind") continue;
    CollectFields(value, name == "location" ? std::string() : field, out);
  }
}

TEST(JsonFormatDoc, DocumentsEveryFieldTheWriterEmits) {
  // Exercises a Helm template, a container finding, a related location and
  // an excerpt.
  const std::string input =
      "# Source: shop/templates/web.yaml\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n"
      "spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
      "    spec:\n      containers:\n      - name: web\n        image: nginx:latest\n"
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  name: d\n"
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken}\n";
  AnalysisOptions options = AllRulesOptions();
  LoadResult load = LoadText(input, "rendered.yaml");
  Context ctx(load, options);
  std::vector<Finding> findings = RunRules(ctx);
  std::ostringstream out;
  MakeWriter("json", WriterOptions{})->Write(ReportInput{load, findings, options}, out);
  std::string report = out.str();

  ParsedFile parsed = ParseJson(report, 0, LoadOptions{});
  ASSERT_TRUE(parsed.problems.empty()) << report;
  ASSERT_EQ(parsed.docs.size(), 1u);
  Node root = parsed.docs[0]->Root();
  EXPECT_EQ(root["schemaVersion"].Int().value_or(-1), 1);

  std::set<std::string> fields;
  CollectFields(root, "", fields);
  for (const char* exercised : {"findings[].container", "findings[].excerpt", "findings[].related[].message",
                                "object.helmTemplate", "path", "startLine"}) {
    EXPECT_TRUE(fields.count(exercised)) << "the test input no longer produces " << exercised << ":\n" << report;
  }

  std::string doc = ReadFile(DocPath("json-format.md"));
  EXPECT_NE(doc.find("\"schemaVersion\": 1"), std::string::npos);
  std::vector<std::string> rows;
  for (const std::string& line : SplitLines(doc)) {
    if (line.rfind("| `", 0) == 0) rows.push_back(TableCells(line)[0]);
  }
  for (const std::string& field : fields) {
    bool documented = std::find(rows.begin(), rows.end(), "`" + field + "`") != rows.end();
    EXPECT_TRUE(documented) << "docs/json-format.md has no table row for `" << field << "`";
  }
}

// Every edge kind and every resolution has its name in docs/references.md:
// the edge table has one row per kind, and no row for a kind that does not exist.
TEST(ReferencesDoc, NamesEveryEdgeKindAndResolution) {
  std::vector<std::string> lines = SplitLines(ReadFile(DocPath("references.md")));
  std::vector<Section> sections = Sections(lines);
  const Section* edges = FindSection(sections, "Edge kinds");
  ASSERT_NE(edges, nullptr) << "docs/references.md has no section \"## Edge kinds\"";
  std::set<std::string> rows;
  for (const std::string& line : edges->lines) {
    if (line.rfind("| `", 0) == 0) rows.insert(TableCells(line)[0]);
  }
  std::set<std::string> kinds;
  // EdgeKind is a dense enum; EdgeKindName answers "reference" past its end.
  for (int k = 0; k < 256 && EdgeKindName(static_cast<EdgeKind>(k)) != "reference"; ++k) {
    kinds.insert("`" + std::string(EdgeKindName(static_cast<EdgeKind>(k))) + "`");
  }
  ASSERT_GT(kinds.size(), 20u);
  for (const std::string& kind : kinds) {
    EXPECT_TRUE(rows.count(kind)) << "docs/references.md has no table row for the edge kind " << kind;
  }
  for (const std::string& row : rows) {
    EXPECT_TRUE(kinds.count(row)) << "docs/references.md documents the edge kind " << row
                                  << ", which kora does not have";
  }
  std::string text = JoinLines(lines);
  for (int r = 0; r <= static_cast<int>(Resolution::kUnverifiable); ++r) {
    std::string name = "| `" + std::string(ResolutionName(static_cast<Resolution>(r))) + "` |";
    EXPECT_NE(text.find(name), std::string::npos) << "docs/references.md does not list the resolution " << name;
  }
}

// What `kora analyze example.yaml [--complete] [--assume X]...` or
// `kora graph example.yaml` prints, computed in-process.
std::string CommandOutput(const std::string& yaml, const std::string& command) {
  std::istringstream words(command);
  std::vector<std::string> args;
  for (std::string w; words >> w;) args.push_back(w);
  AnalysisOptions options;
  for (size_t i = 3; i < args.size(); ++i) {
    if (args[i] == "--complete") {
      options.complete = true;
    } else if (args[i] == "--assume" && i + 1 < args.size()) {
      const std::string& v = args[++i];
      size_t a = v.find('/'), b = v.find('/', a + 1);
      options.assume.push_back(b == std::string::npos ? ObjectKey{v.substr(0, a), "", v.substr(a + 1)}
                                                      : ObjectKey{v.substr(0, a), v.substr(a + 1, b - a - 1),
                                                                  v.substr(b + 1)});
    } else if (args[i] == "--enable" && i + 1 < args.size()) {
      options.enable.insert(args[++i]);
    } else {
      ADD_FAILURE() << "the docs test does not know the option " << args[i] << " in: " << command;
    }
  }
  LoadResult load = LoadText(yaml, "example.yaml");
  Context ctx(load, options);
  std::ostringstream out;
  if (args[1] == "graph") {
    ctx.graph().WriteDot(out, ctx.sources());
  } else {
    std::vector<Finding> findings = RunRules(ctx);
    MakeWriter("text", WriterOptions{})->Write(ReportInput{load, findings, options}, out);
  }
  return out.str();
}

TEST(ReferencesDoc, ExamplesShowWhatKoraPrints) {
  std::vector<Fence> fences = Fences(SplitLines(ReadFile(DocPath("references.md"))));
  static const std::regex kCommand(R"(^\$ kora (analyze|graph) example\.yaml( .*)?$)");
  const Fence* yaml = nullptr;
  size_t checked = 0;
  for (const Fence& f : fences) {
    if (f.info == "yaml") yaml = &f;
    if (f.info != "text" || f.lines.empty() || !std::regex_match(f.lines[0], kCommand)) continue;
    ASSERT_NE(yaml, nullptr) << "no ```yaml block before " << f.lines[0];
    std::vector<std::string> shown(f.lines.begin() + 1, f.lines.end());
    EXPECT_EQ(JoinLines(shown), CommandOutput(JoinLines(yaml->lines), f.lines[0].substr(2)))
        << "the output shown for `" << f.lines[0] << "` differs from kora's (the example is the ```yaml block above)";
    ++checked;
  }
  EXPECT_GE(checked, 5u);
}

// GitHub's anchor for a heading: lower case, punctuation other than '-' and
// '_' dropped, spaces turned into '-'.
std::string Anchor(const std::string& heading) {
  std::string out;
  for (unsigned char c : heading) {
    if (std::isalnum(c) || c == '-' || c == '_') {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (c == ' ') {
      out.push_back('-');
    }
  }
  return out;
}

std::set<std::string> Anchors(const std::vector<std::string>& lines) {
  std::set<std::string> out;
  bool in_fence = false;
  for (const std::string& line : lines) {
    if (IsFenceLine(line)) in_fence = !in_fence;
    if (in_fence || line.empty() || line[0] != '#') continue;
    size_t text = line.find_first_not_of('#');
    if (text != std::string::npos && line[text] == ' ') out.insert(Anchor(line.substr(text + 1)));
  }
  return out;
}

// Links between pages point at headings that exist, and links to rule pages
// at pages that exist. (Pages maintained elsewhere, such as limits.md, may be
// absent from this tree; their anchors cannot be checked.)
TEST(DocsLinks, PointAtExistingHeadings) {
  static const std::regex kLink(R"(\]\(([^)\s]+)\))");
  size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(DocPath(""))) {
    if (entry.path().extension() != ".md") continue;
    std::vector<std::string> lines = SplitLines(ReadFile(entry.path().string()));
    bool in_fence = false;
    for (const std::string& line : lines) {
      if (IsFenceLine(line)) in_fence = !in_fence;
      if (in_fence) continue;
      for (std::sregex_iterator m(line.begin(), line.end(), kLink), end; m != end; ++m) {
        std::string target = (*m)[1];
        if (target.find("://") != std::string::npos) continue;
        size_t hash = target.find('#');
        std::string file = target.substr(0, hash);
        fs::path path = file.empty() ? entry.path() : (entry.path().parent_path() / file).lexically_normal();
        bool rule_page = path.parent_path().filename() == "rules";
        if (!fs::exists(path)) {
          EXPECT_FALSE(rule_page) << entry.path() << " links to the missing rule page " << target;
          continue;
        }
        if (hash == std::string::npos || fs::is_directory(path)) continue;
        std::string anchor = target.substr(hash + 1);
        EXPECT_TRUE(Anchors(SplitLines(ReadFile(path.string()))).count(anchor))
            << entry.path() << " links to " << target << ", but " << path.filename() << " has no such heading";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50u);
}

// The README's example output is what `scripts/example.sh` prints: the same
// command, run from the repository root so paths read the same.
TEST(Readme, ExampleOutputIsWhatKoraPrints) {
  std::string readme = ReadFile(SourceDir() + "/README.md");
  size_t at = readme.find("Example output (`scripts/example.sh`)");
  ASSERT_NE(at, std::string::npos);
  size_t open = readme.find("```\n", at);
  ASSERT_NE(open, std::string::npos);
  open += 4;
  size_t close = readme.find("```", open);
  ASSERT_NE(close, std::string::npos);
  CommandResult r = RunKora({"analyze", "fixtures/scenarios/argocd-degraded-image-pull"}, "",
                            "cd '" + SourceDir() + "' && NO_COLOR=1");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(readme.substr(open, close - open), r.out) << "update the README's example from scripts/example.sh";
}

}  // namespace
}  // namespace kora::test
