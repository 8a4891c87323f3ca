// What a pod needs before it can start: its ServiceAccount, pull secrets
// that cover its registries, the ConfigMaps, Secrets, keys and claims it
// mounts or reads. Each missing piece is a pod that will not run.
#include <algorithm>

#include "analyzer/engine.h"
#include "analyzer/image.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string Who(const Reference& r) {
  if (r.container.empty()) return r.field;
  return "container \"" + r.container + "\" " + r.field;
}

bool IsVolume(const Reference& r) { return r.field.rfind("volume", 0) == 0; }

class ServiceAccountMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-account-missing",
        .title = "Pod's ServiceAccount does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "Pods run as the ServiceAccount in serviceAccountName (default: `default`, which always exists). "
                "If it does not exist, admission rejects every pod: the ReplicaSet or Job shows `FailedCreate ... "
                "error looking up service account <ns>/<name>: serviceaccount \"<name>\" not found` and no pod is "
                "ever created.",
        .fix = "Create the ServiceAccount in the workload's namespace (kubectl create serviceaccount <name> -n "
               "<namespace>), or fix serviceAccountName.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachAuthoredTemplate(ctx, [&](const PodTemplate& t, const Object& o) {
      for (const Reference* r : ctx.graph().References(t.object, EdgeKind::kServiceAccount)) {
        std::string name = ctx.graph().vertex(r->to).name;
        ReportUnresolved(ctx, out, *r, "serviceAccountName",
                         "no pod can be created (FailedCreate: serviceaccount \"" + name + "\" not found)",
                         "kubectl create serviceaccount " + name + " -n " + std::string(o.ns));
      }
    });
  }
};

class ImagePullSecretMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-pull-secret-missing",
        .title = "Image pull Secret does not exist",
        .severity = Severity::kWarning,
        .category = "references",
        .help = "imagePullSecrets on a pod, or on the ServiceAccount it runs as, name docker-registry Secrets. "
                "A missing one is skipped by the kubelet (event `Unable to retrieve some image pull secrets`), so "
                "pulls from a private registry go out without credentials and fail with 401/403: "
                "ErrImagePull, then ImagePullBackOff.",
        .fix = "kubectl create secret docker-registry <name> --docker-server=<registry> --docker-username=<user> "
               "--docker-password=<token> -n <namespace>",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    auto fix = [&](const Reference& r, std::string_view ns, const std::string& registry) {
      return "kubectl create secret docker-registry " + ctx.graph().vertex(r.to).name + " --docker-server=" +
             registry + " --docker-username=<user> --docker-password=<token> -n " + std::string(ns);
    };
    ForEachAuthoredTemplate(ctx, [&](const PodTemplate& t, const Object& o) {
      std::string registry = "<registry>";
      for (const ContainerRef& c : t.containers) {
        const ImageRef& img = c.image_ref;
        if (img.explicit_registry) {
          registry = img.registry;
          break;
        }
      }
      for (const Reference* r : ctx.graph().References(t.object, EdgeKind::kPullSecret)) {
        ReportUnresolved(ctx, out, *r, "imagePullSecrets",
                         "private images of this pod will fail to pull (ImagePullBackOff)", fix(*r, o.ns, registry));
      }
    });
    for (ObjectId id : ctx.objects().OfKind("ServiceAccount")) {
      if (ctx.Shadowed(id)) continue;
      const Object& sa = ctx.objects()[id];
      // Name the workloads that run as this ServiceAccount: they are the ones that fail.
      std::string users;
      std::string registry = "<registry>";
      for (const Reference* u : ctx.graph().Referrers(id, EdgeKind::kServiceAccount)) {
        const Object& w = ctx.objects()[ctx.graph().Root(u->from)];
        if (users.find(w.Ref()) == std::string::npos) users += (users.empty() ? "" : ", ") + w.Ref();
        if (const PodTemplate* t = ctx.graph().TemplateOf(u->from)) {
          for (const ContainerRef& c : t->containers) {
            const ImageRef& img = c.image_ref;
            if (img.explicit_registry && registry == "<registry>") registry = img.registry;
          }
        }
      }
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kPullSecret)) {
        Finding* f = ReportUnresolved(
            ctx, out, *r, "ServiceAccount " + std::string(sa.name) + " imagePullSecrets",
            "pods running as it" + (users.empty() ? std::string() : " (" + users + ")") +
                " pull private images without credentials (ImagePullBackOff)",
            fix(*r, sa.ns, registry));
        (void)f;
      }
    }
  }
};

// Registries anyone can pull from without credentials.
bool PublicRegistry(std::string_view host) {
  // Registries that serve only public images. Multi-tenant ones that also
  // host private repositories (ghcr.io, quay.io, gcr.io) are checked.
  static constexpr std::string_view kPublic[] = {"docker.io", "registry.k8s.io", "k8s.gcr.io", "public.ecr.aws",
                                                 "mcr.microsoft.com"};
  for (auto p : kPublic) {
    if (host == p) return true;
  }
  return false;
}

