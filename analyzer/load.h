// Reading inputs: paths, directories and stdin into one ObjectSet. Problems
// with the input are returned as values (LoadProblem), never thrown, and the
// rest of the input is still read.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "analyzer/document.h"
#include "analyzer/object.h"
#include "analyzer/source.h"

namespace kora {

enum class ProblemKind : uint8_t {
  kParse,          // malformed YAML or JSON
  kEncoding,       // not UTF-8 (after BOM handling), or not text
  kUnreadable,     // cannot open or read a path
  kLimit,          // a documented input limit was hit
  kInvalidObject,  // a document that is not a Kubernetes object
  kDuplicateKey,   // a mapping key given twice
};

struct LoadProblem {
  ProblemKind kind = ProblemKind::kParse;
  FileId file = kNoFile;
  Span span;
  std::string message;
  std::string excerpt;  // the offending source line (already redacted), if any
  Span related;         // e.g. the first of two duplicate keys
  std::string related_message;
};

// Positions and string offsets in the document model are 32-bit, so no file
// may reach 4 GiB; a larger --max-file-size is lowered to this.
inline constexpr uint64_t kMaxFileSizeCap = (4ull << 30) - (1ull << 20);

struct LoadOptions {
  std::string default_namespace = "default";
  // Limits (documented in docs/limits.md). Hitting one is a finding.
  uint64_t max_file_size = 256ull << 20;     // bytes per file (at most kMaxFileSizeCap)
  uint64_t max_alias_nodes = 1'000'000;      // nodes added by alias expansion, per document
  uint32_t max_depth = 512;                  // nesting depth of YAML/JSON
  uint64_t max_files = 1'000'000;            // files taken from directory walks
  uint32_t max_walk_depth = 256;             // directory levels below a directory named as a path
  unsigned jobs = 1;                         // files parsed in parallel
  // A JSON file at least this big whose bulk is one array (a kind: List's
  // items, or a top-level array) is parsed item by item, so the JSON
  // parser's buffers are sized to the largest item rather than to the file.
  // Not a limit: the result is the same either way (tests lower it to 0).
  uint64_t json_split_min_bytes = 1ull << 20;
  // Paths to leave out (.kora.yaml `ignore`), asked of explicit paths and of
  // every file and directory a walk finds; counted as skipped "ignored".
  std::function<bool(const std::string& path)> ignore;
};

struct LoadStats {
  uint64_t files_read = 0;
  uint64_t bytes_read = 0;
  uint64_t documents = 0;
  // Files a directory walk passed over, by reason ("extension", "special", ...).
  std::map<std::string, uint64_t> skipped;
};

struct LoadResult {
  std::unique_ptr<SourceManager> sources = std::make_unique<SourceManager>();
  std::unique_ptr<ObjectSet> objects = std::make_unique<ObjectSet>();
  std::vector<LoadProblem> problems;
  LoadStats stats;
  // Paths that could not be used at all (missing, or not a file or directory).
  std::vector<std::string> bad_paths;
};

class Loader {
 public:
  explicit Loader(LoadOptions options = {});
  ~Loader();
  // A file, a directory (walked recursively) or "-" for stdin.
  void AddPath(const std::string& path);
  // An in-memory input, as if read from a file of that name.
  void AddBuffer(const std::string& name, std::string content);
  // Reads everything added, in a deterministic order, and builds the objects.
  LoadResult Finish();

 private:
  struct Pending;
  void AddRoot(const std::string& path);
  void Walk(const std::string& dir, int depth);
  LoadOptions options_;
  std::vector<std::string> roots_;  // paths given to AddPath, taken in sorted order by Finish
  std::vector<Pending> pending_;
  LoadResult result_;
  // (device, inode) of directories walked and files taken; sets, as a
  // linear search made a 100,000-file walk quadratic.
  std::set<std::pair<uint64_t, uint64_t>> seen_dirs_;
  std::set<std::pair<uint64_t, uint64_t>> seen_files_;
  // Where a walk limit left files unread: (path, message); findings, so
  // nothing is dropped without a trace.
  std::vector<std::pair<std::string, std::string>> walk_limits_;
  std::string first_over_max_files_;
};

// Lower-level entry points, used by the loader, tests and fuzzers.
struct ParsedFile {
  std::vector<std::unique_ptr<Document>> docs;
  std::vector<LoadProblem> problems;
  // Set by ParseBuffer for text evidence (kubectl output, see text_evidence.h).
  SourceKind kind = SourceKind::kUnknown;
  // Why a file that was read is nonetheless passed over ("not-evidence": a
  // .txt or .log file with no kubectl output kora recognises); "" otherwise.
  std::string skipped;
};
ParsedFile ParseYaml(std::string_view text, FileId file, const LoadOptions& options);
// capacity: bytes allocated at text.data(); with SIMDJSON_PADDING (64) to
// spare the text is parsed in place instead of copied.
ParsedFile ParseJson(std::string_view text, FileId file, const LoadOptions& options, size_t capacity = 0);
// The JSON value(s) in [begin, end) of a file's text into a store whose
// PositionIndex covers the whole text; ParseYaml reads JSON documents of a
// YAML stream so. capacity: as for ParseJson, bytes allocated at text.data().
ParsedFile ParseJsonRange(std::string_view text, size_t begin, size_t end, FileId file, const LoadOptions& options,
                          size_t capacity, const std::shared_ptr<DocumentStore>& store);
// kubectl's plain-text output (tables, describe); defined in text_evidence.cc.
ParsedFile ParseTextEvidence(std::string_view text, FileId file, const LoadOptions& options);
// Decides YAML vs JSON vs text evidence by content and name (docs/evidence.md),
// handles BOMs, UTF-16 and invalid UTF-8.
ParsedFile ParseBuffer(std::string& text, FileId file, const std::string& name, const LoadOptions& options);

}  // namespace kora
