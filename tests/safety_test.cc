// What every output format promises: nothing from a Secret and no
// credential-looking value ever reaches a report, and everything taken from
// the input is escaped for the format it lands in.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

// Each place a secret can hide gets its own canary, so a leak names its source.
struct Canaries {
  std::vector<std::string> all;
  std::string Add(const std::string& where) {
    all.push_back("KORACANARY" + where + "X7q");
    return all.back();
  }
};

// Writes the inputs that hide canaries into dir; returns the canaries.
Canaries WriteSecretInputs(const TempDir& dir) {
  Canaries c;
  std::string data_b64 = Base64(c.Add("DATAB64"));
  std::string data_raw = c.Add("DATARAW");
  std::string string_data = c.Add("STRINGDATA");
  std::string docker_user = c.Add("DOCKERUSER");
  std::string docker_pass = c.Add("DOCKERPASS");
  std::string auth_pass = c.Add("DOCKERAUTH");
  std::string dockerconfig = R"({"auths":{"registry.example.com":{"username":")" + docker_user +
                             R"(","password":")" + docker_pass + R"(","auth":")" + Base64("user:" + auth_pass) +
                             R"("}}})";
  dir.Write("secrets.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: app-secret, namespace: shop}\ntype: Opaque\n"
            "data:\n  password: " + data_b64 + "\n  raw: " + data_raw +
                "\nstringData:\n  token: " + string_data +
                "\n---\n"
                "apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: shop}\n"
                "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
                Base64(dockerconfig) +
                "\n---\n"
                "apiVersion: v1\nkind: Secret\nmetadata: {name: regcred-plain, namespace: shop}\n"
                "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '" + dockerconfig + "'\n");
  // Credential-looking env values, in a workload that draws findings (no
  // probes, no resources, :latest, a pull secret for another registry).
  std::string env;
  for (const char* name : {"PASSWORD", "DB_PASSWORD", "API_TOKEN", "CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY",
                           "PRIVATE_KEY", "apiKey", "GITHUB_TOKEN", "DATABASE_DSN", "REDIS_PASS"}) {
    env += "        - {name: " + std::string(name) + ", value: " + c.Add(std::string("ENV") + name) + "}\n";
  }
  dir.Write("workload.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: other}}\n"
            "    spec:\n      imagePullSecrets: [{name: regcred}, {name: missing-pull-secret}]\n"
            "      containers:\n      - name: web\n        image: ghcr.io/acme/web:latest\n        env:\n" +
                env +
                "        - {name: FROM_SECRET, valueFrom: {secretKeyRef: {name: app-secret, key: nokey}}}\n");
  // A Secret that does not parse: the load error quotes a line of it.
  dir.Write("malformed.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: broken, namespace: shop}\ndata:\n"
                              "  key: " + c.Add("MALFORMED") + "\n  other: [" + c.Add("MALFORMEDFLOW") + "\n");
  dir.Write("malformed-late-kind.yaml", "apiVersion: v1\ndata: {key: " + c.Add("MALFORMEDEARLY") +
                                            ", k2: [}\nkind: Secret\nmetadata: {name: late}\n");
  dir.Write("malformed.json", R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"}, "data": {"k": ")" +
                                  c.Add("MALFORMEDJSON") + "\" \"x\": 1}}\n");
  // Invalid UTF-8 inside a Secret value.
  dir.Write("invalid-utf8.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: bad-bytes, namespace: shop}\n"
                                 "stringData:\n  key: " + c.Add("UTF8A") + "\xff\xfe" + c.Add("UTF8B") + "\n");
  // A key given twice: the duplicate-key finding points into the Secret.
  dir.Write("duplicate.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: dup, namespace: shop}\ndata:\n"
                              "  a: " + Base64(c.Add("DUPFIRST")) + "\n  a: " + c.Add("DUPSECOND") +
                                  "\nstringData:\n  b: " + c.Add("DUPSD1") + "\n  b: " + c.Add("DUPSD2") + "\n");
  // Drift between a manifest and its live copy: application-out-of-sync
  // compares them field by field and must show no Secret value and no
  // credential-looking env value, from either side.
  dir.Write("drift-manifest.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: drifted, namespace: shop}\ndata:\n  password: " +
                Base64(c.Add("DRIFTGIT")) + "\nstringData:\n  token: " + c.Add("DRIFTGITSD") +
                "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: drift-web, namespace: shop}\nspec:\n"
                "  selector: {matchLabels: {app: dw}}\n  template:\n    metadata: {labels: {app: dw}}\n    spec:\n"
                "      containers:\n      - name: web\n        image: ghcr.io/acme/web:1\n        env:\n"
                "        - {name: DB_PASSWORD, value: " + c.Add("DRIFTENVGIT") + "}\n");
  dir.Write("drift-live.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: drifted, namespace: shop, uid: u-1}\ndata:\n  password: " +
                Base64(c.Add("DRIFTLIVE")) + "\n  token: " + Base64(c.Add("DRIFTLIVESD")) +
                "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: drift-web, namespace: shop, uid: u-2}\n"
                "spec:\n  selector: {matchLabels: {app: dw}}\n  template:\n    metadata: {labels: {app: dw}}\n"
                "    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1\n        env:\n"
                "        - {name: DB_PASSWORD, value: " + c.Add("DRIFTENVLIVE") + "}\n"
                "---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: shop, namespace: argocd, "
                "uid: u-3}\nspec: {destination: {namespace: shop}}\nstatus:\n  sync: {status: OutOfSync}\n"
                "  resources:\n  - {version: v1, kind: Secret, namespace: shop, name: drifted, status: OutOfSync}\n"
                "  - {group: apps, version: v1, kind: Deployment, namespace: shop, name: drift-web, status: OutOfSync}\n");
  return c;
}

