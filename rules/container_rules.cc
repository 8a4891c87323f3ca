// Per-container reliability checks: resources and readiness.
#include "analyzer/engine.h"
#include "rules/rules.h"
#include "rules/workload_facts.h"

namespace kora {
namespace {

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
                "limit, so it counts as set. A cpu limit is not required by default: it throttles bursts and is a "
                "matter of policy. The parameter `require` changes the list (e.g. add limits.cpu or "
                "requests.ephemeral-storage).",
        .fix = "Set resources on the container, sized from observed usage, e.g.\n"
               "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    memory: 256Mi",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    // "requests.cpu", "limits.memory", ...: the parameter `require`, or the default.
    std::vector<std::string> required = ctx.options().Param(info().id, "require");
    if (required.empty()) required = {"requests.cpu", "requests.memory", "limits.memory"};
    std::string example = ExampleResources(required);
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        if (c.kind == ContainerKind::kEphemeral) continue;  // the API forbids resources there
        Node res = c.node["resources"];
        auto set = [&](std::string_view group, std::string_view resource) {
          Node v = res[group][resource];
          return v && !v.IsNull();
        };
        std::vector<std::string> missing;
        for (const std::string& item : required) {
          size_t dot = item.find('.');
          if (dot == std::string::npos) continue;
          std::string_view group = std::string_view(item).substr(0, dot);
          std::string_view resource = std::string_view(item).substr(dot + 1);
          if (group != "requests" && group != "limits") continue;
          // The API server defaults a missing request to the limit.
          bool present = set(group, resource) || (group == "requests" && set("limits", resource));
          if (!present) missing.push_back(std::string(resource) + (group == "requests" ? " request" : " limit"));
        }
        if (missing.empty()) continue;
        std::string list;
        for (size_t i = 0; i < missing.size(); ++i) {
          list += (i == 0 ? "" : (i + 1 == missing.size() ? " and " : ", ")) + missing[i];
        }
        Finding& f = out.Report(*t, c, res ? res : c.node, res ? "resources" : "",
                                std::string(c.KindName()) + " \"" + std::string(c.name) + "\" has no " + list);
        f.fix = "Add to " + std::string(c.KindName()) + " \"" + std::string(c.name) + "\": resources: " + example +
                " (size them from observed usage).";
      }
    }
  }

 private:
  // resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}} for the required entries.
  static std::string ExampleResources(const std::vector<std::string>& required) {
    auto value = [](std::string_view group, std::string_view resource) -> std::string {
      bool request = group == "requests";
      if (resource == "cpu") return request ? "100m" : "500m";
      if (resource == "memory") return request ? "128Mi" : "256Mi";
      if (resource == "ephemeral-storage") return request ? "1Gi" : "2Gi";
      return "1";
    };
    std::string out = "{";
    for (std::string_view group : {"requests", "limits"}) {
      std::string items;
      for (const std::string& item : required) {
        if (item.rfind(std::string(group) + ".", 0) != 0) continue;
        std::string_view resource = std::string_view(item).substr(group.size() + 1);
        items += (items.empty() ? "" : ", ") + std::string(resource) + ": " + value(group, resource);
      }
      if (items.empty()) continue;
      out += (out.size() > 1 ? ", " : "") + std::string(group) + ": {" + items + "}";
    }
    return out + "}";
  }
};

class ReadinessProbeMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "readiness-probe-missing",
        .title = "Served container without a readiness probe",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "Without a readiness probe a pod counts as ready as soon as its containers start, so Services "
                "send it traffic before the application listens, and a rollout proceeds even when the new "
                "version never becomes able to serve. Only pods a Service in the input selects are checked: "
                "readiness gates nothing else. Batch workloads (Jobs, CronJobs) are exempt.",
        .fix = "Add a readinessProbe that checks the application can serve, e.g.\n"
               "readinessProbe:\n  httpGet:\n    path: /healthz\n    port: http\n  periodSeconds: 10",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (IsBatch(ctx, *t)) continue;
      // Readiness only gates Service traffic: pods no Service selects need none.
      std::vector<const Object*> services = ServicesSelecting(ctx, *t);
      if (services.empty()) continue;
      const Object& svc = *services.front();
      for (const ContainerRef& c : t->containers) {
        if (c.kind != ContainerKind::kMain) continue;
        if (c.node["readinessProbe"]) continue;
        Finding& f = out.Report(*t, c, c.node, "",
                                "container \"" + std::string(c.name) + "\" has no readinessProbe, so " + svc.Ref() +
                                    " sends it traffic as soon as it starts");
        Reporter::Relate(f, svc, svc.Spec()["selector"], "spec.selector", "the Service selecting the pods");
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
