// Pod specs wherever they live: Pods, workload templates (Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController, Argo
// Rollout), CronJob job templates and PodTemplates. Found once per run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzer/document.h"
#include "analyzer/image.h"
#include "analyzer/object.h"

namespace kora {

enum class ContainerKind : uint8_t { kInit, kMain, kEphemeral };

struct ContainerRef {
  Node node;
  std::string_view name;
  ContainerKind kind = ContainerKind::kMain;
  std::string path;  // spec.template.spec.containers[web]
  Node image;        // the image field (falsy if absent)
  ImageRef image_ref;  // the image parsed; several rules read it
  std::string_view KindName() const;
};

struct PodTemplate {
  ObjectId object = kNoObject;
  Node spec;           // the PodSpec
  Node metadata;       // template metadata (the Pod's own metadata for a Pod)
  std::string path;    // field path of the PodSpec: "spec", "spec.template.spec", ...
  std::string meta_path;
  bool is_pod = false;
  std::vector<ContainerRef> containers;  // init, then main, then ephemeral

  Node Labels() const { return metadata["labels"]; }
};

// Where an object keeps its pod template, if it has one.
bool FindPodTemplate(const Object& obj, PodTemplate& out);
std::vector<PodTemplate> CollectPodTemplates(const ObjectSet& objects);

// The workload kinds whose spec.selector must match their template labels.
bool IsWorkloadKind(std::string_view kind);

}  // namespace kora
