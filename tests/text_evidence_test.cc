// Text evidence: kubectl's plain-text output (get pods, get events of every
// era, kubectl events, describe) read into synthetic objects, with the exact
// position of every cell; and how the loader tells text from YAML and JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyzer/duration.h"
#include "analyzer/text_evidence.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

std::string FixturePath(const std::string& name) { return SourceDir() + "/fixtures/text/" + name; }

LoadResult LoadFixture(const std::string& name) {
  Loader loader;
  loader.AddPath(FixturePath(name));
  return loader.Finish();
}

const Object* Find(const LoadResult& r, std::string_view kind, std::string_view name) {
  for (const Object& o : r.objects->all()) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

std::vector<const Object*> OfKind(const LoadResult& r, std::string_view kind) {
  std::vector<const Object*> out;
  for (const Object& o : r.objects->all()) {
    if (o.kind == kind) out.push_back(&o);
  }
  return out;
}

// A node by dotted path; numbers index sequences: "status.containerStatuses.0.ready".
Node At(Node n, std::string_view path) {
  size_t i = 0;
  while (n && i <= path.size()) {
    size_t dot = path.find('.', i);
    std::string_view part = path.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
    if (n.IsSeq() && !part.empty() && std::isdigit(static_cast<unsigned char>(part[0]))) {
      n = n.At(static_cast<size_t>(std::stoul(std::string(part))));
    } else {
      n = n[part];
    }
    if (dot == std::string_view::npos) break;
    i = dot + 1;
  }
  return n;
}
Node At(const Object* o, std::string_view path) { return o ? At(o->Root(), path) : Node(); }

Span S(uint32_t line, uint32_t begin, uint32_t end) { return Span{{line, begin}, {line, end}}; }

// Every node of every text document points into the text and begins before
// it ends; a table row's object spans every cell it was made of (a describe
// block's events also point at the header naming their object).
void ExpectSpansInside(const LoadResult& r, const std::string& text) {
  LineTable lines(text);
  for (const Object& o : r.objects->all()) {
    bool row = o.Annotation(kSourceAnnotation) != "kubectl describe";
    std::vector<Node> todo{o.Root()};
    while (!todo.empty()) {
      Node n = todo.back();
      todo.pop_back();
      Span s = n.span();
      ASSERT_GE(s.begin.line, 1u) << o.Ref();
      ASSERT_LE(s.end.line, lines.LineCount()) << o.Ref();
      ASSERT_FALSE(s.end < s.begin) << o.Ref();
      ASSERT_LE(s.end.col, lines.Line(s.end.line).size() + 1) << o.Ref();
      for (auto e : n.Entries()) {
        if (row) {
          EXPECT_FALSE(e.value.span().begin < o.span().begin) << o.Ref() << " " << e.key.Str();
          EXPECT_FALSE(o.span().end < e.value.span().end) << o.Ref() << " " << e.key.Str();
        }
        todo.push_back(e.value);
      }
      for (Node item : n.Items()) todo.push_back(item);
    }
  }
}

// Ages -------------------------------------------------------------------------------

TEST(KubectlAge, HumanDurationForms) {
  struct Case {
    const char* text;
    int64_t seconds;
  } cases[] = {
      {"0s", 0},          {"45s", 45},           {"119s", 119},         {"2m", 120},
      {"4m42s", 282},     {"9m59s", 599},        {"17m", 1020},         {"179m", 10740},
      {"3h", 10800},      {"5h10m", 18600},      {"23h", 82800},        {"47h", 169200},
      {"2d", 172800},     {"2d16h", 230400},     {"7d23h", 687600},     {"131d", 11318400},
      {"400d", 34560000}, {"3y", 94608000},      {"2y100d", 71712000},  {"8y", 252288000},
  };
  for (const Case& c : cases) {
    std::optional<Age> a = ParseAge(c.text);
    ASSERT_TRUE(a) << c.text;
    EXPECT_EQ(a->kind, Age::Kind::kDuration) << c.text;
    EXPECT_EQ(a->seconds, c.seconds) << c.text;
  }
}

TEST(KubectlAge, ShortHumanDurationAndPlaceholders) {
  // Before 2018 kubectl printed one unit: 13m, 21h, 4h, 5d.
  EXPECT_EQ(ParseAge("21h")->seconds, 75600);
  EXPECT_EQ(ParseAge("5d")->seconds, 432000);
  EXPECT_EQ(ParseAge("<unknown>")->kind, Age::Kind::kUnknown);
  EXPECT_FALSE(ParseAge("<unknown>")->HasSeconds());
  EXPECT_EQ(ParseAge("<invalid>")->kind, Age::Kind::kInvalid);
  EXPECT_EQ(ParseAge("Tue, 07 Jul 2015 16:19:54 -0700")->kind, Age::Kind::kTimestamp);
  EXPECT_EQ(ParseAge("Wed, 01 Apr 2015 07:49:19 UTC")->kind, Age::Kind::kTimestamp);
}

TEST(KubectlAge, RejectsWhatKubectlNeverPrints) {
  for (const char* bad : {"", "4m42", "42s4m", "1h1h", "2d16", "abc", "-5s", " 5s", "5s ", "5 s", "5ms", "1.5s",
                          "9999999999999y", "999999999999y", "<none>", "Tue, 07 Jul 2015",
                          "Xyz, 07 Jul 2015 16:19:54 -0700"}) {
    EXPECT_FALSE(ParseAge(bad)) << "'" << bad << "'";
  }
}

TEST(KubectlAge, EventIntervalWithSeries) {
  std::string text = "4m42s (x17163 over 2d16h)";
  std::optional<EventInterval> i = ParseEventInterval(text);
  ASSERT_TRUE(i);
  EXPECT_TRUE(i->has_series);
  EXPECT_EQ(i->last.seconds, 282);
  EXPECT_EQ(i->count, 17163);
  EXPECT_EQ(i->first.seconds, 230400);
  EXPECT_EQ(text.substr(i->last_begin, i->last_end - i->last_begin), "4m42s");
  EXPECT_EQ(text.substr(i->count_begin, i->count_end - i->count_begin), "17163");
  EXPECT_EQ(text.substr(i->first_begin, i->first_end - i->first_begin), "2d16h");

  std::optional<EventInterval> old = ParseEventInterval("8m (x1274 over 5h)");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->count, 1274);
  EXPECT_EQ(old->first.seconds, 18000);

  std::optional<EventInterval> unknown = ParseEventInterval("<unknown> (x3 over 5m)");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->last.HasSeconds());
  EXPECT_EQ(unknown->first.seconds, 300);

  // Reflowed pastes keep several spaces.
  EXPECT_EQ(ParseEventInterval("9h  (x108  over  18h)")->count, 108);
}

TEST(KubectlAge, EventIntervalSingleAndInvalid) {
  std::optional<EventInterval> single = ParseEventInterval("35s");
  ASSERT_TRUE(single);
  EXPECT_FALSE(single->has_series);
  EXPECT_EQ(single->count, 1);
  EXPECT_EQ(single->last.seconds, 35);
  for (const char* bad : {"4m (x over 2d)", "4m(x3 over 2d)", "4m (x3 2d)", "4m (x3 over 2d", "4m (3 over 2d)",
                          "(x3 over 2d)", "4m (x3 over)", "4m (x3 over 2d) extra"}) {
    EXPECT_FALSE(ParseEventInterval(bad)) << bad;
  }
}

TEST(KubectlAge, Restarts) {
  std::string text = "207 (5m10s ago)";
  std::optional<Restarts> r = ParseRestarts(text);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count, 207);
  ASSERT_TRUE(r->ago);
  EXPECT_EQ(r->ago->seconds, 310);
  EXPECT_EQ(text.substr(r->ago_begin, r->ago_end - r->ago_begin), "5m10s");
  EXPECT_EQ(ParseRestarts("0")->count, 0);
  EXPECT_FALSE(ParseRestarts("0")->ago);
  EXPECT_EQ(ParseRestarts("14 (71d ago)")->ago->seconds, 6134400);
  EXPECT_EQ(ParseRestarts("3 (<invalid> ago)")->ago->kind, Age::Kind::kInvalid);
  for (const char* bad : {"", "207 (5m10s)", "abc", "1 (ago)", "1 (5mago)", "-1", "1 5m ago", "1 (5m ago"}) {
    EXPECT_FALSE(ParseRestarts(bad)) << bad;
  }
}

// kubectl get pods ----------------------------------------------------------------------

// The namespace a fixture's `kubectl ... -n <ns>` command line names, if any.
std::string CommandNamespace(const std::string& fixture) {
  std::string text = ReadFile(SourceDir() + "/fixtures/text/" + fixture);
  size_t at = text.find(" -n ");
  if (at == std::string::npos || text.find('\n') < at) return "";
  size_t b = at + 4, e = text.find_first_of(" \n", b);
  return text.substr(b, e - b);
}

