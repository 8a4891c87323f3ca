// Container hardening beyond the Pod Security Standards: a writable root
// filesystem, low UIDs and GIDs, NET_RAW, an SSH port, and credentials
// written into env values (reported without ever printing the value).
#include <algorithm>
#include <array>
#include <cctype>

#include "analyzer/engine.h"
#include "analyzer/redact.h"
#include "rules/rules.h"

namespace kora {
namespace {

std::string Who(const ContainerRef& c) { return std::string(c.KindName()) + " \"" + std::string(c.name) + "\""; }

class RootFilesystemWritable : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "root-filesystem-writable",
        .title = "Container root filesystem is writable",
        .severity = Severity::kNote,
        .category = "security",
        .help = "Unless `readOnlyRootFilesystem: true`, a process in the container can change its own binaries "
                "and configuration, and an intruder can drop tools into the image's filesystem. A read-only root "
                "keeps the container what the image says; the paths it must write go on `emptyDir` volumes.",
        .fix = "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` at each path the "
               "program writes (e.g. /tmp).",
        .profile = Profile::kSecurity,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (t->spec["os"]["name"].Str() == "windows") continue;  // the field is Linux only
      for (const ContainerRef& c : t->containers) {
        Node ro = c.node["securityContext"]["readOnlyRootFilesystem"];
        if (ro.Bool() == true) continue;
        Node sc = c.node["securityContext"];
        Node at = ro ? ro : sc ? sc : c.node;
        Finding& f = out.Report(*t, c, at, "securityContext.readOnlyRootFilesystem",
                                Who(c) + " can write to its root filesystem (readOnlyRootFilesystem is " +
                                    (ro ? std::string(ro.Str()) : std::string("not set")) + ")");
        f.fix = "Set securityContext.readOnlyRootFilesystem: true on " + Who(c) +
                ", with an emptyDir volume for each directory it writes.";
      }
    }
  }
};

class RunAsLowId : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "run-as-low-id",
        .title = "runAsUser or runAsGroup below 10000",
        .severity = Severity::kNote,
        .category = "security",
        .help = "UIDs and GIDs below 10000 are the ones node systems use for their own users and groups. Without "
                "user namespaces a container process with such an ID is, for the node's kernel, that user: if it "
                "escapes, it owns that user's files. A high ID (10000 or more) that no node account uses limits "
                "the damage. UID 0 is reported by pss-run-as-user.",
        .fix = "Run as a high ID the image supports, e.g. `runAsUser: 10001` and `runAsGroup: 10001`.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      const Object& obj = ctx.objects()[t->object];
      if (t->spec["hostUsers"].Bool() == false) continue;  // a user namespace maps IDs away from the node's
      if (t->spec["os"]["name"].Str() == "windows") continue;  // Windows pods use runAsUserName
      for (const char* field : {"runAsUser", "runAsGroup"}) {
        bool user = std::string_view(field) == "runAsUser";
        auto low = [&](Node n) {
          auto v = n.IsScalar() ? n.Int() : std::nullopt;
          return v && *v < 10000 && (*v != 0 || !user);
        };
        Node pod = t->spec["securityContext"][field];
        if (low(pod)) {
          Finding& f = out.Report(obj, pod, t->path + ".securityContext." + field,
                                  "the pod runs as " + std::string(user ? "UID " : "GID ") + std::string(pod.Str()) +
                                      ", below 10000");
          f.fix = "Set spec.securityContext." + std::string(field) + ": 10001 (an ID the image supports).";
        }
        for (const ContainerRef& c : t->containers) {
          Node n = c.node["securityContext"][field];
          if (!low(n)) continue;
          Finding& f = out.Report(*t, c, n, std::string("securityContext.") + field,
                                  Who(c) + " runs as " + (user ? "UID " : "GID ") + std::string(n.Str()) +
                                      ", below 10000");
          f.fix = "Set securityContext." + std::string(field) + ": 10001 on " + Who(c) + ".";
        }
      }
    }
  }
};

