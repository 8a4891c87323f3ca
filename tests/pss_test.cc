// Pod Security Standards: which policy a finding speaks for (enforce, warn,
// audit, --pss, hardening), its severity, message and related label; policy
// versions; the controls that replace one another at restricted; user
// namespaces and Windows pods; label parsing.
#include <gtest/gtest.h>

#include "analyzer/pss.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

std::string Namespace(const std::string& labels) {
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n" + labels + "---\n";
}

// A Deployment in namespace shop whose container has `container_extra`
// (indented 8 spaces) and whose pod spec has `pod_extra` (6 spaces).
std::string Deployment(const std::string& container_extra, const std::string& pod_extra = "") {
  return "apiVersion: apps/v1\n"
         "kind: Deployment\n"
         "metadata: {name: web, namespace: shop}\n"
         "spec:\n"
         "  selector: {matchLabels: {app: web}}\n"
         "  template:\n"
         "    metadata: {labels: {app: web}}\n"
         "    spec:\n" +
         pod_extra +
         "      containers:\n"
         "      - name: web\n"
         "        image: nginx:1.27.2\n" +
         container_extra;
}

const std::string kPrivileged = "        securityContext: {privileged: true}\n";

// A container that passes every restricted control.
const std::string kRestrictedOk =
    "        securityContext:\n"
    "          allowPrivilegeEscalation: false\n"
    "          runAsNonRoot: true\n"
    "          seccompProfile: {type: RuntimeDefault}\n"
    "          capabilities: {drop: [ALL]}\n";

AnalysisOptions DefaultProfile() { return AnalysisOptions{}; }
AnalysisOptions SecurityProfile() {
  AnalysisOptions o;
  o.profile = Profile::kSecurity;
  return o;
}

TEST(PssPolicy, EnforceLabelMakesAnErrorInTheAdmissionsWordsLinkedToTheLabel) {
  Analysis a = AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: baseline\n") + Deployment(kPrivileged),
                           DefaultProfile());
  auto f = Of(a, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kError);
  EXPECT_EQ(f[0]->message,
            "violates PodSecurity \"baseline:latest\": privileged (container \"web\" must not set "
            "securityContext.privileged=true); namespace \"shop\" enforces baseline, so its ReplicaSets cannot "
            "create pods (FailedCreate)");
  EXPECT_EQ(f[0]->container, "web");
  EXPECT_EQ(f[0]->loc.path, "spec.template.spec.containers[web].securityContext.privileged");
  // The span is the offending field: `privileged: true` inside the flow map on line 19.
  EXPECT_EQ(f[0]->loc.span.begin.line, 19u);
  EXPECT_EQ(f[0]->loc.span.begin.col, 27u);
  ASSERT_EQ(f[0]->related.size(), 1u);
  EXPECT_EQ(f[0]->related[0].loc.path, "metadata.labels[pod-security.kubernetes.io/enforce]");
  EXPECT_EQ(f[0]->related[0].loc.span.begin.line, 6u);
  EXPECT_EQ(f[0]->related[0].message, "namespace \"shop\" sets pod-security.kubernetes.io/enforce: baseline");
  // Restricted controls are not enforced here and the default profile has no hardening checks.
  EXPECT_TRUE(Of(a, "pss-run-as-non-root").empty());
}

TEST(PssPolicy, PinnedVersionIsNamedAndRelated) {
  Analysis a = AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: restricted\n"
                                     "    pod-security.kubernetes.io/enforce-version: v1.24\n") +
                               Deployment(kPrivileged),
                           DefaultProfile());
  auto f = Of(a, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0]->message.find("violates PodSecurity \"restricted:v1.24\""), std::string::npos) << f[0]->message;
  ASSERT_EQ(f[0]->related.size(), 2u);
  EXPECT_EQ(f[0]->related[1].loc.path, "metadata.labels[pod-security.kubernetes.io/enforce-version]");
}

