#include "fuzz/fuzz_util.h"

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace kora::fuzz {

void Require(bool cond, const char* what) {
  if (cond) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

namespace {

void CheckMark(Mark m, size_t line_count) {
  Require(m.line >= 1, "a node has an unknown line");
  Require(m.line <= line_count, "a node's line is past the end of the text");
  Require(m.col >= 1, "a node has an unknown column");
}

}  // namespace

void CheckParsed(const ParsedFile& parsed, std::string_view text) {
  LineTable lines(text);
  for (const auto& doc : parsed.docs) {
    Require(doc != nullptr, "null document");
    Require(doc->root != kNoNode, "document without a root");
    // Iterative walk: aliases make the tree a DAG, so visit each id once.
    std::vector<bool> seen(doc->node_count(), false);
    std::vector<uint32_t> todo{doc->root};
    while (!todo.empty()) {
      uint32_t id = todo.back();
      todo.pop_back();
      Require(id < doc->node_count(), "node id out of range");
      if (seen[id]) continue;
      seen[id] = true;
      Node n(doc.get(), id);
      Span s = n.span();
      CheckMark(s.begin, lines.LineCount());
      CheckMark(s.end, lines.LineCount());
      Require(!(s.end < s.begin), "a node ends before it begins");
      if (n.IsScalar()) {
        std::string_view v = n.Str();
        volatile char sink = v.empty() ? 0 : v[v.size() - 1];
        (void)sink;
      } else if (n.IsMap()) {
        for (size_t i = 0; i < n.Size(); ++i) {
          todo.push_back(n.KeyAt(i).id());
          todo.push_back(n.ValueAt(i).id());
        }
      } else if (n.IsSeq()) {
        for (size_t i = 0; i < n.Size(); ++i) todo.push_back(n.At(i).id());
      }
    }
  }
  for (const LoadProblem& p : parsed.problems) {
    Require(!p.message.empty(), "a problem without a message");
    if (p.span.Known()) {
      CheckMark(p.span.begin, lines.LineCount());
    }
  }
}

void CheckJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  auto err = parser.parse(padded).get(root);
  if (err) std::fprintf(stderr, "JSON writer output does not parse: %s\n", simdjson::error_message(err));
  Require(!err, "JSON writer output is not valid JSON");
}

void CheckTerminalSafe(std::string_view text) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    Require(!(c < 0x20 && c != '\n' && c != '\t') && c != 0x7f, "raw control byte in text output");
  }
}

}  // namespace kora::fuzz
