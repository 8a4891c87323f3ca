// Names, label keys and values, and annotation keys the API server rejects
// (k8s.io/apimachinery validation: RFC 1123 / RFC 1035, qualified names,
// IANA service names, length limits).
#include <algorithm>

#include "analyzer/engine.h"
#include "analyzer/validation.h"
#include "rules/rules.h"

namespace kora {
namespace {

// The API server's limit on all annotations of one object, keys and values.
constexpr size_t kTotalAnnotationSizeLimit = 256 * 1024;

bool Authored(const Context& ctx, const Object& o) { return !o.live() && !ctx.Shadowed(o.id); }

// A name the API server would accept, derived from a rejected one.
std::string SuggestName(NameRule rule, std::string_view name, size_t max) {
  bool dots = rule == NameRule::kSubdomain;
  std::string out;
  for (char c : name) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || (dots && l == '.');
    if (!ok) l = '-';
    if (l == '-' && !out.empty() && out.back() == '-') continue;
    out.push_back(l);
  }
  if (out.size() > max) out.resize(max);
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  while (!out.empty() && !alnum(out.back())) out.pop_back();
  while (!out.empty() && !alnum(out.front())) out.erase(out.begin());
  if (rule == NameRule::kDns1035Label && !out.empty() && !(out[0] >= 'a' && out[0] <= 'z')) out = "x-" + out;
  if (out.size() > max) out.resize(max);
  return out;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A valid IANA service name from a rejected one: lowercase, '-' for anything
// else, no "--", at most 15 characters, with a letter.
std::string SuggestPortName(std::string_view name) {
  std::string out = SuggestName(NameRule::kLabel, name, 15);
  for (size_t pos; (pos = out.find("--")) != std::string::npos;) out.erase(pos, 1);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos) out = ("p-" + out).substr(0, 15);
  return CheckPortName(out).empty() ? out : "";
}

std::string RenameFix(std::string_view what, std::string_view suggestion) {
  if (suggestion.empty()) return "";
  return "Rename " + std::string(what) + " to " + Quoted(suggestion) + " and update what refers to it.";
}

class InvalidName : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "invalid-name",
        .title = "Name the API server rejects",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Object names, container and volume names and port names have a syntax the API server enforces; "
                "an object that breaks it is rejected (`metadata.name: Invalid value: \"My_App\": a lowercase RFC "
                "1123 subdomain must consist of ...`). Most object names are RFC 1123 subdomains (lowercase "
                "alphanumerics, '-' and '.', at most 253); Namespace and StatefulSet names are RFC 1123 labels (no "
                "'.', at most 63); Service names are RFC 1035 labels (a label that starts with a letter); "
                "container, volume and Service port names are RFC 1123 labels; container port names and named "
                "targetPorts are IANA service names (at most 15, with a letter, no '--').",
        .fix = "Rename to lowercase letters, digits and '-' (and '.' where subdomains are allowed) within the "
               "length limit; the finding suggests a valid name. Update every reference to the old name.",
    };
    return i;
  }

  void Check(const Context& ctx, Reporter& out) const override {
    for (const Object& o : ctx.objects().all()) {
      if (!Authored(ctx, o)) continue;
      CheckObjectNames(o, out);
      if (o.kind == "Service") CheckServicePorts(o, out);
    }
    for (const PodTemplate* t : ctx.authored_templates()) CheckPodSpec(ctx, *t, out);
  }

 private:
  static void CheckObjectNames(const Object& o, Reporter& out) {
    NameRule rule = NameRuleFor(o.kind);
    size_t max = rule == NameRule::kSubdomain ? 253 : 63;
    Node name = o.Metadata()["name"];
    if (name.IsScalar() && !o.name.empty()) {
      std::string why = CheckObjectName(rule, o.name);
      if (!why.empty()) {
        Finding& f = out.Report(o, name, "metadata.name",
                                "metadata.name " + Quoted(o.name) + " is not a valid " + std::string(o.kind) +
                                    " name (" + std::string(NameRuleTitle(rule)) + "): " + why);
        std::string suggestion = SuggestName(rule, o.name, rule == NameRule::kPathSegment ? 253 : max);
        if (CheckObjectName(rule, suggestion).empty()) f.fix = RenameFix("the " + std::string(o.kind), suggestion);
        return;
      }
      // Names that become part of a label value on the pods.
      bool manual = o.Spec()["manualSelector"].Bool() == true;
      if (o.kind == "Job" && !manual && o.name.size() > 63) {
        Finding& f = out.Report(o, name, "metadata.name",
                   "Job name " + Quoted(o.name) + " has " + std::to_string(o.name.size()) +
                       " characters: the job-name label on its pods takes the name and label values are limited "
                       "to 63, so the API server rejects the Job");
        f.fix = RenameFix("the Job", SuggestName(rule, o.name, 63));
      } else if (o.kind == "CronJob" && o.name.size() > 52) {
        Finding& f = out.Report(o, name, "metadata.name",
                                "CronJob name " + Quoted(o.name) + " has " + std::to_string(o.name.size()) +
                                    " characters: must be no more than 52, because its Jobs are named "
                                    "<name>-<11 characters>");
        f.fix = RenameFix("the CronJob", SuggestName(rule, o.name, 52));
      }
    }
    Node generate = o.Metadata()["generateName"];
    if (generate.IsScalar() && !generate.Str().empty()) {
      std::string why = CheckObjectName(rule, generate.Str(), /*prefix=*/true);
      if (!why.empty()) {
        out.Report(o, generate, "metadata.generateName",
                   "metadata.generateName " + Quoted(generate.Str()) + " is not a valid " + std::string(o.kind) +
                       " name prefix (" + std::string(NameRuleTitle(rule)) + "): " + why);
      }
    }
  }

  static void CheckServicePorts(const Object& o, Reporter& out) {
    Node ports = o.Spec()["ports"];
    size_t i = 0;
    for (Node p : ports.Items()) {
      std::string path = "spec.ports[" + std::to_string(i++) + "]";
      Node name = p["name"];
      if (name.IsScalar() && !name.Str().empty()) {
        if (std::string why = CheckDns1123Label(name.Str()); !why.empty()) {
          Finding& f =
              out.Report(o, name, path + ".name", "Service port name " + Quoted(name.Str()) + " is invalid: " + why);
          f.fix = RenameFix("the port", SuggestName(NameRule::kLabel, name.Str(), 63));
        }
      } else if (ports.Size() > 1) {
        Finding& f = out.Report(o, p, path,
                                "Service port " + std::string(p["port"].Str()) +
                                    " has no name: a Service with several ports must name each one");
        f.fix = "Add a name to the port, e.g. name: port-" + std::string(p["port"].Str()) + ".";
      }
      Node target = p["targetPort"];
      if (target.IsString() && !target.Str().empty() && !target.Int()) {
        if (std::string why = CheckPortName(target.Str()); !why.empty()) {
          Finding& f = out.Report(o, target, path + ".targetPort",
                                  "targetPort " + Quoted(target.Str()) + " is not a valid port name (IANA service "
                                  "name): " + why);
          f.fix = "Name the container port and the targetPort alike with a valid name" +
                  (SuggestPortName(target.Str()).empty() ? std::string(".")
                                                         : ", e.g. " + Quoted(SuggestPortName(target.Str())) + ".");
        }
      }
    }
  }

  static void CheckPodSpec(const Context& ctx, const PodTemplate& t, Reporter& out) {
    const Object& o = ctx.objects()[t.object];
    for (const ContainerRef& c : t.containers) {
      Node name = c.node["name"];
      std::string kind(c.KindName());
      if (!name.IsScalar() || name.Str().empty()) {
        out.Report(t, c, c.node, "", kind + " has no name: every container needs one");
      } else if (std::string why = CheckDns1123Label(name.Str()); !why.empty()) {
        Finding& f = out.Report(t, c, name, "name", kind + " name " + Quoted(name.Str()) + " is invalid: " + why);
        f.fix = RenameFix("the " + kind, SuggestName(NameRule::kLabel, name.Str(), 63));
      }
      size_t i = 0;
      for (Node p : c.node["ports"].Items()) {
        Node pname = p["name"];
        ++i;
        if (!pname.IsScalar() || pname.Str().empty()) continue;
        if (std::string why = CheckPortName(pname.Str()); !why.empty()) {
          Finding& f = out.Report(t, c, pname, "ports[" + std::to_string(i - 1) + "].name",
                                  kind + " " + Quoted(c.name) + " port name " + Quoted(pname.Str()) +
                                      " is not a valid IANA service name: " + why);
          f.fix = RenameFix("the port", SuggestPortName(pname.Str()));
        }
      }
    }
    size_t i = 0;
    for (Node v : t.spec["volumes"].Items()) {
      Node name = v["name"];
      std::string path = t.path + ".volumes[" + std::to_string(i++) + "]";
      if (!name.IsScalar() || name.Str().empty()) {
        out.Report(o, v, path, "volume has no name: every volume needs one");
      } else if (std::string why = CheckDns1123Label(name.Str()); !why.empty()) {
        Finding& f = out.Report(o, name, path + ".name", "volume name " + Quoted(name.Str()) + " is invalid: " + why);
        f.fix = RenameFix("the volume (and its volumeMounts)", SuggestName(NameRule::kLabel, name.Str(), 63));
      }
    }
  }
};

