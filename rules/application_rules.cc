// Argo CD Applications: an error in any object an Application manages is the
// Application's problem too, reported with the chain down to the object.
#include <map>
#include <set>

#include "analyzer/engine.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

class ApplicationResourceError : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "application-resource-error",
        .title = "Argo CD Application manages objects with errors",
        .severity = Severity::kError,
        .category = "references",
        .help = "An Argo CD Application is only as healthy as the objects it manages. kora finds the objects an "
                "Application manages (status.resources, else the app.kubernetes.io/instance label or the "
                "argocd.argoproj.io/tracking-id annotation) and reports, on the Application, every error-severity "
                "finding among them (and among the pods and ReplicaSets they own), with the path to each, so the "
                "team that owns the Application sees why it will be, or is, Degraded.",
        .fix = "Fix the findings listed on the managed objects; the Application follows.",
    };
    return i;
  }
  bool NeedsFindings() const override { return true; }
  void Check(const Context&, Reporter&) const override {}
  void CheckFindings(const Context& ctx, const std::vector<Finding>& findings, Reporter& out) const override {
    const Graph& g = ctx.graph();
    // Errors by the top controller of the object they are on.
    std::map<ObjectId, std::vector<const Finding*>> errors_by_root;
    for (const Finding& f : findings) {
      // Diagnoses are explained by application-degraded, with their chains.
      if (f.severity != Severity::kError || f.loc.object == kNoObject || f.IsDiagnosis()) continue;
      errors_by_root[g.Root(f.loc.object)].push_back(&f);
    }
    if (errors_by_root.empty()) return;
    for (ObjectId id : ctx.objects().OfKind("Application")) {
      const Object& app = ctx.objects()[id];
      if (app.group != "argoproj.io") continue;
      std::vector<const Finding*> hits;
      std::set<ObjectId> managed;
      for (const Reference* r : g.References(id, EdgeKind::kManages)) {
        if (const Object* m = g.Target(*r)) managed.insert(m->id);
      }
      // Managed objects are matched by identity, so a live copy and its
      // manifest both count.
      for (const auto& [root, list] : errors_by_root) {
        const Object& r = ctx.objects()[root];
        bool is_managed = managed.count(root) > 0;
        if (!is_managed) {
          for (ObjectId m : managed) {
            const Object& mo = ctx.objects()[m];
            if (mo.kind == r.kind && mo.ns == r.ns && mo.name == r.name) is_managed = true;
          }
        }
        if (is_managed) hits.insert(hits.end(), list.begin(), list.end());
      }
      if (hits.empty()) continue;
      std::set<std::string> objs;
      for (const Finding* f : hits) objs.insert(ctx.objects()[f->loc.object].Ref());
      std::string list;
      for (const auto& o : objs) list += (list.empty() ? "" : ", ") + o;
      Node at = app.Metadata()["name"];
      Finding& f = out.Report(app, at, "metadata.name",
                              app.Ref() + " manages " + std::to_string(objs.size()) +
                                  " object(s) with " + std::to_string(hits.size()) + " error(s): " + list);
      for (const Finding* h : hits) {
        Reporter::RelateAt(f, h->loc, std::string(h->rule) + ": " + h->message);
      }
      f.fix = "Fix the errors on " + list + "; Argo CD reports the Application Healthy once its objects are.";
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApplicationResourceError() { return std::make_unique<ApplicationResourceError>(); }

}  // namespace kora
