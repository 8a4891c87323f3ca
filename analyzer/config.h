// The project configuration file, .kora.yaml: the analyze options a team
// wants on every run, read with kora's own YAML loader so that every mistake
// is reported with file:line:column. Documented in docs/config.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/finding.h"

namespace kora {

inline constexpr std::string_view kConfigFileName = ".kora.yaml";

struct Config {
  std::string path;  // the file it was read from
  std::optional<std::string> profile;
  std::optional<std::string> default_namespace;
  std::optional<std::string> kube_version;
  std::optional<std::string> pss_level;
  std::vector<std::string> enable;
  std::vector<std::string> disable;
  std::map<std::string, Severity, std::less<>> severity;
  std::vector<std::string> assume;  // Kind/namespace/name or Kind/name
  std::vector<std::string> ignore;  // globs, see PathIgnored
  std::map<std::string, std::map<std::string, std::vector<std::string>>, std::less<>> params;
};

// Parses a configuration. On failure returns false and sets error to
// "name:line:col: what is wrong".
bool ParseConfig(std::string_view text, const std::string& name, Config& out, std::string& error);
bool LoadConfigFile(const std::string& path, Config& out, std::string& error);

// Whether a path (as given on the command line or found by a directory walk)
// matches one of the ignore globs. A glob without '/' matches any one path
// component (a file or directory name, as in .gitignore); a glob with '/'
// matches the path relative to the working directory from its start, or a
// directory above it. '*' and '?' stay within a component, '**' spans any
// number of components, [abc] is a class.
bool PathIgnored(std::string_view path, const std::vector<std::string>& globs);

}  // namespace kora
