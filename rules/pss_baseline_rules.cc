// The Pod Security Standards' baseline controls, one rule each, checked
// exactly as k8s.io/pod-security-admission checks them (policy/check_*.go).
// Messages use the admission's reason and detail words for the one field at
// fault. See rules/pss_control.h for how the policy (enforce, warn, --pss,
// hardening) is chosen.
#include <algorithm>
#include <array>

#include "rules/pss_control.h"
#include "rules/rules.h"

namespace kora {
namespace {

using pss::Quote;

PssViolation Violation(Node at, std::string path, const ContainerRef* c, std::string reason, std::string detail,
                       std::string fix) {
  PssViolation v;
  v.at = at;
  v.path = std::move(path);
  v.container = c;
  v.reason = std::move(reason);
  v.detail = std::move(detail);
  v.fix = std::move(fix);
  return v;
}

// `container "x"` as the admission names a container in details (init and
// ephemeral containers too).
std::string AdmissionName(const ContainerRef& c) { return "container " + Quote(c.name); }

class HostProcess : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-host-process",
        .title = "Windows HostProcess container (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "`windowsOptions.hostProcess: true` runs a Windows container as a process on the host with the "
            "node's privileges: full access to the node. The baseline Pod Security Standard forbids it at pod "
            "and container level.",
        .fix =
            "Remove `securityContext.windowsOptions.hostProcess: true` (pod and containers). Node agents that "
            "need it belong in a namespace labelled `pod-security.kubernetes.io/enforce: privileged`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    std::string fix = "Remove windowsOptions.hostProcess: true (or set it to false).";
    Node pod = t.spec["securityContext"]["windowsOptions"]["hostProcess"];
    if (pod.Bool() == true) {
      out.push_back(Violation(pod, t.path + ".securityContext.windowsOptions.hostProcess", nullptr, "hostProcess",
                              "pod must not set securityContext.windowsOptions.hostProcess=true", fix));
    }
    for (const ContainerRef& c : t.containers) {
      Node n = c.node["securityContext"]["windowsOptions"]["hostProcess"];
      if (n.Bool() != true) continue;
      out.push_back(Violation(n, c.path + ".securityContext.windowsOptions.hostProcess", &c, "hostProcess",
                              AdmissionName(c) + " must not set securityContext.windowsOptions.hostProcess=true", fix));
    }
  }
};

class HostNamespaces : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-host-namespaces",
        .title = "Pod shares the host's network, PID or IPC namespace (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "`hostNetwork`, `hostPID` and `hostIPC` put the pod in the node's namespaces: it sees and can reach "
            "every process, socket and shared-memory segment of the node, and on the host network it bypasses "
            "NetworkPolicy. The baseline Pod Security Standard forbids all three.",
        .fix =
            "Remove `hostNetwork: true`, `hostPID: true` and `hostIPC: true` from the pod spec (or set them to "
            "false). Expose ports through a Service instead of the host network.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    for (const char* field : {"hostNetwork", "hostPID", "hostIPC"}) {
      Node n = t.spec[field];
      if (n.Bool() != true) continue;
      out.push_back(Violation(n, t.path + "." + field, nullptr, "host namespaces", std::string(field) + "=true",
                              "Remove " + std::string(field) + ": true from the pod spec (or set it to false)."));
    }
  }
};

class Privileged : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-privileged",
        .title = "Privileged container (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "A privileged container has every capability and every device of the node, with no seccomp, "
            "AppArmor or SELinux confinement: root in it is root on the node. The baseline Pod Security "
            "Standard forbids `securityContext.privileged: true` in containers, init containers and ephemeral "
            "containers.",
        .fix =
            "Remove `securityContext.privileged: true` (or set it to false) and add only the capabilities the "
            "container needs, e.g. `capabilities: {add: [NET_BIND_SERVICE]}`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    for (const ContainerRef& c : t.containers) {
      Node n = c.node["securityContext"]["privileged"];
      if (n.Bool() != true) continue;
      out.push_back(Violation(n, c.path + ".securityContext.privileged", &c, "privileged",
                              AdmissionName(c) + " must not set securityContext.privileged=true",
                              "Set securityContext.privileged: false on " + pss::Who(c) + " (or remove it)."));
    }
  }
};

