// Building blocks of the HTML report (reports/html_writer.cc): escaping,
// Content-Security-Policy hashes, source excerpts with secrets masked, and
// the inline SVG diagrams. Everything here is deterministic: the same input
// gives the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/evidence.h"
#include "analyzer/graph.h"
#include "analyzer/object.h"
#include "analyzer/source.h"

namespace kora::html {

// The code point at s[i] and its length in bytes; 0 for a byte that starts
// no valid UTF-8 sequence (overlong forms and surrogates included).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp);

// Text for HTML text nodes, attribute values (always double-quoted) and SVG
// text: & < > " ' become entities, invalid UTF-8 becomes U+FFFD, control
// characters are shown as \xNN (C1 controls as \u00NN) rather than sent raw.
std::string Escape(std::string_view s);

// JSON text made safe inside <script type="application/json">: every <, >
// and & is written as a \u escape, so "</script>" and "<!--" cannot occur.
// Valid only for JSON, where these characters can only appear in strings.
std::string ScriptSafeJson(std::string_view json);

// The CSP source expression for an inline <style> or <script> whose content
// is exactly `content`: 'sha256-<base64>'.
std::string CspHash(std::string_view content);

// Splits text into at most max_lines lines of at most width code points,
// breaking at spaces; a cut ends with "…".
std::vector<std::string> WrapText(std::string_view text, size_t width, size_t max_lines);

// The page's stylesheet and script (reports/html_assets.cc), inlined and
// allowed by their hashes.
extern const std::string_view kStyleSheet;
extern const std::string_view kScript;

// --- Source excerpts -------------------------------------------------------

// Spans of an object whose values must never be shown: in a Secret every
// value outside its identity (data, stringData, annotations, anything
// unknown); elsewhere env-style {name, value} pairs whose name looks like a
// credential, values of credential-named keys, credential-looking values and
// kubectl's last-applied-configuration copy.
std::vector<Span> SensitiveSpans(const Object& obj);

struct ExcerptOptions {
  uint32_t whole_object_lines = 60;   // smaller objects are shown whole
  uint32_t context_lines = 3;         // around each highlight in larger ones
  uint32_t head_lines = 5;            // the start of a larger object (its identity)
  uint32_t max_highlight_lines = 40;  // a longer highlight is shown in part
  size_t max_line_bytes = 4096;       // bytes of one line read from the source
  size_t max_line_chars = 400;        // code points of one line shown
};

// The line ranges [first, last] of an object an excerpt shows: all of a
// small object; the first lines of a larger one and windows around the
// highlights. Sorted, disjoint.
using LineRange = std::pair<uint32_t, uint32_t>;
std::vector<LineRange> ExcerptWindows(const Object& obj, const std::vector<Span>& highlights,
                                      const ExcerptOptions& options = {});

// The object's source lines in those windows as the content of a <pre>:
// lines within the highlights marked (each line gets the id
// <id_prefix>-L<n>), sensitive values replaced by <redacted>, text of other
// objects on shared lines left out. Empty when the source cannot be read
// again.
std::string RenderExcerpt(const Object& obj, const SourceManager& sources, const std::vector<Span>& highlights,
                          const std::vector<LineRange>& windows, std::string_view id_prefix,
                          const ExcerptOptions& options = {});

// --- Diagrams --------------------------------------------------------------

// One box of a causal chain, from the symptom down to the root cause.
struct ChainNode {
  std::string title;    // "Deployment/shop/web", "event", "not in the input"
  std::string text;     // the step's message
  std::string href;     // where the box links to ("" for none)
  bool missing = false; // the object is not in the input
};
// A vertical diagram: the symptom, then each step, the last one marked as
// the root cause. id_prefix keeps marker ids unique in the page.
std::string ChainSvg(std::string_view symptom, const std::vector<ChainNode>& steps, std::string_view id_prefix);

struct TimelineRow {
  std::string label;  // what the event is about: "Pod/web-1 Failed"
  const EventRecord* event = nullptr;
};
// Events as bars from first to last seen, with their counts, on an axis from
// `from` to `to` (the evidence clock). Rows without times are left out of the
// drawing (the event tables list every event).
std::string TimelineSvg(const std::vector<TimelineRow>& rows, Timestamp from, Timestamp to);

// The neighbourhood of one object in the resource graph: the objects that
// refer to it on the left, the ones it refers to on the right, broken
// references (missing or unverifiable targets, phantom vertices) dashed red.
// href_of gives the link of a vertex that is in the report ("" for none).
struct NeighbourBox {
  std::string kind, ns, name;
  std::string via;      // edge kinds joined: "pullSecret, secret"
  std::string status;   // the worst resolution when broken, e.g. "missing"
  std::string href;
  bool phantom = false;  // not in the input
  bool broken = false;   // a reference that does not resolve
};
std::string NeighbourhoodSvg(const NeighbourBox& center, const std::vector<NeighbourBox>& in,
                             const std::vector<NeighbourBox>& out, std::string_view id_prefix,
                             size_t max_per_side = 24);

}  // namespace kora::html
