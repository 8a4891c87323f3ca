// Resource quantities: ones the API server cannot parse or rejects, requests
// above their limits, and units that parse but almost certainly mean
// something else (memory: 256m is a quarter of a byte).
#include <deque>
#include <vector>

#include "analyzer/engine.h"
#include "analyzer/quantity.h"
#include "rules/rules.h"

namespace kora {
namespace {

// Where a map of quantities sits, shared by its fields.
struct QuantityMap {
  const Object* object = nullptr;
  const PodTemplate* pod = nullptr;         // set for maps in a pod spec
  const ContainerRef* container = nullptr;  // set for a container's resources
  std::string path;        // full path, or relative to the container when container is set
  std::string kind_word;   // "request", "limit", "quota", "emptyDir sizeLimit" (a single field)
  bool aggregate = false;  // a quota or limit range, not one container's size
  bool ratio = false;      // LimitRange maxLimitRequestRatio: a factor, not an amount
};

// One quantity field of an object, with what it measures, parsed.
struct QuantityField {
  const QuantityMap* map = nullptr;
  Node key;  // the resource name; falsy for a single field (emptyDir sizeLimit)
  Node value;
  std::optional<Quantity> quantity;
  std::string error;  // why it does not parse

  // "memory", "cpu", "storage", "nvidia.com/gpu"
  std::string resource() const { return key ? std::string(key.Str()) : "ephemeral-storage"; }
  std::string path() const { return key ? map->path + "." + std::string(key.Str()) : map->path; }
  // "memory limit", "storage request", "emptyDir sizeLimit"
  std::string what() const { return key ? std::string(key.Str()) + " " + map->kind_word : map->kind_word; }
  const Object* object() const { return map->object; }
  const ContainerRef* container() const { return map->container; }
};

// Every quantity field of the authored objects, each field once. Both
// quantity rules read it: collected and parsed once per run.
struct QuantityFields {
  std::deque<QuantityMap> maps;  // stable addresses for the fields
  std::vector<QuantityField> fields;
};

std::string_view BaseResource(std::string_view name) {
  for (std::string_view prefix : {"requests.", "limits."}) {
    if (name.substr(0, prefix.size()) == prefix) return name.substr(prefix.size());
  }
  return name;
}

bool IsByteResource(std::string_view r) {
  return r == "memory" || r == "ephemeral-storage" || r == "storage" || r.substr(0, 10) == "hugepages-";
}

// Extended resources (vendor.com/gpu) are counted in whole units.
bool IsExtendedResource(std::string_view r) {
  return r.find('/') != std::string_view::npos && r.substr(0, 14) != "kubernetes.io/" &&
         r.find("requests.") != 0;
}

void AddMap(QuantityFields& out, QuantityMap where, Node map) {
  if (map.Size() == 0) return;
  const QuantityMap* m = &out.maps.emplace_back(std::move(where));
  for (auto [key, value] : map.Entries()) {
    if (!value || value.IsNull()) continue;
    out.fields.push_back(QuantityField{m, key, value, std::nullopt, {}});
  }
}

void AddClaimSpec(QuantityFields& out, const Object& o, const PodTemplate* t, Node spec, const std::string& path) {
  Node res = spec["resources"];
  AddMap(out, {&o, t, nullptr, path + ".resources.requests", "request"}, res["requests"]);
  AddMap(out, {&o, t, nullptr, path + ".resources.limits", "limit"}, res["limits"]);
}

QuantityFields CollectQuantities(const Context& ctx) {
  QuantityFields out;
  for (const PodTemplate* t : ctx.authored_templates()) {
    const Object& o = ctx.objects()[t->object];
    for (const ContainerRef& c : t->containers) {
      Node res = c.node["resources"];
      AddMap(out, {&o, t, &c, "resources.requests", "request"}, res["requests"]);
      AddMap(out, {&o, t, &c, "resources.limits", "limit"}, res["limits"]);
    }
    Node pod_res = t->spec["resources"];
    AddMap(out, {&o, t, nullptr, t->path + ".resources.requests", "pod request"}, pod_res["requests"]);
    AddMap(out, {&o, t, nullptr, t->path + ".resources.limits", "pod limit"}, pod_res["limits"]);
    AddMap(out, {&o, t, nullptr, t->path + ".overhead", "overhead"}, t->spec["overhead"]);
    size_t i = 0;
    for (Node v : t->spec["volumes"].Items()) {
      size_t index = i++;
      auto vpath = [&] { return t->path + ".volumes[" + std::to_string(index) + "]"; };
      if (Node size = v["emptyDir"]["sizeLimit"]; size && !size.IsNull()) {
        const QuantityMap* m =
            &out.maps.emplace_back(QuantityMap{&o, t, nullptr, vpath() + ".emptyDir.sizeLimit", "emptyDir sizeLimit"});
        out.fields.push_back(QuantityField{m, Node(), size, std::nullopt, {}});
      }
      Node claim = v["ephemeral"]["volumeClaimTemplate"]["spec"];
      if (claim) AddClaimSpec(out, o, t, claim, vpath() + ".ephemeral.volumeClaimTemplate.spec");
    }
  }
  for (const Object& o : ctx.objects().all()) {
    if (o.kind != "PersistentVolumeClaim" && o.kind != "StatefulSet" && o.kind != "ResourceQuota" &&
        o.kind != "LimitRange") {
      continue;
    }
    if (ctx.Shadowed(o.id) || ctx.ControllerOf(o)) continue;
    Node spec = o.Spec();
    if (o.kind == "PersistentVolumeClaim") {
      AddClaimSpec(out, o, nullptr, spec, "spec");
    } else if (o.kind == "StatefulSet") {
      size_t i = 0;
      for (Node claim : spec["volumeClaimTemplates"].Items()) {
        AddClaimSpec(out, o, nullptr, claim["spec"], "spec.volumeClaimTemplates[" + std::to_string(i++) + "].spec");
      }
    } else if (o.kind == "ResourceQuota") {
      AddMap(out, {&o, nullptr, nullptr, "spec.hard", "quota", /*aggregate=*/true}, spec["hard"]);
    } else if (o.kind == "LimitRange") {
      size_t i = 0;
      for (Node limit : spec["limits"].Items()) {
        std::string lpath = "spec.limits[" + std::to_string(i++) + "]";
        for (const char* field : {"max", "min", "default", "defaultRequest"}) {
          AddMap(out, {&o, nullptr, nullptr, lpath + "." + field, std::string("LimitRange ") + field, true},
                 limit[field]);
        }
        AddMap(out, {&o, nullptr, nullptr, lpath + ".maxLimitRequestRatio", "maxLimitRequestRatio", true, true},
               limit["maxLimitRequestRatio"]);
      }
    }
  }
  for (QuantityField& f : out.fields) f.quantity = ParseQuantityNode(f.value, &f.error);
  return out;
}

const std::vector<QuantityField>& Quantities(const Context& ctx) {
  return ctx.Shared<QuantityFields>([&] { return CollectQuantities(ctx); }).fields;
}

Finding& ReportField(Reporter& out, const QuantityField& f, std::string message) {
  if (f.container()) return out.Report(*f.map->pod, *f.container(), f.value, f.path(), std::move(message));
  return out.Report(*f.object(), f.value, f.path(), std::move(message));
}

std::string Subject(const QuantityField& f) {
  std::string s = f.what();
  if (f.container()) {
    s = std::string(f.container()->KindName()) + " \"" + std::string(f.container()->name) + "\" " + s;
  }
  return s;
}

// "1GB" -> {"1G", "1Gi"}, "512mb" -> {"512M", "512Mi"}: units written the way
// other tools write them, and the quantities they probably mean.
std::vector<std::string> UnitSuggestions(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ') s.push_back(c);
  }
  if (s.size() != text.size() && ParseQuantity(s)) return {s};  // "10 Gi"
  if (s.size() < 3 || (s.back() != 'B' && s.back() != 'b')) return {};
  s.pop_back();
  if (s.back() == 'i') return {s};  // "1GiB" -> "1Gi"
  char unit = s.back();
  if (std::string_view("kKmMgGtTpP").find(unit) == std::string_view::npos) return {};
  std::string number = s.substr(0, s.size() - 1);
  char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(unit)));
  std::string decimal = number + (upper == 'K' ? 'k' : upper);
  std::vector<std::string> out;
  for (const std::string& candidate : {decimal, number + upper + "i"}) {
    if (ParseQuantity(candidate)) out.push_back(candidate);
  }
  return out;
}