TEST(PssPolicy, WarnAndAuditLabelsMakeWarnings) {
  for (const std::string mode : {"warn", "audit"}) {
    Analysis a = AnalyzeText(Namespace("    pod-security.kubernetes.io/" + mode + ": baseline\n") +
                                 Deployment(kPrivileged),
                             DefaultProfile());
    auto f = Of(a, "pss-privileged");
    ASSERT_EQ(f.size(), 1u) << mode;
    EXPECT_EQ(f[0]->severity, Severity::kWarning);
    EXPECT_EQ(f[0]->message,
              "would violate PodSecurity \"baseline:latest\": privileged (container \"web\" must not set "
              "securityContext.privileged=true); namespace \"shop\" has pod-security.kubernetes.io/" +
                  mode + ": baseline");
    ASSERT_EQ(f[0]->related.size(), 1u);
  }
}

TEST(PssPolicy, EnforceWinsOverWarnForTheSameControl) {
  Analysis a = AnalyzeText(Namespace("    pod-security.kubernetes.io/warn: restricted\n"
                                     "    pod-security.kubernetes.io/enforce: baseline\n") +
                               Deployment(kPrivileged),
                           DefaultProfile());
  auto f = Of(a, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kError);
  // The restricted-only controls come from the warn label.
  auto ape = Of(a, "pss-privilege-escalation");
  ASSERT_EQ(ape.size(), 1u);
  EXPECT_EQ(ape[0]->severity, Severity::kWarning);
}

TEST(PssPolicy, PssFlagAppliesOnlyWhereNoLabelSays) {
  AnalysisOptions o = DefaultProfile();
  o.pss_level = "baseline";
  // No Namespace in the input.
  Analysis f_analysis = AnalyzeText(Deployment(kPrivileged), o);
  auto f = Of(f_analysis, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_EQ(f[0]->message,
            "would violate PodSecurity \"baseline:latest\": privileged (container \"web\" must not set "
            "securityContext.privileged=true) (--pss baseline)");
  EXPECT_TRUE(f[0]->related.empty());
  // A Namespace without Pod Security labels: the flag still decides.
  std::string bare = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n";
  EXPECT_EQ(Of(AnalyzeText(bare + Deployment(kPrivileged), o), "pss-privileged").size(), 1u);
  // A Namespace that says privileged: the label decides, nothing is reported.
  std::string privileged = Namespace("    pod-security.kubernetes.io/enforce: privileged\n");
  EXPECT_TRUE(Of(AnalyzeText(privileged + Deployment(kPrivileged), o), "pss-privileged").empty());
  // Baseline does not check restricted controls.
  EXPECT_TRUE(Of(AnalyzeText(Deployment(""), o), "pss-run-as-non-root").empty());
  o.pss_level = "restricted";
  EXPECT_EQ(Of(AnalyzeText(Deployment(""), o), "pss-run-as-non-root").size(), 1u);
}

TEST(PssPolicy, WithoutPolicyTheControlsAreSecurityProfileHardening) {
  std::string text = Deployment(kPrivileged);
  EXPECT_TRUE(Of(AnalyzeText(text, DefaultProfile()), "pss-privileged").empty());
  Analysis f_analysis = AnalyzeText(text, SecurityProfile());
  auto f = Of(f_analysis, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_EQ(f[0]->message,
            "Pod Security baseline: privileged (container \"web\" must not set securityContext.privileged=true)");
  // Enabling the rule by id turns its hardening check on in the default profile.
  AnalysisOptions by_id = DefaultProfile();
  by_id.enable.insert("pss-privileged");
  EXPECT_EQ(Of(AnalyzeText(text, by_id), "pss-privileged").size(), 1u);
  // Restricted controls: a missing field is a note, an explicit bad value a warning.
  Analysis missing_analysis = AnalyzeText(Deployment(""), SecurityProfile());
  auto missing = Of(missing_analysis, "pss-privilege-escalation");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]->severity, Severity::kNote);
  Analysis explicit_true_analysis =
      AnalyzeText(Deployment("        securityContext: {allowPrivilegeEscalation: true}\n"), SecurityProfile());
  auto explicit_true = Of(explicit_true_analysis, "pss-privilege-escalation");
  ASSERT_EQ(explicit_true.size(), 1u);
  EXPECT_EQ(explicit_true[0]->severity, Severity::kWarning);
  // A container that meets restricted has no restricted finding.
  Analysis ok = AnalyzeText(Deployment(kRestrictedOk), SecurityProfile());
  for (const Finding& x : ok.findings) EXPECT_NE(std::string(x.rule).rfind("pss-", 0), 0u) << x.message;
}