class ImagePullSecretRegistryMismatch : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-pull-secret-registry-mismatch",
        .title = "No pull secret covers the image's registry",
        .severity = Severity::kWarning,
        .category = "references",
        .help = "The kubelet only sends credentials whose registry host matches the image's. When a pod (or its "
                "ServiceAccount) has pull secrets but none has an `auths` entry for the registry of one of its "
                "images, that pull is anonymous and a private registry answers 401: ImagePullBackOff before "
                "anything runs. kora decodes .dockerconfigjson to read the hosts only; credentials are never "
                "printed. Public registries (docker.io, registry.k8s.io, quay.io, ghcr.io, ...) are not reported.",
        .fix = "Add an entry for the registry to one of the pull secrets, e.g. recreate it with kubectl create "
               "secret docker-registry <name> --docker-server=<registry> ..., or reference a secret that has it.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    const Graph& g = ctx.graph();
    ForEachAuthoredTemplate(ctx, [&](const PodTemplate& t, const Object& o) {
      // Pull secrets of the pod, then of its ServiceAccount; only those in the input can be read.
      std::vector<std::pair<const Object*, const std::vector<std::string>*>> secrets;
      auto take = [&](const Reference* r) {
        const Object* s = g.Target(*r);
        if (!s) return;
        if (const auto* hosts = g.RegistryHosts(s->id)) secrets.emplace_back(s, hosts);
      };
      // The ServiceAccount's pull secrets are copied into pods that list none.
      auto own = g.References(t.object, EdgeKind::kPullSecret);
      for (const Reference* r : own) take(r);
      if (own.empty()) {
        for (const Reference* sa : g.References(t.object, EdgeKind::kServiceAccount)) {
          if (const Object* account = g.Target(*sa)) {
            for (const Reference* r : g.References(account->id, EdgeKind::kPullSecret)) take(r);
          }
        }
      }
      if (secrets.empty()) return;
      for (const ContainerRef& c : t.containers) {
        Node image = c.image;
        const ImageRef& img = c.image_ref;
        if (!img.valid || PublicRegistry(img.registry)) continue;
        bool covered = false;
        std::string have;
        for (auto [s, hosts] : secrets) {
          for (const std::string& h : *hosts) {
            covered |= SameRegistry(h, img.registry);
            have += (have.empty() ? "" : ", ") + std::string(s->name) + ": " + h;
          }
        }
        if (covered) continue;
        Finding& f = out.Report(t, c, image, "image",
                                std::string(c.KindName()) + " \"" + std::string(c.name) + "\" pulls from " +
                                    img.registry + ", but no pull secret of the pod or its ServiceAccount has "
                                    "credentials for it (they cover " + (have.empty() ? "no registry" : have) +
                                    "): the pull will be anonymous and fail on a private registry");
        for (auto [s, hosts] : secrets) Reporter::Relate(f, *s, s->Root()["type"], "type", "pull secret");
        f.fix = "kubectl create secret docker-registry <name> --docker-server=" + img.registry +
                " --docker-username=<user> --docker-password=<token> -n " + std::string(o.ns) +
                ", then add it to imagePullSecrets of the pod or of its ServiceAccount.";
      }
    });
  }
};

class ConfigReferenceRule : public Rule {
 protected:
  // Reports unresolved ConfigMap or Secret references of authored templates.
  void CheckKind(const Context& ctx, Reporter& out, EdgeKind kind, std::string_view noun) const {
    ForEachAuthoredTemplate(ctx, [&](const PodTemplate& t, const Object& o) {
      for (const Reference* r : ctx.graph().References(t.object, kind)) {
        std::string name = ctx.graph().vertex(r->to).name;
        std::string lower(noun);
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string consequence =
            IsVolume(*r) ? "the pod cannot start (FailedMount: " + lower + " \"" + name + "\" not found)"
                         : "the container cannot start (CreateContainerConfigError: " + lower + " \"" + name +
                               "\" not found)";
        std::string fix = kind == EdgeKind::kConfigMap
                              ? "kubectl create configmap " + name + " --from-literal=<key>=<value> -n " +
                                    std::string(o.ns) + " (or mark the reference optional: true)"
                              : "kubectl create secret generic " + name + " --from-literal=<key>=<value> -n " +
                                    std::string(o.ns) + " (or mark the reference optional: true)";
        ReportUnresolved(ctx, out, *r, Who(*r), consequence, fix);
      }
    });
  }
};

class ConfigMapMissing : public ConfigReferenceRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "configmap-missing",
        .title = "Referenced ConfigMap does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "A container reads a ConfigMap through env valueFrom, envFrom, a configMap volume or a projected "
                "volume. Unless the reference says `optional: true`, a missing ConfigMap keeps the pod from "
                "starting: `CreateContainerConfigError` for env, `FailedMount` for volumes.",
        .fix = "Create the ConfigMap in the pod's namespace, correct the name, or mark the reference optional: "
               "true if the pod can run without it.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    CheckKind(ctx, out, EdgeKind::kConfigMap, "ConfigMap");
  }
};

