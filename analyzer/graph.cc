#include "analyzer/graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <unordered_map>
#include <unordered_set>

#include "analyzer/dockerconfig.h"
#include "analyzer/engine.h"
#include "reports/json_out.h"

namespace kora {

std::string_view EdgeKindName(EdgeKind k) {
  switch (k) {
    case EdgeKind::kSelects: return "selects";
    case EdgeKind::kEndpoints: return "endpoints";
    case EdgeKind::kIngressClass: return "ingress-class";
    case EdgeKind::kIngressBackend: return "ingress-backend";
    case EdgeKind::kTlsSecret: return "tls-secret";
    case EdgeKind::kServiceAccount: return "service-account";
    case EdgeKind::kPullSecret: return "pull-secret";
    case EdgeKind::kConfigMap: return "configmap";
    case EdgeKind::kSecret: return "secret";
    case EdgeKind::kClaim: return "claim";
    case EdgeKind::kStorageClass: return "storage-class";
    case EdgeKind::kVolume: return "volume";
    case EdgeKind::kScaleTarget: return "scale-target";
    case EdgeKind::kOwner: return "owner";
    case EdgeKind::kStatefulSetService: return "statefulset-service";
    case EdgeKind::kRolloutService: return "rollout-service";
    case EdgeKind::kRolloutIngress: return "rollout-ingress";
    case EdgeKind::kRolloutVirtualService: return "rollout-virtualservice";
    case EdgeKind::kAnalysisTemplate: return "analysis-template";
    case EdgeKind::kWorkloadRef: return "workload-ref";
    case EdgeKind::kManages: return "manages";
    case EdgeKind::kRoleRef: return "role-ref";
    case EdgeKind::kSubject: return "subject";
  }
  return "reference";
}

std::string_view ResolutionName(Resolution r) {
  switch (r) {
    case Resolution::kResolved: return "resolved";
    case Resolution::kImplicit: return "implicit";
    case Resolution::kProduced: return "produced";
    case Resolution::kAssumed: return "assumed";
    case Resolution::kRuntime: return "runtime";
    case Resolution::kMissing: return "missing";
    case Resolution::kUnverifiable: return "unverifiable";
  }
  return "unverifiable";
}

bool IsControllerInjectedLabel(std::string_view key) {
  return key == "pod-template-hash" || key == "rollouts-pod-template-hash" ||
         key == "statefulset.kubernetes.io/pod-name" || key == "controller-revision-hash" ||
         key == "apps.kubernetes.io/pod-index" || key == "job-name" || key == "controller-uid" ||
         key == "batch.kubernetes.io/job-name" || key == "batch.kubernetes.io/controller-uid" ||
         key == "batch.kubernetes.io/job-completion-index" || key == "pod-template-generation";
}

namespace {

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                         boost::property<boost::edge_index_t, uint32_t>>;

bool IsBuiltinGroup(std::string_view g) {
  if (g.empty()) return true;
  static constexpr std::string_view kGroups[] = {"apps", "batch", "policy", "autoscaling", "extensions"};
  for (auto k : kGroups) {
    if (g == k) return true;
  }
  return g.size() > 8 && g.substr(g.size() - 8) == ".k8s.io";
}

std::string LabelKey(std::string_view k, std::string_view v) {
  std::string s(k);
  s.push_back('\0');
  s.append(v);
  return s;
}

// Pods and templates of one namespace, indexed by label, so a selector only
// looks at candidates that carry one of its labels.
struct NamespaceIndex {
  std::vector<const PodTemplate*> all;
  std::unordered_map<std::string, std::vector<uint32_t>> by_label;  // key\0value -> positions in all
  std::unordered_map<std::string, std::vector<uint32_t>> by_key;
};

}  // namespace

struct Graph::Impl {
  const ObjectSet& objects;
  const AnalysisOptions& options;
  std::vector<GraphVertex> vertices;
  std::unordered_map<ObjectKey, VertexId, ObjectKeyHash, ObjectKeyEqual> phantoms;
  std::unordered_map<std::string, NamespaceIndex> pods_by_ns;
  std::vector<const PodTemplate*> template_of;  // by object; null for objects without one
  std::unordered_map<ObjectId, std::vector<std::string>> registries;
  std::unordered_map<ObjectKey, ObjectId, ObjectKeyHash, ObjectKeyEqual> producers;
  std::vector<ObjectId> roots;
  // RBAC: the (Cluster)Role rules bound to each ServiceAccount.
  struct Grant {
    ObjectId binding;
    ObjectId role;
    std::string ns;  // empty: every namespace (ClusterRoleBinding)
  };
  std::unordered_map<ObjectKey, std::vector<Grant>, ObjectKeyHash, ObjectKeyEqual> grants;
  // (plural resource, namespace or "*") -> a workload that may create it at run time.
  std::map<std::pair<std::string, std::string>, ObjectId> runtime_producers;
  // Kinds of custom resources present (API groups outside Kubernetes' own).
  std::map<std::string, bool> custom_kinds;
  // EndpointSlices by (namespace, kubernetes.io/service-name label).
  std::map<std::pair<std::string_view, std::string_view>, std::vector<ObjectId>> slices_by_service;

