// Per-container reliability checks: resources and readiness.
#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

// Pods of batch workloads run to completion: they serve no traffic.
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

class ContainerResourcesMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "container-resources-missing",
        .title = "Container without resource requests or memory limit",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "Without cpu and memory requests the scheduler places the pod blind and the pod is the first "
                "evicted under pressure (QoS BestEffort). Without a memory limit one leaking container can take "
                "the node's memory from every other pod. A request left out but with a limit set defaults to the "
                "limit, so it counts as set. A cpu limit is not required: it throttles bursts and is a matter of "
                "policy.",
        .fix = "Set resources on the container, sized from observed usage, e.g.\n"
               "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    memory: 256Mi",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        if (c.kind == ContainerKind::kEphemeral) continue;  // the API forbids resources there
        Node res = c.node["resources"];
        std::vector<std::string> missing;
        // The API server defaults a missing request to the limit.
        auto set = [&](const char* group, const char* resource) {
          Node v = res[group][resource];
          return v && !v.IsNull();
        };
        if (!set("requests", "cpu") && !set("limits", "cpu")) missing.push_back("cpu request");
        if (!set("requests", "memory") && !set("limits", "memory")) missing.push_back("memory request");
        if (!set("limits", "memory")) missing.push_back("memory limit");
        if (missing.empty()) continue;
        std::string list;
        for (size_t i = 0; i < missing.size(); ++i) {
          list += (i == 0 ? "" : (i + 1 == missing.size() ? " and " : ", ")) + missing[i];
        }
        Finding& f = out.Report(*t, c, res ? res : c.node, res ? "resources" : "",
                                std::string(c.KindName()) + " \"" + std::string(c.name) + "\" has no " + list);
        f.fix = "Add to " + std::string(c.KindName()) + " \"" + std::string(c.name) +
                "\": resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}} (size them from "
                "observed usage).";
      }
    }
  }
};

class ReadinessProbeMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "readiness-probe-missing",
        .title = "Container without a readiness probe",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "Without a readiness probe a pod counts as ready as soon as its containers start, so Services "
                "send it traffic before the application listens, and a rollout proceeds even when the new "
                "version never becomes able to serve. Batch workloads (Jobs, CronJobs) are exempt.",
        .fix = "Add a readinessProbe that checks the application can serve, e.g.\n"
               "readinessProbe:\n  httpGet:\n    path: /healthz\n    port: http\n  periodSeconds: 10",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (IsBatch(ctx, *t)) continue;
      for (const ContainerRef& c : t->containers) {
        if (c.kind != ContainerKind::kMain) continue;
        if (c.node["readinessProbe"]) continue;
        Finding& f = out.Report(*t, c, c.node, "",
                                "container \"" + std::string(c.name) + "\" has no readinessProbe");
        f.fix = "Add a readinessProbe to container \"" + std::string(c.name) +
                "\" (httpGet, tcpSocket, grpc or exec) that succeeds only when it can serve.";
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeContainerResourcesMissing() { return std::make_unique<ContainerResourcesMissing>(); }
std::unique_ptr<Rule> MakeReadinessProbeMissing() { return std::make_unique<ReadinessProbeMissing>(); }

}  // namespace kora
