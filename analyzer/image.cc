#include "analyzer/image.h"

#include <algorithm>
#include <cctype>

namespace kora {

std::string NormalizeRegistry(std::string_view host) {
  std::string h(host);
  // Pull secrets often carry a scheme and a path: https://index.docker.io/v1/
  auto scheme = h.find("://");
  if (scheme != std::string::npos) h = h.substr(scheme + 3);
  auto slash = h.find('/');
  if (slash != std::string::npos) h = h.substr(0, slash);
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (h == "index.docker.io" || h == "registry-1.docker.io" || h == "registry.hub.docker.com" ||
      h == "docker.io") {
    return "docker.io";
  }
  return h;
}

bool SameRegistry(std::string_view a, std::string_view b) {
  std::string x = NormalizeRegistry(a), y = NormalizeRegistry(b);
  if (x == y) return true;
  // A credential for *.azurecr.io matches any one label in the wildcard's place.
  auto wildcard = [](const std::string& pattern, const std::string& host) {
    if (pattern.rfind("*.", 0) != 0) return false;
    std::string suffix = pattern.substr(1);
    if (host.size() <= suffix.size() || host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    return host.substr(0, host.size() - suffix.size()).find('.') == std::string::npos;
  };
  return wildcard(x, y) || wildcard(y, x);
}

std::string ImageName(std::string_view image) {
  std::string_view s = image.substr(0, image.find('@'));
  auto colon = s.rfind(':');
  auto slash = s.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) s = s.substr(0, colon);
  return std::string(s);
}

ImageRef ParseImage(std::string_view image) {
  ImageRef r;
  std::string_view s = image;
  if (s.empty()) {
    r.valid = false;
    r.error = "empty image name";
    return r;
  }
  auto at = s.find('@');
  if (at != std::string_view::npos) {
    r.digest = std::string(s.substr(at + 1));
    s = s.substr(0, at);
  }
  // The tag follows the last ':' after the last '/'.
  auto last_slash = s.rfind('/');
  auto colon = s.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    r.tag = std::string(s.substr(colon + 1));
    s = s.substr(0, colon);
  }
  auto first_slash = s.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view first = s.substr(0, first_slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      r.registry = NormalizeRegistry(first);
      r.explicit_registry = true;
      s = s.substr(first_slash + 1);
    }
  }
  if (r.registry.empty()) r.registry = "docker.io";
  r.repository = std::string(s);
  if (r.registry == "docker.io" && r.repository.find('/') == std::string::npos) {
    r.repository = "library/" + r.repository;
  }
  for (char c : r.repository) {
    bool ok = std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) {
      r.valid = false;
      r.error = "repository name may contain only lower-case letters, digits and . _ - /";
      break;
    }
  }
  if (r.repository.empty() || r.repository == "library/") {
    r.valid = false;
    r.error = "no repository name";
  }
  return r;
}

}  // namespace kora
