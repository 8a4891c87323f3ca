// Facts about workloads that several reliability rules ask: is it served by
// a Service, does an autoscaler own its replica count, how many replicas does
// it run at least.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyzer/engine.h"

namespace kora {

// Pods of batch workloads run to completion: they serve no traffic.
bool IsBatch(const Context& ctx, const PodTemplate& t);

// Services in the input whose selector matches the template's pods.
std::vector<const Object*> ServicesSelecting(const Context& ctx, const PodTemplate& t);

// The HorizontalPodAutoscaler in the input that scales obj, if any.
const Object* ScalingHpa(const Context& ctx, const Object& obj);

// Kinds whose spec.replicas sets how many identical pods serve.
bool HasReplicas(std::string_view kind);

struct ReplicaCount {
  int64_t min = 1;              // the fewest replicas the workload runs
  int64_t max = 1;              // the most (differs from min under an HPA)
  const Object* hpa = nullptr;  // the autoscaler owning the count, if any
  std::string source;           // "spec.replicas: 3", "HPA ... minReplicas: 2", "spec.replicas (default 1)"
};
// The replica range of a workload that has replicas (see HasReplicas): from
// its HPA's minReplicas..maxReplicas when one scales it, else spec.replicas
// (1 when absent). Nullopt for other kinds, or a replica count kora cannot
// read (a template expression).
std::optional<ReplicaCount> Replicas(const Context& ctx, const Object& obj);

// The labels that identify a template's pods, as a flow mapping body for a
// selector: "app: web" (the app / app.kubernetes.io name and instance labels
// when present, else all of them).
std::string IdentifyingLabels(const PodTemplate& t);

// "1 replica", "3 replicas".
std::string ReplicaWord(int64_t n);

}  // namespace kora
