// Image policies: where images may come from (a registry allow-list),
// pinning by digest, and pull policies that leave stale images on nodes.
#include "analyzer/engine.h"
#include "analyzer/image.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Containers with an image, in authored templates.
template <typename F>
void ForEachImage(const Context& ctx, F&& f) {
  for (const PodTemplate* t : ctx.authored_templates()) {
    for (const ContainerRef& c : t->containers) {
      if (!c.image.IsScalar() || c.image.Str().empty()) continue;
      f(*t, c, c.image, c.image_ref);
    }
  }
}

// Whether an allow-list entry ("ghcr.io", "ghcr.io/acme", "docker.io/library")
// covers the image: same registry, and the entry's path is a prefix of the
// repository at a '/' boundary.
bool Allows(std::string_view entry, const ImageRef& image) {
  while (!entry.empty() && entry.back() == '/') entry.remove_suffix(1);
  size_t slash = entry.find('/');
  std::string_view host = entry.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : entry.substr(slash + 1);
  if (!SameRegistry(host, image.registry)) return false;
  if (path.empty()) return true;
  std::string_view repo = image.repository;
  return repo == path || (repo.size() > path.size() && repo.substr(0, path.size()) == path && repo[path.size()] == '/');
}

class ImageRegistryNotAllowed : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-registry-not-allowed",
        .title = "Image from a registry outside the allow-list",
        .severity = Severity::kWarning,
        .category = "images",
        .help = "Organisations often allow images only from registries they control or mirror: those are "
                "scanned, keep their images, and stay reachable when a public registry rate-limits or goes down. "
                "An image from elsewhere bypasses that, and admission policies that enforce the list reject the "
                "pod. The rule does nothing until the parameter `allowed` lists the registries (a host such as "
                "`ghcr.io`, or a host and path prefix such as `ghcr.io/acme`); Docker Hub images without a "
                "registry count as `docker.io`.",
        .fix = "Pull the image from an allowed registry (mirror it there), or add its registry to the rule's "
               "`allowed` parameter.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    const std::vector<std::string>& allowed = ctx.options().Param(info().id, "allowed");
    if (allowed.empty()) return;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    ForEachImage(ctx, [&](const PodTemplate& t, const ContainerRef& c, Node image, const ImageRef& ref) {
      if (!ref.valid) return;
      for (const std::string& a : allowed) {
        if (Allows(a, ref)) return;
      }
      Finding& f = out.Report(t, c, image, "image",
                              std::string(c.KindName()) + " " + Quoted(c.name) + " image " + Quoted(image.Str()) +
                                  " comes from " + ref.registry + "/" + ref.repository +
                                  ", which the allow-list does not cover (" + list + ")");
      f.fix = "Mirror " + ImageName(image.Str()) + " to one of " + list + " and use that image.";
    });
  }
};

class ImageDigestMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-digest-missing",
        .title = "Image not pinned by digest",
        .severity = Severity::kNote,
        .category = "images",
        .help = "A tag can be moved to another image at any time, by a new push or by someone who gains access to "
                "the registry; a digest (`@sha256:...`) names exactly one image. Pinning by digest makes every "
                "node run the bytes that were tested and scanned, and makes rollbacks real. It also makes "
                "updates a change to review, which is why it belongs to the strict profile.",
        .fix = "Pin the digest, keeping the tag for readers: `image: nginx:1.27.2@sha256:<digest>` (`crane digest "
               "nginx:1.27.2` or `docker buildx imagetools inspect` print it).",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachImage(ctx, [&](const PodTemplate& t, const ContainerRef& c, Node image, const ImageRef& ref) {
      if (!ref.valid || !ref.digest.empty()) return;
      Finding& f = out.Report(t, c, image, "image",
                              std::string(c.KindName()) + " " + Quoted(c.name) + " image " + Quoted(image.Str()) +
                                  " is not pinned by digest");
      f.fix = "Use " + std::string(image.Str()) + "@sha256:<digest> (crane digest " + std::string(image.Str()) + ").";
    });
  }
};

class ImagePullPolicyNotAlways : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "image-pull-policy-not-always",
        .title = "Tagged image pulled only if not present",
        .severity = Severity::kNote,
        .category = "images",
        .help = "With `imagePullPolicy: IfNotPresent` (the default for a tag other than `latest`), a node that "
                "already has an image for the tag runs it without asking the registry. When a tag is pushed again, "
                "nodes run different images under one name; and the registry's access control is never checked "
                "for pods that land on a node with a cached copy. `Always` only re-checks the digest, which is "
                "cheap. Images pinned by digest are immutable and not reported.",
        .fix = "Set `imagePullPolicy: Always`, or pin the image by digest.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ForEachImage(ctx, [&](const PodTemplate& t, const ContainerRef& c, Node image, const ImageRef& ref) {
      if (!ref.valid || !ref.digest.empty()) return;
      Node policy = c.node["imagePullPolicy"];
      std::string_view value = policy.Str();
      if (value == "Always" || value == "Never") return;  // Never is image-pull-policy-never
      // Without a policy, :latest and untagged images default to Always.
      if (!policy && (ref.tag.empty() || ref.tag == "latest")) return;
      Finding& f = out.Report(t, c, policy ? policy : image, policy ? "imagePullPolicy" : "image",
                              std::string(c.KindName()) + " " + Quoted(c.name) + " pulls " + Quoted(image.Str()) +
                                  " only if the node lacks it (imagePullPolicy " +
                                  (policy ? std::string(value) : std::string("IfNotPresent by default")) + ")");
      f.fix = "Set imagePullPolicy: Always on " + std::string(c.KindName()) + " " + Quoted(c.name) + ".";
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeImageRegistryNotAllowed() { return std::make_unique<ImageRegistryNotAllowed>(); }
std::unique_ptr<Rule> MakeImageDigestMissing() { return std::make_unique<ImageDigestMissing>(); }
std::unique_ptr<Rule> MakeImagePullPolicyNotAlways() { return std::make_unique<ImagePullPolicyNotAlways>(); }

}  // namespace kora
