#include "reports/json_out.h"

#include <fmt/format.h>

namespace kora {

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    // Copy a valid UTF-8 sequence, replace anything else.
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out += "\\ufffd";
      continue;
    }
    // U+2028 and U+2029 break JavaScript string literals; escape them too.
    if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out.append(s.substr(i, len));
    i += len - 1;
  }
  return out;
}

namespace {
// Most strings of a report (keys, ids, paths, plain messages) need no
// escaping: those are written as they are, without a copy.
bool NeedsEscape(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return true;
  }
  return false;
}

void WriteQuoted(std::ostream& out, std::string_view s) {
  out.put('"');
  if (NeedsEscape(s)) {
    std::string escaped = JsonEscape(s);
    out.write(escaped.data(), static_cast<std::streamsize>(escaped.size()));
  } else {
    out.write(s.data(), static_cast<std::streamsize>(s.size()));
  }
  out.put('"');
}
}  // namespace

void JsonOut::Newline() {
  if (!pretty_) return;
  static constexpr char kIndent[] = "\n                                                                ";
  size_t width = 1 + 2 * stack_.size();
  if (width <= sizeof(kIndent) - 1) {
    out_.write(kIndent, static_cast<std::streamsize>(width));
    return;
  }
  out_ << '\n';
  for (size_t i = 0; i < stack_.size(); ++i) out_ << "  ";
}

void JsonOut::Separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (!stack_.back().first) out_ << ',';
  stack_.back().first = false;
  Newline();
}

JsonOut& JsonOut::BeginObject() {
  Separator();
  out_ << '{';
  stack_.push_back(Level{true, true});
  return *this;
}

JsonOut& JsonOut::EndObject() {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (!empty) Newline();
  out_ << '}';
  return *this;
}

JsonOut& JsonOut::BeginArray() {
  Separator();
  out_ << '[';
  stack_.push_back(Level{true, false});
  return *this;
}

JsonOut& JsonOut::EndArray() {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (!empty) Newline();
  out_ << ']';
  return *this;
}

JsonOut& JsonOut::Key(std::string_view k) {
  Separator();
  WriteQuoted(out_, k);
  out_ << (pretty_ ? ": " : ":");
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::String(std::string_view s) {
  Separator();
  WriteQuoted(out_, s);
  return *this;
}

JsonOut& JsonOut::Int(int64_t v) {
  Separator();
  out_ << v;
  return *this;
}

JsonOut& JsonOut::UInt(uint64_t v) {
  Separator();
  out_ << v;
  return *this;
}

JsonOut& JsonOut::Bool(bool v) {
  Separator();
  out_ << (v ? "true" : "false");
  return *this;
}

JsonOut& JsonOut::Null() {
  Separator();
  out_ << "null";
  return *this;
}

}  // namespace kora
