#include "reports/writer.h"

namespace kora {

std::unique_ptr<Writer> MakeTextWriter(const WriterOptions& options);
std::unique_ptr<Writer> MakeJsonWriter(const WriterOptions& options);
std::unique_ptr<Writer> MakeSarifWriter(const WriterOptions& options);
std::unique_ptr<Writer> MakeHtmlWriter(const WriterOptions& options);

const std::vector<std::string>& WriterFormats() {
  static const std::vector<std::string> formats = {"text", "json", "sarif", "html"};
  return formats;
}

std::unique_ptr<Writer> MakeWriter(std::string_view format, const WriterOptions& options) {
  if (format == "text") return MakeTextWriter(options);
  if (format == "json") return MakeJsonWriter(options);
  if (format == "sarif") return MakeSarifWriter(options);
  if (format == "html") return MakeHtmlWriter(options);
  return nullptr;
}

SeverityCounts CountSeverities(const std::vector<Finding>& findings) {
  SeverityCounts c;
  for (const Finding& f : findings) {
    switch (f.severity) {
      case Severity::kError:
        ++c.error;
        break;
      case Severity::kWarning:
        ++c.warning;
        break;
      case Severity::kNote:
        ++c.note;
        break;
    }
  }
  return c;
}

}  // namespace kora