TEST(PssPolicy, SeverityOverrideAppliesToEveryPolicy) {
  AnalysisOptions o = DefaultProfile();
  o.severity["pss-privileged"] = Severity::kNote;
  Analysis f_analysis =
      AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: baseline\n") + Deployment(kPrivileged), o);
  auto f = Of(f_analysis, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kNote);
}

TEST(PssPolicy, IgnoreAnnotationSilencesTheTemplate) {
  std::string text = Namespace("    pod-security.kubernetes.io/enforce: baseline\n") +
                     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n"
                     "  annotations: {kora.dev/ignore: pss-privileged}\n"
                     "spec:\n  containers:\n  - {name: c, image: busybox:1.36, securityContext: {privileged: true}}\n";
  EXPECT_TRUE(Of(AnalyzeText(text, DefaultProfile()), "pss-privileged").empty());
}

TEST(PssPolicy, PodsAreRejectedAndLivePodsAreOnlyWarned) {
  std::string ns = Namespace("    pod-security.kubernetes.io/enforce: baseline\n");
  std::string pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n%LIVE%"
                    "spec:\n  containers:\n  - {name: c, image: busybox:1.36, securityContext: {privileged: true}}\n";
  std::string authored = pod;
  authored.replace(authored.find("%LIVE%"), 6, "");
  Analysis f_analysis = AnalyzeText(ns + authored, DefaultProfile());
  auto f = Of(f_analysis, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kError);
  EXPECT_NE(f[0]->message.find("so the API server rejects the Pod"), std::string::npos) << f[0]->message;
  std::string live = pod;
  live.replace(live.find("%LIVE%"), 6, "  uid: 6f1c9a52-0b7e-4d8a-9f3e-2f1d7c1b9a10\n  resourceVersion: \"42\"\n");
  Analysis live_analysis = AnalyzeText(ns + live, DefaultProfile());
  f = Of(live_analysis, "pss-privileged");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kWarning);
  EXPECT_NE(f[0]->message.find("cannot be created again"), std::string::npos) << f[0]->message;
}

TEST(PssPolicy, InvalidEnforceLevelFailsClosedToRestricted) {
  Analysis a = AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: Restricted\n") + Deployment(""),
                           DefaultProfile());
  auto f = Of(a, "pss-run-as-non-root");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]->severity, Severity::kError);
  EXPECT_EQ(Of(a, "pss-namespace-label-invalid").size(), 1u);
  // An invalid warn level fails open: nothing is warned.
  Analysis w = AnalyzeText(Namespace("    pod-security.kubernetes.io/warn: strict\n") + Deployment(""),
                           DefaultProfile());
  EXPECT_TRUE(Of(w, "pss-run-as-non-root").empty());
}

