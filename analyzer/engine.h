// Running rules: one read-only Context for all of them, a Reporter that
// applies suppressions and severity overrides, and the ordered result.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "analyzer/evidence.h"
#include "analyzer/finding.h"
#include "analyzer/graph.h"
#include "analyzer/load.h"
#include "analyzer/rule.h"
#include "analyzer/workload.h"

namespace kora {

struct AnalysisOptions {
  Profile profile = Profile::kDefault;
  std::set<std::string, std::less<>> enable;   // rule ids turned on whatever the profile
  std::set<std::string, std::less<>> disable;  // rule ids turned off
  std::map<std::string, Severity, std::less<>> severity;  // per-rule severity overrides
  bool complete = false;  // the input is a whole cluster or namespace dump
  std::vector<ObjectKey> assume;  // objects assumed to exist outside the input
  // Target Kubernetes minor version ("1.31"); empty means the newest kora knows.
  std::string kube_version;
  // Pod Security Standards level to check when no Namespace label says
  // (--pss baseline|restricted); empty for none.
  std::string pss_level;
  // Rule parameters from .kora.yaml, by rule id then parameter name, e.g.
  // params["image-registry-not-allowed"]["allowed"] = {"ghcr.io/acme"}.
  std::map<std::string, std::map<std::string, std::vector<std::string>>, std::less<>> params;
  // Evidence: the "now" durations are measured from (RFC 3339); empty means
  // the newest timestamp in the evidence.
  std::string now;
  // Threads the rules run on (--jobs). The findings do not depend on it.
  unsigned jobs = 1;

  // A rule's parameter values (empty if unset).
  const std::vector<std::string>& Param(std::string_view rule, std::string_view name) const;
};

class Context {
 public:
  Context(const LoadResult& load, const AnalysisOptions& options);
  const ObjectSet& objects() const { return *load_.objects; }
  const SourceManager& sources() const { return *load_.sources; }
  const std::vector<LoadProblem>& problems() const { return load_.problems; }
  const LoadStats& stats() const { return load_.stats; }
  const std::vector<PodTemplate>& pod_templates() const { return templates_; }
  // Templates to lint as configuration: every one except those of objects a
  // controller in the input created (a Deployment's ReplicaSets and Pods),
  // whose fix belongs on the controller.
  const std::vector<const PodTemplate*>& authored_templates() const { return authored_; }
  // The controller named by obj's ownerReferences, if it is in the input.
  const Object* ControllerOf(const Object& obj) const;
  const Graph& graph() const { return *graph_; }
  const Evidence& evidence() const { return *evidence_; }
  // A live copy of an object whose authored manifest is also in the input:
  // configuration rules check the manifest, where the fix goes.
  bool Shadowed(ObjectId id) const { return shadowed_[id]; }
  const AnalysisOptions& options() const { return options_; }
  // Data derived from the input that several rules read (every quantity
  // field, parsed): made by the first rule that asks, then kept for the run.
  // One value per type. Rules may run on several threads: the first to ask
  // makes it, the others wait.
  template <typename T, typename Make>
  const T& Shared(Make make) const {
    std::lock_guard<std::recursive_mutex> lock(shared_mu_);
    auto it = shared_.find(std::type_index(typeid(T)));
    if (it == shared_.end()) {
      it = shared_.emplace(std::type_index(typeid(T)), std::make_shared<const T>(make())).first;
    }
    return *static_cast<const T*>(it->second.get());
  }

 private:
  const LoadResult& load_;
  const AnalysisOptions& options_;
  std::vector<PodTemplate> templates_;
  std::vector<const PodTemplate*> authored_;
  std::unique_ptr<Graph> graph_;
  std::unique_ptr<Evidence> evidence_;
  std::vector<bool> shadowed_;
  mutable std::recursive_mutex shared_mu_;
  mutable std::unordered_map<std::type_index, std::shared_ptr<const void>> shared_;
};

class Reporter {
 public:
  Reporter(const Context& ctx, std::vector<Finding>& out) : ctx_(ctx), out_(out) {}
  void set_rule(const Rule* rule, Severity severity) {
    rule_ = rule;
    severity_ = severity;
  }
  // A finding on the field `at` of object obj; path names that field.
  Finding& Report(const Object& obj, Node at, std::string path, std::string message);
  // The same, for a container of a pod template.
  Finding& Report(const PodTemplate& t, const ContainerRef& c, Node at, std::string_view field,
                  std::string message);
  // A finding at a location already computed (a graph reference's field).
  Finding& ReportAt(const Object& obj, const Location& loc, std::string message);
  // Whether Report returned the placeholder for a suppressed finding.
  bool Discarded(const Finding& f) const;
  // A finding about a file rather than an object (load errors).
  Finding& ReportFile(FileId file, Span span, std::string message);
  // Adds the other end of a cross-resource finding.
  static void Relate(Finding& f, const Object& obj, Node at, std::string path, std::string message);
  static void RelateAt(Finding& f, const Location& loc, std::string message);
  // For rules that read findings: changes `earlier`, one of the findings
  // CheckFindings was given, once the pass is over. A roll-up whose symptom
  // another diagnosis already explains (an Application Degraded because its
  // pods cannot pull) folds into that diagnosis instead of repeating it, so
  // one root cause stays one finding. Nothing changes when obj, the object
  // the roll-up is about, suppresses the rule.
  void Amend(const Object& obj, const Finding& earlier, std::function<void(Finding&)> change);
  // The engine's side: the findings CheckFindings is given, and the end of
  // the pass, which applies the amendments to them (the same vector).
  void BeginPass(const std::vector<Finding>* earlier);
  void EndPass(std::vector<Finding>& earlier);

 private:
  bool Suppressed(const Object& obj) const;
  const Context& ctx_;
  std::vector<Finding>& out_;
  const std::vector<Finding>* earlier_ = nullptr;
  std::vector<std::pair<size_t, std::function<void(Finding&)>>> amendments_;
  const Rule* rule_ = nullptr;
  Severity severity_ = Severity::kWarning;
  Finding discard_;
};

// Whether the options enable a rule.
bool RuleEnabled(const Rule& rule, const AnalysisOptions& options);
Severity EffectiveSeverity(const Rule& rule, const AnalysisOptions& options);

// Runs every enabled rule and returns the findings in report order.
std::vector<Finding> RunRules(const Context& ctx);

// The ids in `kora.dev/ignore` (comma-separated, or "all").
bool IgnoreAnnotationCovers(std::string_view value, std::string_view rule);

}  // namespace kora
