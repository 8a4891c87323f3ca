// The command line: kora analyze | rules | explain, through CLI11.
#include "analyzer/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "analyzer/baseline.h"
#include "analyzer/config.h"
#include "analyzer/apiversions.h"
#include "analyzer/engine.h"
#include "analyzer/evidence.h"
#include "analyzer/load.h"
#include "analyzer/timings.h"
#include "reports/json_out.h"
#include "reports/writer.h"

namespace kora {
namespace {

struct AnalyzeArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  std::string fail_on = "error";
  std::string ns = "default";
  std::string profile = "default";
  std::string color = "auto";
  std::vector<std::string> enable, disable;
  uint64_t max_file_size = 256ull << 20;
  uint64_t max_alias_nodes = 1'000'000;
  uint32_t max_depth = 512;
  uint64_t max_files = 1'000'000;
  uint32_t max_walk_depth = 256;
  unsigned jobs = 0;
  bool complete = false;
  std::vector<std::string> assume;
  std::string now;
  std::string source_root;
  std::string config;
  std::string baseline;
  std::string kube_version;
  std::string pss;
  bool timings = false;
};

bool WantColor(const std::string& mode, bool to_file) {
  if (mode == "always") return true;
  if (mode == "never" || to_file) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

// Parses --assume Kind/namespace/name (or Kind/name for cluster-scoped kinds).
bool ParseAssume(const std::vector<std::string>& items, std::vector<ObjectKey>& out) {
  for (const std::string& item : items) {
    size_t a = item.find('/');
    size_t b = item.find('/', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || a == 0) {
      std::cerr << "kora: --assume wants Kind/namespace/name or Kind/name, got '" << item << "'\n";
      return false;
    }
    ObjectKey key;
    key.kind = item.substr(0, a);
    if (b == std::string::npos) {
      key.name = item.substr(a + 1);
    } else {
      key.ns = item.substr(a + 1, b - a - 1);
      key.name = item.substr(b + 1);
    }
    out.push_back(std::move(key));
  }
  return true;
}

int RunGraph(const AnalyzeArgs& a) {
  LoadOptions lo;
  lo.default_namespace = a.ns;
  lo.jobs = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  AnalysisOptions ao;
  ao.complete = a.complete;
  ao.now = a.now;
  if (!a.now.empty() && !ParseTimestamp(a.now)) {
    std::cerr << "kora: --now wants an RFC 3339 time such as 2025-12-24T10:00:00Z, got '" << a.now << "'\n";
    return kExitUsage;
  }
  if (!ParseAssume(a.assume, ao.assume)) return kExitUsage;
  Loader loader(lo);
  if (a.paths.empty()) loader.AddPath("-");
  for (const std::string& p : a.paths) loader.AddPath(p);
  LoadResult load = loader.Finish();
  for (const std::string& bad : load.bad_paths) std::cerr << "kora: cannot read " << bad << "\n";
  // The graph has no findings to carry input problems: say them on stderr.
  for (const LoadProblem& p : load.problems) {
    if (p.kind == ProblemKind::kUnreadable) continue;
    std::cerr << "kora: " << load.sources->file(p.file).path << ":" << p.span.begin.line << ":" << p.span.begin.col
              << ": " << p.message << "\n";
  }
  if (load.stats.files_read == 0) {
    std::cerr << "kora: nothing could be read\n";
    return kExitUsage;
  }
  Context ctx(load, ao);
  std::ofstream file;
  if (!a.output.empty()) {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "kora: cannot write " << a.output << "\n";
      return kExitUsage;
    }
  }
  std::ostream& out = a.output.empty() ? std::cout : file;
  if (a.format == "json") {
    ctx.graph().WriteJson(out, ctx.sources());
  } else {
    ctx.graph().WriteDot(out, ctx.sources());
  }
  return kExitOk;
}

// Appends items to a list unless the command line said the opposite.
void MergeRuleList(const std::vector<std::string>& from_file, const std::vector<std::string>& cli_opposite,
                   std::vector<std::string>& cli) {
  std::vector<std::string> merged;
  for (const std::string& id : from_file) {
    if (std::find(cli_opposite.begin(), cli_opposite.end(), id) == cli_opposite.end()) merged.push_back(id);
  }
  merged.insert(merged.end(), cli.begin(), cli.end());
  cli = std::move(merged);
}

// Reads .kora.yaml (or --config) into the arguments; options given on the
// command line win. Returns false after printing the error.
bool ApplyConfig(const CLI::App& cmd, AnalyzeArgs& a, Config& config) {
  std::string path = a.config;
  if (path.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(std::string(kConfigFileName), ec)) return true;
    path = kConfigFileName;
  }
  std::string error;
  if (!LoadConfigFile(path, config, error)) {
    std::cerr << "kora: " << error << "\n";
    return false;
  }
  auto take = [&](const char* option, const std::optional<std::string>& value, std::string& arg) {
    if (value && cmd.count(option) == 0) arg = *value;
  };
  take("--profile", config.profile, a.profile);
  take("--namespace", config.default_namespace, a.ns);
  take("--kube-version", config.kube_version, a.kube_version);
  take("--pss", config.pss_level, a.pss);
  std::vector<std::string> cli_enable = a.enable;
  MergeRuleList(config.enable, a.disable, a.enable);
  MergeRuleList(config.disable, cli_enable, a.disable);
  a.assume.insert(a.assume.begin(), config.assume.begin(), config.assume.end());
  return true;
}