class SecretMissing : public ConfigReferenceRule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "secret-missing",
        .title = "Referenced Secret does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "A container reads a Secret through env valueFrom, envFrom, a secret volume or a projected "
                "volume. Unless the reference says `optional: true`, a missing Secret keeps the pod from "
                "starting: `CreateContainerConfigError` for env, `FailedMount` for volumes. An ExternalSecret or "
                "SealedSecret in the input that produces it counts as present.",
        .fix = "Create the Secret in the pod's namespace (or the ExternalSecret/SealedSecret that produces it), "
               "correct the name, or mark the reference optional: true.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override { CheckKind(ctx, out, EdgeKind::kSecret, "Secret"); }
};

class ConfigKeyMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "config-key-missing",
        .title = "Referenced ConfigMap or Secret key does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "configMapKeyRef, secretKeyRef and volume `items` name a key of the ConfigMap or Secret. If the "
                "object exists but lacks the key, the container fails with CreateContainerConfigError "
                "(`couldn't find key <key> in ConfigMap/Secret`) or the volume fails to mount, unless the "
                "reference is optional.",
        .fix = "Add the key to the ConfigMap/Secret, or correct the key name in the reference.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachAuthoredTemplate(ctx, [&](const PodTemplate& t, const Object& o) {
      for (const Reference* r : ctx.graph().References(t.object)) {
        if ((r->kind != EdgeKind::kConfigMap && r->kind != EdgeKind::kSecret) || r->key.empty() || r->optional) {
          continue;
        }
        const Object* target = ctx.graph().Target(*r);
        if (!target) continue;
        Node root = target->Root();
        bool is_cm = r->kind == EdgeKind::kConfigMap;
        // env configMapKeyRef reads data only; volumes also project binaryData.
        bool has = is_cm ? (root["data"][r->key] || (IsVolume(*r) && root["binaryData"][r->key]))
                         : (root["data"][r->key] || root["stringData"][r->key]);
        if (has) continue;
        std::string keys;
        const char* fields[] = {"data", is_cm ? "binaryData" : "stringData"};
        for (const char* field : fields) {
          for (auto [k, v] : root[field].Entries()) keys += (keys.empty() ? "" : ", ") + std::string(k.Str());
        }
        Finding& f = out.ReportAt(o, r->at,
                                  Who(*r) + " reads key \"" + r->key + "\" of " + target->Ref() +
                                      ", which has no such key (keys: " + (keys.empty() ? "none" : keys) +
                                      (IsVolume(*r) ? "): the volume fails to mount (FailedMount)"
                                                    : "): the container fails with CreateContainerConfigError"));
        if (out.Discarded(f)) continue;
        f.container = r->container;
        Node data = root["data"] ? root["data"] : root;
        Reporter::Relate(f, *target, data, root["data"] ? "data" : "", "the " + std::string(target->kind) + "'s keys");
        f.fix = "Add key \"" + r->key + "\" to " + target->Ref() + ", or use one of its keys (" +
                (keys.empty() ? std::string("none") : keys) + ").";
      }
    });
  }
};

class PvcMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "pvc-missing",
        .title = "Referenced PersistentVolumeClaim does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "A persistentVolumeClaim volume names a claim in the pod's namespace. Without it the pod stays "
                "Pending with `persistentvolumeclaim \"<name>\" not found` and never starts.",
        .fix = "Create the PersistentVolumeClaim, correct claimName, or for a StatefulSet use "
               "volumeClaimTemplates.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachAuthoredTemplate(ctx, [&](const PodTemplate& t, const Object& o) {
      for (const Reference* r : ctx.graph().References(t.object, EdgeKind::kClaim)) {
        ReportUnresolved(ctx, out, *r, r->field,
                         "the pod stays Pending (persistentvolumeclaim \"" + ctx.graph().vertex(r->to).name +
                             "\" not found)",
                         "Create PersistentVolumeClaim \"" + ctx.graph().vertex(r->to).name + "\" in namespace \"" +
                             std::string(o.ns) + "\" or correct claimName.");
      }
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeServiceAccountMissing() { return std::make_unique<ServiceAccountMissing>(); }
std::unique_ptr<Rule> MakeImagePullSecretMissing() { return std::make_unique<ImagePullSecretMissing>(); }
std::unique_ptr<Rule> MakeImagePullSecretRegistryMismatch() {
  return std::make_unique<ImagePullSecretRegistryMismatch>();
}
std::unique_ptr<Rule> MakeConfigMapMissing() { return std::make_unique<ConfigMapMissing>(); }
std::unique_ptr<Rule> MakeSecretMissing() { return std::make_unique<SecretMissing>(); }
std::unique_ptr<Rule> MakeConfigKeyMissing() { return std::make_unique<ConfigKeyMissing>(); }
std::unique_ptr<Rule> MakePvcMissing() { return std::make_unique<PvcMissing>(); }

}  // namespace kora
