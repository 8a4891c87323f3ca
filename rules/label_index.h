// Candidates for a label selector among many labelled items, from posting
// lists of key=value, so that matching selectors against every item stays
// near-linear (the graph's pod index does the same for pod templates).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/selector.h"

namespace kora {

template <typename T>
class LabelPostings {
 public:
  // Registers an item; call Label for each of its labels.
  void Add(T item) { all_.push_back(item); }
  void Label(std::string_view key, std::string_view value, T item) { by_label_[Key(key, value)].push_back(item); }

  // The items that can match sel: the shortest posting list among its
  // equality requirements (In with one value counts), or every item when it
  // has none. Callers still check each candidate against the selector.
  const std::vector<T>& Candidates(const LabelSelector& sel) const {
    static const std::vector<T> kNone;
    const std::vector<T>* best = nullptr;
    for (const auto& r : sel.requirements()) {
      bool equality = r.op == LabelSelector::Requirement::kEquals ||
                      (r.op == LabelSelector::Requirement::kIn && r.values.size() == 1);
      if (!equality) continue;
      auto it = by_label_.find(Key(r.key, r.values[0]));
      if (it == by_label_.end()) return kNone;
      if (!best || it->second.size() < best->size()) best = &it->second;
    }
    return best ? *best : all_;
  }

 private:
  static std::string Key(std::string_view key, std::string_view value) {
    std::string k(key);
    k.push_back('\0');
    k.append(value);
    return k;
  }
  std::vector<T> all_;
  std::unordered_map<std::string, std::vector<T>> by_label_;
};

}  // namespace kora
