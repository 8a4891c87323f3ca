// Evidence: events in every form users export, normalised the way kubectl
// prints them and attached to the objects they are about; and one clock for
// the whole run, taken from the evidence itself (or --now), never from the
// wall clock, so a report is reproducible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/finding.h"
#include "analyzer/object.h"

namespace kora {

class Graph;

using Timestamp = int64_t;  // seconds since the Unix epoch, UTC
inline constexpr Timestamp kNoTime = INT64_MIN;

// RFC 3339 as the API server writes it ("2025-12-21T11:02:09Z", fractions and offsets allowed).
std::optional<Timestamp> ParseTimestamp(std::string_view s);
std::string FormatTimestamp(Timestamp t);  // "2025-12-21T11:02:09Z"
// kubectl's HumanDuration: 45s, 4m42s, 17m, 5h10m, 2d16h, 131d, 2y100d.
std::string HumanDuration(int64_t seconds);

struct EventRecord {
  ObjectId event = kNoObject;  // the Event object (dumped, or built from pasted text)
  std::string_view type;       // Normal, Warning
  std::string_view reason;
  std::string_view message;
  std::string_view source;     // reporting component
  // The object the event is about.
  std::string_view kind, ns, name, uid, field_path;
  Timestamp first = kNoTime;
  Timestamp last = kNoTime;
  int64_t count = 1;
  bool from_text = false;   // pasted text: times were ages relative to the paste
  ObjectId attached = kNoObject;  // the object in the input it attaches to
  std::string attached_via;       // "identity", "uid", "pod name pattern"
  Location loc;                   // where the event is in the input

  // "Warning BackOff: Back-off pulling image ... (x17163, first 2d16h ago, last 4m42s ago)"
  std::string Summary(Timestamp now) const;
};

class Evidence {
 public:
  Evidence(const ObjectSet& objects, const Graph& graph, std::string_view now_option);

  // The reference time: --now, else the newest timestamp in the evidence.
  Timestamp now() const { return now_; }
  bool has_time() const { return now_ != kNoTime; }
  // The span of time the evidence covers.
  Timestamp oldest() const { return oldest_; }

  const std::vector<EventRecord>& events() const { return events_; }
  // Events about one object (as attached), oldest first.
  std::vector<const EventRecord*> EventsOf(ObjectId id) const;
  // Events about an object or any object it controls (its ReplicaSets and
  // Pods), including pods only known by name.
  std::vector<const EventRecord*> EventsUnder(ObjectId root, const Graph& graph) const;
  // Events about something not in the input, by identity (e.g. a pod whose
  // name only the events know).
  const std::vector<size_t>* Unattached(std::string_view kind, std::string_view ns, std::string_view name) const;
  // "4m42s ago", or "" without a clock.
  std::string Ago(Timestamp t) const;

 private:
  Timestamp now_ = kNoTime;
  Timestamp oldest_ = kNoTime;
  std::vector<EventRecord> events_;
  std::unordered_map<ObjectId, std::vector<size_t>> by_object_;
  std::unordered_map<std::string, std::vector<size_t>> unattached_;
};

// The controller a pod or ReplicaSet name implies when the object itself is
// not in the input: <deployment>-<hash>-<id>, <statefulset>-<n>, <job>-<id>.
const Object* OwnerByName(const ObjectSet& objects, std::string_view kind, std::string_view ns,
                          std::string_view name);

}  // namespace kora
