// The API server's syntax rules for names, label keys and values, annotation
// keys and port names (k8s.io/apimachinery/pkg/util/validation), with its
// wording. Each check returns why the value is invalid, or an empty string.
#pragma once

#include <string>
#include <string_view>

namespace kora {

// RFC 1123 label: at most 63 of [a-z0-9-], alphanumeric at both ends.
std::string CheckDns1123Label(std::string_view value);
// RFC 1123 subdomain: at most 253, dot-separated labels.
std::string CheckDns1123Subdomain(std::string_view value);
// RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
std::string CheckDns1035Label(std::string_view value);
// A name usable as a URL path segment (RBAC object names): not "." or "..",
// no '/' or '%'.
std::string CheckPathSegmentName(std::string_view value);
// Label and annotation keys: [prefix/]name, the prefix a DNS subdomain, the
// name at most 63 of [A-Za-z0-9-_.] with alphanumeric ends.
std::string CheckQualifiedName(std::string_view value);
// Label values: empty, or at most 63 of [A-Za-z0-9-_.] with alphanumeric ends.
std::string CheckLabelValue(std::string_view value);
// IANA_SVC_NAME (RFC 6335): 1-15 of [a-z0-9-], a letter, no "--", no '-' at
// either end. Container port names and named target ports.
std::string CheckPortName(std::string_view value);

// Kubernetes object names by kind: the rule the API server applies to
// metadata.name ("RFC 1123 subdomain" for most kinds).
enum class NameRule : uint8_t { kSubdomain, kLabel, kDns1035Label, kPathSegment };
NameRule NameRuleFor(std::string_view kind);
std::string_view NameRuleTitle(NameRule rule);
// Checks a metadata.name (or, with prefix, a generateName, whose trailing
// '-' is allowed).
std::string CheckObjectName(NameRule rule, std::string_view name, bool prefix = false);

}  // namespace kora
