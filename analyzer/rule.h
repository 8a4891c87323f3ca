// A rule is its metadata next to its logic. Every rule gets the same
// read-only Context and reports through a Reporter.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/finding.h"

namespace kora {

class Context;

// Profiles nest: default < security < strict < all. A rule belongs to the
// smallest profile that enables it.
enum class Profile : uint8_t { kDefault = 0, kSecurity = 1, kStrict = 2, kAll = 3 };
std::string_view ProfileName(Profile p);
std::optional<Profile> ParseProfile(std::string_view s);
// "default,security,strict,all" for a rule first enabled by p.
std::string ProfilesIncluding(Profile p);

struct RuleInfo {
  std::string_view id;        // kebab-case, stable, names the problem
  std::string_view title;     // one line
  Severity severity;          // default severity
  std::string_view category;  // e.g. input, reliability, security, images, references, diagnosis
  std::string_view help;      // why it matters (Markdown allowed)
  std::string_view fix;       // what to change, with a command or patch where one exists
  Profile profile = Profile::kDefault;
};

class Reporter;

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  virtual void Check(const Context& ctx, Reporter& out) const = 0;
  // Rules that summarise other rules' findings (an Argo CD Application whose
  // objects have errors) run in a later pass and see the findings of every
  // earlier pass.
  virtual bool NeedsFindings() const { return false; }
  // The pass such a rule runs in: 1 sees the other rules' findings; 2, for
  // roll-ups of roll-ups (an Argo CD Application over its Rollouts), also
  // sees pass 1's.
  virtual int FindingsPass() const { return 1; }
  virtual void CheckFindings(const Context& ctx, const std::vector<Finding>& findings, Reporter& out) const {}
};

// The registry: every rule, sorted by id. Defined in rules/registry.cc, the
// single source for `kora rules`, the docs and SARIF rule metadata.
const std::vector<std::unique_ptr<Rule>>& AllRules();
const Rule* FindRule(std::string_view id);

}  // namespace kora
