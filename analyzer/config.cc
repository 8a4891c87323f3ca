#include "analyzer/config.h"

#include <re2/re2.h>
#include <fmt/format.h>
#include <fnmatch.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "analyzer/load.h"
#include "analyzer/rule.h"

namespace kora {
namespace {

namespace fs = std::filesystem;

class ConfigReader {
 public:
  ConfigReader(const std::string& name, Config& out) : name_(name), out_(out) {}

  bool Read(Node root) {
    if (root.IsNull() || !root) return true;
    if (!root.IsMap()) return Fail(root, "the configuration must be a mapping of option names to values");
    using Handler = std::function<bool(Node)>;
    const std::vector<std::pair<std::string_view, Handler>> handlers = {
        {"profile", [&](Node v) { return Choice(v, {"default", "security", "strict", "all"}, out_.profile); }},
        {"namespace", [&](Node v) { return Text(v, out_.default_namespace); }},
        {"kube-version", [&](Node v) { return KubeVersion(v); }},
        {"pss", [&](Node v) { return Choice(v, {"baseline", "restricted"}, out_.pss_level); }},
        {"enable", [&](Node v) { return RuleList(v, out_.enable); }},
        {"disable", [&](Node v) { return RuleList(v, out_.disable); }},
        {"severity", [&](Node v) { return Severities(v); }},
        {"assume", [&](Node v) { return Assume(v); }},
        {"ignore", [&](Node v) { return List(v, out_.ignore); }},
        {"params", [&](Node v) { return Params(v); }},
    };
    for (auto entry : root.Entries()) {
      // A plain variable: clang 14 (the fuzz build) cannot capture structured bindings.
      Node key = entry.key, value = entry.value;
      auto it = std::find_if(handlers.begin(), handlers.end(), [&](const auto& h) { return h.first == key.Str(); });
      if (it == handlers.end()) {
        std::string known;
        for (const auto& h : handlers) known += (known.empty() ? "" : ", ") + std::string(h.first);
        return Fail(key, fmt::format("unknown key '{}' (known keys: {})", key.Str(), known));
      }
      if (!it->second(value)) return false;
    }
    return true;
  }

  std::string error;

 private:
  bool Fail(Node at, std::string_view what) {
    Span s = at ? at.span() : Span{};
    error = s.Known() ? fmt::format("{}:{}:{}: {}", name_, s.begin.line, s.begin.col, what)
                      : fmt::format("{}: {}", name_, what);
    return false;
  }

  bool Text(Node v, std::optional<std::string>& out) {
    if (!v.IsScalar() || v.tag() == ScalarTag::kNull) return Fail(v, "expected a string");
    out = std::string(v.Str());
    return true;
  }

  bool Choice(Node v, std::initializer_list<std::string_view> allowed, std::optional<std::string>& out) {
    if (!Text(v, out)) return false;
    if (std::find(allowed.begin(), allowed.end(), *out) != allowed.end()) return true;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return Fail(v, fmt::format("'{}' is not one of: {}", *out, list));
  }

  bool KubeVersion(Node v) {
    // A YAML 1.31 is a float whose text is still "1.31"; 1.30 would lose its
    // zero in any other tool, so the text is what counts.
    if (!v.IsScalar()) return Fail(v, "expected a Kubernetes version such as \"1.31\"");
    static const RE2 kVersion(R"(v?1\.[0-9]{1,3})");
    std::string text(v.Str());
    if (!RE2::FullMatch(text, kVersion)) {
      return Fail(v, fmt::format("'{}' is not a Kubernetes minor version such as \"1.31\"", text));
    }
    out_.kube_version = text[0] == 'v' ? text.substr(1) : text;
    return true;
  }

  // A string or a list of strings; null is an empty list.
  bool List(Node v, std::vector<std::string>& out) {
    if (v.IsNull()) return true;
    if (v.IsScalar()) {
      out.emplace_back(v.Str());
      return true;
    }
    if (!v.IsSeq()) return Fail(v, "expected a string or a list of strings");
    for (Node item : v.Items()) {
      if (!item.IsScalar() || item.tag() == ScalarTag::kNull) return Fail(item, "expected a string");
      out.emplace_back(item.Str());
    }
    return true;
  }

  bool KnownRule(Node at, std::string_view id, bool allow_all) {
    if ((allow_all && id == "all") || FindRule(id)) return true;
    return Fail(at, fmt::format("unknown rule id '{}' (see `kora rules`)", id));
  }

  bool RuleList(Node v, std::vector<std::string>& out) {
    size_t first = out.size();
    if (!List(v, out)) return false;
    for (size_t i = first; i < out.size(); ++i) {
      Node at = v.IsSeq() ? v.At(i - first) : v;
      if (!KnownRule(at, out[i], true)) return false;
    }
    return true;
  }