TEST(PssVersions, ChecksAppearAtTheirPolicyVersion) {
  auto run = [](const std::string& version, const std::string& container, const std::string& rule) {
    std::string labels = "    pod-security.kubernetes.io/enforce: restricted\n";
    if (!version.empty()) labels += "    pod-security.kubernetes.io/enforce-version: " + version + "\n";
    return Of(AnalyzeText(Namespace(labels) + Deployment(container), DefaultProfile()), rule).size();
  };
  std::string root = "        securityContext: {runAsUser: 0, runAsNonRoot: true}\n";
  EXPECT_EQ(run("v1.22", root, "pss-run-as-user"), 0u);
  EXPECT_EQ(run("v1.23", root, "pss-run-as-user"), 1u);
  std::string probe = "        livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}\n";
  EXPECT_EQ(run("v1.33", probe, "pss-host-probes"), 0u);
  EXPECT_EQ(run("v1.34", probe, "pss-host-probes"), 1u);
  EXPECT_EQ(run("", probe, "pss-host-probes"), 1u);
  // Capabilities: drop ALL is required from v1.22; before, the baseline check runs.
  std::string caps = "        securityContext: {capabilities: {add: [SYS_ADMIN]}}\n";
  EXPECT_EQ(run("v1.21", caps, "pss-capabilities-restricted"), 0u);
  EXPECT_EQ(run("v1.21", caps, "pss-capabilities"), 1u);
  EXPECT_EQ(run("v1.22", caps, "pss-capabilities-restricted"), 2u);  // drop ALL and SYS_ADMIN
  EXPECT_EQ(run("v1.22", caps, "pss-capabilities"), 0u);
  // A version newer than kora knows is evaluated with the newest checks, and named as labelled.
  EXPECT_EQ(run("v1.99", probe, "pss-host-probes"), 1u);
  Analysis newer = AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: restricted\n"
                                         "    pod-security.kubernetes.io/enforce-version: v1.99\n") +
                                   Deployment(probe),
                               DefaultProfile());
  ASSERT_EQ(Of(newer, "pss-host-probes").size(), 1u);
  EXPECT_NE(Of(newer, "pss-host-probes")[0]->message.find("\"restricted:v1.99\""), std::string::npos);
}

TEST(PssVersions, SysctlSafeSetGrowsWithTheVersion) {
  auto count = [](const std::string& version) {
    std::string labels = "    pod-security.kubernetes.io/enforce: baseline\n"
                         "    pod-security.kubernetes.io/enforce-version: " + version + "\n";
    std::string pod = "      securityContext:\n        sysctls:\n"
                      "        - {name: net.ipv4.ip_local_reserved_ports, value: \"8080\"}\n"
                      "        - {name: net.ipv4.tcp_fin_timeout, value: \"30\"}\n"
                      "        - {name: net.ipv4.tcp_wmem, value: \"4096 16384 4194304\"}\n"
                      "        - {name: kernel.msgmax, value: \"65536\"}\n";
    return Of(AnalyzeText(Namespace(labels) + Deployment("", pod), DefaultProfile()), "pss-sysctls").size();
  };
  EXPECT_EQ(count("v1.26"), 4u);
  EXPECT_EQ(count("v1.27"), 3u);
  EXPECT_EQ(count("v1.29"), 2u);
  EXPECT_EQ(count("v1.32"), 1u);
  EXPECT_EQ(count("latest"), 1u);
}

TEST(PssVersions, KubeVersionBoundsLatest) {
  AnalysisOptions o = DefaultProfile();
  o.kube_version = "1.30";
  std::string probe = "        livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}\n";
  std::string text = Namespace("    pod-security.kubernetes.io/enforce: baseline\n") + Deployment(probe);
  EXPECT_TRUE(Of(AnalyzeText(text, o), "pss-host-probes").empty());
  o.kube_version = "1.34";
  EXPECT_EQ(Of(AnalyzeText(text, o), "pss-host-probes").size(), 1u);
}

