// The HTML report: escaping, hashes, masked excerpts, bounded size,
// determinism, and (BrowserTest) the page rendered in headless Chromium.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "reports/html.h"
#include "reports/writer.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit code, stdout+stderr in output.
int RunShell(const std::string& cmd, const TempDir& dir, std::string& output) {
  std::string log = dir.Path("command.log");
  int status = std::system((cmd + " > " + ShellQuote(log) + " 2>&1").c_str());
  output = ReadFile(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Html(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  std::vector<std::string> all = {"analyze", "--fail-on", "never", "-f", "html"};
  all.insert(all.end(), args.begin(), args.end());
  CommandResult r = RunKora(all, stdin_text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

std::string Scenario() { return SourceDir() + "/fixtures/scenarios/argocd-degraded-image-pull"; }

// --- Escaping and hashing -----------------------------------------------------

TEST(HtmlText, EscapesMarkupQuotesControlsAndBadBytes) {
  EXPECT_EQ(html::Escape("\"><img src=x onerror=alert(1)>"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(html::Escape("it's a & b"), "it&#39;s a &amp; b");
  EXPECT_EQ(html::Escape("esc\x1b[31m bell\x07 del\x7f tab\t nl\n"), "esc\\x1b[31m bell\\x07 del\\x7f tab\t nl\n");
  EXPECT_EQ(html::Escape("c1 \xC2\x9B end"), "c1 \\u009b end");
  // Invalid bytes, an overlong '<' and a surrogate never pass through.
  EXPECT_EQ(html::Escape("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(html::Escape("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(html::Escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(html::Escape("é ✓ 😀"), "é ✓ 😀");
}

TEST(HtmlText, ScriptSafeJsonHasNoClosingTagOrComment) {
  std::string json = "[\"</script><script>alert(1)</script>\",\"<!-- x -->\",\"a&b\"]";
  std::string safe = html::ScriptSafeJson(json);
  EXPECT_EQ(safe.find('<'), std::string::npos);
  EXPECT_EQ(safe.find('>'), std::string::npos);
  EXPECT_EQ(safe.find('&'), std::string::npos);
  EXPECT_EQ(safe, "[\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\",\"\\u003c!-- x "
                  "--\\u003e\",\"a\\u0026b\"]");
}

TEST(HtmlText, CspHashIsSha256Base64) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(html::CspHash("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
  EXPECT_EQ(html::CspHash(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
}

TEST(HtmlText, WrapTextBreaksAtSpacesAndMarksCuts) {
  EXPECT_EQ(html::WrapText("one two three four", 9, 5), (std::vector<std::string>{"one two", "three", "four"}));
  EXPECT_EQ(html::WrapText("one two three four", 9, 2), (std::vector<std::string>{"one two", "three\xE2\x80\xA6"}));
  EXPECT_EQ(html::WrapText("ééééé", 3, 1), (std::vector<std::string>{"éé\xE2\x80\xA6"}));
  EXPECT_TRUE(html::WrapText("", 10, 3).empty());
}

// The report's policy allows exactly its own style and script: the hashes
// in the meta tag are recomputed here with Python's hashlib.
TEST(HtmlReport, CspHashesMatchTheInlineStyleAndScript) {
  TempDir dir("csp");
  std::string page = dir.Write("report.html", Html({Scenario()}));
  std::string script = dir.Write("check.py", R"py(import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
def h(s): return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
styles = re.findall(r"<style>(.*?)</style>", page, re.S)
scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
want = "default-src 'none'; style-src %s; script-src %s; img-src 'none'; base-uri 'none'; form-action 'none'" % (
    h(styles[0]), h(scripts[0]))
print("ok" if len(styles) == 1 and len(scripts) == 1 and csp == want else "csp %r != %r" % (csp, want))
)py");
  std::string output;
  ASSERT_EQ(RunShell("python3 " + ShellQuote(script) + " " + ShellQuote(page), dir, output), 0) << output;
  EXPECT_EQ(output, "ok\n");
}

TEST(HtmlReport, SameInputGivesTheSameBytes) {
  std::string first = Html({"--profile", "all", Scenario()});
  std::string second = Html({"--profile", "all", Scenario()});
  ASSERT_GT(first.size(), 10000u);
  EXPECT_EQ(first, second);
  // Nothing from the run itself (time, pid, temp paths) leaks into the page.
  EXPECT_EQ(first.find(std::to_string(::getpid())), std::string::npos);
}

// A writer used without the graph and evidence (a library caller) still
// writes the findings and excerpts.
TEST(HtmlReport, WritesWithoutGraphOrEvidence) {
  Analysis a = AnalyzeText("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                           "  - {name: c, image: \"nginx:latest\"}\n");
  ASSERT_FALSE(a.findings.empty());
  std::ostringstream out;
  ReportInput in{a.load, a.findings, a.options};
  MakeWriter("html", {})->Write(in, out);
  std::string page = out.str();
  EXPECT_NE(page.find("image-latest-tag"), std::string::npos);
  EXPECT_NE(page.find("<pre class=\"excerpt\">"), std::string::npos);  // the in-memory buffer is kept
  EXPECT_NE(page.find("No events in the input."), std::string::npos);
  EXPECT_EQ(Count(page, "<tr id=\"f"), a.findings.size());
}

TEST(HtmlReport, BaselineStatesAreShownAndFilterable) {
  TempDir dir("baseline");
  // A baseline from the scenario without one of its findings: that one is new.
  std::string sarif = RunKora({"analyze", "--fail-on", "never", "-f", "sarif", "--disable", "container-resources-missing",
                               Scenario()})
                          .out;
  std::string baseline = dir.Write("baseline.sarif", sarif);
  std::string page = Html({"--baseline", baseline, Scenario()});
  EXPECT_NE(page.find("<section id=\"baseline\">"), std::string::npos);
  EXPECT_EQ(Count(page, "data-baseline=\"new\""), 1u);
  EXPECT_EQ(Count(page, "data-baseline=\"unchanged\""), Analyze({Scenario()}, AnalysisOptions{}).findings.size() - 1);
  EXPECT_NE(page.find("{\"attribute\":\"data-baseline\",\"label\":\"Baseline\""), std::string::npos);
}

// --- Secrets in excerpts -------------------------------------------------------

struct Canaries {
  std::vector<std::string> all;
  std::string Add(const std::string& where) {
    all.push_back("KORACANARY" + where + "Z9");
    return all.back();
  }
};

// Objects whose excerpts the report shows (each draws a finding: duplicates,
// :latest images), hiding canaries in every place a secret can sit.
std::string SecretExcerptInput(Canaries& c) {
  std::string docker = R"({"auths":{"r.example.com":{"username":")" + c.Add("DOCKERUSER") + R"(","password":")" +
                       c.Add("DOCKERPASS") + R"(","auth":")" + Base64("u:" + c.Add("DOCKERAUTH")) + R"("}}})";
  std::string secret =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\n  namespace: shop\n  annotations:\n"
      "    kubectl.kubernetes.io/last-applied-configuration: |\n"
      "      {\"apiVersion\":\"v1\",\"data\":{\"password\":\"" + c.Add("LASTAPPLIEDSECRET") + "\"},\"kind\":\"Secret\"}\n"
      "    note: " + c.Add("SECRETANNOTATION") + "\n"
      "type: Opaque\ndata:\n  password: " + Base64(c.Add("DATAB64")) + "\n  raw: " + c.Add("DATARAW") +
      "\n  # old: " + c.Add("COMMENT") + "\n"
      "  multi: |\n    " + Base64(c.Add("DATABLOCK1")) + "\n    " + Base64(c.Add("DATABLOCK2")) + "\n"
      "stringData:\n  cert: |\n    -----BEGIN PRIVATE KEY-----\n    " + c.Add("PEMLINE") + "\n    key: " +
      c.Add("BLOCKKEYVALUE") + "\n    " + c.Add("BLOCKCOLON") + ":\n    -----END PRIVATE KEY-----\n"
      "  folded: >\n    " + c.Add("FOLDED1") + "\n    " + c.Add("FOLDED2") + "\n"
      "  quoted: \"" + c.Add("QUOTED1") + "\n    " + c.Add("QUOTED2") + "\"\n"
      "  .dockerconfigjson: '" + docker + "'\n";
  std::string deployment =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n"
      "    kubectl.kubernetes.io/last-applied-configuration: '{\"env\":[{\"name\":\"X\",\"value\":\"" +
      c.Add("LASTAPPLIEDENV") + "\"}]}'\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n"
      "    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n"
      "        image: ghcr.io/acme/web:latest\n        env:\n"
      "        - name: DB_PASSWORD\n          value: " + c.Add("ENVPASSWORD") + "\n"
      "        - {name: API_TOKEN, value: " + c.Add("ENVTOKENFLOW") + "}\n"
      "        - name: CLIENT_SECRET\n          value: |\n            " + c.Add("ENVBLOCK1") + "\n            " +
      c.Add("ENVBLOCK2") + "\n"
      "        - name: DATABASE_URL\n          value: postgres://app:" + c.Add("URLPASS") + "@db:5432/app\n"
      "        - name: GREETING\n          value: AKIAIOSFODNN7EXAMPLE\n"
      "        - name: SESSION\n          value: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl\n"
      "        - name: FROM_SECRET\n          valueFrom: {secretKeyRef: {name: app-secret, key: password}}\n";
  std::string config =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata:\n"
      "  DB_PASSWORD: " + c.Add("CONFIGPASSWORD") + "\n  signing.key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    " +
      c.Add("CONFIGPEM") + "\n    -----END RSA PRIVATE KEY-----\n  plain: visible-setting\n";
  // A Secret inside another object, template parameters, a list of passwords.
  std::string tmpl =
      "apiVersion: template.openshift.io/v1\nkind: Template\nmetadata: {name: app, namespace: shop}\n"
      "objects:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: inner}\n  stringData:\n    token: " +
      c.Add("NESTEDSECRET") + "\n  data: {k: " + Base64(c.Add("NESTEDDATA")) + "}\n"
      "parameters:\n- name: ADMIN_PASSWORD\n  value: " + c.Add("TEMPLATEPARAM") + "\n"
      "passwords:\n- " + c.Add("LISTPASS1") + "\n- " + c.Add("LISTPASS2") + "\n";
  // Every object twice: duplicate-object puts a finding (and so an excerpt) on each.
  return secret + "---\n" + secret + "---\n" + deployment + "---\n" + config + "---\n" + config + "---\n" +
         tmpl + "---\n" + tmpl;
}

void ExpectNoCanary(const std::string& page, const Canaries& c, const std::string& what) {
  for (const std::string& canary : c.all) {
    EXPECT_EQ(page.find(canary), std::string::npos) << what << " leaks " << canary;
    EXPECT_EQ(page.find(Base64(canary)), std::string::npos) << what << " leaks base64 of " << canary;
  }
  EXPECT_EQ(page.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << what;
  EXPECT_EQ(page.find("eyJhbGciOiJIUzI1NiJ9"), std::string::npos) << what;
}

// The excerpts are really shown (else the test proves nothing): identities,
// env names and harmless values are visible, the values masked.
void ExpectExcerptsShown(const std::string& page, const std::string& what) {
  for (const char* visible : {"kind: Secret", "name: app-secret", "password: <span class=\"redacted\">",
                              "name: DB_PASSWORD", "name: DATABASE_URL", "plain: visible-setting",
                              "image: ghcr.io/acme/web:latest", "secretKeyRef: {name: app-secret, key: password}",
                              "DB_PASSWORD: <span class=\"redacted\">", "kind: Template", "name: ADMIN_PASSWORD",
                              "passwords:"}) {
    EXPECT_NE(page.find(visible), std::string::npos) << what << ": " << visible << " not shown";
  }
  EXPECT_GE(Count(page, "<pre class=\"excerpt\">"), 7u) << what;
  EXPECT_GE(Count(page, "&lt;redacted&gt;"), 30u) << what;
}

TEST(HtmlReport, ExcerptsMaskSecretsAndCredentials) {
  TempDir dir("excerpt-secrets");
  Canaries c;
  std::string input = SecretExcerptInput(c);
  std::string file = dir.Write("inputs.yaml", input);
  std::string from_file = Html({"--profile", "all", file});
  ExpectExcerptsShown(from_file, "file");
  ExpectNoCanary(from_file, c, "file");
  // Standard input is kept in memory for excerpts, masked the same way.
  std::string from_stdin = Html({"--profile", "all", "-"}, input);
  ExpectExcerptsShown(from_stdin, "stdin");
  ExpectNoCanary(from_stdin, c, "stdin");
  // JSON: the same objects as one List on one line, where a Deployment and
  // a Secret share the line.
  std::string json = R"({"apiVersion":"v1","kind":"List","items":[)"
                     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"shop"},)"
                     R"("spec":{"selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"labels":)"
                     R"({"app":"api"}},"spec":{"containers":[{"name":"api","image":"nginx:latest","env":[)"
                     R"({"name":"DB_PASSWORD","value":")" + c.Add("JSONENV") + R"("}]}]}}}},)"
                     R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"},)"
                     R"("data":{"k":")" + Base64(c.Add("JSONDATA")) + R"("},"stringData":{"t":")" +
                     c.Add("JSONSTRINGDATA") + R"("}},)"
                     R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"shop"},)"
                     R"("stringData":{"t":")" + c.Add("JSONDUP") + R"("}}]})";
  std::string json_page = Html({"--profile", "all", dir.Write("list.json", json)});
  ExpectNoCanary(json_page, c, "json");
  EXPECT_NE(json_page.find("&quot;image&quot;:&quot;nginx:latest&quot;"), std::string::npos) << json_page;
}

