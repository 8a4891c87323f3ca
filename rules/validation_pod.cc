// Lists in a pod spec whose entries must be unique or must refer to each
// other: container, volume and port names, container ports, env names, mount
// paths, and the volumes mounts name.
#include <map>
#include <set>
#include <unordered_map>

#include "analyzer/engine.h"
#include "rules/rules.h"
#include "rules/workload_facts.h"

namespace kora {
namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Describe(const ContainerRef& c) { return std::string(c.KindName()) + " " + Quoted(c.name); }

// An entry of a list whose key field repeats an earlier entry's.
struct Repeat {
  Node entry, key;
  size_t index;
  Node first;
  size_t first_index;
};

// Calls `on` for every entry of `list` whose scalar `field` an earlier entry
// already has (entries without the field are not compared).
template <typename F>
void ForEachRepeat(Node list, std::string_view field, F&& on) {
  std::unordered_map<std::string_view, std::pair<Node, size_t>> seen;
  size_t index = 0;
  for (Node entry : list.Items()) {
    size_t at = index++;
    Node key = entry[field];
    if (!key.IsScalar() || key.Str().empty()) continue;
    auto [it, inserted] = seen.emplace(key.Str(), std::make_pair(entry, at));
    if (!inserted) on(Repeat{entry, key, at, it->second.first, it->second.second});
  }
}

// A restartable init container (a sidecar) runs beside the main containers.
bool RunsWithMainContainers(const ContainerRef& c) {
  return c.kind == ContainerKind::kMain ||
         (c.kind == ContainerKind::kInit && c.node["restartPolicy"].Str() == "Always");
}

class DuplicateName : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "duplicate-name",
        .title = "Container, volume or port name used twice",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Within one pod, container names (init, regular and ephemeral containers together) and volume "
                "names must be unique, and so must the port names of one container. The API server rejects a pod "
                "spec that repeats one (`spec.containers[1].name: Duplicate value: \"app\"`), so the workload's "
                "pods are never created.",
        .fix = "Rename one of the two entries, or remove the duplicate if it is a copy (a Helm value merged into "
               "a list twice often is).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      std::unordered_map<std::string_view, const ContainerRef*> containers;
      for (const ContainerRef& c : t->containers) {
        if (c.name.empty()) continue;
        auto [it, inserted] = containers.emplace(c.name, &c);
        if (!inserted) {
          Finding& f = out.Report(*t, c, c.node["name"], "name",
                                  Describe(c) + " has the same name as " + Describe(*it->second) +
                                      ": container names must be unique in a pod");
          Reporter::Relate(f, o, it->second->node["name"], it->second->path + ".name", "first use of the name");
        }
        std::unordered_map<std::string_view, Node> ports;
        size_t i = 0;
        for (Node p : c.node["ports"].Items()) {
          Node name = p["name"];
          std::string field = "ports[" + std::to_string(i++) + "].name";
          if (!name.IsScalar() || name.Str().empty()) continue;
          auto [pit, fresh] = ports.emplace(name.Str(), name);
          if (fresh) continue;
          Finding& f = out.Report(*t, c, name, field,
                                  Describe(c) + " names two ports " + Quoted(name.Str()) +
                                      ": port names must be unique in a container");
          Reporter::Relate(f, o, pit->second, c.path + ".ports", "first port with that name");
        }
      }
      std::unordered_map<std::string_view, Node> volumes;
      size_t i = 0;
      for (Node v : t->spec["volumes"].Items()) {
        Node name = v["name"];
        std::string path = t->path + ".volumes[" + std::to_string(i++) + "].name";
        if (!name.IsScalar() || name.Str().empty()) continue;
        auto [it, inserted] = volumes.emplace(name.Str(), name);
        if (inserted) continue;
        Finding& f = out.Report(o, name, path,
                                "volume name " + Quoted(name.Str()) + " is used twice: volume names must be unique "
                                "in a pod");
        Reporter::Relate(f, o, it->second, t->path + ".volumes", "first volume with that name");
      }
    }
  }
};

