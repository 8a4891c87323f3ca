// Escaping and hashing for the HTML report.
#include <fmt/format.h>
#include <openssl/evp.h>

#include "reports/html.h"

namespace kora::html {

size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len = 0;
  uint32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no valid sequence
      ++i;
      continue;
    }
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
      case '\t':
        out.push_back(static_cast<char>(cp));
        break;
      default:
        if (cp < 0x20 || cp == 0x7F) {
          out += fmt::format("\\x{:02x}", cp);
        } else if (cp >= 0x80 && cp <= 0x9F) {
          out += fmt::format("\\u{:04x}", cp);
        } else {
          out.append(s.substr(i, len));
        }
    }
    i += len;
  }
  return out;
}

std::string ScriptSafeJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string CspHash(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_Digest(content.data(), content.size(), digest, &digest_len, EVP_sha256(), nullptr);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, digest, static_cast<int>(digest_len));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(n)) + "'";
}

std::vector<std::string> WrapText(std::string_view text, size_t width, size_t max_lines) {
  // Work on code points so that a line never splits a character.
  std::vector<std::string_view> chars;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(text, i, cp);
    if (len == 0) len = 1;
    chars.push_back(text.substr(i, len));
    i += len;
  }
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < chars.size() && lines.size() < max_lines) {
    while (pos < chars.size() && chars[pos] == " ") ++pos;
    if (pos >= chars.size()) break;
    size_t end = std::min(chars.size(), pos + width);
    if (end < chars.size()) {
      size_t space = end;
      while (space > pos && chars[space] != " ") --space;
      if (space > pos) end = space;
    }
    std::string line;
    for (size_t k = pos; k < end; ++k) line.append(chars[k]);
    pos = end;
    lines.push_back(std::move(line));
  }
  while (pos < chars.size() && chars[pos] == " ") ++pos;
  if (pos < chars.size() && !lines.empty()) {
    // Cut: end the last line with an ellipsis, within the width.
    std::string& last = lines.back();
    std::vector<std::string_view> last_chars;
    for (size_t i = 0; i < last.size();) {
      uint32_t cp = 0;
      size_t len = DecodeUtf8(last, i, cp);
      if (len == 0) len = 1;
      last_chars.push_back(std::string_view(last).substr(i, len));
      i += len;
    }
    size_t keep = std::min(last_chars.size(), width > 0 ? width - 1 : 0);
    std::string cut;
    for (size_t k = 0; k < keep; ++k) cut.append(last_chars[k]);
    last = cut + "\xE2\x80\xA6";
  }
  return lines;
}

}  // namespace kora::html
