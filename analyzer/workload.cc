#include "analyzer/workload.h"

namespace kora {

std::string_view ContainerRef::KindName() const {
  switch (kind) {
    case ContainerKind::kInit:
      return "init container";
    case ContainerKind::kEphemeral:
      return "ephemeral container";
    case ContainerKind::kMain:
      break;
  }
  return "container";
}

bool IsWorkloadKind(std::string_view kind) {
  return kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet" ||
         kind == "Job" || kind == "ReplicationController" || kind == "Rollout";
}

bool FindPodTemplate(const Object& obj, PodTemplate& out) {
  Node root = obj.Root();
  out = PodTemplate{};
  out.object = obj.id;
  std::string_view kind = obj.kind;
  if (kind == "Pod") {
    out.spec = root["spec"];
    out.metadata = root["metadata"];
    out.path = "spec";
    out.meta_path = "metadata";
    out.is_pod = true;
  } else if (kind == "CronJob") {
    out.spec = root["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    out.metadata = root["spec"]["jobTemplate"]["spec"]["template"]["metadata"];
    out.path = "spec.jobTemplate.spec.template.spec";
    out.meta_path = "spec.jobTemplate.spec.template.metadata";
  } else if (kind == "PodTemplate") {
    out.spec = root["template"]["spec"];
    out.metadata = root["template"]["metadata"];
    out.path = "template.spec";
    out.meta_path = "template.metadata";
  } else if (IsWorkloadKind(kind)) {
    // An Argo Rollout with workloadRef has no template of its own.
    if (kind == "Rollout" && obj.group != "argoproj.io") return false;
    out.spec = root["spec"]["template"]["spec"];
    out.metadata = root["spec"]["template"]["metadata"];
    out.path = "spec.template.spec";
    out.meta_path = "spec.template.metadata";
  } else {
    return false;
  }
  if (!out.spec.IsMap()) return false;
  struct Group {
    const char* field;
    ContainerKind kind;
  };
  for (Group g : {Group{"initContainers", ContainerKind::kInit}, Group{"containers", ContainerKind::kMain},
                  Group{"ephemeralContainers", ContainerKind::kEphemeral}}) {
    Node list = out.spec[g.field];
    size_t i = 0;
    for (Node c : list.Items()) {
      ContainerRef ref;
      ref.node = c;
      ref.name = c["name"].Str();
      ref.kind = g.kind;
      ref.image = c["image"];
      ref.image_ref = ParseImage(ref.image.Str());
      ref.path = out.path + "." + g.field + "[" + (ref.name.empty() ? std::to_string(i) : std::string(ref.name)) + "]";
      out.containers.push_back(std::move(ref));
      ++i;
    }
  }
  return true;
}

std::vector<PodTemplate> CollectPodTemplates(const ObjectSet& objects) {
  std::vector<PodTemplate> out;
  for (const Object& o : objects.all()) {
    PodTemplate t;
    if (FindPodTemplate(o, t)) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace kora
