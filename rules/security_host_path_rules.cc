// hostPath volumes that reach the node's most sensitive files, and hostPath
// mounts a container can write through. (pss-host-path reports every hostPath
// volume; these say which ones matter most and what to change.)
#include <array>

#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string Who(const ContainerRef& c) { return std::string(c.KindName()) + " \"" + std::string(c.name) + "\""; }

// "/var/run/" -> "/var/run"; "/" stays.
std::string_view TrimSlash(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return p;
}

// Why a host path is sensitive, or empty.
std::string Sensitive(std::string_view raw) {
  std::string_view p = TrimSlash(raw);
  for (std::string_view sock : {"docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock"}) {
    if (p.size() >= sock.size() && p.substr(p.size() - sock.size()) == sock) {
      return "the container runtime socket: whoever can write to it starts privileged containers on the node";
    }
  }
  // Whole system directories.
  static constexpr std::array<std::string_view, 16> kSystem = {
      "/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/lib", "/usr", "/bin", "/sbin", "/var", "/var/run",
      "/run", "/var/lib", "/home"};
  for (std::string_view d : kSystem) {
    if (p == d) return "the node's " + std::string(d == "/" ? "root filesystem" : std::string(d) + " directory");
  }
  // Directories holding cluster credentials or other containers' data.
  static constexpr std::array<std::string_view, 9> kCredentials = {
      "/var/lib/kubelet", "/etc/kubernetes", "/var/lib/etcd", "/var/lib/docker", "/var/lib/containerd",
      "/run/containerd", "/var/run/containerd", "/var/lib/cni", "/etc/cni"};
  for (std::string_view d : kCredentials) {
    if (p == d || (p.size() > d.size() && p.substr(0, d.size()) == d && p[d.size()] == '/')) {
      return "under " + std::string(d) + ", which holds node or cluster credentials and other pods' data";
    }
  }
  return {};
}

std::string VolumeName(Node v, size_t i) {
  std::string_view n = v["name"].Str();
  return n.empty() ? std::to_string(i) : std::string(n);
}

class HostPathSensitive : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "host-path-sensitive",
        .title = "hostPath volume mounts a sensitive node path",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "Some host paths hand over the node: the container runtime socket (docker.sock, "
                "containerd.sock, crio.sock) starts privileged containers; /, /etc, /proc, /sys, /dev, /root, "
                "/var/run and similar expose the node's configuration and processes; /var/lib/kubelet, "
                "/etc/kubernetes and /var/lib/etcd hold the credentials of the node and the cluster. Read-only "
                "does not help much for sockets and credentials.",
        .fix = "Remove the volume. If a node agent needs it, narrow the path to the one file or directory it "
               "reads, mount it readOnly, and run the agent in a namespace with a privileged Pod Security label.",
        .profile = Profile::kSecurity,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& obj = ctx.objects()[t->object];
      size_t i = 0;
      for (Node v : t->spec["volumes"].Items()) {
        std::string name = VolumeName(v, i++);
        Node path = v["hostPath"]["path"];
        if (!path.IsScalar()) continue;
        std::string why = Sensitive(path.Str());
        if (why.empty()) continue;
        // Name the containers that mount it.
        std::string users;
        const ContainerRef* first = nullptr;
        for (const ContainerRef& c : t->containers) {
          for (Node m : c.node["volumeMounts"].Items()) {
            if (m["name"].Str() != v["name"].Str()) continue;
            users += (users.empty() ? "" : ", ") + Who(c) + " at " + std::string(m["mountPath"].Str());
            if (!first) first = &c;
            break;
          }
        }
        Finding& f = out.Report(obj, path, t->path + ".volumes[" + name + "].hostPath.path",
                                "hostPath volume \"" + name + "\" mounts " + std::string(path.Str()) + ", " + why +
                                    (users.empty() ? "" : " (mounted by " + users + ")"));
        if (out.Discarded(f)) continue;
        if (first) f.container = std::string(first->name);
        f.fix = "Remove volume \"" + name + "\", or narrow its path to what the container needs and mount it "
                "readOnly: true.";
      }
    }
  }
};

class HostPathWritable : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "host-path-writable",
        .title = "hostPath volume mounted writable",
        .severity = Severity::kNote,
        .category = "security",
        .help = "A hostPath volume mounted without `readOnly: true` lets the container write to the node's "
                "filesystem: plant files other pods or the node will run, fill the node's disk, or change node "
                "configuration. Most agents that read host files (logs, metrics) never need to write.",
        .fix = "Add `readOnly: true` to the volumeMount (and, on Kubernetes 1.30+, `recursiveReadOnly: Enabled` "
               "for mounts below it).",
        .profile = Profile::kSecurity,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      std::vector<std::pair<std::string_view, std::string_view>> host;  // volume name, host path
      for (Node v : t->spec["volumes"].Items()) {
        if (v["hostPath"].IsMap()) host.emplace_back(v["name"].Str(), v["hostPath"]["path"].Str());
      }
      if (host.empty()) continue;
      for (const ContainerRef& c : t->containers) {
        size_t i = 0;
        for (Node m : c.node["volumeMounts"].Items()) {
          std::string index = std::to_string(i++);
          if (m["readOnly"].Bool() == true) continue;
          for (auto [vname, hpath] : host) {
            if (m["name"].Str() != vname) continue;
            Finding& f = out.Report(*t, c, m, "volumeMounts[" + index + "]",
                                    Who(c) + " mounts hostPath " + std::string(hpath) + " (volume \"" +
                                        std::string(vname) + "\") writable at " + std::string(m["mountPath"].Str()));
            f.fix = "Add readOnly: true to volumeMounts[" + index + "] of " + Who(c) + ".";
          }
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHostPathSensitive() { return std::make_unique<HostPathSensitive>(); }
std::unique_ptr<Rule> MakeHostPathWritable() { return std::make_unique<HostPathWritable>(); }

}  // namespace kora
