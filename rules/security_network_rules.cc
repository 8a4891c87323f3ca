// Network exposure: pods no NetworkPolicy selects, NetworkPolicy peers that
// match nothing (the traffic they were meant to allow is dropped), and
// Services opened on every node or to a cloud load balancer.
#include <algorithm>
#include <map>
#include <set>

#include "analyzer/engine.h"
#include "analyzer/selector.h"
#include "rules/label_index.h"
#include "rules/rules.h"

namespace kora {
namespace {

class NetworkPolicyMissing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "network-policy-missing",
        .title = "No NetworkPolicy selects the pod",
        .severity = Severity::kNote,
        .category = "security",
        .help = "Pods that no NetworkPolicy selects accept connections from every pod in the cluster and may "
                "connect anywhere. A policy that selects them (a namespace-wide `podSelector: {}` default-deny "
                "plus allow rules) limits what an intruder in one pod can reach. kora checks the NetworkPolicies "
                "in the input; policies applied separately are not seen.",
        .fix = "Add a NetworkPolicy for the namespace, e.g. a default deny (`podSelector: {}`, `policyTypes: "
               "[Ingress, Egress]`) and policies that allow the traffic each workload needs.",
        .profile = Profile::kSecurity,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (const PodTemplate* t : ctx.authored_templates()) {
      bool selected = false;
      for (const Reference* r : ctx.graph().Referrers(t->object, EdgeKind::kSelects)) {
        selected |= ctx.objects()[r->from].kind == "NetworkPolicy";
      }
      if (selected) continue;
      const Object& obj = ctx.objects()[t->object];
      Node labels = t->Labels();
      Finding& f = out.Report(obj, labels ? labels : t->metadata, t->meta_path + (labels ? ".labels" : ""),
                              "no NetworkPolicy in the input selects these pods, so every pod in the cluster can "
                              "connect to them");
      if (out.Discarded(f)) continue;
      f.fix = "Add a NetworkPolicy in namespace " + std::string(obj.ns) +
              " whose podSelector matches these labels (or podSelector: {} for the whole namespace).";
    }
  }
};

// The namespaces the input knows, with the labels it knows they carry.
class KnownNamespaces {
 public:
  explicit KnownNamespaces(const ObjectSet& objects) {
    auto add = [&](std::string_view name) {
      auto [it, inserted] = labels_.try_emplace(std::string(name));
      if (inserted) it->second["kubernetes.io/metadata.name"] = std::string(name);
    };
    // Every cluster has these; the API server labels each namespace with its name.
    for (std::string_view n : {"default", "kube-system", "kube-public", "kube-node-lease"}) add(n);
    for (const Object& o : objects.all()) {
      if (!o.ns.empty()) add(o.ns);
      if (o.kind != "Namespace") continue;
      add(o.name);
      auto& labels = labels_[std::string(o.name)];
      for (auto [k, v] : o.Labels().Entries()) labels[std::string(k.Str())] = std::string(v.Str());
    }
  }
  std::vector<std::string> Matching(const LabelSelector& sel) {
    if (!indexed_) {
      indexed_ = true;
      for (const auto& [name, labels] : labels_) {
        postings_.Add(&name);
        for (const auto& [k, v] : labels) postings_.Label(k, v, &name);
      }
    }
    std::vector<std::string> out;
    for (const std::string* name : postings_.Candidates(sel)) {
      if (Matches(sel, labels_.at(*name))) out.push_back(*name);
    }
    return out;
  }

 private:
  static bool Matches(const LabelSelector& sel, const std::map<std::string, std::string>& labels) {
    if (!sel.present() || !sel.valid()) return false;
    for (const auto& r : sel.requirements()) {
      auto it = labels.find(r.key);
      bool has = it != labels.end();
      bool in = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
      switch (r.op) {
        case LabelSelector::Requirement::kEquals:
        case LabelSelector::Requirement::kIn:
          if (!in) return false;
          break;
        case LabelSelector::Requirement::kNotIn:
          if (in) return false;
          break;
        case LabelSelector::Requirement::kExists:
          if (!has) return false;
          break;
        case LabelSelector::Requirement::kDoesNotExist:
          if (has) return false;
          break;
      }
    }
    return true;
  }
  std::map<std::string, std::map<std::string, std::string>> labels_;
  bool indexed_ = false;
  LabelPostings<const std::string*> postings_;
};