class DuplicateContainerPort : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "duplicate-container-port",
        .title = "Same containerPort and protocol declared twice",
        .severity = Severity::kWarning,
        .category = "correctness",
        .help = "The API server accepts a pod that declares the same containerPort and protocol twice but warns "
                "(`duplicate port definition with spec.containers[0].ports[0]`). Server-side apply (Helm 4, "
                "`kubectl apply --server-side`, Argo CD's ServerSideApply) rejects it, because ports are a list "
                "keyed by containerPort and protocol. When two containers of one pod declare the same port, both "
                "try to bind it in the pod's shared network namespace and one of them fails to start.",
        .fix = "Keep one declaration of the port. If two containers really listen on the same port, move one to "
               "another port.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      struct Seen {
        const ContainerRef* container;
        Node port;
        std::string path;
      };
      // containerPort/protocol/hostIP/hostPort -> first declaration.
      std::map<std::string, Seen> seen;
      for (const ContainerRef& c : t->containers) {
        if (c.kind == ContainerKind::kEphemeral) continue;
        size_t i = 0;
        for (Node p : c.node["ports"].Items()) {
          std::string field = "ports[" + std::to_string(i++) + "]";
          Node number = p["containerPort"];
          if (!number.IsScalar()) continue;
          std::string protocol(p["protocol"].Str().empty() ? "TCP" : p["protocol"].Str());
          std::string key = std::string(number.Str()) + "/" + protocol + "/" + std::string(p["hostIP"].Str()) + "/" +
                            std::string(p["hostPort"].Str());
          auto [it, inserted] = seen.emplace(key, Seen{&c, p, c.path + "." + field});
          if (inserted) continue;
          const ContainerRef& first = *it->second.container;
          bool same = &first == &c;
          // A regular init container has exited before the others start.
          if (!same && !(RunsWithMainContainers(first) && RunsWithMainContainers(c))) continue;
          std::string what = std::string(number.Str()) + "/" + protocol;
          std::string message =
              same ? Describe(c) + " declares port " + what + " twice (server-side apply rejects the duplicate)"
                   : Describe(c) + " declares port " + what + ", like " + Describe(first) +
                         ": both cannot bind it in the pod's network namespace";
          Finding& f = out.Report(*t, c, p, field, message);
          Reporter::Relate(f, o, it->second.port, it->second.path, "first declaration of the port");
        }
      }
    }
  }
};

class DuplicateEnvName : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "duplicate-env-name",
        .title = "Environment variable defined twice in a container",
        .severity = Severity::kWarning,
        .category = "correctness",
        .help = "When a container's env list names a variable twice, the last definition wins at run time, so "
                "the first is silently ignored. The API server warns (`hides previous definition of \"X\", which "
                "may be dropped when using apply`): a client-side `kubectl apply` merges env by name and can drop "
                "both entries on the next update, and server-side apply (Helm 4, `kubectl apply --server-side`) "
                "rejects the list (`duplicate entries for key [name=\"X\"]`). It usually comes from a chart that "
                "sets a variable which the values set again.",
        .fix = "Keep one definition of the variable, the one with the value you want.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      for (const ContainerRef& c : t->containers) {
        ForEachRepeat(c.node["env"], "name", [&](const Repeat& r) {
          Finding& f = out.Report(*t, c, r.key, "env[" + std::to_string(r.index) + "]",
                                  Describe(c) + " defines env " + Quoted(r.key.Str()) + " again (first at env[" +
                                      std::to_string(r.first_index) + "]): the last definition wins");
          Reporter::Relate(f, o, r.first, c.path + ".env[" + std::to_string(r.first_index) + "]", "first definition");
          f.fix = "Remove one of the two definitions of " + std::string(r.key.Str()) + " in " + Describe(c) + ".";
        });
      }
    }
  }
};

class DuplicateMountPath : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "duplicate-mount-path",
        .title = "Two volume mounts at the same path",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Each volumeMount of a container needs its own mountPath: the API server rejects a pod spec that "
                "mounts two volumes at one path (`volumeMounts[1].mountPath: Invalid value: \"/data\": must be "
                "unique`). Mounting one volume several times at different paths, or with different subPaths, is "
                "fine.",
        .fix = "Give one of the mounts another mountPath, or remove the copy.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      for (const ContainerRef& c : t->containers) {
        ForEachRepeat(c.node["volumeMounts"], "mountPath", [&](const Repeat& r) {
          Finding& f = out.Report(*t, c, r.key, "volumeMounts[" + std::to_string(r.index) + "].mountPath",
                                  Describe(c) + " mounts " + Quoted(r.entry["name"].Str()) + " at " +
                                      Quoted(r.key.Str()) + ", where volumeMounts[" + std::to_string(r.first_index) +
                                      "] (" + Quoted(r.first["name"].Str()) + ") is already mounted");
          Reporter::Relate(f, o, r.first, c.path + ".volumeMounts[" + std::to_string(r.first_index) + "]",
                           "first mount at that path");
        });
      }
    }
  }
};

