// Selector semantics and every edge kind of the resource graph, with how
// each reference resolves.
#include <gtest/gtest.h>

#include <sstream>

#include "analyzer/selector.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

Node Labels(const LoadResult& r, std::string_view name) {
  return r.objects->Find("ConfigMap", "default", name)->Labels();
}

TEST(Selector, MatchLabelsAndExpressionsFollowKubernetes) {
  LoadResult r = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sel}\n"
      "data:\n"
      "  s1: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [a, b]}]}\n"
      "  s2: {matchExpressions: [{key: tier, operator: NotIn, values: [a]}]}\n"
      "  s3: {matchExpressions: [{key: canary, operator: Exists}]}\n"
      "  s4: {matchExpressions: [{key: canary, operator: DoesNotExist}]}\n"
      "  s5: {}\n"
      "  bad: {matchExpressions: [{key: x, operator: Near, values: [y]}]}\n"
      "  badin: {matchExpressions: [{key: x, operator: In}]}\n"
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {app: web, tier: a}}\n"
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {app: web, tier: c, canary: 'true'}}\n"
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: none}\n");
  Node d = r.objects->Find("ConfigMap", "default", "sel")->Root()["data"];
  auto s = [&](const char* k) { return LabelSelector::FromLabelSelector(d[k]); };
  EXPECT_TRUE(s("s1").Matches(Labels(r, "a")));
  EXPECT_FALSE(s("s1").Matches(Labels(r, "b")));
  EXPECT_FALSE(s("s2").Matches(Labels(r, "a")));
  EXPECT_TRUE(s("s2").Matches(Labels(r, "b")));
  EXPECT_TRUE(s("s2").Matches(Labels(r, "none")));  // NotIn holds when the key is absent
  EXPECT_TRUE(s("s3").Matches(Labels(r, "b")));
  EXPECT_FALSE(s("s3").Matches(Labels(r, "a")));
  EXPECT_TRUE(s("s4").Matches(Labels(r, "a")));
  EXPECT_FALSE(s("s4").Matches(Labels(r, "b")));
  EXPECT_TRUE(s("s5").present());
  EXPECT_TRUE(s("s5").Matches(Labels(r, "none")));  // empty selects everything
  EXPECT_FALSE(LabelSelector::FromLabelSelector(Node()).Matches(Labels(r, "a")));  // null selects nothing
  EXPECT_FALSE(s("bad").valid());
  EXPECT_FALSE(s("bad").Matches(Labels(r, "a")));
  EXPECT_FALSE(s("badin").valid());
  EXPECT_EQ(s("s1").ToString(), "app=web,tier in (a,b)");
}

class GraphTest : public ::testing::Test {
 protected:
  void Load(const std::string& text, AnalysisOptions options = {}) {
    options_ = std::move(options);
    load_ = LoadText(text);
    ASSERT_TRUE(load_.problems.empty()) << load_.problems[0].message;
    ctx_ = std::make_unique<Context>(load_, options_);
  }
  // "Kind/name -kind-> Kind/name (resolution)" for every edge, in build order.
  std::vector<std::string> Describe() const {
    std::vector<std::string> out;
    const Graph& g = ctx_->graph();
    for (const Reference& r : g.all()) {
      const Object& from = ctx_->objects()[r.from];
      const GraphVertex& to = g.vertex(r.to);
      std::string s = std::string(from.kind) + "/" + std::string(from.name) + " -" + std::string(EdgeKindName(r.kind)) +
                      "-> " + to.kind + "/" + to.name;
      if (!r.key.empty()) s += "[" + r.key + "]";
      if (r.kind != EdgeKind::kSelects) s += " (" + std::string(ResolutionName(r.resolution)) + ")";
      if (r.optional) s += " optional";
      out.push_back(s);
    }
    return out;
  }
  bool Has(const std::string& edge) const {
    auto all = Describe();
    return std::find(all.begin(), all.end(), edge) != all.end();
  }
  std::string All() const {
    std::string s;
    for (const auto& e : Describe()) s += "\n  " + e;
    return s;
  }
  AnalysisOptions options_;
  LoadResult load_;
  std::unique_ptr<Context> ctx_;
};