  Impl(const ObjectSet& o, const AnalysisOptions& opt) : objects(o), options(opt) {}
};

Graph::~Graph() = default;

size_t Graph::vertex_count() const { return impl_->vertices.size(); }
size_t Graph::edge_count() const { return refs_.size(); }
const GraphVertex& Graph::vertex(VertexId v) const { return impl_->vertices[v]; }

Resolution Graph::Resolve(std::string_view kind, std::string_view ns, std::string_view name,
                          ObjectId* producer) const {
  const ObjectSet& objects = impl_->objects;
  if (objects.Find(kind, ns, name)) return Resolution::kResolved;
  // Objects every namespace has, created by the control plane.
  if ((kind == "ServiceAccount" && name == "default") || (kind == "ConfigMap" && name == "kube-root-ca.crt")) {
    return Resolution::kImplicit;
  }
  if (kind == "Namespace" && (name == "default" || name == "kube-system" || name == "kube-public" ||
                              name == "kube-node-lease")) {
    return Resolution::kImplicit;
  }
  ObjectKeyView key{kind, ns, name};
  for (const ObjectKey& a : impl_->options.assume) {
    if (ObjectKeyEqual()(a, key)) return Resolution::kAssumed;
  }
  auto p = impl_->producers.find(key);
  if (p != impl_->producers.end()) {
    if (producer) *producer = p->second;
    return Resolution::kProduced;
  }
  if (kind == "Secret" || kind == "ConfigMap") {
    std::string plural = kind == "Secret" ? "secrets" : "configmaps";
    for (const std::string& scope : {std::string(ns), std::string("*")}) {
      auto rp = impl_->runtime_producers.find({plural, scope});
      if (rp != impl_->runtime_producers.end()) {
        if (producer) *producer = rp->second;
        return Resolution::kRuntime;
      }
    }
  }
  if (impl_->options.complete || objects.HasKindIn(kind, ns)) return Resolution::kMissing;
  return Resolution::kUnverifiable;
}

namespace {

// Everything the builder needs while walking objects.
class Builder {
 public:
  Builder(Graph& graph, Graph::Impl& impl, std::vector<Reference>& refs, const std::vector<PodTemplate>& templates)
      : graph_(graph), impl_(impl), refs_(refs), templates_(templates) {}

  void Run() {
    const ObjectSet& objects = impl_.objects;
    for (const Object& o : objects.all()) {
      impl_.vertices.push_back(GraphVertex{o.id, std::string(o.kind), std::string(o.ns), std::string(o.name)});
    }
    IndexProducers();
    IndexTemplates();
    ComputeRoots();
    IndexRbac();
    for (const Object& o : objects.all()) {
      if (!IsBuiltinGroup(o.group)) impl_.custom_kinds.emplace(std::string(o.kind), true);
    }
    for (const Object& o : objects.all()) {
      if (o.kind == "Secret") {
        std::vector<std::string> hosts;
        if (PullSecretRegistries(o, hosts)) impl_.registries[o.id] = std::move(hosts);
      }
    }
    for (const PodTemplate& t : templates_) PodTemplateRefs(t);
    for (const Object& o : objects.all()) {
      std::string_view k = o.kind;
      OwnerRefs(o);
      if (k == "Service") {
        ServiceRefs(o);
      } else if (k == "Ingress") {
        IngressRefs(o);
      } else if (k == "ServiceAccount") {
        for (size_t i = 0; Node s : o.Root()["imagePullSecrets"].Items()) {
          Add(EdgeKind::kPullSecret, o, s["name"], "imagePullSecrets[" + std::to_string(i++) + "].name", "Secret",
              o.ns, s["name"].Str(), "imagePullSecrets");
        }
      } else if (k == "PersistentVolumeClaim") {
        ClaimRefs(o, o.Spec(), "spec");
        Node vol = o.Spec()["volumeName"];
        if (vol.IsScalar() && !vol.Str().empty()) {
          Add(EdgeKind::kVolume, o, vol, "spec.volumeName", "PersistentVolume", "", vol.Str(), "volumeName");
        }
      } else if (k == "HorizontalPodAutoscaler") {
        Node t = o.Spec()["scaleTargetRef"];
        if (t["name"].IsScalar()) {
          Add(EdgeKind::kScaleTarget, o, t, "spec.scaleTargetRef", t["kind"].Str(), o.ns, t["name"].Str(),
              "scaleTargetRef");
        }
      } else if (k == "PodDisruptionBudget" || k == "NetworkPolicy") {
        SelectorRefs(o);
      } else if (k == "StatefulSet") {
        Node svc = o.Spec()["serviceName"];
        if (svc.IsScalar() && !svc.Str().empty()) {
          Add(EdgeKind::kStatefulSetService, o, svc, "spec.serviceName", "Service", o.ns, svc.Str(), "serviceName");
        }
        for (size_t i = 0; Node c : o.Spec()["volumeClaimTemplates"].Items()) {
          ClaimRefs(o, c["spec"], "spec.volumeClaimTemplates[" + std::to_string(i++) + "].spec");
        }
      } else if (k == "Rollout" && o.group == "argoproj.io") {
        RolloutRefs(o);
      } else if (k == "Application" && o.group == "argoproj.io") {
        ApplicationRefs(o);
      } else if (k == "RoleBinding" || k == "ClusterRoleBinding") {
        BindingRefs(o);
      }
    }
  }

 private:
  VertexId TargetVertex(std::string_view kind, std::string_view ns, std::string_view name) {
    if (const Object* o = impl_.objects.Find(kind, ns, name)) return o->id;
    auto it = impl_.phantoms.find(ObjectKeyView{kind, ns, name});
    if (it != impl_.phantoms.end()) return it->second;
    ObjectKey key{std::string(kind), std::string(ns), std::string(name)};
    VertexId v = static_cast<VertexId>(impl_.vertices.size());
    impl_.vertices.push_back(GraphVertex{kNoObject, key.kind, key.ns, key.name});
    impl_.phantoms.emplace(std::move(key), v);
    return v;
  }

  Reference& Add(EdgeKind kind, const Object& from, Node at, std::string path, std::string_view tkind,
                 std::string_view tns, std::string_view tname, std::string field, std::string key = {},
                 std::string container = {}, bool optional = false) {
    Reference r;
    r.kind = kind;
    r.from = from.id;
    r.to = TargetVertex(tkind, tns, tname);
    r.at.file = from.file;
    r.at.object = from.id;
    r.at.span = at ? at.FieldSpan() : from.span();
    r.at.path = std::move(path);
    r.field = std::move(field);
    r.key = std::move(key);
    r.container = std::move(container);
    r.optional = optional;
    // A target in the input is resolved; only the others need Resolve's rules.
    r.resolution = impl_.vertices[r.to].object != kNoObject ? Resolution::kResolved
                                                             : graph_.Resolve(tkind, tns, tname, &r.producer);
    refs_.push_back(std::move(r));
    return refs_.back();
  }

