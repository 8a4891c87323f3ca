// Diagnosis: containers that keep crashing (CrashLoopBackOff, or restarting
// while Running), explained from their last termination: OOMKilled against
// the memory limit, exit codes 126/127/137/139/1, and liveness probe failures.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "analyzer/diagnosis.h"
#include "rules/rules.h"

namespace kora {
namespace {

bool IsCrashLoop(const ContainerProblem& p) {
  if (p.reason == "CrashLoopBackOff" || p.reason == "Restarting") return true;
  // A container that terminated with an error and restarts.
  return p.state == "terminated" && p.restarts > 0;
}

class CrashLoop : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "crash-loop",
        .title = "Containers keep crashing",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: containers in CrashLoopBackOff or restarting over and over. kora reads "
                "the last termination: OOMKilled is compared with the container's memory limit; exit code 137 "
                "without OOMKilled with liveness probe failures (the kubelet killed it) or another SIGKILL; 126 and "
                "127 mean the command cannot run or does not exist; 139 a segmentation fault; 1 and other codes an "
                "application error whose cause is in the previous container's logs. Unhealthy events show failing "
                "liveness probes.",
        .fix = "Follow the diagnosis: raise the memory limit, fix the command, relax or fix the liveness probe, or "
               "read the crashed container's logs (kubectl logs <pod> -c <container> --previous).",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    std::vector<ContainerProblem> all = ContainerProblems(ctx);
    std::vector<const ContainerProblem*> crashes;
    for (const ContainerProblem& p : all) {
      if (IsCrashLoop(p)) crashes.push_back(&p);
    }
    std::map<const ContainerProblem*, std::string> causes;
    for (const ContainerProblem* p : crashes) causes[p] = CauseOf(ctx, *p);
    ShareCauses(ctx, crashes, causes, "unknown");
    auto groups = GroupProblems(ctx, crashes, [&](const ContainerProblem& p) { return causes[&p]; });
    // The pod whose evidence explains the cause leads its group.
    for (ProblemGroup& g : groups) {
      std::stable_partition(g.problems.begin(), g.problems.end(), [&](const ContainerProblem* p) {
        return !p->container.empty() && CauseOf(ctx, *p) == causes[p];
      });
    }
    for (const ProblemGroup& g : groups) Emit(ctx, out, g, *g.problems.front(), causes[g.problems.front()]);
  }

 private:
  static const EventRecord* LivenessFailure(const Context& ctx, const ContainerProblem& p) {
    auto events = PodEvents(ctx, *p.pod);
    const EventRecord* e = FindEvent(events, {"Unhealthy"}, "Liveness probe failed");
    if (!e) e = FindEvent(events, {"Killing"}, "failed liveness probe");
    return e;
  }

  static std::string CauseWords(std::string_view cause) {
    if (cause == "oom-killed") return "it ran out of memory";
    if (cause == "command-not-found") return "its command does not exist";
    if (cause == "command-not-executable") return "its command cannot be executed";
    if (cause == "killed") return "something outside killed it";
    if (cause == "segfault") return "it crashed with a segmentation fault";
    if (cause == "exits-immediately") return "it finished successfully and was restarted";
    return "nothing more: the evidence has no last termination";
  }

  static std::string CauseOf(const Context& ctx, const ContainerProblem& p) {
    if (p.last_reason == "OOMKilled") return "oom-killed";
    if (LivenessFailure(ctx, p)) return "liveness-probe-failing";
    switch (p.last_exit_code) {
      case 127: return "command-not-found";
      case 126: return "command-not-executable";
      case 137: return "killed";
      case 139: return "segfault";
      case 0: return "exits-immediately";
      case -1: return "unknown";
      default: return "application-error";
    }
  }

