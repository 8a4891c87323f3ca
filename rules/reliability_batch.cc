// Jobs and CronJobs: restart policies the API server rejects, finished Jobs
// that are never cleaned up, and CronJob settings that lose or pile up runs.
#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

bool OwnedByCronJob(const Object& o) {
  for (Node ref : o.Metadata()["ownerReferences"].Items()) {
    if (ref["kind"].Str() == "CronJob") return true;
  }
  return false;
}

// Helm and Argo CD delete hook Jobs themselves when a delete policy says so.
bool HookDeletesIt(const Object& o) {
  return !o.Annotation("helm.sh/hook-delete-policy").empty() ||
         !o.Annotation("argocd.argoproj.io/hook-delete-policy").empty();
}

// Objects to check: all but live copies of manifests in the input and
// objects a controller in the input created (their controller is checked).
template <typename F>
void ForEachAuthored(const Context& ctx, std::string_view kind, F&& f) {
  for (ObjectId id : ctx.objects().OfKind(kind)) {
    const Object& o = ctx.objects()[id];
    if (ctx.Shadowed(id) || ctx.ControllerOf(o)) continue;
    f(o);
  }
}

class JobRestartPolicyInvalid : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "job-restart-policy-invalid",
        .title = "Job pod template without restartPolicy OnFailure or Never",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "The pods of a Job (and of a CronJob's jobTemplate) must set restartPolicy to OnFailure or Never. "
                "Left out, it defaults to Always, which the API server rejects for Jobs "
                "(`spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"`), so "
                "the Job, or every run of the CronJob, is never created.",
        .fix = "Set restartPolicy: OnFailure (retry in the same pod) or Never (a new pod per retry) in the pod "
               "template's spec.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      if (o.kind != "Job" && o.kind != "CronJob") continue;
      Node policy = t->spec["restartPolicy"];
      std::string_view value = policy.Str();
      if (value == "OnFailure" || value == "Never") continue;
      std::string what = policy ? "restartPolicy " + std::string(value) : "no restartPolicy (it defaults to Always)";
      Finding& f = out.Report(o, policy ? policy : t->spec, policy ? t->path + ".restartPolicy" : t->path,
                              o.Ref() + " pod template has " + what +
                                  ": Jobs allow only OnFailure or Never, so the API server rejects it");
      f.fix = "Set " + t->path + ".restartPolicy: OnFailure (or Never).";
    }
  }
};

class JobTtlMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "job-ttl-missing",
        .title = "Job without ttlSecondsAfterFinished",
        .severity = Severity::kNote,
        .category = "reliability",
        .help = "A finished Job and its pods stay in the cluster until someone deletes them. Over time they fill "
                "`kubectl get pods`, keep their logs on the nodes, and count against object quotas; a Job with "
                "a fixed name also cannot be applied again while the old one exists. With ttlSecondsAfterFinished "
                "the TTL controller deletes the Job that long after it finishes. Jobs created by a CronJob (its "
                "history limits clean them up) and Helm or Argo CD hook Jobs with a delete policy are not "
                "reported.",
        .fix = "Set spec.ttlSecondsAfterFinished, e.g. `ttlSecondsAfterFinished: 86400` (one day) to keep the logs "
               "around long enough to read.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachAuthored(ctx, "Job", [&](const Object& o) {
      if (o.Spec()["ttlSecondsAfterFinished"] || OwnedByCronJob(o) || HookDeletesIt(o)) return;
      Finding& f = out.Report(o, o.Metadata()["name"], "metadata.name",
                              o.Ref() + " has no spec.ttlSecondsAfterFinished: it and its pods stay after it "
                              "finishes");
      f.fix = "Add spec.ttlSecondsAfterFinished: 86400 to " + o.Ref() + ".";
    });
  }
};

class CronJobDeadlineMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "cronjob-deadline-missing",
        .title = "CronJob without startingDeadlineSeconds",
        .severity = Severity::kNote,
        .category = "reliability",
        .help = "Without startingDeadlineSeconds there is no limit on how late a run may start: after the "
                "controller was down, the CronJob was suspended or a Forbid policy held a run back, the missed "
                "run starts whenever the controller gets to it, possibly hours late and outside the window it was "
                "meant for, and the controller counts every missed schedule since the last run (events "
                "`TooManyMissedTimes`; controllers before Kubernetes 1.21 stopped scheduling after 100 of them). "
                "A deadline skips runs that can no longer start on time.",
        .fix = "Set spec.startingDeadlineSeconds, e.g. 200 for a job that runs every few minutes, or up to the "
               "schedule's period.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachAuthored(ctx, "CronJob", [&](const Object& o) {
      if (Node d = o.Spec()["startingDeadlineSeconds"]; d && !d.IsNull()) return;
      Node schedule = o.Spec()["schedule"];
      Finding& f = out.Report(o, schedule ? schedule : o.Metadata()["name"], schedule ? "spec.schedule" : "metadata.name",
                              o.Ref() + " has no spec.startingDeadlineSeconds");
      f.fix = "Add spec.startingDeadlineSeconds (at most the schedule's period) to " + o.Ref() + ".";
    });
  }
};

class CronJobConcurrencyAllowed : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "cronjob-concurrency-allowed",
        .title = "CronJob lets runs overlap",
        .severity = Severity::kNote,
        .category = "reliability",
        .help = "With concurrencyPolicy Allow (the default when it is left out), a new run starts on schedule even "
                "while the previous one is still running. Runs that take longer than the period pile up, compete "
                "for the same data and resources, and can overload what they talk to.",
        .fix = "Set spec.concurrencyPolicy: Forbid (skip a run while one is active) or Replace (stop the old "
               "run), unless runs are independent by design.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachAuthored(ctx, "CronJob", [&](const Object& o) {
      Node policy = o.Spec()["concurrencyPolicy"];
      if (policy && policy.Str() != "Allow") return;
      Node schedule = o.Spec()["schedule"];
      Node at = policy ? policy : (schedule ? schedule : o.Metadata()["name"]);
      std::string path = policy ? "spec.concurrencyPolicy" : (schedule ? "spec.schedule" : "metadata.name");
      Finding& f = out.Report(o, at, path,
                              o.Ref() + (policy ? " sets concurrencyPolicy: Allow" : " has no concurrencyPolicy "
                                                                                      "(default Allow)") +
                                  ": a run starts even while the previous one is still running");
      f.fix = "Set spec.concurrencyPolicy: Forbid on " + o.Ref() + ".";
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeJobRestartPolicyInvalid() { return std::make_unique<JobRestartPolicyInvalid>(); }
std::unique_ptr<Rule> MakeJobTtlMissing() { return std::make_unique<JobTtlMissing>(); }
std::unique_ptr<Rule> MakeCronJobDeadlineMissing() { return std::make_unique<CronJobDeadlineMissing>(); }
std::unique_ptr<Rule> MakeCronJobConcurrencyAllowed() { return std::make_unique<CronJobConcurrencyAllowed>(); }

}  // namespace kora
