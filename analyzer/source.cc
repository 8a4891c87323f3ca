#include "analyzer/source.h"

#include <algorithm>
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
