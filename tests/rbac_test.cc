// RBAC as a graph: the chain from a workload to a dangerous permission, rule
// matching (wildcards, subresources, resourceNames, aggregation, built-in
// roles), and bindings whose role or ServiceAccount is not there.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace kora::test {
namespace {

AnalysisOptions Security() {
  AnalysisOptions o;
  o.profile = Profile::kSecurity;
  return o;
}

std::string Workload(const std::string& kind, const std::string& name, const std::string& sa) {
  std::string head = kind == "Job" ? "apiVersion: batch/v1\n" : "apiVersion: apps/v1\n";
  std::string selector = kind == "Job" ? "" : "  selector: {matchLabels: {app: " + name + "}}\n";
  return head + "kind: " + kind + "\nmetadata: {name: " + name + ", namespace: payments}\nspec:\n" + selector +
         "  template:\n    metadata: {labels: {app: " + name + "}}\n    spec:\n" +
         (sa.empty() ? "" : "      serviceAccountName: " + sa + "\n") +
         "      restartPolicy: " + (kind == "Job" ? "Never" : "Always") + "\n" +
         "      containers: [{name: c, image: \"ghcr.io/acme/" + name + ":1.0.0\"}]\n---\n";
}

const std::string kSecretReader =
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: secret-reader}\nrules:\n"
    "- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n"
    "- {apiGroups: [\"\"], resources: [secrets], verbs: [list]}\n---\n";

std::string Binding(const std::string& kind, const std::string& name, const std::string& role_kind,
                    const std::string& role, const std::string& subjects) {
  std::string ns = kind == "RoleBinding" ? ", namespace: payments" : "";
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata: {name: " + name + ns +
         "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + role_kind + ", name: " + role +
         "}\nsubjects:\n" + subjects + "---\n";
}

const std::string kApiSubject = "- {kind: ServiceAccount, name: api, namespace: payments}\n";

TEST(RbacChain, NamesTheWorkloadAndLinksEveryStep) {
  std::string text = Workload("Deployment", "api", "api") + kSecretReader +
                     Binding("ClusterRoleBinding", "read-all", "ClusterRole", "secret-reader", kApiSubject);
  Analysis a = AnalyzeText(text, Security());
  auto f = Of(a, "rbac-secrets-read");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->message,
            "Deployment payments/api (ServiceAccount payments/api) can read (list) every Secret in the cluster via "
            "ClusterRoleBinding read-all \u2192 ClusterRole secret-reader");
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_EQ(f[0]->loc.path, "subjects[0]");
  EXPECT_EQ((*a.load.objects)[f[0]->loc.object].kind, "ClusterRoleBinding");
  ASSERT_EQ(f[0]->related.size(), 3u);
  EXPECT_EQ(f[0]->related[0].loc.path, "spec.template.spec.serviceAccountName");
  EXPECT_EQ(f[0]->related[0].message, "Deployment/payments/api runs as ServiceAccount payments/api");
  EXPECT_EQ(f[0]->related[1].loc.path, "roleRef.name");
  EXPECT_EQ(f[0]->related[2].loc.path, "rules[1]");
  EXPECT_EQ(f[0]->related[2].message, "ClusterRole secret-reader rules[1] allows it");
}

TEST(RbacChain, RoleBindingScopeIsItsNamespaceAndDefaultAccountsCount) {
  // A workload with no serviceAccountName runs as default.
  std::string text = Workload("Deployment", "web", "") + kSecretReader +
                     Binding("RoleBinding", "read", "ClusterRole", "secret-reader",
                             "- {kind: ServiceAccount, name: default}\n");
  Analysis a = AnalyzeText(text, Security());
  auto f = Of(a, "rbac-secrets-read");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->message,
            "Deployment payments/web (ServiceAccount payments/default) can read (list) every Secret in namespace "
            "payments via RoleBinding read \u2192 ClusterRole secret-reader");
}