TEST(PssOverrides, HostPathIsReportedOnceUnderEveryPolicy) {
  std::string pod = "      volumes: [{name: data, hostPath: {path: /srv}}]\n";
  auto rules = [&](const std::string& labels, AnalysisOptions o) {
    std::string text = (labels.empty() ? "" : Namespace(labels)) + Deployment(kRestrictedOk, pod);
    Analysis a = AnalyzeText(text, o);
    std::vector<std::pair<std::string, Severity>> out;
    for (const char* id : {"pss-host-path", "pss-volume-types"}) {
      for (const Finding* f : Of(a, id)) out.emplace_back(id, f->severity);
    }
    return out;
  };
  using V = std::vector<std::pair<std::string, Severity>>;
  // Restricted replaces the baseline hostPath check.
  EXPECT_EQ(rules("    pod-security.kubernetes.io/enforce: restricted\n", SecurityProfile()),
            (V{{"pss-volume-types", Severity::kError}}));
  // Baseline enforced, restricted warned: the stronger policy's control reports.
  EXPECT_EQ(rules("    pod-security.kubernetes.io/enforce: baseline\n"
                  "    pod-security.kubernetes.io/warn: restricted\n",
                  DefaultProfile()),
            (V{{"pss-host-path", Severity::kError}}));
  // Hardening: the baseline control reports it.
  EXPECT_EQ(rules("", SecurityProfile()), (V{{"pss-host-path", Severity::kWarning}}));
  // If the baseline rule is disabled, the restricted one still speaks.
  AnalysisOptions without = SecurityProfile();
  without.disable.insert("pss-host-path");
  EXPECT_EQ(rules("", without), (V{{"pss-volume-types", Severity::kNote}}));
}

TEST(PssOverrides, ExplicitUnconfinedSeccompOnce) {
  std::string c = "        securityContext: {seccompProfile: {type: Unconfined}}\n";
  Analysis enforced = AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: restricted\n") + Deployment(c),
                                  DefaultProfile());
  EXPECT_TRUE(Of(enforced, "pss-seccomp").empty());
  ASSERT_EQ(Of(enforced, "pss-seccomp-restricted").size(), 1u);
  EXPECT_NE(Of(enforced, "pss-seccomp-restricted")[0]->message.find(
                "seccompProfile (container \"web\" must not set securityContext.seccompProfile.type to "
                "\"Unconfined\")"),
            std::string::npos);
  Analysis hardening = AnalyzeText(Deployment(c), SecurityProfile());
  EXPECT_EQ(Of(hardening, "pss-seccomp").size(), 1u);
  EXPECT_TRUE(Of(hardening, "pss-seccomp-restricted").empty());
}

TEST(PssExemptions, UserNamespacePodsFrom135) {
  std::string userns = "      hostUsers: false\n";
  std::string c = "        securityContext: {runAsUser: 0, procMount: Unmasked}\n";
  auto run = [&](const std::string& labels, const std::string& rule) {
    return Of(AnalyzeText(Namespace(labels) + Deployment(c, userns), DefaultProfile()), rule).size();
  };
  std::string latest = "    pod-security.kubernetes.io/enforce: restricted\n";
  std::string v134 = latest + "    pod-security.kubernetes.io/enforce-version: v1.34\n";
  EXPECT_EQ(run(latest, "pss-run-as-user"), 0u);
  EXPECT_EQ(run(latest, "pss-run-as-non-root"), 0u);
  EXPECT_EQ(run(v134, "pss-run-as-user"), 1u);
  EXPECT_EQ(run(v134, "pss-run-as-non-root"), 1u);
  // procMount: baseline relaxes user-namespace pods from v1.35, restricted never does.
  EXPECT_EQ(run(latest, "pss-proc-mount"), 1u);
  EXPECT_EQ(run("    pod-security.kubernetes.io/enforce: baseline\n", "pss-proc-mount"), 0u);
  EXPECT_EQ(run("    pod-security.kubernetes.io/enforce: baseline\n"
                "    pod-security.kubernetes.io/enforce-version: v1.34\n",
                "pss-proc-mount"),
            1u);
}

TEST(PssExemptions, WindowsPodsFrom125) {
  std::string windows = "      os: {name: windows}\n";
  auto run = [&](const std::string& version, const std::string& rule) {
    std::string labels = "    pod-security.kubernetes.io/enforce: restricted\n"
                         "    pod-security.kubernetes.io/enforce-version: " + version + "\n";
    return Of(AnalyzeText(Namespace(labels) + Deployment("", windows), DefaultProfile()), rule).size();
  };
  for (const char* rule : {"pss-privilege-escalation", "pss-seccomp-restricted", "pss-capabilities-restricted"}) {
    EXPECT_EQ(run("v1.24", rule), 1u) << rule;
    EXPECT_EQ(run("v1.25", rule), 0u) << rule;
  }
  // runAsNonRoot has no Windows exemption.
  EXPECT_EQ(run("v1.25", "pss-run-as-non-root"), 1u);
}