  void AddSelection(const Object& from, Node at, std::string path, const PodTemplate* t) {
    Reference r;
    r.kind = EdgeKind::kSelects;
    r.from = from.id;
    r.to = t->object;
    r.at.file = from.file;
    r.at.object = from.id;
    r.at.span = at ? at.FieldSpan() : from.span();
    r.at.path = std::move(path);
    r.field = "selector";
    refs_.push_back(std::move(r));
  }

  void IndexProducers() {
    const ObjectSet& objects = impl_.objects;
    auto produce = [&](std::string_view kind, std::string_view ns, std::string_view name, ObjectId by) {
      if (name.empty()) return;
      impl_.producers.emplace(ObjectKey{std::string(kind), std::string(ns), std::string(name)}, by);
    };
    for (const Object& o : objects.all()) {
      if (o.kind == "ExternalSecret") {
        // external-secrets.io: spec.target.name, defaulting to the ExternalSecret's own name.
        std::string_view target = o.Spec()["target"]["name"].Str();
        produce("Secret", o.ns, target.empty() ? o.name : target, o.id);
      } else if (o.kind == "SealedSecret") {
        std::string_view target = o.Spec()["template"]["metadata"]["name"].Str();
        produce("Secret", o.ns, target.empty() ? o.name : target, o.id);
      } else if (o.kind == "Certificate" && o.group == "cert-manager.io") {
        produce("Secret", o.ns, o.Spec()["secretName"].Str(), o.id);
      } else if (o.kind == "Ingress" && (o.Annotations()["cert-manager.io/cluster-issuer"] ||
                                         o.Annotations()["cert-manager.io/issuer"])) {
        // cert-manager's ingress-shim creates a Certificate for each TLS entry.
        for (Node tls : o.Spec()["tls"].Items()) produce("Secret", o.ns, tls["secretName"].Str(), o.id);
      }
    }
  }

  void IndexRbac() {
    const ObjectSet& objects = impl_.objects;
    for (const char* kind : {"RoleBinding", "ClusterRoleBinding"}) {
      for (ObjectId id : objects.OfKind(kind)) {
        const Object& b = objects[id];
        Node ref = b.Root()["roleRef"];
        std::string_view rkind = ref["kind"].Str();
        const Object* role = objects.Find(rkind, rkind == "ClusterRole" ? std::string_view() : b.ns, ref["name"].Str());
        if (!role) continue;
        for (Node s : b.Root()["subjects"].Items()) {
          if (s["kind"].Str() != "ServiceAccount") continue;
          std::string_view sns = s["namespace"].Str().empty() ? b.ns : s["namespace"].Str();
          impl_.grants[ObjectKey{"ServiceAccount", std::string(sns), std::string(s["name"].Str())}].push_back(
              Graph::Impl::Grant{b.id, role->id, std::string(b.ns)});
        }
      }
    }
    // Workloads whose ServiceAccount may create Secrets or ConfigMaps can
    // produce the ones pods reference but the input lacks.
    for (const PodTemplate& t : templates_) {
      const Object& o = objects[t.object];
      std::string_view sa = t.spec["serviceAccountName"].Str();
      if (sa.empty()) sa = t.spec["serviceAccount"].Str();
      if (sa.empty()) sa = "default";
      auto it = impl_.grants.find(ObjectKeyView{"ServiceAccount", o.ns, sa});
      if (it == impl_.grants.end()) continue;
      for (const char* resource : {"secrets", "configmaps"}) {
        for (const auto& grant : it->second) {
          if (!RuleAllows(objects[grant.role], "create", "", resource)) continue;
          std::string scope = grant.ns.empty() ? "*" : grant.ns;
          impl_.runtime_producers.emplace(std::make_pair(std::string(resource), scope), impl_.roots[o.id]);
        }
      }
    }
  }

 public:
  // Whether any rule of a Role/ClusterRole allows verb on group/resource.
  static bool RuleAllows(const Object& role, std::string_view verb, std::string_view group,
                         std::string_view resource) {
    auto has = [](Node list, std::string_view v) {
      for (Node n : list.Items()) {
        if (n.Str() == v || n.Str() == "*") return true;
      }
      return false;
    };
    for (Node rule : role.Root()["rules"].Items()) {
      if (has(rule["verbs"], verb) && has(rule["apiGroups"], group) && has(rule["resources"], resource)) return true;
    }
    return false;
  }

 private:
  void IndexTemplates() {
    impl_.template_of.assign(impl_.objects.size(), nullptr);
    for (const PodTemplate& t : templates_) {
      const Object& o = impl_.objects[t.object];
      impl_.template_of[t.object] = &t;
      NamespaceIndex& idx = impl_.pods_by_ns[std::string(o.ns)];
      auto pos = static_cast<uint32_t>(idx.all.size());
      idx.all.push_back(&t);
      for (auto [k, v] : t.Labels().Entries()) {
        idx.by_label[LabelKey(k.Str(), v.Str())].push_back(pos);
        idx.by_key[std::string(k.Str())].push_back(pos);
      }
    }
  }

