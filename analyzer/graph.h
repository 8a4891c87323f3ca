// The resource graph: every reference between objects as an edge with its
// kind, the span of the referencing field and whether it resolved. Built once
// per run with per-namespace indexes, so it stays near-linear. Rules ask it
// domain questions; Boost.Graph stays behind this interface.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/finding.h"
#include "analyzer/object.h"
#include "analyzer/selector.h"
#include "analyzer/workload.h"

namespace kora {

struct AnalysisOptions;

enum class EdgeKind : uint8_t {
  kSelects,             // Service, PDB, NetworkPolicy -> pod or pod template (label selector)
  kEndpoints,           // Service without selector -> Endpoints / EndpointSlice of its name
  kIngressClass,        // Ingress -> IngressClass
  kIngressBackend,      // Ingress -> Service (rules and defaultBackend)
  kTlsSecret,           // Ingress -> TLS Secret
  kServiceAccount,      // pod template -> ServiceAccount
  kPullSecret,          // pod template or ServiceAccount -> image pull Secret
  kConfigMap,           // pod template -> ConfigMap (env, envFrom, volumes, projected)
  kSecret,              // pod template -> Secret (env, envFrom, volumes, projected)
  kClaim,               // pod template -> PersistentVolumeClaim
  kStorageClass,        // PVC or volumeClaimTemplate -> StorageClass
  kVolume,              // PVC -> PersistentVolume
  kScaleTarget,         // HPA -> workload
  kOwner,               // owned -> owner (ownerReferences)
  kStatefulSetService,  // StatefulSet -> its serviceName Service
  kRolloutService,      // Argo Rollout -> canary/stable/active/preview Service
  kRolloutIngress,      // Argo Rollout -> nginx/alb Ingress
  kRolloutVirtualService,
  kAnalysisTemplate,    // Argo Rollout -> (Cluster)AnalysisTemplate
  kWorkloadRef,         // Argo Rollout -> referenced Deployment
  kManages,             // Argo CD Application -> managed object
  kRoleRef,             // (Cluster)RoleBinding -> (Cluster)Role
  kSubject,             // (Cluster)RoleBinding -> ServiceAccount subject
};
std::string_view EdgeKindName(EdgeKind k);

// How a reference resolved. Missing versus not-in-the-input is decided per
// reference (docs/references.md).
enum class Resolution : uint8_t {
  kResolved,      // the target is in the input
  kImplicit,      // always exists (the default ServiceAccount, kube-root-ca.crt)
  kProduced,      // a known producer in the input creates it (ExternalSecret, SealedSecret, Certificate)
  kAssumed,       // --assume or the config says it exists
  kRuntime,       // not in the input, but a workload in the input may create it at run time (RBAC allows it)
  kMissing,       // definitely missing: its kind is present in that namespace, or --complete
  kUnverifiable,  // not in the input, and the input cannot tell whether it exists
};
std::string_view ResolutionName(Resolution r);
inline bool IsResolved(Resolution r) { return r <= Resolution::kAssumed; }

// Labels controllers add to the pods they create (pod-template-hash,
// controller-revision-hash, statefulset.kubernetes.io/pod-name, job-name,
// ...): they differ per revision or per pod, so a selector written by hand
// must not use them.
bool IsControllerInjectedLabel(std::string_view key);

using VertexId = uint32_t;

struct GraphVertex {
  ObjectId object = kNoObject;  // kNoObject for a phantom (referenced, not in the input)
  std::string kind, ns, name;
};

struct Reference {
  EdgeKind kind;
  ObjectId from = kNoObject;
  VertexId to = 0;
  Location at;            // the referencing field
  std::string field;      // what refers, in words: "serviceAccountName", "env DB_PASSWORD", "canaryService"
  std::string key;        // a ConfigMap/Secret key, a port name or number, when the reference names one
  std::string container;  // the container making the reference, for pod templates
  bool optional = false;  // optional: true on the reference
  Resolution resolution = Resolution::kResolved;
  ObjectId producer = kNoObject;  // for kProduced
};

class Graph {
 public:
  Graph(const ObjectSet& objects, const std::vector<PodTemplate>& templates, const AnalysisOptions& options);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  size_t vertex_count() const;
  size_t edge_count() const;
  const GraphVertex& vertex(VertexId v) const;
  VertexId VertexOf(ObjectId id) const { return static_cast<VertexId>(id); }

  // Outgoing references of an object (optionally of one kind), in build order.
  std::vector<const Reference*> References(ObjectId from) const;
  std::vector<const Reference*> References(ObjectId from, EdgeKind kind) const;
  // Incoming references of an object or phantom vertex.
  std::vector<const Reference*> Referrers(VertexId to) const;
  std::vector<const Reference*> Referrers(ObjectId to, EdgeKind kind) const;
  // The object a reference points at, or null for a phantom.
  const Object* Target(const Reference& r) const;
  const std::vector<Reference>& all() const { return refs_; }

  // Pod templates (Pods and workload templates) a Service, PDB or
  // NetworkPolicy selects, same namespace only.
  std::vector<const PodTemplate*> SelectedPods(ObjectId selector_owner) const;
  // Pod templates in a namespace matching a selector (the label index).
  std::vector<const PodTemplate*> Select(std::string_view ns, const LabelSelector& sel) const;
  // The EndpointSlices of a Service (label kubernetes.io/service-name, same
  // namespace), in input order.
  const std::vector<ObjectId>& EndpointSlicesOf(const Object& service) const;
  // Whether any pod or pod template exists in the namespace.
  bool HasPodsIn(std::string_view ns) const;
  // Every pod and pod template of a namespace.
  const std::vector<const PodTemplate*>& PodsIn(std::string_view ns) const;
  // The top controller of an object through ownerReferences (itself if none).
  ObjectId Root(ObjectId id) const;
  const PodTemplate* TemplateOf(ObjectId id) const;

  // Registry hosts a docker-registry Secret holds credentials for (decoded
  // from .dockerconfigjson / .dockercfg; the credentials themselves are never kept).
  const std::vector<std::string>* RegistryHosts(ObjectId secret) const;

  // Whether a ServiceAccount may perform verb on resource (plural, API group)
  // in namespace ns, through the Roles and ClusterRoles bound to it in the input.
  bool Can(std::string_view sa_ns, std::string_view sa_name, std::string_view verb, std::string_view group,
           std::string_view resource, std::string_view ns) const;
  // A custom resource in ns whose name is one of the selector's values: an
  // operator probably creates the pods the selector is written for.
  const Object* OperatorCandidate(std::string_view ns, const LabelSelector& sel) const;

  // Decides how a reference to kind/ns/name resolves (used by the builder and rules).
  Resolution Resolve(std::string_view kind, std::string_view ns, std::string_view name, ObjectId* producer) const;

  void WriteDot(std::ostream& out, const SourceManager& sources) const;
  void WriteJson(std::ostream& out, const SourceManager& sources) const;

  struct Impl;

 private:
  // Each vertex's out- and in-edges as one run of reference indices, in
  // build order: the queries above copy a run (rules ask them for every
  // template). Boost.Graph is built from refs_ only to write DOT.
  struct EdgeIndex {
    std::vector<uint32_t> start;  // per vertex, plus one past the end
    std::vector<uint32_t> refs;
  };
  void IndexEdges();
  static std::vector<const Reference*> Collect(const EdgeIndex& index, size_t vertex, const std::vector<Reference>& refs,
                                               const EdgeKind* kind);

  std::unique_ptr<Impl> impl_;
  std::vector<Reference> refs_;
  EdgeIndex out_, in_;
};

}  // namespace kora