TEST(HtmlReport, SensitiveSpansCoverWholeValues) {
  Analysis a = AnalyzeText(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  k: |\n    line1\n    line2\n"
      "  j: plain\n");
  const Object& secret = (*a.load.objects)[0];
  std::vector<Span> spans = html::SensitiveSpans(secret);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].begin, (Mark{5, 6}));  // from the block indicator...
  EXPECT_EQ(spans[0].end.line, 7u);         // ...to its last line
  EXPECT_EQ(spans[1].begin, (Mark{8, 6}));
}

// --- Escaping in the page ------------------------------------------------------

const std::string kImg = "\"><img src=x onerror=alert(1)>";
const std::string kScript = "</script><script>alert(1)</script>";
const std::string kComment = "<!--<script>alert(2)</script>-->";

// Hostile text in names, labels, images, events and the file name, in
// objects that draw findings, root causes and timeline rows.
std::string HostileInput() {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
         "  name: \"\\\"><img src=x onerror=alert(1)>\"\n"
         "  namespace: \"</script><script>alert(1)</script>\"\n"
         "  labels: {note: \"<!--<script>alert(2)</script>-->\"}\n"
         "spec:\n  selector: {matchLabels: {app: \"\\\"><img src=x onerror=alert(1)>\"}}\n"
         "  template:\n    metadata: {labels: {app: other}}\n    spec:\n"
         "      serviceAccountName: \"<!--<script>alert(2)</script>-->\"\n"
         "      containers:\n      - name: web\n        image: \"</script><script>alert(1)</script>:latest\"\n"
         "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: \"\\\"><img src=x onerror=alert(1)>-abc12\"\n"
         "  namespace: \"</script><script>alert(1)</script>\"\n  uid: 0f0e\n"
         "spec:\n  containers:\n  - name: web\n    image: \"</script><script>alert(1)</script>:latest\"\n"
         "status:\n  phase: Pending\n  containerStatuses:\n  - name: web\n    ready: false\n    restartCount: 0\n"
         "    state: {waiting: {reason: ImagePullBackOff, message: \"<!--<script>alert(2)</script>-->\"}}\n"
         "---\napiVersion: v1\nkind: Event\nmetadata: {name: e1, namespace: \"</script><script>alert(1)</script>\"}\n"
         "involvedObject: {kind: Pod, name: \"\\\"><img src=x onerror=alert(1)>-abc12\", "
         "namespace: \"</script><script>alert(1)</script>\", uid: 0f0e}\n"
         "reason: \"<!--<script>alert(2)</script>-->\"\n"
         "message: \"Failed to pull image \\\"</script><script>alert(1)</script>:latest\\\": 401 Unauthorized\"\n"
         "type: Warning\nfirstTimestamp: \"2025-01-01T00:00:00Z\"\nlastTimestamp: \"2025-01-02T00:00:00Z\"\n"
         "count: 7\n";
}

