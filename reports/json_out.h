// A small streaming JSON writer: keys in the order written (so output is
// deterministic), every string escaped, output always valid JSON.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace kora {

class JsonOut {
 public:
  explicit JsonOut(std::ostream& out, bool pretty = true) : out_(out), pretty_(pretty) {}
  JsonOut& BeginObject();
  JsonOut& EndObject();
  JsonOut& BeginArray();
  JsonOut& EndArray();
  JsonOut& Key(std::string_view k);
  JsonOut& String(std::string_view s);
  JsonOut& Int(int64_t v);
  JsonOut& UInt(uint64_t v);
  JsonOut& Bool(bool v);
  JsonOut& Null();
  // Key/value shorthands.
  JsonOut& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonOut& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonOut& Field(std::string_view k, const std::string& v) { return Key(k).String(v); }
  JsonOut& FieldInt(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonOut& FieldBool(std::string_view k, bool v) { return Key(k).Bool(v); }
  void Finish() { out_ << '\n'; }

 private:
  void Separator();
  void Newline();
  std::ostream& out_;
  bool pretty_;
  struct Level {
    bool first = true;
    bool is_object = false;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

// Escapes a string for JSON (control characters as \u00XX; invalid UTF-8 as U+FFFD).
std::string JsonEscape(std::string_view s);

}  // namespace kora
