// Kubernetes API versions that were deprecated and removed, and the target
// Kubernetes version they are checked against. The table is
// analyzer/data/api-versions.tsv, compiled in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kora {

// Kubernetes 1.x versions are compared by their minor number.
struct ApiVersionInfo {
  std::string_view api_version;  // "extensions/v1beta1"
  std::string_view kind;         // "Ingress"
  int deprecated_in = 0;         // minor of the first release that warns; 0 when unknown
  int removed_in = 0;            // minor of the first release that no longer serves it
  std::string_view replacement;  // apiVersion to migrate to; empty when there is none
  std::string_view changes;      // the migration's field changes; empty when the guide lists none
};

// Every row of the table, in file order.
const std::vector<ApiVersionInfo>& ApiVersionTable();
// Problems found while reading the compiled-in table (tested to be empty).
const std::vector<std::string>& ApiVersionTableErrors();
// The table's text as compiled in.
std::string_view ApiVersionTableSource();

const ApiVersionInfo* FindApiVersion(std::string_view api_version, std::string_view kind);

// The newest minor the table knows of, the default target.
int NewestKubeMinor();
// "1.29", "v1.29" or "1.29.3" -> 29; nullopt for anything else.
std::optional<int> ParseKubeVersion(std::string_view text);
std::string KubeVersionName(int minor);  // 29 -> "1.29"

// The replacement to use at a target version: follows replacements that are
// themselves removed by then (flowcontrol v1beta1 -> v1beta2 -> v1). Each
// step of the way is in `steps`; the result is the last step's replacement.
struct Migration {
  std::vector<const ApiVersionInfo*> steps;
  std::string_view api_version;  // empty when the API has no replacement
};
Migration MigrationAt(const ApiVersionInfo& from, int target_minor);

}  // namespace kora
