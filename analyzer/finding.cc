#include "analyzer/finding.h"

#include <algorithm>
#include <tuple>

#include "analyzer/hash.h"

namespace kora {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "note";
}

std::optional<Severity> ParseSeverity(std::string_view s) {
  if (s == "error") return Severity::kError;
  if (s == "warning") return Severity::kWarning;
  if (s == "note") return Severity::kNote;
  return std::nullopt;
}

std::string Fingerprint(const Finding& f, const ObjectSet& objects, const SourceManager& sources) {
  std::string key(f.rule);
  key.push_back('|');
  if (f.loc.object != kNoObject) {
    const Object& o = objects[f.loc.object];
    key.append(o.api_version.empty() ? std::string_view() : ApiGroup(o.api_version));
    key.push_back('|');
    key.append(o.Ref());
  } else if (f.loc.file != kNoFile) {
    key.append(sources.file(f.loc.file).path);
    // Without an object there is nothing more stable than the message.
    key.push_back('|');
    key.append(f.message);
  }
  key.push_back('|');
  key.append(f.loc.path);
  return Hex64(Fnv1a64(key));
}

void SortFindings(std::vector<Finding>& findings, const SourceManager& sources) {
  auto file_key = [&](FileId id) -> std::string_view {
    return id == kNoFile ? std::string_view() : std::string_view(sources.file(id).path);
  };
  std::stable_sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    return std::make_tuple(!a.IsDiagnosis(), file_key(a.loc.file), a.loc.span.begin, a.rule, a.message,
                           a.loc.path) <
           std::make_tuple(!b.IsDiagnosis(), file_key(b.loc.file), b.loc.span.begin, b.rule, b.message,
                           b.loc.path);
  });
}

}  // namespace kora
