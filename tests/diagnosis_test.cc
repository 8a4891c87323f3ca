// Diagnosis helpers and the wording of diagnoses where a fixture's rule ids
// cannot tell right from wrong: proposed selectors, endpoint evidence, why
// pods are not ready.
#include <gtest/gtest.h>

#include "analyzer/diagnosis.h"
#include "analyzer/document.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

// A selector proposal must survive the next rollout: no label a controller
// adds per revision or per pod, none that changes with every release.
TEST(ProposedSelector, DropsControllerInjectedAndPerReleaseLabels) {
  Analysis a = AnalyzeText(R"(
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: x
  labels:
    app: web
    tier: frontend
    pod-template-hash: 6b8d9c7f5
    controller-revision-hash: web-7d9f
    pod-template-generation: "3"
    statefulset.kubernetes.io/pod-name: web-0
    helm.sh/chart: web-1.2.3
    app.kubernetes.io/version: 1.2.3
    app.kubernetes.io/managed-by: Helm
spec:
  containers: [{name: c, image: nginx}]
)");
  const Object& pod = a.load.objects->all()[0];
  // No key of the current selector on the pod: every stable label.
  Analysis none = AnalyzeText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {name: wbe}\n");
  EXPECT_EQ(ProposedSelector(none.load.objects->all()[0].Root()["data"], pod.Labels()), "app=web,tier=frontend");
  // Keys the current selector uses and the pod carries: only those, with the pod's values.
  Analysis sel = AnalyzeText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {app: web-frontend}\n");
  EXPECT_EQ(ProposedSelector(sel.load.objects->all()[0].Root()["data"], pod.Labels()), "app=web");
  // A selector on an injected label alone proposes the stable labels instead.
  Analysis hash = AnalyzeText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {pod-template-hash: x}\n");
  EXPECT_EQ(ProposedSelector(hash.load.objects->all()[0].Root()["data"], pod.Labels()), "app=web,tier=frontend");
}

const Finding* Only(const Analysis& a, std::string_view rule) {
  auto all = Of(a, rule);
  EXPECT_EQ(all.size(), 1u) << rule;
  return all.empty() ? nullptr : all[0];
}

std::string Hypotheses(const Finding& f) {
  std::string out;
  for (const Hypothesis& h : f.hypotheses) {
    out += std::string(h.open ? "open: " : h.confirmed ? "confirmed: " : "ruled out: ") + h.text + " — " +
           h.evidence + "\n";
  }
  return out;
}

// A running pod with a readiness probe that is not ready has not passed it,
// even when its Unhealthy events expired: the probe stays open, and the
// message names the pod, the container and the probe.
TEST(ServiceNoReadyEndpoints, NamesThePodAndItsProbeWhenTheEventsExpired) {
  Analysis a = AnalyzeText(R"(
apiVersion: v1
kind: Service
metadata: {name: reports, namespace: x}
spec:
  selector: {app: reports}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: reports-0, namespace: x, uid: p1, labels: {app: reports}}
spec:
  readinessGates: [{conditionType: "target-health.elbv2.k8s.aws/reports"}]
  containers:
  - name: reports
    image: ghcr.io/acme/reports:2.0.0
    readinessProbe: {httpGet: {path: /ready, port: 8000}}
status:
  phase: Running
  conditions:
  - {type: Ready, status: "False", reason: ReadinessGatesNotReady}
  containerStatuses:
  - {name: reports, ready: false, restartCount: 0, state: {running: {startedAt: "2025-11-15T12:20:00Z"}}}
)",
                           AnalysisOptions{});
  const Finding* f = Only(a, "service-no-ready-endpoints");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->cause, "pods-not-ready");
  EXPECT_NE(f->message.find("reports-0 Running, Ready=False (ReadinessGatesNotReady), readiness gate "
                            "target-health.elbv2.k8s.aws/reports is not set, container \"reports\" runs with "
                            "ready=false: its readinessProbe (GET /ready on port 8000) has not passed"),
            std::string::npos)
      << f->message;
  EXPECT_NE(Hypotheses(*f).find("open: the readiness probe fails — Pod/x/reports-0: "), std::string::npos)
      << Hypotheses(*f);
}

// A namespace without workloads in the input: the selector cannot be
// checked against pods (a note), unless the cluster's own EndpointSlice for
// the Service is there and empty, which proves it has no endpoints.
TEST(ServiceSelectsNothing, AnEmptyEndpointSliceMakesItDefinite) {
  const std::string service = R"(
apiVersion: v1
kind: Service
metadata: {name: checkout, namespace: dumped}
spec:
  selector: {app: checkout}
)";
  Analysis unverifiable = AnalyzeText(service);
  auto note = Of(unverifiable, "service-selects-nothing");
  ASSERT_EQ(note.size(), 1u);
  EXPECT_EQ(note[0]->severity, Severity::kNote);
  Analysis proven = AnalyzeText(service + R"(---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: checkout-8fj2k, namespace: dumped, labels: {kubernetes.io/service-name: checkout}}
addressType: IPv4
endpoints: []
)");
  auto definite = Of(proven, "service-selects-nothing");
  ASSERT_EQ(definite.size(), 1u);
  EXPECT_EQ(definite[0]->severity, Severity::kError);
  EXPECT_NE(definite[0]->message.find("EndpointSlice/dumped/checkout-8fj2k lists no endpoint"), std::string::npos)
      << definite[0]->message;
  ASSERT_EQ(definite[0]->related.size(), 1u);
}

