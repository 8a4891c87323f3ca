// API versions checked against the target Kubernetes version (--kube-version):
// removed ones the API server no longer serves, deprecated ones it will stop
// serving. The table is analyzer/data/api-versions.tsv.
#include "analyzer/apiversions.h"
#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

int TargetMinor(const Context& ctx) {
  if (auto minor = ParseKubeVersion(ctx.options().kube_version)) return *minor;
  return NewestKubeMinor();
}

// Objects whose apiVersion is the author's choice. A live object's apiVersion
// is only the one the client asked for when it read the object: the API
// server converts stored objects itself.
template <typename F>
void ForEachAuthoredObject(const Context& ctx, F&& f) {
  for (const Object& o : ctx.objects().all()) {
    if (o.live() || ctx.Shadowed(o.id) || o.api_version.empty()) continue;
    f(o);
  }
}

// The field changes of every step from `from` to the migration's target.
std::string FieldChanges(const Migration& m) {
  std::string out;
  for (const ApiVersionInfo* step : m.steps) {
    if (step->changes.empty()) continue;
    if (!out.empty()) out += "; then for " + std::string(step->replacement) + ": ";
    out += step->changes;
  }
  return out;
}

std::string MigrationFix(const Object& o, const Migration& m) {
  std::string changes = FieldChanges(m);
  if (m.api_version.empty()) {
    return std::string(o.kind) + " has no replacement API: " + (changes.empty() ? "remove this object" : changes) +
           ".";
  }
  return "Change apiVersion to " + std::string(m.api_version) +
         (changes.empty() ? " (no field changes needed)." : " and make these field changes: " + changes + ".");
}

// An Ingress written for extensions/v1beta1 or networking.k8s.io/v1beta1:
// each backend and path that must change, with its networking.k8s.io/v1 form.
void RelateIngressChanges(Finding& f, const Object& o) {
  // {name: web, port: {number: 80}} for a v1beta1 backend, empty if it is not one.
  auto service = [](Node b) -> std::string {
    Node name = b["serviceName"];
    Node port = b["servicePort"];
    if (!name && !port) return "";
    std::string port_field;
    if (port.IsScalar()) {
      port_field = port.Int() ? "number: " + std::string(port.Str()) : "name: " + std::string(port.Str());
    }
    return "{name: " + std::string(name.Str()) + ", port: {" + port_field + "}}";
  };
  Node spec = o.Spec();
  if (Node b = spec["backend"]) {
    std::string svc = service(b);
    Reporter::Relate(f, o, b, "spec.backend",
                     svc.empty() ? "rename to spec.defaultBackend" : "write as defaultBackend: {service: " + svc + "}");
  }
  for (size_t i = 0; Node rule : spec["rules"].Items()) {
    std::string rule_path = "spec.rules[" + std::to_string(i++) + "].http.paths";
    for (size_t j = 0; Node p : rule["http"]["paths"].Items()) {
      std::string path = rule_path + "[" + std::to_string(j++) + "]";
      if (std::string svc = service(p["backend"]); !svc.empty()) {
        Reporter::Relate(f, o, p["backend"], path + ".backend", "write as backend: {service: " + svc + "}");
      }
      if (!p["pathType"]) {
        Reporter::Relate(f, o, p["path"] ? p["path"] : p, path,
                         "add pathType: Prefix, Exact or ImplementationSpecific (the v1beta1 behaviour)");
      }
    }
  }
}

class ApiVersionRemoved : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "api-version-removed",
        .title = "API version removed in the target Kubernetes version",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Kubernetes stops serving beta API versions some releases after a stable one replaces them. On a "
                "cluster at or past that release, applying the manifest fails (`no matches for kind \"Ingress\" in "
                "version \"extensions/v1beta1\"`), so the object is never created or updated. kora checks against "
                "`--kube-version` (default: the newest release its table knows) using the Kubernetes deprecated-API "
                "migration guide.",
        .fix = "Change apiVersion to the replacement the finding names and make the field changes it lists; "
               "`kubectl convert` (a kubectl plugin) can rewrite a file. See "
               "https://kubernetes.io/docs/reference/using-api/deprecation-guide/.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    int target = TargetMinor(ctx);
    ForEachAuthoredObject(ctx, [&](const Object& o) {
      const ApiVersionInfo* api = FindApiVersion(o.api_version, o.kind);
      if (!api || api->removed_in > target) return;
      Migration m = MigrationAt(*api, target);
      Finding& f = out.Report(o, o.Root()["apiVersion"], "apiVersion",
                              std::string(o.api_version) + " " + std::string(o.kind) +
                                  " is no longer served since Kubernetes " + KubeVersionName(api->removed_in) +
                                  " (target " + KubeVersionName(target) + "): applying it fails with no matches for "
                                  "kind \"" + std::string(o.kind) + "\" in version \"" +
                                  std::string(o.api_version) + "\"");
      if (out.Discarded(f)) return;
      f.fix = MigrationFix(o, m);
      if (o.kind == "Ingress") RelateIngressChanges(f, o);
    });
  }
};

class ApiVersionDeprecated : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "api-version-deprecated",
        .title = "API version deprecated in the target Kubernetes version",
        .severity = Severity::kWarning,
        .category = "correctness",
        .help = "A deprecated API version still works on the target Kubernetes version, and the API server "
                "answers every request with a warning, but a later release stops serving it: the manifest then "
                "fails to apply. Migrating before the upgrade avoids a blocked upgrade or a broken deploy.",
        .fix = "Change apiVersion to the replacement the finding names, with its field changes, before upgrading "
               "to the release that removes it. See "
               "https://kubernetes.io/docs/reference/using-api/deprecation-guide/.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    int target = TargetMinor(ctx);
    ForEachAuthoredObject(ctx, [&](const Object& o) {
      const ApiVersionInfo* api = FindApiVersion(o.api_version, o.kind);
      if (!api || api->removed_in <= target || api->deprecated_in == 0 || api->deprecated_in > target) return;
      // The replacement the guide names; newer ones are not served yet.
      Migration m = MigrationAt(*api, api->removed_in);
      Finding& f = out.Report(o, o.Root()["apiVersion"], "apiVersion",
                              std::string(o.api_version) + " " + std::string(o.kind) + " is deprecated since " +
                                  KubeVersionName(api->deprecated_in) + " and no longer served from " +
                                  KubeVersionName(api->removed_in) + " (target " + KubeVersionName(target) + ")");
      if (out.Discarded(f)) return;
      f.fix = MigrationFix(o, m) + " Do it before upgrading to " + KubeVersionName(api->removed_in) +
              " (`kubectl api-versions` lists what a cluster serves).";
      if (o.kind == "Ingress") RelateIngressChanges(f, o);
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeApiVersionRemoved() { return std::make_unique<ApiVersionRemoved>(); }
std::unique_ptr<Rule> MakeApiVersionDeprecated() { return std::make_unique<ApiVersionDeprecated>(); }

}  // namespace kora