std::string CoreWord(const Quantity& q) { return q.ToDecimal() + (q.ToDecimal() == "1" ? " core" : " cores"); }

class QuantityInvalid : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "quantity-invalid",
        .title = "Resource quantity the API server rejects",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "Resource amounts (requests, limits, storage sizes, quotas) are Kubernetes quantities: a number "
                "with an optional unit, decimal (k, M, G, T, P, E, and m for thousandths) or binary (Ki, Mi, Gi, "
                "Ti, Pi, Ei), or an exponent (1e3). `1GB`, `512mb` or `1 Gi` are not quantities and the object "
                "cannot be decoded (`quantities must match the regular expression ...`). Negative amounts are "
                "rejected, and extended resources such as `nvidia.com/gpu` must be whole numbers.",
        .fix = "Write the amount as a Kubernetes quantity, e.g. `memory: 512Mi`, `cpu: 250m`, `storage: 10Gi`.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const QuantityField& f : Quantities(ctx)) {
      const std::optional<Quantity>& q = f.quantity;
      const std::string& error = f.error;
      std::string resource = f.resource();
      if (!q) {
        std::vector<std::string> guesses = UnitSuggestions(f.value.Str());
        std::string hint;
        for (const std::string& g : guesses) hint += (hint.empty() ? " (did you mean " : " or ") + g;
        if (!hint.empty()) hint += "?)";
        Finding& r = ReportField(out, f, Subject(f) + " is not a valid quantity: " + error + hint);
        r.fix = guesses.empty() ? "Write it as a quantity, e.g. " + resource + ": " +
                                      (BaseResource(resource) == "cpu" ? "500m" : "512Mi") + "."
                                : "Write " + resource + ": " + guesses.back() +
                                      (guesses.size() > 1 ? " (binary) or " + guesses.front() + " (decimal)" : "") + ".";
        continue;
      }
      if (q->negative) {
        Finding& r = ReportField(out, f, Subject(f) + " " + std::string(f.value.Str()) + " is negative: must be "
                                         "greater than or equal to 0");
        r.fix = "Use a positive amount, or remove the field.";
        continue;
      }
      std::string_view base = BaseResource(resource);
      if (f.container() && IsExtendedResource(base) && !q->IsInteger()) {
        Finding& r = ReportField(out, f, Subject(f) + " " + std::string(f.value.Str()) + " must be a whole number: "
                                         "extended resources are counted in whole units");
        r.fix = "Request whole units of " + resource + ", e.g. 1.";
      }
    }
  }
};