// A big input's model is hundreds of MB in millions of blocks; freeing it
// block by block just before the process ends costs about 0.1 s of CPU per
// 100,000 objects for nothing. What a run built stays reachable from here
// (so it is no leak) until exit, when the kernel takes the pages back at once.
template <typename... T>
void KeepUntilExit(std::unique_ptr<T>... owned) {
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  (kept->push_back(std::shared_ptr<void>(std::move(owned))), ...);
}

int RunAnalyze(const CLI::App& cmd, AnalyzeArgs a) {
  Config config;
  if (!ApplyConfig(cmd, a, config)) return kExitUsage;
  LoadOptions lo;
  lo.default_namespace = a.ns;
  lo.max_file_size = a.max_file_size;
  lo.max_alias_nodes = a.max_alias_nodes;
  lo.max_depth = a.max_depth;
  lo.max_files = a.max_files;
  lo.max_walk_depth = a.max_walk_depth;
  lo.jobs = a.jobs ? a.jobs : std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  if (!config.ignore.empty()) {
    lo.ignore = [globs = config.ignore](const std::string& path) { return PathIgnored(path, globs); };
  }
  AnalysisOptions ao;
  ao.profile = *ParseProfile(a.profile);
  ao.complete = a.complete;
  if (!a.kube_version.empty() && !ParseKubeVersion(a.kube_version)) {
    std::cerr << "kora: --kube-version wants a Kubernetes version like 1.29, got '" << a.kube_version << "'\n";
    return kExitUsage;
  }
  ao.kube_version = a.kube_version;
  ao.pss_level = a.pss;
  ao.jobs = lo.jobs;
  ao.severity.insert(config.severity.begin(), config.severity.end());
  for (const auto& [rule, params] : config.params) ao.params[rule] = params;
  if (!ParseAssume(a.assume, ao.assume)) return kExitUsage;
  for (const std::string& id : a.enable) ao.enable.insert(id);
  for (const std::string& id : a.disable) ao.disable.insert(id);
  for (const auto* list : {&a.enable, &a.disable}) {
    for (const std::string& id : *list) {
      if (id != "all" && !FindRule(id)) {
        std::cerr << "kora: unknown rule id '" << id << "' (see `kora rules`)\n";
        return kExitUsage;
      }
    }
  }
  std::optional<Severity> fail_on;
  if (a.fail_on != "never") fail_on = ParseSeverity(a.fail_on);

  if (a.timings) timings::Enable();
  std::optional<timings::Phase> load_phase(std::in_place, "load");
  Loader loader(lo);
  if (a.paths.empty()) {
    loader.AddPath("-");
  } else {
    for (const std::string& p : a.paths) loader.AddPath(p);
  }
  auto load_owner = std::make_unique<LoadResult>(loader.Finish());
  LoadResult& load = *load_owner;
  load_phase.reset();
  for (const std::string& bad : load.bad_paths) std::cerr << "kora: cannot read " << bad << "\n";
  if (load.stats.files_read == 0) {
    // Say why: a limit or an unreadable file is the reason the user needs.
    for (const LoadProblem& p : load.problems) {
      if (p.kind == ProblemKind::kUnreadable && !load.bad_paths.empty()) continue;
      std::cerr << "kora: " << load.sources->file(p.file).path << ": " << p.message << "\n";
    }
    auto ignored = load.stats.skipped.find("ignored");
    if (ignored != load.stats.skipped.end()) {
      std::cerr << "kora: " << ignored->second << " path(s) left out by the ignore globs of " << config.path << "\n";
    }
    std::cerr << "kora: nothing could be read" << (a.paths.empty() ? " from standard input" : "") << "\n";
    return kExitUsage;
  }
  if (load.stats.documents == 0 && load.problems.empty()) {
    std::cerr << "kora: no Kubernetes objects in the input (" << load.stats.files_read << " file"
              << (load.stats.files_read == 1 ? "" : "s") << " read)\n";
    return kExitUsage;
  }

  std::optional<timings::Phase> context_phase(std::in_place, "context (all)");
  auto ctx_owner = std::make_unique<Context>(load, ao);
  Context& ctx = *ctx_owner;
  context_phase.reset();
  std::optional<timings::Phase> rules_phase(std::in_place, "rules (all)");
  auto findings_owner = std::make_unique<std::vector<Finding>>(RunRules(ctx));
  std::vector<Finding>& findings = *findings_owner;
  rules_phase.reset();
  std::optional<BaselineComparison> comparison;
  if (!a.baseline.empty()) {
    Baseline baseline;
    std::string error;
    if (!ReadBaseline(a.baseline, baseline, error)) {
      std::cerr << "kora: " << error << "\n";
      return kExitUsage;
    }
    comparison = CompareWithBaseline(baseline, findings, *load.objects, *load.sources);
  }

  WriterOptions wo;
  wo.color = WantColor(a.color, !a.output.empty());
  // Wrap only for a person at a terminal; files and pipes get one line per finding.
  if (a.output.empty() && ::isatty(STDOUT_FILENO) == 1) {
    struct winsize ws {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) wo.width = ws.ws_col;
  }
  wo.source_root = a.source_root;
  std::unique_ptr<Writer> writer = MakeWriter(a.format, wo);
  ReportInput in{load, findings, ao, comparison ? &*comparison : nullptr, &ctx};
  {
    timings::Phase phase("report");
    if (a.output.empty()) {
      writer->Write(in, std::cout);
      std::cout.flush();
    } else {
      std::ofstream out(a.output, std::ios::binary | std::ios::trunc);
      if (!out) {
        std::cerr << "kora: cannot write " << a.output << "\n";
        return kExitUsage;
      }
      writer->Write(in, out);
    }
  }
  KeepUntilExit(std::move(findings_owner), std::move(ctx_owner), std::move(load_owner));
  if (a.timings) timings::Print(std::cerr);
  if (!fail_on) return kExitOk;
  for (size_t i = 0; i < findings.size(); ++i) {
    // With a baseline only what is new since can fail the run.
    if (comparison && comparison->states[i] != BaselineState::kNew) continue;
    if (findings[i].severity >= *fail_on) return kExitFindings;
  }
  return kExitOk;
}