class VolumeMountMissingVolume : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "volume-mount-missing-volume",
        .title = "Volume mount names no volume of the pod",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "A volumeMount (or volumeDevice) refers to a volume of the pod by name. When spec.volumes has no "
                "such volume (nor, for a StatefulSet, spec.volumeClaimTemplates), the API server rejects the pod "
                "spec (`volumeMounts[0].name: Not found: \"config\"`), so no pod is created. It often follows a "
                "rename of the volume, or a Helm condition that renders the mount but not the volume.",
        .fix = "Add the volume to spec.volumes (or a volumeClaimTemplate), or fix the mount's name to an existing "
               "volume.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      std::set<std::string_view> volumes;
      for (Node v : t->spec["volumes"].Items()) volumes.insert(v["name"].Str());
      if (o.kind == "StatefulSet") {
        for (Node claim : o.Spec()["volumeClaimTemplates"].Items()) volumes.insert(claim["metadata"]["name"].Str());
      }
      for (const ContainerRef& c : t->containers) {
        for (const char* list : {"volumeMounts", "volumeDevices"}) {
          size_t i = 0;
          for (Node m : c.node[list].Items()) {
            std::string field = std::string(list) + "[" + std::to_string(i++) + "].name";
            Node name = m["name"];
            if (!name.IsScalar() || volumes.count(name.Str())) continue;
            std::string known;
            for (std::string_view v : volumes) known += (known.empty() ? "" : ", ") + std::string(v);
            Finding& f = out.Report(*t, c, name, field,
                                    Describe(c) + " mounts volume " + Quoted(name.Str()) +
                                        ", which the pod does not define" +
                                        (known.empty() ? " (it has no volumes)" : " (volumes: " + known + ")"));
            f.fix = "Add a volume named " + Quoted(name.Str()) + " to " + t->path + ".volumes, or mount one of the "
                    "existing volumes.";
          }
        }
      }
    }
  }
};

class WorkloadSelectorMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "workload-selector-missing",
        .title = "apps/v1 workload without spec.selector",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "In apps/v1, Deployments, StatefulSets, DaemonSets and ReplicaSets must say which pods they own "
                "with spec.selector; the API server rejects one without (`spec.selector: Required value`). The "
                "older extensions/v1beta1 and apps/v1beta1 versions defaulted it from the template labels, so "
                "manifests migrated by changing only apiVersion miss it.",
        .fix = "Add spec.selector.matchLabels with labels of the pod template, e.g.\n"
               "selector:\n  matchLabels:\n    app: web\n"
               "The selector is immutable once the object exists.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      if (o.api_version != "apps/v1") continue;
      if (o.kind != "Deployment" && o.kind != "StatefulSet" && o.kind != "DaemonSet" && o.kind != "ReplicaSet") {
        continue;
      }
      Node sel = o.Spec()["selector"];
      if (sel && !sel.IsNull()) continue;
      Finding& f = out.Report(o, sel ? sel : o.Spec(), "spec.selector",
                              o.Ref() + " has no spec.selector: apps/v1 requires one, so the API server rejects it");
      std::string labels = IdentifyingLabels(*t);
      f.fix = labels.empty() ? "Add labels to spec.template.metadata.labels and select them with "
                               "spec.selector.matchLabels."
                             : "Add spec.selector: {matchLabels: {" + labels + "}} (labels of the pod template).";
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeDuplicateName() { return std::make_unique<DuplicateName>(); }
std::unique_ptr<Rule> MakeDuplicateContainerPort() { return std::make_unique<DuplicateContainerPort>(); }
std::unique_ptr<Rule> MakeDuplicateEnvName() { return std::make_unique<DuplicateEnvName>(); }
std::unique_ptr<Rule> MakeDuplicateMountPath() { return std::make_unique<DuplicateMountPath>(); }
std::unique_ptr<Rule> MakeVolumeMountMissingVolume() { return std::make_unique<VolumeMountMissingVolume>(); }
std::unique_ptr<Rule> MakeWorkloadSelectorMissing() { return std::make_unique<WorkloadSelectorMissing>(); }

}  // namespace kora
