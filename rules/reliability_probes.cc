// Liveness probes and probe ports. The checks for missing or identical probes
// only apply to pods a Service sends traffic to (as kube-score does): a
// readiness probe only gates traffic, and a worker with no Service has none.
// Probe ports are checked everywhere: a probe that can never succeed breaks
// any pod.
#include <set>

#include "analyzer/engine.h"
#include "rules/rules.h"
#include "rules/workload_facts.h"

namespace kora {
namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

constexpr const char* kProbes[] = {"readinessProbe", "livenessProbe", "startupProbe"};

// The port a probe's handler connects to, if it names one.
Node ProbePort(Node probe) {
  if (Node p = probe["httpGet"]["port"]) return p;
  if (Node p = probe["tcpSocket"]["port"]) return p;
  return probe["grpc"]["port"];
}

std::string_view HandlerField(Node probe) {
  if (probe["httpGet"]) return "httpGet";
  if (probe["tcpSocket"]) return "tcpSocket";
  return "grpc";
}

// A named port resolves through the container's own ports.
std::string ResolvedPort(const ContainerRef& c, Node port) {
  if (!port.IsScalar()) return "";
  if (port.tag() == ScalarTag::kString && !port.Int()) {
    for (Node p : c.node["ports"].Items()) {
      if (p["name"].Str() == port.Str()) return std::string(p["containerPort"].Str());
    }
  }
  return std::string(port.Str());
}

// What a probe checks, without its timing: two probes with the same handler
// fail at the same moment.
std::string Handler(const ContainerRef& c, Node probe) {
  if (Node h = probe["httpGet"]) {
    return "httpGet " + std::string(h["path"].Str().empty() ? "/" : h["path"].Str()) + " on port " +
           ResolvedPort(c, h["port"]) + (h["host"] ? " host " + std::string(h["host"].Str()) : "") +
           (h["scheme"].Str() == "HTTPS" ? " (HTTPS)" : "");
  }
  if (Node h = probe["tcpSocket"]) return "tcpSocket on port " + ResolvedPort(c, h["port"]);
  if (Node h = probe["grpc"]) {
    return "grpc on port " + ResolvedPort(c, h["port"]) +
           (h["service"] ? " service " + std::string(h["service"].Str()) : "");
  }
  if (Node h = probe["exec"]) {
    std::string cmd;
    for (Node part : h["command"].Items()) cmd += (cmd.empty() ? "" : " ") + std::string(part.Str());
    return "exec " + cmd;
  }
  return "";
}

// Serving containers of served, non-batch pods, with the Service in front.
template <typename F>
void ForEachServedContainer(const Context& ctx, F&& f) {
  for (const PodTemplate* t : ctx.authored_templates()) {
    if (IsBatch(ctx, *t)) continue;
    std::vector<const Object*> services = ServicesSelecting(ctx, *t);
    if (services.empty()) continue;
    for (const ContainerRef& c : t->containers) {
      if (c.kind == ContainerKind::kMain) f(*t, c, *services.front());
    }
  }
}

class LivenessProbeMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "liveness-probe-missing",
        .title = "Served container without a liveness probe",
        .severity = Severity::kNote,
        .category = "reliability",
        .help = "A liveness probe lets the kubelet restart a container that is running but stuck (a deadlock, "
                "an exhausted pool). Without one, a hung container stays in the Service's endpoints until someone "
                "deletes the pod; with a readiness probe it at least stops receiving traffic, but it never "
                "recovers. A liveness probe must be cheaper and more tolerant than the readiness probe, or it "
                "restarts containers that are only busy: many teams leave it out on purpose, hence strict only.",
        .fix = "Add a livenessProbe that fails only when the process cannot recover by itself, e.g.\n"
               "livenessProbe:\n  httpGet:\n    path: /livez\n    port: http\n  periodSeconds: 10\n  "
               "failureThreshold: 6",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachServedContainer(ctx, [&](const PodTemplate& t, const ContainerRef& c, const Object& svc) {
      if (c.node["livenessProbe"]) return;
      Finding& f = out.Report(t, c, c.node, "",
                              "container " + Quoted(c.name) + " has no livenessProbe; " + svc.Ref() +
                                  " keeps sending it traffic if it hangs");
      f.fix = "Add a livenessProbe to container " + Quoted(c.name) + " that fails only when it cannot recover.";
    });
  }
};

