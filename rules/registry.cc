// The rule registry: one explicit list, sorted by id. `kora rules`, the docs
// check and SARIF rule metadata all read it from here.
#include <algorithm>

#include "analyzer/rule.h"
#include "rules/rules.h"

namespace kora {

const std::vector<std::unique_ptr<Rule>>& AllRules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    r.push_back(MakeAnalysisRunFailed());
    r.push_back(MakeApiVersionDeprecated());
    r.push_back(MakeApiVersionRemoved());
    r.push_back(MakeApplicationDegraded());
    r.push_back(MakeApplicationOutOfSync());
    r.push_back(MakeApplicationResourceError());
    r.push_back(MakeConfigKeyMissing());
    r.push_back(MakeConfigMapMissing());
    r.push_back(MakeContainerConfigError());
    r.push_back(MakeContainerResourcesMissing());
    r.push_back(MakeControllerCreateFailed());
    r.push_back(MakeCrashLoop());
    r.push_back(MakeCronJobConcurrencyAllowed());
    r.push_back(MakeCronJobDeadlineMissing());
    r.push_back(MakeDefaultNamespace());
    r.push_back(MakeDefaultServiceAccount());
    r.push_back(MakeDeploymentReplicasLow());
    r.push_back(MakeDuplicateContainerPort());
    r.push_back(MakeDuplicateEnvName());
    r.push_back(MakeDuplicateKey());
    r.push_back(MakeDuplicateMountPath());
    r.push_back(MakeDuplicateName());
    r.push_back(MakeDuplicateObject());
    r.push_back(MakeEnvSecretLiteral());
    r.push_back(MakeHostPathSensitive());
    r.push_back(MakeHostPathWritable());
    r.push_back(MakeHpaMinReplicasLow());
    r.push_back(MakeHpaReplicasInvalid());
    r.push_back(MakeHpaTargetMissing());
    r.push_back(MakeHpaTargetSetsReplicas());
    r.push_back(MakeImageDigestMissing());
    r.push_back(MakeImageLatestTag());
    r.push_back(MakeImagePullFailure());
    r.push_back(MakeImagePullPolicyNever());
    r.push_back(MakeImagePullPolicyNotAlways());
    r.push_back(MakeImagePullSecretMissing());
    r.push_back(MakeImagePullSecretRegistryMismatch());
    r.push_back(MakeImageRegistryNotAllowed());
    r.push_back(MakeIngressBackendPortMissing());
    r.push_back(MakeIngressBackendServiceMissing());
    r.push_back(MakeIngressClassMissing());
    r.push_back(MakeIngressTlsSecretMissing());
    r.push_back(MakeInvalidAnnotation());
    r.push_back(MakeInvalidLabel());
    r.push_back(MakeInvalidName());
    r.push_back(MakeInvalidObject());
    r.push_back(MakeJobRestartPolicyInvalid());
    r.push_back(MakeJobTtlMissing());
    r.push_back(MakeLivenessProbeMissing());
    r.push_back(MakeLivenessSameAsReadiness());
    r.push_back(MakeLoadError());
    r.push_back(MakeNetRawNotDropped());
    r.push_back(MakeNetworkPolicyMissing());
    r.push_back(MakeNetworkPolicyPeerSelectsNothing());
    r.push_back(MakeNetworkPolicySelectsNothing());
    r.push_back(MakePdbBlocksEviction());
    r.push_back(MakePdbMissing());
    r.push_back(MakePdbSelectsNothing());
    r.push_back(MakePodUnschedulable());
    r.push_back(MakeProbePortMissing());
    r.push_back(MakeProbePortUndeclared());
    r.push_back(MakePssAppArmor());
    r.push_back(MakePssCapabilities());
    r.push_back(MakePssCapabilitiesRestricted());
    r.push_back(MakePssHostNamespaces());
    r.push_back(MakePssHostPath());
    r.push_back(MakePssHostPorts());
    r.push_back(MakePssHostProbes());
    r.push_back(MakePssHostProcess());
    r.push_back(MakePssNamespaceLabelInvalid());
    r.push_back(MakePssPrivilegeEscalation());
    r.push_back(MakePssPrivileged());
    r.push_back(MakePssProcMount());
    r.push_back(MakePssRunAsNonRoot());
    r.push_back(MakePssRunAsUser());
    r.push_back(MakePssSeccomp());
    r.push_back(MakePssSeccompRestricted());
    r.push_back(MakePssSeLinux());
    r.push_back(MakePssSysctls());
    r.push_back(MakePssVolumeTypes());
    r.push_back(MakePvcMissing());
    r.push_back(MakePvcPending());
    r.push_back(MakeQuantityInvalid());
    r.push_back(MakeQuantitySuspiciousUnit());
    r.push_back(MakeRbacClusterAdmin());
    r.push_back(MakeRbacPodExec());
    r.push_back(MakeRbacPrivilegeEscalation());
    r.push_back(MakeRbacRoleMissing());
    r.push_back(MakeRbacSecretsRead());
    r.push_back(MakeRbacSubjectMissing());
    r.push_back(MakeRbacWildcard());
    r.push_back(MakeRbacWorkloadCreate());
    r.push_back(MakeReadinessProbeMissing());
    r.push_back(MakeReplicasNotSpread());
    r.push_back(MakeRequiredAnnotationMissing());
    r.push_back(MakeRequiredLabelMissing());
    r.push_back(MakeResourceRequestExceedsLimit());
    r.push_back(MakeRolloutAnalysisTemplateMissing());
    r.push_back(MakeRolloutCanaryStableSameService());
    r.push_back(MakeRolloutDegraded());
    r.push_back(MakeRolloutIngressMissing());
    r.push_back(MakeRolloutServiceMissing());
    r.push_back(MakeRolloutServiceSelectorMismatch());
    r.push_back(MakeRootFilesystemWritable());
    r.push_back(MakeRunAsLowId());
    r.push_back(MakeSecretMissing());
    r.push_back(MakeServiceAccountFieldDeprecated());
    r.push_back(MakeServiceAccountMissing());
    r.push_back(MakeServiceAccountTokenAutomount());
    r.push_back(MakeServiceExposed());
    r.push_back(MakeServiceNoReadyEndpoints());
    r.push_back(MakeServiceSelectsMultipleWorkloads());
    r.push_back(MakeServiceSelectsNothing());
    r.push_back(MakeServiceTargetPortMismatch());
    r.push_back(MakeSshPortExposed());
    r.push_back(MakeStatefulSetServiceMissing());
    r.push_back(MakeStatefulSetServiceNotHeadless());
    r.push_back(MakeStorageClassMissing());
    r.push_back(MakeTopologySpreadIneffective());
    r.push_back(MakeTopologySpreadInvalid());
    r.push_back(MakeUpdateStrategyNotRolling());
    r.push_back(MakeVolumeMountMissingVolume());
    r.push_back(MakeWorkloadSelectorMismatch());
    r.push_back(MakeWorkloadSelectorMissing());
    return r;
  }();
  return rules;
}

const Rule* FindRule(std::string_view id) {
  const auto& rules = AllRules();
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const std::unique_ptr<Rule>& r, std::string_view v) { return r->info().id < v; });
  return it != rules.end() && (*it)->info().id == id ? it->get() : nullptr;
}

}  // namespace kora
