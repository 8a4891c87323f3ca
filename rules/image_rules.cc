// Image reference checks: floating tags and pull policies that break on real
// clusters.
#include "analyzer/engine.h"
#include "analyzer/image.h"
#include "rules/rules.h"

namespace kora {
namespace {

class ImageLatestTag : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-latest-tag",
        .title = "Image has no tag or uses :latest",
        .severity = Severity::kWarning,
        .category = "images",
        .help = "An image without a tag means `:latest`. A floating tag makes every node pull whatever was pushed "
                "last: replicas run different code, a rollback does not roll back, and with the default "
                "`imagePullPolicy: Always` for `:latest` each start depends on the registry being reachable.",
        .fix = "Pin a version tag or a digest, e.g. `image: nginx:1.27.2` or "
               "`image: nginx@sha256:<digest>`.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        Node image = c.image;
        if (!image.IsScalar() || image.Str().empty()) continue;
        const ImageRef& ref = c.image_ref;
        if (!ref.digest.empty()) continue;
        if (!ref.tag.empty() && ref.tag != "latest") continue;
        std::string what = ref.tag.empty() ? "has no tag (so it means :latest)" : "uses the floating :latest tag";
        Finding& f = out.Report(*t, c, image, "image",
                                std::string(c.KindName()) + " \"" + std::string(c.name) + "\" image \"" +
                                    std::string(image.Str()) + "\" " + what);
        std::string repo = ImageName(image.Str());
        f.fix = "Pin a version: image: " + repo + ":<version> (or " + repo + "@sha256:<digest>).";
      }
    }
  }
};

class ImagePullPolicyNever : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-pull-policy-never",
        .title = "imagePullPolicy: Never",
        .severity = Severity::kWarning,
        .category = "images",
        .help = "With `imagePullPolicy: Never` the kubelet never pulls: the image must already be on every node "
                "the pod can land on. That holds on minikube or kind after `image load`, but on a managed cloud "
                "cluster (AKS, EKS, GKE) new nodes start empty and the container waits with reason `ErrImageNeverPull` "
                "(event: `Container image \"...\" is not present with pull policy of Never`). Manifests written for a "
                "local cluster often carry it into production.",
        .fix = "Push the image to a registry the cluster can reach and use `imagePullPolicy: IfNotPresent` (or "
               "remove the field), with an imagePullSecret if the registry is private.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        Node policy = c.node["imagePullPolicy"];
        if (policy.Str() != "Never") continue;
        Finding& f = out.Report(*t, c, policy, "imagePullPolicy",
                                std::string(c.KindName()) + " \"" + std::string(c.name) + "\" sets imagePullPolicy: "
                                "Never, so image \"" + std::string(c.image.Str()) +
                                    "\" must be preloaded on every node");
        f.fix = "Set imagePullPolicy: IfNotPresent on " + std::string(c.KindName()) + " \"" + std::string(c.name) +
                "\" and push " + std::string(c.image.Str()) + " to a registry the nodes can pull from.";
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeImageLatestTag() { return std::make_unique<ImageLatestTag>(); }
std::unique_ptr<Rule> MakeImagePullPolicyNever() { return std::make_unique<ImagePullPolicyNever>(); }

}  // namespace kora