class LivenessSameAsReadiness : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "liveness-same-as-readiness",
        .title = "Liveness probe identical to the readiness probe",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "Readiness takes a pod out of the Service while it cannot serve; liveness restarts it. When both "
                "probes check the same thing, a container that is only overloaded or waiting for a dependency "
                "fails both: it is restarted instead of being given time, which adds load to the remaining "
                "replicas and can cascade into a full outage.",
        .fix = "Make the liveness probe check only that the process is alive (a separate, dependency-free "
               "endpoint), or give it a much larger failureThreshold than the readiness probe.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachServedContainer(ctx, [&](const PodTemplate& t, const ContainerRef& c, const Object&) {
      Node live = c.node["livenessProbe"];
      Node ready = c.node["readinessProbe"];
      if (!live || !ready) return;
      std::string handler = Handler(c, live);
      if (handler.empty() || handler != Handler(c, ready)) return;
      // A much more tolerant liveness probe is the accepted way to share an endpoint.
      int64_t live_threshold = live["failureThreshold"].Int().value_or(3);
      int64_t ready_threshold = ready["failureThreshold"].Int().value_or(3);
      if (live_threshold > ready_threshold) return;
      Finding& f = out.Report(t, c, live, "livenessProbe",
                              "container " + Quoted(c.name) + " livenessProbe runs the same check as its "
                              "readinessProbe (" + handler + "): when it is busy it is restarted, not just taken "
                              "out of the Service");
      Reporter::Relate(f, ctx.objects()[t.object], ready, c.path + ".readinessProbe", "the readiness probe");
    });
  }
};

class ProbePortMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "probe-port-missing",
        .title = "Probe names a port the container does not define",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "A probe's httpGet or tcpSocket port may be a port name, which the kubelet looks up in the same "
                "container's ports. When no port of the container has that name, the probe errors every time "
                "(`Readiness probe errored` events) and the kubelet ignores its result: a readiness or startup "
                "probe never passes, so the pod never becomes ready and gets no Service traffic; a liveness probe "
                "never fails, so it never restarts a hung container (reported as a warning).",
        .fix = "Name the container port the probe uses (ports: [{name: http, containerPort: 8080}]), or give the "
               "probe the port number.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        for (const char* probe_field : kProbes) {
          Node probe = c.node[probe_field];
          Node port = ProbePort(probe);
          if (!port.IsString() || port.Str().empty() || port.Int()) continue;
          bool found = false;
          std::string names;
          for (Node p : c.node["ports"].Items()) {
            found |= p["name"].Str() == port.Str();
            if (!p["name"].Str().empty()) names += (names.empty() ? "" : ", ") + std::string(p["name"].Str());
          }
          if (found) continue;
          std::string field = std::string(probe_field) + "." + std::string(HandlerField(probe)) + ".port";
          bool liveness = std::string_view(probe_field) == "livenessProbe";
          Finding& f = out.Report(*t, c, port, field,
                                  std::string(c.KindName()) + " " + Quoted(c.name) + " " + probe_field +
                                      " uses port " + Quoted(port.Str()) + ", which the container does not define" +
                                      (names.empty() ? " (it names no ports)" : " (its ports: " + names + ")") +
                                      (liveness ? ": the probe errors and never restarts the container"
                                                : ": the probe errors and the pod never becomes ready"));
          // An erroring liveness probe is ignored: the pod runs, unguarded.
          if (liveness && f.severity == Severity::kError) f.severity = Severity::kWarning;
          f.fix = "Add {name: " + std::string(port.Str()) + ", containerPort: <port>} to the ports of " +
                  std::string(c.KindName()) + " " + Quoted(c.name) + ", or use the port number in the probe.";
        }
      }
    }
  }
};

class ProbePortUndeclared : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "probe-port-undeclared",
        .title = "Probe uses a port number the container does not declare",
        .severity = Severity::kNote,
        .category = "reliability",
        .help = "A probe on a port number works whether or not the container declares that port, so this is not "
                "an error. But when a container declares its ports and the probe uses another one, the probe "
                "often points at an old or mistyped port, and then fails: readiness never passes or liveness "
                "restarts the container. Containers that declare no ports are not checked.",
        .fix = "Probe a declared port (by name, e.g. port: http), or declare the port the probe uses.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        Node ports = c.node["ports"];
        if (!ports.IsSeq() || ports.Size() == 0) continue;
        for (const char* probe_field : kProbes) {
          Node probe = c.node[probe_field];
          Node port = ProbePort(probe);
          std::optional<int64_t> number = port.Int();
          if (!number) continue;
          bool declared = false;
          std::string list;
          std::set<std::string_view> listed;
          for (Node p : ports.Items()) {
            declared |= p["containerPort"].Int() == number;
            if (!listed.insert(p["containerPort"].Str()).second) continue;
            list += (list.empty() ? "" : ", ") + std::string(p["containerPort"].Str());
          }
          if (declared) continue;
          std::string field = std::string(probe_field) + "." + std::string(HandlerField(probe)) + ".port";
          out.Report(*t, c, port, field,
                     std::string(c.KindName()) + " " + Quoted(c.name) + " " + probe_field + " uses port " +
                         std::to_string(*number) + ", which is not among its declared ports (" + list + ")");
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeLivenessProbeMissing() { return std::make_unique<LivenessProbeMissing>(); }
std::unique_ptr<Rule> MakeLivenessSameAsReadiness() { return std::make_unique<LivenessSameAsReadiness>(); }
std::unique_ptr<Rule> MakeProbePortMissing() { return std::make_unique<ProbePortMissing>(); }
std::unique_ptr<Rule> MakeProbePortUndeclared() { return std::make_unique<ProbePortUndeclared>(); }

}  // namespace kora
