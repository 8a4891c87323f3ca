// Metadata policies: labels and annotations an organisation requires
// (parameters), and objects placed in the default namespace.
#include <re2/re2.h>

#include <memory>

#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// One required key: "owner" (any value) or "owner=<RE2 pattern>" (the whole
// value must match).
struct Requirement {
  std::string key;
  std::string pattern;
  std::unique_ptr<RE2> re;
};

std::vector<Requirement> ReadRequirements(const std::vector<std::string>& items) {
  std::vector<Requirement> out;
  for (const std::string& item : items) {
    Requirement r;
    size_t eq = item.find('=');
    r.key = item.substr(0, eq);
    if (eq != std::string::npos) {
      r.pattern = item.substr(eq + 1);
      r.re = std::make_unique<RE2>(r.pattern, RE2::Quiet);
    }
    if (!r.key.empty()) out.push_back(std::move(r));
  }
  return out;
}

bool KindSelected(const std::vector<std::string>& kinds, std::string_view kind) {
  if (kinds.empty()) return true;
  for (const std::string& k : kinds) {
    if (k == kind) return true;
  }
  return false;
}

// Shared by the label and annotation rules: `field` is "labels" or "annotations".
void CheckRequired(const Context& ctx, Reporter& out, std::string_view rule, std::string_view param,
                   std::string_view field, std::string_view word) {
  std::vector<Requirement> required = ReadRequirements(ctx.options().Param(rule, param));
  if (required.empty()) return;
  const std::vector<std::string>& kinds = ctx.options().Param(rule, "kinds");
  for (const Object& o : ctx.objects().all()) {
    if (o.live() || ctx.Shadowed(o.id) || ctx.ControllerOf(o) || !KindSelected(kinds, o.kind)) continue;
    Node map = o.Metadata()[field];
    for (const Requirement& r : required) {
      Node value = map[r.key];
      std::string path = "metadata." + std::string(field) + "." + r.key;
      if (!value) {
        Finding& f = out.Report(o, map ? map : o.Metadata(), map ? "metadata." + std::string(field) : "metadata",
                                o.Ref() + " has no " + std::string(word) + " " + Quoted(r.key));
        f.fix = "Add metadata." + std::string(field) + "." + r.key + (r.pattern.empty() ? "" : " matching " + r.pattern) +
                " to " + o.Ref() + ".";
        continue;
      }
      if (!r.re) continue;
      if (!r.re->ok()) {
        out.Report(o, value, path,
                   "the required pattern for " + std::string(word) + " " + Quoted(r.key) +
                       " is not a valid RE2 expression: " + r.re->error());
        continue;
      }
      std::string v(value.Str());
      if (RE2::FullMatch(v, *r.re)) continue;
      Finding& f = out.Report(o, value, path,
                              o.Ref() + " " + std::string(word) + " " + Quoted(r.key) + " is " + Quoted(v) +
                                  ", which does not match the required pattern " + r.pattern);
      f.fix = "Set " + path + " to a value that matches " + r.pattern + " (the whole value must match).";
    }
  }
}

class RequiredLabelMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "required-label-missing",
        .title = "Object lacks a label the configuration requires",
        .severity = Severity::kNote,
        .category = "metadata",
        .help = "Teams rely on labels to find who owns an object, what it belongs to and what it costs "
                "(`owner`, `team`, `app.kubernetes.io/part-of`). The rule does nothing until the parameter "
                "`labels` lists the required keys, each `key` or `key=<RE2 pattern>` (the whole value must "
                "match); the parameter `kinds` limits it to some kinds.",
        .fix = "Add the label to metadata.labels, e.g. `owner: team-payments`.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    CheckRequired(ctx, out, info().id, "labels", "labels", "label");
  }
};

class RequiredAnnotationMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "required-annotation-missing",
        .title = "Object lacks an annotation the configuration requires",
        .severity = Severity::kNote,
        .category = "metadata",
        .help = "Annotations carry what tools and people need to know about an object: a contact "
                "(`owner-email`), a runbook link, a change ticket. The rule does nothing until the parameter "
                "`annotations` lists the required keys, each `key` or `key=<RE2 pattern>` (the whole value must "
                "match); the parameter `kinds` limits it to some kinds.",
        .fix = "Add the annotation to metadata.annotations, e.g. `owner-email: payments@example.com`.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    CheckRequired(ctx, out, info().id, "annotations", "annotations", "annotation");
  }
};

class DefaultNamespace : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "default-namespace",
        .title = "Object placed in the default namespace",
        .severity = Severity::kNote,
        .category = "metadata",
        .help = "The `default` namespace is where everything lands that names no namespace. Objects written "
                "for it share one space with whatever else lands there: names collide, RBAC and NetworkPolicies "
                "cannot separate them, and quotas cannot be set per application. Only an explicit "
                "`metadata.namespace: default` is reported; an object without a namespace goes wherever "
                "`kubectl -n` or the Helm release namespace says.",
        .fix = "Put the application in its own namespace: set metadata.namespace (or remove it and deploy with "
               "`kubectl -n <namespace>` / `helm -n <namespace>`).",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const Object& o : ctx.objects().all()) {
      if (o.live() || ctx.Shadowed(o.id) || o.namespace_defaulted || o.ns != "default") continue;
      Node ns = o.Metadata()["namespace"];
      if (!ns) continue;
      out.Report(o, ns, "metadata.namespace", o.Ref() + " is placed in the default namespace");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequiredLabelMissing() { return std::make_unique<RequiredLabelMissing>(); }
std::unique_ptr<Rule> MakeRequiredAnnotationMissing() { return std::make_unique<RequiredAnnotationMissing>(); }
std::unique_ptr<Rule> MakeDefaultNamespace() { return std::make_unique<DefaultNamespace>(); }

}  // namespace kora
