// Source files and positions. Every node kora reads keeps where it came from,
// so every finding can point at file:line:column.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kora {

using FileId = uint32_t;
inline constexpr FileId kNoFile = 0xffffffffu;

// 1-based line and column; column counts Unicode code points. 0 means unknown.
struct Mark {
  uint32_t line = 0;
  uint32_t col = 0;
  friend bool operator==(const Mark&, const Mark&) = default;
  friend auto operator<=>(const Mark&, const Mark&) = default;
};

// [begin, end): end is the position just after the last character, as SARIF
// regions have it.
struct Span {
  Mark begin;
  Mark end;
  bool Known() const { return begin.line != 0; }
  friend bool operator==(const Span&, const Span&) = default;
};

// Maps byte offsets of one buffer to lines and code-point columns.
class LineTable {
 public:
  LineTable() = default;
  explicit LineTable(std::string_view text);
  // Offsets past the end clamp to the end.
  Mark At(size_t offset) const;
  size_t LineCount() const { return starts_.size(); }
  size_t LineStart(uint32_t line) const;  // line is 1-based
  std::string_view Line(uint32_t line) const;
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;
  // Columns are counted incrementally within a line, so that many nodes on one
  // very long line stay linear.
  mutable size_t cache_line_ = static_cast<size_t>(-1);
  mutable size_t cache_off_ = 0;
  mutable uint32_t cache_col_ = 1;
};

// Byte offsets of one text to lines and code-point columns, kept after the
// text itself is gone: the document model stores byte offsets and turns them
// into positions only when a span is asked for. Costs 4 bytes per line, plus
// 16 bytes per 64-byte block holding non-ASCII text.
class PositionIndex {
 public:
  explicit PositionIndex(std::string_view text);
  // Offsets past the end clamp to the end.
  Mark At(size_t offset) const;
  // Both ends of a span; the end is looked for near the beginning first.
  Span SpanAt(size_t begin, size_t end) const;
  size_t size() const { return size_; }
  size_t LineCount() const { return line_starts_.size(); }
  // The text of a line (1-based) of the text the index was built from,
  // without its line break; empty if there is no such line.
  std::string_view Line(std::string_view text, uint32_t line) const;
  size_t MemoryBytes() const {
    return line_starts_.capacity() * sizeof(uint32_t) + blocks_.capacity() * sizeof(Block);
  }

 private:
  struct Block {
    uint32_t index;         // offset / 64
    uint32_t before;        // UTF-8 continuation bytes in all earlier blocks
    uint64_t continuation;  // bit i: byte index * 64 + i is a continuation byte
  };
  uint32_t LineOf(size_t offset) const;
  Mark MarkOn(uint32_t line, size_t offset) const;
  // UTF-8 continuation bytes before offset.
  size_t ContinuationBefore(size_t offset) const;
  size_t size_ = 0;
  std::vector<uint32_t> line_starts_;
  std::vector<Block> blocks_;
};

enum class SourceKind : uint8_t { kYaml, kJson, kText, kUnknown };

struct SourceFile {
  FileId id = kNoFile;
  std::string path;  // as the user named it, or as found under a directory
  bool is_stdin = false;
  SourceKind kind = SourceKind::kUnknown;
  uint64_t size = 0;
};

// Owns the list of files read in a run. File contents are not kept after
// loading (the model holds what rules need); excerpts are re-read on demand,
// except stdin, which cannot be read twice.
class SourceManager {
 public:
  FileId Add(std::string path, bool is_stdin);
  const SourceFile& file(FileId id) const { return *files_[id]; }
  SourceFile& mutable_file(FileId id) { return *files_[id]; }
  size_t size() const { return files_.size(); }
  void KeepContent(FileId id, std::string content);
  // The text of one line (1-based), without its line break; empty if unknown.
  std::string LineText(FileId id, uint32_t line) const;
  // Lines [first, last] of a file; empty if the file can't be read again.
  std::vector<std::string> Lines(FileId id, uint32_t first, uint32_t last) const;
  // The same with each line cut to at most max_bytes, so that an excerpt of
  // a minified file costs what it shows, not the whole line.
  std::vector<std::string> Lines(FileId id, uint32_t first, uint32_t last, size_t max_bytes) const;

 private:
  struct Cached {
    std::string content;
    LineTable lines;
  };
  const Cached* Load(FileId id) const;
  std::vector<std::unique_ptr<SourceFile>> files_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Cached>> cache_;
};

// The caret line under an excerpt: spaces (tabs kept) up to col, then '^'.
std::string CaretLine(std::string_view line, uint32_t col);

}  // namespace kora
