// Rule parameters (AnalysisOptions::params, from .kora.yaml): each parameter
// a rule page documents changes what the rule reports.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace kora::test {
namespace {

AnalysisOptions WithParam(const std::string& rule, const std::string& name, std::vector<std::string> values) {
  AnalysisOptions options = AllRulesOptions();
  options.params[rule][name] = std::move(values);
  return options;
}

const char* kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: p, namespace: x}
spec:
  containers:
  - name: c
    image: ghcr.io/acme/c:1.0.0
    resources:
      requests: {cpu: 100m, memory: 128Mi}
      limits: {memory: 256Mi, cpu: "80"}
)";

TEST(RuleParams, ContainerResourcesRequire) {
  EXPECT_TRUE(Of(AnalyzeText(kPod), "container-resources-missing").empty());
  Analysis a = AnalyzeText(kPod, WithParam("container-resources-missing", "require",
                                           {"requests.ephemeral-storage", "limits.ephemeral-storage", "limits.cpu"}));
  auto found = Of(a, "container-resources-missing");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0]->message.find("has no ephemeral-storage request and ephemeral-storage limit"), std::string::npos)
      << found[0]->message;
  EXPECT_NE(found[0]->fix.find("requests: {ephemeral-storage: 1Gi}, limits: {ephemeral-storage: 2Gi, cpu: 500m}"),
            std::string::npos)
      << found[0]->fix;
}

TEST(RuleParams, SuspiciousCpuThreshold) {
  EXPECT_EQ(Of(AnalyzeText(kPod), "quantity-suspicious-unit").size(), 1u);  // 80 cores > 64
  EXPECT_TRUE(Of(AnalyzeText(kPod, WithParam("quantity-suspicious-unit", "max-cpu", {"96"})),
                 "quantity-suspicious-unit")
                  .empty());
}

const char* kServed = R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: 'nginx:1.27.2'}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: other, namespace: x}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: other}
  minReplicas: 2
  maxReplicas: 5
)";

TEST(RuleParams, MinimumReplicas) {
  EXPECT_TRUE(Of(AnalyzeText(kServed), "deployment-replicas-low").empty());
  EXPECT_EQ(Of(AnalyzeText(kServed, WithParam("deployment-replicas-low", "min", {"3"})), "deployment-replicas-low")
                .size(),
            1u);
  EXPECT_TRUE(Of(AnalyzeText(kServed), "hpa-min-replicas-low").empty());
  EXPECT_EQ(Of(AnalyzeText(kServed, WithParam("hpa-min-replicas-low", "min", {"3"})), "hpa-min-replicas-low").size(),
            1u);
}

TEST(RuleParams, RequiredLabelsOffUntilConfigured) {
  EXPECT_TRUE(Of(AnalyzeText(kServed), "required-label-missing").empty());
  Analysis a = AnalyzeText(kServed, WithParam("required-label-missing", "labels", {"owner"}));
  EXPECT_EQ(Of(a, "required-label-missing").size(), 3u);
  AnalysisOptions only_services = WithParam("required-label-missing", "labels", {"owner"});
  only_services.params["required-label-missing"]["kinds"] = {"Service"};
  EXPECT_EQ(Of(AnalyzeText(kServed, only_services), "required-label-missing").size(), 1u);
  // A pattern that is not RE2 is reported, not ignored.
  Analysis bad = AnalyzeText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x, labels: {owner: me}}\n",
                             WithParam("required-label-missing", "labels", {"owner=(unclosed"}));
  auto found = Of(bad, "required-label-missing");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0]->message.find("not a valid RE2 expression"), std::string::npos);
}

TEST(RuleParams, RegistryAllowListOffUntilConfigured) {
  EXPECT_TRUE(Of(AnalyzeText(kServed), "image-registry-not-allowed").empty());
  EXPECT_EQ(Of(AnalyzeText(kServed, WithParam("image-registry-not-allowed", "allowed", {"ghcr.io"})),
               "image-registry-not-allowed")
                .size(),
            1u);
  EXPECT_TRUE(Of(AnalyzeText(kServed, WithParam("image-registry-not-allowed", "allowed", {"docker.io"})),
                 "image-registry-not-allowed")
                  .empty());
}

}  // namespace
}  // namespace kora::test
