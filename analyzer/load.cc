#include "analyzer/load.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>
#include <unordered_set>

#include "analyzer/redact.h"
#include "analyzer/text_evidence.h"

namespace kora {

namespace fs = std::filesystem;

struct Loader::Pending {
  std::string path;
  bool is_stdin = false;
  bool from_walk = false;
  std::string content;  // for AddBuffer
  bool has_content = false;
  // Path inside a troubleshoot support bundle ('/'-separated), if the file is
  // in one: it decides whether the file holds objects (text_evidence.h).
  std::string bundle_path;
};

namespace {

bool HasExtension(const std::string& path, std::initializer_list<std::string_view> exts) {
  std::string lower = fs::path(path).extension().string();
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto e : exts) {
    if (lower == e) return true;
  }
  return false;
}

// Appends the UTF-8 encoding of a code point.
void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Utf16ToUtf8(std::string_view in, bool little_endian) {
  std::string out;
  out.reserve(in.size() / 2);
  auto unit = [&](size_t i) -> uint32_t {
    auto a = static_cast<unsigned char>(in[i]), b = static_cast<unsigned char>(in[i + 1]);
    return little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (size_t i = 0; i + 1 < in.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < in.size()) {
      uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    AppendUtf8(out, u);
  }
  return out;
}

// The length of the valid UTF-8 sequence at i, or 0 if it is invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void AddProblem(std::vector<LoadProblem>& out, ProblemKind kind, FileId file, Mark at, std::string message,
                std::string excerpt = {}) {
  LoadProblem p;
  p.kind = kind;
  p.file = file;
  p.span = Span{at, at};
  p.message = std::move(message);
  p.excerpt = std::move(excerpt);
  out.push_back(std::move(p));
}

// The YAML document (between column-0 "---" lines) that holds offset, so an
// excerpt from it can be redacted as the document requires.
std::string_view DocumentAround(std::string_view text, size_t offset) {
  size_t previous = text.rfind("\n---", offset);
  size_t begin = previous == std::string_view::npos ? 0 : previous + 1;
  size_t end = text.find("\n---", offset);
  return text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

bool HoldsObject(const ParsedFile& parsed) {
  for (const auto& d : parsed.docs) {
    Node root = d->Root();
    if (root.IsMap() && !root["kind"].Str().empty()) return true;
    for (Node item : root.Items()) {
      if (item.IsMap() && !item["kind"].Str().empty()) return true;
    }
  }
  return false;
}

// Text evidence (kubectl tables and describe output, docs/evidence.md): .txt
// and .log files, and inputs named anything but .yaml/.yml/.json (stdin
// included) that hold a recognised block and are not a manifest.
std::optional<ParsedFile> ParseAsText(const std::string& text, FileId file, const std::string& name,
                                      const LoadOptions& options) {
  bool text_name = HasExtension(name, {".txt", ".log"});
  if (!text_name && HasExtension(name, {".yaml", ".yml", ".json"})) return std::nullopt;
  size_t first = text.find_first_not_of(" \t\r\n");
  bool looks_json = first != std::string::npos && (text[first] == '{' || text[first] == '[');
  if (!text_name && looks_json) return std::nullopt;
  if (!HasTextEvidence(text)) {
    if (!text_name) return std::nullopt;
    // `kubectl get -o yaml > pods.txt` is a manifest all the same.
    if (HasExtension(name, {".txt"}) && LooksLikeManifest(text)) return std::nullopt;
    ParsedFile skipped;
    skipped.skipped = "not-evidence";
    return skipped;
  }
  if (!text_name) {
    // A manifest that merely quotes a table (in a block scalar, say) is YAML,
    // even a broken one.
    ParsedFile y = ParseYaml(text, file, options);
    if (HoldsObject(y)) return y;
  }
  ParsedFile t = ParseTextEvidence(text, file, options);
  t.kind = SourceKind::kText;
  return t;
}

}  // namespace

ParsedFile ParseBuffer(std::string& text, FileId file, const std::string& name, const LoadOptions& options) {
  ParsedFile out;
  // Byte order marks: UTF-16 is transcoded, a UTF-8 BOM dropped (it is not a column).
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0xFF && static_cast<unsigned char>(text[1]) == 0xFE &&
      !(text.size() >= 4 && text[2] == 0 && text[3] == 0)) {
    text = Utf16ToUtf8(std::string_view(text).substr(2), true);
  } else if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0xFE &&
             static_cast<unsigned char>(text[1]) == 0xFF) {
    text = Utf16ToUtf8(std::string_view(text).substr(2), false);
  } else if (text.size() >= 4 && text[0] != 0 && text[1] == 0 && text[2] != 0 && text[3] == 0) {
    text = Utf16ToUtf8(text, true);  // UTF-16LE without a BOM
  } else if (text.size() >= 4 && text[0] == 0 && text[1] != 0 && text[2] == 0 && text[3] != 0) {
    text = Utf16ToUtf8(text, false);  // UTF-16BE without a BOM
  } else if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
             static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    text.erase(0, 3);
  }
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    if (HasExtension(name, {".txt", ".log"})) {
      out.skipped = "not-evidence";  // a binary log is no kubectl output
      return out;
    }
    size_t at = static_cast<size_t>(static_cast<const char*>(nul) - text.data());
    LineTable lines(std::string_view(text).substr(0, at + 1));
    AddProblem(out.problems, ProblemKind::kEncoding, file, lines.At(at),
               "binary data (a NUL byte) in a text input; file skipped");
    return out;
  }
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    // Each invalid byte becomes U+FFFD: one code point for one byte, so
    // every line and column stays where the user sees it.
    size_t first = std::string::npos;
    size_t count = 0;
    std::string fixed;
    fixed.reserve(text.size() + 16);
    for (size_t i = 0; i < text.size();) {
      size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        if (first == std::string::npos) first = fixed.size();
        ++count;
        fixed += "\xEF\xBF\xBD";
        ++i;
      } else {
        fixed.append(text, i, len);
        i += len;
      }
    }
    text = std::move(fixed);
    LineTable lines(text);
    Mark m = lines.At(first);
    // The excerpt goes through RedactLine like every other: the bad byte may
    // sit in a Secret's value.
    AddProblem(out.problems, ProblemKind::kEncoding, file, m,
               "not valid UTF-8 (" + std::to_string(count) +
                   " invalid byte(s), each read as U+FFFD); Kubernetes requires UTF-8",
               RedactLine(lines.Line(m.line), DocumentAround(text, first)));
  }
  if (std::optional<ParsedFile> t = ParseAsText(text, file, name, options)) {
    if (!t->skipped.empty()) return std::move(*t);  // nothing read, nothing to report
    for (auto& p : out.problems) t->problems.insert(t->problems.begin(), std::move(p));
    return std::move(*t);
  }
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return out;
  bool json_ext = HasExtension(name, {".json"});
  bool looks_json = text[first] == '{' || text[first] == '[';
  if (json_ext || looks_json) {
    ParsedFile j = ParseJson(text, file, options, text.capacity());
    bool failed = j.docs.empty() && !j.problems.empty();
    if (!failed || json_ext) {
      for (auto& p : out.problems) j.problems.insert(j.problems.begin(), std::move(p));
      return j;
    }
    // Not JSON after all: a YAML flow mapping such as {a: b}.
    ParsedFile y = ParseYaml(text, file, options);
    if (y.problems.empty()) {
      for (auto& p : out.problems) y.problems.insert(y.problems.begin(), std::move(p));
      return y;
    }
    for (auto& p : out.problems) j.problems.insert(j.problems.begin(), std::move(p));
    return j;
  }
  ParsedFile y = ParseYaml(text, file, options);
  for (auto& p : out.problems) y.problems.insert(y.problems.begin(), std::move(p));
  return y;
}

