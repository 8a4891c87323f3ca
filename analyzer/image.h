// Container image references, parsed the way the container runtime does
// (docker/distribution reference grammar, Docker Hub defaults).
#pragma once

#include <string>
#include <string_view>

namespace kora {

struct ImageRef {
  std::string registry;    // "docker.io" when none is given
  std::string repository;  // "library/nginx" for "nginx" on Docker Hub
  std::string tag;         // empty when none is given
  std::string digest;      // "sha256:..." when pinned
  bool explicit_registry = false;
  bool valid = true;
  std::string error;
};

ImageRef ParseImage(std::string_view image);
// The image as written, without its tag and digest: "ghcr.io/a/b:1@sha256:.." -> "ghcr.io/a/b".
std::string ImageName(std::string_view image);

// The host a pull secret must name to cover a registry: Docker Hub answers
// to several names.
bool SameRegistry(std::string_view a, std::string_view b);
std::string NormalizeRegistry(std::string_view host);

}  // namespace kora