TEST(HtmlReport, HostileInputStaysText) {
  TempDir dir("hostile");
  std::string file = dir.Write("evil \"<b>x<i>\".yaml", HostileInput());
  std::string page = Html({"--profile", "all", file});
  ASSERT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << page;
  EXPECT_NE(page.find("evil &quot;&lt;b&gt;x&lt;i&gt;&quot;.yaml"), std::string::npos);
  for (const std::string& raw : {kImg, kScript, kComment, std::string("<img"), std::string("<b>x<i>"),
                                 std::string("<script>alert"), std::string("<!--")}) {
    EXPECT_EQ(page.find(raw), std::string::npos) << "raw " << raw;
  }
  // The markup is only kora's: Python's HTML parser finds known tags, no
  // event handler attribute, one data block and one script.
  std::string page_file = dir.Write("report.html", page);
  std::string script = dir.Write("check.py", R"py(import html.parser, json, sys
allowed = set("""html head meta title style body header h1 h2 h3 h4 p div section ul ol li table thead tbody tr th
td a code pre span strong br nav main mark article figure figcaption svg defs marker path g rect text line circle
form label input output script time footer""".split())
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.bad = []; self.scripts = []; self.data = None; self.in_json = False
    def handle_starttag(self, tag, attrs):
        if tag not in allowed: self.bad.append(tag)
        self.bad += [tag + "@" + k for k, v in attrs if k.startswith("on")]
        if tag == "script":
            self.scripts.append(dict(attrs).get("type", "classic")); self.in_json = dict(attrs).get("type") == "application/json"
    def handle_data(self, data):
        if self.in_json: self.data = json.loads(data); self.in_json = False
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
values = [v[0] for facet in p.data for v in facet["values"]]
print("bad:", p.bad, "scripts:", p.scripts, "namespace in data:", "</script><script>alert(1)</script>" in values)
)py");
  std::string output;
  ASSERT_EQ(RunShell("python3 " + ShellQuote(script) + " " + ShellQuote(page_file), dir, output), 0) << output;
  EXPECT_EQ(output, "bad: [] scripts: ['application/json', 'classic'] namespace in data: True\n");
}