// Label maps: metadata.labels, template labels, selectors and nodeSelector.
void CheckLabelMap(const Object& o, Node map, const std::string& path, std::string_view what, Reporter& out) {
  for (auto [key, value] : map.Entries()) {
    std::string k(key.Str());
    std::string field = path + "." + k;
    if (std::string why = CheckQualifiedName(k); !why.empty()) {
      out.Report(o, value ? value : key, field, std::string(what) + " key " + Quoted(k) + " is invalid: " + why);
    }
    if (value.IsScalar() && value.tag() != ScalarTag::kString && value.tag() != ScalarTag::kNull) {
      Finding& f = out.Report(o, value, field,
                              std::string(what) + " " + Quoted(k) + " has the unquoted value " +
                                  std::string(value.Str()) + ", which YAML reads as a " +
                                  (value.tag() == ScalarTag::kBool ? "boolean" : "number") +
                                  ": label values are strings, so the object cannot be decoded");
      f.fix = "Quote the value: " + k + ": \"" + std::string(value.Str()) + "\"";
      continue;
    }
    if (!value.IsScalar() && !value.IsNull()) {
      out.Report(o, value, field, std::string(what) + " " + Quoted(k) + " has a value that is not a string");
      continue;
    }
    if (std::string why = CheckLabelValue(value.Str()); !why.empty()) {
      out.Report(o, value, field,
                 std::string(what) + " value " + Quoted(value.Str()) + " of key " + Quoted(k) + " is invalid: " +
                     why);
    }
  }
}

