// Shared handling of references that do not resolve, so every
// cross-resource rule speaks the same way about "missing" versus "not in
// the input" (docs/references.md).
#pragma once

#include <string>

#include "analyzer/engine.h"

namespace kora {

// "Secret \"regcred\"" / "ClusterRole \"admin\"".
std::string DescribeTarget(const Context& ctx, const Reference& r);

// Reports r if it does not resolve: at the rule's severity when the target is
// definitely missing, as a note when the input cannot tell. Optional
// references, implicit, produced and assumed targets are not reported.
// `what` says what refers ("container \"web\" env DB_PASSWORD"), `consequence`
// what breaks, `fix` the concrete fix. Returns null when nothing was reported.
Finding* ReportUnresolved(const Context& ctx, Reporter& out, const Reference& r, const std::string& what,
                          const std::string& consequence, const std::string& fix);

// The pod templates to check references of: authored ones (see Context).
template <typename F>
void ForEachAuthoredTemplate(const Context& ctx, F&& f) {
  for (const PodTemplate* t : ctx.authored_templates()) f(*t, ctx.objects()[t->object]);
}

// Names the workload a pod template belongs to: its top controller's Ref().
std::string WorkloadName(const Context& ctx, const PodTemplate& t);

}  // namespace kora
