#include "analyzer/validation.h"

#include <re2/re2.h>

namespace kora {
namespace {

// The patterns of k8s.io/apimachinery/pkg/util/validation.
const RE2& Dns1123LabelRe() {
  static const RE2 re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return re;
}
const RE2& Dns1123SubdomainRe() {
  static const RE2 re("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return re;
}
const RE2& Dns1035LabelRe() {
  static const RE2 re("[a-z]([-a-z0-9]*[a-z0-9])?");
  return re;
}
const RE2& QualifiedNameRe() {
  static const RE2 re("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  return re;
}
const RE2& PortNameCharsRe() {
  static const RE2 re("[-a-z0-9]+");
  return re;
}

std::string Join(std::string a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "; " + b;
}

std::string MaxLength(std::string_view value, size_t max, std::string_view what = "") {
  if (value.size() <= max) return "";
  return std::string(what) + "must be no more than " + std::to_string(max) + " characters (it has " +
         std::to_string(value.size()) + ")";
}

bool FullMatch(std::string_view value, const RE2& re) {
  return RE2::FullMatch(re2::StringPiece(value.data(), value.size()), re);
}

}  // namespace

std::string CheckDns1123Label(std::string_view value) {
  std::string why = MaxLength(value, 63);
  if (!FullMatch(value, Dns1123LabelRe())) {
    why = Join(why, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                    "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')");
  }
  return why;
}

std::string CheckDns1123Subdomain(std::string_view value) {
  std::string why = MaxLength(value, 253);
  if (!FullMatch(value, Dns1123SubdomainRe())) {
    why = Join(why, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'example.com')");
  }
  return why;
}

std::string CheckDns1035Label(std::string_view value) {
  std::string why = MaxLength(value, 63);
  if (!FullMatch(value, Dns1035LabelRe())) {
    why = Join(why, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')");
  }
  return why;
}

std::string CheckPathSegmentName(std::string_view value) {
  if (value == "." || value == "..") return "may not be '" + std::string(value) + "'";
  std::string why;
  if (value.find('/') != std::string_view::npos) why = Join(why, "may not contain '/'");
  if (value.find('%') != std::string_view::npos) why = Join(why, "may not contain '%'");
  return why;
}

std::string CheckQualifiedName(std::string_view value) {
  std::string_view name = value;
  std::string why;
  size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
             "with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. "
             "'example.com/MyName')";
    }
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      why = "prefix part must be non-empty";
    } else if (std::string p = CheckDns1123Subdomain(prefix); !p.empty()) {
      why = "prefix part " + p;
    }
  }
  if (name.empty()) return Join(why, "name part must be non-empty");
  why = Join(why, MaxLength(name, 63, "name part "));
  if (!FullMatch(name, QualifiedNameRe())) {
    why = Join(why, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                    "with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')");
  }
  return why;
}

std::string CheckLabelValue(std::string_view value) {
  if (value.empty()) return "";
  std::string why = MaxLength(value, 63);
  if (!FullMatch(value, QualifiedNameRe())) {
    why = Join(why, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or "
                    "'12345')");
  }
  return why;
}

std::string CheckPortName(std::string_view value) {
  std::string why = MaxLength(value, 15);
  if (value.empty()) return "must not be empty";
  if (!FullMatch(value, PortNameCharsRe())) {
    why = Join(why, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (value.find("--") != std::string_view::npos) why = Join(why, "must not contain consecutive hyphens (--)");
  if (value.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string_view::npos) {
    why = Join(why, "must contain at least one letter (a-z)");
  }
  if (value.front() == '-' || value.back() == '-') why = Join(why, "must not begin or end with a hyphen");
  return why;
}

NameRule NameRuleFor(std::string_view kind) {
  // pkg/apis/*/validation: the name validator each kind registers.
  if (kind == "Service") return NameRule::kDns1035Label;
  if (kind == "Namespace" || kind == "StatefulSet") return NameRule::kLabel;
  if (kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding" ||
      kind == "CertificateSigningRequest") {
    return NameRule::kPathSegment;
  }
  return NameRule::kSubdomain;
}

std::string_view NameRuleTitle(NameRule rule) {
  switch (rule) {
    case NameRule::kSubdomain:
      return "an RFC 1123 subdomain";
    case NameRule::kLabel:
      return "an RFC 1123 label";
    case NameRule::kDns1035Label:
      return "an RFC 1035 label";
    case NameRule::kPathSegment:
      return "a path segment";
  }
  return "";
}

std::string CheckObjectName(NameRule rule, std::string_view name, bool prefix) {
  // A generateName prefix may end in '-': the API server appends random
  // characters before validating (maskTrailingDash).
  std::string masked(name);
  if (prefix && masked.size() > 1 && masked.back() == '-') masked.back() = 'a';
  switch (rule) {
    case NameRule::kSubdomain:
      return CheckDns1123Subdomain(masked);
    case NameRule::kLabel:
      return CheckDns1123Label(masked);
    case NameRule::kDns1035Label:
      return CheckDns1035Label(masked);
    case NameRule::kPathSegment:
      return CheckPathSegmentName(masked);
  }
  return "";
}

}  // namespace kora
