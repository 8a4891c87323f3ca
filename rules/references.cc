#include "rules/references.h"

namespace kora {

std::string DescribeTarget(const Context& ctx, const Reference& r) {
  const GraphVertex& v = ctx.graph().vertex(r.to);
  return v.kind + " \"" + v.name + "\"";
}

namespace {

// Evidence that the pods of `o` got past the point where their volumes and
// env references are resolved, i.e. the target existed at the time. Empty when
// there is none. Only status for the current spec counts.
std::string StartedEvidence(const Object& o) {
  Node status = o.Status();
  if (!status.IsMap()) return {};
  if (o.kind == "Pod") {
    for (std::string_view list : {"containerStatuses", "initContainerStatuses"}) {
      for (Node c : status[list].Items()) {
        if (c["state"]["running"].IsMap() || c["state"]["terminated"].IsMap() ||
            c["lastState"]["terminated"].IsMap()) {
          return o.Ref() + " has started (container \"" + std::string(c["name"].Str()) + "\" ran)";
        }
      }
    }
    return {};
  }
  auto generation = o.Root()["metadata"]["generation"].Int();
  auto observed = status["observedGeneration"].Int();
  if (!generation || !observed || *generation != *observed) return {};
  auto ready = status["readyReplicas"].Int();
  if (o.kind == "Deployment" || o.kind == "StatefulSet") {
    auto updated = status["updatedReplicas"].Int();
    if (!updated || *updated < 1 || !ready || *ready < 1) return {};
  } else if (o.kind == "DaemonSet") {
    auto updated = status["updatedNumberScheduled"].Int();
    ready = status["numberReady"].Int();
    if (!updated || *updated < 1 || !ready || *ready < 1) return {};
  } else if (o.kind != "ReplicaSet" || !ready || *ready < 1) {
    return {};
  }
  return o.Ref() + " has " + std::to_string(*ready) + " ready pod(s) of its current spec";
}

}  // namespace

Finding* ReportUnresolved(const Context& ctx, Reporter& out, const Reference& r, const std::string& what,
                          const std::string& consequence, const std::string& fix) {
  if (r.optional || IsResolved(r.resolution)) return nullptr;
  const Object& from = ctx.objects()[r.from];
  const GraphVertex& v = ctx.graph().vertex(r.to);
  std::string where = v.ns.empty() ? std::string("in the cluster") : "in namespace \"" + v.ns + "\"";
  std::string ref = v.ns.empty() ? v.kind + "/" + v.name : v.kind + "/" + v.ns + "/" + v.name;
  Finding* f = nullptr;
  // Pods cannot be admitted or started without these; a pull secret is not
  // proof (the image may be cached on the node).
  bool needed_to_start = r.kind == EdgeKind::kConfigMap || r.kind == EdgeKind::kSecret ||
                         r.kind == EdgeKind::kClaim || r.kind == EdgeKind::kServiceAccount;
  std::string started = r.resolution == Resolution::kMissing && needed_to_start ? StartedEvidence(from) : "";
  if (!started.empty()) {
    // The status contradicts "does not exist": the object was there when the
    // pods started. It was deleted since, or the dump left it out.
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which is not in the input " + where + "; " +
                          started + ", so it existed when they started: it was deleted since, or the dump left it out" +
                          (consequence.empty() ? "" : ". If it is gone, a new pod fails: " + consequence));
    if (out.Discarded(*f)) return nullptr;
    f->severity = Severity::kWarning;
  } else if (r.resolution == Resolution::kMissing) {
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which does not exist " + where +
                          (consequence.empty() ? "" : ": " + consequence));
    if (out.Discarded(*f)) return nullptr;
  } else if (r.resolution == Resolution::kRuntime) {
    const Object& producer = ctx.objects()[r.producer];
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which is not in the input; " +
                          producer.Ref() + " may create it at run time (its ServiceAccount can create " +
                          (v.kind == "Secret" ? "Secrets" : "ConfigMaps") + ")");
    if (out.Discarded(*f)) return nullptr;
    f->severity = Severity::kNote;
  } else {
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which is not in the input, so kora cannot "
                      "verify it exists " + where + " (pass --complete for a whole-namespace dump, or --assume " +
                          ref + ")");
    if (out.Discarded(*f)) return nullptr;
    f->severity = Severity::kNote;
  }
  f->fix = fix;
  f->container = r.container;
  return f;
}

std::string WorkloadName(const Context& ctx, const PodTemplate& t) {
  return ctx.objects()[ctx.graph().Root(t.object)].Ref();
}

}  // namespace kora