class Capabilities : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-capabilities",
        .title = "Container adds a capability outside the baseline set (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Linux capabilities split root's power. Container runtimes grant a default set; the baseline Pod "
            "Security Standard lets a container add only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, "
            "KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT (exact, "
            "case-sensitive names). Anything else, such as SYS_ADMIN, NET_ADMIN, NET_RAW or SYS_PTRACE, is a "
            "known route out of the container.",
        .fix =
            "Remove the capability from `securityContext.capabilities.add`. If the container really needs it, "
            "run it in a namespace labelled `pod-security.kubernetes.io/enforce: privileged`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline, 0, "pss-capabilities-restricted", 22};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    for (const ContainerRef& c : t.containers) {
      Node add = c.node["securityContext"]["capabilities"]["add"];
      for (size_t i = 0; i < add.Size(); ++i) {
        Node cap = add.At(i);
        if (!cap.IsScalar() || pss::BaselineCapability(cap.Str())) continue;
        PssViolation v = Violation(
            cap, c.path + ".securityContext.capabilities.add[" + std::to_string(i) + "]", &c,
            "non-default capabilities",
            AdmissionName(c) + " must not include " + Quote(cap.Str()) + " in securityContext.capabilities.add",
            "Remove " + std::string(cap.Str()) + " from securityContext.capabilities.add of " + pss::Who(c) + ".");
        v.shared_with_partner = true;
        out.push_back(std::move(v));
      }
    }
  }
};

class HostPath : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-host-path",
        .title = "hostPath volume (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "A hostPath volume mounts a file or directory of the node into the pod. Through it a container can "
            "read other pods' data, kubelet credentials or the container runtime socket, and write to the "
            "node. The baseline Pod Security Standard forbids hostPath volumes altogether.",
        .fix =
            "Replace the hostPath volume with a `configMap`, `secret`, `emptyDir`, `projected` or "
            "`persistentVolumeClaim` volume. Node agents that need the host's files belong in a namespace "
            "labelled `pod-security.kubernetes.io/enforce: privileged`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline, 0, "pss-volume-types", 0};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    size_t i = 0;
    for (Node v : t.spec["volumes"].Items()) {
      std::string name(v["name"].Str());
      std::string path = t.path + ".volumes[" + (name.empty() ? std::to_string(i) : name) + "].hostPath";
      ++i;
      Node hp = v["hostPath"];
      if (!hp || hp.IsNull()) continue;
      PssViolation violation = Violation(hp, path, nullptr, "hostPath volumes", "volume " + Quote(name),
                                         "Replace hostPath volume \"" + name +
                                             "\" with a configMap, secret, emptyDir or persistentVolumeClaim volume.");
      violation.shared_with_partner = true;
      out.push_back(std::move(violation));
    }
  }
};

class HostPorts : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-host-ports",
        .title = "Container uses a hostPort (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "A `hostPort` opens the port on the node's own IP address, outside Services and, with many network "
            "plugins, outside NetworkPolicy. It also limits the pod to nodes where the port is free. The "
            "baseline Pod Security Standard forbids any non-zero hostPort (the built-in admission has no "
            "allow-list).",
        .fix =
            "Remove `hostPort` from the container's `ports` and expose the port through a Service "
            "(`type: NodePort` or `LoadBalancer` if it must be reachable from outside).",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    for (const ContainerRef& c : t.containers) {
      size_t i = 0;
      for (Node port : c.node["ports"].Items()) {
        Node hp = port["hostPort"];
        std::string index = std::to_string(i++);
        auto value = hp.Int();
        if (!hp.IsScalar() || (value && *value == 0) || hp.Str().empty() || hp.Str() == "0") continue;
        out.push_back(Violation(hp, c.path + ".ports[" + index + "].hostPort", &c, "hostPort",
                                AdmissionName(c) + " uses hostPort " + std::string(hp.Str()),
                                "Remove hostPort " + std::string(hp.Str()) + " from " + pss::Who(c) +
                                    " and expose the port through a Service."));
      }
    }
  }
};