TEST(RbacChain, SharedAccountsListTheirWorkloadsOnce) {
  std::string text = Workload("Deployment", "a", "shared") + Workload("Deployment", "b", "shared") +
                     Workload("Job", "c", "shared") + Workload("Deployment", "d", "shared") + kSecretReader +
                     Binding("ClusterRoleBinding", "r", "ClusterRole", "secret-reader",
                             "- {kind: ServiceAccount, name: shared, namespace: payments}\n"
                             "- {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}\n");
  Analysis a = AnalyzeText(text, Security());
  auto f = Of(a, "rbac-secrets-read");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0]->message.substr(0, f[0]->message.find(" can ")),
            "Deployment payments/a, Deployment payments/b, Job payments/c and 1 more (ServiceAccount payments/shared)");
  EXPECT_EQ(f[1]->message.substr(0, f[1]->message.find(" can ")), "Group system:authenticated");
  EXPECT_EQ(f[0]->related.size(), 4u + 2u);  // four workloads, roleRef, rule
}

TEST(RbacChain, AnAccountNoWorkloadUsesIsStillNamed) {
  Analysis a = AnalyzeText(kSecretReader + Binding("ClusterRoleBinding", "r", "ClusterRole", "secret-reader",
                                                   kApiSubject),
                           Security());
  auto f = Of(a, "rbac-secrets-read");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->message.substr(0, f[0]->message.find(" can ")),
            "ServiceAccount payments/api (no workload in the input runs as it)");
}

TEST(RbacMatching, ResourceNamesSubresourceWildcardsAndNonResourceUrls) {
  auto fires = [](const std::string& rule, const char* id) {
    std::string role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n" +
                       rule + "---\n";
    Analysis a = AnalyzeText(role + Binding("ClusterRoleBinding", "b", "ClusterRole", "r", kApiSubject), Security());
    return Of(a, id).size();
  };
  EXPECT_EQ(fires("- {apiGroups: [\"\"], resources: [secrets], resourceNames: [tls], verbs: [get]}\n",
                  "rbac-secrets-read"),
            0u);
  EXPECT_EQ(fires("- {apiGroups: [\"*\"], resources: [secrets], verbs: [watch]}\n", "rbac-secrets-read"), 1u);
  EXPECT_EQ(fires("- {apiGroups: [apps], resources: [secrets], verbs: [get]}\n", "rbac-secrets-read"), 0u);
  EXPECT_EQ(fires("- {apiGroups: [\"\"], resources: [\"*/exec\"], verbs: [create]}\n", "rbac-pod-exec"), 1u);
  EXPECT_EQ(fires("- {apiGroups: [\"\"], resources: [pods], verbs: [\"*\"]}\n", "rbac-pod-exec"), 0u);
  EXPECT_EQ(fires("- {apiGroups: [\"\"], resources: [pods], verbs: [\"*\"]}\n", "rbac-workload-create"), 1u);
  EXPECT_EQ(fires("- {nonResourceURLs: [\"*\"], verbs: [\"*\"]}\n", "rbac-cluster-admin"), 0u);
  EXPECT_EQ(fires("- {apiGroups: [\"\"], resources: [users, groups], verbs: [impersonate]}\n",
                  "rbac-privilege-escalation"),
            1u);
}

TEST(RbacMatching, AggregatedClusterRolesCollectTheirParts) {
  std::string roles =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: monitoring}\n"
      "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {acme.io/aggregate-to-monitoring: \"true\"}\n"
      "rules: []\n---\n"
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
      "metadata: {name: monitoring-secrets, labels: {acme.io/aggregate-to-monitoring: \"true\"}}\n"
      "rules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}\n---\n";
  Analysis a = AnalyzeText(roles + Binding("ClusterRoleBinding", "m", "ClusterRole", "monitoring", kApiSubject),
                           Security());
  auto f = Of(a, "rbac-secrets-read");
  ASSERT_EQ(f.size(), 1u);
  ASSERT_EQ(f[0]->related.size(), 2u);
  EXPECT_EQ(f[0]->related[1].message, "ClusterRole monitoring-secrets rules[0] allows it");
}

