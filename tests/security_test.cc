// Security rules beyond the Pod Security Standards: what their findings say,
// their severities where the input decides them, and that a literal
// credential never reaches any output.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace kora::test {
namespace {

AnalysisOptions Strict() {
  AnalysisOptions o;
  o.profile = Profile::kStrict;
  return o;
}

const char* kLiteralCredentials = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0.0
        env:
        - {name: DB_PASSWORD, value: "kora-test-pw-3141"}
        - {name: WEBHOOK_URL, value: "https://bot:kora-test-url-pw@hooks.example.com/x"}
        - {name: SIGNING_KEY, value: "Qm9va2tlZXBlcjEyMzQ1Njc4OUFCQ0RFRkdI"}
)";

TEST(EnvSecretLiteral, ReportsWithoutEverPrintingTheValue) {
  Analysis a = AnalyzeText(kLiteralCredentials);
  auto f = Of(a, "env-secret-literal");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0]->message,
            "container \"api\" env DB_PASSWORD has a literal value (not shown) that its name says is a credential: "
            "anyone who can read the object can read it");
  EXPECT_EQ(f[0]->container, "api");
  EXPECT_EQ(f[0]->loc.path, "spec.template.spec.containers[api].env[DB_PASSWORD].value");
  EXPECT_NE(f[1]->message.find("is shaped like a credential"), std::string::npos);  // a URL with a password
  for (const std::string format : {"text", "json"}) {
    CommandResult r = RunKora({"analyze", "-", "-f", format, "--profile", "all", "--color", "never"},
                              kLiteralCredentials);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("env-secret-literal"), std::string::npos) << format;
    for (const char* secret : {"kora-test-pw-3141", "kora-test-url-pw", "Qm9va2tlZXBlcjEy"}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << format << " output contains " << secret;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << secret;
    }
  }
}

TEST(ServiceAccountFieldDeprecated, ConflictIsAWarningLinkedToTheFieldThatWins) {
  const char* text = R"(apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  serviceAccountName: api
  serviceAccount: legacy
  containers: [{name: c, image: "busybox:1.36"}]
)";
  Analysis a = AnalyzeText(text, AnalysisOptions{});
  auto f = Of(a, "service-account-field-deprecated");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_EQ(f[0]->message,
            "spec.serviceAccount \"legacy\" is ignored: serviceAccountName \"api\" wins, so the pods run as api");
  ASSERT_EQ(f[0]->related.size(), 1u);
  EXPECT_EQ(f[0]->related[0].loc.path, "spec.serviceAccountName");
}

TEST(DefaultServiceAccount, BoundDefaultAccountIsAWarning) {
  std::string pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ops}\n"
                    "spec:\n  containers: [{name: c, image: \"busybox:1.36\"}]\n";
  Analysis unbound = AnalyzeText(pod, Strict());
  auto f = Of(unbound, "default-service-account");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kNote);
  std::string binding =
      "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: ops}\n"
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\n"
      "subjects: [{kind: ServiceAccount, name: default}]\n";
  Analysis bound = AnalyzeText(pod + binding, Strict());
  f = Of(bound, "default-service-account");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_EQ(f[0]->message,
            "pods run as the default ServiceAccount of namespace ops, which RoleBinding/ops/b gives ClusterRole "
            "edit: every pod of the namespace that names no ServiceAccount gets it");
  // The binding also means the token is used: no automount finding.
  EXPECT_TRUE(Of(bound, "service-account-token-automount").empty());
}

TEST(NetworkPolicyPeer, NamespaceSelectorIsAWarningOnlyForACompleteInput) {
  const char* text = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
)";
  auto severity = [&](bool complete) {
    AnalysisOptions o;
    o.complete = complete;
    Analysis a = AnalyzeText(text, o);
    auto f = Of(a, "network-policy-peer-selects-nothing");
    EXPECT_EQ(f.size(), 1u);
    return f.empty() ? Severity::kError : f[0]->severity;
  };
  EXPECT_EQ(severity(false), Severity::kNote);
  EXPECT_EQ(severity(true), Severity::kWarning);
  // Namespaces the input knows carry their name label, and kube-system always exists.
  std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}\n---\n";
  EXPECT_TRUE(Of(AnalyzeText(ns + text), "network-policy-peer-selects-nothing").empty());
}

TEST(HostPathSensitive, NamesTheMountingContainer) {
  const char* text = R"(apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ci}
spec:
  containers:
  - name: builder
    image: docker:27.3
    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
  volumes:
  - name: sock
    hostPath: {path: /run/containerd/containerd.sock}
)";
  Analysis a = AnalyzeText(text);
  auto f = Of(a, "host-path-sensitive");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->container, "builder");
  EXPECT_EQ(f[0]->message,
            "hostPath volume \"sock\" mounts /run/containerd/containerd.sock, the container runtime socket: whoever "
            "can write to it starts privileged containers on the node (mounted by container \"builder\" at "
            "/var/run/docker.sock)");
}

TEST(SecurityRules, ProfilesFollowTheDocumentedRationale) {
  struct Expect {
    const char* id;
    Profile profile;
    Severity severity;
  };
  for (const Expect& e : std::initializer_list<Expect>{
           {"env-secret-literal", Profile::kDefault, Severity::kWarning},
           {"network-policy-peer-selects-nothing", Profile::kDefault, Severity::kWarning},
           {"service-account-field-deprecated", Profile::kDefault, Severity::kNote},
           {"rbac-cluster-admin", Profile::kDefault, Severity::kWarning},
           {"rbac-role-missing", Profile::kDefault, Severity::kError},
           {"rbac-subject-missing", Profile::kDefault, Severity::kWarning},
           {"host-path-sensitive", Profile::kSecurity, Severity::kWarning},
           {"host-path-writable", Profile::kSecurity, Severity::kNote},
           {"root-filesystem-writable", Profile::kSecurity, Severity::kNote},
           {"service-account-token-automount", Profile::kSecurity, Severity::kNote},
           {"network-policy-missing", Profile::kSecurity, Severity::kNote},
           {"rbac-secrets-read", Profile::kSecurity, Severity::kWarning},
           {"rbac-workload-create", Profile::kSecurity, Severity::kWarning},
           {"rbac-pod-exec", Profile::kSecurity, Severity::kWarning},
           {"rbac-privilege-escalation", Profile::kSecurity, Severity::kWarning},
           {"rbac-wildcard", Profile::kSecurity, Severity::kNote},
           {"run-as-low-id", Profile::kStrict, Severity::kNote},
           {"net-raw-not-dropped", Profile::kStrict, Severity::kNote},
           {"ssh-port-exposed", Profile::kStrict, Severity::kNote},
           {"service-exposed", Profile::kStrict, Severity::kNote},
           {"default-service-account", Profile::kStrict, Severity::kNote},
       }) {
    const Rule* r = FindRule(e.id);
    ASSERT_NE(r, nullptr) << e.id;
    EXPECT_EQ(r->info().profile, e.profile) << e.id;
    EXPECT_EQ(r->info().severity, e.severity) << e.id;
    // No rule may fail a default `--fail-on error` gate for taste: only
    // rules whose finding means the object will not work are errors.
    if (r->info().severity == Severity::kError) {
      EXPECT_EQ(std::string(e.id), "rbac-role-missing");
    }
  }
}

}  // namespace
}  // namespace kora::test