TEST(Safety, NoSecretReachesAnyOutput) {
  TempDir dir("safety-secrets");
  Canaries c = WriteSecretInputs(dir);
  std::vector<std::vector<std::string>> runs = {
      {"analyze", "--profile", "all", "-f", "text", dir.str()},
      {"analyze", "--profile", "all", "-f", "text", "--color", "always", dir.str()},
      {"analyze", "--profile", "all", "-f", "json", dir.str()},
      {"analyze", "--profile", "all", "-f", "sarif", dir.str()},
      {"analyze", "--profile", "all", "-f", "html", dir.str()},
      {"graph", "-f", "dot", dir.str()},
      {"graph", "-f", "json", dir.str()},
  };
  std::string text_report;
  for (const auto& args : runs) {
    CommandResult r = RunKora(args);
    std::string what = args[0] + " " + args[args.size() - 2];
    ASSERT_NE(r.exit_code, 2) << what << ": " << r.err;
    ASSERT_FALSE(r.out.empty()) << what;
    if (args.size() == 6 && args[4] == "text") text_report = r.out;
    for (const std::string& canary : c.all) {
      EXPECT_EQ(r.out.find(canary), std::string::npos) << what << " leaks " << canary << ":\n" << r.out;
      EXPECT_EQ(r.err.find(canary), std::string::npos) << what << " leaks " << canary << " on stderr";
      EXPECT_EQ(r.out.find(Base64(canary)), std::string::npos) << what << " leaks base64 of " << canary;
    }
  }
  // The places are really reported on (else the test proves nothing): the
  // parse errors, the bad bytes, the duplicate keys and the workload.
  for (const char* expected : {"malformed.yaml:", "malformed.json:", "malformed-late-kind.yaml:",
                               "invalid-utf8.yaml:", "duplicate.yaml:", "duplicate-key", "load-error",
                               "Deployment/shop/web", "image-latest-tag",
                               "2 objects differ from Git (Secret/shop/drifted, Deployment/shop/drift-web) - Secret/shop/drifted at "
                               "data.password (Git: <redacted>, live: <redacted>)",
                               "live Deployment/shop/drift-web: <redacted>"}) {
    EXPECT_NE(text_report.find(expected), std::string::npos) << expected << " not in:\n" << text_report;
  }
}