  void ComputeRoots() {
    const ObjectSet& objects = impl_.objects;
    impl_.roots.resize(objects.size());
    // Owners by uid, for references that carry one.
    std::unordered_map<std::string_view, ObjectId> by_uid;
    for (const Object& o : objects.all()) {
      if (!o.uid.empty()) by_uid.emplace(o.uid, o.id);
    }
    std::vector<ObjectId> parent(objects.size(), kNoObject);
    for (const Object& o : objects.all()) {
      for (Node ref : o.Metadata()["ownerReferences"].Items()) {
        if (ref["controller"].Bool() != true) continue;
        auto it = by_uid.find(ref["uid"].Str());
        if (it != by_uid.end()) {
          parent[o.id] = it->second;
        } else if (const Object* owner = objects.Find(ref["kind"].Str(), o.ns, ref["name"].Str())) {
          parent[o.id] = owner->id;
        }
      }
    }
    for (const Object& o : objects.all()) {
      ObjectId cur = o.id;
      // Owner chains are short (Pod -> ReplicaSet -> Deployment); the bound
      // guards against cycles in hand-edited input.
      for (int depth = 0; depth < 8 && parent[cur] != kNoObject && parent[cur] != cur; ++depth) cur = parent[cur];
      impl_.roots[o.id] = cur;
    }
  }

  void OwnerRefs(const Object& o) {
    size_t i = 0;
    for (Node ref : o.Metadata()["ownerReferences"].Items()) {
      std::string_view kind = ref["kind"].Str();
      Add(EdgeKind::kOwner, o, ref, "metadata.ownerReferences[" + std::to_string(i++) + "]", kind,
          IsClusterScopedKind(kind) ? std::string_view() : o.ns, ref["name"].Str(), "ownerReferences");
    }
  }

  void PodTemplateRefs(const PodTemplate& t) {
    const Object& o = impl_.objects[t.object];
    Node spec = t.spec;
    Node sa = spec["serviceAccountName"];
    if (!sa) sa = spec["serviceAccount"];  // the deprecated alias
    std::string_view sa_name = sa.IsScalar() && !sa.Str().empty() ? sa.Str() : std::string_view("default");
    Add(EdgeKind::kServiceAccount, o, sa ? sa : spec, t.path + (sa ? "." + std::string(sa.Key().Str()) : ""),
        "ServiceAccount", o.ns, sa_name, "serviceAccountName");
    for (size_t i = 0; Node s : spec["imagePullSecrets"].Items()) {
      Add(EdgeKind::kPullSecret, o, s["name"], t.path + ".imagePullSecrets[" + std::to_string(i++) + "].name",
          "Secret", o.ns, s["name"].Str(), "imagePullSecrets");
    }
    for (size_t i = 0; Node v : spec["volumes"].Items()) {
      std::string vpath = t.path + ".volumes[" + std::string(v["name"].Str().empty() ? std::to_string(i) : v["name"].Str()) + "]";
      ++i;
      VolumeRefs(o, v, vpath, "volume " + std::string(v["name"].Str()));
    }
    for (const ContainerRef& c : t.containers) {
      std::string cname(c.name);
      for (Node e : c.node["env"].Items()) {
        Node from = e["valueFrom"];
        std::string ename(e["name"].Str());
        for (auto [field, kind, ek] : {std::tuple{"configMapKeyRef", "ConfigMap", EdgeKind::kConfigMap},
                                       std::tuple{"secretKeyRef", "Secret", EdgeKind::kSecret}}) {
          Node ref = from[field];
          if (!ref.IsMap()) continue;
          Add(ek, o, ref, c.path + ".env[" + ename + "].valueFrom." + field, kind, o.ns, ref["name"].Str(),
              "env " + ename, std::string(ref["key"].Str()), cname, ref["optional"].Bool() == true);
        }
      }
      for (size_t i = 0; Node e : c.node["envFrom"].Items()) {
        for (auto [field, kind, ek] : {std::tuple{"configMapRef", "ConfigMap", EdgeKind::kConfigMap},
                                       std::tuple{"secretRef", "Secret", EdgeKind::kSecret}}) {
          Node ref = e[field];
          if (!ref.IsMap()) continue;
          Add(ek, o, ref, c.path + ".envFrom[" + std::to_string(i) + "]." + field, kind, o.ns, ref["name"].Str(),
              "envFrom", {}, cname, ref["optional"].Bool() == true);
        }
        ++i;
      }
    }
  }

  void VolumeRefs(const Object& o, Node v, const std::string& vpath, const std::string& field) {
    auto keys_of = [&](Node src, EdgeKind ek, std::string_view kind, std::string_view name, const std::string& path,
                       bool optional) {
      Node items = src["items"];
      if (items.IsSeq() && items.Size() > 0) {
        for (size_t i = 0; Node it : items.Items()) {
          Add(ek, o, it["key"], path + ".items[" + std::to_string(i++) + "].key", kind, o.ns, name, field,
              std::string(it["key"].Str()), {}, optional);
        }
      } else {
        Add(ek, o, src, path, kind, o.ns, name, field, {}, {}, optional);
      }
    };
    if (Node cm = v["configMap"]; cm.IsMap()) {
      keys_of(cm, EdgeKind::kConfigMap, "ConfigMap", cm["name"].Str(), vpath + ".configMap",
              cm["optional"].Bool() == true);
    }
    if (Node s = v["secret"]; s.IsMap()) {
      keys_of(s, EdgeKind::kSecret, "Secret", s["secretName"].Str(), vpath + ".secret", s["optional"].Bool() == true);
    }
    if (Node pvc = v["persistentVolumeClaim"]; pvc.IsMap()) {
      Add(EdgeKind::kClaim, o, pvc["claimName"], vpath + ".persistentVolumeClaim.claimName", "PersistentVolumeClaim",
          o.ns, pvc["claimName"].Str(), field);
    }
    for (size_t i = 0; Node src : v["projected"]["sources"].Items()) {
      std::string p = vpath + ".projected.sources[" + std::to_string(i++) + "]";
      if (Node cm = src["configMap"]; cm.IsMap()) {
        keys_of(cm, EdgeKind::kConfigMap, "ConfigMap", cm["name"].Str(), p + ".configMap",
                cm["optional"].Bool() == true);
      }
      if (Node s = src["secret"]; s.IsMap()) {
        keys_of(s, EdgeKind::kSecret, "Secret", s["name"].Str(), p + ".secret", s["optional"].Bool() == true);
      }
    }
  }

