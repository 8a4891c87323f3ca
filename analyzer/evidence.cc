#include "analyzer/evidence.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "analyzer/graph.h"

namespace kora {

namespace {

// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm): exact,
// and independent of the machine's time zone.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, h) || s[13] != ':' ||
      !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!Digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !Digits(s, i + 4, 2, om)) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se -
         offset;
}

std::string FormatTimestamp(Timestamp t) {
  if (t == kNoTime) return "";
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60);
}

std::string HumanDuration(int64_t s) {
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return fmt::format("{}s", s);
  int64_t m = s / 60;
  if (m < 10) return s % 60 == 0 ? fmt::format("{}m", m) : fmt::format("{}m{}s", m, s % 60);
  if (m < 180) return fmt::format("{}m", m);
  int64_t h = s / 3600;
  if (h < 8) return m % 60 == 0 ? fmt::format("{}h", h) : fmt::format("{}h{}m", h, m % 60);
  if (h < 48) return fmt::format("{}h", h);
  if (h < 24 * 8) return h % 24 == 0 ? fmt::format("{}d", h / 24) : fmt::format("{}d{}h", h / 24, h % 24);
  if (h < 24 * 365 * 2) return fmt::format("{}d", h / 24);
  if (h < 24 * 365 * 8) {
    int64_t days = h / 24;
    return days % 365 == 0 ? fmt::format("{}y", days / 365) : fmt::format("{}y{}d", days / 365, days % 365);
  }
  return fmt::format("{}y", h / 24 / 365);
}

std::string EventRecord::Summary(Timestamp now) const {
  std::string s = fmt::format("{} {}: {}", type.empty() ? "Event" : type, reason, message);
  std::vector<std::string> parts;
  if (count > 1) parts.push_back(fmt::format("x{}", count));
  if (now != kNoTime && first != kNoTime && count > 1) parts.push_back("first " + HumanDuration(now - first) + " ago");
  if (now != kNoTime && last != kNoTime) parts.push_back("last " + HumanDuration(now - last) + " ago");
  if (!parts.empty()) {
    s += " (";
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    s += ")";
  }
  return s;
}