class ResourceRequestExceedsLimit : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "resource-request-exceeds-limit",
        .title = "Resource request above its limit",
        .severity = Severity::kError,
        .category = "correctness",
        .help = "A container's request is what the scheduler reserves; its limit is the most it may use. A "
                "request above the limit is contradictory and the API server rejects the pod spec "
                "(`resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 500m`), so "
                "no pod is created. It often happens when a chart's default limit is kept while the request is "
                "raised in values, or when units are mixed (`1Gi` is more than `1000Mi`).",
        .fix = "Raise the limit to at least the request, or lower the request.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) CheckPair(ctx, out, *t, &c, c.node["resources"], "resources");
      CheckPair(ctx, out, *t, nullptr, t->spec["resources"], t->path + ".resources");
    }
  }

 private:
  static void CheckPair(const Context& ctx, Reporter& out, const PodTemplate& t, const ContainerRef* c, Node res,
                        const std::string& path) {
    Node limits = res["limits"];
    for (auto [key, request] : res["requests"].Entries()) {
      Node limit = limits[key.Str()];
      if (!limit || limit.IsNull()) continue;
      std::optional<Quantity> rq = ParseQuantityNode(request);
      std::optional<Quantity> lq = ParseQuantityNode(limit);
      if (!rq || !lq || rq->Compare(*lq) <= 0) continue;
      std::string resource(key.Str());
      std::string who = c ? std::string(c->KindName()) + " \"" + std::string(c->name) + "\"" : std::string("pod");
      std::string message = who + " requests " + std::string(request.Str()) + " of " + resource + " but limits it to " +
                            std::string(limit.Str()) + ": the request must be less than or equal to the limit";
      std::string field = path + ".requests." + resource;
      Finding& f = c ? out.Report(t, *c, request, field, message)
                     : out.Report(ctx.objects()[t.object], request, field, message);
      f.fix = "Set the " + resource + " limit to at least " + std::string(request.Str()) +
              ", or lower the request to at most " + std::string(limit.Str()) + ".";
    }
  }
};

