#include "analyzer/health.h"

#include <fmt/format.h>

#include "analyzer/graph.h"

namespace kora {

std::string_view HealthName(Health h) {
  switch (h) {
    case Health::kHealthy: return "Healthy";
    case Health::kSuspended: return "Suspended";
    case Health::kProgressing: return "Progressing";
    case Health::kMissing: return "Missing";
    case Health::kDegraded: return "Degraded";
    case Health::kUnknown: return "Unknown";
  }
  return "Unknown";
}

namespace {

HealthStatus Make(Health h, std::string message = {}) { return HealthStatus{true, h, std::move(message)}; }

Node Condition(Node status, std::string_view type) {
  for (Node c : status["conditions"].Items()) {
    if (c["type"].Str() == type) return c;
  }
  return Node();
}

int64_t I(Node n) { return n.Int().value_or(0); }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

HealthStatus PodHealth(const Object& o) {
  Node spec = o.Spec(), status = o.Status();
  std::string_view policy = spec["restartPolicy"].Str();
  if (policy.empty()) policy = "Always";
  if (policy == "Always") {
    std::string messages;
    bool degraded = false;
    for (Node cs : status["containerStatuses"].Items()) {
      Node w = cs["state"]["waiting"];
      std::string_view reason = w["reason"].Str();
      if (w && (reason.rfind("Err", 0) == 0 || EndsWith(reason, "Error") || EndsWith(reason, "BackOff"))) {
        degraded = true;
        if (!w["message"].Str().empty()) messages += (messages.empty() ? "" : ", ") + std::string(w["message"].Str());
      }
    }
    if (degraded) return Make(Health::kDegraded, messages);
  }
  std::string_view phase = status["phase"].Str();
  std::string message(status["message"].Str());
  if (phase == "Pending") return Make(Health::kProgressing, message);
  if (phase == "Succeeded") return Make(Health::kHealthy, message);
  if (phase == "Failed") {
    if (!message.empty()) return Make(Health::kDegraded, message);
    for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
      for (Node cs : status[list].Items()) {
        Node t = cs["state"]["terminated"];
        if (!t) continue;
        if (!t["message"].Str().empty()) return Make(Health::kDegraded, std::string(t["message"].Str()));
        if (t["reason"].Str() == "OOMKilled") return Make(Health::kDegraded, "OOMKilled");
        if (I(t["exitCode"]) != 0) {
          return Make(Health::kDegraded, fmt::format("container \"{}\" failed with exit code {}", cs["name"].Str(),
                                                     I(t["exitCode"])));
        }
      }
    }
    return Make(Health::kDegraded);
  }
  if (phase == "Running") {
    auto running = [&]() {
      if (Condition(status, "Ready")["status"].Str() == "True") return Make(Health::kHealthy, message);
      for (Node cs : status["containerStatuses"].Items()) {
        if (cs["lastState"]["terminated"]) return Make(Health::kDegraded, message);
      }
      return Make(Health::kProgressing, message);
    };
    if (o.Annotations()["argocd.argoproj.io/ignore-restart-policy"]) return running();
    if (policy == "Always") return running();
    return Make(Health::kProgressing, message);
  }
  return Make(Health::kUnknown, message);
}

HealthStatus DeploymentHealth(const Object& o) {
  Node spec = o.Spec(), status = o.Status();
  if (spec["paused"].Bool() == true) return Make(Health::kSuspended, "Deployment is paused");
  if (I(o.Metadata()["generation"]) <= I(status["observedGeneration"])) {
    Node cond = Condition(status, "Progressing");
    if (cond && cond["reason"].Str() == "ProgressDeadlineExceeded") {
      return Make(Health::kDegraded, fmt::format("Deployment \"{}\" exceeded its progress deadline", o.name));
    }
    int64_t updated = I(status["updatedReplicas"]);
    if (spec["replicas"] && updated < I(spec["replicas"])) {
      return Make(Health::kProgressing,
                  fmt::format("Waiting for rollout to finish: {} out of {} new replicas have been updated...", updated,
                              I(spec["replicas"])));
    }
    if (I(status["replicas"]) > updated) {
      return Make(Health::kProgressing,
                  fmt::format("Waiting for rollout to finish: {} old replicas are pending termination...",
                              I(status["replicas"]) - updated));
    }
    if (I(status["availableReplicas"]) < updated) {
      return Make(Health::kProgressing,
                  fmt::format("Waiting for rollout to finish: {} of {} updated replicas are available...",
                              I(status["availableReplicas"]), updated));
    }
    return Make(Health::kHealthy);
  }
  return Make(Health::kProgressing,
              "Waiting for rollout to finish: observed deployment generation less than desired generation");
}

HealthStatus StatefulSetHealth(const Object& o) {
  Node spec = o.Spec(), status = o.Status();
  if (I(status["observedGeneration"]) == 0 || I(o.Metadata()["generation"]) > I(status["observedGeneration"])) {
    return Make(Health::kProgressing, "Waiting for statefulset spec update to be observed...");
  }
  if (spec["replicas"] && I(status["readyReplicas"]) < I(spec["replicas"])) {
    return Make(Health::kProgressing,
                fmt::format("Waiting for {} pods to be ready...", I(spec["replicas"]) - I(status["readyReplicas"])));
  }
  Node strategy = spec["updateStrategy"];
  if (strategy["type"].Str() == "RollingUpdate" && strategy["rollingUpdate"]) {
    Node partition = strategy["rollingUpdate"]["partition"];
    if (spec["replicas"] && partition) {
      int64_t want = I(spec["replicas"]) - I(partition);
      if (I(status["updatedReplicas"]) < want) {
        return Make(Health::kProgressing,
                    fmt::format("Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                                I(status["updatedReplicas"]), want));
      }
    }
    return Make(Health::kHealthy,
                fmt::format("partitioned roll out complete: {} new pods have been updated...", I(status["updatedReplicas"])));
  }
  if (strategy["type"].Str() == "OnDelete") {
    return Make(Health::kHealthy, fmt::format("statefulset has {} ready pods", I(status["readyReplicas"])));
  }
  if (status["updateRevision"].Str() != status["currentRevision"].Str()) {
    return Make(Health::kProgressing,
                fmt::format("waiting for statefulset rolling update to complete {} pods at revision {}...",
                            I(status["updatedReplicas"]), status["updateRevision"].Str()));
  }
  return Make(Health::kHealthy, fmt::format("statefulset rolling update complete {} pods at revision {}...",
                                            I(status["currentReplicas"]), status["currentRevision"].Str()));
}

HealthStatus DaemonSetHealth(const Object& o) {
  Node spec = o.Spec(), status = o.Status();
  if (I(o.Metadata()["generation"]) > I(status["observedGeneration"])) {
    return Make(Health::kProgressing,
                "Waiting for rollout to finish: observed daemon set generation less than desired generation");
  }
  int64_t desired = I(status["desiredNumberScheduled"]), updated = I(status["updatedNumberScheduled"]);
  if (spec["updateStrategy"]["type"].Str() == "OnDelete") {
    return Make(Health::kHealthy, fmt::format("daemon set {} out of {} new pods have been updated", updated, desired));
  }
  if (updated < desired) {
    return Make(Health::kProgressing,
                fmt::format("Waiting for daemon set \"{}\" rollout to finish: {} out of {} new pods have been updated...",
                            o.name, updated, desired));
  }
  if (I(status["numberAvailable"]) < desired) {
    return Make(Health::kProgressing,
                fmt::format("Waiting for daemon set \"{}\" rollout to finish: {} of {} updated pods are available...",
                            o.name, I(status["numberAvailable"]), desired));
  }
  return Make(Health::kHealthy);
}

HealthStatus ReplicaSetHealth(const Object& o) {
  Node spec = o.Spec(), status = o.Status();
  if (I(o.Metadata()["generation"]) <= I(status["observedGeneration"])) {
    Node cond = Condition(status, "ReplicaFailure");
    if (cond && cond["status"].Str() == "True") return Make(Health::kDegraded, std::string(cond["message"].Str()));
    if (spec["replicas"] && I(status["availableReplicas"]) < I(spec["replicas"])) {
      return Make(Health::kProgressing,
                  fmt::format("Waiting for rollout to finish: {} out of {} new replicas are available...",
                              I(status["availableReplicas"]), I(spec["replicas"])));
    }
    return Make(Health::kHealthy);
  }
  return Make(Health::kProgressing,
              "Waiting for rollout to finish: observed replica set generation less than desired generation");
}

HealthStatus JobHealth(const Object& o) {
  bool failed = false, complete = false, suspended = false;
  std::string message, fail;
  for (Node c : o.Status()["conditions"].Items()) {
    std::string_view t = c["type"].Str();
    if (t == "Failed") {
      failed = complete = true;
      fail = std::string(c["message"].Str());
    } else if (t == "Complete") {
      complete = true;
      message = std::string(c["message"].Str());
    } else if (t == "Suspended") {
      complete = true;
      message = std::string(c["message"].Str());
      if (c["status"].Str() == "True") suspended = true;
    }
  }
  if (!complete) return Make(Health::kProgressing, message);
  if (failed) return Make(Health::kDegraded, fail);
  if (suspended) return Make(Health::kSuspended, fail);
  return Make(Health::kHealthy, message);
}

HealthStatus PvcHealth(const Object& o) {
  std::string_view phase = o.Status()["phase"].Str();
  if (phase == "Lost") return Make(Health::kDegraded);
  if (phase == "Pending") return Make(Health::kProgressing);
  if (phase == "Bound") return Make(Health::kHealthy);
  return Make(Health::kUnknown);
}

bool HasLoadBalancerIngress(const Object& o) { return o.Status()["loadBalancer"]["ingress"].Size() > 0; }

HealthStatus HpaHealth(const Object& o) {
  for (Node c : o.Status()["conditions"].Items()) {
    std::string_view t = c["type"].Str(), r = c["reason"].Str();
    if ((t == "AbleToScale" && (r == "FailedGetScale" || r == "FailedUpdateScale")) ||
        (t == "ScalingActive" && (r == "FailedGetResourceMetric" || r == "InvalidSelector"))) {
      return Make(Health::kDegraded, std::string(c["message"].Str()));
    }
    if ((t == "AbleToScale" || t == "ScalingLimited") && c["status"].Str() == "True") {
      return Make(Health::kHealthy, std::string(c["message"].Str()));
    }
  }
  return Make(Health::kProgressing, "Waiting to Autoscale");
}

HealthStatus RolloutHealth(const Object& o) {
  Node status = o.Status();
  if (!status) return Make(Health::kProgressing, "Waiting for rollout spec update to be observed");
  Node observed = status["observedGeneration"];
  if (observed.Int() && I(observed) < I(o.Metadata()["generation"])) {
    return Make(Health::kProgressing, "Waiting for rollout spec update to be observed");
  }
  std::string_view phase = status["phase"].Str();
  if (!phase.empty()) {
    Health h = phase == "Paused"      ? Health::kSuspended
               : phase == "Healthy"   ? Health::kHealthy
               : phase == "Degraded"  ? Health::kDegraded
               : phase == "Progressing" ? Health::kProgressing
                                        : Health::kUnknown;
    return Make(h, std::string(status["message"].Str()));
  }
  for (Node c : status["conditions"].Items()) {
    std::string_view t = c["type"].Str(), r = c["reason"].Str();
    if (t == "InvalidSpec" || (t == "Progressing" && (r == "RolloutAborted" || r == "ProgressDeadlineExceeded"))) {
      return Make(Health::kDegraded, std::string(c["message"].Str()));
    }
  }
  if (status["pauseConditions"].Size() > 0 || o.Spec()["paused"].Bool() == true) {
    return Make(Health::kSuspended, "Rollout is paused");
  }
  if (!status["currentPodHash"]) {
    return Make(Health::kProgressing, "Waiting for rollout to finish: status has not been reconciled.");
  }
  int64_t desired = o.Spec()["replicas"] ? I(o.Spec()["replicas"]) : 1;
  int64_t updated = I(status["updatedReplicas"]), available = I(status["availableReplicas"]);
  if (updated < desired) {
    return Make(Health::kProgressing, "Waiting for roll out to finish: More replicas need to be updated");
  }
  if (available < updated) {
    return Make(Health::kProgressing, "Waiting for roll out to finish: updated replicas are still becoming available");
  }
  return Make(Health::kHealthy);
}

HealthStatus AnalysisRunHealth(const Object& o) {
  Node status = o.Status();
  std::string_view phase = status["phase"].Str();
  std::string message(status["message"].Str());
  if (!status) return Make(Health::kProgressing, "Waiting for analysis run to finish: status has not been reconciled.");
  if (phase == "Pending" || phase == "Running") return Make(Health::kProgressing, "Analysis run is running");
  if (phase == "Successful") return Make(Health::kHealthy, message.empty() ? "Analysis run completed successfully" : message);
  if (phase == "Failed") return Make(Health::kDegraded, message.empty() ? "Analysis run failed" : message);
  if (phase == "Error") return Make(Health::kDegraded, message.empty() ? "Analysis run had an error" : message);
  if (phase == "Inconclusive") return Make(Health::kUnknown, message.empty() ? "Analysis run was inconclusive" : message);
  return Make(Health::kProgressing, "Waiting for analysis run to finish: status has not been reconciled.");
}

}  // namespace

HealthStatus AssessHealth(const Object& o) {
  if (!o.live()) return {};
  if (o.Metadata()["deletionTimestamp"]) return Make(Health::kProgressing, "Pending deletion");
  std::string_view k = o.kind, g = o.group;
  if (g.empty()) {
    if (k == "Pod") return PodHealth(o);
    if (k == "PersistentVolumeClaim") return PvcHealth(o);
    if (k == "Service") {
      if (o.Spec()["type"].Str() == "LoadBalancer") {
        return Make(HasLoadBalancerIngress(o) ? Health::kHealthy : Health::kProgressing);
      }
      return Make(Health::kHealthy);
    }
    return {};
  }
  if (g == "apps" || g == "extensions") {
    if (k == "Deployment") return DeploymentHealth(o);
    if (k == "StatefulSet") return StatefulSetHealth(o);
    if (k == "DaemonSet") return DaemonSetHealth(o);
    if (k == "ReplicaSet") return ReplicaSetHealth(o);
  }
  if ((g == "networking.k8s.io" || g == "extensions") && k == "Ingress") {
    return Make(HasLoadBalancerIngress(o) ? Health::kHealthy : Health::kProgressing);
  }
  if (g == "batch" && k == "Job") return JobHealth(o);
  if (g == "autoscaling" && k == "HorizontalPodAutoscaler") return HpaHealth(o);
  if (g == "argoproj.io") {
    if (k == "Rollout") return RolloutHealth(o);
    if (k == "AnalysisRun") return AnalysisRunHealth(o);
    if (k == "Application") {
      Node h = o.Status()["health"];
      if (!h["status"]) return Make(Health::kProgressing, "Waiting for application to be reconciled");
      std::string_view s = h["status"].Str();
      for (Health x : {Health::kHealthy, Health::kSuspended, Health::kProgressing, Health::kMissing, Health::kDegraded,
                       Health::kUnknown}) {
        if (HealthName(x) == s) return Make(x, std::string(h["message"].Str()));
      }
      return Make(Health::kUnknown, std::string(h["message"].Str()));
    }
  }
  return {};
}

HealthStatus AssessApplication(const Object& app, const ObjectSet& objects, const Graph& graph) {
  HealthStatus out = Make(Health::kHealthy);
  bool any = false;
  for (const Reference* r : graph.References(app.id, EdgeKind::kManages)) {
    const GraphVertex& v = graph.vertex(r->to);
    // Prefer the live copy of a managed object (it carries the status).
    const Object* live = nullptr;
    if (const Object* o = graph.Target(*r)) live = o;
    for (ObjectId id : objects.OfKind(v.kind)) {
      const Object& o = objects[id];
      if (o.ns == v.ns && o.name == v.name && o.live()) live = &o;
    }
    if (!live) continue;
    HealthStatus h = AssessHealth(*live);
    if (!h.applies) continue;
    any = true;
    if (IsWorse(h.health, out.health)) {
      out.health = h.health;
      out.message = live->Ref() + ": " + HealthName(h.health).data() + (h.message.empty() ? "" : " (" + h.message + ")");
    }
  }
  if (!any) return {};
  return out;
}

}  // namespace kora
