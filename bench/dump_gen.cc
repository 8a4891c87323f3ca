#include "bench/dump_gen.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <numeric>
#include <utility>
#include <vector>

namespace kora::bench {
namespace {

// ---------------------------------------------------------------------------
// A tiny JSON-like value: each object is built once, then printed as YAML or
// JSON, so both formats carry exactly the same data.

struct Value {
  enum class Type : uint8_t { kNull, kBool, kInt, kString, kSeq, kMap };
  Type type = Type::kNull;
  bool boolean = false;
  int64_t integer = 0;
  std::string str;
  std::vector<Value> seq;
  std::vector<std::pair<std::string, Value>> map;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : type(Type::kBool), boolean(b) {}
  Value(int v) : type(Type::kInt), integer(v) {}
  Value(int64_t v) : type(Type::kInt), integer(v) {}
  Value(const char* s) : type(Type::kString), str(s) {}
  Value(std::string s) : type(Type::kString), str(std::move(s)) {}

  static Value Map(std::initializer_list<std::pair<std::string, Value>> entries = {}) {
    Value v;
    v.type = Type::kMap;
    v.map.assign(entries.begin(), entries.end());
    return v;
  }
  static Value Seq(std::initializer_list<Value> items = {}) {
    Value v;
    v.type = Type::kSeq;
    v.seq.assign(items.begin(), items.end());
    return v;
  }
  Value& Put(std::string key, Value v) {
    map.emplace_back(std::move(key), std::move(v));
    return map.back().second;
  }
  Value& Push(Value v) {
    seq.push_back(std::move(v));
    return seq.back();
  }
};

// kubectl prints objects re-marshalled from maps, so keys come out sorted.
std::vector<size_t> SortedKeys(const Value& v) {
  std::vector<size_t> order(v.map.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v.map[a].first < v.map[b].first; });
  return order;
}

// ---------------------------------------------------------------------------
// YAML in the style of go-yaml v2 (what kubectl uses): two-space indentation,
// sequences not indented under their key, multi-line strings as literal
// blocks, strings that would read as another type double-quoted.

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool LooksLikeTimestamp(std::string_view s) {
  return s.size() >= 10 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && s[4] == '-' &&
         IsDigit(s[5]) && IsDigit(s[6]) && s[7] == '-';
}

// Integers and decimals (1, -3, 1.5, 2e6) resolve to numbers; versions and
// addresses with several dots (1.2.3, 10.0.0.1) stay strings.
bool LooksLikeNumber(std::string_view s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false, dot = false, exp = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c)) {
      digit = true;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digit && !exp) {
      exp = true;
      if (i + 1 < s.size() && (s[i + 1] == '-' || s[i + 1] == '+')) ++i;
    } else if (c != '_') {
      return false;
    }
  }
  return digit;
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  static constexpr std::string_view kSpecialWords[] = {"y",     "Y",     "n",     "N",    "yes",  "Yes", "YES",
                                                       "no",    "No",    "NO",    "true", "True", "TRUE", "false",
                                                       "False", "FALSE", "on",    "On",   "ON",   "off", "Off",
                                                       "OFF",   "null",  "Null",  "NULL", "~"};
  for (std::string_view w : kSpecialWords) {
    if (s == w) return true;
  }
  if (LooksLikeNumber(s) || LooksLikeTimestamp(s)) return true;
  if (std::string_view(",[]{}#&*!|>'\"%@` ").find(s.front()) != std::string_view::npos) return true;
  // "-", "?" and ":" start a plain scalar only when a non-blank follows.
  if ((s.front() == '-' || s.front() == '?' || s.front() == ':') && (s.size() == 1 || s[1] == ' ')) return true;
  if (s.substr(0, 3) == "---") return true;
  if (s.back() == ' ' || s.back() == ':') return true;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) return true;
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return true;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

void AppendDoubleQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// A literal block keeps the text exactly only if no line starts or ends with
// blanks that the block syntax would swallow.
bool FitsLiteralBlock(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  if (s.front() == ' ' || s.find('\t') != std::string_view::npos) return false;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    size_t end = nl == std::string_view::npos ? s.size() : nl;
    if (end > start && s[end - 1] == ' ') return false;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return true;
}

void Indent(std::string& out, int n) { out.append(static_cast<size_t>(n), ' '); }

