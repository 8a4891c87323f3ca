// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity),
// parsed with the API server's grammar and compared exactly:
//
//   <quantity>  ::= <sign>? <number> <suffix>
//   <number>    ::= <digits> | <digits> "." <digits>? | "." <digits>
//   <suffix>    ::= "" | n | u | m | k | M | G | T | P | E       (decimal SI)
//                 | Ki | Mi | Gi | Ti | Pi | Ei                  (binary SI)
//                 | ("e" | "E") <sign>? <digits>                 (decimal exponent)
//
// Like the API server, values below one nano-unit round up to 1n and values
// above 2^63-1 are capped there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/document.h"

namespace kora {

struct Quantity {
  enum class Format : uint8_t { kDecimalSI, kBinarySI, kDecimalExponent };

  bool negative = false;
  // Significant decimal digits without leading or trailing zeros; empty for 0.
  std::string digits;
  int64_t exponent = 0;  // the value is digits × 10^exponent
  Format format = Format::kDecimalSI;
  std::string suffix;  // as written: "Mi", "m", "e3", ""

  bool IsZero() const { return digits.empty(); }
  // Whether the value is a whole number of base units (bytes, cores).
  bool IsInteger() const { return IsZero() || exponent >= 0; }
  // <0, 0 or >0 as this is less than, equal to or greater than o.
  int Compare(const Quantity& o) const;
  double ToDouble() const;
  // The value in plain decimal notation: "0.256", "1073741824", "-1.5".
  std::string ToDecimal() const;
};

// Parses text as the API server does; on failure returns nullopt and says why
// in *error (when given).
std::optional<Quantity> ParseQuantity(std::string_view text, std::string* error = nullptr);

// Parses a YAML/JSON scalar the way the API machinery decodes a quantity
// field: strings and numbers are quantities; a boolean is not. Null (an empty
// value) is not a quantity either: callers treat it as unset.
std::optional<Quantity> ParseQuantityNode(Node n, std::string* error = nullptr);

}  // namespace kora