TEST(PssControls, EveryContainerKindAndTemplateKindIsChecked) {
  std::string ns = Namespace("    pod-security.kubernetes.io/enforce: baseline\n");
  std::string cronjob =
      "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj, namespace: shop}\nspec:\n  schedule: \"@daily\"\n"
      "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
      "          initContainers: [{name: i, image: busybox:1.36, securityContext: {privileged: true}}]\n"
      "          containers: [{name: c, image: busybox:1.36}]\n"
      "          ephemeralContainers: [{name: e, image: busybox:1.36, securityContext: {privileged: true}}]\n";
  Analysis f_analysis = AnalyzeText(ns + cronjob, DefaultProfile());
  auto f = Of(f_analysis, "pss-privileged");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0]->container, "i");
  EXPECT_EQ(f[0]->loc.path, "spec.jobTemplate.spec.template.spec.initContainers[i].securityContext.privileged");
  EXPECT_NE(f[0]->message.find("its Jobs cannot create pods"), std::string::npos);
  EXPECT_EQ(f[1]->container, "e");
  std::string rollout =
      "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r, namespace: shop}\nspec:\n"
      "  selector: {matchLabels: {app: r}}\n  template:\n    metadata: {labels: {app: r}}\n    spec:\n"
      "      containers: [{name: c, image: busybox:1.36, securityContext: {privileged: true}}]\n";
  EXPECT_EQ(Of(AnalyzeText(ns + rollout, DefaultProfile()), "pss-privileged").size(), 1u);
}

TEST(PssControls, MessagesUseTheAdmissionsDetails) {
  std::string ns = Namespace("    pod-security.kubernetes.io/enforce: restricted\n");
  std::string pod =
      "      hostPID: true\n"
      "      securityContext:\n"
      "        seLinuxOptions: {type: spc_t, user: u}\n"
      "        sysctls: [{name: kernel.msgmax, value: \"1\"}]\n"
      "      volumes: [{name: shared, nfs: {server: s, path: /}}]\n";
  std::string c =
      "        ports: [{containerPort: 80, hostPort: 8080}]\n"
      "        securityContext:\n"
      "          appArmorProfile: {type: Unconfined}\n"
      "          procMount: Unmasked\n"
      "          capabilities: {add: [NET_ADMIN]}\n";
  Analysis a = AnalyzeText(ns + Deployment(c, pod), DefaultProfile());
  auto detail = [&](const char* rule) {
    auto f = Of(a, rule);
    if (f.size() != 1) return std::string("<") + std::to_string(f.size()) + " findings>";
    std::string m = f[0]->message;
    std::string prefix = "violates PodSecurity \"restricted:latest\": ";
    m = m.substr(prefix.size());
    return m.substr(0, m.find("; namespace"));
  };
  EXPECT_EQ(detail("pss-host-namespaces"), "host namespaces (hostPID=true)");
  EXPECT_EQ(detail("pss-selinux"), "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type \"spc_t\"; "
                                   "user may not be set)");
  EXPECT_EQ(detail("pss-sysctls"), "forbidden sysctls (kernel.msgmax)");
  EXPECT_EQ(detail("pss-volume-types"),
            "restricted volume types (volume \"shared\" uses restricted volume type \"nfs\")");
  EXPECT_EQ(detail("pss-host-ports"), "hostPort (container \"web\" uses hostPort 8080)");
  EXPECT_EQ(detail("pss-apparmor"),
            "forbidden AppArmor profile (container \"web\" must not set AppArmor profile type to \"Unconfined\")");
  EXPECT_EQ(detail("pss-proc-mount"),
            "procMount (container \"web\" must not set securityContext.procMount to \"Unmasked\")");
  auto caps = Of(a, "pss-capabilities-restricted");
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_NE(caps[0]->message.find("unrestricted capabilities (container \"web\" must set "
                                  "securityContext.capabilities.drop=[\"ALL\"])"),
            std::string::npos)
      << caps[0]->message;
  EXPECT_NE(caps[1]->message.find("unrestricted capabilities (container \"web\" must not include \"NET_ADMIN\" in "
                                  "securityContext.capabilities.add)"),
            std::string::npos)
      << caps[1]->message;
  EXPECT_TRUE(Of(a, "pss-capabilities").empty());
}

