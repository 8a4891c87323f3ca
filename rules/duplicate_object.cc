#include "analyzer/engine.h"
#include "rules/rules.h"

namespace kora {
namespace {

class DuplicateObject : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "duplicate-object",
        .title = "Object defined more than once",
        .severity = Severity::kError,
        .category = "input",
        .help = "Two documents define the same object (same kind, namespace and name). Applied together, the "
                "later one silently replaces the earlier, so part of the configuration never takes effect; "
                "Helm refuses to install such a chart.",
        .fix = "Rename one of the objects or delete the copy. If both come from one chart, check for a template "
               "rendered twice (a loop or a duplicated values entry).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    const ObjectSet& objects = ctx.objects();
    for (const auto& group : objects.Duplicates()) {
      // A live object (it has a uid or resourceVersion) next to its manifest,
      // or the same object in two overlapping dumps, is one object seen
      // twice, not a conflict. Only authored definitions clash, and only
      // within one API group (extensions is an old alias of the newer groups).
      std::vector<const Object*> authored;
      for (ObjectId id : group) {
        if (!objects[id].live()) authored.push_back(&objects[id]);
      }
      for (size_t i = 1; i < authored.size(); ++i) {
        const Object& dup = *authored[i];
        const Object* first_ptr = nullptr;
        for (size_t j = 0; j < i && !first_ptr; ++j) {
          std::string_view a = authored[j]->group, b = dup.group;
          if (a == b || a == "extensions" || b == "extensions") first_ptr = authored[j];
        }
        if (!first_ptr) continue;
        const Object& first = *first_ptr;
        const SourceFile& ff = ctx.sources().file(first.file);
        Node name = dup.Metadata()["name"];
        Finding& f = out.Report(dup, name, "metadata.name",
                                dup.Ref() + " is defined again; first defined at " + ff.path + ":" +
                                    std::to_string(first.Metadata()["name"].FieldSpan().begin.line));
        Reporter::Relate(f, first, first.Metadata()["name"], "metadata.name", "first definition");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeDuplicateObject() { return std::make_unique<DuplicateObject>(); }

}  // namespace kora
