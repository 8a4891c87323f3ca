// The rule registry: one explicit list, sorted by id. `kora rules`, the docs
// check and SARIF rule metadata all read it from here.
#include <algorithm>

#include "analyzer/rule.h"
#include "rules/rules.h"

namespace kora {

const std::vector<std::unique_ptr<Rule>>& AllRules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    r.push_back(MakeContainerResourcesMissing());
    r.push_back(MakeDuplicateKey());
    r.push_back(MakeDuplicateObject());
    r.push_back(MakeImageLatestTag());
    r.push_back(MakeImagePullPolicyNever());
    r.push_back(MakeInvalidObject());
    r.push_back(MakeLoadError());
    r.push_back(MakeReadinessProbeMissing());
    r.push_back(MakeWorkloadSelectorMismatch());
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