// --- Size ----------------------------------------------------------------------

// A large input costs the report the lines it shows, not the input: a long
// object shows windows, a minified file a window of its line.
TEST(HtmlReport, ExcerptsOfLargeInputsShowOnlyTheRelevantLines) {
  TempDir dir("large");
  std::string big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: shop}\ndata:\n";
  for (int i = 0; i < 20000; ++i) big += "  key" + std::to_string(i) + ": FARVALUE" + std::to_string(i) + "\n";
  std::string yaml = dir.Write("big.yaml", big + "---\n" + big);
  std::string page = Html({"--profile", "all", yaml});
  EXPECT_NE(page.find("duplicate-object"), std::string::npos);
  EXPECT_NE(page.find("lines not shown"), std::string::npos);
  EXPECT_EQ(page.find("FARVALUE10000"), std::string::npos);
  EXPECT_LT(page.size(), fs::file_size(yaml) / 10) << "the page embeds the input";

  std::string items;
  for (int i = 0; i < 20000; ++i) {
    items += R"(,{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c)" + std::to_string(i) +
             R"(","namespace":"shop"},"data":{"k":"FARJSON)" + std::to_string(i) + R"("}})";
  }
  std::string json = dir.Write(
      "min.json", R"({"apiVersion":"v1","kind":"List","items":[{"apiVersion":"apps/v1","kind":"Deployment",)"
                  R"("metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"matchLabels":{"app":"web"}},)"
                  R"("template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web",)"
                  R"("image":"nginx:latest"}]}}}})" + items + "]}");
  std::string min_page = Html({"--profile", "all", json});
  EXPECT_NE(min_page.find("image-latest-tag"), std::string::npos);
  EXPECT_NE(min_page.find("<pre class=\"excerpt\">"), std::string::npos);
  EXPECT_EQ(min_page.find("FARJSON100"), std::string::npos);
  EXPECT_LT(min_page.size(), fs::file_size(json) / 10) << "the page embeds the input";
}

