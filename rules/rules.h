// Factories for every rule; the registry (registry.cc) lists them in order.
#pragma once

#include <memory>

#include "analyzer/rule.h"

namespace kora {

std::unique_ptr<Rule> MakeApplicationResourceError();
std::unique_ptr<Rule> MakeConfigKeyMissing();
std::unique_ptr<Rule> MakeConfigMapMissing();
std::unique_ptr<Rule> MakeContainerResourcesMissing();
std::unique_ptr<Rule> MakeDefaultServiceAccount();
std::unique_ptr<Rule> MakeDuplicateKey();
std::unique_ptr<Rule> MakeDuplicateObject();
std::unique_ptr<Rule> MakeEnvSecretLiteral();
std::unique_ptr<Rule> MakeHostPathSensitive();
std::unique_ptr<Rule> MakeHostPathWritable();
std::unique_ptr<Rule> MakeHpaTargetMissing();
std::unique_ptr<Rule> MakeHpaTargetSetsReplicas();
std::unique_ptr<Rule> MakeImageLatestTag();
std::unique_ptr<Rule> MakeImagePullPolicyNever();
std::unique_ptr<Rule> MakeImagePullSecretMissing();
std::unique_ptr<Rule> MakeImagePullSecretRegistryMismatch();
std::unique_ptr<Rule> MakeIngressBackendPortMissing();
std::unique_ptr<Rule> MakeIngressBackendServiceMissing();
std::unique_ptr<Rule> MakeIngressClassMissing();
std::unique_ptr<Rule> MakeIngressTlsSecretMissing();
std::unique_ptr<Rule> MakeInvalidObject();
std::unique_ptr<Rule> MakeLoadError();
std::unique_ptr<Rule> MakeNetRawNotDropped();
std::unique_ptr<Rule> MakeNetworkPolicyMissing();
std::unique_ptr<Rule> MakeNetworkPolicyPeerSelectsNothing();
std::unique_ptr<Rule> MakeNetworkPolicySelectsNothing();
std::unique_ptr<Rule> MakePdbSelectsNothing();
std::unique_ptr<Rule> MakePssAppArmor();
std::unique_ptr<Rule> MakePssCapabilities();
std::unique_ptr<Rule> MakePssCapabilitiesRestricted();
std::unique_ptr<Rule> MakePssHostNamespaces();
std::unique_ptr<Rule> MakePssHostPath();
std::unique_ptr<Rule> MakePssHostPorts();
std::unique_ptr<Rule> MakePssHostProbes();
std::unique_ptr<Rule> MakePssHostProcess();
std::unique_ptr<Rule> MakePssNamespaceLabelInvalid();
std::unique_ptr<Rule> MakePssPrivilegeEscalation();
std::unique_ptr<Rule> MakePssPrivileged();
std::unique_ptr<Rule> MakePssProcMount();
std::unique_ptr<Rule> MakePssRunAsNonRoot();
std::unique_ptr<Rule> MakePssRunAsUser();
std::unique_ptr<Rule> MakePssSeccomp();
std::unique_ptr<Rule> MakePssSeccompRestricted();
std::unique_ptr<Rule> MakePssSeLinux();
std::unique_ptr<Rule> MakePssSysctls();
std::unique_ptr<Rule> MakePssVolumeTypes();
std::unique_ptr<Rule> MakePvcMissing();
std::unique_ptr<Rule> MakeRbacClusterAdmin();
std::unique_ptr<Rule> MakeRbacPodExec();
std::unique_ptr<Rule> MakeRbacPrivilegeEscalation();
std::unique_ptr<Rule> MakeRbacRoleMissing();
std::unique_ptr<Rule> MakeRbacSecretsRead();
std::unique_ptr<Rule> MakeRbacSubjectMissing();
std::unique_ptr<Rule> MakeRbacWildcard();
std::unique_ptr<Rule> MakeRbacWorkloadCreate();
std::unique_ptr<Rule> MakeReadinessProbeMissing();
std::unique_ptr<Rule> MakeRolloutAnalysisTemplateMissing();
std::unique_ptr<Rule> MakeRolloutCanaryStableSameService();
std::unique_ptr<Rule> MakeRolloutIngressMissing();
std::unique_ptr<Rule> MakeRolloutServiceMissing();
std::unique_ptr<Rule> MakeRolloutServiceSelectorMismatch();
std::unique_ptr<Rule> MakeRootFilesystemWritable();
std::unique_ptr<Rule> MakeRunAsLowId();
std::unique_ptr<Rule> MakeSecretMissing();
std::unique_ptr<Rule> MakeServiceAccountFieldDeprecated();
std::unique_ptr<Rule> MakeServiceAccountMissing();
std::unique_ptr<Rule> MakeServiceAccountTokenAutomount();
std::unique_ptr<Rule> MakeServiceExposed();
std::unique_ptr<Rule> MakeServiceSelectsMultipleWorkloads();
std::unique_ptr<Rule> MakeServiceSelectsNothing();
std::unique_ptr<Rule> MakeServiceTargetPortMismatch();
std::unique_ptr<Rule> MakeSshPortExposed();
std::unique_ptr<Rule> MakeStatefulSetServiceMissing();
std::unique_ptr<Rule> MakeStatefulSetServiceNotHeadless();
std::unique_ptr<Rule> MakeStorageClassMissing();
std::unique_ptr<Rule> MakeWorkloadSelectorMismatch();

}  // namespace kora