const char* kShop = R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
imagePullSecrets: [{name: regcred}]
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
type: Opaque
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: backend}}
    spec:
      serviceAccountName: api
      imagePullSecrets: [{name: ghcr}]
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
        ports: [{name: http, containerPort: 8080}]
        env:
        - {name: A, valueFrom: {configMapKeyRef: {name: settings, key: a}}}
        - {name: B, valueFrom: {secretKeyRef: {name: db, key: password}}}
        - {name: C, valueFrom: {secretKeyRef: {name: maybe, key: x, optional: true}}}
        envFrom: [{secretRef: {name: api-env}}]
      volumes:
      - {name: cfg, configMap: {name: settings, items: [{key: k1, path: p1}]}}
      - {name: data, persistentVolumeClaim: {claimName: data}}
      - {name: proj, projected: {sources: [{secret: {name: db}}, {configMap: {name: kube-root-ca.crt}}]}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {storageClassName: fast, volumeName: pv-1}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual, namespace: shop}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: manual-x7k2p, namespace: shop, labels: {kubernetes.io/service-name: manual}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.9]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-q1w2e, namespace: shop, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
endpoints: []
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  ingressClassName: nginx
  tls: [{secretName: shop-tls}]
  defaultBackend: {service: {name: api, port: {name: http}}}
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec: {selector: {matchLabels: {app: api}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres:16}]}}
  volumeClaimTemplates: [{metadata: {name: d}, spec: {storageClassName: slow}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: api-7d9f-abcde
  namespace: shop
  labels: {app: api, pod-template-hash: 7d9f}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7d9f, controller: true}]
spec:
  containers: [{name: api, image: ghcr.io/acme/api:1.0.0}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: api}
subjects: [{kind: ServiceAccount, name: api}]
)";

TEST_F(GraphTest, EveryPodAndServiceEdgeKind) {
  Load(kShop);
  for (const char* e : {
           "Deployment/api -service-account-> ServiceAccount/api (resolved)",
           "Deployment/api -pull-secret-> Secret/ghcr (missing)",
           "ServiceAccount/api -pull-secret-> Secret/regcred (missing)",
           "Deployment/api -configmap-> ConfigMap/settings[a] (resolved)",
           "Deployment/api -secret-> Secret/db[password] (resolved)",
           "Deployment/api -secret-> Secret/maybe[x] (missing) optional",
           "Deployment/api -secret-> Secret/api-env (missing)",
           "Deployment/api -configmap-> ConfigMap/settings[k1] (resolved)",
           "Deployment/api -claim-> PersistentVolumeClaim/data (resolved)",
           "Deployment/api -secret-> Secret/db (resolved)",
           "Deployment/api -configmap-> ConfigMap/kube-root-ca.crt (implicit)",
           "StatefulSet/db -service-account-> ServiceAccount/default (implicit)",
           "PersistentVolumeClaim/data -storage-class-> StorageClass/fast (unverifiable)",
           "PersistentVolumeClaim/data -volume-> PersistentVolume/pv-1 (unverifiable)",
           "StatefulSet/db -storage-class-> StorageClass/slow (unverifiable)",
           "StatefulSet/db -statefulset-service-> Service/db (missing)",
           "Service/api -selects-> Deployment/api",
           "Service/api -selects-> Pod/api-7d9f-abcde",
           "Service/manual -endpoints-> Endpoints/manual (resolved)",
           "Service/manual -endpoints-> EndpointSlice/manual-x7k2p (resolved)",
           "Ingress/shop -ingress-class-> IngressClass/nginx (unverifiable)",
           "Ingress/shop -ingress-backend-> Service/api[http] (resolved)",
           "Ingress/shop -ingress-backend-> Service/api[80] (resolved)",
           "Ingress/shop -tls-secret-> Secret/shop-tls (missing)",
           "HorizontalPodAutoscaler/api -scale-target-> Deployment/api (resolved)",
           "PodDisruptionBudget/api -selects-> Deployment/api",
           "PodDisruptionBudget/api -selects-> Pod/api-7d9f-abcde",
           "NetworkPolicy/all -selects-> Deployment/api",
           "NetworkPolicy/all -selects-> StatefulSet/db",
           "Pod/api-7d9f-abcde -owner-> ReplicaSet/api-7d9f (unverifiable)",
           "RoleBinding/api -role-ref-> Role/api (unverifiable)",
           "RoleBinding/api -subject-> ServiceAccount/api (resolved)",
       }) {
    EXPECT_TRUE(Has(e)) << "missing edge: " << e << All();
  }
  // Selection is same-namespace and exact: the StatefulSet is not selected by Service/api.
  EXPECT_FALSE(Has("Service/api -selects-> StatefulSet/db")) << All();
  // A selector-less Service links to the slices labelled with its own name only.
  EXPECT_FALSE(Has("Service/manual -endpoints-> EndpointSlice/api-q1w2e (resolved)")) << All();
  const Graph& g = ctx_->graph();
  const Object* svc = ctx_->objects().Find("Service", "shop", "api");
  EXPECT_EQ(g.SelectedPods(svc->id).size(), 2u);
  const Object* db = ctx_->objects().Find("Secret", "shop", "db");
  EXPECT_EQ(g.Referrers(db->id, EdgeKind::kSecret).size(), 2u);
}

