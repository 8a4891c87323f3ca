// Kubernetes label selectors with exact API semantics: matchLabels AND
// matchExpressions (In, NotIn, Exists, DoesNotExist).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/document.h"

namespace kora {

class LabelSelector {
 public:
  struct Requirement {
    std::string key;
    enum Op { kIn, kNotIn, kExists, kDoesNotExist, kEquals } op = kEquals;
    std::vector<std::string> values;
  };

  // A metav1.LabelSelector ({matchLabels, matchExpressions}).
  static LabelSelector FromLabelSelector(Node selector);
  // A plain map selector (Service spec.selector, ReplicationController).
  static LabelSelector FromMap(Node map);

  // An absent selector (null) selects nothing; an empty one ({}) selects
  // everything. Callers decide which applies to their kind.
  bool present() const { return present_; }
  bool empty() const { return reqs_.empty(); }
  bool valid() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::vector<Requirement>& requirements() const { return reqs_; }

  bool Matches(Node labels) const;
  // A copy without the requirements on keys for which drop(key) is true.
  template <typename Pred>
  LabelSelector Without(Pred drop) const {
    LabelSelector s = *this;
    s.reqs_.erase(std::remove_if(s.reqs_.begin(), s.reqs_.end(), [&](const Requirement& r) { return drop(r.key); }),
                  s.reqs_.end());
    return s;
  }
  // "app=web,tier in (a,b)" as kubectl prints selectors.
  std::string ToString() const;

 private:
  bool present_ = false;
  std::vector<Requirement> reqs_;
  std::string error_;
};

}  // namespace kora