void CheckSelector(const Object& o, Node sel, const std::string& path, Reporter& out) {
  CheckLabelMap(o, sel["matchLabels"], path + ".matchLabels", "selector", out);
  size_t i = 0;
  for (Node expr : sel["matchExpressions"].Items()) {
    std::string epath = path + ".matchExpressions[" + std::to_string(i++) + "]";
    Node key = expr["key"];
    if (key.IsScalar()) {
      if (std::string why = CheckQualifiedName(key.Str()); !why.empty()) {
        out.Report(o, key, epath + ".key", "selector key " + Quoted(key.Str()) + " is invalid: " + why);
      }
    }
    for (Node v : expr["values"].Items()) {
      if (!v.IsScalar()) continue;
      if (std::string why = CheckLabelValue(v.Str()); !why.empty()) {
        out.Report(o, v, epath + ".values", "selector value " + Quoted(v.Str()) + " is invalid: " + why);
      }
    }
  }
}

class InvalidLabel : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "invalid-label",
        .title = "Label key or value the API server rejects",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Label keys are qualified names: an optional DNS subdomain prefix and '/', then at most 63 "
                "alphanumerics, '-', '_' or '.', starting and ending alphanumeric. Values are empty or follow the "
                "same pattern, at most 63 characters. Labels are strings: an unquoted `true` or `1.0` is a boolean "
                "or a number in YAML and the object cannot be decoded. The API server rejects such objects, and "
                "the same rules apply to selectors and nodeSelector.",
        .fix = "Shorten or rewrite the key or value to the allowed characters, and quote values YAML would read "
               "as booleans or numbers, e.g. `version: \"1.0\"`.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const Object& o : ctx.objects().all()) {
      if (!Authored(ctx, o)) continue;
      CheckLabelMap(o, o.Labels(), "metadata.labels", "label", out);
      Node spec = o.Spec();
      if (o.kind == "Service" || o.kind == "ReplicationController") {
        CheckLabelMap(o, spec["selector"], "spec.selector", "selector", out);
      } else if (o.kind == "NetworkPolicy") {
        CheckSelector(o, spec["podSelector"], "spec.podSelector", out);
      } else if (spec["selector"].IsMap()) {
        CheckSelector(o, spec["selector"], "spec.selector", out);
      }
    }
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& o = ctx.objects()[t->object];
      if (!t->is_pod) CheckLabelMap(o, t->Labels(), t->meta_path + ".labels", "label", out);
      CheckLabelMap(o, t->spec["nodeSelector"], t->path + ".nodeSelector", "nodeSelector", out);
    }
  }
};

