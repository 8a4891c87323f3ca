#include "analyzer/selector.h"

#include <algorithm>

namespace kora {

LabelSelector LabelSelector::FromMap(Node map) {
  LabelSelector s;
  if (!map || map.IsNull()) return s;
  s.present_ = true;
  if (!map.IsMap()) {
    s.error_ = "selector is not a mapping";
    return s;
  }
  for (auto [k, v] : map.Entries()) {
    Requirement r;
    r.key = std::string(k.Str());
    r.op = Requirement::kEquals;
    r.values.emplace_back(v.Str());
    s.reqs_.push_back(std::move(r));
  }
  return s;
}

LabelSelector LabelSelector::FromLabelSelector(Node selector) {
  LabelSelector s;
  if (!selector || selector.IsNull()) return s;
  s.present_ = true;
  if (!selector.IsMap()) {
    s.error_ = "selector is not a mapping";
    return s;
  }
  LabelSelector labels = FromMap(selector["matchLabels"]);
  s.reqs_ = std::move(labels.reqs_);
  for (Node e : selector["matchExpressions"].Items()) {
    Requirement r;
    r.key = std::string(e["key"].Str());
    std::string_view op = e["operator"].Str();
    if (op == "In") {
      r.op = Requirement::kIn;
    } else if (op == "NotIn") {
      r.op = Requirement::kNotIn;
    } else if (op == "Exists") {
      r.op = Requirement::kExists;
    } else if (op == "DoesNotExist") {
      r.op = Requirement::kDoesNotExist;
    } else {
      s.error_ = "unknown selector operator \"" + std::string(op) + "\"";
      continue;
    }
    for (Node v : e["values"].Items()) r.values.emplace_back(v.Str());
    if ((r.op == Requirement::kIn || r.op == Requirement::kNotIn) && r.values.empty()) {
      s.error_ = "operator " + std::string(op) + " needs at least one value";
    }
    if ((r.op == Requirement::kExists || r.op == Requirement::kDoesNotExist) && !r.values.empty()) {
      s.error_ = "operator " + std::string(op) + " takes no values";
    }
    s.reqs_.push_back(std::move(r));
  }
  return s;
}

bool LabelSelector::Matches(Node labels) const {
  if (!present_ || !valid()) return false;
  for (const Requirement& r : reqs_) {
    Node v = labels[r.key];
    bool has = v && labels.IsMap();
    std::string_view value = v.Str();
    switch (r.op) {
      case Requirement::kEquals:
        if (!has || value != r.values[0]) return false;
        break;
      case Requirement::kIn:
        if (!has || std::find(r.values.begin(), r.values.end(), value) == r.values.end()) return false;
        break;
      case Requirement::kNotIn:
        if (has && std::find(r.values.begin(), r.values.end(), value) != r.values.end()) return false;
        break;
      case Requirement::kExists:
        if (!has) return false;
        break;
      case Requirement::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (const Requirement& r : reqs_) {
    if (!out.empty()) out += ",";
    auto list = [&] {
      std::string l = "(";
      for (size_t i = 0; i < r.values.size(); ++i) l += (i ? "," : "") + r.values[i];
      return l + ")";
    };
    switch (r.op) {
      case Requirement::kEquals:
        out += r.key + "=" + r.values[0];
        break;
      case Requirement::kIn:
        out += r.key + " in " + list();
        break;
      case Requirement::kNotIn:
        out += r.key + " notin " + list();
        break;
      case Requirement::kExists:
        out += r.key;
        break;
      case Requirement::kDoesNotExist:
        out += "!" + r.key;
        break;
    }
  }
  return out;
}

}  // namespace kora