namespace {

bool IsHashLike(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Splits "a-b-c" at its last dash.
bool SplitLast(std::string_view s, std::string_view& head, std::string_view& tail) {
  auto dash = s.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  head = s.substr(0, dash);
  tail = s.substr(dash + 1);
  return true;
}

Timestamp TimeField(Node n) {
  if (!n.IsScalar()) return kNoTime;
  auto t = ParseTimestamp(n.Str());
  return t ? *t : kNoTime;
}

}  // namespace

const Object* OwnerByName(const ObjectSet& objects, std::string_view kind, std::string_view ns,
                          std::string_view name) {
  std::string_view head, tail;
  if (kind == "Pod") {
    if (!SplitLast(name, head, tail)) return nullptr;
    // <replicaset>-<5 chars>: the ReplicaSet, else the Deployment or Rollout behind it.
    if (IsHashLike(tail, 5, 5)) {
      if (const Object* rs = objects.Find("ReplicaSet", ns, head)) return rs;
      std::string_view dep, hash;
      if (SplitLast(head, dep, hash) && IsHashLike(hash, 6, 10)) {
        for (const char* k : {"Deployment", "Rollout"}) {
          if (const Object* o = objects.Find(k, ns, dep)) return o;
        }
      }
      for (const char* k : {"DaemonSet", "Job", "ReplicaSet", "ReplicationController"}) {
        if (const Object* o = objects.Find(k, ns, head)) return o;
      }
      // A CronJob's pod: <cronjob>-<minutes>-<id>, its Job not in the input.
      if (const Object* cron = OwnerByName(objects, "Job", ns, head)) return cron;
    }
    // <statefulset>-<ordinal>
    if (!tail.empty() && std::all_of(tail.begin(), tail.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      if (const Object* o = objects.Find("StatefulSet", ns, head)) return o;
    }
    return nullptr;
  }
  if (kind == "ReplicaSet") {
    if (SplitLast(name, head, tail) && IsHashLike(tail, 6, 10)) {
      for (const char* k : {"Deployment", "Rollout"}) {
        if (const Object* o = objects.Find(k, ns, head)) return o;
      }
    }
    return nullptr;
  }
  if (kind == "Job") {
    // CronJob jobs: <cronjob>-<scheduled time in minutes>
    if (SplitLast(name, head, tail) && !tail.empty() &&
        std::all_of(tail.begin(), tail.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return objects.Find("CronJob", ns, head);
    }
  }
  return nullptr;
}

Evidence::Evidence(const ObjectSet& objects, const Graph& graph, std::string_view now_option) {
  Timestamp newest = kNoTime;
  Timestamp oldest = kNoTime;
  auto see = [&](Timestamp t) {
    if (t == kNoTime) return;
    newest = newest == kNoTime ? t : std::max(newest, t);
    oldest = oldest == kNoTime ? t : std::min(oldest, t);
  };
  std::unordered_map<std::string_view, ObjectId> by_uid;
  for (const Object& o : objects.all()) {
    if (!o.uid.empty() && o.kind != "Event") by_uid.emplace(o.uid, o.id);
  }
  // Relative times from pasted text wait for the clock.
  struct Relative {
    size_t index;
    std::optional<int64_t> first_ago, last_ago;
  };
  std::vector<Relative> relative;
  for (ObjectId id : objects.OfKind("Event")) {
    const Object& e = objects[id];
    Node root = e.Root();
    EventRecord r;
    r.event = id;
    bool new_api = e.group == "events.k8s.io";
    Node regarding = new_api ? root["regarding"] : root["involvedObject"];
    if (!regarding.IsMap()) regarding = root["involvedObject"].IsMap() ? root["involvedObject"] : root["regarding"];
    r.kind = regarding["kind"].Str();
    r.name = regarding["name"].Str();
    r.ns = regarding["namespace"].Str();
    if (r.ns.empty()) r.ns = e.ns;
    if (IsClusterScopedKind(r.kind)) r.ns = {};
    r.uid = regarding["uid"].Str();
    r.field_path = regarding["fieldPath"].Str();
    r.type = root["type"].Str();
    r.reason = root["reason"].Str();
    r.message = root[new_api ? "note" : "message"].Str();
    if (r.message.empty()) r.message = root["message"].Str().empty() ? root["note"].Str() : root["message"].Str();
    Node source = root["source"];
    r.source = source["component"].Str();
    if (r.source.empty()) r.source = root["reportingController"].Str();
    if (r.source.empty()) r.source = root["deprecatedSource"]["component"].Str();
    // kubectl's normalisation: first = firstTimestamp or eventTime; last =
    // series.lastObservedTime or lastTimestamp or first; count = series.count or count or 1.
    r.first = TimeField(root["firstTimestamp"]);
    if (r.first == kNoTime) r.first = TimeField(root["deprecatedFirstTimestamp"]);
    if (r.first == kNoTime) r.first = TimeField(root["eventTime"]);
    r.last = TimeField(root["series"]["lastObservedTime"]);
    if (r.last == kNoTime) r.last = TimeField(root["lastTimestamp"]);
    if (r.last == kNoTime) r.last = TimeField(root["deprecatedLastTimestamp"]);
    if (r.last == kNoTime) r.last = r.first;
    int64_t count = root["series"]["count"].Int().value_or(0);
    if (count <= 0) count = root["count"].Int().value_or(0);
    if (count <= 0) count = root["deprecatedCount"].Int().value_or(0);
    r.count = count > 0 ? count : 1;
    Node x = root["x-kora"];
    if (x.IsMap()) {
      r.from_text = true;
      relative.push_back(Relative{events_.size(), x["firstSeenSecondsAgo"].Int(), x["lastSeenSecondsAgo"].Int()});
    }
    see(r.first);
    see(r.last);
    r.loc.file = e.file;
    r.loc.object = id;
    Node at = root["reason"] ? root["reason"] : root;
    r.loc.span = at.FieldSpan();
    r.loc.path = "reason";
    events_.push_back(r);
  }
  // Status times of live objects also bound the clock (a dump without events).
  for (const Object& o : objects.all()) {
    if (o.kind == "Event" || !o.live()) continue;
    Node status = o.Status();
    if (!status) continue;
    for (Node c : status["conditions"].Items()) {
      see(TimeField(c["lastTransitionTime"]));
      see(TimeField(c["lastUpdateTime"]));
    }
    for (const char* list : {"containerStatuses", "initContainerStatuses"}) {
      for (Node cs : status[list].Items()) {
        see(TimeField(cs["state"]["running"]["startedAt"]));
        see(TimeField(cs["state"]["terminated"]["finishedAt"]));
        see(TimeField(cs["lastState"]["terminated"]["finishedAt"]));
      }
    }
  }
  now_ = newest;
  if (!now_option.empty()) {
    if (auto t = ParseTimestamp(now_option)) now_ = *t;
  }
  // Ages from pasted text are relative to when it was pasted: without a
  // better reference, the evidence's own clock.
  if (now_ != kNoTime) {
    for (const Relative& rel : relative) {
      EventRecord& r = events_[rel.index];
      if (rel.last_ago) r.last = now_ - *rel.last_ago;
      if (rel.first_ago) r.first = now_ - *rel.first_ago;
      if (r.first == kNoTime) r.first = r.last;
      see(r.first);
    }
  }
  oldest_ = oldest;

  // Attach: by identity (uid when it disambiguates), else through the name
  // pattern of the controller that created the object.
  for (size_t i = 0; i < events_.size(); ++i) {
    EventRecord& r = events_[i];
    const Object* target = objects.Find(r.kind, r.ns, r.name);
    if (target && !r.uid.empty() && !target->uid.empty() && target->uid != r.uid) {
      auto u = by_uid.find(r.uid);
      target = u == by_uid.end() ? nullptr : &objects[u->second];
      if (target) r.attached_via = "uid";
    } else if (target) {
      r.attached_via = "identity";
    }
    if (!target) {
      target = OwnerByName(objects, r.kind, r.ns, r.name);
      if (target) r.attached_via = "pod name pattern";
      unattached_[std::string(r.kind) + "/" + std::string(r.ns) + "/" + std::string(r.name)].push_back(i);
    }
    if (target) {
      r.attached = target->id;
      by_object_[target->id].push_back(i);
    }
  }
  auto by_time = [&](size_t a, size_t b) {
    const EventRecord &x = events_[a], &y = events_[b];
    return std::make_tuple(x.last, x.first, a) < std::make_tuple(y.last, y.first, b);
  };
  for (auto& [id, list] : by_object_) std::sort(list.begin(), list.end(), by_time);
  (void)graph;
}

std::vector<const EventRecord*> Evidence::EventsOf(ObjectId id) const {
  std::vector<const EventRecord*> out;
  auto it = by_object_.find(id);
  if (it == by_object_.end()) return out;
  for (size_t i : it->second) out.push_back(&events_[i]);
  return out;
}

std::vector<const EventRecord*> Evidence::EventsUnder(ObjectId root, const Graph& graph) const {
  std::vector<const EventRecord*> out;
  for (const auto& [id, list] : by_object_) {
    if (graph.Root(id) != root && id != root) continue;
    for (size_t i : list) out.push_back(&events_[i]);
  }
  std::sort(out.begin(), out.end(), [](const EventRecord* a, const EventRecord* b) {
    return std::make_tuple(a->last, a->first, a->event) < std::make_tuple(b->last, b->first, b->event);
  });
  return out;
}

const std::vector<size_t>* Evidence::Unattached(std::string_view kind, std::string_view ns,
                                                std::string_view name) const {
  auto it = unattached_.find(std::string(kind) + "/" + std::string(ns) + "/" + std::string(name));
  return it == unattached_.end() ? nullptr : &it->second;
}

std::string Evidence::Ago(Timestamp t) const {
  if (now_ == kNoTime || t == kNoTime) return "";
  return HumanDuration(now_ - t) + " ago";
}

}  // namespace kora
