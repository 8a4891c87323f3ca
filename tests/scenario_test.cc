// Scenarios: fixtures/scenarios/<name>/ holds the evidence of one incident
// and `expected.diagnoses`, the diagnoses kora must produce: exactly these,
// no more, no fewer (rule | object | cause per line).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Scenarios() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(SourceDir() + "/fixtures/scenarios")) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
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

INSTANTIATE_TEST_SUITE_P(Scenarios, Scenario, ::testing::ValuesIn(Scenarios()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace kora::test