class QuantitySuspiciousUnit : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "quantity-suspicious-unit",
        .title = "Quantity whose unit is probably a mistake",
        .severity = Severity::kWarning,
        .category = "reliability",
        .help = "Some quantities parse but cannot be what was meant. `m` means thousandths, so `memory: 256m` is "
                "0.256 bytes, not 256 MiB; a memory or storage size below 1 MiB (`memory: 512`) is bytes, and "
                "no container starts in that; `cpu: 1000` asks for a thousand cores, more than any node has, so "
                "the pod stays Pending (`Insufficient cpu`). The API server accepts all of these.",
        .fix = "Use the unit you mean: `memory: 256Mi` (mebibytes), `cpu: 500m` (half a core).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    Quantity max_cpu = *ParseQuantity("64");
    const std::vector<std::string>& param = ctx.options().Param(info().id, "max-cpu");
    if (!param.empty()) {
      if (std::optional<Quantity> q = ParseQuantity(param.front())) max_cpu = *q;
    }
    const Quantity one_mib = *ParseQuantity("1Mi");
    for (const QuantityField& f : Quantities(ctx)) {
      if (f.map->ratio) continue;
      const std::optional<Quantity>& q = f.quantity;
      if (!q || q->negative || q->IsZero()) continue;
      std::string resource = f.resource();
      std::string_view base = BaseResource(resource);
      std::string text(f.value.Str());
      if (IsByteResource(base)) {
        if (!q->IsInteger()) {
          std::string number = text.substr(0, text.size() - q->suffix.size());
          Finding& r = ReportField(out, f,
                                   Subject(f) + " " + text + " is " + q->ToDecimal() + " bytes" +
                                       (q->suffix == "m" ? " (m means thousandths)" : "") + "; did you mean " +
                                       number + "Mi?");
          r.fix = "Write " + resource + ": " + number + "Mi (mebibytes) or " + number + "M (megabytes).";
        } else if (q->Compare(one_mib) < 0) {
          std::string number = text.substr(0, text.size() - q->suffix.size());
          Finding& r = ReportField(out, f,
                                   Subject(f) + " " + text + " is only " + q->ToDecimal() + " bytes; did you mean " +
                                       (q->suffix.empty() ? number + "Mi" : "a larger unit") + "?");
          if (q->suffix.empty()) r.fix = "Write " + resource + ": " + number + "Mi.";
        }
      } else if (base == "cpu" && !f.map->aggregate && q->Compare(max_cpu) > 0) {
        bool plain = q->suffix.empty();
        Finding& r = ReportField(out, f,
                                 Subject(f) + " " + text + " is " + CoreWord(*q) + " (more than " +
                                     max_cpu.ToDecimal() + ")" + (plain ? "; did you mean " + text + "m?" : ""));
        if (plain) {
          std::optional<Quantity> milli = ParseQuantity(text + "m");
          if (milli) r.fix = "Write " + resource + ": " + text + "m for " + CoreWord(*milli) + ".";
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeQuantityInvalid() { return std::make_unique<QuantityInvalid>(); }
std::unique_ptr<Rule> MakeResourceRequestExceedsLimit() { return std::make_unique<ResourceRequestExceedsLimit>(); }
std::unique_ptr<Rule> MakeQuantitySuspiciousUnit() { return std::make_unique<QuantitySuspiciousUnit>(); }

}  // namespace kora
