// PodDisruptionBudgets: multi-replica workloads without one, and budgets that
// allow no voluntary eviction at all, so node drains never finish.
#include <cmath>

#include "analyzer/engine.h"
#include "rules/rules.h"
#include "rules/workload_facts.h"

namespace kora {
namespace {

// An int-or-percent PDB field: the number, or the percentage when it ends in '%'.
struct IntOrPercent {
  int64_t value = 0;
  bool percent = false;
};

std::optional<IntOrPercent> ReadIntOrPercent(Node n) {
  if (!n.IsScalar()) return std::nullopt;
  std::string_view s = n.Str();
  IntOrPercent out;
  if (!s.empty() && s.back() == '%') {
    out.percent = true;
    s.remove_suffix(1);
  } else if (n.tag() != ScalarTag::kInt) {
    return std::nullopt;
  }
  try {
    size_t used = 0;
    out.value = std::stoll(std::string(s), &used);
    if (used != s.size()) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  return out;
}

// The disruption controller scales percentages with rounding up.
int64_t Scaled(const IntOrPercent& v, int64_t total) {
  if (!v.percent) return v.value;
  return static_cast<int64_t>(std::ceil(static_cast<double>(v.value) * static_cast<double>(total) / 100.0));
}

struct Protected {
  const Object* workload = nullptr;
  ReplicaCount replicas;
};

// The workloads a PDB covers, with their fewest replicas; nullopt when one of
// them has a replica count kora cannot know (a DaemonSet, a template expression).
std::optional<std::vector<Protected>> CoveredWorkloads(const Context& ctx, const Object& pdb) {
  std::vector<Protected> out;
  for (const PodTemplate* t : ctx.graph().SelectedPods(pdb.id)) {
    const Object& o = ctx.objects()[t->object];
    if (ctx.Shadowed(o.id) || ctx.ControllerOf(o)) continue;  // counted through their controller
    if (o.kind == "Pod") {
      out.push_back(Protected{&o, ReplicaCount{.source = "a bare pod"}});
      continue;
    }
    std::optional<ReplicaCount> r = Replicas(ctx, o);
    if (!r) return std::nullopt;
    out.push_back(Protected{&o, *r});
  }
  return out;
}

class PdbBlocksEviction : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pdb-blocks-eviction",
        .title = "PodDisruptionBudget allows no eviction",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "A PodDisruptionBudget with `maxUnavailable: 0`, `minAvailable: 100%`, or a minAvailable at or "
                "above the number of replicas it covers never allows a voluntary eviction. `kubectl drain`, "
                "cluster autoscaler scale-downs and managed node upgrades then wait forever on these pods "
                "(`Cannot evict pod as it would violate the pod's disruption budget`), and upgrades stall. When an "
                "autoscaler scales the workload, its minReplicas is the count that matters.",
        .fix = "Allow at least one disruption: `maxUnavailable: 1` is the usual choice; or keep minAvailable below "
               "the replica count (and the HPA's minReplicas).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("PodDisruptionBudget")) {
      const Object& pdb = ctx.objects()[id];
      if (ctx.Shadowed(id)) continue;
      Node max_field = pdb.Spec()["maxUnavailable"];
      Node min_field = pdb.Spec()["minAvailable"];
      if (std::optional<IntOrPercent> max = ReadIntOrPercent(max_field); max && max->value == 0) {
        out.Report(pdb, max_field, "spec.maxUnavailable",
                   pdb.Ref() + " has maxUnavailable " + std::string(max_field.Str()) +
                       ": no pod it covers can ever be evicted, so node drains hang");
        continue;
      }
      std::optional<IntOrPercent> min = ReadIntOrPercent(min_field);
      if (!min) continue;
      if (min->percent && min->value >= 100) {
        out.Report(pdb, min_field, "spec.minAvailable",
                   pdb.Ref() + " has minAvailable " + std::string(min_field.Str()) +
                       ": no pod it covers can ever be evicted, so node drains hang");
        continue;
      }
      std::optional<std::vector<Protected>> covered = CoveredWorkloads(ctx, pdb);
      if (!covered || covered->empty()) continue;
      int64_t total = 0;
      std::string names;
      for (const Protected& p : *covered) {
        total += p.replicas.min;
        names += (names.empty() ? "" : ", ") + p.workload->Ref() + " (" + p.replicas.source + ")";
      }
      if (Scaled(*min, total) < total) continue;
      Finding& f = out.Report(pdb, min_field, "spec.minAvailable",
                              pdb.Ref() + " requires " + std::string(min_field.Str()) + " available pods, and it "
                              "covers " + ReplicaWord(total) + " at the least: " + names +
                                  "; no pod can be evicted, so node drains hang");
      for (const Protected& p : *covered) {
        if (p.replicas.hpa) {
          Reporter::Relate(f, *p.replicas.hpa, p.replicas.hpa->Spec()["minReplicas"], "spec.minReplicas",
                           "the autoscaler's minimum");
        } else if (Node r = p.workload->Spec()["replicas"]) {
          Reporter::Relate(f, *p.workload, r, "spec.replicas", "the replica count");
        }
      }
      f.fix = total > 1 ? "Set minAvailable to at most " + std::to_string(total - 1) + " on " + pdb.Ref() +
                              ", or use maxUnavailable: 1."
                        : "Use maxUnavailable: 1 on " + pdb.Ref() + ", or run more replicas.";
    }
  }
};

class PdbMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pdb-missing",
        .title = "Multi-replica workload without a PodDisruptionBudget",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "Without a PodDisruptionBudget nothing stops a node drain, a cluster autoscaler scale-down or a "
                "managed node upgrade from evicting all replicas of a workload at the same time, and the service "
                "is down until they are rescheduled. Deployments, StatefulSets and Argo Rollouts that can run two "
                "or more replicas are checked.",
        .fix = "Add a PodDisruptionBudget that selects the workload's pods, e.g.\n"
               "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n"
               "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      if (o.kind != "Deployment" && o.kind != "StatefulSet" && o.kind != "Rollout") continue;
      std::optional<ReplicaCount> replicas = Replicas(ctx, o);
      if (!replicas || replicas->max < 2) continue;
      bool covered = false;
      for (const Reference* r : ctx.graph().Referrers(o.id, EdgeKind::kSelects)) {
        covered |= ctx.objects()[r->from].kind == "PodDisruptionBudget";
      }
      if (covered) continue;
      Node at = o.Spec()["replicas"] ? o.Spec()["replicas"] : o.Metadata()["name"];
      Finding& f = out.Report(o, at, o.Spec()["replicas"] ? "spec.replicas" : "metadata.name",
                              o.Ref() + " runs up to " + ReplicaWord(replicas->max) + " and no PodDisruptionBudget "
                              "selects its pods: a drain may evict them all at once");
      f.fix = "Add a PodDisruptionBudget in namespace \"" + std::string(o.ns) + "\" with maxUnavailable: 1 and "
              "selector: {matchLabels: {" + IdentifyingLabels(*t) + "}}.";
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePdbBlocksEviction() { return std::make_unique<PdbBlocksEviction>(); }
std::unique_ptr<Rule> MakePdbMissing() { return std::make_unique<PdbMissing>(); }

}  // namespace kora
