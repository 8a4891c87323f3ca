// docs/rules/peers.md maps every built-in check of kube-linter, kube-score
// and Polaris to a kora rule: one table with fixed columns, one row per check
// of tests/data/peers.tsv (the inventory), and only rule ids kora has.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "analyzer/rule.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

struct Row {
  std::string tool, check, rule, note;
};

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      size_t b = cell.find_first_not_of(' ');
      size_t e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
      cell.clear();
    } else {
      cell.push_back(line[i]);
    }
  }
  return cells;
}

class PeersTable : public ::testing::Test {
 protected:
  void SetUp() override {
    std::istringstream in(ReadFile(SourceDir() + "/docs/rules/peers.md"));
    std::vector<std::string> table;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("|", 0) == 0) table.push_back(line);
    }
    ASSERT_GE(table.size(), 3u);
    header_ = table[0];
    separator_ = table[1];
    for (size_t i = 2; i < table.size(); ++i) {
      std::vector<std::string> c = Cells(table[i]);
      ASSERT_EQ(c.size(), 4u) << table[i];
      rows_.push_back(Row{c[0], c[1], c[2], c[3]});
    }
    std::istringstream tsv(ReadFile(SourceDir() + "/tests/data/peers.tsv"));
    std::string line;
    std::getline(tsv, line);  // header
    while (std::getline(tsv, line)) {
      std::istringstream cols(line);
      std::string tool, check;
      std::getline(cols, tool, '\t');
      std::getline(cols, check, '\t');
      inventory_.emplace_back(tool, check);
    }
  }
  std::string header_, separator_;
  std::vector<Row> rows_;
  std::vector<std::pair<std::string, std::string>> inventory_;
};

TEST_F(PeersTable, HasExactlyTheFourColumns) {
  EXPECT_EQ(header_, "| tool | peer check | kora rule | note |");
  EXPECT_EQ(separator_, "|---|---|---|---|");
}

TEST_F(PeersTable, OneRowPerPeerCheckOfTheInventory) {
  std::map<std::string, size_t> per_tool;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Row& r : rows_) {
    per_tool[r.tool]++;
    EXPECT_TRUE(seen.emplace(r.tool, r.check).second) << r.tool << " " << r.check << " listed twice";
  }
  EXPECT_EQ(per_tool["kube-linter"], 63u);
  EXPECT_EQ(per_tool["kube-score"], 39u);
  std::set<std::pair<std::string, std::string>> expected(inventory_.begin(), inventory_.end());
  EXPECT_EQ(expected.size(), inventory_.size()) << "tests/data/peers.tsv lists a check twice";
  EXPECT_EQ(seen, expected);
  size_t polaris = 0;
  for (const auto& [tool, check] : inventory_) polaris += tool == "polaris";
  EXPECT_EQ(per_tool["polaris"], polaris);
  EXPECT_EQ(per_tool.size(), 3u) << "a tool other than kube-linter, kube-score and polaris";
}

TEST_F(PeersTable, EveryRuleIdNamedExists) {
  static const std::regex kQuotedId("`([a-z0-9]+(?:-[a-z0-9]+)+)`");
  size_t mapped = 0;
  for (const Row& r : rows_) {
    SCOPED_TRACE(r.tool + " " + r.check);
    if (r.rule == "-") {
      EXPECT_FALSE(r.note.empty()) << "a check kora does not cover needs the reason in the note";
    } else {
      EXPECT_NE(FindRule(r.rule), nullptr) << "no rule " << r.rule;
      ++mapped;
    }
    for (std::sregex_iterator it(r.note.begin(), r.note.end(), kQuotedId), end; it != end; ++it) {
      EXPECT_NE(FindRule((*it)[1].str()), nullptr) << "the note names no rule " << (*it)[1];
    }
  }
  EXPECT_GT(mapped, rows_.size() / 3);
}

}  // namespace
}  // namespace kora::test
