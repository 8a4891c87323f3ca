// Factories for every rule; the registry (registry.cc) lists them in order.
#pragma once

#include <memory>

#include "analyzer/rule.h"

namespace kora {

std::unique_ptr<Rule> MakeApiVersionDeprecated();
std::unique_ptr<Rule> MakeApiVersionRemoved();
std::unique_ptr<Rule> MakeApplicationResourceError();
std::unique_ptr<Rule> MakeConfigKeyMissing();
std::unique_ptr<Rule> MakeConfigMapMissing();
std::unique_ptr<Rule> MakeContainerResourcesMissing();
std::unique_ptr<Rule> MakeCronJobConcurrencyAllowed();
std::unique_ptr<Rule> MakeCronJobDeadlineMissing();
std::unique_ptr<Rule> MakeDefaultNamespace();
std::unique_ptr<Rule> MakeDeploymentReplicasLow();
std::unique_ptr<Rule> MakeDuplicateContainerPort();
std::unique_ptr<Rule> MakeDuplicateEnvName();
std::unique_ptr<Rule> MakeDuplicateKey();
std::unique_ptr<Rule> MakeDuplicateMountPath();
std::unique_ptr<Rule> MakeDuplicateName();
std::unique_ptr<Rule> MakeDuplicateObject();
std::unique_ptr<Rule> MakeHpaMinReplicasLow();
std::unique_ptr<Rule> MakeHpaReplicasInvalid();
std::unique_ptr<Rule> MakeHpaTargetMissing();
std::unique_ptr<Rule> MakeHpaTargetSetsReplicas();
std::unique_ptr<Rule> MakeImageDigestMissing();
std::unique_ptr<Rule> MakeImageLatestTag();
std::unique_ptr<Rule> MakeImagePullPolicyNever();
std::unique_ptr<Rule> MakeImagePullPolicyNotAlways();
std::unique_ptr<Rule> MakeImagePullSecretMissing();
std::unique_ptr<Rule> MakeImagePullSecretRegistryMismatch();
std::unique_ptr<Rule> MakeImageRegistryNotAllowed();
std::unique_ptr<Rule> MakeIngressBackendPortMissing();
std::unique_ptr<Rule> MakeIngressBackendServiceMissing();
std::unique_ptr<Rule> MakeIngressClassMissing();
std::unique_ptr<Rule> MakeIngressTlsSecretMissing();
std::unique_ptr<Rule> MakeInvalidAnnotation();
std::unique_ptr<Rule> MakeInvalidLabel();
std::unique_ptr<Rule> MakeInvalidName();
std::unique_ptr<Rule> MakeInvalidObject();
std::unique_ptr<Rule> MakeJobRestartPolicyInvalid();
std::unique_ptr<Rule> MakeJobTtlMissing();
std::unique_ptr<Rule> MakeLivenessProbeMissing();
std::unique_ptr<Rule> MakeLivenessSameAsReadiness();
std::unique_ptr<Rule> MakeLoadError();
std::unique_ptr<Rule> MakeNetworkPolicySelectsNothing();
std::unique_ptr<Rule> MakePdbBlocksEviction();
std::unique_ptr<Rule> MakePdbMissing();
std::unique_ptr<Rule> MakePdbSelectsNothing();
std::unique_ptr<Rule> MakeProbePortMissing();
std::unique_ptr<Rule> MakeProbePortUndeclared();
std::unique_ptr<Rule> MakePvcMissing();
std::unique_ptr<Rule> MakeQuantityInvalid();
std::unique_ptr<Rule> MakeQuantitySuspiciousUnit();
std::unique_ptr<Rule> MakeReadinessProbeMissing();
std::unique_ptr<Rule> MakeReplicasNotSpread();
std::unique_ptr<Rule> MakeRequiredAnnotationMissing();
std::unique_ptr<Rule> MakeRequiredLabelMissing();
std::unique_ptr<Rule> MakeResourceRequestExceedsLimit();
std::unique_ptr<Rule> MakeRolloutAnalysisTemplateMissing();
std::unique_ptr<Rule> MakeRolloutCanaryStableSameService();
std::unique_ptr<Rule> MakeRolloutIngressMissing();
std::unique_ptr<Rule> MakeRolloutServiceMissing();
std::unique_ptr<Rule> MakeRolloutServiceSelectorMismatch();
std::unique_ptr<Rule> MakeSecretMissing();
std::unique_ptr<Rule> MakeServiceAccountMissing();
std::unique_ptr<Rule> MakeServiceSelectsMultipleWorkloads();
std::unique_ptr<Rule> MakeServiceSelectsNothing();
std::unique_ptr<Rule> MakeServiceTargetPortMismatch();
std::unique_ptr<Rule> MakeStatefulSetServiceMissing();
std::unique_ptr<Rule> MakeStatefulSetServiceNotHeadless();
std::unique_ptr<Rule> MakeStorageClassMissing();
std::unique_ptr<Rule> MakeTopologySpreadIneffective();
std::unique_ptr<Rule> MakeTopologySpreadInvalid();
std::unique_ptr<Rule> MakeUpdateStrategyNotRolling();
std::unique_ptr<Rule> MakeVolumeMountMissingVolume();
std::unique_ptr<Rule> MakeWorkloadSelectorMismatch();
std::unique_ptr<Rule> MakeWorkloadSelectorMissing();

}  // namespace kora
