#include "analyzer/source.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kora {

LineTable::LineTable(std::string_view text) : text_(text) {
  starts_.push_back(0);
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!nl) break;
    p = static_cast<const char*>(nl) + 1;
    starts_.push_back(static_cast<uint32_t>(p - text.data()));
  }
}

Mark LineTable::At(size_t offset) const {
  if (offset > text_.size()) offset = text_.size();
  auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<uint32_t>(offset));
  size_t line = static_cast<size_t>(it - starts_.begin()) - 1;
  size_t from = starts_[line];
  uint32_t col = 1;
  if (line == cache_line_ && cache_off_ <= offset) {
    from = cache_off_;
    col = cache_col_;
  }
  for (size_t i = from; i < offset; ++i) {
    // UTF-8 continuation bytes do not start a new code point.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;
  }
  cache_line_ = line;
  cache_off_ = offset;
  cache_col_ = col;
  return Mark{static_cast<uint32_t>(line + 1), col};
}

PositionIndex::PositionIndex(std::string_view text) : size_(text.size()) {
  line_starts_.push_back(0);
  const char* base = text.data();
  const char* p = base;
  const char* end = p + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!nl) break;
    p = static_cast<const char*>(nl) + 1;
    line_starts_.push_back(static_cast<uint32_t>(p - base));
  }
  line_starts_.shrink_to_fit();
  // Columns count code points: remember where UTF-8 continuation bytes are,
  // per 64-byte block, for the blocks that have any (none in ASCII text).
  uint32_t before = 0;
  size_t n = text.size();
  for (size_t block = 0; block * 64 < n; ++block) {
    size_t from = block * 64;
    size_t len = std::min<size_t>(64, n - from);
    uint64_t high = 0;
    if (len == 64) {
      for (size_t w = 0; w < 64; w += 8) {
        uint64_t word;
        std::memcpy(&word, base + from + w, 8);
        high |= word;
      }
      if (!(high & 0x8080808080808080ull)) continue;
    }
    uint64_t mask = 0;
    for (size_t i = 0; i < len; ++i) {
      if ((static_cast<unsigned char>(base[from + i]) & 0xC0) == 0x80) mask |= uint64_t{1} << i;
    }
    if (!mask) continue;
    blocks_.push_back(Block{static_cast<uint32_t>(block), before, mask});
    before += static_cast<uint32_t>(std::popcount(mask));
  }
  blocks_.shrink_to_fit();
}

uint32_t PositionIndex::LineOf(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<uint32_t>(offset));
  return static_cast<uint32_t>(it - line_starts_.begin()) - 1;
}

size_t PositionIndex::ContinuationBefore(size_t offset) const {
  if (blocks_.empty()) return 0;
  uint32_t block = static_cast<uint32_t>(offset / 64);
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), block,
                             [](uint32_t b, const Block& x) { return b < x.index; });
  if (it == blocks_.begin()) return 0;
  const Block& b = *(it - 1);
  if (b.index < block) return b.before + static_cast<size_t>(std::popcount(b.continuation));
  uint64_t below = (uint64_t{1} << (offset % 64)) - 1;
  return b.before + static_cast<size_t>(std::popcount(b.continuation & below));
}

Mark PositionIndex::MarkOn(uint32_t line, size_t offset) const {
  size_t start = line_starts_[line];
  size_t col = offset - start + 1;
  if (!blocks_.empty()) col -= ContinuationBefore(offset) - ContinuationBefore(start);
  return Mark{line + 1, static_cast<uint32_t>(col)};
}

Mark PositionIndex::At(size_t offset) const {
  if (offset > size_) offset = size_;
  return MarkOn(LineOf(offset), offset);
}

Span PositionIndex::SpanAt(size_t begin, size_t end) const {
  if (begin > size_) begin = size_;
  if (end > size_) end = size_;
  uint32_t bline = LineOf(begin);
  uint32_t eline = bline;
  // Most spans end on their first line or a few lines below it.
  size_t probe = 0;
  while (eline + 1 < line_starts_.size() && line_starts_[eline + 1] <= end && probe++ < 8) ++eline;
  if (eline + 1 < line_starts_.size() && line_starts_[eline + 1] <= end) eline = LineOf(end);
  if (end < begin) eline = LineOf(end);
  return Span{MarkOn(bline, begin), MarkOn(eline, end)};
}

std::string_view PositionIndex::Line(std::string_view text, uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t b = std::min<size_t>(line_starts_[line - 1], text.size());
  size_t e = line < line_starts_.size() ? line_starts_[line] : text.size();
  e = std::min(e, text.size());
  while (e > b && (text[e - 1] == '\n' || text[e - 1] == '\r')) --e;
  return text.substr(b, e - b);
}

size_t LineTable::LineStart(uint32_t line) const {
  if (line == 0 || line > starts_.size()) return text_.size();
  return starts_[line - 1];
}

std::string_view LineTable::Line(uint32_t line) const {
  if (line == 0 || line > starts_.size()) return {};
  size_t b = starts_[line - 1];
  size_t e = line < starts_.size() ? starts_[line] : text_.size();
  while (e > b && (text_[e - 1] == '\n' || text_[e - 1] == '\r')) --e;
  return text_.substr(b, e - b);
}

FileId SourceManager::Add(std::string path, bool is_stdin) {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = std::make_unique<SourceFile>();
  f->id = static_cast<FileId>(files_.size());
  f->path = std::move(path);
  f->is_stdin = is_stdin;
  files_.push_back(std::move(f));
  cache_.emplace_back();
  return files_.back()->id;
}

void SourceManager::KeepContent(FileId id, std::string content) {
  std::lock_guard<std::mutex> lock(mu_);
  auto c = std::make_unique<Cached>();
  c->content = std::move(content);
  c->lines = LineTable(c->content);
  cache_[id] = std::move(c);
}

const SourceManager::Cached* SourceManager::Load(FileId id) const {
  if (id >= files_.size()) return nullptr;
  if (cache_[id]) return cache_[id].get();
  const SourceFile& f = *files_[id];
  if (f.is_stdin) return nullptr;
  std::ifstream in(f.path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream ss;
  ss << in.rdbuf();
  auto c = std::make_unique<Cached>();
  c->content = ss.str();
  c->lines = LineTable(c->content);
  cache_[id] = std::move(c);
  return cache_[id].get();
}

std::string SourceManager::LineText(FileId id, uint32_t line) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Cached* c = Load(id);
  if (!c) return {};
  return std::string(c->lines.Line(line));
}

std::vector<std::string> SourceManager::Lines(FileId id, uint32_t first, uint32_t last) const {
  return Lines(id, first, last, std::string::npos);
}

std::vector<std::string> SourceManager::Lines(FileId id, uint32_t first, uint32_t last, size_t max_bytes) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  const Cached* c = Load(id);
  if (!c) return out;
  for (uint32_t l = std::max<uint32_t>(first, 1); l <= last && l <= c->lines.LineCount(); ++l) {
    out.emplace_back(c->lines.Line(l).substr(0, max_bytes));
  }
  return out;
}

std::string CaretLine(std::string_view line, uint32_t col) {
  std::string out;
  uint32_t c = 1;
  for (size_t i = 0; i < line.size() && c < col; ++i) {
    unsigned char ch = static_cast<unsigned char>(line[i]);
    if ((ch & 0xC0) == 0x80) continue;
    out.push_back(ch == '\t' ? '\t' : ' ');
    ++c;
  }
  while (c < col) {
    out.push_back(' ');
    ++c;
  }
  out.push_back('^');
  return out;
}

}  // namespace kora
