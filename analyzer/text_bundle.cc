// Replicated troubleshoot support bundles, unpacked
// (https://troubleshoot.sh/docs/support-bundle/). Their Kubernetes files are
// Lists (or, from older troubleshoot versions, bare arrays of items without
// apiVersion and kind) and are read as they are; the files that hold no
// objects are recognised by their place in the bundle and counted as skipped.
#include <sys/stat.h>

#include <array>
#include <filesystem>

#include "analyzer/text_evidence.h"

namespace kora {

namespace {

namespace fs = std::filesystem;

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

struct BundleType {
  std::string_view location;  // a directory of <namespace>.json files (ends in '/') or one file
  InferredType type;
};

// Where troubleshoot's clusterResources collector writes each kind
// (pkg/collect/cluster_resources.go).
constexpr std::array<BundleType, 31> kBundleTypes = {{
    {"cluster-resources/pods/", {"v1", "Pod"}},
    {"cluster-resources/services/", {"v1", "Service"}},
    {"cluster-resources/deployments/", {"apps/v1", "Deployment"}},
    {"cluster-resources/replicasets/", {"apps/v1", "ReplicaSet"}},
    {"cluster-resources/statefulsets/", {"apps/v1", "StatefulSet"}},
    {"cluster-resources/daemonsets/", {"apps/v1", "DaemonSet"}},
    {"cluster-resources/jobs/", {"batch/v1", "Job"}},
    {"cluster-resources/cronjobs/", {"batch/v1", "CronJob"}},
    {"cluster-resources/ingress/", {"networking.k8s.io/v1", "Ingress"}},
    {"cluster-resources/network-policy/", {"networking.k8s.io/v1", "NetworkPolicy"}},
    {"cluster-resources/resource-quota/", {"v1", "ResourceQuota"}},
    {"cluster-resources/resource-quotas/", {"v1", "ResourceQuota"}},
    {"cluster-resources/limitranges/", {"v1", "LimitRange"}},
    {"cluster-resources/pod-disruption-budgets/", {"policy/v1", "PodDisruptionBudget"}},
    {"cluster-resources/pvcs/", {"v1", "PersistentVolumeClaim"}},
    {"cluster-resources/roles/", {"rbac.authorization.k8s.io/v1", "Role"}},
    {"cluster-resources/rolebindings/", {"rbac.authorization.k8s.io/v1", "RoleBinding"}},
    {"cluster-resources/events/", {"v1", "Event"}},
    {"cluster-resources/serviceaccounts/", {"v1", "ServiceAccount"}},
    {"cluster-resources/endpoints/", {"v1", "Endpoints"}},
    {"cluster-resources/configmaps/", {"v1", "ConfigMap"}},
    {"cluster-resources/leases/", {"coordination.k8s.io/v1", "Lease"}},
    {"cluster-resources/namespaces.json", {"v1", "Namespace"}},
    {"cluster-resources/nodes.json", {"v1", "Node"}},
    {"cluster-resources/pvs.json", {"v1", "PersistentVolume"}},
    {"cluster-resources/storage-classes.json", {"storage.k8s.io/v1", "StorageClass"}},
    {"cluster-resources/clusterroles.json", {"rbac.authorization.k8s.io/v1", "ClusterRole"}},
    {"cluster-resources/clusterRoleBindings.json", {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"}},
    {"cluster-resources/custom-resource-definitions.json", {"apiextensions.k8s.io/v1", "CustomResourceDefinition"}},
    {"cluster-resources/priorityclasses.json", {"scheduling.k8s.io/v1", "PriorityClass"}},
    {"cluster-resources/volumeattachments.json", {"storage.k8s.io/v1", "VolumeAttachment"}},
}};

}  // namespace

bool IsSupportBundleRoot(const std::string& dir) {
  if (!IsDir(dir + "/cluster-resources")) return false;
  return Exists(dir + "/version.yaml") || IsDir(dir + "/cluster-info") || Exists(dir + "/analysis.json");
}

std::string FindSupportBundleRoot(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec).lexically_normal();
  if (ec) return {};
  if (!IsDir(p.string())) p = p.parent_path();
  // A file in a bundle is at most a few directories deep
  // (cluster-resources/pods/logs/<ns>/<pod>/<container>.log).
  for (int depth = 0; depth < 8 && !p.empty(); ++depth) {
    if (IsSupportBundleRoot(p.string())) return p.string();
    fs::path parent = p.parent_path();
    if (parent == p) break;
    p = parent;
  }
  return {};
}

std::string SupportBundleRelativePath(const std::string& root, const std::string& path) {
  std::error_code ec;
  fs::path r = fs::absolute(root, ec).lexically_normal();
  fs::path f = fs::absolute(path, ec).lexically_normal();
  if (ec) return {};
  fs::path rel = f.lexically_relative(r);
  std::string s = rel.generic_string();
  if (s.empty() || StartsWith(s, "..")) return {};
  return s;
}

std::string_view ClassifySupportBundleFile(std::string_view rel) {
  if (StartsWith(rel, "cluster-resources/pods/logs/")) return "pod-log";
  static constexpr std::array<std::string_view, 4> kFiles = {
      "version.yaml", "analysis.json", "cluster-resources/groups.json", "cluster-resources/resources.json"};
  for (auto f : kFiles) {
    if (rel == f) return "support-bundle-metadata";
  }
  // API discovery, RBAC self-review, what the collectors failed to read,
  // image pull secret summaries, and the configMap/secret collectors' own
  // {namespace, name, key, ...} records: none of them are objects.
  static constexpr std::array<std::string_view, 5> kDirs = {"cluster-info/", "cluster-resources/auth-cani-list/",
                                                            "cluster-resources/image-pull-secrets/", "secrets/",
                                                            "configmaps/"};
  for (auto d : kDirs) {
    if (StartsWith(rel, d)) return "support-bundle-metadata";
  }
  if (EndsWith(rel, "-errors.json")) return "support-bundle-metadata";
  return {};
}

std::optional<InferredType> InferSupportBundleType(std::string_view rel) {
  for (const BundleType& b : kBundleTypes) {
    if (b.location.back() == '/') {
      // <dir>/<namespace>.json directly, not logs or other subfolders.
      if (StartsWith(rel, b.location) && rel.find('/', b.location.size()) == std::string_view::npos) return b.type;
    } else if (rel == b.location) {
      return b.type;
    }
  }
  return std::nullopt;
}

}  // namespace kora
