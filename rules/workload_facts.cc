#include "rules/workload_facts.h"

namespace kora {

bool IsBatch(const Context& ctx, const PodTemplate& t) {
  const Object& obj = ctx.objects()[t.object];
  if (obj.kind == "Job" || obj.kind == "CronJob") return true;
  if (obj.kind == "Pod") {
    for (Node ref : obj.Metadata()["ownerReferences"].Items()) {
      if (ref["kind"].Str() == "Job") return true;
    }
    std::string_view policy = t.spec["restartPolicy"].Str();
    if (policy == "Never" || policy == "OnFailure") return true;
  }
  return false;
}

std::vector<const Object*> ServicesSelecting(const Context& ctx, const PodTemplate& t) {
  std::vector<const Object*> out;
  for (const Reference* r : ctx.graph().Referrers(t.object, EdgeKind::kSelects)) {
    const Object& from = ctx.objects()[r->from];
    if (from.kind == "Service" && !ctx.Shadowed(from.id)) out.push_back(&from);
  }
  return out;
}

const Object* ScalingHpa(const Context& ctx, const Object& obj) {
  for (const Reference* r : ctx.graph().Referrers(obj.id, EdgeKind::kScaleTarget)) {
    const Object& from = ctx.objects()[r->from];
    if (from.kind == "HorizontalPodAutoscaler" && !ctx.Shadowed(from.id)) return &from;
  }
  return nullptr;
}

bool HasReplicas(std::string_view kind) {
  return kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" || kind == "ReplicationController" ||
         kind == "Rollout";
}

std::optional<ReplicaCount> Replicas(const Context& ctx, const Object& obj) {
  if (!HasReplicas(obj.kind)) return std::nullopt;
  ReplicaCount c;
  if (const Object* hpa = ScalingHpa(ctx, obj)) {
    Node min = hpa->Spec()["minReplicas"];
    Node max = hpa->Spec()["maxReplicas"];
    std::optional<int64_t> lo = min ? min.Int() : std::optional<int64_t>(1);
    std::optional<int64_t> hi = max.Int();
    if (!lo || !hi) return std::nullopt;
    c.min = *lo;
    c.max = std::max(*lo, *hi);
    c.hpa = hpa;
    c.source = hpa->Ref() + " minReplicas " + std::to_string(c.min) + (min ? "" : " (default)");
    return c;
  }
  Node replicas = obj.Spec()["replicas"];
  if (!replicas || replicas.IsNull()) {
    c.source = "spec.replicas (default 1)";
    return c;
  }
  std::optional<int64_t> n = replicas.Int();
  if (!n) return std::nullopt;
  c.min = c.max = *n;
  c.source = "spec.replicas " + std::to_string(*n);
  return c;
}

std::string IdentifyingLabels(const PodTemplate& t) {
  std::string preferred, all;
  for (auto [k, v] : t.Labels().Entries()) {
    std::string item = std::string(k.Str()) + ": " + std::string(v.Str());
    all += (all.empty() ? "" : ", ") + item;
    if (k.Str() == "app" || k.Str() == "app.kubernetes.io/name" || k.Str() == "app.kubernetes.io/instance") {
      preferred += (preferred.empty() ? "" : ", ") + item;
    }
  }
  return preferred.empty() ? all : preferred;
}

std::string ReplicaWord(int64_t n) { return std::to_string(n) + (n == 1 ? " replica" : " replicas"); }

}  // namespace kora
