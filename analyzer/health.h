// Health compatible with Argo CD's assessment (gitops-engine and the
// bundled Lua checks): Healthy, Suspended, Progressing, Missing, Degraded,
// Unknown, from an object's status. docs/health.md has the rules per kind.
#pragma once

#include <string>
#include <string_view>

#include "analyzer/object.h"

namespace kora {

class Graph;

// Ordered from best to worst, as Argo CD's IsWorse orders them.
enum class Health : uint8_t { kHealthy, kSuspended, kProgressing, kMissing, kDegraded, kUnknown };

std::string_view HealthName(Health h);
inline bool IsWorse(Health a, Health than) { return static_cast<int>(a) > static_cast<int>(than); }

struct HealthStatus {
  bool applies = false;  // the kind has a health check and the object has live state
  Health health = Health::kHealthy;
  std::string message;
};

// The health of one object from its status; applies only to objects read
// from a cluster (a manifest has no status to assess).
HealthStatus AssessHealth(const Object& obj);

// An Argo CD Application: the worst health of the objects it manages that
// are in the input (missing ones do not count, as in Argo CD 3).
HealthStatus AssessApplication(const Object& app, const ObjectSet& objects, const Graph& graph);

}  // namespace kora