TEST(TextPods, DefaultColumnsWithExactCellPositions) {
  LoadResult r = LoadFixture("get-pods.txt");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(OfKind(r, "Pod").size(), 13u);
  EXPECT_EQ(r.sources->file(0).kind, SourceKind::kText);

  const Object* init = Find(r, "Pod", "api-backend-64cd97cb75-x42ms");
  ASSERT_TRUE(init);
  EXPECT_EQ(init->api_version, "v1");
  // No NAMESPACE column: the `kubectl get pods -n cloudtolocalllm` line above the table says it.
  EXPECT_FALSE(init->namespace_defaulted);
  EXPECT_EQ(init->ns, "cloudtolocalllm");
  EXPECT_EQ(init->Annotation(kSourceAnnotation), "kubectl get pods");
  EXPECT_EQ(At(init, "metadata.name").span(), S(3, 1, 29));
  EXPECT_EQ(At(init, "metadata.name").FieldSpan(), S(3, 1, 29));
  EXPECT_EQ(init->span(), S(3, 1, 95));  // the row
  EXPECT_EQ(At(init, "status.phase").Str(), "Pending");
  EXPECT_EQ(At(init, "status.phase").span(), S(3, 40, 61));  // derived from STATUS
  EXPECT_EQ(At(init, "status.initContainerStatuses.0.name").Str(), "");
  EXPECT_EQ(At(init, "status.initContainerStatuses.0.ready").Bool(), false);
  EXPECT_EQ(At(init, "status.initContainerStatuses.0.restartCount").Int(), 0);
  EXPECT_EQ(At(init, "status.initContainerStatuses.0.state.waiting.reason").Str(), "ImagePullBackOff");
  EXPECT_EQ(At(init, "status.containerStatuses.0.state.waiting.reason").Str(), "PodInitializing");
  EXPECT_EQ(At(init, "x-kora.ready").Str(), "0/1");
  EXPECT_EQ(At(init, "x-kora.ready").span(), S(3, 32, 35));
  EXPECT_EQ(At(init, "x-kora.status").Str(), "Init:ImagePullBackOff");
  EXPECT_EQ(At(init, "x-kora.restarts").Str(), "0");
  EXPECT_EQ(At(init, "x-kora.restarts").span(), S(3, 69, 70));
  EXPECT_EQ(At(init, "x-kora.age").Str(), "2d16h");
  EXPECT_EQ(At(init, "x-kora.age").span(), S(3, 90, 95));
  EXPECT_EQ(At(init, "x-kora.ageSeconds").Int(), 230400);
  EXPECT_EQ(At(init, "x-kora.ageSeconds").tag(), ScalarTag::kInt);

  const Object* crash = Find(r, "Pod", "api-backend-6965dbcc75-74qqc");
  ASSERT_TRUE(crash);
  EXPECT_EQ(At(crash, "status.phase").Str(), "Running");
  EXPECT_EQ(At(crash, "status.containerStatuses.0.restartCount").Int(), 207);
  EXPECT_EQ(At(crash, "status.containerStatuses.0.restartCount").span(), S(4, 69, 72));
  EXPECT_EQ(At(crash, "status.containerStatuses.0.ready").Bool(), false);
  EXPECT_TRUE(At(crash, "status.containerStatuses.0.state.running").IsMap());
  Node ago = At(crash, "status.containerStatuses.0.lastState.terminated.x-kora-ago-seconds");
  EXPECT_EQ(ago.Int(), 310);
  EXPECT_EQ(ago.span(), S(4, 74, 79));  // "5m10s" inside "207 (5m10s ago)"
  EXPECT_EQ(At(crash, "x-kora.restarts").Str(), "207 (5m10s ago)");
  EXPECT_EQ(At(crash, "x-kora.restarts").span(), S(4, 69, 84));
}

TEST(TextPods, StatusesMapToPhasesAndContainerStates) {
  LoadResult r = LoadFixture("get-pods.txt");
  auto phase = [&](const char* name) { return std::string(At(Find(r, "Pod", name), "status.phase").Str()); };
  auto state = [&](const char* name, const char* path) {
    return std::string(At(Find(r, "Pod", name), std::string("status.containerStatuses.0.state.") + path).Str());
  };
  EXPECT_EQ(phase("web-86c854f9b7-4j5vf"), "Pending");
  EXPECT_EQ(state("web-86c854f9b7-4j5vf", "waiting.reason"), "ImagePullBackOff");
  EXPECT_EQ(phase("db-migrate-28374651-7xk2p"), "Succeeded");
  EXPECT_EQ(state("db-migrate-28374651-7xk2p", "terminated.reason"), "Completed");
  EXPECT_EQ(phase("worker-5c9d8f7b6-qw2rt"), "Running");  // NotReady
  EXPECT_EQ(At(Find(r, "Pod", "worker-5c9d8f7b6-qw2rt"), "x-kora.ready").Str(), "1/2");
  EXPECT_EQ(phase("cache-0"), "Running");  // CrashLoopBackOff
  EXPECT_EQ(state("cache-0", "waiting.reason"), "CrashLoopBackOff");
  // "(<invalid> ago)": a previous termination without a usable age.
  EXPECT_TRUE(At(Find(r, "Pod", "cache-0"), "status.containerStatuses.0.lastState.terminated").IsMap());
  EXPECT_FALSE(At(Find(r, "Pod", "cache-0"), "status.containerStatuses.0.lastState.terminated.x-kora-ago-seconds"));
  EXPECT_FALSE(At(Find(r, "Pod", "cache-0"), "x-kora.ageSeconds"));  // AGE <unknown>
  EXPECT_EQ(At(Find(r, "Pod", "cache-0"), "x-kora.age").Str(), "<unknown>");
  EXPECT_EQ(phase("batch-7d9f-x1"), "Failed");  // OOMKilled, never restarted
  EXPECT_EQ(state("batch-7d9f-x1", "terminated.reason"), "OOMKilled");
  EXPECT_EQ(phase("batch-7d9f-x2"), "Running");  // Error with restarts
  EXPECT_EQ(phase("reports-6f7c-zz9kq"), "Failed");
  EXPECT_EQ(At(Find(r, "Pod", "reports-6f7c-zz9kq"), "status.reason").Str(), "Evicted");
  EXPECT_FALSE(At(Find(r, "Pod", "reports-6f7c-zz9kq"), "status.containerStatuses"));
  EXPECT_EQ(phase("queue-5b6d-kk2lm"), "Pending");
  EXPECT_FALSE(At(Find(r, "Pod", "queue-5b6d-kk2lm"), "status.containerStatuses"));
  EXPECT_EQ(phase("migrate-2x9"), "Pending");  // Init:1/2
  EXPECT_TRUE(At(Find(r, "Pod", "migrate-2x9"), "status.initContainerStatuses.0.state.running").IsMap());
  // Init:CrashLoopBackOff: the restarts belong to the init container.
  const Object* init_crash = Find(r, "Pod", "migrate-3x9");
  EXPECT_EQ(At(init_crash, "status.initContainerStatuses.0.state.waiting.reason").Str(), "CrashLoopBackOff");
  EXPECT_EQ(At(init_crash, "status.initContainerStatuses.0.restartCount").Int(), 5);
  EXPECT_EQ(At(init_crash, "status.initContainerStatuses.0.lastState.terminated.x-kora-ago-seconds").Int(), 30);
  EXPECT_EQ(At(init_crash, "status.containerStatuses.0.restartCount").Int(), 0);
  EXPECT_EQ(phase("api-backend-6965dbcc75-zzzzz"), "Pending");  // CreateContainerConfigError
  EXPECT_EQ(At(Find(r, "Pod", "api-backend-6965dbcc75-zzzzz"), "x-kora.ageSeconds").Int(), 2 * 31536000 + 15 * 86400);
}