// Writes a scalar after "key:" or "- " (the caller wrote no space yet) and
// ends the line. Block content goes at content_indent.
void EmitYamlScalar(std::string& out, const Value& v, int content_indent) {
  out.push_back(' ');
  switch (v.type) {
    case Value::Type::kNull:
      out += "null\n";
      return;
    case Value::Type::kBool:
      out += v.boolean ? "true\n" : "false\n";
      return;
    case Value::Type::kInt:
      out += std::to_string(v.integer);
      out.push_back('\n');
      return;
    default:
      break;
  }
  std::string_view s = v.str;
  if (FitsLiteralBlock(s)) {
    size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    out += trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
    std::string_view body = s.substr(0, s.size() - trailing);
    size_t start = 0;
    while (true) {
      size_t nl = body.find('\n', start);
      std::string_view line = body.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      if (!line.empty()) {
        Indent(out, content_indent);
        out += line;
      }
      out.push_back('\n');
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    for (size_t i = 1; i < trailing; ++i) out.push_back('\n');
    return;
  }
  if (NeedsQuotes(s)) {
    AppendDoubleQuoted(out, s);
  } else {
    out += s;
  }
  out.push_back('\n');
}

void EmitYamlMap(std::string& out, const Value& v, int indent, bool first_inline);
void EmitYamlSeq(std::string& out, const Value& v, int indent);

// After "key:" at column indent.
void EmitYamlValueAfterKey(std::string& out, const Value& v, int indent) {
  if (v.type == Value::Type::kMap) {
    if (v.map.empty()) {
      out += " {}\n";
    } else {
      out.push_back('\n');
      EmitYamlMap(out, v, indent + 2, false);
    }
  } else if (v.type == Value::Type::kSeq) {
    if (v.seq.empty()) {
      out += " []\n";
    } else {
      out.push_back('\n');
      EmitYamlSeq(out, v, indent);
    }
  } else {
    EmitYamlScalar(out, v, indent + 2);
  }
}

void EmitYamlMap(std::string& out, const Value& v, int indent, bool first_inline) {
  bool first = true;
  for (size_t i : SortedKeys(v)) {
    if (!(first && first_inline)) Indent(out, indent);
    first = false;
    const std::string& key = v.map[i].first;
    if (NeedsQuotes(key)) {
      AppendDoubleQuoted(out, key);
    } else {
      out += key;
    }
    out.push_back(':');
    EmitYamlValueAfterKey(out, v.map[i].second, indent);
  }
}

void EmitYamlSeq(std::string& out, const Value& v, int indent) {
  for (const Value& item : v.seq) {
    Indent(out, indent);
    out.push_back('-');
    if (item.type == Value::Type::kMap && !item.map.empty()) {
      out.push_back(' ');
      EmitYamlMap(out, item, indent + 2, true);
    } else if (item.type == Value::Type::kSeq && !item.seq.empty()) {
      out.push_back('\n');
      EmitYamlSeq(out, item, indent + 2);
    } else if (item.type == Value::Type::kMap) {
      out += " {}\n";
    } else if (item.type == Value::Type::kSeq) {
      out += " []\n";
    } else {
      EmitYamlScalar(out, item, indent + 2);
    }
  }
}

// ---------------------------------------------------------------------------
// JSON as Go's encoding/json writes it for kubectl: four-space indentation,
// sorted keys, and <, >, & escaped as \u003c, \u003e, \u0026.

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void EmitJson(std::string& out, const Value& v, int indent) {
  switch (v.type) {
    case Value::Type::kNull:
      out += "null";
      return;
    case Value::Type::kBool:
      out += v.boolean ? "true" : "false";
      return;
    case Value::Type::kInt:
      out += std::to_string(v.integer);
      return;
    case Value::Type::kString:
      AppendJsonString(out, v.str);
      return;
    case Value::Type::kSeq: {
      if (v.seq.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (size_t i = 0; i < v.seq.size(); ++i) {
        Indent(out, indent + 4);
        EmitJson(out, v.seq[i], indent + 4);
        out += i + 1 < v.seq.size() ? ",\n" : "\n";
      }
      Indent(out, indent);
      out.push_back(']');
      return;
    }
    case Value::Type::kMap: {
      if (v.map.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      std::vector<size_t> order = SortedKeys(v);
      for (size_t n = 0; n < order.size(); ++n) {
        const auto& [key, value] = v.map[order[n]];
        Indent(out, indent + 4);
        AppendJsonString(out, key);
        out += ": ";
        EmitJson(out, value, indent + 4);
        out += n + 1 < order.size() ? ",\n" : "\n";
      }
      Indent(out, indent);
      out.push_back('}');
      return;
    }
  }
}

// Compact JSON, as kubectl stores kubectl.kubernetes.io/last-applied-configuration.
void EmitCompactJson(std::string& out, const Value& v) {
  switch (v.type) {
    case Value::Type::kSeq:
      out.push_back('[');
      for (size_t i = 0; i < v.seq.size(); ++i) {
        if (i) out.push_back(',');
        EmitCompactJson(out, v.seq[i]);
      }
      out.push_back(']');
      return;
    case Value::Type::kMap: {
      out.push_back('{');
      bool first = true;
      for (size_t i : SortedKeys(v)) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, v.map[i].first);
        out.push_back(':');
        EmitCompactJson(out, v.map[i].second);
      }
      out.push_back('}');
      return;
    }
    default:
      EmitJson(out, v, 0);
  }
}

// ---------------------------------------------------------------------------
// Randomness: splitmix64, seeded per object so that each object is the same
// whatever the order or number of objects generated around it.

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  int Int(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  bool Percent(int p) { return Below(100) < static_cast<uint64_t>(p); }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }
  std::string Chars(std::string_view alphabet, size_t n) {
    std::string s(n, ' ');
    for (char& c : s) c = alphabet[Below(alphabet.size())];
    return s;
  }

 private:
  uint64_t state_;
};

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng r(a ^ (b * 0xd6e8feb86659fd93ull));
  return r.Next();
}

constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHex = "0123456789abcdef";
// The alphabet of Kubernetes generated name suffixes and pod-template hashes.
constexpr std::string_view kSafeAlnum = "bcdfghjklmnpqrstvwxz2456789";
constexpr std::string_view kBase64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(kBase64Chars[(v >> 18) & 63]);
    out.push_back(kBase64Chars[(v >> 12) & 63]);
    out.push_back(kBase64Chars[(v >> 6) & 63]);
    out.push_back(kBase64Chars[v & 63]);
  }
  if (i < in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kBase64Chars[(v >> 18) & 63]);
    out.push_back(kBase64Chars[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kBase64Chars[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string RandomBytes(Rng& r, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(r.Below(256));
  return s;
}

// One draw per statement: the order in which operands of + are evaluated is
// unspecified, and the output must not depend on the compiler.
std::string Uid(Rng& r) {
  std::string s = r.Chars(kHex, 8);
  s += "-";
  s += r.Chars(kHex, 4);
  s += "-4";
  s += r.Chars(kHex, 3);
  s += std::string("-") + r.Pick({"8", "9", "a", "b"});
  s += r.Chars(kHex, 3);
  s += "-";
  s += r.Chars(kHex, 12);
  return s;
}

// A time in 2024, as the API server writes it.
std::string Timestamp(Rng& r, int64_t offset_seconds = 0) {
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t t = static_cast<int64_t>(r.Below(300ull * 86400)) + offset_seconds;
  int64_t day = t / 86400;
  int month = 0;
  while (month < 11 && day >= kDaysIn[month]) day -= kDaysIn[month++];
  char buf[48];
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d:%02dZ", month + 1, static_cast<int>(day + 1),
                static_cast<int>(t / 3600 % 24), static_cast<int>(t / 60 % 60), static_cast<int>(t % 60));
  return buf;
}

// ---------------------------------------------------------------------------
// The cluster: namespaces of applications, each application a Deployment with
// its Service, ServiceAccount, ConfigMaps and Secrets, plus the objects every
// namespace has (the default ServiceAccount, kube-root-ca.crt, a registry
// credential).

enum class Kind : uint8_t { kDeployment, kService, kConfigMap, kSecret, kServiceAccount };

enum class Variant : uint8_t {
  kMain,          // the app's Deployment, Service, ServiceAccount, -config ConfigMap, -secrets Secret
  kScripts,       // ConfigMap <app>-scripts
  kRegistry,      // Secret <app>-registry (dockerconfigjson)
  kHelmRelease,   // Secret sh.helm.release.v1.<app>.vN
  kNamespaceBase  // default ServiceAccount, kube-root-ca.crt ConfigMap, regcred Secret
};

struct Planned {
  Kind kind;
  Variant variant;
  uint32_t ns;
  uint32_t app;  // index within its namespace
  std::string name;
};

constexpr const char* kNamespaceWords[] = {
    "payments", "checkout", "search",   "identity",  "catalog",  "shipping", "billing",   "analytics",
    "platform", "ml-serving", "ledger", "messaging", "storefront", "pricing", "fraud",   "recommendations",
    "reporting", "observability", "data-pipeline", "notifications", "loyalty", "support", "partners", "media"};
constexpr const char* kAppWords[] = {"api",      "web",      "worker",  "gateway",  "scheduler", "ingest",
                                     "exporter", "cache",    "indexer", "frontend", "backend",   "consumer",
                                     "producer", "reporter", "sync",    "auth",     "admin",     "webhook",
                                     "notifier", "renderer", "planner", "resolver", "tracker",   "validator"};
constexpr const char* kAppQualifiers[] = {"orders", "users", "events", "invoices", "images", "sessions",
                                          "quotes", "stock", "emails", "metrics",  "audit",  "feeds",
                                          "tokens", "rates", "carts",  "reviews"};

std::string NamespaceName(uint32_t ns) {
  constexpr size_t n = std::size(kNamespaceWords);
  std::string s = kNamespaceWords[ns % n];
  if (ns >= n) {
    s += '-';
    s += std::to_string(ns / n + 1);
  }
  return s;
}

// Unique within a namespace: the first 384 apps get two-word names.
std::string AppName(uint32_t ns, uint32_t app) {
  constexpr uint32_t nw = std::size(kAppWords), nq = std::size(kAppQualifiers);
  std::string s = std::string(kAppQualifiers[(app / nw + ns) % nq]) + "-" + kAppWords[app % nw];
  if (app >= nw * nq) {
    s += '-';
    s += std::to_string(app / (nw * nq) + 1);
  }
  return s;
}

struct AppShape {
  bool scripts;
  bool registry;
  bool helm_release;
  bool helm_managed;
  int helm_revision;
  const char* component;
  std::string version;
  std::string chart_version;
};

AppShape ShapeOf(uint64_t seed, uint32_t ns, uint32_t app) {
  Rng r(Mix(Mix(seed, 0x5a9e), (static_cast<uint64_t>(ns) << 32) | app));
  AppShape s;
  s.scripts = r.Percent(40);
  s.registry = r.Percent(15);
  s.helm_managed = r.Percent(70);
  s.helm_release = s.helm_managed && r.Percent(40);
  s.helm_revision = r.Int(1, 12);
  s.component = r.Pick({"server", "worker", "frontend", "backend"});
  s.version = std::to_string(r.Int(0, 4));
  s.version += ".";
  s.version += std::to_string(r.Int(0, 30));
  s.version += ".";
  s.version += std::to_string(r.Int(0, 20));
  s.chart_version = "0." + std::to_string(r.Int(1, 40));
  s.chart_version += ".";
  s.chart_version += std::to_string(r.Int(0, 9));
  return s;
}

std::vector<Planned> Plan(const DumpOptions& options) {
  uint32_t namespaces = static_cast<uint32_t>(
      options.namespaces ? options.namespaces : std::max<uint64_t>(1, (options.objects + 249) / 250));
  std::vector<Planned> plan;
  plan.reserve(options.objects);
  auto add = [&](Kind k, Variant v, uint32_t ns, uint32_t app, std::string name) {
    if (plan.size() < options.objects) plan.push_back(Planned{k, v, ns, app, std::move(name)});
  };
  for (uint32_t ns = 0; ns < namespaces; ++ns) {
    add(Kind::kServiceAccount, Variant::kNamespaceBase, ns, 0, "default");
    add(Kind::kConfigMap, Variant::kNamespaceBase, ns, 0, "kube-root-ca.crt");
    add(Kind::kSecret, Variant::kNamespaceBase, ns, 0, "regcred");
  }
  for (uint32_t app = 0; plan.size() < options.objects; ++app) {
    for (uint32_t ns = 0; ns < namespaces && plan.size() < options.objects; ++ns) {
      std::string name = AppName(ns, app);
      AppShape shape = ShapeOf(options.seed, ns, app);
      add(Kind::kDeployment, Variant::kMain, ns, app, name);
      add(Kind::kService, Variant::kMain, ns, app, name);
      add(Kind::kServiceAccount, Variant::kMain, ns, app, name);
      add(Kind::kConfigMap, Variant::kMain, ns, app, name + "-config");
      add(Kind::kSecret, Variant::kMain, ns, app, name + "-secrets");
      if (shape.scripts) add(Kind::kConfigMap, Variant::kScripts, ns, app, name + "-scripts");
      if (shape.registry) add(Kind::kSecret, Variant::kRegistry, ns, app, name + "-registry");
      if (shape.helm_release) {
        add(Kind::kSecret, Variant::kHelmRelease, ns, app,
            "sh.helm.release.v1." + name + ".v" + std::to_string(shape.helm_revision));
      }
    }
  }
  // `kubectl get deploy,svc,cm,secret,sa -A` order: by kind, namespace, name.
  std::vector<std::string> ns_names(namespaces);
  for (uint32_t ns = 0; ns < namespaces; ++ns) ns_names[ns] = NamespaceName(ns);
  std::sort(plan.begin(), plan.end(), [&](const Planned& a, const Planned& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.ns != b.ns) return ns_names[a.ns] < ns_names[b.ns];
    return a.name < b.name;
  });
  return plan;
}

// ---------------------------------------------------------------------------
// Objects.

class ObjectMaker {
 public:
  ObjectMaker(uint64_t seed, const Planned& p)
      : r_(Mix(Mix(seed, static_cast<uint64_t>(p.kind) * 8 + static_cast<uint64_t>(p.variant)),
               (static_cast<uint64_t>(p.ns) << 32) | p.app)),
        p_(p),
        ns_(NamespaceName(p.ns)),
        app_(AppName(p.ns, p.app)),
        shape_(ShapeOf(seed, p.ns, p.app)) {}

  Value Make() {
    switch (p_.kind) {
      case Kind::kDeployment:
        return Deployment();
      case Kind::kService:
        return Service();
      case Kind::kConfigMap:
        return p_.variant == Variant::kNamespaceBase ? RootCa() : ConfigMap();
      case Kind::kSecret:
        if (p_.variant == Variant::kNamespaceBase || p_.variant == Variant::kRegistry) return RegistrySecret();
        if (p_.variant == Variant::kHelmRelease) return HelmRelease();
        return OpaqueSecret();
      case Kind::kServiceAccount:
        return ServiceAccount();
    }
    return Value();
  }

 private:
  std::string Version() {
    std::string v = std::to_string(r_.Int(0, 4));
    v += ".";
    v += std::to_string(r_.Int(0, 30));
    v += ".";
    v += std::to_string(r_.Int(0, 20));
    return v;
  }

  Value AppLabels(bool full) {
    Value l = Value::Map({{"app.kubernetes.io/name", app_}, {"app.kubernetes.io/instance", app_}});
    if (full) {
      l.Put("app.kubernetes.io/version", shape_.version);
      l.Put("app.kubernetes.io/part-of", ns_);
      l.Put("app.kubernetes.io/component", shape_.component);
      if (shape_.helm_managed) {
        l.Put("app.kubernetes.io/managed-by", "Helm");
        l.Put("helm.sh/chart", app_ + "-" + shape_.chart_version);
      }
    }
    return l;
  }

  // Server-set metadata, as on every object read back from a cluster.
  Value Metadata(bool app_labels, bool helm) {
    Value m = Value::Map();
    m.Put("creationTimestamp", Timestamp(r_));
    m.Put("name", p_.name);
    m.Put("namespace", ns_);
    m.Put("resourceVersion", std::to_string(r_.Int(1000000, 999999999)));
    m.Put("uid", Uid(r_));
    if (app_labels) m.Put("labels", AppLabels(true));
    if (helm && shape_.helm_managed) {
      m.Put("annotations",
            Value::Map({{"meta.helm.sh/release-name", app_}, {"meta.helm.sh/release-namespace", ns_}}));
    }
    return m;
  }

  // The annotation `kubectl apply` leaves: the applied manifest as one line of JSON.
  void AddLastApplied(Value& obj) {
    Value applied = Value::Map();
    for (const auto& [key, value] : obj.map) {
      if (key == "status") continue;
      if (key != "metadata") {
        applied.Put(key, value);
        continue;
      }
      Value meta = Value::Map({{"name", p_.name}, {"namespace", ns_}, {"annotations", Value::Map()}});
      for (const auto& [mk, mv] : value.map) {
        if (mk == "labels") meta.Put(mk, mv);
      }
      applied.Put("metadata", std::move(meta));
    }
    std::string text;
    EmitCompactJson(text, applied);
    text.push_back('\n');
    Value* meta = nullptr;
    for (auto& [key, value] : obj.map) {
      if (key == "metadata") meta = &value;
    }
    for (auto& [key, value] : meta->map) {
      if (key == "annotations") {
        value.Put("kubectl.kubernetes.io/last-applied-configuration", std::move(text));
        return;
      }
    }
    meta->Put("annotations", Value::Map({{"kubectl.kubernetes.io/last-applied-configuration", std::move(text)}}));
  }

  Value Image(const char* repo, bool may_float) {
    std::string image = repo;
    int roll = r_.Int(0, 99);
    if (may_float && roll < 3) return image + ":latest";
    if (may_float && roll < 4) return image;
    if (roll < 14) return image + "@sha256:" + r_.Chars(kHex, 64);
    return image + ":" + Version();
  }

  Value Probe(const char* path, const char* port, int delay) {
    return Value::Map({{"failureThreshold", 3},
                       {"httpGet", Value::Map({{"path", path}, {"port", port}, {"scheme", "HTTP"}})},
                       {"initialDelaySeconds", delay},
                       {"periodSeconds", 10},
                       {"successThreshold", 1},
                       {"timeoutSeconds", r_.Int(1, 5)}});
  }

  Value Resources(const char* cpu_request, const char* memory_request, const char* memory_limit) {
    const char* cpu_limit = r_.Pick({"500m", "1", "2"});
    return Value::Map({{"limits", Value::Map({{"cpu", cpu_limit}, {"memory", memory_limit}})},
                       {"requests", Value::Map({{"cpu", cpu_request}, {"memory", memory_request}})}});
  }

  Value RestrictedSecurityContext() {
    return Value::Map({{"allowPrivilegeEscalation", false},
                       {"capabilities", Value::Map({{"drop", Value::Seq({"ALL"})}})},
                       {"readOnlyRootFilesystem", true},
                       {"runAsNonRoot", true},
                       {"runAsUser", 10001}});
  }

  static Value EnvValue(const char* name, std::string value) {
    return Value::Map({{"name", name}, {"value", std::move(value)}});
  }
  static Value EnvFrom(const char* name, const char* source, std::string object, const char* key) {
    return Value::Map({{"name", name},
                       {"valueFrom", Value::Map({{source, Value::Map({{"key", key}, {"name", std::move(object)}})}})}});
  }
  static Value EnvField(const char* name, const char* path) {
    return Value::Map(
        {{"name", name},
         {"valueFrom", Value::Map({{"fieldRef", Value::Map({{"apiVersion", "v1"}, {"fieldPath", path}})}})}});
  }

  Value MainContainer() {
    Value c = Value::Map();
    c.Put("name", app_);
    std::string repo = std::string(r_.Pick({"registry.example.com/", "ghcr.io/example-org/",
                                            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/"})) +
                       ns_ + "/" + app_;
    c.Put("image", Image(repo.c_str(), true));
    c.Put("imagePullPolicy", r_.Pick({"IfNotPresent", "IfNotPresent", "Always"}));
    c.Put("args", Value::Seq({"--port=8080", "--metrics-port=9090", "--config=/etc/app/config.yaml",
                              std::string("--log-level=") + r_.Pick({"info", "debug", "warn"})}));
    Value env = Value::Seq();
    env.Push(EnvField("POD_NAME", "metadata.name"));
    env.Push(EnvField("POD_NAMESPACE", "metadata.namespace"));
    env.Push(EnvValue("PORT", "8080"));
    env.Push(EnvValue("LOG_FORMAT", "json"));
    env.Push(EnvFrom("DB_PASSWORD", "secretKeyRef", app_ + "-secrets", "db-password"));
    env.Push(EnvFrom("DB_USER", "secretKeyRef", app_ + "-secrets", "db-user"));
    env.Push(EnvValue("DB_HOST", "postgres." + ns_ + ".svc.cluster.local"));
    if (r_.Percent(60)) env.Push(EnvValue("REDIS_URL", "redis://redis." + ns_ + ".svc.cluster.local:6379/0"));
    if (r_.Percent(50)) env.Push(EnvValue("JAVA_OPTS", "-XX:MaxRAMPercentage=75 -XX:+UseG1GC -Dfile.encoding=UTF-8"));
    if (r_.Percent(40)) env.Push(EnvFrom("FEATURE_FLAGS", "configMapKeyRef", app_ + "-config", "feature-flags"));
    if (r_.Percent(30)) env.Push(EnvValue("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4317"));
    if (r_.Percent(30)) env.Push(EnvValue("ENABLE_CACHE", r_.Pick({"true", "false"})));
    c.Put("env", std::move(env));
    Value env_from = Value::Seq({Value::Map({{"configMapRef", Value::Map({{"name", app_ + "-config"}})}})});
    if (r_.Percent(50)) {
      env_from.Push(Value::Map({{"secretRef", Value::Map({{"name", app_ + "-secrets"}, {"optional", true}})}}));
    }
    c.Put("envFrom", std::move(env_from));
    Value ports = Value::Seq({Value::Map({{"containerPort", 8080}, {"name", "http"}, {"protocol", "TCP"}})});
    if (r_.Percent(50)) ports.Push(Value::Map({{"containerPort", 9090}, {"name", "metrics"}, {"protocol", "TCP"}}));
    c.Put("ports", std::move(ports));
    c.Put("livenessProbe", Probe("/healthz", "http", 15));
    if (r_.Percent(92)) c.Put("readinessProbe", Probe("/ready", "http", 5));
    if (r_.Percent(20)) c.Put("startupProbe", Probe("/healthz", "http", 0));
    if (r_.Percent(95)) {
      const char* cpu = r_.Pick({"50m", "100m", "250m"});
      const char* memory_limit = r_.Pick({"512Mi", "1Gi", "2Gi"});
      c.Put("resources", Resources(cpu, "256Mi", memory_limit));
    } else {
      c.Put("resources", Value::Map());  // a realistic finding: no requests or limits
    }
    c.Put("securityContext", RestrictedSecurityContext());
    c.Put("terminationMessagePath", "/dev/termination-log");
    c.Put("terminationMessagePolicy", "File");
    Value mounts = Value::Seq({Value::Map({{"mountPath", "/etc/app"}, {"name", "config"}, {"readOnly", true}}),
                               Value::Map({{"mountPath", "/var/run/secrets/app"}, {"name", "secrets"},
                                           {"readOnly", true}}),
                               Value::Map({{"mountPath", "/tmp"}, {"name", "tmp"}})});
    if (shape_.scripts) {
      mounts.Push(Value::Map({{"mountPath", "/scripts"}, {"name", "scripts"}}));
    }
    c.Put("volumeMounts", std::move(mounts));
    return c;
  }

  Value Sidecar() {
    if (r_.Percent(50)) {
      // Log shippers seldom get a readiness probe: a realistic finding.
      return Value::Map(
          {{"name", "log-shipper"},
           {"image", Image("docker.io/fluent/fluent-bit", false)},
           {"imagePullPolicy", "IfNotPresent"},
           {"args", Value::Seq({"--config=/fluent-bit/etc/fluent-bit.conf"})},
           {"resources", Resources("20m", "32Mi", "128Mi")},
           {"terminationMessagePath", "/dev/termination-log"},
           {"terminationMessagePolicy", "File"},
           {"volumeMounts", Value::Seq({Value::Map({{"mountPath", "/var/log/app"}, {"name", "tmp"}})})}});
    }
    return Value::Map({{"name", "envoy"},
                       {"image", Image("docker.io/envoyproxy/envoy", false)},
                       {"imagePullPolicy", "IfNotPresent"},
                       {"args", Value::Seq({"-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"})},
                       {"ports", Value::Seq({Value::Map({{"containerPort", 15001}, {"name", "envoy"},
                                                         {"protocol", "TCP"}})})},
                       {"readinessProbe", Probe("/ready", "15021", 1)},
                       {"resources", Resources("50m", "64Mi", "256Mi")},
                       {"securityContext", RestrictedSecurityContext()},
                       {"terminationMessagePath", "/dev/termination-log"},
                       {"terminationMessagePolicy", "File"}});
  }

  Value Deployment() {
    int replicas = r_.Pick({1, 2, 2, 3, 3, 5});
    std::string hash = r_.Chars(kSafeAlnum, 10);
    Value obj = Value::Map();
    obj.Put("apiVersion", "apps/v1");
    obj.Put("kind", "Deployment");
    Value meta = Metadata(true, true);
    int revision = r_.Int(1, 40);
    meta.Put("generation", revision + r_.Int(0, 3));
    Value* annotations = nullptr;
    for (auto& [k, v] : meta.map) {
      if (k == "annotations") annotations = &v;
    }
    if (!annotations) annotations = &meta.Put("annotations", Value::Map());
    annotations->Put("deployment.kubernetes.io/revision", std::to_string(revision));
    obj.Put("metadata", std::move(meta));

    Value containers = Value::Seq({MainContainer()});
    if (r_.Percent(40)) containers.Push(Sidecar());
    if (r_.Percent(20)) {
      containers.Push(Value::Map(
          {{"name", "metrics-exporter"},
           {"image", Image("quay.io/prometheus/statsd-exporter", false)},
           {"imagePullPolicy", "IfNotPresent"},
           {"ports", Value::Seq({Value::Map({{"containerPort", 9102}, {"name", "statsd-metrics"},
                                             {"protocol", "TCP"}})})},
           {"readinessProbe", Probe("/metrics", "9102", 1)},
           {"resources", Resources("10m", "16Mi", "64Mi")},
           {"terminationMessagePath", "/dev/termination-log"},
           {"terminationMessagePolicy", "File"}}));
    }
    Value pod = Value::Map();
    pod.Put("containers", std::move(containers));
    if (r_.Percent(25)) {
      pod.Put("initContainers",
              Value::Seq({Value::Map(
                  {{"name", "db-migrate"},
                   {"image", Image(("registry.example.com/" + ns_ + "/" + app_ + "-migrations").c_str(), true)},
                   {"imagePullPolicy", "IfNotPresent"},
                   {"command", Value::Seq({"/bin/sh", "-c"})},
                   {"args", Value::Seq({"until pg_isready -h postgres; do sleep 2; done\nmigrate -path /migrations "
                                        "-database \"$DATABASE_URL\" up\n"})},
                   {"envFrom", Value::Seq({Value::Map({{"secretRef", Value::Map({{"name", app_ + "-secrets"}})}})})},
                   {"resources", Resources("100m", "128Mi", "256Mi")},
                   {"terminationMessagePath", "/dev/termination-log"},
                   {"terminationMessagePolicy", "File"}})}));
    }
    pod.Put("dnsPolicy", "ClusterFirst");
    pod.Put("restartPolicy", "Always");
    pod.Put("schedulerName", "default-scheduler");
    pod.Put("securityContext", Value::Map({{"fsGroup", 10001},
                                           {"runAsNonRoot", true},
                                           {"seccompProfile", Value::Map({{"type", "RuntimeDefault"}})}}));
    pod.Put("serviceAccount", app_);
    pod.Put("serviceAccountName", app_);
    pod.Put("terminationGracePeriodSeconds", r_.Pick({30, 30, 60}));
    if (r_.Percent(50)) pod.Put("imagePullSecrets", Value::Seq({Value::Map({{"name", "regcred"}})}));
    if (r_.Percent(20)) pod.Put("nodeSelector", Value::Map({{"kubernetes.io/os", "linux"}}));
    if (r_.Percent(20)) {
      pod.Put("tolerations", Value::Seq({Value::Map({{"effect", "NoSchedule"}, {"key", "dedicated"},
                                                     {"operator", "Equal"}, {"value", ns_}})}));
    }
    if (r_.Percent(30)) {
      pod.Put("affinity",
              Value::Map({{"podAntiAffinity",
                           Value::Map({{"preferredDuringSchedulingIgnoredDuringExecution",
                                        Value::Seq({Value::Map(
                                            {{"podAffinityTerm",
                                              Value::Map({{"labelSelector",
                                                           Value::Map({{"matchLabels", AppLabels(false)}})},
                                                          {"topologyKey", "kubernetes.io/hostname"}})},
                                             {"weight", 100}})})}})}}));
    }
    Value volumes = Value::Seq(
        {Value::Map({{"configMap", Value::Map({{"defaultMode", 420}, {"name", app_ + "-config"}})},
                     {"name", "config"}}),
         Value::Map({{"name", "secrets"},
                     {"secret", Value::Map({{"defaultMode", 420}, {"secretName", app_ + "-secrets"}})}}),
         Value::Map({{"emptyDir", Value::Map()}, {"name", "tmp"}})});
    if (shape_.scripts) {
      volumes.Push(Value::Map({{"configMap", Value::Map({{"defaultMode", 493}, {"name", app_ + "-scripts"}})},
                               {"name", "scripts"}}));
    }
    pod.Put("volumes", std::move(volumes));

    Value template_meta = Value::Map({{"creationTimestamp", nullptr}, {"labels", AppLabels(false)}});
    template_meta.Put("annotations", Value::Map({{"checksum/config", r_.Chars(kHex, 64)},
                                                 {"prometheus.io/scrape", "true"},
                                                 {"prometheus.io/port", "9090"}}));
    Value spec = Value::Map();
    spec.Put("progressDeadlineSeconds", 600);
    spec.Put("replicas", replicas);
    spec.Put("revisionHistoryLimit", 10);
    spec.Put("selector", Value::Map({{"matchLabels", AppLabels(false)}}));
    spec.Put("strategy", Value::Map({{"rollingUpdate", Value::Map({{"maxSurge", "25%"}, {"maxUnavailable", "25%"}})},
                                     {"type", "RollingUpdate"}}));
    spec.Put("template", Value::Map({{"metadata", std::move(template_meta)}, {"spec", std::move(pod)}}));
    obj.Put("spec", std::move(spec));

    std::string updated = Timestamp(r_);
    Value status = Value::Map();
    Value conditions = Value::Seq();
    if (r_.Percent(90)) {
      conditions.Push(Value::Map({{"lastTransitionTime", updated},
                                  {"lastUpdateTime", updated},
                                  {"message", "Deployment has minimum availability."},
                                  {"reason", "MinimumReplicasAvailable"},
                                  {"status", "True"},
                                  {"type", "Available"}}));
      conditions.Push(Value::Map(
          {{"lastTransitionTime", updated},
           {"lastUpdateTime", updated},
           {"message", "ReplicaSet \"" + p_.name + "-" + hash + "\" has successfully progressed."},
           {"reason", "NewReplicaSetAvailable"},
           {"status", "True"},
           {"type", "Progressing"}}));
      status.Put("availableReplicas", replicas);
      status.Put("readyReplicas", replicas);
    } else {
      conditions.Push(Value::Map({{"lastTransitionTime", updated},
                                  {"lastUpdateTime", updated},
                                  {"message", "Deployment does not have minimum availability."},
                                  {"reason", "MinimumReplicasUnavailable"},
                                  {"status", "False"},
                                  {"type", "Available"}}));
      conditions.Push(Value::Map(
          {{"lastTransitionTime", updated},
           {"lastUpdateTime", updated},
           {"message", "ReplicaSet \"" + p_.name + "-" + hash + "\" has timed out progressing."},
           {"reason", "ProgressDeadlineExceeded"},
           {"status", "False"},
           {"type", "Progressing"}}));
      status.Put("unavailableReplicas", replicas);
    }
    status.Put("conditions", std::move(conditions));
    status.Put("observedGeneration", revision);
    status.Put("replicas", replicas);
    status.Put("updatedReplicas", replicas);
    obj.Put("status", std::move(status));
    return obj;
  }

  Value Service() {
    Value obj = Value::Map();
    obj.Put("apiVersion", "v1");
    obj.Put("kind", "Service");
    obj.Put("metadata", Metadata(true, true));
    std::string ip = "10." + std::to_string(r_.Int(96, 111));
    ip += ".";
    ip += std::to_string(r_.Int(0, 255));
    ip += ".";
    ip += std::to_string(r_.Int(1, 254));
    bool load_balancer = r_.Percent(8);
    Value ports = Value::Seq();
    Value http = Value::Map({{"name", "http"}, {"port", 80}, {"protocol", "TCP"}, {"targetPort", "http"}});
    if (load_balancer) http.Put("nodePort", r_.Int(30000, 32767));
    ports.Push(std::move(http));
    if (r_.Percent(50)) {
      ports.Push(Value::Map({{"name", "metrics"}, {"port", 9090}, {"protocol", "TCP"}, {"targetPort", 9090}}));
    }
    Value spec = Value::Map({{"clusterIP", ip},
                             {"clusterIPs", Value::Seq({ip})},
                             {"internalTrafficPolicy", "Cluster"},
                             {"ipFamilies", Value::Seq({"IPv4"})},
                             {"ipFamilyPolicy", "SingleStack"},
                             {"ports", std::move(ports)},
                             {"selector", AppLabels(false)},
                             {"sessionAffinity", "None"},
                             {"type", load_balancer ? "LoadBalancer" : "ClusterIP"}});
    if (load_balancer) {
      spec.Put("allocateLoadBalancerNodePorts", true);
      spec.Put("externalTrafficPolicy", "Cluster");
    }
    obj.Put("spec", std::move(spec));
    Value lb = Value::Map();
    if (load_balancer) {
      lb.Put("ingress", Value::Seq({Value::Map({{"ip", "203.0.113." + std::to_string(r_.Int(1, 254))}})}));
    }
    obj.Put("status", Value::Map({{"loadBalancer", std::move(lb)}}));
    if (!shape_.helm_managed && r_.Percent(60)) AddLastApplied(obj);
    return obj;
  }

  std::string ApplicationYaml() {
    std::string s;
    s += "server:\n  port: 8080\n  shutdown: graceful\n";
    s += "database:\n  host: postgres.";
    s += ns_ + ".svc.cluster.local\n  port: 5432\n  name: " + app_ + "\n";
    s += "  pool:\n    maxOpen: ";
    s += std::to_string(r_.Int(5, 50)) + "\n    maxIdle: 5\n    maxLifetime: 30m\n";
    s += "cache:\n  enabled: true\n  ttl: ";
    s += std::to_string(r_.Int(30, 600)) + "s\n";
    s += "logging:\n  level: info\n  format: json\n";
    int upstreams = r_.Int(1, 6);
    s += "upstreams:\n";
    for (int i = 0; i < upstreams; ++i) {
      std::string up = AppName(p_.ns, static_cast<uint32_t>(r_.Below(40)));
      s += "  - name: " + up + "\n    url: http://" + up + "." + ns_ + ".svc.cluster.local\n    timeout: " +
           std::to_string(r_.Int(1, 30)) + "s\n";
    }
    return s;
  }

  Value ConfigMap() {
    Value obj = Value::Map();
    obj.Put("apiVersion", "v1");
    obj.Put("kind", "ConfigMap");
    obj.Put("metadata", Metadata(true, true));
    Value data = Value::Map();
    if (p_.variant == Variant::kScripts) {
      data.Put("entrypoint.sh",
               "#!/bin/sh\nset -eu\n# Wait for the database, then start the server.\n"
               "until nc -z postgres 5432; do\n  echo \"waiting for postgres\"\n  sleep 2\ndone\n"
               "exec /app/server --config /etc/app/config.yaml \"$@\"\n");
      data.Put("healthcheck.sh", "#!/bin/sh\nwget -q -O- http://127.0.0.1:8080/healthz >/dev/null\n");
    } else {
      data.Put("application.yaml", ApplicationYaml());
      data.Put("feature-flags", "new-checkout,fast-search,async-export");
      data.Put("LOG_LEVEL", r_.Pick({"info", "debug", "warn"}));
      data.Put("MAX_CONNECTIONS", std::to_string(r_.Int(10, 500)));
      data.Put("ENABLE_TRACING", r_.Pick({"true", "false"}));
      if (r_.Percent(30)) {
        data.Put("nginx.conf", "worker_processes auto;\nevents {\n  worker_connections 1024;\n}\nhttp {\n"
                               "  server {\n    listen 8081;\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n"
                               "      proxy_set_header Host $host;\n    }\n  }\n}\n");
      }
    }
    obj.Put("data", std::move(data));
    if (!shape_.helm_managed && r_.Percent(60)) AddLastApplied(obj);
    return obj;
  }

  Value RootCa() {
    std::string pem = "-----BEGIN CERTIFICATE-----\n";
    std::string der = Base64(RandomBytes(r_, 780));
    for (size_t i = 0; i < der.size(); i += 64) pem += der.substr(i, 64) + "\n";
    pem += "-----END CERTIFICATE-----\n";
    Value meta = Metadata(false, false);
    meta.Put("annotations",
             Value::Map({{"kubernetes.io/description",
                          "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
                          "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
                          "guaranteed across distributions of Kubernetes clusters."}}));
    return Value::Map({{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", std::move(meta)},
                       {"data", Value::Map({{"ca.crt", std::move(pem)}})}});
  }

  Value OpaqueSecret() {
    Value obj = Value::Map();
    obj.Put("apiVersion", "v1");
    obj.Put("kind", "Secret");
    obj.Put("metadata", Metadata(true, true));
    Value data = Value::Map();
    data.Put("db-user", Base64(app_));
    data.Put("db-password", Base64(r_.Chars(kLowerAlnum, 24)));
    if (r_.Percent(60)) data.Put("api-key", Base64(r_.Chars(kLowerAlnum, 40)));
    if (r_.Percent(30)) data.Put("jwt-signing-key", Base64(RandomBytes(r_, 64)));
    if (r_.Percent(20)) {
      std::string key = "-----BEGIN PRIVATE KEY-----\n";
      std::string body = Base64(RandomBytes(r_, 900));
      for (size_t i = 0; i < body.size(); i += 64) key += body.substr(i, 64) + "\n";
      key += "-----END PRIVATE KEY-----\n";
      data.Put("tls.key", Base64(key));
    }
    obj.Put("data", std::move(data));
    obj.Put("type", "Opaque");
    return obj;
  }

  Value RegistrySecret() {
    std::string registry = r_.Pick({"registry.example.com", "ghcr.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"});
    std::string user = "robot$" + ns_ + "+ci";
    std::string password = r_.Chars(kLowerAlnum, 32);
    std::string config = "{\"auths\":{\"" + registry + "\":{\"username\":\"" + user + "\",\"password\":\"" +
                         password + "\",\"auth\":\"" + Base64(user + ":" + password) + "\"}}}";
    Value obj = Value::Map();
    obj.Put("apiVersion", "v1");
    obj.Put("kind", "Secret");
    obj.Put("metadata", Metadata(p_.variant != Variant::kNamespaceBase, p_.variant != Variant::kNamespaceBase));
    obj.Put("data", Value::Map({{".dockerconfigjson", Base64(config)}}));
    obj.Put("type", "kubernetes.io/dockerconfigjson");
    return obj;
  }

  // Helm keeps each release as a Secret holding the gzipped, base64'd
  // release; these are among the largest objects of a real dump.
  Value HelmRelease() {
    Value meta = Metadata(false, false);
    meta.Put("labels", Value::Map({{"modifiedAt", std::to_string(r_.Int(1700000000, 1730000000))},
                                   {"name", app_},
                                   {"owner", "helm"},
                                   {"status", "deployed"},
                                   {"version", std::to_string(shape_.helm_revision)}}));
    return Value::Map({{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", std::move(meta)},
                       {"data", Value::Map({{"release", Base64(Base64(RandomBytes(r_, r_.Int(1000, 3000))))}})},
                       {"type", "helm.sh/release.v1"}});
  }

  Value ServiceAccount() {
    Value obj = Value::Map();
    obj.Put("apiVersion", "v1");
    obj.Put("kind", "ServiceAccount");
    if (p_.variant == Variant::kNamespaceBase) {
      obj.Put("metadata", Metadata(false, false));
      return obj;
    }
    obj.Put("metadata", Metadata(true, true));
    if (r_.Percent(60)) obj.Put("imagePullSecrets", Value::Seq({Value::Map({{"name", "regcred"}})}));
    if (shape_.registry) {
      Value& pulls = obj.map.back().first == "imagePullSecrets" ? obj.map.back().second
                                                                : obj.Put("imagePullSecrets", Value::Seq());
      pulls.Push(Value::Map({{"name", app_ + "-registry"}}));
    }
    if (r_.Percent(30)) {
      obj.Put("secrets", Value::Seq({Value::Map({{"name", app_ + "-token-" + r_.Chars(kSafeAlnum, 5)}})}));
    }
    return obj;
  }

  Rng r_;
  const Planned& p_;
  std::string ns_;
  std::string app_;
  AppShape shape_;
};

}  // namespace

DumpSummary WriteDump(const DumpOptions& options, const std::function<void(std::string_view)>& sink) {
  DumpSummary summary;
  std::vector<Planned> plan = Plan(options);
  if (options.parts > 1) {
    size_t begin = plan.size() * options.part / options.parts;
    size_t end = plan.size() * (options.part + 1) / options.parts;
    plan.erase(plan.begin() + static_cast<std::ptrdiff_t>(end), plan.end());
    plan.erase(plan.begin(), plan.begin() + static_cast<std::ptrdiff_t>(begin));
  }
  std::string out;
  out.reserve(2 << 20);
  auto flush = [&](bool force) {
    if (out.empty() || (!force && out.size() < (1u << 20))) return;
    summary.bytes += out.size();
    sink(out);
    out.clear();
  };
  if (options.format == DumpFormat::kYamlList) out += "apiVersion: v1\nitems:\n";
  if (options.format == DumpFormat::kJsonList) out += "{\n    \"apiVersion\": \"v1\",\n    \"items\": [";
  for (size_t i = 0; i < plan.size(); ++i) {
    Value obj = ObjectMaker(options.seed, plan[i]).Make();
    switch (options.format) {
      case DumpFormat::kYamlStream:
        out += "---\n";
        EmitYamlMap(out, obj, 0, false);
        break;
      case DumpFormat::kYamlList:
        out += "- ";
        EmitYamlMap(out, obj, 2, true);
        break;
      case DumpFormat::kJsonList:
        out += i == 0 ? "\n        " : ",\n        ";
        EmitJson(out, obj, 8);
        break;
    }
    switch (plan[i].kind) {
      case Kind::kDeployment:
        ++summary.deployments;
        break;
      case Kind::kService:
        ++summary.services;
        break;
      case Kind::kConfigMap:
        ++summary.config_maps;
        break;
      case Kind::kSecret:
        ++summary.secrets;
        break;
      case Kind::kServiceAccount:
        ++summary.service_accounts;
        break;
    }
    ++summary.objects;
    flush(false);
  }
  if (options.format == DumpFormat::kYamlList) {
    if (plan.empty()) out.replace(out.size() - 1, 1, " []\n");
    out += "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  }
  if (options.format == DumpFormat::kJsonList) {
    out += plan.empty() ? "],\n" : "\n    ],\n";
    out += "    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n";
  }
  flush(true);
  return summary;
}

std::string MakeDump(const DumpOptions& options, DumpSummary* summary) {
  std::string all;
  DumpSummary s = WriteDump(options, [&](std::string_view piece) { all.append(piece); });
  if (summary) *summary = s;
  return all;
}

}  // namespace kora::bench
