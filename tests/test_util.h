// Shared helpers for the test suite.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analyzer/engine.h"
#include "analyzer/load.h"

namespace kora::test {

std::string SourceDir();
// ../shared/corpus beside the project (KORA_CORPUS overrides).
std::string CorpusDir();
std::string ReadFile(const std::string& path);

// Loads in-memory YAML/JSON as one file and returns the result.
LoadResult LoadText(const std::string& text, const std::string& name = "input.yaml", LoadOptions options = {});

AnalysisOptions AllRulesOptions();

struct Analysis {
  LoadResult load;
  AnalysisOptions options;
  std::vector<Finding> findings;
};
// Loads paths and runs every rule (profile "all" unless options say otherwise).
Analysis Analyze(const std::vector<std::string>& paths, AnalysisOptions options = AllRulesOptions(),
                 LoadOptions load_options = {});
Analysis AnalyzeText(const std::string& text, AnalysisOptions options = AllRulesOptions(),
                     const std::string& name = "input.yaml");
// A fresh directory under the system's temporary one (or `base`), removed
// with everything in it at the end, also what a test made unreadable.
class TempDir {
 public:
  explicit TempDir(const std::string& name, std::filesystem::path base = std::filesystem::temp_directory_path());
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes a file (creating its directories); returns its path.
  std::string Write(const std::string& rel, const std::string& content) const;
  std::string Path(const std::string& rel) const { return (path_ / rel).string(); }
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Standard base64 with padding, as Secret data and .dockerconfigjson auths hold it.
std::string Base64(std::string_view in);
// Findings of one rule.
std::vector<const Finding*> Of(const Analysis& a, std::string_view rule);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the kora binary with arguments (shell-quoted here), stdin from a string.
CommandResult RunKora(const std::vector<std::string>& args, const std::string& stdin_text = "",
                      const std::string& env = "");

}  // namespace kora::test
