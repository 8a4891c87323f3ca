// Fuzzes the whole analysis of one input, as `kora analyze` runs it:
// Loader::AddBuffer -> Context -> RunRules -> every writer. The text report
// must carry no raw control bytes, the JSON report must parse.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "analyzer/engine.h"
#include "analyzer/load.h"
#include "fuzz/fuzz_util.h"
#include "reports/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  kora::Loader loader;
  // The name's extension picks the parser only for .json; let the content
  // decide, as for stdin.
  loader.AddBuffer("fuzz-input", std::move(text));
  kora::LoadResult load = loader.Finish();
  kora::AnalysisOptions options;
  options.profile = kora::Profile::kAll;
  kora::Context ctx(load, options);
  std::vector<kora::Finding> findings = kora::RunRules(ctx);
  kora::ReportInput in{load, findings, options};
  for (const std::string& format : kora::WriterFormats()) {
    kora::WriterOptions wo;
    std::unique_ptr<kora::Writer> writer = kora::MakeWriter(format, wo);
    kora::fuzz::Require(writer != nullptr, "MakeWriter returned null for a listed format");
    std::ostringstream out;
    writer->Write(in, out);
    if (format == "json") kora::fuzz::CheckJson(out.str());
    if (format == "text") kora::fuzz::CheckTerminalSafe(out.str());
  }
  return 0;
}