TEST(RbacMatching, BuiltinRoles) {
  auto count = [](const std::string& role, const char* id) {
    return Of(AnalyzeText(Binding("RoleBinding", "b", "ClusterRole", role, kApiSubject), Security()), id).size();
  };
  for (const char* role : {"edit", "admin"}) {
    EXPECT_EQ(count(role, "rbac-secrets-read"), 1u) << role;
    EXPECT_EQ(count(role, "rbac-pod-exec"), 1u) << role;
    EXPECT_EQ(count(role, "rbac-workload-create"), 1u) << role;
    EXPECT_EQ(count(role, "rbac-privilege-escalation"), 1u) << role;  // impersonate serviceaccounts
    EXPECT_EQ(count(role, "rbac-role-missing"), 0u) << role;
  }
  EXPECT_EQ(count("view", "rbac-secrets-read"), 0u);
  EXPECT_EQ(count("cluster-admin", "rbac-cluster-admin"), 1u);
  // cluster-admin is reported once, not again as every power it includes.
  EXPECT_EQ(count("cluster-admin", "rbac-secrets-read"), 0u);
  AnalysisOptions without = Security();
  without.disable.insert("rbac-cluster-admin");
  EXPECT_EQ(Of(AnalyzeText(Binding("RoleBinding", "b", "ClusterRole", "cluster-admin", kApiSubject), without),
               "rbac-secrets-read")
                .size(),
            1u);
}

TEST(RbacProfiles, OnlyClusterAdminAndBrokenBindingsAreInTheDefaultProfile) {
  std::string text = kSecretReader + Binding("ClusterRoleBinding", "r", "ClusterRole", "secret-reader", kApiSubject) +
                     Binding("ClusterRoleBinding", "a", "ClusterRole", "cluster-admin", kApiSubject);
  Analysis a = AnalyzeText(text, AnalysisOptions{});
  EXPECT_TRUE(Of(a, "rbac-secrets-read").empty());
  EXPECT_EQ(Of(a, "rbac-cluster-admin").size(), 1u);
}

TEST(RbacReferences, MissingRoleIsAnErrorOnlyWhenTheInputCanTell) {
  std::string role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
                     "metadata: {name: reader, namespace: payments}\nrules: []\n---\n";
  std::string binding = Binding("RoleBinding", "b", "Role", "readr", kApiSubject);
  auto severity = [](const Analysis& a) {
    auto f = Of(a, "rbac-role-missing");
    return f.size() == 1 ? f[0]->severity : Severity::kNote;
  };
  Analysis known = AnalyzeText(role + binding, AnalysisOptions{});
  ASSERT_EQ(Of(known, "rbac-role-missing").size(), 1u);
  EXPECT_EQ(severity(known), Severity::kError);
  EXPECT_NE(Of(known, "rbac-role-missing")[0]->message.find(
                "the binding grants nothing: requests by ServiceAccount payments/api that it was meant to allow fail "
                "with 403 Forbidden"),
            std::string::npos)
      << Of(known, "rbac-role-missing")[0]->message;
  Analysis unknown = AnalyzeText(binding, AnalysisOptions{});
  ASSERT_EQ(Of(unknown, "rbac-role-missing").size(), 1u);
  EXPECT_EQ(severity(unknown), Severity::kNote);
  AnalysisOptions complete;
  complete.complete = true;
  Analysis dump = AnalyzeText(binding, complete);
  EXPECT_EQ(severity(dump), Severity::kError);
}

TEST(RbacReferences, MissingSubjectIsAWarningOrANote) {
  std::string sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: payments}\n---\n";
  std::string binding = Binding("RoleBinding", "b", "ClusterRole", "view", kApiSubject);
  Analysis known = AnalyzeText(sa + binding, AnalysisOptions{});
  auto f = Of(known, "rbac-subject-missing");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_EQ(f[0]->loc.path, "subjects[0].name");
  Analysis unknown = AnalyzeText(binding, AnalysisOptions{});
  f = Of(unknown, "rbac-subject-missing");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kNote);
  // --assume makes it exist.
  AnalysisOptions assume;
  assume.assume.push_back(ObjectKey{"ServiceAccount", "payments", "api"});
  EXPECT_TRUE(Of(AnalyzeText(sa + binding, assume), "rbac-subject-missing").empty());
}

TEST(RbacWildcard, ReportsTheFirstStarOfEachRule) {
  std::string role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n"
                     "- {apiGroups: [\"*\"], resources: [pods, \"*\"], verbs: [\"*\"]}\n";
  Analysis a = AnalyzeText(role, Security());
  auto f = Of(a, "rbac-wildcard");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->loc.path, "rules[0].verbs[0]");
  EXPECT_EQ(f[0]->message,
            "rules[0] of ClusterRole r uses * in verbs, apiGroups and resources: it allows every current and future "
            "one");
}

}  // namespace
}  // namespace kora::test