TEST(TextPods, AllNamespacesWide) {
  LoadResult r = LoadFixture("get-pods-all-namespaces-wide.txt");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(OfKind(r, "Pod").size(), 3u);
  const Object* lb = Find(r, "Pod", "aws-load-balancer-controller-58d69697c9-mh9x6");
  ASSERT_TRUE(lb);
  EXPECT_EQ(lb->ns, "kube-system");
  EXPECT_FALSE(lb->namespace_defaulted);
  EXPECT_EQ(At(lb, "metadata.namespace").span(), S(3, 1, 12));
  EXPECT_EQ(At(lb, "metadata.name").span(), S(3, 19, 64));
  EXPECT_EQ(At(lb, "spec.nodeName").Str(), "ip-10-0-1-23.ec2.internal");
  EXPECT_EQ(At(lb, "spec.nodeName").span(), S(3, 136, 161));
  EXPECT_EQ(At(lb, "status.podIP").Str(), "10.0.1.17");
  EXPECT_FALSE(At(lb, "status.nominatedNodeName"));  // <none>
  EXPECT_EQ(At(lb, "status.containerStatuses.0.ready").Bool(), true);
  EXPECT_EQ(At(lb, "status.containerStatuses.0.lastState.terminated.x-kora-ago-seconds").Int(), 71 * 86400);
  const Object* pending = Find(r, "Pod", "web-86c854f9b7-4j5vf");
  EXPECT_EQ(pending->ns, "cloudtolocalllm");
  EXPECT_FALSE(At(pending, "spec.nodeName"));  // <none>
  EXPECT_FALSE(At(pending, "status.podIP"));
  EXPECT_EQ(At(pending, "status.nominatedNodeName").Str(), "aks-nodepool1-12345678-vmss000001");
  EXPECT_EQ(At(pending, "x-kora.readinessGates").Str(), "0/1");
}

TEST(TextPods, HeaderlessRowsAsInTheSeedIncidents) {
  // Seed 000 pastes the rows without kubectl's header line.
  std::string text =
      "### Affected Components\n"
      "```bash\n"
      "# Current degraded pods\n"
      "api-backend-64cd97cb75-x42ms         0/1     Init:ImagePullBackOff   0                 2d16h\n"
      "api-backend-6965dbcc75-74qqc         0/1     Running                 207 (5m10s ago)   3d2h\n"
      "```\n"
      "and in prose: the ratio 0/1 is Running with 0 restarts for 2d16h.\n";
  LoadResult r = LoadText(text, "incident.txt");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(OfKind(r, "Pod").size(), 2u);
  const Object* crash = Find(r, "Pod", "api-backend-6965dbcc75-74qqc");
  ASSERT_TRUE(crash);
  EXPECT_EQ(At(crash, "metadata.name").span(), S(5, 1, 29));
  EXPECT_EQ(At(crash, "status.containerStatuses.0.restartCount").Int(), 207);
  EXPECT_EQ(At(crash, "x-kora.restarts").span(), S(5, 70, 85));
  EXPECT_EQ(At(crash, "x-kora.age").span(), S(5, 88, 92));
}

TEST(TextPods, CollapsedSpacingAndTabsStillParse) {
  // Chat tools collapse runs of spaces; spreadsheets paste tabs.
  std::string text =
      "NAME READY STATUS RESTARTS AGE\n"
      "web-1 0/1 CrashLoopBackOff 12 (3m ago) 1d\n"
      "\n"
      "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n"
      "web-2\t1/1\tRunning\t0\t5m\n";
  LoadResult r = LoadText(text, "chat.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* w1 = Find(r, "Pod", "web-1");
  ASSERT_TRUE(w1);
  EXPECT_EQ(At(w1, "status.containerStatuses.0.restartCount").Int(), 12);
  EXPECT_EQ(At(w1, "x-kora.restarts").Str(), "12 (3m ago)");
  EXPECT_EQ(At(w1, "x-kora.restarts").span(), S(2, 28, 39));
  EXPECT_EQ(At(w1, "x-kora.age").span(), S(2, 40, 42));
  const Object* w2 = Find(r, "Pod", "web-2");
  ASSERT_TRUE(w2);
  EXPECT_EQ(At(w2, "status.containerStatuses.0.ready").Bool(), true);
  EXPECT_EQ(At(w2, "x-kora.age").span(), S(5, 21, 23));
}

TEST(TextPods, MalformedRowIsAFindingAndTheOthersLoad) {
  LoadResult r = LoadFixture("get-pods-malformed-row.txt");
  ASSERT_EQ(r.problems.size(), 1u);
  const LoadProblem& p = r.problems[0];
  EXPECT_EQ(p.kind, ProblemKind::kParse);
  EXPECT_EQ(p.span.begin, (Mark{5, 1}));
  EXPECT_NE(p.message.find("header is at line 3"), std::string::npos) << p.message;
  EXPECT_NE(p.excerpt.find("zero"), std::string::npos);
  EXPECT_TRUE(Find(r, "Pod", "api-backend-64cd97cb75-x42ms"));
  EXPECT_TRUE(Find(r, "Pod", "web-86c854f9b7-4j5vf"));
  EXPECT_EQ(OfKind(r, "Pod").size(), 2u);  // the prose after the table is not a row
}

TEST(TextPods, ShowLabelsAndLabelColumns) {
  LoadResult r = LoadText(
      "NAME    READY   STATUS    RESTARTS   AGE   TIER   LABELS\n"
      "web-1   1/1     Running   0          5d    api    app=web,pod-template-hash=5d4f8c7b9\n"
      "web-2   1/1     Running   0          5d           <none>\n",
      "labels.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* w1 = Find(r, "Pod", "web-1");
  ASSERT_TRUE(w1);
  EXPECT_EQ(w1->Label("app"), "web");
  EXPECT_EQ(w1->Label("pod-template-hash"), "5d4f8c7b9");
  EXPECT_EQ(At(w1, "metadata.labels.pod-template-hash").span(), S(2, 77, 86));
  const Object* w2 = Find(r, "Pod", "web-2");
  ASSERT_TRUE(w2);
  EXPECT_FALSE(At(w2, "metadata.labels"));
}

TEST(TextPods, ALineInTheMiddleNeverHidesTheRowsAfterIt) {
  LoadResult r = LoadText(
      "NAME    READY   STATUS    RESTARTS   AGE\n"
      "web-1   1/1     Running   0          5d\n"
      "(output trimmed)\n"
      "web-2   1/1     Running   0          5d\n"
      "That was all.\n",
      "trimmed.txt");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].span.begin, (Mark{3, 1}));
  EXPECT_TRUE(Find(r, "Pod", "web-1"));
  EXPECT_TRUE(Find(r, "Pod", "web-2"));
}

TEST(TextPods, KubectlGetAllPrefixesNames) {
  LoadResult r = LoadText(
      "NAME                       READY   STATUS    RESTARTS   AGE\n"
      "pod/web-5d4f8c7b9-abcde    1/1     Running   0          5d\n"
      "\n"
      "NAME                 TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE\n"
      "service/kubernetes   ClusterIP   10.96.0.1     <none>        443/TCP   5d\n",
      "all.txt");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  const Object* pod = Find(r, "Pod", "web-5d4f8c7b9-abcde");
  ASSERT_TRUE(pod);
  EXPECT_EQ(At(pod, "metadata.name").span(), S(2, 5, 24));
}

// Events -----------------------------------------------------------------------------------