TEST_F(GraphTest, MissingVersusNotInTheInput) {
  const char* text = R"(
apiVersion: v1
kind: Secret
metadata: {name: present, namespace: a}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec:
  containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: gone}}, {configMapRef: {name: cm}}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: q, namespace: b}
spec:
  containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: gone}}, {secretRef: {name: assumed}}]}]
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: es, namespace: a}
spec: {target: {name: made}}
---
apiVersion: v1
kind: Pod
metadata: {name: r, namespace: a}
spec:
  containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: made}}]}]
)";
  AnalysisOptions o;
  o.assume.push_back(ObjectKey{"Secret", "b", "assumed"});
  Load(text, o);
  EXPECT_TRUE(Has("Pod/p -secret-> Secret/gone (missing)")) << All();       // Secrets exist in namespace a
  EXPECT_TRUE(Has("Pod/p -configmap-> ConfigMap/cm (unverifiable)")) << All();
  EXPECT_TRUE(Has("Pod/q -secret-> Secret/gone (unverifiable)")) << All();  // no Secrets in namespace b
  EXPECT_TRUE(Has("Pod/q -secret-> Secret/assumed (assumed)")) << All();
  EXPECT_TRUE(Has("Pod/r -secret-> Secret/made (produced)")) << All();
  AnalysisOptions complete;
  complete.complete = true;
  Load(text, complete);
  EXPECT_TRUE(Has("Pod/q -secret-> Secret/gone (missing)")) << All();
  EXPECT_TRUE(Has("Pod/p -configmap-> ConfigMap/cm (missing)")) << All();
}

// A started pod proves its Secrets, ConfigMaps and claims existed when it
// started: "does not exist" would contradict the evidence.
TEST(References, StartedPodsTurnMissingIntoDeletedOrLeftOut) {
  const char* text = R"(
apiVersion: v1
kind: Secret
metadata: {name: present, namespace: a}
---
apiVersion: v1
kind: Pod
metadata: {name: running, namespace: a}
spec:
  containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: gone}}]}]
status:
  phase: Running
  containerStatuses: [{name: c, ready: true, restartCount: 0, image: x:1, imageID: "", state: {running: {startedAt: "2026-01-01T00:00:00Z"}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: waiting, namespace: a}
spec:
  containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: gone}}]}]
status:
  phase: Pending
  containerStatuses: [{name: c, ready: false, restartCount: 0, image: x:1, imageID: "", state: {waiting: {reason: CreateContainerConfigError}}}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: old-spec, namespace: a, generation: 2}
spec:
  selector: {matchLabels: {app: w}}
  template:
    metadata: {labels: {app: w}}
    spec: {containers: [{name: c, image: x:1, envFrom: [{secretRef: {name: gone}}]}]}
status: {replicas: 1, readyReplicas: 1, observedGeneration: 1}
)";
  Analysis a = AnalyzeText(text);
  std::vector<const Finding*> found = Of(a, "secret-missing");
  ASSERT_EQ(found.size(), 3u);
  // In document order: the running pod, the waiting pod, the ReplicaSet.
  EXPECT_EQ(found[0]->severity, Severity::kWarning);
  EXPECT_NE(found[0]->message.find("which is not in the input in namespace \"a\"; Pod/a/running has started "
                                   "(container \"c\" ran), so it existed when they started: it was deleted since, "
                                   "or the dump left it out"),
            std::string::npos)
      << found[0]->message;
  // No evidence of a start: the spec still says the pod cannot start.
  EXPECT_EQ(found[1]->severity, Severity::kError);
  EXPECT_NE(found[1]->message.find("which does not exist in namespace"), std::string::npos) << found[1]->message;
  // Ready pods of an older spec prove nothing about this one.
  EXPECT_EQ(found[2]->severity, Severity::kError);
  EXPECT_NE(found[2]->message.find("which does not exist in namespace"), std::string::npos) << found[2]->message;
}

