// Synthetic cluster dumps for benchmarks: Deployments, Services, ConfigMaps,
// Secrets and ServiceAccounts shaped like `kubectl get -o yaml|json` output
// (server-set metadata, status, sorted keys). Deterministic for a seed on any
// platform: no std:: distributions, whose results differ between libraries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kora::bench {

enum class DumpFormat {
  kYamlStream,  // one document per object, each after a `---` line
  kYamlList,    // one `kind: List` document, as `kubectl get a,b,c -o yaml` prints
  kJsonList,    // one `kind: List` object with 4-space indentation, as `kubectl get -o json`
};

struct DumpOptions {
  uint64_t objects = 1000;
  DumpFormat format = DumpFormat::kYamlStream;
  uint64_t seed = 1;
  uint64_t namespaces = 0;  // 0: one namespace per 250 objects
  // Only part `part` of `parts` equal, contiguous slices of the dump, so that
  // one dump can be written as several files (for --jobs).
  uint64_t part = 0;
  uint64_t parts = 1;
};

struct DumpSummary {
  uint64_t objects = 0;
  uint64_t bytes = 0;
  uint64_t deployments = 0, services = 0, config_maps = 0, secrets = 0, service_accounts = 0;
};

// Writes the dump in pieces to sink (each piece a few KiB to a few MiB).
DumpSummary WriteDump(const DumpOptions& options, const std::function<void(std::string_view)>& sink);
// The whole dump in memory.
std::string MakeDump(const DumpOptions& options, DumpSummary* summary = nullptr);

}  // namespace kora::bench
