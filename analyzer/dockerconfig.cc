#include "analyzer/dockerconfig.h"

#include <algorithm>

#include "analyzer/image.h"
#include "analyzer/load.h"

namespace kora {

std::string Base64Decode(std::string_view in, bool* ok) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  *ok = true;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    int v = value(c);
    if (v < 0) {
      *ok = false;
      return {};
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

bool PullSecretRegistries(const Object& secret, std::vector<std::string>& hosts) {
  std::string_view type = secret.Root()["type"].Str();
  const char* key = nullptr;
  if (type == "kubernetes.io/dockerconfigjson") {
    key = ".dockerconfigjson";
  } else if (type == "kubernetes.io/dockercfg") {
    key = ".dockercfg";
  } else {
    return false;
  }
  std::string json;
  Node raw = secret.Root()["stringData"][key];
  if (raw.IsScalar()) {
    json = std::string(raw.Str());
  } else {
    Node enc = secret.Root()["data"][key];
    if (!enc.IsScalar()) return false;
    bool ok = false;
    json = Base64Decode(enc.Str(), &ok);
    if (!ok) return false;
  }
  LoadOptions options;
  options.max_depth = 16;
  ParsedFile parsed = ParseJson(json, kNoFile, options);
  if (parsed.docs.empty()) return false;
  Node root = parsed.docs[0]->Root();
  Node auths = type == "kubernetes.io/dockerconfigjson" ? root["auths"] : root;
  if (!auths.IsMap()) return false;
  for (auto [host, entry] : auths.Entries()) {
    std::string h = NormalizeRegistry(host.Str());
    if (!h.empty() && std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
  }
  std::sort(hosts.begin(), hosts.end());
  return true;
}

}  // namespace kora
