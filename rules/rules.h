// Factories for every rule; the registry (registry.cc) lists them in order.
#pragma once

#include <memory>

#include "analyzer/rule.h"

namespace kora {

std::unique_ptr<Rule> MakeContainerResourcesMissing();
std::unique_ptr<Rule> MakeDuplicateKey();
std::unique_ptr<Rule> MakeDuplicateObject();
std::unique_ptr<Rule> MakeImageLatestTag();
std::unique_ptr<Rule> MakeImagePullPolicyNever();
std::unique_ptr<Rule> MakeInvalidObject();
std::unique_ptr<Rule> MakeLoadError();
std::unique_ptr<Rule> MakeReadinessProbeMissing();
std::unique_ptr<Rule> MakeWorkloadSelectorMismatch();

}  // namespace kora
