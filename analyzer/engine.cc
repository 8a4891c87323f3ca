#include "analyzer/engine.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "analyzer/timings.h"

namespace kora {

std::string_view ProfileName(Profile p) {
  switch (p) {
    case Profile::kDefault:
      return "default";
    case Profile::kSecurity:
      return "security";
    case Profile::kStrict:
      return "strict";
    case Profile::kAll:
      return "all";
  }
  return "all";
}

std::optional<Profile> ParseProfile(std::string_view s) {
  for (Profile p : {Profile::kDefault, Profile::kSecurity, Profile::kStrict, Profile::kAll}) {
    if (ProfileName(p) == s) return p;
  }
  return std::nullopt;
}

std::string ProfilesIncluding(Profile p) {
  std::string out;
  for (Profile q : {Profile::kDefault, Profile::kSecurity, Profile::kStrict, Profile::kAll}) {
    if (q < p) continue;
    if (!out.empty()) out += ",";
    out += ProfileName(q);
  }
  return out;
}

namespace {
std::vector<PodTemplate> TimedPodTemplates(const ObjectSet& objects) {
  timings::Phase phase("pod templates");
  return CollectPodTemplates(objects);
}
}  // namespace

Context::Context(const LoadResult& load, const AnalysisOptions& options)
    : load_(load), options_(options), templates_(TimedPodTemplates(*load.objects)) {
  {
    timings::Phase phase("authored templates");
    // A live copy of an object whose manifest is also in the input is linted
    // through the manifest, where the fix goes.
    shadowed_.assign(objects().size(), false);
    for (const auto& group : objects().Duplicates()) {
      bool any_authored = false;
      for (ObjectId id : group) any_authored |= !objects()[id].live();
      if (!any_authored) continue;
      for (ObjectId id : group) shadowed_[id] = objects()[id].live();
    }
    for (const PodTemplate& t : templates_) {
      if (shadowed_[t.object] || ControllerOf(objects()[t.object])) continue;
      authored_.push_back(&t);
    }
  }
  {
    timings::Phase phase("graph");
    graph_ = std::make_unique<Graph>(objects(), templates_, options_);
  }
  timings::Phase phase("evidence");
  evidence_ = std::make_unique<Evidence>(objects(), *graph_, options_.now);
}

const Object* Context::ControllerOf(const Object& obj) const {
  for (Node ref : obj.Metadata()["ownerReferences"].Items()) {
    if (ref["controller"].Bool() != true) continue;
    std::string_view kind = ref["kind"].Str();
    const Object* owner = objects().Find(kind, IsClusterScopedKind(kind) ? std::string_view() : obj.ns,
                                         ref["name"].Str());
    if (owner) return owner;
  }
  // A dumped pod or ReplicaSet without ownerReferences still belongs to the
  // controller its name implies.
  if (obj.live() && (obj.kind == "Pod" || obj.kind == "ReplicaSet") && obj.Metadata()["ownerReferences"].Size() == 0) {
    return OwnerByName(objects(), obj.kind, obj.ns, obj.name);
  }
  return nullptr;
}

const std::vector<std::string>& AnalysisOptions::Param(std::string_view rule, std::string_view name) const {
  static const std::vector<std::string> kNone;
  auto r = params.find(rule);
  if (r == params.end()) return kNone;
  auto p = r->second.find(std::string(name));
  return p == r->second.end() ? kNone : p->second;
}

bool IgnoreAnnotationCovers(std::string_view value, std::string_view rule) {
  size_t i = 0;
  while (i <= value.size()) {
    size_t comma = value.find(',', i);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = value.substr(i, comma - i);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "all" || item == rule) return true;
    i = comma + 1;
  }
  return false;
}

bool Reporter::Suppressed(const Object& obj) const {
  std::string_view id = rule_->info().id;
  if (IgnoreAnnotationCovers(obj.Annotation("kora.dev/ignore"), id)) return true;
  // The annotation on a workload's pod template covers the template too.
  const PodTemplate* t = obj.kind != "Pod" ? ctx_.graph().TemplateOf(obj.id) : nullptr;
  return t && IgnoreAnnotationCovers(t->metadata["annotations"]["kora.dev/ignore"].Str(), id);
}

Finding& Reporter::Report(const Object& obj, Node at, std::string path, std::string message) {
  if (Suppressed(obj)) {
    discard_ = Finding{};
    return discard_;
  }
  Finding f;
  f.rule = rule_->info().id;
  f.severity = severity_;
  f.loc.file = obj.file;
  f.loc.object = obj.id;
  f.loc.span = at ? at.FieldSpan() : obj.span();
  f.loc.path = std::move(path);
  f.message = std::move(message);
  out_.push_back(std::move(f));
  return out_.back();
}

Finding& Reporter::Report(const PodTemplate& t, const ContainerRef& c, Node at, std::string_view field,
                          std::string message) {
  const Object& obj = ctx_.objects()[t.object];
  std::string path = c.path;
  if (!field.empty()) {
    path += ".";
    path += field;
  }
  Finding& f = Report(obj, at ? at : c.node, std::move(path), std::move(message));
  f.container = std::string(c.name);
  return f;
}