class HostProbes : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-host-probes",
        .title = "Probe or lifecycle hook sets a host (Pod Security baseline, v1.34+)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "`httpGet.host` and `tcpSocket.host` in a probe or lifecycle hook make the kubelet connect to any "
            "address from the node's network, which can reach services the pod itself cannot (a "
            "server-side request forgery through the kubelet). The baseline Pod Security Standard forbids a "
            "non-empty host from policy version v1.34.",
        .fix =
            "Remove `host` from the probe or hook: the kubelet then connects to the pod's own IP. To send a "
            "Host header, use `httpGet.httpHeaders: [{name: Host, value: <name>}]`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline, 34};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    struct Place {
      const char* where;  // probe or lifecycle.<hook>
      Node handler;
    };
    for (const ContainerRef& c : t.containers) {
      std::vector<Place> places = {{"livenessProbe", c.node["livenessProbe"]},
                                   {"readinessProbe", c.node["readinessProbe"]},
                                   {"startupProbe", c.node["startupProbe"]},
                                   {"lifecycle.postStart", c.node["lifecycle"]["postStart"]},
                                   {"lifecycle.preStop", c.node["lifecycle"]["preStop"]}};
      for (const Place& p : places) {
        for (const char* kind : {"httpGet", "tcpSocket"}) {
          Node host = p.handler[kind]["host"];
          if (!host.IsScalar() || host.Str().empty()) continue;
          out.push_back(Violation(host, c.path + "." + p.where + "." + kind + ".host", &c, "probe or lifecycle host",
                                  AdmissionName(c) + " uses probe or lifecycle host " + Quote(host.Str()),
                                  "Remove host: " + std::string(host.Str()) + " from " + p.where + "." + kind + " of " +
                                      pss::Who(c) + " (the kubelet then uses the pod IP)."));
        }
      }
    }
  }
};

bool AllowedAppArmorType(std::string_view t) { return t == "RuntimeDefault" || t == "Localhost"; }
bool AllowedAppArmorAnnotation(std::string_view v) {
  return v.empty() || v == "runtime/default" || v.rfind("localhost/", 0) == 0;
}
constexpr std::string_view kAppArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

class AppArmor : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-apparmor",
        .title = "AppArmor profile set to unconfined (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "On nodes with AppArmor the runtime confines containers with its default profile. Setting "
            "`appArmorProfile.type: Unconfined` (pod or container), or the older annotation "
            "`container.apparmor.security.beta.kubernetes.io/<container>: unconfined`, removes that "
            "confinement. The baseline Pod Security Standard allows only RuntimeDefault and Localhost "
            "(annotations: runtime/default and localhost/<profile>).",
        .fix =
            "Set `securityContext.appArmorProfile: {type: RuntimeDefault}` (or `Localhost` with "
            "`localhostProfile`), or remove the setting; drop `unconfined` annotations.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    std::string fix = "Set appArmorProfile.type: RuntimeDefault (or Localhost with localhostProfile).";
    Node pod = t.spec["securityContext"]["appArmorProfile"];
    if (pod.IsMap() && !AllowedAppArmorType(pod["type"].Str())) {
      out.push_back(Violation(pod["type"] ? pod["type"] : pod, t.path + ".securityContext.appArmorProfile.type",
                              nullptr, "forbidden AppArmor profile",
                              "pod must not set AppArmor profile type to " + Quote(pod["type"].Str()), fix));
    }
    for (const ContainerRef& c : t.containers) {
      Node p = c.node["securityContext"]["appArmorProfile"];
      if (!p.IsMap() || AllowedAppArmorType(p["type"].Str())) continue;
      out.push_back(Violation(
          p["type"] ? p["type"] : p, c.path + ".securityContext.appArmorProfile.type", &c, "forbidden AppArmor profile",
          AdmissionName(c) + " must not set AppArmor profile type to " + Quote(p["type"].Str()), fix));
    }
    for (auto [key, value] : t.metadata["annotations"].Entries()) {
      std::string_view k = key.Str();
      if (k.rfind(kAppArmorAnnotationPrefix, 0) != 0 || AllowedAppArmorAnnotation(value.Str())) continue;
      std::string_view container_name = k.substr(kAppArmorAnnotationPrefix.size());
      const ContainerRef* c = nullptr;
      for (const ContainerRef& cr : t.containers) {
        if (cr.name == container_name) c = &cr;
      }
      // The admission formats the entry as key="value" and quotes it again.
      std::string entry = std::string(k) + "=" + Quote(value.Str());
      out.push_back(Violation(value, t.meta_path + ".annotations[" + std::string(k) + "]", c,
                              "forbidden AppArmor profile",
                              "annotation must not set AppArmor profile type to " + Quote(entry),
                              "Remove annotation " + std::string(k) +
                                  " (or set it to runtime/default), or use securityContext.appArmorProfile."));
    }
  }
};