// Hostile text in names, labels and file names.
const std::string kHtml = "\"><img src=x onerror=alert(1)>";
const std::string kScript = "</script><script>alert(1)</script>";
const std::string kQuotes = "it's \"quoted\" \\back\\slash\\";
const std::string kControl = "bell\x07" "esc\x1b[31mred\x1b]0;title\x07" "del\x7f" "nul-free";

std::string HostileInput() {
  // YAML double-quoted escapes carry the control characters; \xff\xfe below
  // is raw invalid UTF-8.
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
         "  name: \"\\\"><img src=x onerror=alert(1)>\"\n"
         "  namespace: \"</script><script>alert(1)</script>\"\n"
         "  labels: {quotes: \"it's \\\"quoted\\\" \\\\back\\\\slash\\\\\"}\n"
         "spec:\n"
         "  selector: {matchLabels: {app: \"it's \\\"quoted\\\" \\\\back\\\\slash\\\\\",\n"
         "    ctl: \"bell\\aesc\\e[31mred\\e]0;title\\adel\\x7fnul-free\"}}\n"
         "  template:\n"
         "    metadata: {labels: {app: \"bell\\aesc\\e[31mred\\e]0;title\\adel\\x7fnul-free\"}}\n"
         "    spec:\n"
         "      containers:\n"
         "      - name: web-\xff\xfe-x\n"
         "        image: \"</script><script>alert(1)</script>:latest\"\n";
}

// Checks with Python's json module that a file parses and that each expected
// string occurs inside one of its string values.
std::string PythonCheck(const std::string& json_file, const std::vector<std::string>& expected, const TempDir& dir) {
  std::string joined;
  for (const std::string& e : expected) joined += e + '\0';
  std::string list = dir.Write("expected.bin", joined);
  std::string script = dir.Write("check.py", R"(import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
strings = []
def walk(v):
    if isinstance(v, str): strings.append(v)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, dict):
        for k, x in v.items(): strings.append(k); walk(x)
walk(doc)
missing = [e for e in open(sys.argv[2], "rb").read().split(b"\0")[:-1]
           if not any(e.decode("utf-8") in s for s in strings)]
for m in missing: print("missing:", repr(m.decode("utf-8")))
print("ok" if not missing else "not ok")
)");
  std::string out = (fs::path(dir.str()) / "check.out").string();
  std::string cmd = "python3 '" + script + "' '" + json_file + "' '" + list + "' > '" + out + "' 2>&1";
  std::system(cmd.c_str());
  return ReadFile(out);
}

TEST(Safety, HostileInputIsEscapedInEveryFormat) {
  TempDir dir("safety-escape");
  std::string input = dir.Write("evil \"<name>\" \\ é.yaml", HostileInput());
  const std::string kReplacement = "web-\xEF\xBF\xBD\xEF\xBF\xBD-x";  // U+FFFD for each invalid byte
  std::vector<std::string> expected = {kHtml, kScript, kQuotes, kControl, kReplacement,
                                       "evil \"<name>\" \\ é.yaml"};
  for (const char* format : {"json", "sarif"}) {
    std::string out = dir.str() + "/report." + format;
    CommandResult r = RunKora({"analyze", "--profile", "all", "--fail-on", "never", "-f", format, "-o", out, input});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> want = expected;
    // SARIF carries file names as percent-encoded URIs.
    if (std::string(format) == "sarif") want.back() = "evil%20%22%3Cname%3E%22%20%5C%20%C3%A9.yaml";
    EXPECT_EQ(PythonCheck(out, want, dir), "ok\n") << format << ":\n" << ReadFile(out);
    std::string report = ReadFile(out);
    for (char c : report) {
      auto u = static_cast<unsigned char>(c);
      EXPECT_FALSE(u < 0x20 && c != '\n') << format << " has a raw control character " << int(u);
    }
    EXPECT_EQ(report.find("\xff"), std::string::npos);
  }
  // The text report shows control characters escaped, never raw.
  CommandResult text = RunKora({"analyze", "--profile", "all", "--fail-on", "never", input});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(kHtml), std::string::npos) << text.out;
  for (char c : text.out) {
    auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) << "raw control character " << int(u);
  }
  EXPECT_NE(text.out.find("\\x1b[31m"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace kora::test
