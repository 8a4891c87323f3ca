// Ingress wiring: class, backend Services and their ports, TLS Secrets.
#include "analyzer/engine.h"
#include "rules/references.h"
#include "rules/rules.h"

namespace kora {
namespace {

// IngressClass names that managed clouds and their controllers provide
// without an IngressClass object in the user's manifests.
bool KnownCloudClass(std::string_view name) {
  static constexpr std::string_view kKnown[] = {
      "alb", "gce", "gce-internal", "azure-application-gateway", "webapprouting.kubernetes.azure.com",
      "azure/application-gateway", "oci-native-ingress", "ingress-gce"};
  for (auto k : kKnown) {
    if (k == name) return true;
  }
  return false;
}

class IngressBackendServiceMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "ingress-backend-service-missing",
        .title = "Ingress backend Service does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "Every backend of an Ingress (rules and defaultBackend) names a Service in the Ingress's "
                "namespace. When it does not exist the controller has nowhere to send the request and answers "
                "503 (ingress-nginx logs `service \"ns/name\" does not have any active Endpoint` or "
                "`Service not found`).",
        .fix = "Correct backend.service.name to an existing Service in the same namespace, or add the Service.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Ingress")) {
      if (ctx.Shadowed(id)) continue;
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kIngressBackend)) {
        ReportUnresolved(ctx, out, *r, "backend", "requests routed here get 503",
                         "Point the backend at an existing Service, or create Service \"" +
                             ctx.graph().vertex(r->to).name + "\" in namespace \"" + ctx.graph().vertex(r->to).ns +
                             "\".");
      }
    }
  }
};

class IngressBackendPortMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "ingress-backend-port-missing",
        .title = "Ingress backend port is not a port of the Service",
        .severity = Severity::kError,
        .category = "references",
        .help = "An Ingress backend names a Service port by number or by name. The number must be one of the "
                "Service's `port` values (not a targetPort), the name one of its port names; otherwise the "
                "controller finds no matching port and the route fails with 503.",
        .fix = "Use a port the Service defines: `port: {number: <spec.ports[].port>}` or `port: {name: "
               "<spec.ports[].name>}`.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Ingress")) {
      if (ctx.Shadowed(id)) continue;
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kIngressBackend)) {
        const Object* svc = ctx.graph().Target(*r);
        if (!svc || r->key.empty()) continue;
        bool found = false;
        std::string ports;
        for (Node p : svc->Spec()["ports"].Items()) {
          if (p["port"].Str() == r->key || (!p["name"].Str().empty() && p["name"].Str() == r->key)) found = true;
          if (!ports.empty()) ports += ", ";
          ports += p["name"].Str().empty() ? std::string(p["port"].Str())
                                           : std::string(p["name"].Str()) + "=" + std::string(p["port"].Str());
        }
        if (found) continue;
        const Object& ing = ctx.objects()[id];
        Finding& f = out.ReportAt(ing, r->at,
                                  "backend port \"" + r->key + "\" is not a port of " + svc->Ref() +
                                      " (its ports: " + (ports.empty() ? "none" : ports) + ")");
        f.fix = "Use one of the Service's ports (" + (ports.empty() ? std::string("none defined") : ports) +
                ") in the backend.";
        Reporter::Relate(f, *svc, svc->Spec()["ports"], "spec.ports", "the Service's ports");
      }
    }
  }
};

class IngressClassMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "ingress-class-missing",
        .title = "IngressClass does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "spec.ingressClassName must name an IngressClass. With an unknown class no controller claims the "
                "Ingress: it never gets an address and serves nothing, silently. Class names that managed "
                "clouds provide without an object in your manifests (alb, gce, "
                "webapprouting.kubernetes.azure.com, ...) are not reported.",
        .fix = "Set ingressClassName to an installed class (kubectl get ingressclass), or install the controller "
               "that provides it.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Ingress")) {
      if (ctx.Shadowed(id)) continue;
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kIngressClass)) {
        if (KnownCloudClass(ctx.graph().vertex(r->to).name)) continue;
        ReportUnresolved(ctx, out, *r, "ingressClassName", "no controller will serve this Ingress",
                         "Use an installed IngressClass (kubectl get ingressclass) or install its controller.");
      }
    }
  }
};

class IngressTlsSecretMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "ingress-tls-secret-missing",
        .title = "Ingress TLS Secret does not exist",
        .severity = Severity::kError,
        .category = "references",
        .help = "spec.tls[].secretName must name a kubernetes.io/tls Secret in the Ingress's namespace. Without "
                "it the controller serves its default (self-signed) certificate and clients fail TLS "
                "verification. A cert-manager Certificate, ExternalSecret or SealedSecret in the input that "
                "produces the Secret counts as present.",
        .fix = "Create the TLS Secret (kubectl create secret tls <name> --cert=... --key=... -n <namespace>) or "
               "a cert-manager Certificate with that secretName.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Ingress")) {
      if (ctx.Shadowed(id)) continue;
      const Object& ing = ctx.objects()[id];
      for (const Reference* r : ctx.graph().References(id, EdgeKind::kTlsSecret)) {
        std::string name = ctx.graph().vertex(r->to).name;
        ReportUnresolved(ctx, out, *r, "tls", "the controller falls back to its default certificate",
                         "kubectl create secret tls " + name + " --cert=tls.crt --key=tls.key -n " +
                             std::string(ing.ns) + " (or add a cert-manager Certificate with secretName: " + name +
                             ")");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeIngressBackendServiceMissing() { return std::make_unique<IngressBackendServiceMissing>(); }
std::unique_ptr<Rule> MakeIngressBackendPortMissing() { return std::make_unique<IngressBackendPortMissing>(); }
std::unique_ptr<Rule> MakeIngressClassMissing() { return std::make_unique<IngressClassMissing>(); }
std::unique_ptr<Rule> MakeIngressTlsSecretMissing() { return std::make_unique<IngressTlsSecretMissing>(); }

}  // namespace kora
