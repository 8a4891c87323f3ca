// Microbenchmarks of the loading pipeline on generated dumps held in memory:
// the parsers alone (ParseYaml, ParseJson), the whole Loader (encoding checks,
// parsing, object extraction, indexes), the rules, and the JSON report.
// Figures go to docs/benchmarks.md only as measured by scripts/bench.sh.
//
// Each case first checks that its input loads into exactly the generated
// objects with no problem, so a parser that fails early cannot pass for a
// fast one.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <ostream>
#include <streambuf>
#include <string>
#include <utility>

#include "analyzer/engine.h"
#include "analyzer/load.h"
#include "bench/dump_gen.h"
#include "reports/writer.h"

namespace kora::bench {
namespace {

struct Input {
  std::string text;
  DumpSummary summary;
};

const Input& GetInput(DumpFormat format, int64_t objects) {
  static std::map<std::pair<int, int64_t>, Input> cache;
  auto key = std::make_pair(static_cast<int>(format), objects);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  DumpOptions options;
  options.objects = static_cast<uint64_t>(objects);
  options.format = format;
  Input in;
  in.text = MakeDump(options, &in.summary);
  return cache.emplace(key, std::move(in)).first->second;
}

const char* FileName(DumpFormat format) { return format == DumpFormat::kJsonList ? "dump.json" : "dump.yaml"; }

LoadOptions BenchLoadOptions() {
  LoadOptions o;
  o.max_file_size = 4ull << 30;
  o.jobs = 1;
  return o;
}

LoadResult LoadInput(const Input& in, DumpFormat format) {
  Loader loader(BenchLoadOptions());
  loader.AddBuffer(FileName(format), in.text);
  return loader.Finish();
}

// Aborts the run: a benchmark of a failed load would measure the wrong thing.
void Verify(const LoadResult& load, const Input& in, const char* what) {
  if (load.objects->size() == in.summary.objects && load.problems.empty()) return;
  std::fprintf(stderr, "%s: loaded %zu objects (expected %llu) with %zu problem(s)%s%s\n", what,
               load.objects->size(), static_cast<unsigned long long>(in.summary.objects), load.problems.size(),
               load.problems.empty() ? "" : "; first: ",
               load.problems.empty() ? "" : load.problems.front().message.c_str());
  std::exit(1);
}

void SetThroughput(benchmark::State& state, const Input& in) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.summary.objects));
  state.SetComplexityN(static_cast<int64_t>(in.summary.objects));
  state.counters["input_MB"] = static_cast<double>(in.text.size()) / 1e6;
}

ParsedFile ParseJsonText(std::string_view text, FileId file, const LoadOptions& options) {
  return ParseJson(text, file, options);
}

template <ParsedFile (*Parse)(std::string_view, FileId, const LoadOptions&)>
void BM_Parse(benchmark::State& state, DumpFormat format) {
  const Input& in = GetInput(format, state.range(0));
  Verify(LoadInput(in, format), in, "input check");
  LoadOptions options = BenchLoadOptions();
  size_t model_bytes = 0;
  for (auto _ : state) {
    ParsedFile parsed = Parse(in.text, 0, options);
    if (!parsed.problems.empty()) state.SkipWithError(parsed.problems.front().message.c_str());
    model_bytes = 0;
    std::set<const DocumentStore*> stores;  // the documents of a file share one
    for (const auto& doc : parsed.docs) {
      model_bytes += sizeof(Document);
      if (stores.insert(&doc->store()).second) model_bytes += doc->MemoryBytes();
    }
    benchmark::DoNotOptimize(parsed);
  }
  SetThroughput(state, in);
  // What the compact model costs per byte of input (not counting the input).
  state.counters["model_bytes_per_input_byte"] =
      static_cast<double>(model_bytes) / static_cast<double>(in.text.size());
}