TEST(PssControls, AppArmorAnnotationKeepsTheAdmissionsQuoting) {
  std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  annotations:\n"
      "    container.apparmor.security.beta.kubernetes.io/c: unconfined\n"
      "spec:\n  containers: [{name: c, image: busybox:1.36}]\n";
  Analysis f_analysis =
      AnalyzeText(Namespace("    pod-security.kubernetes.io/enforce: baseline\n") + pod, DefaultProfile());
  auto f = Of(f_analysis, "pss-apparmor");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0]->message.find("forbidden AppArmor profile (annotation must not set AppArmor profile type to "
                               "\"container.apparmor.security.beta.kubernetes.io/c=\"unconfined\"\")"),
            std::string::npos)
      << f[0]->message;
  EXPECT_EQ(f[0]->container, "c");
}

TEST(PssLabels, VersionParsingFollowsTheAdmission) {
  EXPECT_TRUE(ParsePolicyVersion("latest").has_value());
  EXPECT_EQ(ParsePolicyVersion("v1.25")->minor, 25);
  EXPECT_EQ(ParsePolicyVersion("v1.0")->minor, 0);
  EXPECT_EQ(ParsePolicyVersion("v1.25")->Text(), "v1.25");
  for (const char* bad : {"1.25", "v1.025", "v2.0", "v1.", "v1.x", "Latest", "v1.25.0", ""}) {
    EXPECT_FALSE(ParsePolicyVersion(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParsePssLevel("baseline"), PssLevel::kBaseline);
  EXPECT_FALSE(ParsePssLevel("Baseline").has_value());
}

TEST(PssLabels, InvalidValuesAreErrorsUnknownKeysWarnings) {
  std::string text = Namespace("    pod-security.kubernetes.io/enforce: Baseline\n"
                               "    pod-security.kubernetes.io/audit-version: \"1.30\"\n"
                               "    pod-security.kubernetes.io/enforced: baseline\n"
                               "    pod-security.kubernetes.io/warn: restricted\n");
  Analysis f_analysis = AnalyzeText(text, DefaultProfile());
  auto f = Of(f_analysis, "pss-namespace-label-invalid");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0]->severity, Severity::kError);
  EXPECT_EQ(f[0]->message,
            "the API server rejects this Namespace: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid "
            "value: \"Baseline\": must be one of privileged, baseline, restricted");
  EXPECT_EQ(f[1]->severity, Severity::kError);
  EXPECT_NE(f[1]->message.find("must be \"latest\" or \"v1.x\""), std::string::npos);
  EXPECT_EQ(f[2]->severity, Severity::kWarning);
}

TEST(PssRules, AllAreSecurityErrorsInTheDefaultProfile) {
  size_t n = 0;
  for (const auto& r : AllRules()) {
    const RuleInfo& i = r->info();
    if (i.id.rfind("pss-", 0) != 0) continue;
    ++n;
    EXPECT_EQ(i.severity, Severity::kError) << i.id;
    EXPECT_EQ(i.category, "security") << i.id;
    EXPECT_EQ(i.profile, Profile::kDefault) << i.id;
  }
  EXPECT_EQ(n, 19u);
}

}  // namespace
}  // namespace kora::test