class SeLinux : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-selinux",
        .title = "Custom SELinux type, user or role (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "SELinux labels keep containers apart on SELinux nodes. A custom `seLinuxOptions.type` such as "
            "`spc_t` (super-privileged container) or any `user` or `role` escapes that separation. The "
            "baseline Pod Security Standard allows only the types container_t, container_init_t, "
            "container_kvm_t and, from policy version v1.31, container_engine_t, and no user or role. "
            "`level` is not restricted.",
        .fix =
            "Remove `seLinuxOptions.type`, `user` and `role` (keep `level` if you need MCS categories), or use "
            "`type: container_t`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  static bool AllowedType(std::string_view type, int minor) {
    if (type.empty() || type == "container_t" || type == "container_init_t" || type == "container_kvm_t") return true;
    return minor >= 31 && type == "container_engine_t";
  }
  void CheckOptions(Node opts, const std::string& path, const ContainerRef* c, int minor,
                    std::vector<PssViolation>& out) const {
    if (!opts.IsMap()) return;
    std::vector<std::string> bad;
    Node type = opts["type"];
    if (!AllowedType(type.Str(), minor)) bad.push_back("type " + Quote(type.Str()));
    // The admission names user and role only when a type is bad too; kora always names them.
    if (!opts["user"].Str().empty()) bad.push_back("user may not be set");
    if (!opts["role"].Str().empty()) bad.push_back("role may not be set");
    if (bad.empty()) return;
    std::string data;
    for (const std::string& b : bad) data += (data.empty() ? "" : "; ") + b;
    std::string setter = c ? AdmissionName(*c) : "pod";
    out.push_back(Violation(opts, path, c, "seLinuxOptions",
                            setter + " set forbidden securityContext.seLinuxOptions: " + data,
                            "Remove seLinuxOptions type, user and role from the " +
                                (c ? pss::Who(*c) : std::string("pod")) + " (keep level), or use type: container_t."));
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    CheckOptions(t.spec["securityContext"]["seLinuxOptions"], t.path + ".securityContext.seLinuxOptions", nullptr,
                 e.minor, out);
    for (const ContainerRef& c : t.containers) {
      CheckOptions(c.node["securityContext"]["seLinuxOptions"], c.path + ".securityContext.seLinuxOptions", &c, e.minor,
                   out);
    }
  }
};

