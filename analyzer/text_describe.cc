// `kubectl describe` output pasted as text. A describe block is a tree of
// "Key:  value" lines nested by indentation; values that do not fit on one
// line continue on lines indented to the value's column (Labels, Taints,
// Tolerations). The block becomes one synthetic object of the described kind
// with what the text shows, plus one Event per row of its Events section.
#include <algorithm>
#include <array>
#include <cctype>

#include "analyzer/duration.h"
#include "analyzer/object.h"
#include "analyzer/text_evidence.h"
#include "analyzer/text_internal.h"

namespace kora::text {

namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

constexpr size_t kMaxDescribeDepth = 64;

// One line of a describe block.
struct DNode {
  size_t index = 0;    // line index
  size_t indent = 0;   // bytes of leading blanks
  std::string_view key;
  size_t key_begin = 0, key_end = 0;  // byte offsets within the line
  std::string_view value;             // trimmed; empty if none
  size_t value_begin = 0, value_end = 0;
  std::vector<size_t> continuation;   // line indices that continue the value
  std::vector<size_t> kids;           // node indices
  bool is_key = false;
};

// "Key:  value" or "Key:" — keys are words separated by single spaces (they
// may hold '.', '/', '-' as label and resource names do); the colon is
// followed by a blank or ends the line.
bool ParseKeyLine(std::string_view line, DNode& n) {
  size_t i = IndentOf(line);
  n.indent = i;
  size_t colon = line.find(':', i);
  if (colon == std::string_view::npos || colon == i || colon - i > 80) return false;
  if (colon + 1 < line.size() && line[colon + 1] != ' ' && line[colon + 1] != '\t') return false;
  std::string_view key = line.substr(i, colon - i);
  if (!IsAlnum(key[0]) && key[0] != '_') return false;
  for (size_t k = 0; k < key.size(); ++k) {
    char c = key[k];
    bool ok = IsAlnum(c) || c == '.' || c == '/' || c == '-' || c == '_' || c == '(' || c == ')' || c == '#' ||
              (c == ' ' && k + 1 < key.size() && key[k + 1] != ' ');
    if (!ok) return false;
  }
  n.is_key = true;
  n.key = key;
  n.key_begin = i;
  n.key_end = colon;
  size_t vb = colon + 1;
  while (vb < line.size() && (line[vb] == ' ' || line[vb] == '\t')) ++vb;
  size_t ve = line.size();
  while (ve > vb && (line[ve - 1] == ' ' || line[ve - 1] == '\t')) --ve;
  n.value = line.substr(vb, ve - vb);
  n.value_begin = vb;
  n.value_end = ve;
  return true;
}

class Describe {
 public:
  Describe(TextCtx& ctx, size_t first) : ctx_(ctx), first_(first) {}

  size_t Run();

 private:
  // Tree access.
  const DNode* Get(const DNode& parent, std::string_view key) const {
    for (size_t k : parent.kids) {
      if (nodes_[k].is_key && nodes_[k].key == key) return &nodes_[k];
    }
    return nullptr;
  }
  const DNode* Top(std::string_view key) const { return Get(nodes_[0], key); }
  std::string_view Value(const DNode* n) const { return n ? n->value : std::string_view(); }
  Span ValueSpan(const DNode& n) const { return ctx_.SpanIn(n.index, n.value_begin, n.value_end); }
  Span NodeSpan(const DNode& n) const { return ctx_.LineSpan(n.index); }
  // A node's line and everything nested under it.
  Span TreeSpan(const DNode& n) const {
    Span s = NodeSpan(n);
    size_t last = n.index;
    for (size_t c : n.continuation) last = std::max(last, c);
    std::vector<const DNode*> todo{&n};
    while (!todo.empty()) {
      const DNode* d = todo.back();
      todo.pop_back();
      last = std::max(last, d->index);
      for (size_t c : d->continuation) last = std::max(last, c);
      for (size_t k : d->kids) todo.push_back(&nodes_[k]);
    }
    Span e = ctx_.LineSpan(last);
    return Span{s.begin, e.end};
  }
  TVal Str(const DNode& n) const { return TVal::Str(n.value, ValueSpan(n)); }
  // The value and its continuation lines, one entry per line.
  struct ValueLine {
    std::string_view text;
    size_t index;  // line index
    size_t begin;  // byte offset of text in the line
    Span span;
    // A part of the text, by byte offsets inside it.
    Span Part(const TextCtx& ctx, size_t b, size_t e) const { return ctx.SpanIn(index, begin + b, begin + e); }
  };
  std::vector<ValueLine> Lines(const DNode& n) const {
    std::vector<ValueLine> out;
    if (!n.value.empty()) out.push_back(ValueLine{n.value, n.index, n.value_begin, ValueSpan(n)});
    for (size_t c : n.continuation) {
      std::string_view line = ctx_.Line(c);
      std::string_view t = Trim(line);
      out.push_back(ValueLine{t, c, static_cast<size_t>(t.data() - line.data()), ctx_.LineSpan(c)});
    }
    return out;
  }
  bool None(std::string_view v) const { return v.empty() || v == "<none>" || v == "<unset>"; }

  void BuildTree(size_t end);
  std::string DetermineKind(Span* kind_span) const;
  TVal Object(const std::string& kind, Span kind_span);
  void Metadata(TVal& obj, TVal& meta);
  void Pod(TVal& obj);
  void PodSpec(const DNode& parent, TVal& spec, TVal* status);
  TVal Container(const DNode& c, TVal* status_out);
  TVal State(const DNode& s) const;
  TVal Probe(const DNode& p) const;
  void Volumes(const DNode& vols, TVal& spec);
  void Conditions(const DNode& conds, TVal& status);
  void Node(TVal& obj);
  void Claim(TVal& obj, bool persistent_volume);
  void Workload(TVal& obj, const std::string& kind);
  void Service(TVal& obj);
  TVal Generic(const DNode& n) const;
  void LabelMap(const DNode& n, TVal& out) const;

