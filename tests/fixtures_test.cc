// Runs every rule fixture: fixtures/rules/<rule-id>.yaml carries its
// expectations inline. A `# expect: <rule-id>` comment says a finding of that
// rule must start on the next line; the runner fails on anything missing or
// extra, for the file's own rule and for every rule an expect line names.
// `# kora-options: namespace=x complete kube-version=1.21 param.allowed=a,b`
// sets options for the whole file (param.* for the file's own rule).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

struct Expectations {
  std::multiset<std::pair<uint32_t, std::string>> expected;  // (line, rule)
  std::set<std::string> rules;
  std::map<std::string, std::string> options;
  size_t documents_without_own_rule = 0;
};

Expectations ParseExpectations(const std::string& text, const std::string& own_rule) {
  Expectations e;
  e.rules.insert(own_rule);
  std::istringstream in(text);
  std::string line;
  uint32_t n = 0;
  static const std::regex kExpect(R"(^\s*#\s*expect:\s*(.+?)\s*$)");
  static const std::regex kOptions(R"(^\s*#\s*kora-options:\s*(.+?)\s*$)");
  bool doc_has_own = false, doc_has_content = false;
  auto end_doc = [&] {
    if (doc_has_content && !doc_has_own) e.documents_without_own_rule++;
    doc_has_own = doc_has_content = false;
  };
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (line.rfind("---", 0) == 0) end_doc();
    if (std::regex_match(line, m, kExpect)) {
      std::string ids = m[1];
      for (char& c : ids) {
        if (c == ',') c = ' ';
      }
      std::istringstream idss(ids);
      std::string id;
      while (idss >> id) {
        e.expected.emplace(n + 1, id);
        e.rules.insert(id);
        if (id == own_rule) doc_has_own = true;
      }
    } else if (std::regex_match(line, m, kOptions)) {
      std::istringstream os(m[1].str());
      std::string kv;
      while (os >> kv) {
        auto eq = kv.find('=');
        e.options[kv.substr(0, eq)] = eq == std::string::npos ? "true" : kv.substr(eq + 1);
      }
    } else if (!line.empty() && line[0] != '#' && line.rfind("---", 0) != 0) {
      doc_has_content = true;
    }
  }
  end_doc();
  return e;
}

std::vector<std::string> FixtureFiles() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(SourceDir() + "/fixtures/rules")) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, FindingsMatchExpectationsExactly) {
  const std::string path = GetParam();
  const std::string rule = fs::path(path).stem().string();
  ASSERT_NE(FindRule(rule), nullptr) << "fixture " << path << " names no registered rule";
  Expectations e = ParseExpectations(ReadFile(path), rule);
  AnalysisOptions options = AllRulesOptions();
  LoadOptions load_options;
  if (e.options.count("namespace")) load_options.default_namespace = e.options["namespace"];
  if (e.options.count("complete")) options.complete = e.options["complete"] == "true";
  if (e.options.count("kube-version")) options.kube_version = e.options["kube-version"];
  // param.<name>=a,b sets a parameter of the fixture's own rule.
  for (const auto& [key, value] : e.options) {
    if (key.rfind("param.", 0) != 0) continue;
    std::vector<std::string>& values = options.params[rule][key.substr(6)];
    std::istringstream items(value);
    for (std::string item; std::getline(items, item, ',');) values.push_back(item);
  }
  Analysis a = Analyze({path}, options, load_options);
  std::multiset<std::pair<uint32_t, std::string>> actual;
  std::map<std::pair<uint32_t, std::string>, std::string> messages;
  for (const Finding& f : a.findings) {
    if (!e.rules.count(std::string(f.rule))) continue;
    auto key = std::make_pair(f.loc.span.begin.line, std::string(f.rule));
    actual.insert(key);
    messages[key] = f.message;
  }
  std::vector<std::string> missing, extra;
  std::multiset<std::pair<uint32_t, std::string>> rest = actual;
  for (const auto& exp : e.expected) {
    auto it = rest.find(exp);
    if (it == rest.end()) {
      missing.push_back("line " + std::to_string(exp.first) + ": " + exp.second);
    } else {
      rest.erase(it);
    }
  }
  for (const auto& x : rest) {
    extra.push_back("line " + std::to_string(x.first) + ": " + x.second + " (" + messages[x] + ")");
  }
  std::string report;
  for (const auto& m : missing) report += "\n  missing " + m;
  for (const auto& x : extra) report += "\n  unexpected " + x;
  EXPECT_TRUE(missing.empty() && extra.empty()) << path << report;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RuleFixture, ::testing::ValuesIn(FixtureFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// Every rule has a fixture that fires and a place where it must stay silent.
TEST(RuleFixtures, EveryRuleHasFixturesBothWays) {
  for (const auto& rule : AllRules()) {
    std::string id(rule->info().id);
    std::string path = SourceDir() + "/fixtures/rules/" + id + ".yaml";
    ASSERT_TRUE(fs::exists(path)) << "no fixture for rule " << id;
    Expectations e = ParseExpectations(ReadFile(path), id);
    size_t fires = 0;
    for (const auto& [line, r] : e.expected) fires += r == id;
    EXPECT_GT(fires, 0u) << id << ": fixture has no `# expect: " << id << "` line";
    EXPECT_GT(e.documents_without_own_rule, 0u)
        << id << ": fixture needs at least one document where the rule must stay silent";
  }
}

}  // namespace
}  // namespace kora::test