// Only EndpointSlices in the input: a slice's endpoint without a ready
// condition is ready (discovery.k8s.io/v1), so the Service is not diagnosed;
// one with ready: false is listed by its pod.
TEST(ServiceEndpoints, ReadsEndpointSlicesWithTheirDefaults) {
  Analysis a = AnalyzeText(R"(
apiVersion: v1
kind: Service
metadata: {name: api, namespace: x}
spec:
  selector: {app: api}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-abcde, namespace: x, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
endpoints:
- addresses: [10.0.0.1]
  targetRef: {kind: Pod, name: api-1, namespace: x}
- addresses: [10.0.0.2]
  conditions: {ready: false}
  targetRef: {kind: Pod, name: api-2, namespace: x}
---
apiVersion: v1
kind: Service
metadata: {name: down, namespace: x}
spec:
  selector: {app: down}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: down-fghij, namespace: x, labels: {kubernetes.io/service-name: down}}
addressType: IPv4
endpoints:
- addresses: [10.0.0.3]
  conditions: {ready: false}
  targetRef: {kind: Pod, name: down-1, namespace: x}
)",
                           AnalysisOptions{});
  auto all = Of(a, "service-no-ready-endpoints");
  ASSERT_EQ(all.size(), 1u);
  const Finding& f = *all[0];
  EXPECT_EQ(a.load.objects->all()[f.loc.object].Ref(), "Service/x/down");
  EXPECT_NE(f.message.find("EndpointSlice/x/down-fghij lists 0 ready and 1 not-ready endpoint(s) (down-1)"),
            std::string::npos)
      << f.message;
}

// An AnalysisRun dumped without ownerReferences still belongs to its Rollout
// by its rollouts-pod-template-hash label and name; of two failed runs, the
// one of the current pod template hash decides, and the Rollout's diagnosis
// carries its metric, condition and measured value (analysis-run-failed stays
// silent: one root cause, one diagnosis).
TEST(RolloutDegraded, TiesRunsByHashAndCarriesTheCurrentRunsMetric) {
  std::string run = R"(
apiVersion: argoproj.io/v1alpha1
kind: AnalysisRun
metadata:
  name: checkout-HASH-REV
  namespace: shop
  creationTimestamp: "CREATED"
  labels: {rollouts-pod-template-hash: HASH}
spec:
  metrics:
  - name: error-rate
    failureLimit: 1
    successCondition: result[0] < 0.01
    provider: {prometheus: {address: "http://prometheus:9090", query: errors}}
status:
  phase: Failed
  metricResults:
  - name: error-rate
    phase: Failed
    count: 2
    failed: 2
    measurements:
    - {phase: Failed, value: "[VALUE]"}
)";
  auto make = [&](const std::string& hash, const std::string& rev, const std::string& created, const std::string& v) {
    std::string r = run;
    for (auto [from, to] : {std::pair<std::string, std::string>{"HASH", hash}, {"REV", rev}, {"CREATED", created},
                            {"VALUE", v}}) {
      for (size_t at = r.find(from); at != std::string::npos; at = r.find(from, at + to.size())) {
        r.replace(at, from.size(), to);
      }
    }
    return r;
  };
  std::string text = R"(
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: checkout, namespace: shop, uid: r1, generation: 3}
spec:
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec: {containers: [{name: checkout, image: "ghcr.io/acme/checkout:3.0.0"}]}
  strategy: {canary: {steps: [{setWeight: 20}]}}
status:
  observedGeneration: "3"
  abort: true
  currentPodHash: 7b6d5c9f8
  conditions:
  - {type: Progressing, status: "False", reason: RolloutAborted, message: Rollout aborted update to revision 3}
---)" + make("7b6d5c9f8", "3", "2025-10-13T12:00:00Z", "0.087") + "---" +
                     // An older revision's run, created later by a retry: not the current hash.
                     make("5a4b3c2d1", "2", "2025-10-13T12:30:00Z", "0.5");
  Analysis a = AnalyzeText(text, AnalysisOptions{});
  EXPECT_TRUE(Of(a, "analysis-run-failed").empty());
  const Finding* f = Only(a, "rollout-degraded");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->cause, "analysis-failed");
  EXPECT_NE(f->message.find("AnalysisRun/shop/checkout-7b6d5c9f8-3 Failed on metric error-rate (last value [0.087]"),
            std::string::npos)
      << f->message;
  EXPECT_NE(f->fix.find("last value [0.087]; successCondition: result[0] < 0.01; failed 2 of 2 measurement(s), "
                        "failureLimit 1"),
            std::string::npos)
      << f->fix;
}

// Without the Rollout in the input, the run's own name says which Rollout to
// retry and watch.
TEST(AnalysisRunFailed, NamesTheRolloutFromTheRunsNameWithoutOwner) {
  Analysis a = AnalyzeText(R"(
apiVersion: argoproj.io/v1alpha1
kind: AnalysisRun
metadata: {name: web-api-6c8d7f9b5-12, namespace: shop}
spec:
  metrics: [{name: latency, provider: {web: {url: "http://metrics/latency"}}}]
status:
  phase: Failed
  message: the analysis Job was deleted
)",
                           AnalysisOptions{});
  const Finding* f = Only(a, "analysis-run-failed");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->verify.find("kubectl argo rollouts get rollout web-api -n shop --watch"), std::string::npos)
      << f->verify;
  EXPECT_NE(f->message.find("failed: the analysis Job was deleted"), std::string::npos) << f->message;
}

}  // namespace
}  // namespace kora::test
