// The Pod Security Standards' restricted controls, one rule each, checked
// exactly as k8s.io/pod-security-admission checks them. Restricted adds these
// to every baseline control; three of them replace a baseline check
// (volume types: hostPath, capabilities from v1.22, seccomp from v1.19),
// which rules/pss_control.cc accounts for so nothing is reported twice.
#include <algorithm>
#include <array>

#include "rules/pss_control.h"
#include "rules/rules.h"

namespace kora {
namespace {

using pss::Quote;

std::string AdmissionName(const ContainerRef& c) { return "container " + Quote(c.name); }

PssViolation Violation(Node at, std::string path, const ContainerRef* c, std::string reason, std::string detail,
                       std::string fix, Severity hardening) {
  PssViolation v;
  v.at = at;
  v.path = std::move(path);
  v.container = c;
  v.reason = std::move(reason);
  v.detail = std::move(detail);
  v.fix = std::move(fix);
  v.hardening = hardening;
  return v;
}

constexpr std::array<std::string_view, 9> kAllowedVolumeTypes = {
    "configMap", "csi",   "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
    "projected", "secret"};
// Volume types the admission names in its message; any other is "unknown".
constexpr std::array<std::string_view, 21> kNamedVolumeTypes = {
    "hostPath",  "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",       "nfs",     "iscsi",
    "glusterfs", "rbd",               "flexVolume",           "cinder",        "cephfs",  "flocker",
    "fc",        "azureFile",         "vsphereVolume",        "quobyte",       "azureDisk",
    "photonPersistentDisk",           "portworxVolume",       "scaleIO",       "storageos"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

class VolumeTypes : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-volume-types",
        .title = "Volume type outside the restricted set (Pod Security restricted)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "The restricted Pod Security Standard allows only volumes that Kubernetes itself manages: "
            "configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and "
            "secret. In-tree network and host volumes (hostPath, nfs, iscsi, rbd, gitRepo, ...) mount storage "
            "with the node's credentials and options the pod author controls. The published page omits "
            "`image`; the admission has allowed it since Kubernetes v1.33 (kubernetes/kubernetes#130394).",
        .fix =
            "Mount the storage through a PersistentVolumeClaim (an administrator defines the PersistentVolume "
            "or StorageClass), or use one of the allowed volume types.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kRestricted, 0, "pss-host-path", 0};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval&, std::vector<PssViolation>& out) const override {
    size_t i = 0;
    for (Node v : t.spec["volumes"].Items()) {
      std::string name(v["name"].Str());
      std::string base = t.path + ".volumes[" + (name.empty() ? std::to_string(i) : name) + "]";
      ++i;
      Node source;
      bool allowed = false;
      for (auto [key, value] : v.Entries()) {
        if (key.Str() == "name" || !value || value.IsNull()) continue;
        if (In(kAllowedVolumeTypes, key.Str())) {
          allowed = true;
        } else if (!source) {
          source = value;
        }
      }
      // A volume with no source at all is defaulted to emptyDir by the API server.
      if (allowed || !source) continue;
      std::string_view key = source.Key().Str();
      std::string type = In(kNamedVolumeTypes, key) ? std::string(key) : "unknown";
      PssViolation violation = Violation(source, base + "." + std::string(key), nullptr, "restricted volume types",
                                         "volume " + Quote(name) + " uses restricted volume type " + Quote(type),
                                         "Mount volume \"" + name +
                                             "\" through a persistentVolumeClaim (or use configMap, secret, "
                                             "emptyDir, projected, csi or ephemeral) instead of " +
                                             std::string(key) + ".",
                                         Severity::kNote);
      violation.shared_with_partner = key == "hostPath";
      out.push_back(std::move(violation));
    }
  }
};

class PrivilegeEscalation : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-privilege-escalation",
        .title = "Container may gain privileges (Pod Security restricted)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Unless `allowPrivilegeEscalation: false`, a process in the container can gain more privileges than "
            "its parent through set-user-ID or set-group-ID binaries or file capabilities (the kernel's "
            "no_new_privs flag stays off). The restricted Pod Security Standard requires the field to be "
            "false on every container; from policy version v1.25 pods with `spec.os.name: windows` are "
            "exempt.",
        .fix =
            "Set `securityContext.allowPrivilegeEscalation: false` on every container, init container and "
            "ephemeral container.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kRestricted, 8};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    if (e.minor >= 25 && pss::WindowsPod(t)) return;
    for (const ContainerRef& c : t.containers) {
      Node ape = c.node["securityContext"]["allowPrivilegeEscalation"];
      if (ape.Bool() == false) continue;
      bool explicit_true = ape.Bool() == true;
      out.push_back(Violation(explicit_true ? ape : pss::ContainerAnchor(c),
                              c.path + ".securityContext.allowPrivilegeEscalation", &c,
                              "allowPrivilegeEscalation != false",
                              AdmissionName(c) + " must set securityContext.allowPrivilegeEscalation=false",
                              "Set securityContext.allowPrivilegeEscalation: false on " + pss::Who(c) + ".",
                              explicit_true ? Severity::kWarning : Severity::kNote));
    }
  }
};