class NetRawNotDropped : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "net-raw-not-dropped",
        .title = "Container keeps the NET_RAW capability",
        .severity = Severity::kNote,
        .category = "security",
        .help = "Docker and containerd grant NET_RAW by default. It lets a process craft raw packets: ARP and DNS "
                "spoofing against other pods on the node, and it was the entry point of several kernel exploits "
                "(e.g. CVE-2020-14386). Few programs need it (ping does not, with net.ipv4.ping_group_range). "
                "`drop: [ALL]` (reported in the security profile by pss-capabilities-restricted) removes it too; "
                "this rule names NET_RAW on its own.",
        .fix = "Add `NET_RAW` (or `ALL`) to `securityContext.capabilities.drop`.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      if (t->spec["os"]["name"].Str() == "windows") continue;
      for (const ContainerRef& c : t->containers) {
        Node caps = c.node["securityContext"]["capabilities"];
        bool dropped = false;
        for (Node d : caps["drop"].Items()) dropped |= d.Str() == "ALL" || d.Str() == "NET_RAW";
        if (dropped) continue;
        Node sc = c.node["securityContext"];
        Node at = caps["drop"] ? caps["drop"] : caps ? caps : sc ? sc : c.node;
        Finding& f = out.Report(*t, c, at, "securityContext.capabilities.drop",
                                Who(c) + " keeps NET_RAW: capabilities.drop has neither ALL nor NET_RAW");
        f.fix = "Set securityContext.capabilities.drop: [ALL] on " + Who(c) + " (or add NET_RAW to the list).";
      }
    }
  }
};

class SshPortExposed : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "ssh-port-exposed",
        .title = "Container exposes port 22 (SSH)",
        .severity = Severity::kNote,
        .category = "security",
        .help = "A container listening on TCP port 22 usually runs an SSH server: a second way in, with its own "
                "keys or passwords to manage, next to the audited `kubectl exec`. Containers should run one "
                "program, not a login service.",
        .fix = "Remove the SSH server and its port; use `kubectl exec` or `kubectl debug` for interactive access.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        size_t i = 0;
        for (Node p : c.node["ports"].Items()) {
          std::string index = std::to_string(i++);
          Node port = p["containerPort"];
          std::string_view proto = p["protocol"].Str();
          if (!port.Int() || *port.Int() != 22 || (!proto.empty() && proto != "TCP")) continue;
          Finding& f = out.Report(*t, c, port, "ports[" + index + "].containerPort",
                                  Who(c) + " exposes port 22 (SSH)");
          f.fix = "Remove containerPort 22 and the SSH server from " + Who(c) + "; use kubectl exec instead.";
        }
      }
    }
  }
};

// Splits FOO_BAR, foo.bar and fooBar into upper-case words.
std::vector<std::string> NameWords(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    bool sep = !std::isalnum(c);
    bool camel = i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1]));
    if ((sep || camel) && !cur.empty()) {
      words.push_back(cur);
      cur.clear();
    }
    if (!sep) cur.push_back(static_cast<char>(std::toupper(c)));
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

// A name whose last word says it holds a credential: DB_PASSWORD, JWT_SECRET,
// GITHUB_TOKEN, API_KEY, AWS_SECRET_ACCESS_KEY, SECRET_KEY_BASE. Names such as
// TOKEN_TTL, SECRET_NAME or PASSWORD_FILE describe a credential but hold none.
bool CredentialName(std::string_view name) {
  std::vector<std::string> w = NameWords(name);
  if (w.empty() || !LooksLikeCredentialName(name)) return false;
  static constexpr std::array<std::string_view, 12> kLast = {
      "PASSWORD", "PASSWD", "PWD", "PASS", "SECRET", "TOKEN", "APIKEY", "PASSPHRASE", "CREDENTIALS", "CREDS",
      "DSN", "SECRETKEY"};
  const std::string& last = w.back();
  if (std::find(kLast.begin(), kLast.end(), last) != kLast.end()) return true;
  auto has = [&](std::string_view word) { return std::find(w.begin(), w.end(), word) != w.end(); };
  if (last == "KEY") {
    for (std::string_view k : {"API", "ACCESS", "PRIVATE", "SECRET", "ENCRYPTION", "SIGNING", "MASTER", "AUTH",
                               "CLIENT", "LICENSE", "HMAC"}) {
      if (has(k)) return true;
    }
  }
  // SECRET_KEY_BASE and the like.
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] == "SECRET" && w[i + 1] == "KEY") return true;
  }
  return false;
}

