#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kora::test {

std::string SourceDir() {
  const char* env = std::getenv("KORA_SOURCE_DIR");
  return env && *env ? env : KORA_SOURCE_DIR;
}

std::string CorpusDir() {
  const char* env = std::getenv("KORA_CORPUS");
  if (env && *env) return env;
  return (std::filesystem::path(SourceDir()) / ".." / "shared" / "corpus").lexically_normal().string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

LoadResult LoadText(const std::string& text, const std::string& name, LoadOptions options) {
  Loader loader(std::move(options));
  loader.AddBuffer(name, text);
  return loader.Finish();
}

AnalysisOptions AllRulesOptions() {
  AnalysisOptions o;
  o.profile = Profile::kAll;
  return o;
}

static Analysis Run(LoadResult load, AnalysisOptions options) {
  Analysis a{std::move(load), std::move(options), {}};
  Context ctx(a.load, a.options);
  a.findings = RunRules(ctx);
  return a;
}

Analysis Analyze(const std::vector<std::string>& paths, AnalysisOptions options, LoadOptions load_options) {
  Loader loader(std::move(load_options));
  for (const auto& p : paths) loader.AddPath(p);
  return Run(loader.Finish(), std::move(options));
}

Analysis AnalyzeText(const std::string& text, AnalysisOptions options, const std::string& name) {
  return Run(LoadText(text, name), std::move(options));
}

std::vector<const Finding*> Of(const Analysis& a, std::string_view rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : a.findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

static std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

CommandResult RunKora(const std::vector<std::string>& args, const std::string& stdin_text, const std::string& env) {
  namespace fs = std::filesystem;
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("kora-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string base = (dir / std::to_string(counter++)).string();
  {
    std::ofstream in(base + ".in", std::ios::binary);
    in << stdin_text;
  }
  std::string cmd = env + " " + Quote(KORA_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " <" + Quote(base + ".in") + " >" + Quote(base + ".out") + " 2>" + Quote(base + ".err");
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(base + ".out");
  r.err = ReadFile(base + ".err");
  // ctest runs every test in a process of its own: leave nothing behind.
  std::error_code ec;
  for (const char* ext : {".in", ".out", ".err"}) fs::remove(base + ext, ec);
  fs::remove(dir, ec);  // only once empty
  return r;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

TempDir::TempDir(const std::string& name, std::filesystem::path base) {
  namespace fs = std::filesystem;
  path_ = base / ("kora-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(path_);
  fs::create_directories(path_);
  fs::permissions(path_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
}

TempDir::~TempDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Restore permissions a test took away, so the cleanup can descend.
  for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& rel, const std::string& content) const {
  std::filesystem::path p = path_ / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

}  // namespace kora::test