  bool Severities(Node v) {
    if (v.IsNull()) return true;
    if (!v.IsMap()) return Fail(v, "expected a mapping of rule ids to error, warning or note");
    for (auto [key, value] : v.Entries()) {
      if (!KnownRule(key, key.Str(), false)) return false;
      std::optional<Severity> s = ParseSeverity(value.Str());
      if (!value.IsScalar() || !s) return Fail(value, "expected error, warning or note");
      out_.severity[std::string(key.Str())] = *s;
    }
    return true;
  }

  bool Assume(Node v) {
    size_t first = out_.assume.size();
    if (!List(v, out_.assume)) return false;
    for (size_t i = first; i < out_.assume.size(); ++i) {
      const std::string& item = out_.assume[i];
      size_t slash = item.find('/');
      if (slash == std::string::npos || slash == 0 || item.back() == '/') {
        return Fail(v.IsSeq() ? v.At(i - first) : v,
                    fmt::format("'{}' is not Kind/namespace/name or Kind/name", item));
      }
    }
    return true;
  }

  bool Params(Node v) {
    if (v.IsNull()) return true;
    if (!v.IsMap()) return Fail(v, "expected a mapping of rule ids to their parameters");
    for (auto [rule, values] : v.Entries()) {
      if (!KnownRule(rule, rule.Str(), false)) return false;
      if (!values.IsMap()) return Fail(values, "expected a mapping of parameter names to values");
      auto& params = out_.params[std::string(rule.Str())];
      for (auto [name, value] : values.Entries()) {
        std::vector<std::string>& list = params[std::string(name.Str())];
        list.clear();
        if (value.IsNull()) continue;
        if (!List(value, list)) return false;
      }
    }
    return true;
  }

  const std::string& name_;
  Config& out_;
};

std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(i, slash - i);
    if (!part.empty() && part != ".") parts.push_back(part);
    i = slash + 1;
  }
  return parts;
}

bool ComponentMatches(std::string_view pattern, std::string_view name) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

// Whether the pattern's components match a prefix of the path's components
// (a match on a directory covers everything beneath it).
bool MatchesPrefix(const std::vector<std::string_view>& pat, size_t p, const std::vector<std::string_view>& path,
                   size_t i) {
  if (p == pat.size()) return true;
  if (pat[p] == "**") {
    for (size_t k = i; k <= path.size(); ++k) {
      if (MatchesPrefix(pat, p + 1, path, k)) return true;
    }
    return false;
  }
  if (i == path.size()) return false;
  return ComponentMatches(pat[p], path[i]) && MatchesPrefix(pat, p + 1, path, i + 1);
}

}  // namespace

bool ParseConfig(std::string_view text, const std::string& name, Config& out, std::string& error) {
  out = Config{};
  out.path = name;
  LoadOptions options;
  ParsedFile parsed = ParseYaml(text, 0, options);
  if (!parsed.problems.empty()) {
    const LoadProblem& p = parsed.problems.front();
    error = p.span.Known() ? fmt::format("{}:{}:{}: {}", name, p.span.begin.line, p.span.begin.col, p.message)
                           : fmt::format("{}: {}", name, p.message);
    return false;
  }
  if (parsed.docs.size() > 1) {
    Span s = parsed.docs[1]->doc_span;
    error = fmt::format("{}:{}:{}: the configuration must be a single YAML document", name, s.begin.line,
                        s.begin.col);
    return false;
  }
  if (parsed.docs.empty()) return true;
  ConfigReader reader(name, out);
  if (!reader.Read(parsed.docs[0]->Root())) {
    error = reader.error;
    return false;
  }
  return true;
}

bool LoadConfigFile(const std::string& path, Config& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fmt::format("{}: cannot read the configuration file", path);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path, out, error);
}

bool PathIgnored(std::string_view path, const std::vector<std::string>& globs) {
  if (globs.empty()) return false;
  fs::path p(path);
  std::error_code ec;
  if (p.is_absolute()) {
    fs::path rel = p.lexically_normal().lexically_relative(fs::current_path(ec));
    if (!rel.empty() && rel.generic_string().rfind("..", 0) != 0) p = rel;
  }
  std::string normal = p.lexically_normal().generic_string();
  std::vector<std::string_view> parts = Components(normal);
  for (const std::string& glob : globs) {
    std::vector<std::string_view> pat = Components(glob);
    if (pat.empty()) continue;
    bool anchored = glob.find('/') != std::string::npos && !(pat.size() == 1 && glob.back() == '/');
    if (!anchored) {
      for (std::string_view part : parts) {
        if (ComponentMatches(pat[0], part)) return true;
      }
      continue;
    }
    if (MatchesPrefix(pat, 0, parts, 0)) return true;
  }
  return false;
}

}  // namespace kora