Loader::Loader(LoadOptions options) : options_(std::move(options)) {
  options_.max_file_size = std::min(options_.max_file_size, kMaxFileSizeCap);
}
Loader::~Loader() = default;

void Loader::AddBuffer(const std::string& name, std::string content) {
  Pending p;
  p.path = name;
  p.content = std::move(content);
  p.has_content = true;
  pending_.push_back(std::move(p));
}

void Loader::AddPath(const std::string& path) { roots_.push_back(path); }

void Loader::AddRoot(const std::string& path) {
  if (path == "-") {
    Pending p;
    p.path = "-";
    p.is_stdin = true;
    pending_.push_back(std::move(p));
    return;
  }
  if (options_.ignore && options_.ignore(path)) {
    result_.stats.skipped["ignored"]++;
    return;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    result_.bad_paths.push_back(path + ": " + std::strerror(errno));
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    // A directory already walked under an earlier root (`kora analyze dir
    // dir/sub`) is not walked again: its files are in already.
    std::pair<uint64_t, uint64_t> id{st.st_dev, st.st_ino};
    if (!seen_dirs_.insert(id).second) return;
    size_t first = pending_.size();
    Walk(path, 0);
    // The directory may be a support bundle or lie inside one.
    if (std::string root = FindSupportBundleRoot(path); !root.empty()) {
      for (size_t i = first; i < pending_.size(); ++i) {
        if (pending_[i].bundle_path.empty()) pending_[i].bundle_path = SupportBundleRelativePath(root, pending_[i].path);
      }
    }
    return;
  }
  // Named explicitly, a pipe (as from <(helm template ...)) is read like a file.
  std::pair<uint64_t, uint64_t> id{st.st_dev, st.st_ino};
  if (S_ISREG(st.st_mode)) {
    if (!seen_files_.insert(id).second) return;
  }
  Pending p;
  p.path = path;
  if (std::string root = FindSupportBundleRoot(path); !root.empty()) p.bundle_path = SupportBundleRelativePath(root, path);
  pending_.push_back(std::move(p));
}

