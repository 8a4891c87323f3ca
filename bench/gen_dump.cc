// gen_dump: writes a synthetic cluster dump to stdout, for benchmarks.
//   gen_dump --objects N --format yaml|yaml-list|json [--seed S] [--namespaces K] [--part I/P]
// yaml: one document per object after `---`; yaml-list and json: one
// `kind: List`, as `kubectl get ... -o yaml|json` prints several objects.
// --part I/P writes only the I-th (0-based) of P contiguous slices, so one
// dump can be spread over several files.
// A summary (objects by kind, bytes) goes to stderr.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "bench/dump_gen.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "gen_dump: %s\nusage: gen_dump --objects N --format yaml|yaml-list|json [--seed S] "
               "[--namespaces K] [--part I/P]\n",
               why);
  return 2;
}

bool ParseCount(const char* text, uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  kora::bench::DumpOptions options;
  bool have_objects = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage(("missing value after " + std::string(arg)).c_str());
    const char* value = argv[++i];
    if (arg == "--objects") {
      if (!ParseCount(value, options.objects)) return Usage("--objects needs a non-negative integer");
      have_objects = true;
    } else if (arg == "--seed") {
      if (!ParseCount(value, options.seed)) return Usage("--seed needs a non-negative integer");
    } else if (arg == "--namespaces") {
      if (!ParseCount(value, options.namespaces)) return Usage("--namespaces needs a non-negative integer");
    } else if (arg == "--part") {
      std::string_view v = value;
      size_t slash = v.find('/');
      if (slash == std::string_view::npos || !ParseCount(std::string(v.substr(0, slash)).c_str(), options.part) ||
          !ParseCount(std::string(v.substr(slash + 1)).c_str(), options.parts) || options.parts == 0 ||
          options.part >= options.parts) {
        return Usage("--part needs I/P with 0 <= I < P");
      }
    } else if (arg == "--format") {
      std::string_view f = value;
      if (f == "yaml") {
        options.format = kora::bench::DumpFormat::kYamlStream;
      } else if (f == "yaml-list") {
        options.format = kora::bench::DumpFormat::kYamlList;
      } else if (f == "json") {
        options.format = kora::bench::DumpFormat::kJsonList;
      } else {
        return Usage("--format is yaml, yaml-list or json");
      }
    } else {
      return Usage(("unknown option " + std::string(arg)).c_str());
    }
  }
  if (!have_objects) return Usage("--objects is required");
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
  bool write_failed = false;
  kora::bench::DumpSummary s = kora::bench::WriteDump(options, [&](std::string_view piece) {
    if (!write_failed && std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) write_failed = true;
  });
  if (std::fflush(stdout) != 0 || write_failed) {
    std::fprintf(stderr, "gen_dump: write error: %s\n", std::strerror(errno));
    return 1;
  }
  std::fprintf(stderr,
               "gen_dump: %llu objects (%llu Deployment, %llu Service, %llu ConfigMap, %llu Secret, "
               "%llu ServiceAccount), %llu bytes\n",
               static_cast<unsigned long long>(s.objects), static_cast<unsigned long long>(s.deployments),
               static_cast<unsigned long long>(s.services), static_cast<unsigned long long>(s.config_maps),
               static_cast<unsigned long long>(s.secrets), static_cast<unsigned long long>(s.service_accounts),
               static_cast<unsigned long long>(s.bytes));
  return 0;
}