class InvalidAnnotation : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "invalid-annotation",
        .title = "Annotation key or size the API server rejects",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Annotation keys follow the label key syntax (an optional DNS subdomain prefix and '/', then at "
                "most 63 alphanumerics, '-', '_' or '.'; checked in lowercase). Values are free text but must be "
                "strings: an unquoted `true` or `5` is a boolean or a number in YAML and the object cannot be "
                "decoded. All annotations of an object together may not exceed 256 KiB; `kubectl apply` also "
                "stores the whole object in an annotation, which is why large ConfigMaps and CRDs hit the limit.",
        .fix = "Fix the key syntax and quote non-string values, e.g. `prometheus.io/port: \"8080\"`. For an "
               "object over 256 KiB of annotations, move the data elsewhere, or apply it with "
               "`kubectl apply --server-side` (which does not write last-applied-configuration).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const Object& o : ctx.objects().all()) {
      if (!Authored(ctx, o)) continue;
      CheckMap(o, o.Annotations(), "metadata.annotations", out);
    }
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (t->is_pod) continue;
      CheckMap(ctx.objects()[t->object], t->metadata["annotations"], t->meta_path + ".annotations", out);
    }
  }

 private:
  static void CheckMap(const Object& o, Node map, const std::string& path, Reporter& out) {
    size_t total = 0;
    for (auto [key, value] : map.Entries()) {
      std::string k(key.Str());
      total += k.size() + value.Str().size();
      std::string lower = k;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (std::string why = CheckQualifiedName(lower); !why.empty()) {
        out.Report(o, value ? value : key, path + "." + k, "annotation key " + Quoted(k) + " is invalid: " + why);
      }
      if (value.IsScalar() && value.tag() != ScalarTag::kString && value.tag() != ScalarTag::kNull) {
        Finding& f = out.Report(o, value, path + "." + k,
                                "annotation " + Quoted(k) + " has the unquoted value " + std::string(value.Str()) +
                                    ", which YAML reads as a " +
                                    (value.tag() == ScalarTag::kBool ? "boolean" : "number") +
                                    ": annotation values are strings, so the object cannot be decoded");
        f.fix = "Quote the value: " + k + ": \"" + std::string(value.Str()) + "\"";
      } else if (value && !value.IsScalar() && !value.IsNull()) {
        out.Report(o, value, path + "." + k,
                   "annotation " + Quoted(k) + " has a value that is not a string (a YAML " +
                       (value.IsMap() ? "mapping" : "list") + "); write it as a string, e.g. with a | block");
      }
    }
    if (total > kTotalAnnotationSizeLimit) {
      out.Report(o, map, path,
                 "annotations total " + std::to_string(total) + " bytes: the API server's limit is 262144 (256 KiB)");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeInvalidName() { return std::make_unique<InvalidName>(); }
std::unique_ptr<Rule> MakeInvalidLabel() { return std::make_unique<InvalidLabel>(); }
std::unique_ptr<Rule> MakeInvalidAnnotation() { return std::make_unique<InvalidAnnotation>(); }

}  // namespace kora