class ProcMount : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-proc-mount",
        .title = "Unmasked /proc mount (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "The runtime masks sensitive paths of /proc in containers. `securityContext.procMount: Unmasked` "
            "turns that off and exposes kernel and host information. The baseline Pod Security Standard "
            "allows only `Default`; from policy version v1.35 baseline accepts any value for pods in a user "
            "namespace (`hostUsers: false`), restricted never does.",
        .fix = "Remove `securityContext.procMount` (or set it to `Default`).",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    // procMount1_35baseline relaxes user-namespace pods; procMount_restricted (1.35+) does not.
    if (e.level == PssLevel::kBaseline && e.minor >= 35 && pss::UserNamespace(t)) return;
    for (const ContainerRef& c : t.containers) {
      Node pm = c.node["securityContext"]["procMount"];
      if (!pm.IsScalar() || pm.Str() == "Default") continue;
      out.push_back(Violation(pm, c.path + ".securityContext.procMount", &c, "procMount",
                              AdmissionName(c) + " must not set securityContext.procMount to " + Quote(pm.Str()),
                              "Remove securityContext.procMount from " + pss::Who(c) + " (or set it to Default)."));
    }
  }
};

bool ValidSeccompType(std::string_view t) { return t == "RuntimeDefault" || t == "Localhost"; }
bool ValidSeccompAnnotation(std::string_view v) {
  return v == "runtime/default" || v == "docker/default" || v.rfind("localhost/", 0) == 0;
}

class Seccomp : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-seccomp",
        .title = "Seccomp profile set to Unconfined (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Seccomp filters the system calls a container may make; the runtime's default profile blocks "
            "dozens that are only useful for breaking out. `seccompProfile.type: Unconfined` (pod or "
            "container) removes the filter. The baseline Pod Security Standard allows only RuntimeDefault and "
            "Localhost, or no setting. Before policy version v1.19 the check reads the "
            "`seccomp.security.alpha.kubernetes.io` annotations instead.",
        .fix =
            "Set `securityContext.seccompProfile: {type: RuntimeDefault}` (or `Localhost` with "
            "`localhostProfile`) instead of Unconfined.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline, 0, "pss-seccomp-restricted", 19};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    std::string fix = "Set seccompProfile.type: RuntimeDefault (or Localhost with localhostProfile).";
    if (e.minor < 19) {
      Node annotations = t.metadata["annotations"];
      auto check = [&](const std::string& key, const ContainerRef* c) {
        Node v = annotations[key];
        if (!v || ValidSeccompAnnotation(v.Str())) return;
        out.push_back(Violation(v, t.meta_path + ".annotations[" + key + "]", c, "seccompProfile",
                                "forbidden annotation " + key + "=" + Quote(v.Str()),
                                "Set annotation " + key + " to runtime/default."));
      };
      check("seccomp.security.alpha.kubernetes.io/pod", nullptr);
      for (const ContainerRef& c : t.containers) {
        check("container.seccomp.security.alpha.kubernetes.io/" + std::string(c.name), &c);
      }
      return;
    }
    Node pod = t.spec["securityContext"]["seccompProfile"];
    if (pod.IsMap() && !ValidSeccompType(pod["type"].Str())) {
      PssViolation v = Violation(
          pod["type"] ? pod["type"] : pod, t.path + ".securityContext.seccompProfile.type", nullptr, "seccompProfile",
          "pod must not set securityContext.seccompProfile.type to " + Quote(pod["type"].Str()), fix);
      v.shared_with_partner = true;
      out.push_back(std::move(v));
    }
    for (const ContainerRef& c : t.containers) {
      Node p = c.node["securityContext"]["seccompProfile"];
      if (!p.IsMap() || ValidSeccompType(p["type"].Str())) continue;
      PssViolation v = Violation(
          p["type"] ? p["type"] : p, c.path + ".securityContext.seccompProfile.type", &c, "seccompProfile",
          AdmissionName(c) + " must not set securityContext.seccompProfile.type to " + Quote(p["type"].Str()), fix);
      v.shared_with_partner = true;
      out.push_back(std::move(v));
    }
  }
};