int RunRulesCommand(const std::string& format) {
  if (format == "json") {
    JsonOut j(std::cout);
    j.BeginArray();
    for (const auto& r : AllRules()) {
      const RuleInfo& i = r->info();
      j.BeginObject();
      j.Field("id", i.id).Field("title", i.title).Field("severity", SeverityName(i.severity));
      j.Field("category", i.category).Field("profiles", ProfilesIncluding(i.profile));
      j.EndObject();
    }
    j.EndArray();
    j.Finish();
    return kExitOk;
  }
  size_t w = 0;
  for (const auto& r : AllRules()) w = std::max(w, r->info().id.size());
  std::cout << std::string("RULE") << std::string(w - 4 + 2, ' ') << "SEVERITY  PROFILES                      TITLE\n";
  for (const auto& r : AllRules()) {
    const RuleInfo& i = r->info();
    std::string sev(SeverityName(i.severity));
    std::string prof = ProfilesIncluding(i.profile);
    std::cout << i.id << std::string(w - i.id.size() + 2, ' ') << sev << std::string(10 - sev.size(), ' ') << prof
              << std::string(prof.size() < 30 ? 30 - prof.size() : 1, ' ') << i.title << "\n";
  }
  return kExitOk;
}

int RunExplain(const std::string& id) {
  const Rule* r = FindRule(id);
  if (!r) {
    std::cerr << "kora: unknown rule id '" << id << "' (see `kora rules`)\n";
    return kExitUsage;
  }
  const RuleInfo& i = r->info();
  std::cout << i.id << ": " << i.title << "\n\n";
  std::cout << "severity: " << SeverityName(i.severity) << "    category: " << i.category
            << "    profiles: " << ProfilesIncluding(i.profile) << "\n\n";
  std::cout << i.help << "\n\nFix:\n" << i.fix << "\n\nDocs: docs/rules/" << i.id << ".md\n";
  return kExitOk;
}

}  // namespace

std::string VersionString() {
  return std::string("kora ") + KORA_VERSION + "\ndefault --kube-version: " + KubeVersionName(NewestKubeMinor()) +
         " (the newest Kubernetes release in kora's deprecated-API table)";
}