void Loader::Walk(const std::string& dir, int depth) {
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) {
    result_.bad_paths.push_back(dir + ": " + ec.message());
    result_.stats.skipped["unreadable"]++;
    return;
  }
  std::vector<std::string> entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    entries.push_back(it->path().string());
  }
  std::sort(entries.begin(), entries.end());
  size_t first_pending = pending_.size();
  for (const std::string& entry : entries) {
    if (options_.ignore && options_.ignore(entry)) {
      result_.stats.skipped["ignored"]++;
      continue;
    }
    struct stat lst, st;
    if (::lstat(entry.c_str(), &lst) != 0) continue;
    bool is_link = S_ISLNK(lst.st_mode);
    if (::stat(entry.c_str(), &st) != 0) {
      result_.stats.skipped[is_link ? "broken-symlink" : "unreadable"]++;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      std::string base = fs::path(entry).filename().string();
      if (base == ".git") {
        result_.stats.skipped["vcs-directory"]++;
        continue;
      }
      std::pair<uint64_t, uint64_t> id{st.st_dev, st.st_ino};
      if (!seen_dirs_.insert(id).second) {
        result_.stats.skipped["symlink-loop"]++;
        continue;
      }
      if (depth >= static_cast<int>(options_.max_walk_depth)) {
        result_.stats.skipped["too-deep"]++;
        walk_limits_.emplace_back(entry, "directory nested more than " + std::to_string(options_.max_walk_depth) +
                                             " levels below the path named; not read (limit: --max-walk-depth)");
        continue;
      }
      Walk(entry, depth + 1);
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      // FIFOs, sockets and devices are never opened from a directory walk.
      result_.stats.skipped["special-file"]++;
      continue;
    }
    // .txt and .log files may hold kubectl output (text evidence).
    if (!HasExtension(entry, {".yaml", ".yml", ".json", ".txt", ".log"})) {
      result_.stats.skipped["extension"]++;
      continue;
    }
    std::pair<uint64_t, uint64_t> id{st.st_dev, st.st_ino};
    if (!seen_files_.insert(id).second) continue;
    if (pending_.size() >= options_.max_files) {
      if (first_over_max_files_.empty()) first_over_max_files_ = entry;
      result_.stats.skipped["max-files"]++;
      continue;
    }
    Pending p;
    p.path = entry;
    p.from_walk = true;
    pending_.push_back(std::move(p));
  }
  // A support bundle nested in the walk (an inner bundle marks its files first).
  if (IsSupportBundleRoot(dir)) {
    for (size_t i = first_pending; i < pending_.size(); ++i) {
      if (pending_[i].bundle_path.empty()) pending_[i].bundle_path = SupportBundleRelativePath(dir, pending_[i].path);
    }
  }
}