void BM_ParseYaml(benchmark::State& state) { BM_Parse<ParseYaml>(state, DumpFormat::kYamlStream); }
void BM_ParseYamlList(benchmark::State& state) { BM_Parse<ParseYaml>(state, DumpFormat::kYamlList); }
void BM_ParseJson(benchmark::State& state) { BM_Parse<ParseJsonText>(state, DumpFormat::kJsonList); }

// Loader::Finish: encoding checks, parsing, object extraction and indexes.
void BM_Load(benchmark::State& state, DumpFormat format) {
  const Input& in = GetInput(format, state.range(0));
  Verify(LoadInput(in, format), in, "input check");
  for (auto _ : state) {
    state.PauseTiming();
    std::string copy = in.text;  // AddBuffer takes ownership
    state.ResumeTiming();
    Loader loader(BenchLoadOptions());
    loader.AddBuffer(FileName(format), std::move(copy));
    LoadResult load = loader.Finish();
    benchmark::DoNotOptimize(load);
  }
  SetThroughput(state, in);
}
void BM_LoadYaml(benchmark::State& state) { BM_Load(state, DumpFormat::kYamlStream); }
void BM_LoadJson(benchmark::State& state) { BM_Load(state, DumpFormat::kJsonList); }

// The rules alone (default profile, as `kora analyze` runs them), on a
// loaded set: the YAML and JSON models are the same, so YAML stands for both.
void BM_RunRules(benchmark::State& state) {
  const Input& in = GetInput(DumpFormat::kYamlStream, state.range(0));
  LoadResult load = LoadInput(in, DumpFormat::kYamlStream);
  Verify(load, in, "input check");
  AnalysisOptions options;
  size_t findings = 0;
  for (auto _ : state) {
    Context ctx(load, options);
    std::vector<Finding> out = RunRules(ctx);
    findings = out.size();
    benchmark::DoNotOptimize(out);
  }
  SetThroughput(state, in);
  state.counters["findings"] = static_cast<double>(findings);
}

// Discards output but counts it.
class CountingBuf : public std::streambuf {
 public:
  size_t count = 0;

 protected:
  int_type overflow(int_type c) override {
    ++count;
    return c;
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    count += static_cast<size_t>(n);
    return n;
  }
};

void BM_JsonReport(benchmark::State& state) {
  const Input& in = GetInput(DumpFormat::kYamlStream, state.range(0));
  LoadResult load = LoadInput(in, DumpFormat::kYamlStream);
  Verify(load, in, "input check");
  AnalysisOptions options;
  Context ctx(load, options);
  std::vector<Finding> findings = RunRules(ctx);
  std::unique_ptr<Writer> writer = MakeWriter("json", WriterOptions{});
  size_t report_bytes = 0;
  for (auto _ : state) {
    CountingBuf buf;
    std::ostream out(&buf);
    writer->Write(ReportInput{load, findings, options}, out);
    report_bytes = buf.count;
  }
  SetThroughput(state, in);
  state.counters["findings"] = static_cast<double>(findings.size());
  state.counters["report_MB"] = static_cast<double>(report_bytes) / 1e6;
}

// 2,500 to 40,000 objects: the fitted complexity (BigO) shows whether time
// per object stays flat.
void Sizes(benchmark::internal::Benchmark* b) {
  for (int64_t n = 2500; n <= 40000; n *= 2) b->Arg(n);
  b->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);
}

BENCHMARK(BM_ParseYaml)->Apply(Sizes);
BENCHMARK(BM_ParseYamlList)->Apply(Sizes);
BENCHMARK(BM_ParseJson)->Apply(Sizes);
BENCHMARK(BM_LoadYaml)->Apply(Sizes);
BENCHMARK(BM_LoadJson)->Apply(Sizes);
BENCHMARK(BM_RunRules)->Apply(Sizes);
BENCHMARK(BM_JsonReport)->Apply(Sizes);

}  // namespace
}  // namespace kora::bench

BENCHMARK_MAIN();