class NetworkPolicyPeerSelectsNothing : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "network-policy-peer-selects-nothing",
        .title = "NetworkPolicy peer selector matches no pod or namespace",
        .severity = Severity::kWarning,
        .category = "security",
        .help = "An ingress `from` or egress `to` peer allows traffic from or to the pods its `podSelector` "
                "matches (in the policy's namespace, or in the namespaces its `namespaceSelector` matches). A "
                "peer that matches nothing allows nothing: the traffic it was written for stays blocked, usually "
                "because of a label typo or a namespace without the expected label. Namespaces carry the label "
                "`kubernetes.io/metadata.name: <name>`. When the input has no pods in the namespace, or does "
                "not contain the namespaces, kora cannot tell and reports a note (a warning with --complete).",
        .fix = "Match the peer's podSelector to the labels of the pods' template, and its namespaceSelector to "
               "the namespace's labels (e.g. `kubernetes.io/metadata.name: <namespace>`).",
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    KnownNamespaces namespaces(ctx.objects());
    // Custom resources by namespace and label: operators create pods for them at run time.
    std::map<std::string_view, LabelPostings<const Object*>> custom;
    for (const Object& o : ctx.objects().all()) {
      if (!CustomGroup(o.group) || o.ns.empty()) continue;
      LabelPostings<const Object*>& p = custom[o.ns];
      p.Add(&o);
      for (auto [k, v] : o.Labels().Entries()) p.Label(k.Str(), v.Str(), &o);
    }
    const bool complete = ctx.options().complete;
    for (ObjectId id : ctx.objects().OfKind("NetworkPolicy")) {
      if (ctx.Shadowed(id)) continue;
      const Object& np = ctx.objects()[id];
      for (const char* direction : {"ingress", "egress"}) {
        const char* peers_field = std::string_view(direction) == "ingress" ? "from" : "to";
        size_t i = 0;
        for (Node rule : np.Spec()[direction].Items()) {
          size_t j = 0;
          std::string rule_path = "spec." + std::string(direction) + "[" + std::to_string(i++) + "]";
          for (Node peer : rule[peers_field].Items()) {
            std::string path = rule_path + "." + peers_field + "[" + std::to_string(j++) + "]";
            CheckPeer(ctx, out, np, peer, path, namespaces, custom, complete);
          }
        }
      }
    }
  }

 private:
  // API groups of custom resources: not Kubernetes' own ("", apps, batch, policy, autoscaling, *.k8s.io).
  static bool CustomGroup(std::string_view group) {
    if (group.find('.') == std::string_view::npos) return false;
    std::string_view suffix = ".k8s.io";
    return group.size() < suffix.size() || group.substr(group.size() - suffix.size()) != suffix;
  }

  static void CheckPeer(const Context& ctx, Reporter& out, const Object& np, Node peer, const std::string& path,
                        KnownNamespaces& namespaces,
                        const std::map<std::string_view, LabelPostings<const Object*>>& custom, bool complete) {
    const Graph& g = ctx.graph();
    Node pod_node = peer["podSelector"];
    Node ns_node = peer["namespaceSelector"];
    if (!pod_node && !ns_node) return;  // ipBlock
    LabelSelector pods = LabelSelector::FromLabelSelector(pod_node);
    LabelSelector nss = LabelSelector::FromLabelSelector(ns_node);
    if ((pod_node && !pods.valid()) || (ns_node && !nss.valid())) return;  // invalid selectors are another rule's
    std::vector<std::string> in;
    if (ns_node) {
      if (nss.empty()) return;  // every namespace
      in = namespaces.Matching(nss);
      if (in.empty()) {
        std::string where = complete ? "in the cluster" : "in the input";
        std::string unless =
            complete ? "" : " (unless a namespace outside the input has those labels)";
        Finding& f = out.Report(np, ns_node, path + ".namespaceSelector",
                                "namespaceSelector " + nss.ToString() + " matches no namespace " + where +
                                    ", so this peer allows no traffic" + unless);
        if (out.Discarded(f)) return;
        if (!complete && !ctx.options().severity.count("network-policy-peer-selects-nothing")) {
          f.severity = Severity::kNote;
        }
        f.fix = "Match a namespace's labels, e.g. namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "
                "<namespace>}}.";
        return;
      }
      if (!pod_node || pods.empty()) return;  // every pod of matching namespaces
    } else {
      if (pods.empty()) return;  // every pod of the policy's namespace
      in.emplace_back(np.ns);
    }
    bool verifiable = complete;
    for (const std::string& ns : in) {
      if (!g.Select(ns, pods).empty()) return;
      // Pods an operator creates at run time for a custom resource: named by
      // the selector, or labelled like the pods (operators copy the labels).
      if (g.OperatorCandidate(ns, pods)) return;
      if (auto it = custom.find(ns); it != custom.end()) {
        for (const Object* cr : it->second.Candidates(pods)) {
          if (pods.Matches(cr->Labels())) return;
        }
      }
      verifiable |= g.HasPodsIn(ns);
    }
    if (!verifiable) return;  // no pods of those namespaces in the input: nothing to compare with
    std::string where =
        ns_node ? "in the namespaces its namespaceSelector matches" : "in namespace " + std::string(np.ns);
    Finding& f = out.Report(np, pod_node, path + ".podSelector",
                            "podSelector " + pods.ToString() + " matches no pod or pod template " + where +
                                ", so this peer allows no traffic: connections it was meant to allow are dropped");
    if (out.Discarded(f)) return;
    f.fix = "Set the podSelector to the labels of the pod template it is meant for.";
  }
};

