// Report writers: text, JSON, SARIF and HTML behind one interface.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/baseline.h"
#include "analyzer/engine.h"
#include "analyzer/finding.h"
#include "analyzer/load.h"

namespace kora {

struct ReportInput {
  const LoadResult& load;
  const std::vector<Finding>& findings;
  const AnalysisOptions& options;
  // With --baseline: each finding's state and the baseline results now gone.
  const BaselineComparison* baseline = nullptr;
  const Context* context = nullptr;  // graph and evidence, when the report shows them
};

// Where rule pages live: a rule's documentation is kDocsBase + "rules/<id>.md".
// A build-time constant so reports do not depend on where kora runs.
inline constexpr std::string_view kDocsBase = "https://github.com/kora-dev/kora/blob/main/docs/";

struct WriterOptions {
  bool color = false;
  // SARIF URIs are made relative to it (recorded as originalUriBaseIds
  // SRCROOT); empty means the working directory.
  std::string source_root;
  unsigned width = 0;       // wrap text output at this width (0: never; set on a terminal)
};

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void Write(const ReportInput& in, std::ostream& out) = 0;
};

std::unique_ptr<Writer> MakeWriter(std::string_view format, const WriterOptions& options);
// The formats MakeWriter knows, for the CLI's help.
const std::vector<std::string>& WriterFormats();

// Counts of findings by severity.
struct SeverityCounts {
  size_t error = 0, warning = 0, note = 0;
  size_t total() const { return error + warning + note; }
};
SeverityCounts CountSeverities(const std::vector<Finding>& findings);

}  // namespace kora