  void ClaimRefs(const Object& o, Node spec, const std::string& path) {
    Node sc = spec["storageClassName"];
    // An empty storageClassName asks for no class; absent means the default class.
    if (sc.IsScalar() && !sc.Str().empty()) {
      Add(EdgeKind::kStorageClass, o, sc, path + ".storageClassName", "StorageClass", "", sc.Str(),
          "storageClassName");
    }
  }

  void ServiceRefs(const Object& o) {
    Node sel = o.Spec()["selector"];
    if (sel.IsMap() && sel.Size() > 0) {
      for (const PodTemplate* t : graph_.Select(o.ns, LabelSelector::FromMap(sel))) {
        AddSelection(o, sel, "spec.selector", t);
      }
    } else if (o.Spec()["type"].Str() != "ExternalName") {
      // Without a selector the Endpoints (or EndpointSlices) are managed by hand.
      if (impl_.objects.Find("Endpoints", o.ns, o.name)) {
        Add(EdgeKind::kEndpoints, o, o.Metadata()["name"], "metadata.name", "Endpoints", o.ns, o.name, "endpoints");
      }
      for (ObjectId id : graph_.EndpointSlicesOf(o)) {
        const Object& es = impl_.objects[id];
        Add(EdgeKind::kEndpoints, o, o.Metadata()["name"], "metadata.name", "EndpointSlice", es.ns, es.name,
            "endpoints");
      }
    }
  }

  void SelectorRefs(const Object& o) {
    Node node = o.kind == "NetworkPolicy" ? o.Spec()["podSelector"] : o.Spec()["selector"];
    std::string path = o.kind == "NetworkPolicy" ? "spec.podSelector" : "spec.selector";
    LabelSelector sel = LabelSelector::FromLabelSelector(node);
    // An empty NetworkPolicy podSelector selects every pod in the namespace;
    // an absent PDB selector selects nothing (an empty one, in policy/v1, everything).
    if (!sel.present() && o.kind == "NetworkPolicy") sel = LabelSelector::FromLabelSelector(Node());
    if (o.kind == "NetworkPolicy" && !node) {
      for (const PodTemplate* t : PodsIn(o.ns)) AddSelection(o, node, path, t);
      return;
    }
    for (const PodTemplate* t : graph_.Select(o.ns, sel)) AddSelection(o, node, path, t);
  }

  const std::vector<const PodTemplate*>& PodsIn(std::string_view ns) {
    static const std::vector<const PodTemplate*> kNone;
    auto it = impl_.pods_by_ns.find(std::string(ns));
    return it == impl_.pods_by_ns.end() ? kNone : it->second.all;
  }

  void IngressRefs(const Object& o) {
    Node spec = o.Spec();
    Node cls = spec["ingressClassName"];
    if (cls.IsScalar() && !cls.Str().empty()) {
      Add(EdgeKind::kIngressClass, o, cls, "spec.ingressClassName", "IngressClass", "", cls.Str(),
          "ingressClassName");
    }
    auto backend = [&](Node b, const std::string& path) {
      if (!b.IsMap()) return;
      Node svc = b["service"];
      if (svc.IsMap()) {  // networking.k8s.io/v1
        Node port = svc["port"];
        std::string key(port["name"] ? port["name"].Str() : port["number"].Str());
        Add(EdgeKind::kIngressBackend, o, svc["name"], path + ".service.name", "Service", o.ns, svc["name"].Str(),
            "backend", key);
      } else if (b["serviceName"].IsScalar()) {  // extensions/v1beta1, networking.k8s.io/v1beta1
        Add(EdgeKind::kIngressBackend, o, b["serviceName"], path + ".serviceName", "Service", o.ns,
            b["serviceName"].Str(), "backend", std::string(b["servicePort"].Str()));
      }
    };
    backend(spec["defaultBackend"], "spec.defaultBackend");
    backend(spec["backend"], "spec.backend");
    for (size_t r = 0; Node rule : spec["rules"].Items()) {
      for (size_t p = 0; Node path : rule["http"]["paths"].Items()) {
        backend(path["backend"], "spec.rules[" + std::to_string(r) + "].http.paths[" + std::to_string(p++) + "].backend");
      }
      ++r;
    }
    for (size_t i = 0; Node tls : spec["tls"].Items()) {
      Node name = tls["secretName"];
      if (name.IsScalar() && !name.Str().empty()) {
        Add(EdgeKind::kTlsSecret, o, name, "spec.tls[" + std::to_string(i) + "].secretName", "Secret", o.ns,
            name.Str(), "tls");
      }
      ++i;
    }
  }

