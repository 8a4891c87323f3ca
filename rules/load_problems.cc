// Input problems found while loading: they are rules like any other, so they
// can be listed, documented, disabled and reported in every format.
#include <algorithm>

#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

void ReportProblems(const Context& ctx, Reporter& out, std::initializer_list<ProblemKind> kinds) {
  for (const LoadProblem& p : ctx.problems()) {
    if (std::find(kinds.begin(), kinds.end(), p.kind) == kinds.end()) continue;
    Finding& f = out.ReportFile(p.file, p.span, p.message);
    f.excerpt = p.excerpt;
    if (p.related.Known()) {
      RelatedLocation r;
      r.loc.file = p.file;
      r.loc.span = p.related;
      r.message = p.related_message;
      f.related.push_back(std::move(r));
    }
  }
}

class LoadError : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "load-error",
        .title = "Input could not be read",
        .severity = Severity::kError,
        .category = "input",
        .help = "A file or document could not be read: malformed YAML or JSON, an encoding that is not UTF-8, "
                "binary data, an unreadable path, or an input limit. kora reports the exact position and keeps "
                "analysing every other document and file; kubectl would reject the broken document.",
        .fix = "Fix the syntax at the reported line and column (the caret marks it). For limits, see "
               "docs/limits.md and raise the limit with its option if the input is legitimate.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ReportProblems(ctx, out, {ProblemKind::kParse, ProblemKind::kEncoding, ProblemKind::kUnreadable,
                              ProblemKind::kLimit});
  }
};

class InvalidObject : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "invalid-object",
        .title = "Document is not a valid Kubernetes object",
        .severity = Severity::kError,
        .category = "input",
        .help = "Every document must be a mapping with apiVersion, kind and metadata.name (or "
                "metadata.generateName). The API server rejects anything else, and kora cannot place it in the "
                "resource graph.",
        .fix = "Add the missing apiVersion, kind or metadata.name, or remove the stray document.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ReportProblems(ctx, out, {ProblemKind::kInvalidObject});
  }
};

class DuplicateKey : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "duplicate-key",
        .title = "Mapping key defined twice",
        .severity = Severity::kError,
        .category = "input",
        .help = "A YAML mapping or JSON object lists the same key twice. Depending on the tool, the document "
                "is rejected (kustomize, strict YAML decoders: `key \"x\" already set in map`) or the last value "
                "silently wins (kubectl apply, the API server without strict field validation), so one of the two "
                "settings is lost either way. kora analyses the last value, as the API server would keep it.",
        .fix = "Delete one of the two entries, keeping the value you mean.",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    ReportProblems(ctx, out, {ProblemKind::kDuplicateKey});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeLoadError() { return std::make_unique<LoadError>(); }
std::unique_ptr<Rule> MakeInvalidObject() { return std::make_unique<InvalidObject>(); }
std::unique_ptr<Rule> MakeDuplicateKey() { return std::make_unique<DuplicateKey>(); }

}  // namespace kora