int RunCli(int argc, char** argv) {
  CLI::App app{"kora: Kubernetes Offline Root-cause Analyzer. Reads manifests, dumps and events from disk and "
               "reports what is wrong, why, and how to fix it. It never talks to a cluster."};
  app.set_version_flag("--version", VersionString());
  app.require_subcommand(1);

  AnalyzeArgs a;
  CLI::App* analyze = app.add_subcommand("analyze", "Analyze files, directories or stdin ('-', the default)");
  analyze->add_option("paths", a.paths, "Files, directories (walked recursively) or - for stdin");
  analyze->add_option("-f,--format", a.format, "Output format")->check(CLI::IsMember(WriterFormats()));
  analyze->add_option("-o,--output", a.output, "Write the report to this file instead of stdout");
  analyze->add_option("--fail-on", a.fail_on, "Exit 1 when a finding reaches this severity")
      ->check(CLI::IsMember({"error", "warning", "note", "never"}));
  analyze->add_option("-n,--namespace", a.ns, "Namespace for namespaced objects that name none");
  analyze->add_option("--profile", a.profile, "Rule profile")
      ->check(CLI::IsMember({"default", "security", "strict", "all"}));
  // One id per occurrence, so paths after the option stay paths.
  analyze->add_option("--enable", a.enable, "Enable a rule by id (repeatable; 'all' for every rule)")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  analyze->add_option("--disable", a.disable, "Disable a rule by id (repeatable; 'all' for every rule)")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  analyze->add_option("--color", a.color, "Colour: auto (terminal only, honours NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  analyze->add_option("--max-file-size", a.max_file_size, "Largest input file in bytes (larger ones are a finding)");
  analyze->add_option("--max-alias-nodes", a.max_alias_nodes, "Most nodes YAML aliases may add to one document");
  analyze->add_option("--max-depth", a.max_depth, "Deepest YAML/JSON nesting accepted");
  analyze->add_option("--max-files", a.max_files, "Most files taken from directory walks");
  analyze->add_option("--max-walk-depth", a.max_walk_depth, "Deepest directory level a walk enters");
  analyze->add_option("-j,--jobs", a.jobs, "Threads for parsing files and running rules (0: automatic)");
  analyze->add_option("--now", a.now,
                      "The time durations are measured from (RFC 3339); default: the newest timestamp in the evidence");
  analyze->add_flag("--complete", a.complete,
                    "The input is a whole cluster or namespace dump: a reference to an object not in it is missing");
  analyze->add_option("--assume", a.assume,
                      "An object that exists outside the input (repeatable): Kind/namespace/name or Kind/name")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  analyze->add_option("--source-root", a.source_root,
                      "SARIF: file URIs are relative to this directory (default: the working directory)");
  analyze->add_option("--config", a.config, "Read options from this file (default: .kora.yaml if present)");
  analyze->add_option("--baseline", a.baseline,
                      "An earlier SARIF report: mark findings new or unchanged, list absent ones, "
                      "and fail only on new ones");
  analyze->add_option("--kube-version", a.kube_version,
                      "Kubernetes version to check API versions against, e.g. 1.29 (default: the newest kora knows, " +
                          KubeVersionName(NewestKubeMinor()) + ")");
  analyze->add_option("--pss", a.pss,
                      "Pod Security Standards level to check where no Namespace label sets one: baseline, restricted")
      ->check(CLI::IsMember({"baseline", "restricted"}));
  // Undocumented (an empty group hides it from --help): per-phase times for docs/benchmarks.md.
  analyze->add_flag("--timings", a.timings, "Print the time of each phase to stderr")->group("");

  AnalyzeArgs g;
  g.format = "dot";
  CLI::App* graph = app.add_subcommand("graph", "Print the resource graph of the inputs (DOT or JSON)");
  graph->add_option("paths", g.paths, "Files, directories (walked recursively) or - for stdin");
  graph->add_option("-f,--format", g.format, "Output format")->check(CLI::IsMember({"dot", "json"}));
  graph->add_option("-o,--output", g.output, "Write the graph to this file instead of stdout");
  graph->add_option("-n,--namespace", g.ns, "Namespace for namespaced objects that name none");
  graph->add_flag("--complete", g.complete, "The input is a whole cluster or namespace dump");
  graph->add_option("--assume", g.assume, "An object that exists outside the input: Kind/namespace/name")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

  std::string rules_format = "text";
  CLI::App* rules = app.add_subcommand("rules", "List every rule: id, severity, profiles, title");
  rules->add_option("-f,--format", rules_format, "Output format")->check(CLI::IsMember({"text", "json"}));

  std::string explain_id;
  CLI::App* explain = app.add_subcommand("explain", "Show a rule's help and fix");
  explain->add_option("rule", explain_id, "Rule id")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (*analyze) return RunAnalyze(*analyze, a);
  if (*rules) return RunRulesCommand(rules_format);
  if (*graph) return RunGraph(g);
  if (*explain) return RunExplain(explain_id);
  return kExitUsage;
}

}  // namespace kora