  void RolloutRefs(const Object& o) {
    Node spec = o.Spec();
    Node canary = spec["strategy"]["canary"];
    Node bg = spec["strategy"]["blueGreen"];
    auto service = [&](Node strategy, const char* field, const std::string& base) {
      Node n = strategy[field];
      if (n.IsScalar() && !n.Str().empty()) {
        Add(EdgeKind::kRolloutService, o, n, base + "." + field, "Service", o.ns, n.Str(), field);
      }
    };
    service(canary, "canaryService", "spec.strategy.canary");
    service(canary, "stableService", "spec.strategy.canary");
    service(bg, "activeService", "spec.strategy.blueGreen");
    service(bg, "previewService", "spec.strategy.blueGreen");
    Node tr = canary["trafficRouting"];
    Node nginx = tr["nginx"];
    if (Node si = nginx["stableIngress"]; si.IsScalar()) {
      Add(EdgeKind::kRolloutIngress, o, si, "spec.strategy.canary.trafficRouting.nginx.stableIngress", "Ingress",
          o.ns, si.Str(), "nginx.stableIngress");
    }
    for (size_t i = 0; Node si : nginx["stableIngresses"].Items()) {
      Add(EdgeKind::kRolloutIngress, o, si,
          "spec.strategy.canary.trafficRouting.nginx.stableIngresses[" + std::to_string(i++) + "]", "Ingress", o.ns,
          si.Str(), "nginx.stableIngresses");
    }
    Node alb = tr["alb"];
    if (Node ing = alb["ingress"]; ing.IsScalar()) {
      Add(EdgeKind::kRolloutIngress, o, ing, "spec.strategy.canary.trafficRouting.alb.ingress", "Ingress", o.ns,
          ing.Str(), "alb.ingress");
    }
    for (size_t i = 0; Node ing : alb["ingresses"].Items()) {
      Add(EdgeKind::kRolloutIngress, o, ing,
          "spec.strategy.canary.trafficRouting.alb.ingresses[" + std::to_string(i++) + "]", "Ingress", o.ns,
          ing.Str(), "alb.ingresses");
    }
    Node istio = tr["istio"];
    if (Node vs = istio["virtualService"]["name"]; vs.IsScalar()) {
      Add(EdgeKind::kRolloutVirtualService, o, vs, "spec.strategy.canary.trafficRouting.istio.virtualService.name",
          "VirtualService", o.ns, vs.Str(), "istio.virtualService");
    }
    for (size_t i = 0; Node vs : istio["virtualServices"].Items()) {
      Add(EdgeKind::kRolloutVirtualService, o, vs["name"],
          "spec.strategy.canary.trafficRouting.istio.virtualServices[" + std::to_string(i++) + "].name",
          "VirtualService", o.ns, vs["name"].Str(), "istio.virtualServices");
    }
    auto templates = [&](Node analysis, const std::string& path) {
      for (size_t i = 0; Node t : analysis["templates"].Items()) {
        bool cluster = t["clusterScope"].Bool() == true;
        Add(EdgeKind::kAnalysisTemplate, o, t["templateName"], path + ".templates[" + std::to_string(i++) + "].templateName",
            cluster ? "ClusterAnalysisTemplate" : "AnalysisTemplate", cluster ? "" : o.ns, t["templateName"].Str(),
            "analysis");
      }
    };
    templates(canary["analysis"], "spec.strategy.canary.analysis");
    for (size_t i = 0; Node step : canary["steps"].Items()) {
      std::string p = "spec.strategy.canary.steps[" + std::to_string(i++) + "]";
      templates(step["analysis"], p + ".analysis");
      // Experiment analyses name their template directly.
      for (size_t j = 0; Node a : step["experiment"]["analyses"].Items()) {
        bool cluster = a["clusterScope"].Bool() == true;
        Add(EdgeKind::kAnalysisTemplate, o, a["templateName"],
            p + ".experiment.analyses[" + std::to_string(j++) + "].templateName",
            cluster ? "ClusterAnalysisTemplate" : "AnalysisTemplate", cluster ? "" : o.ns, a["templateName"].Str(),
            "analysis");
      }
    }
    templates(bg["prePromotionAnalysis"], "spec.strategy.blueGreen.prePromotionAnalysis");
    templates(bg["postPromotionAnalysis"], "spec.strategy.blueGreen.postPromotionAnalysis");
    Node wref = spec["workloadRef"];
    if (wref.IsMap()) {
      Add(EdgeKind::kWorkloadRef, o, wref["name"], "spec.workloadRef.name", wref["kind"].Str(), o.ns,
          wref["name"].Str(), "workloadRef");
    }
  }

  void ApplicationRefs(const Object& app) {
    Node resources = app.Status()["resources"];
    if (resources.IsSeq() && resources.Size() > 0) {
      for (size_t i = 0; Node r : resources.Items()) {
        std::string_view kind = r["kind"].Str();
        Add(EdgeKind::kManages, app, r, "status.resources[" + std::to_string(i++) + "]", kind,
            IsClusterScopedKind(kind) ? std::string_view() : r["namespace"].Str(), r["name"].Str(), "manages");
      }
      return;
    }
    // Without status, Argo CD's tracking annotation or label says what the app owns.
    if (!tracked_built_) {
      tracked_built_ = true;
      for (const Object& o : impl_.objects.all()) {
        if (o.kind == "Application" && o.group == "argoproj.io") continue;
        std::string_view tracking = o.Annotation("argocd.argoproj.io/tracking-id");
        std::string_view owner = !tracking.empty() ? tracking.substr(0, tracking.find(':'))
                                                   : o.Label("app.kubernetes.io/instance");
        // Applications outside the control-plane namespace track as <namespace>_<app>.
        if (auto us = owner.find('_'); !tracking.empty() && us != std::string_view::npos) owner = owner.substr(us + 1);
        if (!owner.empty()) tracked_[std::string(owner)].push_back(o.id);
      }
    }
    auto it = tracked_.find(std::string(app.name));
    if (it == tracked_.end()) return;
    for (ObjectId id : it->second) {
      const Object& o = impl_.objects[id];
      Add(EdgeKind::kManages, app, Node(), "metadata.name", o.kind, o.ns, o.name, "manages");
    }
  }

  bool tracked_built_ = false;
  std::unordered_map<std::string, std::vector<ObjectId>> tracked_;

  void BindingRefs(const Object& o) {
    Node role = o.Root()["roleRef"];
    if (role.IsMap()) {
      std::string_view kind = role["kind"].Str();
      Add(EdgeKind::kRoleRef, o, role["name"], "roleRef.name", kind, kind == "ClusterRole" ? "" : o.ns,
          role["name"].Str(), "roleRef");
    }
    for (size_t i = 0; Node s : o.Root()["subjects"].Items()) {
      std::string p = "subjects[" + std::to_string(i++) + "]";
      if (s["kind"].Str() != "ServiceAccount") continue;
      std::string_view ns = s["namespace"].Str();
      Add(EdgeKind::kSubject, o, s["name"], p + ".name", "ServiceAccount", ns.empty() ? o.ns : ns, s["name"].Str(),
          "subject");
    }
  }

