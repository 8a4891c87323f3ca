// Registry hosts named in image pull Secrets. The credentials are decoded
// only to read the host names and are never kept or printed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/object.h"

namespace kora {

std::string Base64Decode(std::string_view in, bool* ok);
// Hosts in a kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg Secret
// (data or stringData), normalised (docker.io for Docker Hub's names).
// Returns false when the Secret holds no readable registry configuration.
bool PullSecretRegistries(const Object& secret, std::vector<std::string>& hosts);

}  // namespace kora
