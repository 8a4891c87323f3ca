#include "rules/references.h"

namespace kora {

std::string DescribeTarget(const Context& ctx, const Reference& r) {
  const GraphVertex& v = ctx.graph().vertex(r.to);
  return v.kind + " \"" + v.name + "\"";
}

Finding* ReportUnresolved(const Context& ctx, Reporter& out, const Reference& r, const std::string& what,
                          const std::string& consequence, const std::string& fix) {
  if (r.optional || IsResolved(r.resolution)) return nullptr;
  const Object& from = ctx.objects()[r.from];
  const GraphVertex& v = ctx.graph().vertex(r.to);
  std::string where = v.ns.empty() ? std::string("in the cluster") : "in namespace \"" + v.ns + "\"";
  std::string ref = v.ns.empty() ? v.kind + "/" + v.name : v.kind + "/" + v.ns + "/" + v.name;
  Finding* f = nullptr;
  if (r.resolution == Resolution::kMissing) {
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which does not exist " + where +
                          (consequence.empty() ? "" : ": " + consequence));
    if (out.Discarded(*f)) return nullptr;
  } else if (r.resolution == Resolution::kRuntime) {
    const Object& producer = ctx.objects()[r.producer];
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which is not in the input; " +
                          producer.Ref() + " may create it at run time (its ServiceAccount can create " +
                          (v.kind == "Secret" ? "Secrets" : "ConfigMaps") + ")");
    if (out.Discarded(*f)) return nullptr;
    f->severity = Severity::kNote;
  } else {
    f = &out.ReportAt(from, r.at,
                      what + " refers to " + DescribeTarget(ctx, r) + ", which is not in the input, so kora cannot "
                      "verify it exists " + where + " (pass --complete for a whole-namespace dump, or --assume " +
                          ref + ")");
    if (out.Discarded(*f)) return nullptr;
    f->severity = Severity::kNote;
  }
  f->fix = fix;
  f->container = r.container;
  return f;
}

std::string WorkloadName(const Context& ctx, const PodTemplate& t) {
  return ctx.objects()[ctx.graph().Root(t.object)].Ref();
}

}  // namespace kora
