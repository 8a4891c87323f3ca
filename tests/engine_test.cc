// The rule engine: registry order, profiles, enable/disable, severity
// overrides, suppression annotations, and the findings' shape.
#include <gtest/gtest.h>

#include <set>

#include "tests/test_util.h"

namespace kora::test {
namespace {

TEST(Registry, SortedUniqueKebabCaseWithCompleteMetadata) {
  const auto& rules = AllRules();
  ASSERT_FALSE(rules.empty());
  std::set<std::string_view> seen;
  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules[i]->info();
    EXPECT_TRUE(seen.insert(r.id).second) << "duplicate id " << r.id;
    if (i > 0) EXPECT_LT(rules[i - 1]->info().id, r.id) << "registry must be sorted by id";
    for (char c : r.id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << r.id;
    EXPECT_FALSE(r.title.empty()) << r.id;
    EXPECT_FALSE(r.category.empty()) << r.id;
    EXPECT_GT(r.help.size(), 40u) << r.id;
    EXPECT_GT(r.fix.size(), 20u) << r.id;
    EXPECT_EQ(FindRule(r.id), rules[i].get());
  }
  EXPECT_EQ(FindRule("no-such-rule"), nullptr);
}

const char* kLatest = R"(
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec:
  containers: [{name: c, image: "nginx:latest", readinessProbe: {tcpSocket: {port: 80}},
                resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 1Mi}}}]
)";

TEST(Engine, EnableDisableAndSeverityOverrides) {
  AnalysisOptions o = AllRulesOptions();
  EXPECT_EQ(Of(AnalyzeText(kLatest, o), "image-latest-tag").size(), 1u);
  o.disable.insert("image-latest-tag");
  EXPECT_TRUE(Of(AnalyzeText(kLatest, o), "image-latest-tag").empty());
  AnalysisOptions s = AllRulesOptions();
  s.severity["image-latest-tag"] = Severity::kError;
  Analysis severe = AnalyzeText(kLatest, s);  // Of() points into it
  auto f = Of(severe, "image-latest-tag");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kError);
}

TEST(Engine, ProfilesNest) {
  EXPECT_EQ(ProfilesIncluding(Profile::kDefault), "default,security,strict,all");
  EXPECT_EQ(ProfilesIncluding(Profile::kStrict), "strict,all");
  for (const auto& r : AllRules()) {
    AnalysisOptions def;
    AnalysisOptions all = AllRulesOptions();
    EXPECT_TRUE(RuleEnabled(*r, all));
    EXPECT_EQ(RuleEnabled(*r, def), r->info().profile == Profile::kDefault);
    AnalysisOptions forced;
    forced.enable.insert(std::string(r->info().id));
    EXPECT_TRUE(RuleEnabled(*r, forced));
  }
}

TEST(Engine, IgnoreAnnotationSuppresses) {
  EXPECT_TRUE(IgnoreAnnotationCovers("image-latest-tag", "image-latest-tag"));
  EXPECT_TRUE(IgnoreAnnotationCovers(" a , image-latest-tag ", "image-latest-tag"));
  EXPECT_TRUE(IgnoreAnnotationCovers("all", "anything"));
  EXPECT_FALSE(IgnoreAnnotationCovers("image-latest", "image-latest-tag"));
  EXPECT_FALSE(IgnoreAnnotationCovers("", "image-latest-tag"));
  const char* text = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ignored
  namespace: x
  annotations: {kora.dev/ignore: "image-latest-tag, readiness-probe-missing"}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: template-ignored, namespace: x}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}, annotations: {kora.dev/ignore: all}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reported, namespace: x}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec: {containers: [{name: c, image: nginx}]}
)";
  Analysis a = AnalyzeText(text);
  auto latest = Of(a, "image-latest-tag");
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(a.load.objects->all()[latest[0]->loc.object].name, "reported");
  // The annotation names only some rules: others still report.
  auto resources = Of(a, "container-resources-missing");
  EXPECT_EQ(resources.size(), 2u);
}

// An Argo CD Application Degraded because its Deployment's pod is
// OOMKilled; `annotation` goes on the Application.
std::string DegradedApplication(const std::string& annotation) {
  return R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: reports
  namespace: argocd
)" + annotation + R"(
spec:
  destination: {namespace: reports}
status:
  sync: {status: Synced}
  health: {status: Degraded}
  resources:
  - {group: apps, version: v1, kind: Deployment, namespace: reports, name: worker, health: {status: Degraded}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: reports, uid: d1, generation: 1}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers: [{name: worker, image: "ghcr.io/acme/worker:1.0.0", resources: {limits: {memory: 64Mi}}}]
status:
  observedGeneration: 1
  conditions:
  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: timed out}