class RunAsNonRoot : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-run-as-non-root",
        .title = "Container may run as root (Pod Security restricted)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "`runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root (UID 0), "
            "whatever the image says. The restricted Pod Security Standard requires it at pod level, or on "
            "every container that does not inherit it, and forbids `runAsNonRoot: false`. From policy version "
            "v1.35 pods in a user namespace (`hostUsers: false`) are exempt.",
        .fix =
            "Set `spec.securityContext.runAsNonRoot: true` (and `runAsUser: <non-zero UID>` if the image's user "
            "is root), or set it on each container.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kRestricted};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    if (e.minor >= 35 && pss::UserNamespace(t)) return;
    std::string pod_fix =
        "Set spec.securityContext.runAsNonRoot: true (with runAsUser: <non-zero UID> if the "
        "image runs as root).";
    Node pod = t.spec["securityContext"]["runAsNonRoot"];
    bool pod_true = pod.Bool() == true;
    if (pod.Bool() == false) {
      out.push_back(Violation(pod, t.path + ".securityContext.runAsNonRoot", nullptr, "runAsNonRoot != true",
                              "pod must not set securityContext.runAsNonRoot=false", pod_fix, Severity::kWarning));
    }
    for (const ContainerRef& c : t.containers) {
      Node n = c.node["securityContext"]["runAsNonRoot"];
      std::string path = c.path + ".securityContext.runAsNonRoot";
      if (n.Bool() == false) {
        out.push_back(Violation(n, path, &c, "runAsNonRoot != true",
                                AdmissionName(c) + " must not set securityContext.runAsNonRoot=false",
                                "Set securityContext.runAsNonRoot: true on " + pss::Who(c) + ".", Severity::kWarning));
      } else if (!n.Bool().has_value() && !pod_true) {
        out.push_back(Violation(pss::ContainerAnchor(c), path, &c, "runAsNonRoot != true",
                                "pod or " + AdmissionName(c) + " must set securityContext.runAsNonRoot=true", pod_fix,
                                Severity::kNote));
      }
    }
  }
};

class RunAsUser : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-run-as-user",
        .title = "Container runs as UID 0 (Pod Security restricted)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "`runAsUser: 0` runs the container as root explicitly. The restricted Pod Security Standard "
            "forbids it at pod and container level from policy version v1.23 (an unset runAsUser is allowed; "
            "pss-run-as-non-root covers it). From v1.35 pods in a user namespace (`hostUsers: false`) are "
            "exempt.",
        .fix =
            "Set `runAsUser` to a non-zero UID the image supports, e.g. `runAsUser: 10001`, or remove it and "
            "set `runAsNonRoot: true`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kRestricted, 23};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    if (e.minor >= 35 && pss::UserNamespace(t)) return;
    auto is_root = [](Node n) { return n.IsScalar() && n.Int() && *n.Int() == 0; };
    Node pod = t.spec["securityContext"]["runAsUser"];
    if (is_root(pod)) {
      out.push_back(Violation(pod, t.path + ".securityContext.runAsUser", nullptr, "runAsUser=0",
                              "pod must not set runAsUser=0",
                              "Set spec.securityContext.runAsUser to a non-zero UID, e.g. 10001.", Severity::kWarning));
    }
    for (const ContainerRef& c : t.containers) {
      Node n = c.node["securityContext"]["runAsUser"];
      if (!is_root(n)) continue;
      out.push_back(Violation(
          n, c.path + ".securityContext.runAsUser", &c, "runAsUser=0", AdmissionName(c) + " must not set runAsUser=0",
          "Set securityContext.runAsUser of " + pss::Who(c) + " to a non-zero UID, e.g. 10001.", Severity::kWarning));
    }
  }
};

bool ValidSeccompType(std::string_view t) { return t == "RuntimeDefault" || t == "Localhost"; }

class SeccompRestricted : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-seccomp-restricted",
        .title = "No seccomp profile set (Pod Security restricted)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Without a seccomp profile most runtimes run containers Unconfined: every system call is allowed. "
            "The restricted Pod Security Standard requires `seccompProfile.type` RuntimeDefault or Localhost "
            "at pod level, or on every container that does not inherit it (policy version v1.19 and later; "
            "from v1.25 pods with `spec.os.name: windows` are exempt). An explicit Unconfined is reported by "
            "pss-seccomp in the security profile and by this rule under a restricted policy.",
        .fix = "Set `spec.securityContext.seccompProfile: {type: RuntimeDefault}`.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kRestricted, 19, "pss-seccomp", 19};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    if (e.minor >= 25 && pss::WindowsPod(t)) return;
    std::string fix = "Set spec.securityContext.seccompProfile: {type: RuntimeDefault}.";
    Node pod = t.spec["securityContext"]["seccompProfile"];
    bool pod_set = false;
    if (pod.IsMap()) {
      if (ValidSeccompType(pod["type"].Str())) {
        pod_set = true;
      } else {
        PssViolation v = Violation(
            pod["type"] ? pod["type"] : pod, t.path + ".securityContext.seccompProfile.type", nullptr, "seccompProfile",
            "pod must not set securityContext.seccompProfile.type to " + Quote(pod["type"].Str()), fix,
            Severity::kWarning);
        v.shared_with_partner = true;
        out.push_back(std::move(v));
      }
    }
    for (const ContainerRef& c : t.containers) {
      Node p = c.node["securityContext"]["seccompProfile"];
      std::string path = c.path + ".securityContext.seccompProfile.type";
      if (p.IsMap()) {
        if (ValidSeccompType(p["type"].Str())) continue;
        PssViolation v = Violation(
            p["type"] ? p["type"] : p, path, &c, "seccompProfile",
            AdmissionName(c) + " must not set securityContext.seccompProfile.type to " + Quote(p["type"].Str()), fix,
            Severity::kWarning);
        v.shared_with_partner = true;
        out.push_back(std::move(v));
      } else if (!pod_set) {
        out.push_back(Violation(pss::ContainerAnchor(c), path, &c, "seccompProfile",
                                "pod or " + AdmissionName(c) +
                                    " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or "
                                    "\"Localhost\"",
                                fix, Severity::kNote));
      }
    }
  }
};

class CapabilitiesRestricted : public PssControl {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pss-capabilities-restricted",
        .title = "Container does not drop ALL capabilities (Pod Security restricted)",
        .severity = Severity::kError,
        .category = "security",
        .help =
            "Runtimes give containers a default set of capabilities (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID, ...) "
            "that most programs never use. The restricted Pod Security Standard requires every container to "
            "drop them all (`capabilities.drop` contains `ALL`, exact and case-sensitive) and to add back at "
            "most NET_BIND_SERVICE (policy version v1.22 and later; from v1.25 pods with `spec.os.name: "
            "windows` are exempt).",
        .fix =
            "Set `securityContext.capabilities: {drop: [ALL]}` on every container, adding back only "
            "`add: [NET_BIND_SERVICE]` if it binds ports below 1024.",
    };
    return i;
  }
  const PssControlSpec& spec() const override {
    static const PssControlSpec s{PssLevel::kRestricted, 22, "pss-capabilities", 22};
    return s;
  }
  void Evaluate(const Context&, const PodTemplate& t, const PssEval& e, std::vector<PssViolation>& out) const override {
    if (e.minor >= 25 && pss::WindowsPod(t)) return;
    for (const ContainerRef& c : t.containers) {
      Node caps = c.node["securityContext"]["capabilities"];
      bool dropped_all = false;
      for (Node d : caps["drop"].Items()) dropped_all |= d.Str() == "ALL";
      if (!dropped_all) {
        Node at = caps["drop"] ? caps["drop"] : caps ? caps : pss::ContainerAnchor(c);
        out.push_back(Violation(at, c.path + ".securityContext.capabilities.drop", &c, "unrestricted capabilities",
                                AdmissionName(c) + " must set securityContext.capabilities.drop=[\"ALL\"]",
                                "Set securityContext.capabilities.drop: [ALL] on " + pss::Who(c) + ".",
                                Severity::kNote));
      }
      Node add = caps["add"];
      for (size_t i = 0; i < add.Size(); ++i) {
        Node cap = add.At(i);
        if (!cap.IsScalar() || cap.Str() == "NET_BIND_SERVICE") continue;
        PssViolation v = Violation(
            cap, c.path + ".securityContext.capabilities.add[" + std::to_string(i) + "]", &c,
            "unrestricted capabilities",
            AdmissionName(c) + " must not include " + Quote(cap.Str()) + " in securityContext.capabilities.add",
            "Remove " + std::string(cap.Str()) + " from securityContext.capabilities.add of " + pss::Who(c) +
                " (only NET_BIND_SERVICE may be added).",
            Severity::kNote);
        v.shared_with_partner = !pss::BaselineCapability(cap.Str());
        out.push_back(std::move(v));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakePssVolumeTypes() { return std::make_unique<VolumeTypes>(); }
std::unique_ptr<Rule> MakePssPrivilegeEscalation() { return std::make_unique<PrivilegeEscalation>(); }
std::unique_ptr<Rule> MakePssRunAsNonRoot() { return std::make_unique<RunAsNonRoot>(); }
std::unique_ptr<Rule> MakePssRunAsUser() { return std::make_unique<RunAsUser>(); }
std::unique_ptr<Rule> MakePssSeccompRestricted() { return std::make_unique<SeccompRestricted>(); }
std::unique_ptr<Rule> MakePssCapabilitiesRestricted() { return std::make_unique<CapabilitiesRestricted>(); }

}  // namespace kora