  static void Emit(const Context& ctx, Reporter& out, const ProblemGroup& g, const ContainerProblem& p,
                   const std::string& cause) {
    const Object& workload = *g.workload;
    std::string ns(p.pod->ns);
    ContainerSpec spec = SpecOf(ctx, p);
    std::string who = ContainerName(p);
    if (p.container.empty() && spec.ref) who = (p.init ? "init container " : "container ") + Quote(spec.ref->name);
    std::string cname = !p.container.empty() ? p.container : spec.ref ? std::string(spec.ref->name) : "<container>";
    Node limit_node = spec.ref ? spec.ref->node["resources"]["limits"]["memory"] : Node();
    std::optional<double> limit = limit_node ? QuantityValue(limit_node.Str()) : std::nullopt;
    const EventRecord* liveness = LivenessFailure(ctx, p);
    std::string message, fix;
    Node at;
    std::string at_path;
    std::string logs = fmt::format("kubectl logs {} -c {} -n {} --previous", p.pod->name, cname, ns);
    if (cause == "oom-killed") {
      if (limit) {
        message = fmt::format("{}: {} is OOMKilled: it needs more memory than its limit of {}", workload.Ref(), who,
                              limit_node.Str());
        at = limit_node;
        at_path = spec.ref->path + ".resources.limits.memory";
        fix = fmt::format("Raise resources.limits.memory of {} above {} (e.g. {}) after checking its real peak usage "
                          "(kubectl top pod -n {}), or reduce the application's memory use (heap size flags).",
                          who, limit_node.Str(), FormatBytes(*limit * 2), ns);
      } else {
        message = fmt::format("{}: {} is OOMKilled without a memory limit of its own: the node or a LimitRange "
                              "default ran out",
                              workload.Ref(), who);
        fix = "Set resources.requests.memory and resources.limits.memory from the container's observed peak, so "
              "the scheduler reserves enough memory.";
      }
    } else if (cause == "liveness-probe-failing") {
      message = fmt::format("{}: {} is restarted by the kubelet because its liveness probe fails", workload.Ref(), who);
      if (spec.ref && spec.ref->node["livenessProbe"]) {
        at = spec.ref->node["livenessProbe"];
        at_path = spec.ref->path + ".livenessProbe";
      }
      fix = "Check the probe against the application (path, port, timing): give slow starts a startupProbe or a "
            "larger initialDelaySeconds/failureThreshold, and make the liveness endpoint cheap and independent of "
            "downstream services.";
    } else if (cause == "command-not-found" || cause == "command-not-executable") {
      message = fmt::format("{}: {} exits with code {}: the command {} in the image", workload.Ref(), who,
                            p.last_exit_code, cause == "command-not-found" ? "does not exist" : "is not executable");
      if (spec.ref && (spec.ref->node["command"] || spec.ref->node["args"])) {
        at = spec.ref->node["command"] ? spec.ref->node["command"] : spec.ref->node["args"];
        at_path = spec.ref->path + (spec.ref->node["command"] ? ".command" : ".args");
      }
      fix = "Correct command/args to a program that exists in the image (its PATH and entrypoint: docker inspect "
            "--format '{{.Config.Entrypoint}} {{.Config.Cmd}}' <image>), or make the script executable (chmod +x) "
            "in the image.";
    } else if (cause == "killed") {
      message = fmt::format("{}: {} is killed with SIGKILL (exit code 137) without OOMKilled", workload.Ref(), who);
      fix = "A SIGKILL without OOMKilled comes from outside: a failing liveness probe, preStop/termination grace "
            "period exceeded, or the node's OOM killer on a process in the container. Check events: kubectl "
            "describe pod " + std::string(p.pod->name) + " -n " + ns + "; and " + logs;
    } else if (cause == "segfault") {
      message = fmt::format("{}: {} crashes with a segmentation fault (exit code 139)", workload.Ref(), who);
      fix = "A segfault is a bug or an incompatible native library in the image (wrong architecture or libc); "
            "check " + logs + " and the image's platform.";
    } else if (cause == "exits-immediately") {
      message = fmt::format("{}: {} exits with code 0 and restartPolicy Always restarts it: its command finishes "
                            "instead of running a server",
                            workload.Ref(), who);
      fix = "Run a long-lived process (a server in the foreground), or use a Job for one-off work.";
    } else if (cause == "unknown") {
      message = fmt::format("{}: {} keeps crashing; the evidence does not show how it ends (no last termination)",
                            workload.Ref(), who);
      fix = "Get the last termination and the logs: kubectl describe pod " + std::string(p.pod->name) + " -n " + ns +
            " (Last State) and " + logs + ".";
    } else {
      message = fmt::format("{}: {} keeps crashing{}: the application fails at start-up", workload.Ref(), who,
                            p.last_exit_code > 0 ? fmt::format(" with exit code {}", p.last_exit_code) : "");
      fix = "Read the crashed container's logs: " + logs +
            " (a missing configuration value or an unreachable dependency is the usual cause).";
    }
    Finding& f = at ? out.Report(*spec.owner, at, at_path, message)
             : spec.ref ? out.Report(*spec.owner, spec.ref->node, spec.ref->path, message)
                        : out.Report(*p.pod, p.status, p.path, message);
    if (out.Discarded(f)) return;
    f.cause = cause;
    f.container = cname;
    f.fix = fix;
    f.verify = fmt::format("kubectl get pod -n {} -w (RESTARTS stops growing); kubectl describe pod {} -n {} | grep "
                           "-A5 'Last State'",
                           ns, p.pod->name, ns);
    f.symptom = fmt::format("{} of {}: {} ({} restarts)", who, p.pod->Ref(),
                            p.reason == "Restarting" ? std::string("Running, restarting") : p.reason, p.restarts);
    DiagnosisBuilder b(ctx, f);
    b.WorkloadStep(workload);
    ChainStep& s = b.Step(*p.pod, p.status, p.path,
                          fmt::format("{} has restarted {} times{}", who, p.restarts,
                                      g.problems.size() > 1 ? fmt::format(" (and {} more pods)", g.problems.size() - 1) : ""));
    Node last = p.status["lastState"]["terminated"];
    if (last) {
      s.evidence.push_back(fmt::format("lastState.terminated: reason {}, exit code {}{}",
                                       last["reason"].Str().empty() ? "-" : last["reason"].Str(),
                                       last["exitCode"].Str().empty() ? "?" : last["exitCode"].Str(),
                                       last["finishedAt"].Str().empty() ? "" : ", finished " + std::string(last["finishedAt"].Str())));
    }
    for (const EventRecord* e : PodEvents(ctx, *p.pod)) {
      if (e->reason == "BackOff" || e->reason == "Unhealthy" || e->reason == "Killing" || e->reason == "OOMKilling") {
        s.evidence.push_back(e->Summary(ctx.evidence().now()));
      }
      if (s.evidence.size() >= 5) break;
    }
    if (liveness) {
      std::string says(liveness->message);
      static constexpr std::string_view kPrefix = "Liveness probe failed: ";
      if (says.rfind(kPrefix, 0) == 0) says.erase(0, kPrefix.size());
      b.StepEvent(*liveness, fmt::format("the liveness probe of {} fails ({}), so the kubelet kills and restarts it",
                                         who, says));
    }
    if (at) {
      std::string what;
      if (cause == "oom-killed") {
        what = fmt::format("the memory limit of {} is {}", who, at.Str());
      } else if (cause == "liveness-probe-failing") {
        what = fmt::format("the livenessProbe of {}: {}", who, ProbeText(at));
      } else {
        std::string cmd;
        for (Node a : at.Items()) cmd += (cmd.empty() ? "" : " ") + std::string(a.Str());
        what = fmt::format("the {} of {} is {}, which {} (exit code {})", at_path.substr(at_path.rfind('.') + 1), who,
                           cmd.substr(0, 160),
                           cause == "command-not-found" ? "the image does not have" : "the image cannot execute",
                           p.last_exit_code);
      }
      b.Step(*spec.owner, at, at_path, what);
    }
    if (cause == "unknown") {
      const std::string missing = "the evidence has no last termination (kubectl describe pod shows Last State)";
      b.Open("the container runs out of memory (OOMKilled)", missing);
      b.Open("the liveness probe kills it", liveness ? std::string(liveness->message) : "no Unhealthy events in the evidence");
      b.Open("the command does not exist or cannot run (126/127)", missing);
      b.Open("the application fails at start-up", "read its logs: " + logs);
      b.Affects(g.problems);
      return;
    }
    b.Hypothesis("the container runs out of memory (OOMKilled)", cause == "oom-killed",
                 p.last_reason.empty() ? "no termination reason in the evidence" : "last termination reason: " + p.last_reason);
    b.Hypothesis("the liveness probe kills it", cause == "liveness-probe-failing",
                 liveness ? std::string(liveness->message) : "no Unhealthy liveness event");
    b.Hypothesis("the command does not exist or cannot run (126/127)",
                 cause == "command-not-found" || cause == "command-not-executable",
                 fmt::format("exit code {}", p.last_exit_code));
    b.Hypothesis("the application fails at start-up", cause == "application-error",
                 cause == "application-error" ? "exit code " + std::to_string(p.last_exit_code) + ": see " + logs
                                              : cause == "liveness-probe-failing"
                                                    ? "the kubelet kills it because its liveness probe fails"
                                                    : fmt::format("the last termination (reason {}, exit code {}) "
                                                                  "means {}",
                                                                  p.last_reason.empty() ? "-" : p.last_reason,
                                                                  p.last_exit_code, CauseWords(cause)));
    b.Affects(g.problems);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeCrashLoop() { return std::make_unique<CrashLoop>(); }

}  // namespace kora