---
apiVersion: v1
kind: Pod
metadata: {name: worker-5f7b9c6d4-2xv8k, namespace: reports, labels: {app: worker, pod-template-hash: 5f7b9c6d4}}
spec:
  containers: [{name: worker, image: "ghcr.io/acme/worker:1.0.0"}]
status:
  phase: Running
  containerStatuses:
  - name: worker
    ready: false
    restartCount: 7
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {reason: OOMKilled, exitCode: 137}}
)";
}

// One root cause, one finding: the Application's roll-up folds into the
// diagnosis that explains it (Reporter::Amend) instead of repeating it.
TEST(Engine, RollUpFoldsIntoTheDiagnosisItWouldRepeat) {
  Analysis a = AnalyzeText(DegradedApplication(""));
  EXPECT_TRUE(Of(a, "application-degraded").empty());
  auto crash = Of(a, "crash-loop");
  ASSERT_EQ(crash.size(), 1u);
  const Finding& f = *crash[0];
  ASSERT_GE(f.chain.size(), 2u);
  ASSERT_NE(f.chain[0].loc.object, kNoObject);
  EXPECT_EQ((*a.load.objects)[f.chain[0].loc.object].Ref(), "Application/argocd/reports");
  EXPECT_EQ(f.chain[0].message, "Application/argocd/reports is Degraded (sync: Synced)");
  EXPECT_EQ(f.symptom.rfind("Argo CD shows Application/argocd/reports as Degraded; ", 0), 0u) << f.symptom;
  EXPECT_NE(f.verify.find("argocd app get reports (health turns Healthy)"), std::string::npos);
  EXPECT_EQ(f.cause, "oom-killed");
}

// App of apps: the parent Application manages the child Application, which
// manages the Deployment. Both are symptoms of the one root cause, the parent
// first, whatever order they appear in.
TEST(Engine, AppOfAppsFoldsParentThenChild) {
  std::string parent = R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: platform, namespace: argocd}
spec:
  destination: {namespace: argocd}
status:
  sync: {status: Synced}
  health: {status: Degraded}
  resources:
  - {group: argoproj.io, version: v1alpha1, kind: Application, namespace: argocd, name: reports, health: {status: Degraded}}
)";
  for (bool parent_first : {true, false}) {
    std::string text = parent_first ? parent + "---" + DegradedApplication("") : DegradedApplication("") + "---" + parent;
    Analysis a = AnalyzeText(text);
    EXPECT_TRUE(Of(a, "application-degraded").empty()) << parent_first;
    auto crash = Of(a, "crash-loop");
    ASSERT_EQ(crash.size(), 1u);
    const Finding& f = *crash[0];
    ASSERT_GE(f.chain.size(), 3u);
    EXPECT_EQ((*a.load.objects)[f.chain[0].loc.object].Ref(), "Application/argocd/platform") << parent_first;
    EXPECT_EQ((*a.load.objects)[f.chain[1].loc.object].Ref(), "Application/argocd/reports") << parent_first;
  }
}

// An Application that ignores application-degraded is left out of the chain too.
TEST(Engine, AmendRespectsTheIgnoreAnnotation) {
  Analysis a = AnalyzeText(DegradedApplication("  annotations: {kora.dev/ignore: application-degraded}"));
  EXPECT_TRUE(Of(a, "application-degraded").empty());
  auto crash = Of(a, "crash-loop");
  ASSERT_EQ(crash.size(), 1u);
  for (const ChainStep& s : crash[0]->chain) {
    EXPECT_EQ(s.message.find("Application/"), std::string::npos) << s.message;
  }
  EXPECT_EQ(crash[0]->symptom.find("Argo CD"), std::string::npos);
}

TEST(Engine, FindingsCarryObjectPathContainerFixAndStableFingerprint) {
  Analysis a = AnalyzeText(kLatest);
  auto f = Of(a, "image-latest-tag");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->loc.path, "spec.containers[c].image");
  EXPECT_EQ(f[0]->container, "c");
  EXPECT_EQ(f[0]->loc.span.begin, (Mark{6, 26}));
  EXPECT_FALSE(f[0]->fix.empty());
  // Moving the object down does not change its fingerprint.
  Analysis moved = AnalyzeText("# a comment\n\n" + std::string(kLatest));
  auto g = Of(moved, "image-latest-tag");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0]->loc.span.begin.line, 8u);
  EXPECT_EQ(Fingerprint(*f[0], *a.load.objects, *a.load.sources),
            Fingerprint(*g[0], *moved.load.objects, *moved.load.sources));
}

TEST(Engine, ControllerOwnedObjectsAreLintedThroughTheirController) {
  const char* text = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x, uid: d1}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f-x2
  namespace: x
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, controller: true}]
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f
  namespace: x
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}
)";
  Analysis a = AnalyzeText(text);
  auto latest = Of(a, "image-latest-tag");
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(a.load.objects->all()[latest[0]->loc.object].kind, "Deployment");
}

}  // namespace
}  // namespace kora::test