Finding& Reporter::ReportAt(const Object& obj, const Location& loc, std::string message) {
  if (Suppressed(obj)) {
    discard_ = Finding{};
    return discard_;
  }
  Finding f;
  f.rule = rule_->info().id;
  f.severity = severity_;
  f.loc = loc;
  f.message = std::move(message);
  out_.push_back(std::move(f));
  return out_.back();
}

Finding& Reporter::ReportFile(FileId file, Span span, std::string message) {
  Finding f;
  f.rule = rule_->info().id;
  f.severity = severity_;
  f.loc.file = file;
  f.loc.span = span;
  f.message = std::move(message);
  out_.push_back(std::move(f));
  return out_.back();
}

void Reporter::RelateAt(Finding& f, const Location& loc, std::string message) {
  f.related.push_back(RelatedLocation{loc, std::move(message)});
}

bool Reporter::Discarded(const Finding& f) const { return &f == &discard_; }

void Reporter::Amend(const Object& obj, const Finding& earlier, std::function<void(Finding&)> change) {
  if (!earlier_ || Suppressed(obj)) return;
  const Finding* first = earlier_->data();
  if (&earlier < first || &earlier >= first + earlier_->size()) return;
  // The earlier findings do not move during the pass, so an index stays valid.
  amendments_.emplace_back(static_cast<size_t>(&earlier - first), std::move(change));
}

void Reporter::BeginPass(const std::vector<Finding>* earlier) {
  earlier_ = earlier;
  amendments_.clear();
}

void Reporter::EndPass(std::vector<Finding>& earlier) {
  for (auto& [index, change] : amendments_) change(earlier[index]);
  amendments_.clear();
  earlier_ = nullptr;
}

void Reporter::Relate(Finding& f, const Object& obj, Node at, std::string path, std::string message) {
  RelatedLocation r;
  r.loc.file = obj.file;
  r.loc.object = obj.id;
  r.loc.span = at ? at.FieldSpan() : obj.span();
  r.loc.path = std::move(path);
  r.message = std::move(message);
  f.related.push_back(std::move(r));
}

bool RuleEnabled(const Rule& rule, const AnalysisOptions& options) {
  std::string_view id = rule.info().id;
  if (options.disable.count(id) || (options.disable.count("all") && !options.enable.count(id))) return false;
  if (options.enable.count(id) || options.enable.count("all")) return true;
  return rule.info().profile <= options.profile;
}

Severity EffectiveSeverity(const Rule& rule, const AnalysisOptions& options) {
  auto it = options.severity.find(rule.info().id);
  return it == options.severity.end() ? rule.info().severity : it->second;
}

std::vector<Finding> RunRules(const Context& ctx) {
  std::vector<Finding> findings;
  // The rules are independent readers of one const Context, so they can run
  // on several threads (--jobs). There each rule reports into a vector of its
  // own, and the vectors are joined in registry order: the findings are the
  // same whatever the threads. --timings runs them on one thread, so that
  // each rule's time is its own.
  std::vector<const Rule*> plain;
  for (const auto& rule : AllRules()) {
    if (RuleEnabled(*rule, ctx.options()) && !rule->NeedsFindings()) plain.push_back(rule.get());
  }
  size_t jobs = timings::Enabled() ? 1 : std::min<size_t>(std::max(1u, ctx.options().jobs), plain.size());
  auto check = [&](const Rule* rule, std::vector<Finding>& out) {
    Reporter reporter(ctx, out);
    reporter.set_rule(rule, EffectiveSeverity(*rule, ctx.options()));
    timings::Phase phase(timings::Enabled() ? "rule " + std::string(rule->info().id) : std::string());
    rule->Check(ctx, reporter);
  };
  if (jobs <= 1) {
    for (const Rule* rule : plain) check(rule, findings);
  } else {
    std::vector<std::vector<Finding>> per_rule(plain.size());
    std::vector<std::exception_ptr> errors(plain.size());
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (size_t t = 0; t < jobs; ++t) {
      threads.emplace_back([&] {
        for (size_t i = next++; i < plain.size(); i = next++) {
          try {
            check(plain[i], per_rule[i]);
          } catch (...) {
            errors[i] = std::current_exception();  // a bug: rethrown below, on the calling thread
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const std::exception_ptr& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    size_t total = 0;
    for (const auto& v : per_rule) total += v.size();
    findings.reserve(total);
    for (auto& v : per_rule) {
      findings.insert(findings.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
      std::vector<Finding>().swap(v);
    }
  }
  // Rules that read findings see those of the passes before theirs, in
  // place (a --profile all run has hundreds of thousands): what a pass
  // reports goes to a vector of its own, appended when the pass is over.
  for (int pass = 1; pass <= 2; ++pass) {
    std::vector<Finding> added;
    Reporter pass_reporter(ctx, added);
    pass_reporter.BeginPass(&findings);
    for (const auto& rule : AllRules()) {
      if (!RuleEnabled(*rule, ctx.options()) || !rule->NeedsFindings() || rule->FindingsPass() != pass) continue;
      pass_reporter.set_rule(rule.get(), EffectiveSeverity(*rule, ctx.options()));
      timings::Phase phase(timings::Enabled() ? "rule " + std::string(rule->info().id) : std::string());
      rule->CheckFindings(ctx, findings, pass_reporter);
    }
    pass_reporter.EndPass(findings);
    findings.insert(findings.end(), std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
  }
  timings::Phase phase("sort findings");
  SortFindings(findings, ctx.sources());
  return findings;
}

}  // namespace kora
