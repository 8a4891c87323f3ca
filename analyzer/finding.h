// What kora reports: findings, each tied to a rule, an object and the exact
// span of the field at fault; diagnoses add a causal chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/object.h"
#include "analyzer/source.h"

namespace kora {

enum class Severity : uint8_t { kNote = 0, kWarning = 1, kError = 2 };

std::string_view SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view s);

struct Location {
  FileId file = kNoFile;
  Span span;
  ObjectId object = kNoObject;  // the object the span lies in, if any
  std::string path;             // field path in that object: spec.template.spec.containers[web].image
};

struct RelatedLocation {
  Location loc;
  std::string message;
};

// One step of a diagnosis chain, from the symptom towards the cause.
struct ChainStep {
  Location loc;
  std::string message;
  std::vector<std::string> evidence;  // fields and events that prove the step
};

struct Hypothesis {
  std::string text;
  bool confirmed = false;
  std::string evidence;
  bool open = false;  // the evidence neither confirms nor rules it out
};

struct Finding {
  std::string_view rule;  // the rule's id; the registry owns the string
  Severity severity = Severity::kWarning;
  Location loc;
  std::string message;
  std::string fix;        // what to change here; the rule's general fix applies when empty
  std::string container;  // the container at fault, for pod templates
  std::string excerpt;    // the source line, for load errors (already redacted)
  std::vector<RelatedLocation> related;
  // Diagnoses (root-cause findings) also carry:
  std::string cause;    // a stable key for the kind of root cause, e.g. "pull-secret-missing"
  std::string symptom;
  std::vector<ChainStep> chain;
  std::vector<Hypothesis> hypotheses;
  std::vector<std::string> affected;  // e.g. the failing pods, by name
  std::string verify;                 // how to check that the fix worked
  bool IsDiagnosis() const { return !chain.empty(); }
};

// A stable identity for a finding that ignores line numbers: rule, object
// identity and field path, so unrelated edits do not change it.
std::string Fingerprint(const Finding& f, const ObjectSet& objects, const class SourceManager& sources);

// Deterministic report order: by file, position, rule, message.
void SortFindings(std::vector<Finding>& findings, const SourceManager& sources);

}  // namespace kora