  Graph& graph_;
  Graph::Impl& impl_;
  std::vector<Reference>& refs_;
  const std::vector<PodTemplate>& templates_;
};

}  // namespace

Graph::Graph(const ObjectSet& objects, const std::vector<PodTemplate>& templates, const AnalysisOptions& options)
    : impl_(std::make_unique<Impl>(objects, options)) {
  // Once, not per Service: a dump can hold thousands of each.
  for (ObjectId id : objects.OfKind("EndpointSlice")) {
    const Object& slice = objects[id];
    std::string_view service = slice.Label("kubernetes.io/service-name");
    if (!service.empty()) impl_->slices_by_service[{slice.ns, service}].push_back(id);
  }
  Builder(*this, *impl_, refs_, templates).Run();
  IndexEdges();
}

void Graph::IndexEdges() {
  size_t vertices = impl_->vertices.size();
  for (const Reference& r : refs_) vertices = std::max<size_t>({vertices, size_t{r.from} + 1, size_t{r.to} + 1});
  // Counting sort by vertex: stable, so each run stays in build order.
  auto build = [&](EdgeIndex& index, auto end_of) {
    index.start.assign(vertices + 1, 0);
    for (const Reference& r : refs_) ++index.start[end_of(r) + 1];
    for (size_t v = 0; v < vertices; ++v) index.start[v + 1] += index.start[v];
    index.refs.resize(refs_.size());
    std::vector<uint32_t> next(index.start.begin(), index.start.end() - 1);
    for (size_t i = 0; i < refs_.size(); ++i) index.refs[next[end_of(refs_[i])]++] = static_cast<uint32_t>(i);
  };
  build(out_, [](const Reference& r) { return static_cast<size_t>(r.from); });
  build(in_, [](const Reference& r) { return static_cast<size_t>(r.to); });
}

std::vector<const Reference*> Graph::Collect(const EdgeIndex& index, size_t vertex, const std::vector<Reference>& refs,
                                             const EdgeKind* kind) {
  std::vector<const Reference*> out;
  if (vertex + 1 >= index.start.size()) return out;
  for (uint32_t i = index.start[vertex]; i < index.start[vertex + 1]; ++i) {
    const Reference& r = refs[index.refs[i]];
    if (!kind || r.kind == *kind) out.push_back(&r);
  }
  return out;
}

const std::vector<ObjectId>& Graph::EndpointSlicesOf(const Object& service) const {
  static const std::vector<ObjectId> kNone;
  auto it = impl_->slices_by_service.find({service.ns, service.name});
  return it == impl_->slices_by_service.end() ? kNone : it->second;
}

std::vector<const PodTemplate*> Graph::Select(std::string_view ns, const LabelSelector& sel) const {
  std::vector<const PodTemplate*> out;
  if (!sel.present() || !sel.valid()) return out;
  auto it = impl_->pods_by_ns.find(std::string(ns));
  if (it == impl_->pods_by_ns.end()) return out;
  const NamespaceIndex& idx = it->second;
  // The smallest posting list of an equality requirement bounds the candidates.
  const std::vector<uint32_t>* best = nullptr;
  bool impossible = false;
  for (const auto& r : sel.requirements()) {
    const std::vector<uint32_t>* list = nullptr;
    if (r.op == LabelSelector::Requirement::kEquals ||
        (r.op == LabelSelector::Requirement::kIn && r.values.size() == 1)) {
      auto l = idx.by_label.find(LabelKey(r.key, r.values[0]));
      if (l == idx.by_label.end()) {
        impossible = true;
        break;
      }
      list = &l->second;
    } else if (r.op == LabelSelector::Requirement::kExists) {
      auto l = idx.by_key.find(r.key);
      if (l == idx.by_key.end()) {
        impossible = true;
        break;
      }
      list = &l->second;
    }
    if (list && (!best || list->size() < best->size())) best = list;
  }
  // Pod templates lack the labels controllers add to the pods they create
  // (pod-template-hash, statefulset.kubernetes.io/pod-name, job-name, ...),
  // so a template matches when everything else does.
  LabelSelector for_templates = sel.Without(IsControllerInjectedLabel);
  auto matches = [&](const PodTemplate* t) {
    if (t->is_pod) return sel.Matches(t->Labels());
    if (!for_templates.Matches(t->Labels())) return false;
    const Object& o = impl_->objects[t->object];
    for (const auto& r : sel.requirements()) {
      // A StatefulSet's pods are named <statefulset>-<ordinal>.
      if (r.key == "statefulset.kubernetes.io/pod-name" && r.op == LabelSelector::Requirement::kEquals &&
          (o.kind != "StatefulSet" || r.values[0].rfind(std::string(o.name) + "-", 0) != 0)) {
        return false;
      }
    }
    return true;
  };
  if (impossible) {
    // The index holds template labels only; retry without injected labels.
    if (for_templates.requirements().size() == sel.requirements().size()) return out;
    for (const PodTemplate* t : idx.all) {
      if (!t->is_pod && matches(t)) out.push_back(t);
    }
    return out;
  }
  if (best) {
    for (uint32_t pos : *best) {
      if (matches(idx.all[pos])) out.push_back(idx.all[pos]);
    }
  } else {
    for (const PodTemplate* t : idx.all) {
      if (matches(t)) out.push_back(t);
    }
  }
  return out;
}

bool Graph::Can(std::string_view sa_ns, std::string_view sa_name, std::string_view verb, std::string_view group,
                std::string_view resource, std::string_view ns) const {
  auto it = impl_->grants.find(ObjectKeyView{"ServiceAccount", sa_ns, sa_name});
  if (it == impl_->grants.end()) return false;
  for (const auto& g : it->second) {
    if (!g.ns.empty() && g.ns != ns) continue;
    if (Builder::RuleAllows(impl_->objects[g.role], verb, group, resource)) return true;
  }
  return false;
}

const Object* Graph::OperatorCandidate(std::string_view ns, const LabelSelector& sel) const {
  // Custom resources by namespace and name are few; look each value up.
  for (const auto& r : sel.requirements()) {
    for (const std::string& v : r.values) {
      for (const auto& [kind, ids] : impl_->custom_kinds) {
        (void)ids;
        if (const Object* o = impl_->objects.Find(kind, ns, v)) return o;
      }
    }
  }
  return nullptr;
}

const std::vector<const PodTemplate*>& Graph::PodsIn(std::string_view ns) const {
  static const std::vector<const PodTemplate*> kNone;
  auto it = impl_->pods_by_ns.find(std::string(ns));
  return it == impl_->pods_by_ns.end() ? kNone : it->second.all;
}

bool Graph::HasPodsIn(std::string_view ns) const {
  auto it = impl_->pods_by_ns.find(std::string(ns));
  return it != impl_->pods_by_ns.end() && !it->second.all.empty();
}

ObjectId Graph::Root(ObjectId id) const { return id < impl_->roots.size() ? impl_->roots[id] : id; }

const PodTemplate* Graph::TemplateOf(ObjectId id) const {
  return id < impl_->template_of.size() ? impl_->template_of[id] : nullptr;
}

std::vector<const Reference*> Graph::References(ObjectId from) const {
  return Collect(out_, from, refs_, nullptr);
}

std::vector<const Reference*> Graph::References(ObjectId from, EdgeKind kind) const {
  return Collect(out_, from, refs_, &kind);
}

std::vector<const Reference*> Graph::Referrers(VertexId to) const { return Collect(in_, to, refs_, nullptr); }

std::vector<const Reference*> Graph::Referrers(ObjectId to, EdgeKind kind) const {
  return Collect(in_, static_cast<VertexId>(to), refs_, &kind);
}

const Object* Graph::Target(const Reference& r) const {
  ObjectId id = impl_->vertices[r.to].object;
  return id == kNoObject ? nullptr : &impl_->objects[id];
}

std::vector<const PodTemplate*> Graph::SelectedPods(ObjectId owner) const {
  std::vector<const PodTemplate*> out;
  for (const Reference* r : References(owner, EdgeKind::kSelects)) {
    if (const PodTemplate* t = TemplateOf(impl_->vertices[r->to].object)) out.push_back(t);
  }
  return out;
}

const std::vector<std::string>* Graph::RegistryHosts(ObjectId secret) const {
  auto it = impl_->registries.find(secret);
  return it == impl_->registries.end() ? nullptr : &it->second;
}

void Graph::WriteDot(std::ostream& out, const SourceManager& sources) const {
  // Labels come from input: escape quotes and backslashes for DOT strings.
  auto esc = [](std::string_view s) {
    std::string o;
    for (char c : s) {
      if (c == '"' || c == '\\') o.push_back('\\');
      if (static_cast<unsigned char>(c) < 0x20) {
        o += ' ';
        continue;
      }
      o.push_back(c);
    }
    return o;
  };
  // The analysis reads edges through the indexes above; Boost's adjacency
  // lists are built only here, for its Graphviz writer, in the same vertex
  // and edge order.
  BoostGraph g(impl_->vertices.size());
  for (size_t i = 0; i < refs_.size(); ++i) boost::add_edge(refs_[i].from, refs_[i].to, static_cast<uint32_t>(i), g);
  auto vertex_writer = [&](std::ostream& os, VertexId v) {
    const GraphVertex& gv = impl_->vertices[v];
    os << "[label=\"" << esc(gv.kind) << "\\n" << esc(gv.ns.empty() ? gv.name : gv.ns + "/" + gv.name) << "\"";
    if (gv.object == kNoObject) os << ", style=dashed, color=red";
    os << "]";
  };
  auto edge_writer = [&](std::ostream& os, BoostGraph::edge_descriptor e) {
    const Reference& r = refs_[boost::get(boost::edge_index, g, e)];
    os << "[label=\"" << EdgeKindName(r.kind) << "\"";
    if (!IsResolved(r.resolution) && r.kind != EdgeKind::kSelects) os << ", color=red, style=dashed";
    os << "]";
  };
  auto graph_writer = [](std::ostream& os) { os << "rankdir=LR;\nnode [shape=box, fontname=\"monospace\"];\n"; };
  boost::write_graphviz(out, g, vertex_writer, edge_writer, graph_writer);
  (void)sources;
}

void Graph::WriteJson(std::ostream& out, const SourceManager& sources) const {
  JsonOut j(out);
  j.BeginObject();
  j.Key("vertices").BeginArray();
  for (VertexId v = 0; v < impl_->vertices.size(); ++v) {
    const GraphVertex& gv = impl_->vertices[v];
    j.BeginObject().FieldInt("id", v).Field("kind", gv.kind).Field("namespace", gv.ns).Field("name", gv.name);
    j.FieldBool("inInput", gv.object != kNoObject).EndObject();
  }
  j.EndArray();
  j.Key("edges").BeginArray();
  for (const Reference& r : refs_) {
    j.BeginObject();
    j.FieldInt("from", r.from).FieldInt("to", r.to).Field("kind", EdgeKindName(r.kind));
    j.Field("field", r.field);
    if (!r.key.empty()) j.Field("key", r.key);
    if (!r.container.empty()) j.Field("container", r.container);
    j.Field("resolution", ResolutionName(r.resolution)).FieldBool("optional", r.optional);
    j.Key("at").BeginObject();
    if (r.at.file != kNoFile) j.Field("file", sources.file(r.at.file).path);
    j.FieldInt("line", r.at.span.begin.line).FieldInt("column", r.at.span.begin.col).Field("path", r.at.path);
    j.EndObject();
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  j.Finish();
}

}  // namespace kora