namespace {

struct FileOutcome {
  ParsedFile parsed;
  uint64_t bytes = 0;
  bool read = false;
};

// Reads at most limit+1 bytes, so an oversized pipe is noticed without being
// swallowed whole. A regular file arrives with `out` reserved to its size
// (sized) and is read straight in. A pipe's size is unknown: it is read in 1 MiB chunks
// and joined once at the end into a buffer of the exact size (plus simdjson's
// padding), so memory peaks near the input's size, not at the 2x of a string
// doubling its capacity (256 MiB of stdin took 528 MB that way).
bool ReadAll(int fd, std::string& out, uint64_t limit, bool sized) {
  constexpr size_t kChunk = 1 << 20;
  const bool direct = sized;
  std::vector<std::string> chunks;
  uint64_t total = out.size();
  char buf[1 << 16];
  bool ok = true;
  while (total <= limit) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    if (direct) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (chunks.empty() || chunks.back().size() + static_cast<size_t>(n) > kChunk) {
      chunks.emplace_back();
      chunks.back().reserve(kChunk);
    }
    chunks.back().append(buf, static_cast<size_t>(n));
  }
  if (!chunks.empty()) {
    int saved = errno;
    out.reserve(total + simdjson::SIMDJSON_PADDING + 1);
    for (std::string& c : chunks) {
      out += c;
      std::string().swap(c);  // give each chunk back as soon as it is copied
    }
    errno = saved;
  }
  return ok;
}

}  // namespace