// Sysctls the admission accepts, by the policy version that added them
// (check_sysctls.go; tcp_rmem/tcp_wmem: kubernetes/kubernetes#127489).
struct SafeSysctl {
  std::string_view name;
  int minor;
};
constexpr std::array<SafeSysctl, 12> kSafeSysctls = {{
    {"kernel.shm_rmid_forced", 0},
    {"net.ipv4.ip_local_port_range", 0},
    {"net.ipv4.tcp_syncookies", 0},
    {"net.ipv4.ping_group_range", 0},
    {"net.ipv4.ip_unprivileged_port_start", 0},
    {"net.ipv4.ip_local_reserved_ports", 27},
    {"net.ipv4.tcp_keepalive_time", 29},
    {"net.ipv4.tcp_fin_timeout", 29},
    {"net.ipv4.tcp_keepalive_intvl", 29},
    {"net.ipv4.tcp_keepalive_probes", 29},
    {"net.ipv4.tcp_rmem", 32},
    {"net.ipv4.tcp_wmem", 32},
}};

class Sysctls : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-sysctls",
        .title = "Unsafe sysctl (Pod Security baseline)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Sysctls set kernel parameters for the pod. Only namespaced ones that cannot affect other pods are "
            "safe; others can disable protections or change the whole node. The baseline Pod Security Standard "
            "allows kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, "
            "net.ipv4.ping_group_range and net.ipv4.ip_unprivileged_port_start; "
            "net.ipv4.ip_local_reserved_ports from v1.27; net.ipv4.tcp_keepalive_time, "
            "net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl and net.ipv4.tcp_keepalive_probes from "
            "v1.29; net.ipv4.tcp_rmem and net.ipv4.tcp_wmem from v1.32. Without an exemption the kubelet also "
            "refuses unsafe sysctls unless it runs with `--allowed-unsafe-sysctls` (the pod fails with "
            "SysctlForbidden).",
        .fix =
            "Remove the sysctl from `spec.securityContext.sysctls`; set node-wide parameters on the node (a "
            "tuning DaemonSet in a privileged namespace, or the node image).",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kBaseline};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    size_t i = 0;
    for (Node s : t.spec["securityContext"]["sysctls"].Items()) {
      std::string index = std::to_string(i++);
      Node name = s["name"];
      bool safe = false;
      for (const SafeSysctl& safe_one : kSafeSysctls) safe |= safe_one.name == name.Str() && e.minor >= safe_one.minor;
      if (safe) continue;
      out.push_back(Violation(name ? name : s, t.path + ".securityContext.sysctls[" + index + "].name", nullptr,
                              "forbidden sysctls", std::string(name.Str()),
                              "Remove sysctl " + std::string(name.Str()) +
                                  " from spec.securityContext.sysctls and set it on the node instead."));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePssHostProcess() { return std::make_unique<HostProcess>(); }
std::unique_ptr<Rule> MakePssHostNamespaces() { return std::make_unique<HostNamespaces>(); }
std::unique_ptr<Rule> MakePssPrivileged() { return std::make_unique<Privileged>(); }
std::unique_ptr<Rule> MakePssCapabilities() { return std::make_unique<Capabilities>(); }
std::unique_ptr<Rule> MakePssHostPath() { return std::make_unique<HostPath>(); }
std::unique_ptr<Rule> MakePssHostPorts() { return std::make_unique<HostPorts>(); }
std::unique_ptr<Rule> MakePssHostProbes() { return std::make_unique<HostProbes>(); }
std::unique_ptr<Rule> MakePssAppArmor() { return std::make_unique<AppArmor>(); }
std::unique_ptr<Rule> MakePssSeLinux() { return std::make_unique<SeLinux>(); }
std::unique_ptr<Rule> MakePssProcMount() { return std::make_unique<ProcMount>(); }
std::unique_ptr<Rule> MakePssSeccomp() { return std::make_unique<Seccomp>(); }
std::unique_ptr<Rule> MakePssSysctls() { return std::make_unique<Sysctls>(); }

}  // namespace kora
