// Scenarios: fixtures/scenarios/<name>/ holds the evidence of one incident
// and `expected.diagnoses`, the diagnoses kora must produce: exactly these,
// no more, no fewer (rule | object | cause per line). An optional
// `expected.details` says what those diagnoses (or other findings) must (or
// must not) say:
// `rule | object | field | contains|lacks | text`, where field is one of
// message, fix, verify, symptom, chain (step messages and their evidence),
// chain-objects (the object each step is located at), hypotheses
// ("confirmed: ", "ruled out: " or "open: " + text + " — " + evidence) and
// affected.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

// Every scenario directory; with a file name, those that have that file.
std::vector<std::string> Scenarios(const std::string& having = "") {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(SourceDir() + "/fixtures/scenarios")) {
    if (!e.is_directory() || (!having.empty() && !fs::exists(e.path() / having))) continue;
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

std::multiset<std::string> Expected(const std::string& dir) {
  std::multiset<std::string> out;
  std::istringstream in(ReadFile(dir + "/expected.diagnoses"));
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::string a, b, c;
    std::istringstream cols(line);
    std::getline(cols, a, '|');
    std::getline(cols, b, '|');
    std::getline(cols, c, '|');
    out.insert(Trim(a) + " | " + Trim(b) + " | " + Trim(c));
  }
  return out;
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, DiagnosesAreExactlyTheExpectedOnes) {
  std::string dir = SourceDir() + "/fixtures/scenarios/" + GetParam();
  ASSERT_TRUE(fs::exists(dir + "/expected.diagnoses")) << dir;
  std::multiset<std::string> expected = Expected(dir);
  ASSERT_FALSE(expected.empty());
  AnalysisOptions options;  // the default profile: what a user gets
  Analysis a = Analyze({dir}, options);
  std::multiset<std::string> actual;
  std::string details;
  for (const Finding& f : a.findings) {
    if (!f.IsDiagnosis()) continue;
    std::string object = f.loc.object == kNoObject ? "-" : (*a.load.objects)[f.loc.object].Ref();
    actual.insert(std::string(f.rule) + " | " + object + " | " + f.cause);
    details += "\n  " + std::string(f.rule) + " | " + object + " | " + f.cause + ": " + f.message;
    EXPECT_FALSE(f.chain.empty());
    EXPECT_FALSE(f.fix.empty()) << f.message;
    EXPECT_FALSE(f.hypotheses.empty()) << f.message;
  }
  EXPECT_EQ(actual, expected) << "actual diagnoses:" << details;
}

// One field of a diagnosis as the details file names it, one line per item.
std::string Field(const Finding& f, const std::string& field, const ObjectSet& objects) {
  std::string out;
  auto add = [&](const std::string& line) { out += line + "\n"; };
  if (field == "message") {
    add(f.message);
  } else if (field == "fix") {
    add(f.fix);
  } else if (field == "verify") {
    add(f.verify);
  } else if (field == "symptom") {
    add(f.symptom);
  } else if (field == "chain") {
    for (const ChainStep& s : f.chain) {
      add(s.message);
      for (const std::string& e : s.evidence) add("- " + e);
    }
  } else if (field == "chain-objects") {
    for (const ChainStep& s : f.chain) add(s.loc.object == kNoObject ? "-" : objects[s.loc.object].Ref());
  } else if (field == "hypotheses") {
    for (const Hypothesis& h : f.hypotheses) {
      add(std::string(h.open ? "open: " : h.confirmed ? "confirmed: " : "ruled out: ") + h.text + " — " + h.evidence);
    }
  } else if (field == "affected") {
    for (const std::string& a : f.affected) add(a);
  } else {
    ADD_FAILURE() << "unknown field " << field;
  }
  return out;
}

// Scenarios with an expected.details file: what their diagnoses must say.
class ScenarioDetails : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioDetails, DiagnosesSayWhatTheDetailsExpect) {
  std::string dir = SourceDir() + "/fixtures/scenarios/" + GetParam();
  AnalysisOptions options;
  Analysis a = Analyze({dir}, options);
  std::istringstream in(ReadFile(dir + "/expected.details"));
  std::string line;
  size_t checks = 0;
  while (std::getline(in, line)) {
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    std::vector<std::string> cols;
    std::string rest = line;
    for (int i = 0; i < 4; ++i) {
      size_t bar = rest.find('|');
      ASSERT_NE(bar, std::string::npos) << "malformed line: " << line;
      cols.push_back(Trim(rest.substr(0, bar)));
      rest = rest.substr(bar + 1);
    }
    std::string text = Trim(rest);
    const std::string& rule = cols[0];
    const std::string& object = cols[1];
    const std::string& field = cols[2];
    const std::string& op = cols[3];
    ASSERT_TRUE(op == "contains" || op == "lacks") << line;
    std::vector<const Finding*> matching;
    for (const Finding& f : a.findings) {
      if (f.rule != rule || f.loc.object == kNoObject) continue;
      if ((*a.load.objects)[f.loc.object].Ref() == object) matching.push_back(&f);
    }
    ASSERT_FALSE(matching.empty()) << "no finding " << rule << " on " << object << " for: " << line;
    std::string values;
    bool found = false;
    for (const Finding* f : matching) {
      std::string value = Field(*f, field, *a.load.objects);
      found |= value.find(text) != std::string::npos;
      values += value;
    }
    if (op == "contains") {
      EXPECT_TRUE(found) << line << "\n" << field << " is:\n" << values;
    } else {
      EXPECT_FALSE(found) << line << "\n" << field << " is:\n" << values;
    }
    ++checks;
  }
  EXPECT_GT(checks, 0u) << "expected.details has no checks";
}

std::string ScenarioTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Scenario, ::testing::ValuesIn(Scenarios()), ScenarioTestName);
INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioDetails, ::testing::ValuesIn(Scenarios("expected.details")),
                         ScenarioTestName);

}  // namespace
}  // namespace kora::test
