// Evidence that is not YAML or JSON: kubectl's plain-text output as people
// paste it into incident documents, and the layout of Replicated troubleshoot
// support bundles.
//
// Text evidence becomes synthetic Kubernetes objects in kora's own document
// model (a `kubectl get pods` row becomes a Pod, an event row an Event, a
// `kubectl describe` block the object it describes), so everything after the
// loader treats them like dumped objects. Every node points at the text it
// came from. The schema is documented in docs/evidence.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/load.h"

namespace kora {

// The annotation every synthetic object carries, naming the command whose
// output it was read from ("kubectl get pods", "kubectl get events",
// "kubectl events", "kubectl describe").
inline constexpr std::string_view kSourceAnnotation = "kora.dev/source";

// Finds the recognised blocks anywhere in the text (tables may sit inside
// prose or Markdown code fences) and builds one document per object. A row
// that looks like part of a recognised table but does not fit its header is
// a kParse problem with its line; the other rows still load.
ParsedFile ParseTextEvidence(std::string_view text, FileId file, const LoadOptions& options);

// Whether the text holds at least one block ParseTextEvidence recognises (a
// table header, a describe block, an Events section, or kubectl get pods rows
// printed without a header). Cheap: one pass over the lines.
bool HasTextEvidence(std::string_view text);

// Whether text holds YAML or JSON Kubernetes objects (apiVersion and kind
// keys), so that a .txt or .log file saved from `kubectl get -o yaml` is read
// as YAML rather than skipped.
bool LooksLikeManifest(std::string_view text);

// Support bundles (https://troubleshoot.sh): a directory with
// cluster-resources/ and version.yaml, cluster-info/ or analysis.json.

// The bundle root that path (a file or directory) lies in or is, or "" if
// none: path itself or one of its nearest ancestors.
std::string FindSupportBundleRoot(const std::string& path);
// Whether dir is itself the root of a support bundle.
bool IsSupportBundleRoot(const std::string& dir);
// path relative to root, '/'-separated; "" if path is not under root.
std::string SupportBundleRelativePath(const std::string& root, const std::string& path);

// Why a bundle file (path relative to the bundle root, '/'-separated) is not
// read as Kubernetes objects: "support-bundle-metadata" (analysis results,
// version, API discovery, RBAC self-review, collector errors, image pull
// secret summaries), "pod-log" (container logs), or "" if it should be read.
std::string_view ClassifySupportBundleFile(std::string_view relative_path);

// The apiVersion and kind of items that a bundle file stores without them
// (troubleshoot writes the items of typed lists, which carry no TypeMeta),
// inferred from the file's place in the bundle.
struct InferredType {
  std::string_view api_version;
  std::string_view kind;
};
std::optional<InferredType> InferSupportBundleType(std::string_view relative_path);

}  // namespace kora