class ServiceExposed : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        .id = "service-exposed",
        .title = "Service of type NodePort or LoadBalancer",
        .severity = Severity::kNote,
        .category = "security",
        .help = "A NodePort Service opens its port on every node's IP address; a LoadBalancer Service also asks "
                "the cloud for an external load balancer, usually reachable from the internet. Both bypass an "
                "Ingress or Gateway and their TLS and authentication. Intended for edge components, they are "
                "worth a second look anywhere else.",
        .fix = "Use `type: ClusterIP` behind an Ingress or Gateway; if the Service must be external, restrict it "
               "with `loadBalancerSourceRanges` or an internal load balancer annotation.",
        .profile = Profile::kStrict,
    };
    return i;
  }
  void Check(const Context& ctx, Reporter& out) const override {
    for (ObjectId id : ctx.objects().OfKind("Service")) {
      if (ctx.Shadowed(id)) continue;
      const Object& svc = ctx.objects()[id];
      Node type = svc.Spec()["type"];
      std::string_view t = type.Str();
      if (t != "NodePort" && t != "LoadBalancer") continue;
      bool restricted = svc.Spec()["loadBalancerSourceRanges"].Size() > 0;
      if (restricted) continue;
      Finding& f = out.Report(svc, type, "spec.type",
                              t == "NodePort" ? "type NodePort opens the Service's ports on every node"
                                              : "type LoadBalancer exposes the Service through an external load "
                                                "balancer, with no loadBalancerSourceRanges");
      if (out.Discarded(f)) continue;
      f.fix = t == "NodePort" ? "Use type: ClusterIP behind an Ingress or Gateway."
                              : "Use type: ClusterIP behind an Ingress, or set loadBalancerSourceRanges to the "
                                "networks that need it.";
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeNetworkPolicyMissing() { return std::make_unique<NetworkPolicyMissing>(); }
std::unique_ptr<Rule> MakeNetworkPolicyPeerSelectsNothing() {
  return std::make_unique<NetworkPolicyPeerSelectsNothing>();
}
std::unique_ptr<Rule> MakeServiceExposed() { return std::make_unique<ServiceExposed>(); }

}  // namespace kora
