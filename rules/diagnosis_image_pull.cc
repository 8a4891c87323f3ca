// Diagnosis: pods that cannot pull an image. The error message says what the
// registry answered; the graph says whether credentials could have been sent
// (pull secrets of the pod and its ServiceAccount, their registries) and
// whether the pull policy forbids pulling at all.
#include <algorithm>
#include <fmt/format.h>

#include "analyzer/diagnosis.h"
#include "analyzer/image.h"
#include "rules/rules.h"

namespace kora {
namespace {

enum class PullError { kNeverPull, kInvalidName, kRateLimit, kPlatform, kTls, kDns, kTimeout, kAuth, kNotFound, kUnknown };

bool Has(std::string_view s, std::string_view needle) {
  // Status codes count only as whole numbers: "429" inside a sha256 digest
  // is not a rate limit.
  bool number = !needle.empty() && std::all_of(needle.begin(), needle.end(), [](char c) { return c >= '0' && c <= '9'; });
  for (size_t at = s.find(needle); at != std::string_view::npos; at = s.find(needle, at + 1)) {
    if (!number) return true;
    bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(s[at - 1]));
    size_t end = at + needle.size();
    bool right = end >= s.size() || !std::isalnum(static_cast<unsigned char>(s[end]));
    if (left && right) return true;
  }
  return false;
}

PullError Classify(std::string_view reason, std::string_view m) {
  if (reason == "ErrImageNeverPull" || Has(m, "with pull policy of Never")) return PullError::kNeverPull;
  if (reason == "InvalidImageName" || Has(m, "invalid reference format") || Has(m, "couldn't parse image reference")) {
    return PullError::kInvalidName;
  }
  if (Has(m, "429") || Has(m, "toomanyrequests") || Has(m, "rate limit")) return PullError::kRateLimit;
  if (Has(m, "no matching manifest for") || Has(m, "does not match the specified platform")) return PullError::kPlatform;
  if (Has(m, "x509") || Has(m, "certificate signed by unknown authority") || Has(m, "tls: failed to verify")) {
    return PullError::kTls;
  }
  if (Has(m, "no such host") || Has(m, "server misbehaving") || Has(m, "Temporary failure in name resolution")) {
    return PullError::kDns;
  }
  if (Has(m, "i/o timeout") || Has(m, "deadline exceeded") || Has(m, "TLS handshake timeout") ||
      Has(m, "connection timed out") || Has(m, "connection refused") || Has(m, "network is unreachable")) {
    return PullError::kTimeout;
  }
  if (Has(m, "401") || Has(m, "403") || Has(m, "nauthorized") || Has(m, "denied") || Has(m, "authentication required") ||
      Has(m, "failed to authorize") || Has(m, "no basic auth credentials") || Has(m, "Forbidden") ||
      Has(m, "forbidden")) {
    return PullError::kAuth;
  }
  if (Has(m, "not found") || Has(m, "manifest unknown") || Has(m, "NotFound") || Has(m, "name unknown") ||
      Has(m, "does not exist")) {
    return PullError::kNotFound;
  }
  return PullError::kUnknown;
}

std::string_view PullErrorText(PullError e) {
  switch (e) {
    case PullError::kNeverPull: return "the image is not on the node and imagePullPolicy: Never forbids pulling it";
    case PullError::kInvalidName: return "the image reference is not valid";
    case PullError::kRateLimit: return "the registry rate-limited the pull (429 Too Many Requests)";
    case PullError::kPlatform: return "the image has no variant for the node's platform";
    case PullError::kTls: return "the registry's TLS certificate is not trusted by the node (x509)";
    case PullError::kDns: return "the registry host name does not resolve from the node";
    case PullError::kTimeout: return "the registry could not be reached in time from the node";
    case PullError::kAuth: return "the registry refused the pull: authentication failed (401/403)";
    case PullError::kNotFound: return "the registry has no such image or tag";
    case PullError::kUnknown: return "the pull keeps failing (the evidence does not say why)";
  }
  return "";
}

bool IsPullFailure(const ContainerProblem& p) {
  return p.reason == "ImagePullBackOff" || p.reason == "ErrImagePull" || p.reason == "ErrImageNeverPull" ||
         p.reason == "InvalidImageName";
}

// Managed cloud nodes start from a plain image: nothing is preloaded.
std::string ManagedCloud(const Context& ctx) {
  for (ObjectId id : ctx.objects().OfKind("Node")) {
    std::string_view pid = ctx.objects()[id].Spec()["providerID"].Str();
    if (pid.rfind("azure://", 0) == 0) return "AKS (Azure)";
    if (pid.rfind("aws://", 0) == 0) return "EKS (AWS)";
    if (pid.rfind("gce://", 0) == 0) return "GKE (Google Cloud)";
  }
  return {};
}

struct PullSecretState {
  std::vector<const Reference*> refs;  // pull secret references (pod, then ServiceAccount)
  std::vector<const Reference*> missing;
  std::vector<const Object*> covering;
  std::vector<std::pair<const Object*, std::string>> present;  // secret, the hosts it covers
  const Object* account = nullptr;
  const Reference* account_ref = nullptr;
};

PullSecretState PullSecrets(const Context& ctx, const ContainerSpec& spec, const std::string& registry) {
  PullSecretState s;
  if (!spec.owner) return s;
  const Graph& g = ctx.graph();
  auto consider = [&](const Reference* r) {
    s.refs.push_back(r);
    const Object* secret = g.Target(*r);
    if (!secret) {
      if (!IsResolved(r->resolution)) s.missing.push_back(r);
      return;
    }
    std::string hosts;
    if (const auto* list = g.RegistryHosts(secret->id)) {
      for (const std::string& h : *list) {
        hosts += (hosts.empty() ? "" : ", ") + h;
        if (SameRegistry(h, registry)) s.covering.push_back(secret);
      }
    }
    s.present.emplace_back(secret, hosts);
  };
  // The ServiceAccount's pull secrets are copied into pods that list none.
  auto own = g.References(spec.owner->id, EdgeKind::kPullSecret);
  for (const Reference* r : own) consider(r);
  for (const Reference* sa : g.References(spec.owner->id, EdgeKind::kServiceAccount)) {
    s.account_ref = sa;
    s.account = g.Target(*sa);
    if (s.account && own.empty()) {
      for (const Reference* r : g.References(s.account->id, EdgeKind::kPullSecret)) consider(r);
    }
  }
  return s;
}

class ImagePullFailure : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-pull-failure",
        .title = "Pods cannot pull their image",
        .severity = Severity::kError,
        .category = "diagnosis",
        .help = "Diagnosis from evidence: containers waiting in ErrImagePull, ImagePullBackOff, ErrImageNeverPull or "
                "InvalidImageName. kora reads the kubelet's pull error (events and container status) to tell a "
                "missing tag from an authentication failure, an unreachable or untrusted registry, a rate limit or "
                "a wrong platform, then checks the configuration behind it: the pull secrets of the pod and of its "
                "ServiceAccount, whether they exist, whether any has credentials for the image's registry, and "
                "imagePullPolicy: Never on nodes of a managed cloud. One diagnosis covers every pod of a workload "
                "failing for the same cause.",
        .fix = "Follow the fix of the diagnosis: it names the Secret, ServiceAccount or field to change, with the "
               "kubectl command.",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    std::vector<ContainerProblem> all = ContainerProblems(ctx);
    std::vector<const ContainerProblem*> pulls;
    for (const ContainerProblem& p : all) {
      if (IsPullFailure(p)) pulls.push_back(&p);
    }
    if (pulls.empty()) return;
    std::string cloud = ManagedCloud(ctx);
    // Everything about one failing pull: spec, error, secrets. Computed per
    // problem, so the grouping key can include the cause.
    struct Info {
      ContainerSpec spec;
      std::string image;
      ImageRef ref;
      const EventRecord* error_event = nullptr;
      PullError error = PullError::kUnknown;
      std::string error_message;
      PullSecretState secrets;
      std::string cause;
      std::string cause_detail;
    };
    std::map<const ContainerProblem*, Info> infos;
    for (const ContainerProblem* p : pulls) {
      Info in;
      in.spec = SpecOf(ctx, *p);
      in.image = std::string(p->status["image"].Str());
      if (in.image.empty() && in.spec.ref) in.image = std::string(in.spec.ref->node["image"].Str());
      in.ref = ParseImage(in.image);
      std::vector<const EventRecord*> events = PodEvents(ctx, *p->pod);
      // The kubelet's "Failed to pull image" event has the registry's answer;
      // the BackOff events only repeat that it keeps failing.
      in.error_event = FindEvent(events, {"Failed"}, "Failed to pull image");
      if (!in.error_event) in.error_event = FindEvent(events, {"Failed", "ErrImageNeverPull", "InspectFailed"}, "image");
      // Pasted incident notes often quote an Events section without the
      // object it belongs to: pull events in the same file stand for the one
      // pod of that file that fails to pull.
      if (!in.error_event && p->pod->from_text()) {
        const EventRecord* best = nullptr;
        size_t pulling_pods = 0;
        for (const ContainerProblem* other : pulls) {
          pulling_pods += other->pod->file == p->pod->file ? 1 : 0;
        }
        for (const EventRecord& e : ctx.evidence().events()) {
          if (!e.name.empty() || e.loc.file != p->pod->file) continue;
          if (e.message.find("image") == std::string_view::npos) continue;
          if (e.reason == "Failed" || e.reason == "BackOff" || e.reason == "ErrImageNeverPull") {
            if (!best || e.message.find("Failed to pull") != std::string_view::npos) best = &e;
          }
        }
        if (best && pulling_pods == 1) in.error_event = best;
      }
      // The image, when only the kubelet's message names it.
      if (in.image.empty() && in.error_event) {
        std::string_view m = in.error_event->message;
        auto q = m.find("image \"");
        if (q != std::string_view::npos) {
          auto e = m.find('"', q + 7);
          if (e != std::string_view::npos) in.image = std::string(m.substr(q + 7, e - q - 7));
        }
        in.ref = ParseImage(in.image);
      }
      in.error_message = in.error_event ? std::string(in.error_event->message) : p->message;
      in.error = Classify(p->reason, in.error_message);
      if (in.error == PullError::kUnknown && in.error_event) in.error = Classify(p->reason, p->message);
      in.secrets = PullSecrets(ctx, in.spec, in.ref.registry);
      Decide(ctx, *p, in.error, in.secrets, in.ref, in.spec, in.cause, in.cause_detail);
      infos.emplace(p, std::move(in));
    }
    // Pods that only say they fail to pull take the cause their workload's
    // better-documented pods show.
    std::map<const ContainerProblem*, std::string> causes;
    for (const ContainerProblem* p : pulls) causes[p] = infos.at(p).cause;
    ShareCauses(ctx, pulls, causes, "unknown");
    auto groups = GroupProblems(ctx, pulls, [&](const ContainerProblem& p) {
      const Info& in = infos.at(&p);
      return causes[&p] + "|" + (causes[&p] == in.cause ? in.cause_detail : std::string());
    });
    for (ProblemGroup& g : groups) {
      std::stable_partition(g.problems.begin(), g.problems.end(),
                            [&](const ContainerProblem* p) { return infos.at(p).cause == causes[p]; });
    }
    for (const ProblemGroup& g : groups) {
      const ContainerProblem& first = *g.problems.front();
      const Info& in = infos.at(&first);
      Emit(ctx, out, g, first, in.spec, in.image, in.ref, in.error_event, in.error, in.error_message, in.secrets,
           in.cause, in.cause_detail, cloud);
    }
  }

 private:
  static void Decide(const Context& ctx, const ContainerProblem& p, PullError error, const PullSecretState& s,
                     const ImageRef& ref, const ContainerSpec& spec, std::string& cause, std::string& detail) {
    std::string_view policy = spec.ref ? spec.ref->node["imagePullPolicy"].Str() : std::string_view();
    if (error == PullError::kNeverPull || policy == "Never") {
      cause = "pull-policy-never";
      return;
    }
    switch (error) {
      case PullError::kInvalidName: cause = "invalid-image-name"; return;
      case PullError::kRateLimit: cause = "rate-limited"; return;
      case PullError::kPlatform: cause = "wrong-platform"; return;
      case PullError::kTls: cause = "registry-tls"; return;
      case PullError::kDns: cause = "registry-dns"; return;
      case PullError::kTimeout: cause = "registry-unreachable"; return;
      case PullError::kNotFound: cause = "image-not-found"; return;
      default: break;
    }
    // Authentication failure (or no detail): look at the credentials.
    if (s.covering.empty() && !s.missing.empty()) {
      cause = "pull-secret-missing";
      detail = ctx.graph().vertex(s.missing.front()->to).name;
      return;
    }
    if (s.covering.empty() && !s.present.empty()) {
      cause = "pull-secret-registry-mismatch";
      detail = ref.registry;
      return;
    }
    if (s.refs.empty()) {
      cause = error == PullError::kAuth ? "no-pull-secret" : "unknown";
      return;
    }
    cause = error == PullError::kAuth ? "credentials-rejected" : "unknown";
  }

  static void Emit(const Context& ctx, Reporter& out, const ProblemGroup& g, const ContainerProblem& p,
                   const ContainerSpec& spec, const std::string& image, const ImageRef& ref, const EventRecord* ev,
                   PullError error, const std::string& error_message, const PullSecretState& s,
                   const std::string& cause, const std::string& detail, const std::string& cloud) {
    const Object& workload = *g.workload;
    std::string ns(workload.ns);
    std::string who = ContainerName(p);
    if (p.container.empty() && spec.ref) who = (p.init ? "init container " : "container ") + Quote(spec.ref->name);
    // Where the fix goes decides the finding's location.
    const Object* at_obj = spec.owner ? spec.owner : p.pod;
    Node at = spec.ref ? spec.ref->node["image"] : Node();
    std::string at_path = spec.ref ? spec.ref->path + ".image" : p.path;
    std::string message, fix, verify;
    std::string registry = ref.registry;
    if (cause == "pull-secret-missing") {
      const Reference* r = s.missing.front();
      const Object& holder = ctx.objects()[r->from];
      at_obj = &holder;
      message = r->resolution == Resolution::kMissing
                    ? fmt::format("{}: {} cannot pull {}: {} names pull secret {}, which does not exist in namespace "
                                  "{}, so the pull from {} has no credentials",
                                  workload.Ref(), who, image, holder.Ref(), Quote(detail), Quote(ns), registry)
                    : fmt::format("{}: {} cannot pull {}: {} names pull secret {}, which is not in the input, and {} "
                                  "refused the pull for want of credentials: the secret is most likely absent from "
                                  "namespace {}",
                                  workload.Ref(), who, image, holder.Ref(), Quote(detail), registry, Quote(ns));
      fix = fmt::format("kubectl create secret docker-registry {} --docker-server={} --docker-username=<user> "
                        "--docker-password=<password> -n {}",
                        detail, registry, ns);
    } else if (cause == "pull-secret-registry-mismatch") {
      std::string names;
      for (const auto& [secret, hosts] : s.present) {
        names += (names.empty() ? "" : ", ") + std::string(secret->name) + " (" + (hosts.empty() ? "no registry" : hosts) + ")";
      }
      message = fmt::format("{}: {} cannot pull {}: none of its pull secrets has credentials for {} (they cover: {}), "
                            "so the pull is anonymous",
                            workload.Ref(), who, image, registry, names);
      fix = fmt::format("kubectl create secret docker-registry {}-pull --docker-server={} --docker-username=<user> "
                        "--docker-password=<password> -n {}",
                        ref.repository.substr(0, ref.repository.find('/')), registry, ns);
      std::string secret = ref.repository.substr(0, ref.repository.find('/')) + "-pull";
      // A pod's own imagePullSecrets replace its ServiceAccount's: add the
      // secret where the pod takes them from.
      bool own = spec.owner && !ctx.graph().References(spec.owner->id, EdgeKind::kPullSecret).empty();
      if (own && spec.tmpl) {
        fix += fmt::format("\nthen add it to {}: {}.imagePullSecrets: [..., {{name: {}}}]", spec.owner->Ref(),
                           spec.tmpl->path, secret);
      } else if (s.account) {
        fix += fmt::format("\nkubectl patch serviceaccount {} -n {} --type=json -p '[{{\"op\":\"add\",\"path\":"
                           "\"/imagePullSecrets/-\",\"value\":{{\"name\":\"{}\"}}}}]'",
                           s.account->name, ns, secret);
      }
    } else if (cause == "no-pull-secret") {
      message = fmt::format("{}: {} cannot pull {}: the registry {} requires credentials and neither the pod nor its "
                            "ServiceAccount has an imagePullSecret",
                            workload.Ref(), who, image, registry);
      std::string sa = s.account ? std::string(s.account->name) : "default";
      fix = fmt::format("kubectl create secret docker-registry regcred --docker-server={} --docker-username=<user> "
                        "--docker-password=<password> -n {}\nkubectl patch serviceaccount {} -n {} -p "
                        "'{{\"imagePullSecrets\":[{{\"name\":\"regcred\"}}]}}'",
                        registry, ns, sa, ns);
    } else if (cause == "credentials-rejected") {
      message = fmt::format("{}: {} cannot pull {}: the registry {} rejected the credentials of the pull secret "
                            "(expired token or no pull permission on the repository)",
                            workload.Ref(), who, image, registry);
      fix = fmt::format("Renew the credentials: kubectl create secret docker-registry <name> --docker-server={} "
                        "--docker-username=<user> --docker-password=<new token> -n {} --dry-run=client -o yaml | "
                        "kubectl apply -f -",
                        registry, ns);
    } else if (cause == "pull-policy-never") {
      Node policy = spec.ref ? spec.ref->node["imagePullPolicy"] : Node();
      if (policy) {
        at = policy;
        at_path = spec.ref->path + ".imagePullPolicy";
      }
      message = fmt::format("{}: {} sets imagePullPolicy: Never, and image {} is not on the node{}",
                            workload.Ref(), who, image,
                            cloud.empty() ? "" : " (" + cloud + " nodes start without local images)");
      fix = fmt::format("Push {} to a registry the cluster can pull from, then set imagePullPolicy: IfNotPresent on "
                        "{} (kubectl set image or edit the manifest).",
                        image, who);
    } else if (cause == "image-not-found") {
      message = fmt::format("{}: {} cannot pull {}: the registry has no such image or tag", workload.Ref(), who, image);
      fix = fmt::format("Push {} or correct the tag in the manifest; list tags with your registry's CLI (e.g. crane "
                        "ls {}/{}).",
                        image, registry, ref.repository);
    } else {
      message = fmt::format("{}: {} cannot pull {}: {}", workload.Ref(), who, image, PullErrorText(error));
      if (cause == "registry-dns" || cause == "registry-unreachable") {
        fix = fmt::format("Check the registry host {} and the nodes' DNS and egress (firewall, proxy, private "
                          "endpoint).",
                          registry);
      } else if (cause == "registry-tls") {
        fix = fmt::format("Install the registry's CA on the nodes (containerd: /etc/containerd/certs.d/{}/ca.crt) or "
                          "use a certificate from a public CA.",
                          registry);
      } else if (cause == "rate-limited") {
        fix = "Authenticate pulls (imagePullSecrets with a Docker Hub account) or mirror the image to your own "
              "registry.";
      } else if (cause == "wrong-platform") {
        fix = "Build and push a multi-arch image (docker buildx build --platform linux/amd64,linux/arm64 --push) or "
              "schedule the pod on nodes of the image's platform.";
      } else if (cause == "invalid-image-name") {
        fix = "Correct the image reference: lower-case repository, optional :tag and @sha256:digest.";
      } else {
        fix = "Get the pull error: kubectl describe pod " + std::string(p.pod->name) + " -n " + ns +
              " (the Failed event's message says what the registry answered).";
      }
    }
    // The kubelet retries the pull on its own; a restart only skips the back-off.
    if (workload.kind == "Rollout") {
      verify = fmt::format("kubectl argo rollouts restart {} -n {} && kubectl get pods -n {} -w", workload.name, ns, ns);
    } else if (workload.kind == "Deployment" || workload.kind == "StatefulSet" || workload.kind == "DaemonSet") {
      verify = fmt::format("kubectl rollout restart {}/{} -n {} && kubectl get pods -n {} -w", LowerKind(workload.kind),
                           workload.name, ns, ns);
    } else {
      verify = fmt::format("kubectl get pods -n {} -w (the kubelet retries the pull; deleting pod {} skips its back-off)",
                           ns, p.pod->name);
    }

    Finding* fp = nullptr;
    if (cause == "pull-secret-missing") {
      fp = &out.ReportAt(*at_obj, s.missing.front()->at, message);
    } else {
      fp = at ? &out.Report(*at_obj, at, at_path, message)
              : &out.Report(*at_obj, at_obj->Metadata()["name"], "metadata.name", message);
    }
    Finding& f = *fp;
    if (out.Discarded(f)) return;
    f.cause = cause;
    f.container = p.container.empty() && spec.ref ? std::string(spec.ref->name) : p.container;
    f.fix = fix;
    f.verify = verify;
    f.symptom = fmt::format("{} of {} waits in {}", who, p.pod->Ref(), p.reason);
    DiagnosisBuilder b(ctx, f);
    b.WorkloadStep(workload);
    ChainStep& pod_step =
        b.Step(*p.pod, p.status, p.path,
               fmt::format("{} of {} is waiting: {}{}", who, p.pod->Ref(), p.reason,
                           g.problems.size() > 1 ? fmt::format(" (and {} more pods)", g.problems.size() - 1) : ""));
    if (!p.message.empty()) pod_step.evidence.push_back("state.waiting.message: " + p.message);
    for (const EventRecord* e : PodEvents(ctx, *p.pod)) {
      if (e == ev || (e->reason != "BackOff" && e->reason != "Failed")) continue;
      pod_step.evidence.push_back(e->Summary(ctx.evidence().now()));
      if (pod_step.evidence.size() >= 4) break;
    }
    if (ev) {
      b.StepEvent(*ev, fmt::format("the kubelet's pull error: {}", PullErrorText(error)));
    } else if (!error_message.empty() && error != PullError::kUnknown) {
      b.Step(*p.pod, p.status, p.path, fmt::format("the container status says: {}", PullErrorText(error)));
    }
    if (spec.ref && spec.owner) {
      b.Step(*spec.owner, spec.ref->node["image"], spec.ref->path + ".image",
             fmt::format("{} pulls {} from registry {}", who, image, registry));
    }
    if (cause == "pull-secret-missing" || cause == "pull-secret-registry-mismatch" || cause == "no-pull-secret") {
      if (s.account && s.account_ref) {
        b.Step(*spec.owner, Node(), s.account_ref->at.path,
               fmt::format("the pod runs as ServiceAccount {}", Quote(s.account->name)));
        f.chain.back().loc = s.account_ref->at;
      }
      for (const Reference* r : s.refs) {
        const Object& holder = ctx.objects()[r->from];
        const GraphVertex& v = ctx.graph().vertex(r->to);
        ChainStep step;
        step.loc = r->at;
        const Object* secret = ctx.graph().Target(*r);
        if (!secret) {
          step.message = r->resolution == Resolution::kMissing
                             ? fmt::format("{} names pull secret {}: it does not exist in namespace {}", holder.Ref(),
                                           Quote(v.name), Quote(v.ns))
                             : fmt::format("{} names pull secret {}: it is not in the input ({})", holder.Ref(),
                                           Quote(v.name), ResolutionName(r->resolution));
        } else {
          const auto* hosts = ctx.graph().RegistryHosts(secret->id);
          std::string list;
          if (hosts) {
            for (const auto& h : *hosts) list += (list.empty() ? "" : ", ") + h;
          }
          step.message = fmt::format("{} names pull secret {}: it exists and has credentials for {}", holder.Ref(),
                                     Quote(v.name), list.empty() ? "no registry" : list);
        }
        f.chain.push_back(std::move(step));
      }
      if (s.refs.empty()) {
        b.StepMissing("imagePullSecrets", "neither the pod nor its ServiceAccount lists an imagePullSecret");
      }
    }
    if (cause == "pull-policy-never" && !cloud.empty()) {
      for (ObjectId id : ctx.objects().OfKind("Node")) {
        const Object& node = ctx.objects()[id];
        b.Step(node, node.Spec()["providerID"], "spec.providerID",
               fmt::format("node {} runs on {} (spec.providerID {})", node.name, cloud,
                           node.Spec()["providerID"].Str().substr(0, 80)));
        break;
      }
    }
    // Hypotheses considered, each confirmed or ruled out by the evidence, or
    // left open when the evidence does not say.
    bool answered = error == PullError::kAuth || error == PullError::kNotFound || error == PullError::kRateLimit ||
                    error == PullError::kPlatform;
    bool known = error != PullError::kUnknown;
    std::string said = ev ? "the pull error says: " + std::string(ev->message.substr(0, 200))
                      : !error_message.empty() ? "the container status says: " + error_message.substr(0, 200)
                                               : "no pull error message in the evidence";
    const std::string missing = "the evidence has no pull error message (kubectl describe pod shows the Failed event)";
    auto decide = [&](std::string text, bool applies, bool confirmed, std::string why) {
      if (!applies) {
        b.Open(std::move(text), missing);
      } else {
        b.Hypothesis(std::move(text), confirmed, std::move(why));
      }
    };
    decide("the image or tag does not exist", known, error == PullError::kNotFound,
           error == PullError::kNotFound ? said
           : error == PullError::kAuth   ? "the registry answered with an authentication error before any tag lookup"
                                         : said);
    decide("the registry is unreachable or untrusted (DNS, network, TLS)", known,
           error == PullError::kDns || error == PullError::kTimeout || error == PullError::kTls,
           answered ? "the registry answered the request" : said);
    bool creds_known = known || !s.refs.empty() || spec.ref;
    decide("pull credentials are missing", creds_known && (known || cause == "pull-secret-missing"),
           cause == "pull-secret-missing" || cause == "no-pull-secret",
           cause == "pull-secret-missing"
               ? (s.missing.front()->resolution == Resolution::kMissing
                      ? "the pull secret " + detail + " is not in namespace " + ns
                      : "the pull secret " + detail + " is not in the input and the registry asked for credentials")
           : s.refs.empty() ? "no imagePullSecrets on the pod or its ServiceAccount"
                            : std::to_string(s.present.size()) + " pull secret(s) exist");
    if (s.present.empty() && cause != "pull-secret-registry-mismatch") {
      b.Open("the pull secrets do not cover the registry", "no pull secret in the input to check");
    } else {
      b.Hypothesis("the pull secrets do not cover the registry", cause == "pull-secret-registry-mismatch",
                   s.covering.empty() ? "no pull secret has an auths entry for " + registry
                                      : "pull secret " + std::string(s.covering.front()->name) + " covers " + registry);
    }
    if (!spec.ref && cause != "pull-policy-never") {
      b.Open("imagePullPolicy: Never with an image not on the node", "the container spec is not in the input");
    } else {
      b.Hypothesis("imagePullPolicy: Never with an image not on the node", cause == "pull-policy-never",
                   spec.ref ? "imagePullPolicy is " +
                                  (spec.ref->node["imagePullPolicy"].Str().empty()
                                       ? std::string("the default")
                                       : std::string(spec.ref->node["imagePullPolicy"].Str()))
                            : "ErrImageNeverPull");
    }
    decide("the registry rate-limits pulls", known, error == PullError::kRateLimit,
           error == PullError::kRateLimit ? said : "no 429 / toomanyrequests in the pull error");
    b.Affects(g.problems);
  }

  static std::string LowerKind(std::string_view kind) {
    std::string k(kind);
    for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeImagePullFailure() { return std::make_unique<ImagePullFailure>(); }

}  // namespace kora