TEST(TextEvents, CurrentGetEvents) {
  LoadResult r = LoadFixture("get-events.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 8u);
  const Object* scheduled = events[0];
  EXPECT_EQ(scheduled->name, "api-backend-64cd97cb75-x42ms.text-3");
  EXPECT_EQ(scheduled->Annotation(kSourceAnnotation), "kubectl get events");
  EXPECT_EQ(At(scheduled, "involvedObject.kind").Str(), "Pod");
  EXPECT_EQ(At(scheduled, "involvedObject.name").Str(), "api-backend-64cd97cb75-x42ms");
  // No NAMESPACE column: the command line above the table decides, else --namespace.
  EXPECT_EQ(At(scheduled, "involvedObject.namespace").Str(), CommandNamespace("get-events.txt"));
  EXPECT_EQ(At(scheduled, "type").Str(), "Normal");
  EXPECT_EQ(At(scheduled, "reason").Str(), "Scheduled");
  EXPECT_EQ(At(scheduled, "count").Int(), 1);
  EXPECT_EQ(At(scheduled, "x-kora.lastSeenSecondsAgo").Int(), 230400);
  // kubectl get events prints the last time only.
  EXPECT_FALSE(At(scheduled, "x-kora.firstSeenSecondsAgo"));
  EXPECT_EQ(At(events[1], "involvedObject.kind").Str(), "ReplicaSet");
  EXPECT_EQ(At(events[2], "involvedObject.kind").Str(), "Deployment");
  EXPECT_EQ(At(events[3], "message").Str(),
            "Back-off pulling image \"imrightguycloudtolocalllm.azurecr.io/api-backend:"
            "main-1ebf1f7843b7278fc86964ccca37b9268a244160-api-backend\"");
  const Object* node = events[6];
  EXPECT_EQ(At(node, "involvedObject.kind").Str(), "Node");
  EXPECT_EQ(At(node, "x-kora.age").Str(), "<unknown>");
  EXPECT_FALSE(At(node, "x-kora.lastSeenSecondsAgo"));
  EXPECT_EQ(At(events[7], "involvedObject.kind").Str(), "PersistentVolumeClaim");
  EXPECT_EQ(At(events[7], "involvedObject.name").Str(), "data-db-0");
}

TEST(TextEvents, AllNamespacesWideWithExactPositions) {
  LoadResult r = LoadFixture("get-events-all-namespaces-wide.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  const Object* e = events[0];
  EXPECT_EQ(e->ns, "cloudtolocalllm");
  EXPECT_EQ(At(e, "metadata.namespace").span(), S(3, 1, 16));
  EXPECT_EQ(At(e, "x-kora.age").span(), S(3, 20, 25));
  EXPECT_EQ(At(e, "type").span(), S(3, 32, 39));
  EXPECT_EQ(At(e, "reason").span(), S(3, 42, 48));
  EXPECT_EQ(At(e, "involvedObject.kind").span(), S(3, 64, 67));   // "pod"
  EXPECT_EQ(At(e, "involvedObject.name").span(), S(3, 68, 96));
  EXPECT_EQ(At(e, "involvedObject.namespace").Str(), "cloudtolocalllm");
  EXPECT_EQ(At(e, "involvedObject.fieldPath").Str(), "spec.initContainers{db-migrate}");
  EXPECT_EQ(At(e, "involvedObject.fieldPath").span(), S(3, 115, 146));
  EXPECT_EQ(At(e, "source.component").Str(), "kubelet");
  EXPECT_EQ(At(e, "source.component").span(), S(3, 149, 156));
  EXPECT_EQ(At(e, "source.host").Str(), "aks-nodepool1-12345678-vmss000000");
  EXPECT_EQ(At(e, "source.host").span(), S(3, 158, 191));
  EXPECT_EQ(At(e, "message").Str(), "Error: ImagePullBackOff");
  EXPECT_EQ(At(e, "message").span(), S(3, 194, 217));
  EXPECT_EQ(At(e, "x-kora.firstSeenSecondsAgo").Int(), 230400);
  EXPECT_EQ(At(e, "x-kora.firstSeenSecondsAgo").span(), S(3, 318, 323));
  EXPECT_EQ(At(e, "count").Int(), 17163);
  EXPECT_EQ(At(e, "count").span(), S(3, 331, 336));
  EXPECT_EQ(At(e, "x-kora.eventName").Str(), "api-backend-64cd97cb75-x42ms.1881f2a3b4c5d6e7");
  // An empty SUBOBJECT cell.
  EXPECT_FALSE(At(events[1], "involvedObject.fieldPath"));
  EXPECT_EQ(At(events[1], "source.component").Str(), "replicaset-controller");
  EXPECT_FALSE(At(events[1], "source.host"));
  EXPECT_NE(At(events[1], "message").Str().find("violates PodSecurity"), std::string_view::npos);
  // Nodes are cluster-scoped: the event's namespace is not the node's.
  EXPECT_EQ(events[2]->ns, "default");
  EXPECT_FALSE(At(events[2], "involvedObject.namespace"));
}

TEST(TextEvents, KubectlEventsFoldsRepeats) {
  LoadResult r = LoadFixture("kubectl-events.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  const Object* e = events[0];
  EXPECT_EQ(e->Annotation(kSourceAnnotation), "kubectl events");
  EXPECT_EQ(At(e, "count").Int(), 17163);
  EXPECT_EQ(At(e, "count").span(), S(3, 27, 32));
  EXPECT_EQ(At(e, "x-kora.lastSeenSecondsAgo").Int(), 282);
  EXPECT_EQ(At(e, "x-kora.lastSeenSecondsAgo").span(), S(3, 19, 24));
  EXPECT_EQ(At(e, "x-kora.firstSeenSecondsAgo").Int(), 230400);
  EXPECT_EQ(At(e, "x-kora.firstSeenSecondsAgo").span(), S(3, 38, 43));
  EXPECT_EQ(At(e, "x-kora.age").Str(), "4m42s (x17163 over 2d16h)");
  EXPECT_EQ(At(e, "involvedObject.kind").Str(), "Pod");
  EXPECT_EQ(At(e, "involvedObject.kind").span(), S(3, 78, 81));
  EXPECT_EQ(At(events[2], "involvedObject.kind").Str(), "Application");
  // A single occurrence: kubectl events prints when it happened.
  EXPECT_EQ(At(events[2], "count").Int(), 1);
  EXPECT_EQ(At(events[2], "x-kora.lastSeenSecondsAgo").Int(), 120);
  EXPECT_EQ(At(events[2], "x-kora.firstSeenSecondsAgo").Int(), 120);
}

TEST(TextEvents, Kubectl2018KindColumn) {
  LoadResult r = LoadFixture("get-events-2018.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "Pod");
  EXPECT_FALSE(At(events[0], "involvedObject.name"));  // the KIND era printed no name
  EXPECT_EQ(events[0]->name, "event.text-2");
  EXPECT_EQ(At(events[1], "message").Str(), "Deleted pod: packageserver-5fdc7b6854-bgrwd");
}

TEST(TextEvents, ServerSidePrintingShowedTheEventName) {
  LoadResult r = LoadFixture("get-events-2018-server-side.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 2u);
  // "name.<16 hex digits>" is the recorder's event name: the object is "name".
  EXPECT_EQ(At(events[1], "involvedObject.name").Str(), "web-5d4f8c7b9-abcde");
  EXPECT_EQ(At(events[1], "x-kora.eventName").Str(), "web-5d4f8c7b9-abcde.15b4b1f2c3d4e5f6");
  EXPECT_EQ(At(events[1], "involvedObject.fieldPath").Str(), "spec.containers{web}");
  EXPECT_EQ(At(events[1], "count").Int(), 22);
  EXPECT_EQ(At(events[1], "x-kora.firstSeenSecondsAgo").Int(), 3600);
  EXPECT_EQ(At(events[1], "source.host").Str(), "node-1");
  // Anything else in NAME is kept as the object's name.
  EXPECT_EQ(At(events[0], "involvedObject.name").Str(), "standard-controller.1729922031");
  EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "Broker");
  EXPECT_FALSE(At(events[0], "involvedObject.fieldPath"));
}

TEST(TextEvents, ClientSidePrinting2016) {
  LoadResult r = LoadFixture("get-events-2016.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(At(events[0], "source.component").Str(), "default-scheduler");
  EXPECT_FALSE(At(events[0], "source.host"));  // "{default-scheduler }"
  EXPECT_EQ(At(events[1], "source.component").Str(), "kubelet");
  EXPECT_EQ(At(events[1], "source.host").Str(), "kubernetes-minion-group-kcbf");
  EXPECT_EQ(At(events[2], "count").Int(), 7);
  EXPECT_EQ(At(events[2], "x-kora.lastSeenSecondsAgo").Int(), 120);
  EXPECT_EQ(At(events[2], "x-kora.firstSeenSecondsAgo").Int(), 720);
  EXPECT_EQ(At(events[2], "involvedObject.name").Str(), "nginx-deployment-3392909933-1tfwp");
}

TEST(TextEvents, Kubectl2015AbsoluteTimes) {
  LoadResult r = LoadFixture("get-events-2015.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(At(events[1], "reason").Str(), "pulled");
  EXPECT_FALSE(At(events[1], "type"));  // no TYPE column yet
  EXPECT_EQ(At(events[1], "count").Int(), 3);
  EXPECT_EQ(At(events[1], "x-kora.age").Str(), "Tue, 07 Jul 2015 16:20:10 -0700");
  EXPECT_FALSE(At(events[1], "x-kora.lastSeenSecondsAgo"));  // a time, not an age
  EXPECT_EQ(At(events[1], "involvedObject.fieldPath").Str(), "spec.containers{nginx}");
  EXPECT_EQ(At(events[0], "source.component").Str(), "scheduler");
}

TEST(TextEvents, DescribeEventsPastedWithoutTheDescribe) {
  // Seed 004: colons in the header, no "Events:" line, no indentation.
  std::string text =
      "**Specific Error**:\n"
      "```\n"
      "Type:     Reason:   Age                        From:     Message\n"
      "----      ------    ----                       ----      -------\n"
      "Normal    BackOff   4m42s (x17163 over 2d16h)  kubelet   Back-off pulling image \"x.azurecr.io/api:1\"\n"
      "Warning   Failed    4m42s (x17163 over 2d16h)  kubelet   Error: ImagePullBackOff\n"
      "```\n";
  LoadResult r = LoadText(text, "notes.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 2u);
  const Object* e = events[1];
  EXPECT_EQ(e->name, "event.text-6");
  EXPECT_FALSE(At(e, "involvedObject"));  // the text does not say
  EXPECT_EQ(e->Annotation(kSourceAnnotation), "kubectl describe");
  EXPECT_EQ(At(e, "type").Str(), "Warning");
  EXPECT_EQ(At(e, "count").Int(), 17163);
  EXPECT_EQ(At(e, "count").span(), S(6, 29, 34));
  EXPECT_EQ(At(e, "x-kora.firstSeenSecondsAgo").span(), S(6, 40, 45));
  EXPECT_EQ(At(e, "source.component").span(), S(6, 48, 55));
  EXPECT_EQ(At(e, "message").Str(), "Error: ImagePullBackOff");
  EXPECT_EQ(At(e, "message").span(), S(6, 58, 81));
}

TEST(TextEvents, MessagesOverSeveralLines) {
  // kubectl prints a message's line breaks as they are.
  std::string text =
      "Events:\n"
      "  Type     Reason       Age   From     Message\n"
      "  ----     ------       ----  ----     -------\n"
      "  Warning  FailedMount  2m    kubelet  MountVolume.SetUp failed for volume \"nfs\" : mount failed: exit status 32\n"
      "Mounting command: mount\n"
      "Mounting arguments: -t nfs 10.0.0.9:/exports /var/lib/kubelet/pods/x/volumes/nfs\n"
      "  Normal   Pulled       1m    kubelet  Container image \"busybox\" already present on machine\n"
      "  Warning  Odd   this   row   is   damaged   and   long\n"
      "  Normal   Started      1m    kubelet  Started container app\n";
  LoadResult r = LoadText(text, "events.txt");
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(At(events[0], "message").Str(),
            "MountVolume.SetUp failed for volume \"nfs\" : mount failed: exit status 32\n"
            "Mounting command: mount\n"
            "Mounting arguments: -t nfs 10.0.0.9:/exports /var/lib/kubelet/pods/x/volumes/nfs");
  EXPECT_EQ(At(events[0], "message").span(), (Span{{4, 40}, {6, 81}}));
  EXPECT_EQ(events[0]->span(), (Span{{4, 3}, {6, 81}}));
  EXPECT_EQ(At(events[1], "reason").Str(), "Pulled");
  ASSERT_EQ(r.problems.size(), 1u);  // the damaged row, not glued to a message
  EXPECT_EQ(r.problems[0].span.begin, (Mark{8, 3}));
  EXPECT_EQ(At(events[2], "reason").Str(), "Started");
}

TEST(TextEvents, MessagesWithRunsOfSpacesAndUnicode) {
  // Column positions count code points: "é" and "日本" are one column each.
  std::string text =
      "LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n"
      "5m          Warning   Failed    pod/café    volume  \"données\"  not   found\n"
      "6m          Normal    Pulled    pod/日本    ok\n";
  LoadResult r = LoadText(text, "events.log");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(At(events[0], "message").Str(), "volume  \"données\"  not   found");
  EXPECT_EQ(At(events[0], "message").span(), S(2, 45, 75));
  EXPECT_EQ(At(events[0], "involvedObject.name").Str(), "café");
  EXPECT_EQ(At(events[0], "involvedObject.name").span(), S(2, 37, 41));
  EXPECT_EQ(At(events[1], "involvedObject.name").span(), S(3, 37, 39));
  EXPECT_EQ(At(events[1], "message").span(), S(3, 43, 45));
}

TEST(TextEvents, ReflowedRowsFallBackToTheCellGrammars) {
  // The tektoncd/triggers#1477 paste: single spaces between cells.
  std::string text =
      "NAMESPACE LAST SEEN TYPE REASON OBJECT MESSAGE\n"
      "tekton-pipelines 25m Warning FailedCreate replicaset/tekton-triggers-controller-7887549bc5 Error creating: "
      "pods \"tekton-triggers-controller-7887549bc5-74px6\" is forbidden\n";
  LoadResult r = LoadText(text, "issue.txt");
  EXPECT_TRUE(r.problems.empty());
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]->ns, "tekton-pipelines");
  EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "ReplicaSet");
  EXPECT_EQ(At(events[0], "x-kora.lastSeenSecondsAgo").Int(), 1500);
  EXPECT_EQ(At(events[0], "message").Str().substr(0, 15), "Error creating:");
}

TEST(TextEvents, KindNamesAreCapitalisedLikeTheApi) {
  std::string text =
      "LAST SEEN   TYPE     REASON   OBJECT                              MESSAGE\n"
      "1m          Normal   X        statefulset/db                      m\n"
      "1m          Normal   X        daemonset/agent                     m\n"
      "1m          Normal   X        cronjob/nightly                     m\n"
      "1m          Normal   X        horizontalpodautoscaler/web         m\n"
      "1m          Normal   X        rollout/api                         m\n"
      "1m          Normal   X        analysisrun/api-5d4f8c7b9-2         m\n"
      "1m          Normal   X        application/api-backend             m\n"
      "1m          Normal   X        job/migrate                         m\n"
      "1m          Normal   X        widget/w1                           m\n";
  LoadResult r = LoadText(text, "kinds.txt");
  std::vector<std::string> kinds;
  for (const Object* e : OfKind(r, "Event")) kinds.emplace_back(At(e, "involvedObject.kind").Str());
  EXPECT_EQ(kinds, (std::vector<std::string>{"StatefulSet", "DaemonSet", "CronJob", "HorizontalPodAutoscaler",
                                             "Rollout", "AnalysisRun", "Application", "Job", "Widget"}));
}

// kubectl describe -------------------------------------------------------------------------

TEST(TextDescribe, PodWithInitImagePullBackOff) {
  LoadResult r = LoadFixture("describe-pod-init-imagepullbackoff.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* pod = Find(r, "Pod", "api-backend-64cd97cb75-x42ms");
  ASSERT_TRUE(pod);
  EXPECT_EQ(pod->ns, "cloudtolocalllm");
  EXPECT_EQ(pod->Annotation(kSourceAnnotation), "kubectl describe");
  EXPECT_EQ(At(pod, "metadata.name").span(), S(2, 19, 47));
  EXPECT_EQ(At(pod, "kind").span(), S(1, 20, 23));  // "pod" in the command line
  EXPECT_EQ(pod->Label("app"), "api-backend");
  EXPECT_EQ(pod->Label("pod-template-hash"), "64cd97cb75");
  EXPECT_EQ(At(pod, "metadata.labels.pod-template-hash").span(), S(9, 37, 47));
  EXPECT_EQ(At(pod, "metadata.ownerReferences.0.kind").Str(), "ReplicaSet");
  EXPECT_EQ(At(pod, "metadata.ownerReferences.0.name").Str(), "api-backend-64cd97cb75");
  EXPECT_EQ(At(pod, "metadata.ownerReferences.0.apiVersion").Str(), "apps/v1");
  EXPECT_EQ(At(pod, "metadata.ownerReferences.0.controller").Bool(), true);
  EXPECT_EQ(At(pod, "spec.nodeName").Str(), "aks-nodepool1-12345678-vmss000000");
  EXPECT_EQ(At(pod, "spec.serviceAccountName").Str(), "api-backend-sa");
  EXPECT_EQ(At(pod, "status.phase").Str(), "Pending");
  EXPECT_EQ(At(pod, "status.podIP").Str(), "10.244.1.23");
  EXPECT_EQ(At(pod, "status.qosClass").Str(), "Burstable");

  EXPECT_EQ(At(pod, "spec.initContainers.0.name").Str(), "db-migrate");
  EXPECT_EQ(At(pod, "spec.initContainers.0.image").Str(),
            "imrightguycloudtolocalllm.azurecr.io/api-backend:main-1ebf1f7843b7278fc86964ccca37b9268a244160-api-backend");
  EXPECT_EQ(At(pod, "spec.initContainers.0.command.2").Str(), "migrate");
  EXPECT_EQ(At(pod, "status.initContainerStatuses.0.name").Str(), "db-migrate");
  EXPECT_EQ(At(pod, "status.initContainerStatuses.0.state.waiting.reason").Str(), "ImagePullBackOff");
  EXPECT_EQ(At(pod, "status.initContainerStatuses.0.ready").Bool(), false);
  EXPECT_EQ(At(pod, "status.initContainerStatuses.0.restartCount").Int(), 0);
  // Secret references are kept, literal values never are.
  EXPECT_EQ(At(pod, "spec.initContainers.0.env.0.name").Str(), "DATABASE_URL");
  EXPECT_EQ(At(pod, "spec.initContainers.0.env.0.valueFrom.secretKeyRef.name").Str(), "api-backend-db");
  EXPECT_EQ(At(pod, "spec.initContainers.0.env.0.valueFrom.secretKeyRef.key").Str(), "url");
  EXPECT_EQ(At(pod, "spec.initContainers.0.env").Size(), 1u);  // NODE_ENV: production is not kept

  Node c = At(pod, "spec.containers.0");
  EXPECT_EQ(At(c, "name").Str(), "api-backend");
  EXPECT_EQ(At(c, "ports.0.containerPort").Int(), 8080);
  EXPECT_EQ(At(c, "ports.0.protocol").Str(), "TCP");
  EXPECT_EQ(At(c, "resources.limits.memory").Str(), "768Mi");
  EXPECT_EQ(At(c, "resources.requests.cpu").Str(), "250m");
  EXPECT_EQ(At(c, "livenessProbe.httpGet.path").Str(), "/health");
  EXPECT_EQ(At(c, "livenessProbe.httpGet.port").Int(), 8080);
  EXPECT_EQ(At(c, "livenessProbe.initialDelaySeconds").Int(), 60);
  EXPECT_EQ(At(c, "readinessProbe.failureThreshold").Int(), 2);
  EXPECT_EQ(At(c, "x-kora.liveness").Str(),
            "http-get http://:8080/health delay=60s timeout=5s period=15s #success=1 #failure=3");
  EXPECT_EQ(At(c, "envFrom.0.configMapRef.name").Str(), "api-backend-config");
  EXPECT_EQ(At(c, "env.0.name").Str(), "JWT_SECRET");
  EXPECT_EQ(At(c, "env").Size(), 1u);
  EXPECT_EQ(At(c, "volumeMounts.0.name").Str(), "config");
  EXPECT_EQ(At(c, "volumeMounts.0.mountPath").Str(), "/app/config");
  EXPECT_EQ(At(c, "volumeMounts.0.readOnly").Bool(), true);
  EXPECT_EQ(At(pod, "spec.volumes.0.configMap.name").Str(), "api-backend-config");
  EXPECT_EQ(At(pod, "status.containerStatuses.0.state.waiting.reason").Str(), "PodInitializing");

  Node conditions = At(pod, "status.conditions");
  ASSERT_EQ(conditions.Size(), 4u);
  EXPECT_EQ(At(conditions, "0.type").Str(), "Initialized");
  EXPECT_EQ(At(conditions, "0.status").Str(), "False");
  EXPECT_EQ(At(conditions, "3.type").Str(), "PodScheduled");
  EXPECT_EQ(At(conditions, "3.status").Str(), "True");

  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 6u);
  const Object* last = events[5];
  EXPECT_EQ(last->name, "api-backend-64cd97cb75-x42ms.text-92");
  EXPECT_EQ(last->ns, "cloudtolocalllm");
  EXPECT_EQ(At(last, "involvedObject.kind").Str(), "Pod");
  EXPECT_EQ(At(last, "involvedObject.name").Str(), "api-backend-64cd97cb75-x42ms");
  EXPECT_EQ(At(last, "involvedObject.name").span(), S(2, 19, 47));  // the describe header
  EXPECT_EQ(At(last, "involvedObject.namespace").Str(), "cloudtolocalllm");
  EXPECT_EQ(At(last, "type").span(), S(92, 3, 10));
  EXPECT_EQ(At(last, "reason").span(), S(92, 12, 18));
  EXPECT_EQ(At(last, "x-kora.age").span(), S(92, 23, 48));
  EXPECT_EQ(At(last, "count").Int(), 17163);
  EXPECT_EQ(At(last, "x-kora.lastSeenSecondsAgo").Int(), 282);
  EXPECT_EQ(At(last, "x-kora.firstSeenSecondsAgo").Int(), 230400);
  EXPECT_EQ(At(last, "source.component").Str(), "kubelet");
  EXPECT_EQ(At(last, "source.component").span(), S(92, 50, 57));
  EXPECT_EQ(At(last, "message").span(), S(92, 69, 92));
  EXPECT_NE(At(events[2], "message").Str().find("401 Unauthorized"), std::string_view::npos);
}

TEST(TextDescribe, CrashLoopWithOomKilledLastState) {
  LoadResult r = LoadFixture("describe-pod-crashloop-oomkilled.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* pod = Find(r, "Pod", "api-backend-6965dbcc75-74qqc");
  ASSERT_TRUE(pod);
  Node cs = At(pod, "status.containerStatuses.0");
  EXPECT_EQ(At(cs, "name").Str(), "api-backend");
  EXPECT_TRUE(At(cs, "state.running").IsMap());
  EXPECT_EQ(At(cs, "lastState.terminated.reason").Str(), "OOMKilled");
  EXPECT_EQ(At(cs, "lastState.terminated.exitCode").Int(), 137);
  EXPECT_EQ(At(cs, "ready").Bool(), false);
  EXPECT_EQ(At(cs, "restartCount").Int(), 207);
  EXPECT_EQ(At(cs, "imageID").Str().substr(0, 50), "imrightguycloudtolocalllm.azurecr.io/api-backend@s");
  EXPECT_EQ(At(pod, "spec.containers.0.resources.limits.memory").Str(), "512Mi");
  EXPECT_FALSE(At(pod, "spec.containers.0.resources.limits.cpu"));
  EXPECT_EQ(pod->Annotation("kubectl.kubernetes.io/restartedAt"), "2025-12-19T09:12:38Z");
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(At(events[2], "reason").Str(), "BackOff");
  EXPECT_EQ(At(events[2], "count").Int(), 4127);
}

TEST(TextDescribe, ErrImageNeverPullWithoutCommandLine) {
  LoadResult r = LoadFixture("describe-pod-errimageneverpull.txt");
  EXPECT_TRUE(r.problems.empty());
  // No command line above: a Pod by its fields (Containers, Node, IP, QoS Class).
  const Object* pod = Find(r, "Pod", "monadic-pipeline-webapi-7ddcb5c887-knlf4");
  ASSERT_TRUE(pod);
  EXPECT_EQ(At(pod, "kind").span(), S(1, 19, 59));  // inferred: the name it describes
  EXPECT_EQ(At(pod, "status.containerStatuses.0.state.waiting.reason").Str(), "ErrImageNeverPull");
  EXPECT_FALSE(At(pod, "spec.containers.0.env"));  // a literal value only
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(At(events[2], "count").Int(), 264);
  EXPECT_EQ(At(events[2], "x-kora.firstSeenSecondsAgo").Int(), 3660);
}

TEST(TextDescribe, Kubectl17EventsSection) {
  LoadResult r = LoadFixture("describe-pod-2017.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* pod = Find(r, "Pod", "nginx-deployment-3392909933-1tfwp");
  ASSERT_TRUE(pod);
  EXPECT_EQ(At(pod, "metadata.ownerReferences.0.kind").Str(), "ReplicaSet");  // "Controllers:"
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(At(events[0], "source.component").Str(), "default-scheduler");
  EXPECT_FALSE(At(events[0], "involvedObject.fieldPath"));
  EXPECT_EQ(At(events[2], "involvedObject.fieldPath").Str(), "spec.containers{nginx}");
  EXPECT_EQ(At(events[2], "source.host").Str(), "kubernetes-minion-group-kcbf");
  EXPECT_EQ(At(events[2], "count").Int(), 7);
  EXPECT_EQ(At(events[2], "x-kora.firstSeenSecondsAgo").Int(), 720);
  EXPECT_EQ(At(events[2], "x-kora.lastSeenSecondsAgo").Int(), 120);
  EXPECT_EQ(At(events[2], "type").Str(), "Warning");
}

TEST(TextDescribe, NodeWithDiskPressure) {
  LoadResult r = LoadFixture("describe-node-disk-pressure.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* node = Find(r, "Node", "ip-10-0-1-23.ec2.internal");
  ASSERT_TRUE(node);
  EXPECT_TRUE(node->ns.empty());
  EXPECT_EQ(At(node, "spec.taints.0.key").Str(), "node.kubernetes.io/disk-pressure");
  EXPECT_EQ(At(node, "spec.taints.0.effect").Str(), "NoSchedule");
  EXPECT_EQ(At(node, "spec.taints.1.value").Str(), "gpu");
  EXPECT_EQ(At(node, "spec.providerID").Str(), "aws:///us-east-1a/i-0abc123def4567890");
  EXPECT_EQ(At(node, "spec.unschedulable").Bool(), false);
  EXPECT_EQ(At(node, "status.allocatable.cpu").Str(), "1930m");
  EXPECT_EQ(At(node, "status.capacity.pods").Str(), "29");
  EXPECT_EQ(At(node, "status.addresses.0.type").Str(), "InternalIP");
  EXPECT_EQ(At(node, "status.nodeInfo.kubeletVersion").Str(), "v1.30.6-eks-94953ac");
  EXPECT_EQ(At(node, "status.nodeInfo.kubeProxyVersion").Str(), "v1.30.6-eks-94953ac");
  EXPECT_EQ(At(node, "status.nodeInfo.osImage").Str(), "Amazon Linux 2");
  Node disk = At(node, "status.conditions.1");
  EXPECT_EQ(At(disk, "type").Str(), "DiskPressure");
  EXPECT_EQ(At(disk, "status").Str(), "True");
  EXPECT_EQ(At(disk, "reason").Str(), "KubeletHasDiskPressure");
  EXPECT_EQ(At(disk, "message").Str(), "kubelet has disk pressure");
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "Node");
  EXPECT_FALSE(At(events[0], "involvedObject.namespace"));
}

TEST(TextDescribe, PendingClaim) {
  LoadResult r = LoadFixture("describe-pvc-pending.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* pvc = Find(r, "PersistentVolumeClaim", "data-db-0");
  ASSERT_TRUE(pvc);
  EXPECT_EQ(At(pvc, "spec.storageClassName").Str(), "fast-ssd");
  EXPECT_EQ(At(pvc, "status.phase").Str(), "Pending");
  EXPECT_FALSE(At(pvc, "spec.volumeName"));
  EXPECT_EQ(At(pvc, "x-kora.usedBy.0").Str(), "db-0");
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "PersistentVolumeClaim");
  EXPECT_EQ(At(events[0], "source.component").Str(), "persistentvolume-controller");
}

TEST(TextDescribe, DeploymentWithTemplate) {
  LoadResult r = LoadFixture("describe-deployment.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* d = Find(r, "Deployment", "api-backend");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->api_version, "apps/v1");
  EXPECT_EQ(At(d, "spec.replicas").Int(), 2);
  EXPECT_EQ(At(d, "status.replicas").Int(), 3);
  EXPECT_EQ(At(d, "status.availableReplicas").Int(), 0);
  EXPECT_EQ(At(d, "status.unavailableReplicas").Int(), 3);
  EXPECT_EQ(At(d, "spec.selector.matchLabels.app").Str(), "api-backend");
  EXPECT_EQ(At(d, "spec.strategy.type").Str(), "RollingUpdate");
  EXPECT_EQ(At(d, "spec.template.metadata.labels.app").Str(), "api-backend");
  EXPECT_EQ(At(d, "spec.template.spec.serviceAccountName").Str(), "api-backend-sa");
  EXPECT_EQ(At(d, "spec.template.spec.containers.0.name").Str(), "api-backend");
  EXPECT_EQ(At(d, "spec.template.spec.containers.0.resources.limits.cpu").Str(), "500m");
  EXPECT_EQ(At(d, "spec.template.spec.initContainers.0.name").Str(), "db-migrate");
  EXPECT_EQ(At(d, "status.conditions.1.reason").Str(), "ProgressDeadlineExceeded");
  EXPECT_EQ(At(d, "x-kora.newReplicaSet").Str(), "api-backend-64cd97cb75 (1/1 replicas created)");
  EXPECT_TRUE(OfKind(r, "Event").empty());  // "Events:  <none>"
}

TEST(TextDescribe, ServiceWithoutEndpoints) {
  LoadResult r = LoadFixture("describe-service-no-endpoints.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* s = Find(r, "Service", "todo-backend");
  ASSERT_TRUE(s);
  EXPECT_EQ(At(s, "spec.selector.app").Str(), "todo-backend");
  EXPECT_EQ(At(s, "spec.selector.tier").Str(), "api");
  EXPECT_EQ(At(s, "spec.selector.tier").span(), S(6, 42, 45));
  EXPECT_EQ(At(s, "spec.type").Str(), "ClusterIP");
  EXPECT_EQ(At(s, "spec.ports.0.name").Str(), "http");
  EXPECT_EQ(At(s, "spec.ports.0.port").Int(), 80);
  EXPECT_EQ(At(s, "spec.ports.0.targetPort").Int(), 3000);
  EXPECT_EQ(At(s, "x-kora.endpoints.0").Str(), "<none>");
  EXPECT_EQ(s->Annotation("meta.helm.sh/release-namespace"), "default");
}

TEST(TextDescribe, CustomResourceFields) {
  LoadResult r = LoadFixture("describe-application.txt");
  EXPECT_TRUE(r.problems.empty());
  const Object* app = Find(r, "Application", "api-backend");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->api_version, "argoproj.io/v1alpha1");
  EXPECT_EQ(app->ns, "argocd");
  EXPECT_EQ(At(app, "spec.source.repoURL").Str(), "https://github.com/imrightguy/CloudToLocalLLM.git");
  EXPECT_EQ(At(app, "spec.syncPolicy.automated.selfHeal").Bool(), true);
  EXPECT_EQ(At(app, "spec.syncPolicy.syncOptions.0").Str(), "CreateNamespace=true");
  EXPECT_EQ(At(app, "status.health.status").Str(), "Degraded");
  Node resources = At(app, "status.resources");
  ASSERT_EQ(resources.Size(), 2u);
  EXPECT_EQ(At(resources, "0.kind").Str(), "Deployment");
  EXPECT_EQ(At(resources, "0.health.status").Str(), "Degraded");
  EXPECT_EQ(At(resources, "1.kind").Str(), "Service");
  EXPECT_EQ(At(resources, "1.health.status").Str(), "Healthy");
  EXPECT_EQ(At(app, "status.sync.status").Str(), "Synced");
  std::vector<const Object*> events = OfKind(r, "Event");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "Application");
}

TEST(TextDescribe, UnknownKindStillGivesItsEvents) {
  LoadResult r = LoadText(
      "Name:         nightly\n"
      "Namespace:    batch\n"
      "Labels:       <none>\n"
      "Events:\n"
      "  Type     Reason   Age   From      Message\n"
      "  ----     ------   ----  ----      -------\n"
      "  Warning  Odd      3m    thing     something odd\n",
      "odd.txt");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  const Object& e = (*r.objects)[0];
  EXPECT_EQ(e.kind, "Event");
  EXPECT_EQ(e.ns, "batch");
  EXPECT_FALSE(At(e.Root(), "involvedObject.kind"));
  EXPECT_EQ(At(e.Root(), "involvedObject.name").Str(), "nightly");
}

TEST(TextDescribe, KindFromTheCommandLine) {
  // Only the command says what this (cut short) describe is about.
  for (const char* command : {"$ k describe po web-1", "oc -n shop describe pods/web-1",
                              "> kubectl describe --namespace shop pod web-1"}) {
    LoadResult r = LoadText(std::string(command) +
                                "\nName:         web-1\n"
                                "Namespace:    shop\n"
                                "Events:\n"
                                "  Type     Reason   Age   From      Message\n"
                                "  ----     ------   ----  ----      -------\n"
                                "  Warning  Failed   3m    kubelet   Error: ErrImagePull\n",
                            "cut.txt");
    EXPECT_TRUE(r.problems.empty()) << command;
    const Object* pod = Find(r, "Pod", "web-1");
    ASSERT_TRUE(pod) << command;
    EXPECT_EQ(pod->ns, "shop");
    std::vector<const Object*> events = OfKind(r, "Event");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(At(events[0], "involvedObject.kind").Str(), "Pod");
  }
}

TEST(TextDescribe, APodCutShortIsKnownByItsController) {
  LoadResult r = LoadText(
      "Name:           web-5d4f8c7b9-abcde\n"
      "Namespace:      shop\n"
      "Controlled By:  ReplicaSet/web-5d4f8c7b9\n",
      "cut.txt");
  EXPECT_TRUE(Find(r, "Pod", "web-5d4f8c7b9-abcde"));
  LoadResult rs = LoadText(
      "Name:           web-5d4f8c7b9\n"
      "Namespace:      shop\n"
      "Controlled By:  Deployment/web\n",
      "cut.txt");
  EXPECT_EQ(rs.objects->size(), 0u);  // a ReplicaSet without its fields: kind unknown
}

TEST(TextDescribe, SeveralDescribesInOnePaste) {
  std::string a = ReadFile(FixturePath("describe-pod-errimageneverpull.txt"));
  std::string b = ReadFile(FixturePath("describe-pvc-pending.txt"));
  LoadResult r = LoadText(a + "\n\n" + b, "two.txt");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_TRUE(Find(r, "Pod", "monadic-pipeline-webapi-7ddcb5c887-knlf4"));
  EXPECT_TRUE(Find(r, "PersistentVolumeClaim", "data-db-0"));
  EXPECT_EQ(OfKind(r, "Event").size(), 4u);
}

// Recognition --------------------------------------------------------------------------------

TEST(TextRecognition, EveryFixtureSpanPointsIntoItsText) {
  for (const auto& entry : fs::directory_iterator(SourceDir() + "/fixtures/text")) {
    if (entry.path().extension() != ".txt") continue;
    SCOPED_TRACE(entry.path().string());
    std::string text = ReadFile(entry.path().string());
    LoadResult r = LoadText(text, entry.path().filename().string());
    ExpectSpansInside(r, text);
    for (const Object& o : r.objects->all()) {
      EXPECT_FALSE(o.Annotation(kSourceAnnotation).empty()) << o.Ref();
      EXPECT_EQ(o.api_version.empty(), false) << o.Ref();
    }
  }
}

TEST(TextRecognition, SeedIncidentsLoadTheirPastes) {
  std::string seeds = SourceDir() + "/../shared/seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "no seeds at " << seeds;
  LoadResult r0 = Analyze({seeds + "/000_6ca555739b6baaf6.txt"}).load;
  EXPECT_TRUE(r0.problems.empty());
  EXPECT_EQ(OfKind(r0, "Pod").size(), 2u);
  EXPECT_EQ(OfKind(r0, "Event").size(), 2u);
  LoadResult r4 = Analyze({seeds + "/004_a15b985c840620f5.txt"}).load;
  EXPECT_EQ(OfKind(r4, "Pod").size(), 3u);
  EXPECT_EQ(At(Find(r4, "Pod", "web-86c854f9b7-4j5vf"), "status.containerStatuses.0.state.waiting.reason").Str(),
            "ImagePullBackOff");
  // Runbooks without pasted output are not evidence.
  LoadResult r1 = Analyze({seeds + "/001_74b7b316b8ef57c0.txt"}).load;
  EXPECT_EQ(r1.objects->size(), 0u);
  EXPECT_TRUE(r1.problems.empty());
  EXPECT_EQ(r1.stats.skipped.at("not-evidence"), 1u);
}

TEST(TextRecognition, StdinTextIsRecognisedByContent) {
  std::string pods = ReadFile(FixturePath("get-pods.txt"));
  LoadResult r = LoadText(pods, "-");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(OfKind(r, "Pod").size(), 13u);
  std::string describe = ReadFile(FixturePath("describe-pod-crashloop-oomkilled.txt"));
  LoadResult d = LoadText(describe, "-");
  EXPECT_TRUE(d.problems.empty());
  EXPECT_TRUE(Find(d, "Pod", "api-backend-6965dbcc75-74qqc"));
  // Markdown named .md on the command line is read the same way.
  LoadResult m = LoadText(pods, "notes.md");
  EXPECT_EQ(OfKind(m, "Pod").size(), 13u);
}

TEST(TextRecognition, YamlIsNeverTakenForText) {
  // A manifest quoting kubectl output in a block scalar stays a manifest.
  std::string yaml =
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata:\n"
      "  name: runbook\n"
      "data:\n"
      "  pods.txt: |\n"
      "    NAME    READY   STATUS    RESTARTS   AGE\n"
      "    web-1   0/1     Pending   0          5m\n";
  for (const char* name : {"-", "runbook", "runbook.yaml"}) {
    LoadResult r = LoadText(yaml, name);
    EXPECT_TRUE(r.problems.empty()) << name;
    ASSERT_EQ(r.objects->size(), 1u) << name;
    EXPECT_EQ((*r.objects)[0].kind, "ConfigMap") << name;
    EXPECT_NE(r.sources->file(0).kind, SourceKind::kText) << name;
  }
  // A broken manifest stays YAML too, with its syntax error.
  std::string broken = yaml + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: [\n";
  LoadResult b = LoadText(broken, "-");
  EXPECT_EQ(b.objects->size(), 1u);
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].kind, ProblemKind::kParse);
  EXPECT_TRUE(OfKind(b, "Pod").empty());
  // A .yaml file is YAML even when it holds nothing but a table.
  LoadResult t = LoadText(ReadFile(FixturePath("get-pods.txt")), "pods.yaml");
  EXPECT_TRUE(OfKind(t, "Pod").empty());
  // Plain YAML and JSON on stdin are untouched.
  EXPECT_EQ(LoadText("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "-").objects->size(), 1u);
  EXPECT_EQ(LoadText("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}", "-").objects->size(), 1u);
}

TEST(TextRecognition, TextFilesHoldingManifestsAreRead) {
  LoadResult r = LoadText("apiVersion: v1\nkind: Pod\nmetadata:\n  name: saved\n", "pod-dump.txt");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.objects->size(), 1u);
  EXPECT_EQ((*r.objects)[0].name, "saved");
}

TEST(TextRecognition, NotEvidenceIsSkippedAndCounted) {
  LoadResult r = LoadFixture("not-evidence.txt");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.objects->size(), 0u);
  EXPECT_EQ(r.stats.skipped.at("not-evidence"), 1u);
  // A binary log is not evidence either: no encoding finding for it.
  LoadResult bin = LoadText(std::string("\x7f" "ELF\0\0\0", 7), "core.log");
  EXPECT_TRUE(bin.problems.empty());
  EXPECT_EQ(bin.stats.skipped.at("not-evidence"), 1u);
  // Application logs in JSON are not manifests.
  LoadResult logs = LoadText("{\"level\":\"info\",\"kind\":\"x\",\"apiVersion\":\"y\"}\n", "app.log");
  EXPECT_EQ(logs.objects->size(), 0u);
  EXPECT_TRUE(logs.problems.empty());
}

TEST(TextRecognition, DirectoryWalksReadTxtAndLogFiles) {
  fs::path dir = fs::temp_directory_path() / ("kora-text-walk-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  write("pods.txt", ReadFile(FixturePath("get-pods.txt")));
  write("events.log", ReadFile(FixturePath("get-events.txt")));
  write("notes.txt", "nothing to see\n");
  write("README.md", ReadFile(FixturePath("get-pods.txt")));  // not walked: .md
  write("deploy.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  Loader loader;
  loader.AddPath(dir.string());
  LoadResult r = loader.Finish();
  fs::remove_all(dir);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(OfKind(r, "Pod").size(), 13u);
  EXPECT_EQ(OfKind(r, "Event").size(), 8u);
  EXPECT_EQ(OfKind(r, "ConfigMap").size(), 1u);
  EXPECT_EQ(r.stats.skipped.at("not-evidence"), 1u);
  EXPECT_EQ(r.stats.skipped.at("extension"), 1u);
}

TEST(TextRecognition, HasTextEvidence) {
  EXPECT_TRUE(HasTextEvidence("NAME   READY   STATUS   RESTARTS   AGE\n"));
  EXPECT_TRUE(HasTextEvidence("LAST SEEN   TYPE   REASON   OBJECT   MESSAGE\n"));
  EXPECT_TRUE(HasTextEvidence("web-1   0/1   Pending   0   5m\n"));
  EXPECT_TRUE(HasTextEvidence("Name:         web-1\nNamespace:    default\n"));
  EXPECT_FALSE(HasTextEvidence("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"));
  EXPECT_FALSE(HasTextEvidence("Name: John\nAge: 42\n"));
  EXPECT_FALSE(HasTextEvidence("The pod web-1 went from 0/1 to Pending after 5m.\n"));
  EXPECT_FALSE(HasTextEvidence("NAME   TYPE   CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"));
  EXPECT_FALSE(HasTextEvidence(""));
}

TEST(TextRecognition, HostileInputStaysBounded) {
  // A header followed by a very long row of short words, one of many gaps,
  // and a huge number of rows: parsed or reported, never a crash.
  std::string header = "LAST SEEN   TYPE      REASON    OBJECT     MESSAGE\n";
  std::string words;
  for (int i = 0; i < 50000; ++i) words += "x ";
  std::string gaps;
  for (int i = 0; i < 30000; ++i) gaps += "y   ";
  std::string rows;
  for (int i = 0; i < 5000; ++i) rows += "5m          Normal    Pulled    pod/p" + std::to_string(i) + "      ok\n";
  std::string text = header + "5m Normal Pulled pod/a " + words + "\n" + "5m   Normal   Pulled   pod/b   " + gaps +
                     "\n" + rows + "(((((\n" + std::string(100000, '(') + "\n";
  LoadResult r = LoadText(text, "big.log");
  EXPECT_EQ(OfKind(r, "Event").size(), 5002u);
  ExpectSpansInside(r, text);
  // A describe nested thousands of levels deep (kubectl nests a dozen).
  std::string deep = "Name:         thing\nNamespace:    x\nAPI Version:  example.com/v1\nKind:         Thing\nSpec:\n";
  for (int i = 0; i < 2000; ++i) deep += std::string(static_cast<size_t>(i) + 2, ' ') + "Level" + std::to_string(i) + ":\n";
  deep += std::string(2002, ' ') + "Leaf:  1\n";
  LoadResult d = LoadText(deep, "deep.txt");
  const Object* thing = Find(d, "Thing", "thing");
  ASSERT_TRUE(thing);
  EXPECT_TRUE(At(thing, "spec.level0.level1").IsMap());
  ExpectSpansInside(d, deep);
  // Junk with table-looking headers and no rows.
  std::string junk;
  for (int i = 0; i < 2000; ++i) junk += "NAME  READY  STATUS  RESTARTS\n  ---  \nName:  x\nNamespace:  y\n\n";
  LoadResult j = LoadText(junk, "junk.txt");
  ExpectSpansInside(j, junk);
}

}  // namespace
}  // namespace kora::test
