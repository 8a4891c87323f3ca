#include "analyzer/apiversions.h"

#include <algorithm>
#include <charconv>

#include "analyzer/data/api_versions_data.h"

namespace kora {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

struct Table {
  std::vector<ApiVersionInfo> rows;
  std::vector<std::string> errors;
  int newest = 0;
};

const Table& LoadTable() {
  static const Table table = [] {
    Table t;
    std::string_view text = kApiVersionsTsv;
    size_t line_no = 0;
    bool header_seen = false;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line[0] == '#') continue;
      auto error = [&](const std::string& why) {
        t.errors.push_back("api-versions.tsv:" + std::to_string(line_no) + ": " + why);
      };
      std::vector<std::string_view> cols = SplitTabs(line);
      if (!header_seen) {
        header_seen = true;
        if (line != "api_version\tkind\tdeprecated_in\tremoved_in\treplacement\tchanges") error("unexpected header");
        continue;
      }
      if (cols.size() != 6) {
        error("expected 6 columns, found " + std::to_string(cols.size()));
        continue;
      }
      ApiVersionInfo info;
      info.api_version = cols[0];
      info.kind = cols[1];
      if (cols[2] != "-") {
        std::optional<int> d = ParseKubeVersion(cols[2]);
        if (!d) error("deprecated_in is not a version: " + std::string(cols[2]));
        info.deprecated_in = d.value_or(0);
      }
      std::optional<int> r = ParseKubeVersion(cols[3]);
      if (!r) error("removed_in is not a version: " + std::string(cols[3]));
      info.removed_in = r.value_or(0);
      if (cols[4] != "-") info.replacement = cols[4];
      if (cols[5] != "none" && cols[5] != "none listed") info.changes = cols[5];
      if (info.api_version.empty() || info.kind.empty()) error("empty api_version or kind");
      t.newest = std::max({t.newest, info.removed_in, info.deprecated_in});
      t.rows.push_back(info);
    }
    if (!header_seen) t.errors.push_back("api-versions.tsv: no header");
    return t;
  }();
  return table;
}

}  // namespace

const std::vector<ApiVersionInfo>& ApiVersionTable() { return LoadTable().rows; }
const std::vector<std::string>& ApiVersionTableErrors() { return LoadTable().errors; }
std::string_view ApiVersionTableSource() { return kApiVersionsTsv; }
int NewestKubeMinor() { return LoadTable().newest; }

const ApiVersionInfo* FindApiVersion(std::string_view api_version, std::string_view kind) {
  // Fifty rows: a scan is as fast as an index and needs none.
  for (const ApiVersionInfo& row : ApiVersionTable()) {
    if (row.api_version == api_version && row.kind == kind) return &row;
  }
  return nullptr;
}

std::optional<int> ParseKubeVersion(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  if (text.substr(0, 2) != "1.") return std::nullopt;
  text.remove_prefix(2);
  int minor = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minor);
  if (ec != std::errc() || end == text.data() || minor < 0 || minor > 999) return std::nullopt;
  std::string_view rest(end, static_cast<size_t>(text.data() + text.size() - end));
  if (rest.empty()) return minor;
  // A patch release: "1.29.3".
  if (rest[0] != '.' || rest.size() == 1) return std::nullopt;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return minor;
}

std::string KubeVersionName(int minor) { return "1." + std::to_string(minor); }

Migration MigrationAt(const ApiVersionInfo& from, int target_minor) {
  Migration m;
  const ApiVersionInfo* cur = &from;
  // The table has no cycles (tested); the bound guards against a bad edit.
  for (int i = 0; i < 8 && cur; ++i) {
    m.steps.push_back(cur);
    m.api_version = cur->replacement;
    const ApiVersionInfo* next = cur->replacement.empty() ? nullptr : FindApiVersion(cur->replacement, cur->kind);
    cur = next && next->removed_in <= target_minor ? next : nullptr;
  }
  return m;
}

}  // namespace kora