// --- In a real browser ---------------------------------------------------------

std::set<std::pair<ObjectId, uint32_t>> HighlightedLines(const std::vector<Finding>& findings) {
  std::set<std::pair<ObjectId, uint32_t>> lines;
  auto add = [&](const Location& l) {
    if (l.object != kNoObject && l.span.Known()) lines.insert({l.object, l.span.begin.line});
  };
  for (const Finding& f : findings) {
    add(f.loc);
    for (const RelatedLocation& r : f.related) add(r.loc);
    for (const ChainStep& s : f.chain) add(s.loc);
  }
  return lines;
}

TEST(BrowserTest, ReportRendersInHeadlessChromium) {
  const char* skip = std::getenv("KORA_SKIP_BROWSER");
  if (skip && std::string(skip) == "1") GTEST_SKIP() << "KORA_SKIP_BROWSER=1";
  const char* chromium_env = std::getenv("KORA_CHROMIUM");
  std::string chromium = chromium_env && *chromium_env ? chromium_env : "chromium";
  TempDir dir("browser");
  std::string output;
  ASSERT_EQ(RunShell("command -v " + ShellQuote(chromium), dir, output), 0)
      << chromium << " not found: scripts/deps.sh test installs it (KORA_SKIP_BROWSER=1 skips this test)";

  // What the page must show, from the same analysis in process.
  Analysis a = Analyze({Scenario()});
  Context ctx(a.load, a.options);
  std::set<ObjectId> objects;
  for (const auto& [object, line] : HighlightedLines(a.findings)) objects.insert(object);
  size_t diagnoses = 0, errors = 0;
  for (const Finding& f : a.findings) {
    diagnoses += f.IsDiagnosis();
    errors += f.severity == Severity::kError;
  }
  ASSERT_GE(diagnoses, 1u);
  std::string expect = dir.Write(
      "expect.json", "{\"findings\": " + std::to_string(a.findings.size()) + ", \"errors\": " +
                         std::to_string(errors) + ", \"diagnoses\": " + std::to_string(diagnoses) +
                         ", \"objects\": " + std::to_string(objects.size()) + ", \"events\": " +
                         std::to_string(ctx.evidence().events().size()) + ", \"findings_with_lines\": " +
                         std::to_string(HighlightedLines(a.findings).size()) + ", \"broken_min\": 1}");
  // Run from the source directory, so the page names files as a user would.
  std::string report = dir.Path("report.html");
  ASSERT_EQ(RunShell("cd " + ShellQuote(SourceDir()) + " && " + ShellQuote(KORA_BINARY) +
                         " analyze --profile all --fail-on never -f html -o " + ShellQuote(report) +
                         " fixtures/scenarios/argocd-degraded-image-pull",
                     dir, output),
            0)
      << output;
  std::string hostile = dir.Write("hostile.html", Html({"--profile", "all", dir.Write("evil.yaml", HostileInput())}));
  std::string screenshot = dir.Path("html-report.png");
  std::string cmd = "python3 " + ShellQuote(SourceDir() + "/tests/browser_test.py") + " --chromium " +
                    ShellQuote(chromium) + " --report " + ShellQuote(report) + " --expect " + ShellQuote(expect) +
                    " --screenshot " + ShellQuote(screenshot) + " --hostile " + ShellQuote(hostile);
  for (const std::string& p : {kImg, kScript, kComment}) cmd += " --payload " + ShellQuote(p);
  int code = RunShell(cmd, dir, output);
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("all browser checks passed"), std::string::npos) << output;
  EXPECT_GT(fs::exists(screenshot) ? fs::file_size(screenshot) : 0, 10000u);
  // KORA_UPDATE_SCREENSHOT=1 refreshes the README's picture.
  const char* update = std::getenv("KORA_UPDATE_SCREENSHOT");
  if (update && std::string(update) == "1" && fs::exists(screenshot)) {
    fs::copy_file(screenshot, SourceDir() + "/docs/images/html-report.png", fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace kora::test
