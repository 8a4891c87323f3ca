#include "analyzer/redact.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace kora {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Splits FOO_BAR, foo.bar, fooBar into upper-case words.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool sep = !std::isalnum(static_cast<unsigned char>(c));
    bool camel = i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
                 std::islower(static_cast<unsigned char>(name[i - 1]));
    if (sep || camel) {
      if (!cur.empty()) words.push_back(Upper(cur));
      cur.clear();
      if (sep) continue;
    }
    cur.push_back(c);
  }
  if (!cur.empty()) words.push_back(Upper(cur));
  return words;
}

}  // namespace

bool LooksLikeCredentialName(std::string_view name) {
  std::string up = Upper(name);
  static constexpr std::string_view kSubstrings[] = {"PASSWORD", "PASSWD",     "SECRET",     "TOKEN",
                                                     "APIKEY",   "ACCESSKEY",  "PRIVATEKEY", "CREDENTIAL",
                                                     "PASSPHRASE", "AUTH_KEY", "CLIENTSECRET", "DSN"};
  for (auto s : kSubstrings) {
    if (up.find(s) != std::string::npos) return true;
  }
  static constexpr std::string_view kWords[] = {"KEY", "PWD", "PASS", "CREDS", "AUTH", "CERT", "SIGNATURE", "SALT"};
  for (const std::string& w : Words(name)) {
    for (auto k : kWords) {
      if (w == k) return true;
    }
  }
  return false;
}

bool LooksLikeCredentialValue(std::string_view v) {
  if (v.find("-----BEGIN") != std::string_view::npos && v.find("PRIVATE KEY") != std::string_view::npos) return true;
  auto starts = [&](std::string_view p) { return v.substr(0, p.size()) == p; };
  // Well-known token shapes.
  if ((starts("AKIA") || starts("ASIA")) && v.size() == 20) return true;
  if (starts("ghp_") || starts("gho_") || starts("ghs_") || starts("ghu_") || starts("github_pat_")) return true;
  if (starts("glpat-") || starts("xoxb-") || starts("xoxp-") || starts("xoxa-") || starts("sk_live_") ||
      starts("sk-") || starts("AIza"))
    return v.size() >= 20;
  if (starts("eyJ") && std::count(v.begin(), v.end(), '.') == 2 && v.size() > 30) return true;  // JWT
  // URLs with a password: scheme://user:pass@host
  auto scheme = v.find("://");
  if (scheme != std::string_view::npos) {
    auto at = v.find('@', scheme);
    auto colon = v.find(':', scheme + 3);
    if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) return true;
  }
  // Long strings mixing letters and digits with no spaces look like keys.
  if (v.size() >= 32 && v.find(' ') == std::string_view::npos && v.find('/') == std::string_view::npos) {
    int lower = 0, upper = 0, digit = 0;
    for (char c : v) {
      if (std::islower(static_cast<unsigned char>(c))) ++lower;
      else if (std::isupper(static_cast<unsigned char>(c))) ++upper;
      else if (std::isdigit(static_cast<unsigned char>(c))) ++digit;
    }
    if (lower > 0 && upper > 0 && digit > 0) return true;
  }
  return false;
}

std::string RedactLine(std::string_view line, std::string_view document_text) {
  bool in_secret = document_text.find("kind: Secret") != std::string_view::npos ||
                   document_text.find("\"kind\": \"Secret\"") != std::string_view::npos ||
                   document_text.find("\"kind\":\"Secret\"") != std::string_view::npos;
  // Find "key: value" or "key": value on the line.
  size_t colon = std::string_view::npos;
  bool in_quote = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') in_quote = !in_quote;
    if (!in_quote && line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
      colon = i;
      break;
    }
  }
  std::string out(line);
  if (colon == std::string_view::npos) {
    // A bare continuation line (e.g. inside a block scalar) of a Secret.
    if (in_secret) {
      size_t b = out.find_first_not_of(" \t-");
      if (b != std::string::npos) out = out.substr(0, b) + std::string(kRedacted);
    }
    return out;
  }
  std::string_view key = line.substr(0, colon);
  while (!key.empty() && (key.front() == ' ' || key.front() == '-' || key.front() == '"')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == '"' || key.back() == ' ')) key.remove_suffix(1);
  std::string_view value = line.substr(colon + 1);
  size_t vb = value.find_first_not_of(" \t");
  if (vb == std::string_view::npos) return out;
  std::string_view v = value.substr(vb);
  bool structural = key == "apiVersion" || key == "kind" || key == "name" || key == "namespace" || key == "type";
  if ((in_secret && !structural) || LooksLikeCredentialName(key) || LooksLikeCredentialValue(v)) {
    out = std::string(line.substr(0, colon + 1 + vb)) + std::string(kRedacted);
  }
  return out;
}

}  // namespace kora
