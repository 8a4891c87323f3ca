// Shared pieces of the text-evidence parsers (text_evidence.cc for tables,
// text_describe.cc for kubectl describe). Not a public interface.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/document.h"
#include "analyzer/load.h"
#include "analyzer/source.h"

namespace kora::text {

// A value under construction: synthetic objects are assembled as a small
// tree first, then written into a Document in one go.
struct TVal {
  enum class Type : uint8_t { kMap, kSeq, kStr, kInt, kBool };
  Type type = Type::kMap;
  // Unknown (line 0) for a container means: the union of its children.
  Span span;
  std::string text;
  // Lists, so that references to children stay valid while siblings are added.
  std::list<std::pair<std::string, TVal>> entries;
  std::list<TVal> items;

  static TVal Map(Span s = {});
  static TVal Seq(Span s = {});
  static TVal Str(std::string_view v, Span s);
  static TVal Int(int64_t v, Span s);
  static TVal Bool(bool v, Span s);

  // Sets key (replacing an earlier value) and returns the stored value.
  TVal& Put(std::string_view key, TVal v);
  TVal* Find(std::string_view key);
  // The map (or sequence) under key, created empty if absent.
  TVal& Child(std::string_view key, Span s = {});
  TVal& ChildSeq(std::string_view key, Span s = {});
  TVal& Push(TVal v);
  bool Empty() const { return entries.empty() && items.empty(); }
};

// Writes the tree as a Document; containers without a span get the union of
// their children's spans (or `fallback` when empty).
std::unique_ptr<Document> EmitDocument(const TVal& root, FileId file, Span fallback);

// One line of the input: byte offsets into the whole text, without the line
// break.
struct LineRef {
  size_t begin = 0;
  size_t end = 0;
};

// The text being parsed, its lines, and where results go.
class TextCtx {
 public:
  TextCtx(std::string_view text, FileId file, ParsedFile& out);
  size_t LineCount() const { return refs_.size(); }
  std::string_view Line(size_t index) const {
    return text_.substr(refs_[index].begin, refs_[index].end - refs_[index].begin);
  }
  size_t LineBegin(size_t index) const { return refs_[index].begin; }
  // 1-based line number of line index.
  uint32_t LineNumber(size_t index) const { return static_cast<uint32_t>(index + 1); }
  // Span of bytes [begin, end) of line index (offsets within the line).
  Span SpanIn(size_t index, size_t begin, size_t end) const;
  // The whole line without leading and trailing blanks.
  Span LineSpan(size_t index) const;
  FileId file() const { return file_; }
  ParsedFile& out() { return out_; }
  void AddDocument(const TVal& root, Span fallback);
  void Problem(size_t index, std::string message);

 private:
  std::string_view text_;
  LineTable table_;
  std::vector<LineRef> refs_;
  FileId file_;
  ParsedFile& out_;
};

// A byte range inside one line; absent cells are empty.
struct Cell {
  size_t begin = 0;
  size_t end = 0;
  bool present = false;
  std::string_view Of(std::string_view line) const {
    return present ? line.substr(begin, end - begin) : std::string_view();
  }
};

bool IsBlank(std::string_view line);
size_t IndentOf(std::string_view line);  // leading spaces (a tab counts as one)
std::string_view Trim(std::string_view s);
bool IsUnderline(std::string_view line);  // "----   ------   ----" under a header
bool IsFence(std::string_view line);      // a Markdown code fence (``` or ~~~)

// Tables ------------------------------------------------------------------

enum class Field : uint8_t {
  // kubectl get pods
  kNamespace, kName, kReady, kStatus, kRestarts, kAge, kIp, kNode, kNominatedNode, kReadinessGates, kLabels,
  kExtra,  // label columns of -L
  // event tables
  kLastSeen, kFirstSeen, kCount, kEventName, kKind, kObject, kSubobject, kType, kReason, kSource, kMessage,
  kInterval,  // describe's Age: "<age> (xN over <age>)"
  kCount_,    // number of fields
};

enum class TableKind : uint8_t {
  kPods,            // kubectl get pods
  kEvents,          // kubectl get events (every era) and kubectl events
  kDescribeEvents,  // the Events section of kubectl describe
};

struct Column {
  Field field;
  std::string name;     // as printed
  uint32_t cp_start;    // code-point column (0-based) where the header cell starts
};

struct TableHeader {
  TableKind kind;
  std::vector<Column> columns;
  size_t indent = 0;
  bool has_tab = false;
};

// Recognises a header line by its column names.
std::optional<TableHeader> DetectHeader(std::string_view line);

// The object a describe block is about; its Events section refers to it.
struct Subject {
  std::string kind;  // "" if unknown
  std::string name;
  std::string ns;
  Span name_span;
  Span ns_span;
  Span kind_span;
};

// Parses the table whose header is line `header_index`; returns the index of
// the first line after it.
size_t ParseTable(TextCtx& ctx, size_t header_index, const TableHeader& header, const Subject* subject);

// Whether line `index` starts a kubectl describe block ("Name:" followed by
// describe fields).
bool IsDescribeStart(const TextCtx& ctx, size_t index);
// Parses a describe block starting at `index`; returns the index after it.
size_t ParseDescribe(TextCtx& ctx, size_t index);

// A shell command line running kubectl ("$ kubectl get events -A", "k
// describe po x", "oc describe pod x").
bool IsKubectlCommand(std::string_view line);
// The index of the nearest kubectl command line at most three non-blank lines
// above line `index`, if any.
std::optional<size_t> CommandAbove(const TextCtx& ctx, size_t index);

// Kinds -------------------------------------------------------------------

// "pod" -> "Pod", "replicaset" -> "ReplicaSet"; unknown lower-case kinds get
// their first letter capitalised; kinds already capitalised are kept.
std::string KindFromObjectColumn(std::string_view kind);
// A kubectl resource argument ("po", "pods", "deploy", "deployment.apps",
// "svc") -> its kind, or "" if unknown.
std::string KindFromResource(std::string_view resource);
// The apiVersion of a built-in kind (for ownerReferences), or "".
std::string_view ApiVersionOfKind(std::string_view kind);

}  // namespace kora::text