  TextCtx& ctx_;
  size_t first_;
  size_t base_indent_ = 0;
  std::vector<DNode> nodes_;  // nodes_[0] is the root
  size_t events_line_ = 0;    // the "Events:" line, if the block has one
  Span block_span_;           // the block up to its Events section
  bool has_events_ = false;
};

// Which top-level fields give a kind away.
bool IsKnownTopKey(std::string_view key) {
  static constexpr std::array<std::string_view, 16> kKeys = {
      "Namespace", "Labels",     "Annotations", "Roles",     "Priority", "Service Account", "CreationTimestamp",
      "StorageClass", "Selector", "Node",      "Status",    "Type",     "Reference",       "Kind",
      "API Version", "Finalizers"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

}  // namespace

bool IsDescribeStart(const TextCtx& ctx, size_t index) {
  DNode n;
  if (!ParseKeyLine(ctx.Line(index), n) || n.key != "Name" || n.value.empty()) return false;
  if (index + 1 >= ctx.LineCount()) return false;
  DNode next;
  return ParseKeyLine(ctx.Line(index + 1), next) && next.indent == n.indent && IsKnownTopKey(next.key);
}

namespace {

void Describe::BuildTree(size_t end) {
  nodes_.clear();
  nodes_.push_back(DNode{});  // root
  nodes_[0].indent = 0;
  std::vector<size_t> stack{0};
  // The latest line whose value later lines may continue.
  size_t valued = 0;
  bool has_valued = false;
  for (size_t i = first_; i < end; ++i) {
    std::string_view line = ctx_.Line(i);
    DNode n;
    n.index = i;
    bool key = ParseKeyLine(line, n);
    if (!key) {
      n.indent = IndentOf(line);
      size_t b = n.indent, e = line.size();
      while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
      n.value = line.substr(b, e - b);
      n.value_begin = b;
      n.value_end = e;
    }
    if (has_valued) {
      const DNode& v = nodes_[valued];
      size_t value_col = v.value_begin;
      if (n.indent == value_col && n.indent > v.indent) {
        nodes_[valued].continuation.push_back(i);
        continue;
      }
    }
    while (stack.size() > 1 && nodes_[stack.back()].indent >= n.indent) stack.pop_back();
    size_t id = nodes_.size();
    nodes_.push_back(n);
    nodes_[stack.back()].kids.push_back(id);
    // kubectl nests a dozen levels at most; deeper lines stay siblings, which
    // bounds the recursion over the tree.
    if (stack.size() < kMaxDescribeDepth) stack.push_back(id);
    has_valued = key && !n.value.empty();
    valued = id;
  }
}

std::string Describe::DetermineKind(Span* kind_span) const {
  // Custom resources print their kind.
  if (const DNode* k = Top("Kind")) {
    if (!k->value.empty()) {
      *kind_span = ValueSpan(*k);
      return std::string(k->value);
    }
  }
  // "kubectl describe pod/x", "kubectl -n ns describe deploy web" just above.
  std::optional<size_t> command = CommandAbove(ctx_, first_);
  std::string_view l = command ? ctx_.Line(*command) : std::string_view();
  size_t at = l.find("describe ");
  if (at != std::string_view::npos) {
    std::string_view rest = l.substr(at + 9);
    // Skip flags before the resource ("describe -n ns pod x").
    while (!rest.empty()) {
      rest = Trim(rest);
      size_t sp = rest.find(' ');
      std::string_view word = rest.substr(0, sp);
      if (word.empty()) break;
      if (word[0] == '-') {
        bool takes_value = word == "-n" || word == "--namespace" || word == "-l" || word == "--selector" ||
                           word == "--context" || word == "-f";
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        if (takes_value && !rest.empty()) {
          rest = Trim(rest);
          size_t sp2 = rest.find(' ');
          rest = sp2 == std::string_view::npos ? std::string_view() : rest.substr(sp2 + 1);
        }
        continue;
      }
      std::string_view resource = word.substr(0, word.find('/'));
      std::string kind = KindFromResource(resource);
      if (!kind.empty()) {
        size_t col = static_cast<size_t>(word.data() - l.data());
        *kind_span = ctx_.SpanIn(*command, col, col + resource.size());
        return kind;
      }
      break;
    }
  }
  // Otherwise, by the fields the describer prints for each kind.
  Span name_span = ValueSpan(*Top("Name"));
  *kind_span = name_span;
  auto has = [&](std::string_view k) { return Top(k) != nullptr; };
  if (has("Pod Template")) {
    if (has("StrategyType") || has("RollingUpdateStrategy") || has("NewReplicaSet")) return "Deployment";
    if (has("Desired Number of Nodes Scheduled")) return "DaemonSet";
    if (has("Update Strategy") && has("Pods Status")) return "StatefulSet";
    if (has("Completions") || has("Parallelism")) return "Job";
    if (has("Pods Status") && has("Replicas")) return "ReplicaSet";
  }
  if (has("Schedule") && has("Concurrency Policy")) return "CronJob";
  if (has("Containers") && (has("Node") || has("IP") || has("QoS Class") || has("Start Time") || has("Status"))) return "Pod";
  if (has("Taints") || has("Allocatable") || has("ProviderID") || has("Non-terminated Pods") || has("System Info")) return "Node";
  if (has("Reclaim Policy") && has("Claim")) return "PersistentVolume";
  if (has("StorageClass") && has("Access Modes")) return "PersistentVolumeClaim";
  if (has("Selector") && (has("Endpoints") || has("TargetPort") || has("Session Affinity") || has("IP Families"))) return "Service";
  if (has("Rules") && (has("Default backend") || has("Ingress Class") || has("Address"))) return "Ingress";
  if (has("Reference") && has("Min replicas")) return "HorizontalPodAutoscaler";
  // A describe cut short: only Pods are controlled by these kinds.
  std::string_view owner = Value(Top("Controlled By"));
  for (std::string_view k : {"ReplicaSet/", "StatefulSet/", "DaemonSet/", "Job/", "Node/"}) {
    if (owner.substr(0, k.size()) == k) return "Pod";
  }
  return {};
}

void Describe::LabelMap(const DNode& n, TVal& out) const {
  for (const ValueLine& vl : Lines(n)) {
    std::string_view text = vl.text;
    if (None(text)) continue;
    // Selectors print "a=b,c=d" on one line; labels one per line.
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      size_t eq = item.find('=');
      if (eq != std::string_view::npos && eq > 0) {
        out.Put(Trim(item.substr(0, eq)), TVal::Str(item.substr(eq + 1), vl.Part(ctx_, start + eq + 1, start + item.size())));
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
}

void Describe::Metadata(TVal& obj, TVal& meta) {
  const DNode* name = Top("Name");
  meta.Put("name", Str(*name));
  if (const DNode* ns = Top("Namespace"); ns && !None(ns->value)) meta.Put("namespace", Str(*ns));
  if (const DNode* labels = Top("Labels")) {
    TVal map = TVal::Map();
    LabelMap(*labels, map);
    if (!map.Empty()) meta.Put("labels", std::move(map));
  }
  TVal& annotations = meta.Child("annotations", NodeSpan(*name));
  if (const DNode* ann = Top("Annotations")) {
    for (const ValueLine& vl : Lines(*ann)) {
      std::string_view text = vl.text;
      if (None(text)) continue;
      size_t colon = text.find(": ");
      if (colon == std::string_view::npos) continue;
      size_t vb = colon + 2;
      while (vb < text.size() && text[vb] == ' ') ++vb;
      annotations.Put(Trim(text.substr(0, colon)), TVal::Str(text.substr(vb), vl.Part(ctx_, vb, text.size())));
    }
  }
  annotations.Put(kSourceAnnotation, TVal::Str("kubectl describe", NodeSpan(*name)));
  // "Controllers:" before kubectl 1.8.
  const DNode* owner = Top("Controlled By");
  if (!owner) owner = Top("Controllers");
  if (owner && !None(owner->value)) {
    std::string_view v = owner->value;
    size_t slash = v.find('/');
    if (slash != std::string_view::npos) {
      TVal ref = TVal::Map(ValueSpan(*owner));
      std::string_view kind = v.substr(0, slash);
      if (std::string_view api = ApiVersionOfKind(kind); !api.empty()) ref.Put("apiVersion", TVal::Str(api, ValueSpan(*owner)));
      ref.Put("kind", TVal::Str(kind, ctx_.SpanIn(owner->index, owner->value_begin, owner->value_begin + slash)));
      ref.Put("name", TVal::Str(v.substr(slash + 1),
                                ctx_.SpanIn(owner->index, owner->value_begin + slash + 1, owner->value_end)));
      ref.Put("controller", TVal::Bool(true, ValueSpan(*owner)));
      meta.ChildSeq("ownerReferences", ValueSpan(*owner)).Push(std::move(ref));
    }
  }
  (void)obj;
}

TVal Describe::State(const DNode& s) const {
  TVal state = TVal::Map(TreeSpan(s));
  std::string_view v = s.value;
  std::string key = v == "Waiting" ? "waiting" : v == "Running" ? "running" : v == "Terminated" ? "terminated" : "";
  if (key.empty()) return state;
  TVal& inner = state.Child(key, TreeSpan(s));
  for (size_t k : s.kids) {
    const DNode& d = nodes_[k];
    if (!d.is_key) continue;
    if (d.key == "Reason") inner.Put("reason", Str(d));
    if (d.key == "Message") inner.Put("message", Str(d));
    if (d.key == "Exit Code" || d.key == "Signal") {
      std::string_view num = d.value;
      bool neg = !num.empty() && num[0] == '-';
      if (auto n = ParseCount(neg ? num.substr(1) : num)) {
        inner.Put(d.key == "Signal" ? "signal" : "exitCode", TVal::Int(neg ? -*n : *n, ValueSpan(d)));
      }
    }
  }
  return state;
}

// "http-get http://:8080/health delay=60s timeout=5s period=15s #success=1 #failure=3"
TVal Describe::Probe(const DNode& p) const {
  Span span = ValueSpan(p);
  TVal probe = TVal::Map(span);
  std::string_view v = p.value;
  auto seconds = [&](std::string_view key, std::string_view field) {
    size_t at = v.find(key);
    if (at == std::string_view::npos) return;
    std::string_view rest = v.substr(at + key.size());
    std::string_view tok = rest.substr(0, rest.find(' '));
    if (!tok.empty() && tok.back() == 's') tok.remove_suffix(1);
    if (auto n = ParseCount(tok)) probe.Put(field, TVal::Int(*n, span));
  };
  auto port_value = [&](std::string_view port) {
    if (auto n = ParseCount(port)) return TVal::Int(*n, span);
    return TVal::Str(port, span);
  };
  if (v.substr(0, 9) == "http-get ") {
    std::string_view url = v.substr(9, v.find(' ', 9) == std::string_view::npos ? std::string_view::npos : v.find(' ', 9) - 9);
    TVal& get = probe.Child("httpGet", span);
    size_t scheme_end = url.find("://");
    if (scheme_end != std::string_view::npos) {
      if (url.substr(0, scheme_end) == "https") get.Put("scheme", TVal::Str("HTTPS", span));
      std::string_view hostport = url.substr(scheme_end + 3);
      size_t path_at = hostport.find('/');
      std::string_view hp = hostport.substr(0, path_at);
      if (path_at != std::string_view::npos) get.Put("path", TVal::Str(hostport.substr(path_at), span));
      size_t colon = hp.rfind(':');
      if (colon != std::string_view::npos) get.Put("port", port_value(hp.substr(colon + 1)));
    }
  } else if (v.substr(0, 11) == "tcp-socket ") {
    std::string_view target = v.substr(11, v.find(' ', 11) == std::string_view::npos ? std::string_view::npos : v.find(' ', 11) - 11);
    size_t colon = target.rfind(':');
    TVal& tcp = probe.Child("tcpSocket", span);
    if (colon != std::string_view::npos) tcp.Put("port", port_value(target.substr(colon + 1)));
  } else if (v.substr(0, 5) == "exec ") {
    size_t open = v.find('[');
    size_t close = v.find(']', open == std::string_view::npos ? 0 : open);
    TVal& exec = probe.Child("exec", span);
    TVal& cmd = exec.ChildSeq("command", span);
    if (open != std::string_view::npos && close != std::string_view::npos) {
      std::string_view args = v.substr(open + 1, close - open - 1);
      size_t i = 0;
      while (i < args.size()) {
        while (i < args.size() && args[i] == ' ') ++i;
        size_t b = i;
        while (i < args.size() && args[i] != ' ') ++i;
        if (i > b) cmd.Push(TVal::Str(args.substr(b, i - b), span));
      }
    }
  } else if (v.substr(0, 5) == "grpc ") {
    std::string_view target = v.substr(5, v.find(' ', 5) == std::string_view::npos ? std::string_view::npos : v.find(' ', 5) - 5);
    size_t colon = target.rfind(':');
    TVal& grpc = probe.Child("grpc", span);
    if (colon != std::string_view::npos) grpc.Put("port", port_value(target.substr(colon + 1)));
  }
  seconds("delay=", "initialDelaySeconds");
  seconds("timeout=", "timeoutSeconds");
  seconds("period=", "periodSeconds");
  seconds("#success=", "successThreshold");
  seconds("#failure=", "failureThreshold");
  return probe;
}

// "<set to the key 'url' in secret 'db'>  Optional: false"
bool EnvReference(std::string_view v, std::string_view* kind, std::string_view* name, std::string_view* key,
                  std::string_view* optional) {
  constexpr std::string_view kPrefix = "<set to the key '";
  if (v.substr(0, kPrefix.size()) != kPrefix) return false;
  size_t key_end = v.find('\'', 17);
  if (key_end == std::string_view::npos) return false;
  *key = v.substr(17, key_end - 17);
  std::string_view rest = v.substr(key_end + 1);
  size_t q1 = rest.find('\'');
  size_t q2 = q1 == std::string_view::npos ? q1 : rest.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return false;
  std::string_view between = rest.substr(0, q1);
  *kind = between.find("secret") != std::string_view::npos ? "secretKeyRef" : "configMapKeyRef";
  *name = rest.substr(q1 + 1, q2 - q1 - 1);
  size_t opt = rest.find("Optional: ");
  *optional = opt == std::string_view::npos ? std::string_view() : Trim(rest.substr(opt + 10));
  return true;
}

TVal Describe::Container(const DNode& c, TVal* status_out) {
  Span span = TreeSpan(c);
  TVal spec = TVal::Map(span);
  std::string_view name = c.key;
  Span name_span = ctx_.SpanIn(c.index, c.key_begin, c.key_end);
  spec.Put("name", TVal::Str(name, name_span));
  TVal status = TVal::Map(span);
  status.Put("name", TVal::Str(name, name_span));
  for (size_t k : c.kids) {
    const DNode& d = nodes_[k];
    if (!d.is_key) continue;
    std::string_view key = d.key;
    if (key == "Image") {
      spec.Put("image", Str(d));
      status.Put("image", Str(d));
    } else if (key == "Image ID" && !d.value.empty()) {
      status.Put("imageID", Str(d));
    } else if (key == "Container ID" && !d.value.empty()) {
      status.Put("containerID", Str(d));
    } else if ((key == "Port" || key == "Ports") && !None(d.value)) {
      TVal& ports = spec.ChildSeq("ports", ValueSpan(d));
      std::string_view v = d.value;
      size_t start = 0;
      while (start < v.size()) {
        size_t comma = v.find(',', start);
        std::string_view item = Trim(v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        size_t slash = item.find('/');
        if (auto n = ParseCount(item.substr(0, slash))) {
          TVal port = TVal::Map(ValueSpan(d));
          port.Put("containerPort", TVal::Int(*n, ValueSpan(d)));
          if (slash != std::string_view::npos) port.Put("protocol", TVal::Str(item.substr(slash + 1), ValueSpan(d)));
          ports.Push(std::move(port));
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else if (key == "Command" || key == "Args") {
      TVal& list = spec.ChildSeq(key == "Command" ? "command" : "args", TreeSpan(d));
      if (!d.value.empty()) list.Push(Str(d));
      for (size_t a : d.kids) list.Push(TVal::Str(nodes_[a].is_key ? Trim(ctx_.Line(nodes_[a].index)) : nodes_[a].value,
                                                  NodeSpan(nodes_[a])));
    } else if (key == "State") {
      status.Put("state", State(d));
    } else if (key == "Last State") {
      status.Put("lastState", State(d));
    } else if (key == "Ready") {
      status.Put("ready", TVal::Bool(d.value == "True" || d.value == "true", ValueSpan(d)));
    } else if (key == "Restart Count") {
      if (auto n = ParseCount(d.value)) status.Put("restartCount", TVal::Int(*n, ValueSpan(d)));
    } else if (key == "Limits" || key == "Requests") {
      TVal& res = spec.Child("resources").Child(key == "Limits" ? "limits" : "requests", TreeSpan(d));
      for (size_t r : d.kids) {
        if (nodes_[r].is_key) res.Put(nodes_[r].key, Str(nodes_[r]));
      }
    } else if (key == "Liveness" || key == "Readiness" || key == "Startup") {
      std::string field = key == "Liveness" ? "livenessProbe" : key == "Readiness" ? "readinessProbe" : "startupProbe";
      spec.Put(field, Probe(d));
      spec.Child("x-kora").Put(field == "livenessProbe" ? "liveness" : field == "readinessProbe" ? "readiness" : "startup",
                               Str(d));
    } else if (key == "Environment") {
      // Only references to Secrets and ConfigMaps: literal values may be
      // credentials and are never kept.
      for (size_t e : d.kids) {
        const DNode& env = nodes_[e];
        if (!env.is_key) continue;
        std::string_view kind, ref_name, ref_key, optional;
        if (!EnvReference(env.value, &kind, &ref_name, &ref_key, &optional)) continue;
        TVal item = TVal::Map(NodeSpan(env));
        item.Put("name", TVal::Str(env.key, ctx_.SpanIn(env.index, env.key_begin, env.key_end)));
        TVal& ref = item.Child("valueFrom", ValueSpan(env)).Child(kind, ValueSpan(env));
        ref.Put("name", TVal::Str(ref_name, ValueSpan(env)));
        ref.Put("key", TVal::Str(ref_key, ValueSpan(env)));
        if (optional == "true" || optional == "false") ref.Put("optional", TVal::Bool(optional == "true", ValueSpan(env)));
        spec.ChildSeq("env", TreeSpan(d)).Push(std::move(item));
      }
    } else if (key == "Environment Variables from") {
      // "  app-config  ConfigMap  Optional: false"
      for (size_t e : d.kids) {
        std::string_view line = Trim(ctx_.Line(nodes_[e].index));
        size_t sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        std::string_view ref_name = line.substr(0, sp);
        std::string_view rest = Trim(line.substr(sp));
        std::string_view field = rest.substr(0, 9) == "ConfigMap" ? "configMapRef" : rest.substr(0, 6) == "Secret" ? "secretRef" : "";
        if (field.empty()) continue;
        TVal item = TVal::Map(NodeSpan(nodes_[e]));
        item.Child(field, NodeSpan(nodes_[e])).Put("name", TVal::Str(ref_name, NodeSpan(nodes_[e])));
        spec.ChildSeq("envFrom", TreeSpan(d)).Push(std::move(item));
      }
    } else if (key == "Mounts") {
      // "/var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x (ro)"
      for (size_t m : d.kids) {
        std::string_view line = Trim(ctx_.Line(nodes_[m].index));
        size_t from = line.find(" from ");
        if (from == std::string_view::npos) continue;
        std::string_view rest = line.substr(from + 6);
        size_t paren = rest.find(" (");
        TVal mount = TVal::Map(NodeSpan(nodes_[m]));
        mount.Put("name", TVal::Str(rest.substr(0, paren), NodeSpan(nodes_[m])));
        mount.Put("mountPath", TVal::Str(line.substr(0, from), NodeSpan(nodes_[m])));
        if (paren != std::string_view::npos) {
          std::string_view flags = rest.substr(paren + 2);
          mount.Put("readOnly", TVal::Bool(flags.substr(0, 2) == "ro", NodeSpan(nodes_[m])));
        }
        spec.ChildSeq("volumeMounts", TreeSpan(d)).Push(std::move(mount));
      }
    }
  }
  if (status_out) *status_out = std::move(status);
  return spec;
}

void Describe::Volumes(const DNode& vols, TVal& spec) {
  for (size_t k : vols.kids) {
    const DNode& v = nodes_[k];
    if (!v.is_key || !v.value.empty()) continue;
    TVal vol = TVal::Map(TreeSpan(v));
    vol.Put("name", TVal::Str(v.key, ctx_.SpanIn(v.index, v.key_begin, v.key_end)));
    const DNode* type = Get(v, "Type");
    std::string_view t = Value(type);
    auto field = [&](std::string_view key) { return Get(v, key); };
    auto optional = [&](TVal& into) {
      if (const DNode* o = field("Optional"); o && (o->value == "true" || o->value == "false")) {
        into.Put("optional", TVal::Bool(o->value == "true", ValueSpan(*o)));
      }
    };
    if (t.substr(0, 6) == "Secret") {
      TVal& s = vol.Child("secret", ValueSpan(*type));
      if (const DNode* n = field("SecretName")) s.Put("secretName", Str(*n));
      optional(s);
    } else if (t.substr(0, 9) == "ConfigMap") {
      TVal& s = vol.Child("configMap", ValueSpan(*type));
      if (const DNode* n = field("Name")) s.Put("name", Str(*n));
      optional(s);
    } else if (t.substr(0, 21) == "PersistentVolumeClaim") {
      TVal& s = vol.Child("persistentVolumeClaim", ValueSpan(*type));
      if (const DNode* n = field("ClaimName")) s.Put("claimName", Str(*n));
      if (const DNode* ro = field("ReadOnly")) s.Put("readOnly", TVal::Bool(ro->value == "true", ValueSpan(*ro)));
    } else if (t.substr(0, 8) == "EmptyDir") {
      vol.Child("emptyDir", ValueSpan(*type));
    } else if (t.substr(0, 8) == "HostPath") {
      TVal& s = vol.Child("hostPath", ValueSpan(*type));
      if (const DNode* n = field("Path")) s.Put("path", Str(*n));
    } else if (t.substr(0, 9) == "Projected") {
      vol.Child("projected", ValueSpan(*type));
    } else if (type) {
      vol.Child("x-kora", ValueSpan(*type)).Put("type", Str(*type));
    }
    spec.ChildSeq("volumes", TreeSpan(vols)).Push(std::move(vol));
  }
}

// The Conditions table: "Type  Status  [LastHeartbeatTime  LastTransitionTime]  [Reason  Message]".
void Describe::Conditions(const DNode& conds, TVal& status) {
  if (conds.kids.empty()) return;
  const DNode& head = nodes_[conds.kids[0]];
  std::string_view header = ctx_.Line(head.index);
  struct Col {
    std::string name;
    size_t begin;
  };
  std::vector<Col> cols;
  for (size_t i = 0; i < header.size();) {
    while (i < header.size() && header[i] == ' ') ++i;
    if (i >= header.size()) break;
    size_t b = i;
    while (i < header.size() && !(header[i] == ' ' && (i + 1 >= header.size() || header[i + 1] == ' '))) ++i;
    cols.push_back(Col{std::string(header.substr(b, i - b)), b});
  }
  if (cols.size() < 2 || cols[0].name != "Type" || cols[1].name != "Status") return;
  TVal& list = status.ChildSeq("conditions", TreeSpan(conds));
  for (size_t r = 1; r < conds.kids.size(); ++r) {
    const DNode& row = nodes_[conds.kids[r]];
    std::string_view line = ctx_.Line(row.index);
    if (IsUnderline(line)) continue;
    // By the header's positions when the row is aligned to it, else by gaps.
    std::vector<std::pair<size_t, size_t>> cells(cols.size(), {0, 0});
    bool aligned = true;
    for (size_t c = 0; c < cols.size() && aligned; ++c) {
      size_t b = cols[c].begin;
      size_t e = c + 1 < cols.size() ? cols[c + 1].begin : line.size();
      if (b >= line.size()) break;
      if (line[b] == ' ' || (b > 0 && line[b - 1] != ' ')) {
        aligned = false;
        break;
      }
      e = std::min(e, line.size());
      std::string_view t = Trim(line.substr(b, e - b));
      cells[c] = {b, b + t.size()};
    }
    if (!aligned) {
      cells.assign(cols.size(), {0, 0});
      size_t c = 0, i = 0;
      while (i < line.size() && c < cols.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i >= line.size()) break;
        size_t b = i;
        if (c + 1 == cols.size()) {
          i = line.size();
        } else {
          while (i < line.size() && !(line[i] == ' ' && (i + 1 >= line.size() || line[i + 1] == ' '))) ++i;
        }
        size_t e = i;
        while (e > b && line[e - 1] == ' ') --e;
        cells[c++] = {b, e};
      }
    }
    if (cells[0].second == cells[0].first || cells[1].second == cells[1].first) continue;
    TVal cond = TVal::Map(ctx_.LineSpan(row.index));
    for (size_t c = 0; c < cols.size(); ++c) {
      auto [b, e] = cells[c];
      if (e <= b) continue;
      std::string field = cols[c].name == "Type" ? "type" : cols[c].name == "Status" ? "status"
                          : cols[c].name == "Reason" ? "reason" : cols[c].name == "Message" ? "message" : "";
      if (field.empty()) continue;
      cond.Put(field, TVal::Str(line.substr(b, e - b), ctx_.SpanIn(row.index, b, e)));
    }
    list.Push(std::move(cond));
  }
}

void Describe::PodSpec(const DNode& parent, TVal& spec, TVal* status) {
  for (const char* section : {"Init Containers", "Containers"}) {
    const DNode* list = Get(parent, section);
    if (!list) continue;
    bool init = std::string_view(section) == "Init Containers";
    for (size_t k : list->kids) {
      const DNode& c = nodes_[k];
      if (!c.is_key || !c.value.empty()) continue;
      TVal cs;
      TVal container = Container(c, &cs);
      spec.ChildSeq(init ? "initContainers" : "containers", TreeSpan(*list)).Push(std::move(container));
      if (status) status->ChildSeq(init ? "initContainerStatuses" : "containerStatuses", TreeSpan(*list)).Push(std::move(cs));
    }
  }
  if (const DNode* sa = Get(parent, "Service Account"); sa && !None(sa->value)) spec.Put("serviceAccountName", Str(*sa));
  if (const DNode* vols = Get(parent, "Volumes")) Volumes(*vols, spec);
}

void Describe::Pod(TVal& obj) {
  TVal& spec = obj.Child("spec");
  TVal& status = obj.Child("status");
  PodSpec(nodes_[0], spec, &status);
  if (const DNode* node = Top("Node"); node && !None(node->value)) {
    std::string_view v = node->value;
    size_t slash = v.find('/');
    spec.Put("nodeName", TVal::Str(v.substr(0, slash),
                                   ctx_.SpanIn(node->index, node->value_begin,
                                               node->value_begin + (slash == std::string_view::npos ? v.size() : slash))));
  }
  if (const DNode* pc = Top("Priority Class Name"); pc && !None(pc->value)) spec.Put("priorityClassName", Str(*pc));
  if (const DNode* sel = Top("Node-Selectors")) {
    TVal map = TVal::Map();
    LabelMap(*sel, map);
    if (!map.Empty()) spec.Put("nodeSelector", std::move(map));
  }
  if (const DNode* s = Top("Status"); s && !s->value.empty()) {
    std::string_view v = s->value;
    static constexpr std::array<std::string_view, 5> kPhases = {"Pending", "Running", "Succeeded", "Failed", "Unknown"};
    if (std::find(kPhases.begin(), kPhases.end(), v) != kPhases.end()) status.Put("phase", Str(*s));
    obj.Child("x-kora").Put("status", Str(*s));
  }
  if (const DNode* r = Top("Reason"); r && !r->value.empty()) status.Put("reason", Str(*r));
  if (const DNode* m = Top("Message"); m && !m->value.empty()) status.Put("message", Str(*m));
  if (const DNode* ip = Top("IP"); ip && !None(ip->value)) status.Put("podIP", Str(*ip));
  if (const DNode* q = Top("QoS Class"); q && !q->value.empty()) status.Put("qosClass", Str(*q));
  if (const DNode* c = Top("Conditions")) Conditions(*c, status);
}

// "Kubelet Version" -> kubeletVersion, "OS Image" -> osImage,
// "Kube-Proxy Version" -> kubeProxyVersion, "Machine ID" -> machineID.
std::string NodeInfoField(std::string_view label) {
  std::string out;
  bool first_word = true;
  for (char ch : label) {
    if (ch == ' ' || ch == '-') {
      first_word = out.empty();
      continue;
    }
    // The first word is lower case entirely ("OS" -> "os"); the others keep
    // their capitals.
    out.push_back(first_word ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch))) : ch);
  }
  return out;
}

void Describe::Node(TVal& obj) {
  TVal& spec = obj.Child("spec");
  TVal& status = obj.Child("status");
  if (const DNode* t = Top("Taints")) {
    for (const ValueLine& vl : Lines(*t)) {
      std::string_view text = vl.text;
      Span span = vl.span;
      if (None(text)) continue;
      // key=value:Effect or key:Effect
      size_t colon = text.rfind(':');
      if (colon == std::string_view::npos) continue;
      std::string_view kv = text.substr(0, colon);
      TVal taint = TVal::Map(span);
      size_t eq = kv.find('=');
      taint.Put("key", TVal::Str(kv.substr(0, eq), span));
      if (eq != std::string_view::npos) taint.Put("value", TVal::Str(kv.substr(eq + 1), span));
      taint.Put("effect", TVal::Str(text.substr(colon + 1), span));
      spec.ChildSeq("taints", span).Push(std::move(taint));
    }
  }
  if (const DNode* u = Top("Unschedulable"); u && (u->value == "true" || u->value == "false")) {
    spec.Put("unschedulable", TVal::Bool(u->value == "true", ValueSpan(*u)));
  }
  if (const DNode* p = Top("ProviderID"); p && !p->value.empty()) spec.Put("providerID", Str(*p));
  for (const char* section : {"Capacity", "Allocatable"}) {
    const DNode* d = Top(section);
    if (!d) continue;
    TVal& map = status.Child(std::string_view(section) == "Capacity" ? "capacity" : "allocatable", TreeSpan(*d));
    for (size_t k : d->kids) {
      if (nodes_[k].is_key) map.Put(nodes_[k].key, Str(nodes_[k]));
    }
  }
  if (const DNode* a = Top("Addresses")) {
    TVal& list = status.ChildSeq("addresses", TreeSpan(*a));
    for (size_t k : a->kids) {
      const DNode& d = nodes_[k];
      if (!d.is_key) continue;
      TVal addr = TVal::Map(NodeSpan(d));
      addr.Put("type", TVal::Str(d.key, ctx_.SpanIn(d.index, d.key_begin, d.key_end)));
      addr.Put("address", Str(d));
      list.Push(std::move(addr));
    }
  }
  if (const DNode* c = Top("Conditions")) Conditions(*c, status);
  if (const DNode* info = Top("System Info")) {
    TVal& map = status.Child("nodeInfo", TreeSpan(*info));
    for (size_t k : info->kids) {
      const DNode& d = nodes_[k];
      if (!d.is_key) continue;
      map.Put(NodeInfoField(d.key), Str(d));
    }
  }
}

std::string_view AccessMode(std::string_view abbrev) {
  if (abbrev == "RWO") return "ReadWriteOnce";
  if (abbrev == "ROX") return "ReadOnlyMany";
  if (abbrev == "RWX") return "ReadWriteMany";
  if (abbrev == "RWOP") return "ReadWriteOncePod";
  return abbrev;
}

void Describe::Claim(TVal& obj, bool persistent_volume) {
  TVal& spec = obj.Child("spec");
  TVal& status = obj.Child("status");
  if (const DNode* sc = Top("StorageClass"); sc && !None(sc->value)) spec.Put("storageClassName", Str(*sc));
  if (const DNode* s = Top("Status"); s && !s->value.empty()) status.Put("phase", Str(*s));
  if (const DNode* v = Top("Volume"); v && !v->value.empty()) spec.Put("volumeName", Str(*v));
  if (const DNode* m = Top("VolumeMode"); m && !m->value.empty()) spec.Put("volumeMode", Str(*m));
  if (const DNode* c = Top("Capacity"); c && !c->value.empty()) {
    (persistent_volume ? spec : status).Child("capacity", ValueSpan(*c)).Put("storage", Str(*c));
  }
  if (const DNode* a = Top("Access Modes"); a && !a->value.empty()) {
    TVal& modes = (persistent_volume ? spec : status).ChildSeq("accessModes", ValueSpan(*a));
    std::string_view v = a->value;
    size_t start = 0;
    while (start < v.size()) {
      size_t comma = v.find(',', start);
      std::string_view item = Trim(v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (!item.empty()) modes.Push(TVal::Str(AccessMode(item), ValueSpan(*a)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (persistent_volume) {
    if (const DNode* c = Top("Claim"); c && !c->value.empty()) {
      std::string_view v = c->value;
      size_t slash = v.find('/');
      TVal& ref = spec.Child("claimRef", ValueSpan(*c));
      if (slash != std::string_view::npos) ref.Put("namespace", TVal::Str(v.substr(0, slash), ValueSpan(*c)));
      ref.Put("name", TVal::Str(slash == std::string_view::npos ? v : v.substr(slash + 1), ValueSpan(*c)));
    }
    if (const DNode* r = Top("Reclaim Policy"); r && !r->value.empty()) spec.Put("persistentVolumeReclaimPolicy", Str(*r));
  } else if (const DNode* u = Top("Used By")) {
    TVal& list = obj.Child("x-kora").ChildSeq("usedBy", TreeSpan(*u));
    for (const ValueLine& vl : Lines(*u)) {
      if (!None(vl.text)) list.Push(TVal::Str(vl.text, vl.span));
    }
  }
}

// "3 desired | 1 updated | 4 total | 2 available | 2 unavailable" (Deployment,
// StatefulSet) or "3 current / 3 desired" (ReplicaSet).
void Replicas(const DNode& d, TVal& spec, TVal& status, Span span) {
  std::string_view v = d.value;
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '|' || v[i] == '/')) ++i;
    size_t b = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    std::optional<int64_t> n = ParseCount(v.substr(b, i - b));
    while (i < v.size() && v[i] == ' ') ++i;
    size_t wb = i;
    while (i < v.size() && v[i] != ' ' && v[i] != '|' && v[i] != '/') ++i;
    std::string_view word = v.substr(wb, i - wb);
    if (!n) {
      if (i == b) ++i;
      continue;
    }
    if (word == "desired") spec.Put("replicas", TVal::Int(*n, span));
    if (word == "updated") status.Put("updatedReplicas", TVal::Int(*n, span));
    if (word == "total" || word == "current") status.Put("replicas", TVal::Int(*n, span));
    if (word == "available") status.Put("availableReplicas", TVal::Int(*n, span));
    if (word == "unavailable") status.Put("unavailableReplicas", TVal::Int(*n, span));
    if (word == "ready") status.Put("readyReplicas", TVal::Int(*n, span));
  }
}

void Describe::Workload(TVal& obj, const std::string& kind) {
  TVal& spec = obj.Child("spec");
  TVal& status = obj.Child("status");
  if (const DNode* sel = Top("Selector"); sel && !None(sel->value)) {
    TVal map = TVal::Map();
    LabelMap(*sel, map);
    if (!map.Empty()) spec.Child("selector", ValueSpan(*sel)).Put("matchLabels", std::move(map));
  }
  if (const DNode* r = Top("Replicas")) Replicas(*r, spec, status, ValueSpan(*r));
  if (const DNode* s = Top("StrategyType"); s && !s->value.empty()) spec.Child("strategy", ValueSpan(*s)).Put("type", Str(*s));
  if (const DNode* s = Top("Update Strategy"); s && !s->value.empty()) {
    spec.Child("updateStrategy", ValueSpan(*s)).Put("type", Str(*s));
  }
  if (const DNode* m = Top("MinReadySeconds")) {
    if (auto n = ParseCount(m->value)) spec.Put("minReadySeconds", TVal::Int(*n, ValueSpan(*m)));
  }
  if (kind == "Job") {
    for (auto [key, field] : {std::pair{"Parallelism", "parallelism"}, std::pair{"Completions", "completions"}}) {
      if (const DNode* d = Top(key)) {
        if (auto n = ParseCount(d->value)) spec.Put(field, TVal::Int(*n, ValueSpan(*d)));
      }
    }
  }
  if (kind == "DaemonSet") {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kFields = {{
        {"Desired Number of Nodes Scheduled", "desiredNumberScheduled"},
        {"Current Number of Nodes Scheduled", "currentNumberScheduled"},
        {"Number of Nodes Scheduled with Available Pods", "numberAvailable"},
        {"Number of Nodes Misscheduled", "numberMisscheduled"},
    }};
    for (auto [key, field] : kFields) {
      if (const DNode* d = Top(key)) {
        if (auto n = ParseCount(d->value)) status.Put(field, TVal::Int(*n, ValueSpan(*d)));
      }
    }
  }
  if (const DNode* c = Top("Conditions")) Conditions(*c, status);
  if (const DNode* t = Top("Pod Template")) {
    TVal& tmpl = spec.Child("template", TreeSpan(*t));
    if (const DNode* labels = Get(*t, "Labels")) {
      TVal map = TVal::Map();
      LabelMap(*labels, map);
      if (!map.Empty()) tmpl.Child("metadata", TreeSpan(*labels)).Put("labels", std::move(map));
    }
    TVal& pod_spec = tmpl.Child("spec", TreeSpan(*t));
    PodSpec(*t, pod_spec, nullptr);
  }
  TVal& x = obj.Child("x-kora");
  for (auto [key, field] : {std::pair{"Pods Status", "podsStatus"}, std::pair{"Pods Statuses", "podsStatus"},
                            std::pair{"NewReplicaSet", "newReplicaSet"}, std::pair{"OldReplicaSets", "oldReplicaSets"}}) {
    if (const DNode* d = Top(key); d && !d->value.empty()) x.Put(field, Str(*d));
  }
}

void Describe::Service(TVal& obj) {
  TVal& spec = obj.Child("spec");
  if (const DNode* sel = Top("Selector"); sel && !None(sel->value)) {
    TVal map = TVal::Map();
    LabelMap(*sel, map);
    if (!map.Empty()) spec.Put("selector", std::move(map));
  }
  if (const DNode* t = Top("Type"); t && !t->value.empty()) spec.Put("type", Str(*t));
  if (const DNode* ip = Top("IP"); ip && !None(ip->value)) spec.Put("clusterIP", Str(*ip));
  // Each port prints "Port:", "TargetPort:", "NodePort:", "Endpoints:" in turn.
  TVal* port = nullptr;
  TVal& x = obj.Child("x-kora");
  for (size_t k : nodes_[0].kids) {
    const DNode& d = nodes_[k];
    if (!d.is_key) continue;
    if (d.key == "Port") {
      // "http  80/TCP" or "<unset>  80/TCP"
      std::string_view v = d.value;
      size_t sp = v.rfind(' ');
      std::string_view name = sp == std::string_view::npos ? std::string_view() : Trim(v.substr(0, sp));
      std::string_view pp = sp == std::string_view::npos ? v : v.substr(sp + 1);
      size_t slash = pp.find('/');
      TVal p = TVal::Map(ValueSpan(d));
      if (!None(name)) p.Put("name", TVal::Str(name, ValueSpan(d)));
      if (auto n = ParseCount(pp.substr(0, slash))) p.Put("port", TVal::Int(*n, ValueSpan(d)));
      if (slash != std::string_view::npos) p.Put("protocol", TVal::Str(pp.substr(slash + 1), ValueSpan(d)));
      port = &spec.ChildSeq("ports", ValueSpan(d)).Push(std::move(p));
    } else if (d.key == "TargetPort" && port) {
      std::string_view v = d.value;
      std::string_view tp = v.substr(0, v.find('/'));
      if (auto n = ParseCount(tp)) {
        port->Put("targetPort", TVal::Int(*n, ValueSpan(d)));
      } else if (!tp.empty()) {
        port->Put("targetPort", TVal::Str(tp, ValueSpan(d)));
      }
    } else if (d.key == "NodePort" && port) {
      std::string_view v = d.value;
      size_t sp = v.rfind(' ');
      std::string_view np = sp == std::string_view::npos ? v : v.substr(sp + 1);
      if (auto n = ParseCount(np.substr(0, np.find('/')))) port->Put("nodePort", TVal::Int(*n, ValueSpan(d)));
    } else if (d.key == "Endpoints") {
      x.ChildSeq("endpoints", ValueSpan(d)).Push(Str(d));
    }
  }
}

// describe prints unstructured fields with "smart labels": camelCase split
// into capitalised words ("repoURL" -> "Repo URL"). Reverse it for keys made
// of plain words; keep anything else (label keys, paths) as printed.
std::string FieldName(std::string_view label) {
  bool plain = std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == ' '; });
  if (!plain || label.empty()) return std::string(label);
  std::string out;
  size_t i = 0;
  bool first = true;
  while (i < label.size()) {
    size_t sp = label.find(' ', i);
    std::string_view word = label.substr(i, sp == std::string_view::npos ? std::string_view::npos : sp - i);
    if (first) {
      for (char c : word) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      first = false;
    } else {
      out += word;
    }
    if (sp == std::string_view::npos) break;
    i = sp + 1;
  }
  return out;
}

TVal Scalar(std::string_view v, Span span) {
  if (auto n = ParseCount(v); n && (v.size() == 1 || v[0] != '0')) return TVal::Int(*n, span);
  if (v == "true" || v == "false") return TVal::Bool(v == "true", span);
  return TVal::Str(v, span);
}

// A nested describe section as data: keys become fields, bare lines items;
// a key repeating (or keys starting again in sorted order) begins the next
// item of a list of objects.
TVal Describe::Generic(const DNode& n) const {
  bool all_bare = std::all_of(n.kids.begin(), n.kids.end(), [&](size_t k) { return !nodes_[k].is_key; });
  if (all_bare) {
    TVal seq = TVal::Seq(TreeSpan(n));
    for (size_t k : n.kids) seq.Push(Scalar(nodes_[k].value, ValueSpan(nodes_[k])));
    return seq;
  }
  std::vector<TVal> items;
  items.push_back(TVal::Map());
  std::string previous;
  for (size_t k : n.kids) {
    const DNode& d = nodes_[k];
    if (!d.is_key) continue;
    std::string field = FieldName(d.key);
    if (items.back().Find(field) || (!previous.empty() && field < previous && !items.back().Empty())) {
      items.push_back(TVal::Map());
    }
    previous = field;
    if (!d.kids.empty()) {
      items.back().Put(field, Generic(d));
    } else {
      std::string value(d.value);
      for (size_t c : d.continuation) {
        value += '\n';
        value += Trim(ctx_.Line(c));
      }
      items.back().Put(field, d.continuation.empty() ? Scalar(d.value, ValueSpan(d)) : TVal::Str(value, TreeSpan(d)));
    }
  }
  if (items.size() == 1) return std::move(items[0]);
  TVal seq = TVal::Seq(TreeSpan(n));
  for (auto& item : items) seq.Push(std::move(item));
  return seq;
}

TVal Describe::Object(const std::string& kind, Span kind_span) {
  TVal obj = TVal::Map(block_span_);
  std::string api;
  if (const DNode* a = Top("API Version"); a && !a->value.empty()) {
    obj.Put("apiVersion", Str(*a));
  } else {
    std::string_view known = ApiVersionOfKind(kind);
    if (known.empty()) {
      if (kind == "PersistentVolumeClaim" || kind == "PersistentVolume" || kind == "Service" || kind == "Node" ||
          kind == "ConfigMap" || kind == "Namespace" || kind == "ServiceAccount" || kind == "Endpoints") {
        known = "v1";
      } else if (kind == "Ingress") {
        known = "networking.k8s.io/v1";
      } else if (kind == "HorizontalPodAutoscaler") {
        known = "autoscaling/v2";
      }
    }
    if (!known.empty()) obj.Put("apiVersion", TVal::Str(known, kind_span));
  }
  obj.Put("kind", TVal::Str(kind, kind_span));
  TVal& meta = obj.Child("metadata");
  Metadata(obj, meta);
  if (kind == "Pod") {
    Pod(obj);
  } else if (kind == "Node") {
    Node(obj);
  } else if (kind == "PersistentVolumeClaim" || kind == "PersistentVolume") {
    Claim(obj, kind == "PersistentVolume");
  } else if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet" ||
             kind == "Job") {
    Workload(obj, kind);
  } else if (kind == "Service") {
    Service(obj);
  } else if (Top("API Version")) {
    for (auto [key, field] : {std::pair{"Spec", "spec"}, std::pair{"Status", "status"}}) {
      if (const DNode* d = Top(key); d && !d->kids.empty()) obj.Put(field, Generic(*d));
    }
  }
  // Containers left empty (nothing shown) are dropped, as a dump would omit them.
  for (const char* key : {"spec", "status", "x-kora"}) {
    if (TVal* v = obj.Find(key); v && v->Empty()) {
      obj.entries.erase(std::find_if(obj.entries.begin(), obj.entries.end(),
                                     [&](const auto& e) { return e.first == key; }));
    }
  }
  return obj;
}

size_t Describe::Run() {
  DNode first;
  ParseKeyLine(ctx_.Line(first_), first);
  base_indent_ = first.indent;
  // The block: up to a blank line, a fence, a line left of the block, a bare
  // line at the block's indentation, the next describe, or its Events.
  size_t end = first_ + 1;
  for (; end < ctx_.LineCount(); ++end) {
    std::string_view line = ctx_.Line(end);
    if (IsBlank(line) || IsFence(line) || IndentOf(line) < base_indent_) break;
    DNode n;
    bool key = ParseKeyLine(line, n);
    if (IndentOf(line) == base_indent_) {
      if (!key) break;
      if (n.key == "Name") break;
      if (n.key == "Events") {
        has_events_ = true;
        events_line_ = end;
        break;
      }
    }
  }
  BuildTree(end);
  block_span_ = Span{ctx_.LineSpan(first_).begin, ctx_.LineSpan(end - 1).end};

  Subject subject;
  Span kind_span;
  subject.kind = DetermineKind(&kind_span);
  subject.kind_span = kind_span;
  const DNode* name = Top("Name");
  subject.name = std::string(name->value);
  subject.name_span = ValueSpan(*name);
  if (const DNode* ns = Top("Namespace"); ns && !None(ns->value)) {
    subject.ns = std::string(ns->value);
    subject.ns_span = ValueSpan(*ns);
  }
  if (!subject.kind.empty()) {
    TVal obj = Object(subject.kind, kind_span);
    ctx_.AddDocument(obj, ctx_.LineSpan(first_));
  }

  if (!has_events_) return end;
  DNode ev;
  ParseKeyLine(ctx_.Line(events_line_), ev);
  if (!ev.value.empty()) return events_line_ + 1;  // "Events:  <none>"
  size_t h = events_line_ + 1;
  if (h >= ctx_.LineCount()) return h;
  std::optional<TableHeader> header = DetectHeader(ctx_.Line(h));
  if (!header) return h;
  return ParseTable(ctx_, h, *header, &subject);
}

}  // namespace

size_t ParseDescribe(TextCtx& ctx, size_t index) { return Describe(ctx, index).Run(); }

}  // namespace kora::text