// Values that cannot be the credential itself: references, placeholders,
// switches and file paths.
bool PlaceholderValue(std::string_view v) {
  std::string lower;
  for (char c : v) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (v.find("$(") != std::string_view::npos || v.find("${") != std::string_view::npos) return true;
  if (v.find("{{") != std::string_view::npos || (v.front() == '<' && v.back() == '>')) return true;
  for (std::string_view s : {"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "disabled", "enabled"}) {
    if (lower == s) return true;
  }
  return v.front() == '/' || v.rfind("./", 0) == 0 || v.rfind("~/", 0) == 0 || v.rfind("file://", 0) == 0;
}

class EnvSecretLiteral : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "env-secret-literal",
        .title = "Credential written as a literal env value",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "An env `value` is stored in the workload object: anyone who can read the Deployment (or the "
                "chart, the Git repository, `kubectl describe`, audit logs) reads the credential, and it cannot be "
                "rotated without a redeploy. kora reports a literal value when the variable's name ends in a "
                "credential word (PASSWORD, SECRET, TOKEN, API_KEY, ...; not TOKEN_TTL or PASSWORD_FILE) and the "
                "value is not a reference, placeholder, switch or path, or when the value itself is shaped like "
                "one (a private key, a cloud or VCS token, a JWT, a URL with a password, a long random string). "
                "The value is never printed.",
        .fix = "Put the value in a Secret and reference it: `valueFrom: {secretKeyRef: {name: <secret>, key: "
               "<key>}}` (or `envFrom: [{secretRef: {name: <secret>}}]`). Then rotate the credential: it has been "
               "exposed.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      for (const ContainerRef& c : t->containers) {
        for (Node e : c.node["env"].Items()) {
          Node value = e["value"];
          std::string_view v = value.Str();
          if (!value.IsScalar() || v.empty() || e["valueFrom"]) continue;
          std::string name(e["name"].Str());
          bool by_value = LooksLikeCredentialValue(v);
          bool by_name = CredentialName(name) && !PlaceholderValue(v);
          if (!by_value && !by_name) continue;
          Finding& f = out.Report(*t, c, value, "env[" + name + "].value",
                                  Who(c) + " env " + name + " has a literal value (not shown) that " +
                                      (by_value ? "is shaped like a credential" : "its name says is a credential") +
                                      ": anyone who can read the object can read it");
          std::string key;
          for (char ch : name) {
            key.push_back(ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
          }
          f.fix = "Move it to a Secret and use valueFrom: {secretKeyRef: {name: <secret>, key: " + key +
                  "}} for env " + name + " of " + Who(c) + "; then rotate the credential.";
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRootFilesystemWritable() { return std::make_unique<RootFilesystemWritable>(); }
std::unique_ptr<Rule> MakeRunAsLowId() { return std::make_unique<RunAsLowId>(); }
std::unique_ptr<Rule> MakeNetRawNotDropped() { return std::make_unique<NetRawNotDropped>(); }
std::unique_ptr<Rule> MakeSshPortExposed() { return std::make_unique<SshPortExposed>(); }
std::unique_ptr<Rule> MakeEnvSecretLiteral() { return std::make_unique<EnvSecretLiteral>(); }

}  // namespace kora