LoadResult Loader::Finish() {
  // Roots are taken in sorted order, not command-line order: which path a
  // file reached twice is known by, and which directories count as already
  // walked, must not depend on the order the user typed them in.
  std::sort(roots_.begin(), roots_.end());
  roots_.erase(std::unique(roots_.begin(), roots_.end()), roots_.end());
  for (const std::string& root : roots_) AddRoot(root);
  roots_.clear();
  // Support bundle files that hold no objects are counted, never read.
  std::erase_if(pending_, [&](const Pending& p) {
    std::string_view why = p.bundle_path.empty() ? std::string_view() : ClassifySupportBundleFile(p.bundle_path);
    if (why.empty()) return false;
    result_.stats.skipped[std::string(why)]++;
    return true;
  });
  // Deterministic order whatever the command line or directory listing order.
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Pending& a, const Pending& b) { return a.path < b.path; });
  SourceManager& sources = *result_.sources;
  std::vector<FileId> ids;
  for (const Pending& p : pending_) ids.push_back(sources.Add(p.is_stdin ? "<stdin>" : p.path, p.is_stdin));

  std::vector<FileOutcome> outcomes(pending_.size());
  auto load_one = [&](size_t i) {
    Pending& p = pending_[i];
    FileId id = ids[i];
    FileOutcome& o = outcomes[i];
    std::string text;
    if (p.has_content) {
      text = std::move(p.content);
    } else {
      // Files from a directory walk open non-blocking, so a FIFO swapped in
      // after the walk looked cannot hang the run.
      int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (p.from_walk ? O_NONBLOCK : 0);
      int fd = p.is_stdin ? 0 : ::open(p.path.c_str(), flags);
      if (fd < 0) {
        AddProblem(o.parsed.problems, ProblemKind::kUnreadable, id, Mark{},
                   std::string("cannot open: ") + std::strerror(errno));
        return;
      }
      struct stat st {};
      bool regular = !p.is_stdin && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
      if (p.from_walk && !regular) {
        // The walk saw a regular file, but it was replaced (by a FIFO, say)
        // before it was opened; O_NONBLOCK kept the open from hanging.
        AddProblem(o.parsed.problems, ProblemKind::kUnreadable, id, Mark{},
                   "no longer a regular file (it changed during the directory walk); skipped");
        ::close(fd);
        return;
      }
      if (regular && static_cast<uint64_t>(st.st_size) > options_.max_file_size) {
        AddProblem(o.parsed.problems, ProblemKind::kLimit, id, Mark{1, 1},
                   "file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                       std::to_string(options_.max_file_size) + " (--max-file-size); file skipped");
        ::close(fd);
        return;
      }
      if (p.from_walk) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      // Sized up front: no doubling while reading (a 50 MB file would
      // otherwise peak at 96 MB), and room for simdjson's padding.
      if (regular) text.reserve(static_cast<size_t>(st.st_size) + simdjson::SIMDJSON_PADDING + 1);
      bool ok = ReadAll(fd, text, options_.max_file_size, regular);
      int err = errno;
      if (!p.is_stdin) ::close(fd);
      if (!ok) {
        AddProblem(o.parsed.problems, ProblemKind::kUnreadable, id, Mark{},
                   std::string("cannot read: ") + std::strerror(err));
        return;
      }
      if (text.size() > options_.max_file_size) {
        AddProblem(o.parsed.problems, ProblemKind::kLimit, id, Mark{1, 1},
                   "input is over the limit of " + std::to_string(options_.max_file_size) +
                       " bytes (--max-file-size); skipped");
        return;
      }
    }
    o.read = true;
    o.bytes = text.size();
    o.parsed = ParseBuffer(text, id, p.path, options_);
    // Neither stdin nor an in-memory buffer can be read again for excerpts.
    if (p.is_stdin || p.has_content) sources.KeepContent(id, std::move(text));
  };

  // Files are independent: parse them on several threads, merge in order.
  size_t jobs = std::max<size_t>(1, std::min<size_t>(options_.jobs, pending_.size()));
  if (jobs <= 1) {
    for (size_t i = 0; i < pending_.size(); ++i) load_one(i);
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (size_t t = 0; t < jobs; ++t) {
      threads.emplace_back([&] {
        for (size_t i = next++; i < pending_.size(); i = next++) load_one(i);
      });
    }
    for (auto& t : threads) t.join();
  }

  // Cluster-scoped custom kinds, learned from CRDs in the input.
  std::unordered_set<std::string> cluster_kinds;
  for (auto& o : outcomes) {
    for (auto& d : o.parsed.docs) {
      Node root = d->Root();
      auto visit = [&](Node n) {
        if (n["kind"].Str() == "CustomResourceDefinition" && n["spec"]["scope"].Str() == "Cluster") {
          cluster_kinds.insert(std::string(n["spec"]["names"]["kind"].Str()));
        }
      };
      if (root.IsSeq()) {
        for (Node item : root.Items()) visit(item);
      } else if (root["items"].IsSeq()) {
        for (Node item : root["items"].Items()) visit(item);
      } else {
        visit(root);
      }
    }
  }

  ObjectSet& objects = *result_.objects;
  std::string_view default_ns = objects.Intern(options_.default_namespace);
  for (size_t i = 0; i < outcomes.size(); ++i) {
    FileOutcome& o = outcomes[i];
    FileId id = ids[i];
    SourceFile& sf = sources.mutable_file(id);
    sf.size = o.bytes;
    if (o.read) {
      result_.stats.files_read++;
      result_.stats.bytes_read += o.bytes;
    }
    for (auto& p : o.parsed.problems) result_.problems.push_back(std::move(p));
    if (o.parsed.kind == SourceKind::kText) sf.kind = SourceKind::kText;
    if (!o.parsed.skipped.empty()) result_.stats.skipped[o.parsed.skipped]++;
    // Support bundles store the items of typed lists without apiVersion and kind.
    std::optional<InferredType> inferred;
    if (!pending_[i].bundle_path.empty()) inferred = InferSupportBundleType(pending_[i].bundle_path);
    for (auto& doc : o.parsed.docs) {
      result_.stats.documents++;
      const Document* d = doc.get();
      std::vector<std::pair<Node, bool>> todo;
      Node root = d->Root();
      if (root.IsSeq()) {
        // A bare array of objects (support bundles store them so).
        size_t non_objects = 0;
        Node first_bad;
        for (Node item : root.Items()) {
          if (item.IsMap() || item.IsNull()) {
            todo.emplace_back(item, true);
          } else if (non_objects++ == 0) {
            first_bad = item;
          }
        }
        if (non_objects) {
          LoadProblem p;
          p.kind = ProblemKind::kInvalidObject;
          p.file = id;
          p.span = Span{first_bad.span().begin, first_bad.span().begin};
          p.message = "document is a sequence with " + std::to_string(non_objects) +
                      " item(s) that are not Kubernetes objects (mappings with apiVersion and kind)";
          result_.problems.push_back(std::move(p));
        }
      } else {
        todo.emplace_back(root, false);
      }
      auto invalid = [&](Node n, std::string msg) {
        LoadProblem p;
        p.kind = ProblemKind::kInvalidObject;
        p.file = id;
        p.span = n.FieldSpan();
        p.span.end = p.span.begin;
        p.message = std::move(msg);
        result_.problems.push_back(std::move(p));
      };
      for (size_t t = 0; t < todo.size(); ++t) {
        auto [n, from_list] = todo[t];
        if (n.IsNull()) continue;
        if (!n.IsMap()) {
          invalid(n, std::string("document is a ") + (n.IsSeq() ? "sequence" : "scalar") +
                         ", not a Kubernetes object (a mapping with apiVersion and kind)");
          continue;
        }
        std::string_view kind = n["kind"].Str();
        Node items = n["items"];
        if (kind.empty() && inferred) {
          if (items.IsSeq() && !n["metadata"]["name"]) {
            for (Node item : items.Items()) todo.emplace_back(item, true);
            continue;
          }
          kind = inferred->kind;
        }
        if (kind.size() >= 4 && kind.substr(kind.size() - 4) == "List" && (items.IsSeq() || items.IsNull())) {
          for (Node item : items.Items()) todo.emplace_back(item, true);
          continue;
        }
        std::string_view api = n["apiVersion"].Str();
        if (api.empty() && inferred && kind == inferred->kind) api = inferred->api_version;
        if (kind.empty()) {
          invalid(n, api.empty() ? "object has neither apiVersion nor kind" : "object has no kind");
          continue;
        }
        if (api.empty()) invalid(n, "object of kind " + std::string(kind) + " has no apiVersion");
        Object obj;
        obj.doc = d;
        obj.root = n.id();
        obj.file = id;
        obj.api_version = api;
        obj.group = ApiGroup(api);
        obj.kind = kind;
        obj.from_list = from_list;
        Node meta = n["metadata"];
        obj.name = meta["name"].Str();
        obj.uid = meta["uid"].Str();
        // Lists, reviews and status objects are never stored, so have no name.
        bool nameless_kind = (kind.size() >= 4 && kind.substr(kind.size() - 4) == "List") ||
                             (kind.size() >= 6 && kind.substr(kind.size() - 6) == "Review") || kind == "Status";
        if (obj.name.empty() && meta["generateName"].Str().empty() && !nameless_kind) {
          invalid(meta ? meta : n, std::string(kind) + " has no metadata.name");
        }
        bool cluster = IsClusterScopedKind(kind) || cluster_kinds.count(std::string(kind));
        if (!cluster) {
          obj.ns = meta["namespace"].Str();
          if (obj.ns.empty()) {
            obj.ns = default_ns;
            obj.namespace_defaulted = true;
          }
        }
        objects.Add(obj);
      }
    }
    for (auto& doc : o.parsed.docs) objects.AdoptDocument(std::move(doc));
  }
  // Paths that could not be used at all are findings too, so reports show them.
  for (const std::string& bad : result_.bad_paths) {
    std::string path = bad.substr(0, bad.rfind(": "));
    FileId id = sources.Add(path, false);
    AddProblem(result_.problems, ProblemKind::kUnreadable, id, Mark{}, "cannot read: " + bad.substr(path.size() + 2));
  }
  for (const auto& [path, message] : walk_limits_) {
    AddProblem(result_.problems, ProblemKind::kLimit, sources.Add(path, false), Mark{}, message);
  }
  if (!first_over_max_files_.empty()) {
    AddProblem(result_.problems, ProblemKind::kLimit, sources.Add(first_over_max_files_, false), Mark{},
               "directory walks found more than " + std::to_string(options_.max_files) + " files; this one and " +
                   std::to_string(result_.stats.skipped["max-files"] - 1) +
                   " more were not read (limit: --max-files)");
  }
  objects.Finish();
  return std::move(result_);
}

}  // namespace kora