TEST_F(GraphTest, SecretsAWorkloadMayCreateAtRunTime) {
  Load(R"(
apiVersion: v1
kind: Secret
metadata: {name: other, namespace: app}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: init, namespace: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: init, namespace: app}
rules: [{apiGroups: [""], resources: [secrets], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: init, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: init}
subjects: [{kind: ServiceAccount, name: init}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: init, namespace: app}
spec: {template: {spec: {serviceAccountName: init, restartPolicy: Never, containers: [{name: i, image: x:1}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: user, namespace: app}
spec:
  containers: [{name: c, image: x:1, env: [{name: T, valueFrom: {secretKeyRef: {name: generated, key: t}}}]}]
)");
  EXPECT_TRUE(Has("Pod/user -secret-> Secret/generated[t] (runtime)")) << All();
  EXPECT_TRUE(ctx_->graph().Can("app", "init", "create", "", "secrets", "app"));
  EXPECT_FALSE(ctx_->graph().Can("app", "init", "delete", "", "secrets", "app"));
  EXPECT_FALSE(ctx_->graph().Can("app", "init", "create", "", "secrets", "other-namespace"));
}

TEST_F(GraphTest, RolloutAndApplicationEdges) {
  Load(R"(
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: x:1}]}}
  strategy:
    canary:
      canaryService: web-canary
      stableService: web-stable
      analysis: {templates: [{templateName: bg}]}
      steps:
      - analysis: {templates: [{templateName: step}, {templateName: cluster, clusterScope: true}]}
      trafficRouting:
        nginx: {stableIngress: web}
        alb: {ingress: web-alb}
        istio: {virtualService: {name: web-vs}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: bg, namespace: shop}
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: bg}
  strategy: {blueGreen: {activeService: bg-active, previewService: bg-preview, prePromotionAnalysis: {templates: [{templateName: pre}]}}}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
status:
  resources:
  - {group: argoproj.io, version: v1alpha1, kind: Rollout, namespace: shop, name: web}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: tracked, namespace: argocd}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: t1, namespace: shop, labels: {app.kubernetes.io/instance: tracked}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: t2, namespace: shop, annotations: {argocd.argoproj.io/tracking-id: "tracked:/ConfigMap:shop/t2"}}
)");
  for (const char* e : {
           "Rollout/web -rollout-service-> Service/web-canary (unverifiable)",
           "Rollout/web -rollout-service-> Service/web-stable (unverifiable)",
           "Rollout/web -rollout-ingress-> Ingress/web (unverifiable)",
           "Rollout/web -rollout-ingress-> Ingress/web-alb (unverifiable)",
           "Rollout/web -rollout-virtualservice-> VirtualService/web-vs (unverifiable)",
           "Rollout/web -analysis-template-> AnalysisTemplate/bg (unverifiable)",
           "Rollout/web -analysis-template-> AnalysisTemplate/step (unverifiable)",
           "Rollout/web -analysis-template-> ClusterAnalysisTemplate/cluster (unverifiable)",
           "Rollout/bg -rollout-service-> Service/bg-active (unverifiable)",
           "Rollout/bg -rollout-service-> Service/bg-preview (unverifiable)",
           "Rollout/bg -analysis-template-> AnalysisTemplate/pre (unverifiable)",
           "Rollout/bg -workload-ref-> Deployment/bg (unverifiable)",
           "Application/shop -manages-> Rollout/web (resolved)",
           "Application/tracked -manages-> ConfigMap/t1 (resolved)",
           "Application/tracked -manages-> ConfigMap/t2 (resolved)",
       }) {
    EXPECT_TRUE(Has(e)) << "missing edge: " << e << All();
  }
}

TEST_F(GraphTest, ControllerInjectedLabelsMatchTemplates) {
  Load(R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: x}
spec:
  selector: {matchLabels: {app: redis}}
  template: {metadata: {labels: {app: redis}}, spec: {containers: [{name: r, image: redis:7}]}}
---
apiVersion: v1
kind: Service
metadata: {name: redis-0, namespace: x}
spec: {selector: {app: redis, statefulset.kubernetes.io/pod-name: redis-0}}
---
apiVersion: v1
kind: Service
metadata: {name: other-0, namespace: x}
spec: {selector: {app: redis, statefulset.kubernetes.io/pod-name: other-0}}
)");
  EXPECT_TRUE(Has("Service/redis-0 -selects-> StatefulSet/redis")) << All();
  EXPECT_FALSE(Has("Service/other-0 -selects-> StatefulSet/redis")) << All();
}

TEST_F(GraphTest, DotAndJsonOutputsNameEveryEdge) {
  Load(kShop);
  std::ostringstream dot, json;
  ctx_->graph().WriteDot(dot, ctx_->sources());
  ctx_->graph().WriteJson(json, ctx_->sources());
  EXPECT_NE(dot.str().find("digraph G {"), std::string::npos);
  EXPECT_NE(dot.str().find("style=dashed, color=red"), std::string::npos);  // phantom vertices
  size_t edges = 0;
  for (size_t p = dot.str().find("->"); p != std::string::npos; p = dot.str().find("->", p + 2)) ++edges;
  EXPECT_EQ(edges, ctx_->graph().edge_count());
  EXPECT_NE(json.str().find("\"resolution\": \"missing\""), std::string::npos);
}

}  // namespace
}  // namespace kora::test
