// Shared machinery for diagnoses: what is wrong with a pod's containers,
// grouping many failing pods under the workload they belong to, and building
// the chain from symptom to cause with the evidence of each step.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/engine.h"
#include "analyzer/evidence.h"
#include "analyzer/health.h"

namespace kora {

// One container of a pod (read from a dump or pasted text) that is not running well.
struct ContainerProblem {
  const Object* pod = nullptr;
  std::string container;  // "" when the evidence does not name it (a kubectl get pods row)
  bool init = false;
  std::string state;   // "waiting" or "terminated"
  std::string reason;  // ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError, OOMKilled, ...
  std::string message;
  std::string last_reason;  // lastState.terminated.reason (e.g. OOMKilled)
  int64_t last_exit_code = -1;
  int64_t restarts = 0;
  Node status;        // the container's status entry
  std::string path;   // status.initContainerStatuses[db-migrate]
};

// Every waiting or failed container of every pod in the input.
std::vector<ContainerProblem> ContainerProblems(const Context& ctx);

// The container spec of a problem, through the pod (or its controller's
// template when the pod is only known from text).
struct ContainerSpec {
  const Object* owner = nullptr;  // the object whose template defines it
  const PodTemplate* tmpl = nullptr;
  const ContainerRef* ref = nullptr;
};
ContainerSpec SpecOf(const Context& ctx, const ContainerProblem& p);

// The workload a pod belongs to: its top controller in the input, else the
// controller its name implies, else the pod itself.
const Object& WorkloadOf(const Context& ctx, const Object& pod);

// Groups findings of one root cause: many pods of one workload become one
// diagnosis listing them.
struct ProblemGroup {
  const Object* workload = nullptr;
  std::string key;  // the cause key plus what distinguishes causes (a Secret name, an image)
  std::vector<const ContainerProblem*> problems;
};
// The key pods of one workload share, even when the workload is not in the input.
std::string WorkloadKey(const Context& ctx, const Object& pod);
// Gives pods whose evidence does not say why they fail the cause their
// workload's other pods show (when exactly one is shown).
void ShareCauses(const Context& ctx, const std::vector<const ContainerProblem*>& problems,
                 std::map<const ContainerProblem*, std::string>& causes, const std::string& unknown);
std::vector<ProblemGroup> GroupProblems(const Context& ctx, const std::vector<const ContainerProblem*>& problems,
                                        const std::function<std::string(const ContainerProblem&)>& key_of);

// Builds a diagnosis finding step by step.
class DiagnosisBuilder {
 public:
  DiagnosisBuilder(const Context& ctx, Finding& f) : ctx_(ctx), f_(f) {}
  // A step at a field of an object in the input.
  ChainStep& Step(const Object& obj, Node at, std::string path, std::string message);
  // A step at an event.
  ChainStep& StepEvent(const EventRecord& e, std::string message);
  // A step about an object that is not in the input (a missing Secret).
  ChainStep& StepMissing(const std::string& ref, std::string message);
  void Hypothesis(std::string text, bool confirmed, std::string evidence);
  // A hypothesis the evidence cannot decide (it says what is missing).
  void Open(std::string text, std::string missing);
  // The pods a diagnosis covers: "Pod/ns/name (Init:ImagePullBackOff)",
  // with kubectl's STATUS.
  void Affects(const std::vector<const ContainerProblem*>& problems);
  void Affects(const Object& pod);
  // The workload's own health, as the first step, when it is unhealthy.
  void WorkloadStep(const Object& workload);

 private:
  const Context& ctx_;
  Finding& f_;
};

// What `kubectl get pods` shows in its STATUS column for a pod read from a
// cluster (kubectl's own rules: Init:ImagePullBackOff, CrashLoopBackOff,
// OOMKilled, Error, Pending, Terminating, ...); for a pasted row, the column
// as pasted.
std::string PodStatusText(const Object& pod);

// A probe in words: "GET /healthz on port 8080 (periodSeconds 5, failureThreshold 3)",
// "TCP port 5432", "exec cat /tmp/ready"; ProbeAction without the timing.
std::string ProbeText(Node probe);
std::string ProbeAction(Node probe);

// A selector to propose for pods with these labels, in place of `current`:
// the keys of the current selector that the pods carry, with the pods'
// values; else the pods' stable labels. Never a label a controller injects
// (pod-template-hash, controller-revision-hash, ...) nor one that changes
// with every release (helm.sh/chart, app.kubernetes.io/version). "" when
// nothing is left. "app=web,tier=frontend".
std::string ProposedSelector(Node current, Node labels);

// Why a proposed selector leaves out some of these labels:
// " (not pod-template-hash: a controller sets it per revision or per pod)",
// "" when none is injected.
std::string InjectedLabelsNote(Node labels);

// What the endpoints controller published for a Service: its EndpointSlices
// (kubernetes.io/service-name), preferred, else its Endpoints object.
struct EndpointState {
  std::vector<const Object*> slices;
  const Object* endpoints = nullptr;  // only when there is no slice
  size_t ready = 0;
  size_t not_ready = 0;
  std::vector<std::string> not_ready_targets;  // "10.244.1.17 (Pod/ns/name)"
  std::vector<std::string> not_ready_pods;     // the names of the pods behind them
  bool known() const { return !slices.empty() || endpoints; }
  // The object to point at: the first slice, else the Endpoints.
  const Object* evidence() const { return slices.empty() ? endpoints : slices.front(); }
  // "EndpointSlice/shop/web-x7k2p lists 0 ready and 1 not-ready endpoint(s)".
  std::string Describe() const;
};
EndpointState ServiceEndpoints(const Context& ctx, const Object& svc);

// The events about a pod (or, for a pod known only by name, those for that name).
std::vector<const EventRecord*> PodEvents(const Context& ctx, const Object& pod);
// The newest event of a pod (or its controller) with one of these reasons whose message contains needle.
const EventRecord* FindEvent(const std::vector<const EventRecord*>& events, std::initializer_list<std::string_view> reasons,
                             std::string_view needle = {});

std::string Quote(std::string_view s);
// A resource quantity's value in base units (cores, bytes): "250m" -> 0.25, "128Mi" -> 134217728.
std::optional<double> QuantityValue(std::string_view q);
// "128Mi" style for bytes, "250m" for cores.
std::string FormatBytes(double bytes);
std::string FormatCores(double cores);
// The lower-case kind as kubectl commands take it: deployment, statefulset.
std::string KubectlKind(std::string_view kind);
// "init container \"db-migrate\"" / "container \"web\"" / "a container".
std::string ContainerName(const ContainerProblem& p);

}  // namespace kora
