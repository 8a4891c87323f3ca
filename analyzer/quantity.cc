#include "analyzer/quantity.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace kora {
namespace {

constexpr std::string_view kMaxDigits = "9223372036854775807";  // 2^63-1, the API server's cap
// Exponents beyond this are capped or rounded anyway; the bound keeps the
// arithmetic on exponents far from overflow.
constexpr int64_t kExponentBound = 1'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Strips leading and trailing zeros, moving the latter into the exponent.
void Normalize(Quantity& q) {
  size_t first = q.digits.find_first_not_of('0');
  if (first == std::string::npos) {
    q.digits.clear();
    q.exponent = 0;
    q.negative = false;
    return;
  }
  q.digits.erase(0, first);
  size_t last = q.digits.find_last_not_of('0');
  q.exponent += static_cast<int64_t>(q.digits.size() - 1 - last);
  q.digits.resize(last + 1);
}

void MultiplyDigits(std::string& digits, uint32_t factor) {
  uint64_t carry = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    uint64_t v = static_cast<uint64_t>(*it - '0') * factor + carry;
    *it = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  while (carry) {
    digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
}

void IncrementLastDigit(std::string& digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return;
    }
    digits[i] = '0';
  }
  digits.insert(digits.begin(), '1');
}

int CompareMagnitude(const Quantity& a, const Quantity& b) {
  if (a.IsZero() || b.IsZero()) return static_cast<int>(!a.IsZero()) - static_cast<int>(!b.IsZero());
  int64_t order_a = static_cast<int64_t>(a.digits.size()) + a.exponent;
  int64_t order_b = static_cast<int64_t>(b.digits.size()) + b.exponent;
  if (order_a != order_b) return order_a < order_b ? -1 : 1;
  int c = a.digits.compare(b.digits);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

struct DecimalSuffix {
  std::string_view name;
  int exponent;
};
constexpr DecimalSuffix kDecimalSuffixes[] = {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0},   {"k", 3},
                                              {"M", 6},  {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18}};
constexpr std::string_view kBinarySuffixes[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

}  // namespace

int Quantity::Compare(const Quantity& o) const {
  if (negative != o.negative) return negative ? -1 : 1;
  int m = CompareMagnitude(*this, o);
  return negative ? -m : m;
}

double Quantity::ToDouble() const {
  if (IsZero()) return 0;
  std::string text = (negative ? "-" : "") + digits + "e" + std::to_string(exponent);
  return std::strtod(text.c_str(), nullptr);
}

std::string Quantity::ToDecimal() const {
  if (IsZero()) return "0";
  std::string out = negative ? "-" : "";
  if (exponent >= 0) {
    if (exponent > 64) return out + digits + "e" + std::to_string(exponent);
    return out + digits + std::string(static_cast<size_t>(exponent), '0');
  }
  size_t fraction = static_cast<size_t>(-exponent);
  if (fraction > 64) return out + digits + "e" + std::to_string(exponent);
  if (fraction >= digits.size()) return out + "0." + std::string(fraction - digits.size(), '0') + digits;
  return out + digits.substr(0, digits.size() - fraction) + "." + digits.substr(digits.size() - fraction);
}

std::optional<Quantity> ParseQuantity(std::string_view s, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Quantity> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (s.empty()) return fail("an empty string is not a quantity");
  Quantity q;
  size_t pos = 0;
  if (s[0] == '+' || s[0] == '-') {
    q.negative = s[0] == '-';
    pos = 1;
  }
  // The API server accepts a sign followed by nothing but zeros ("-", "+00")
  // as zero.
  if (s.find_first_not_of('0', pos) == std::string_view::npos) return Quantity{};

  size_t int_begin = pos;
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  std::string_view int_part = s.substr(int_begin, pos - int_begin);
  std::string_view fraction;
  if (pos < s.size() && s[pos] == '.') {
    size_t frac_begin = ++pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    fraction = s.substr(frac_begin, pos - frac_begin);
  }
  size_t suffix_begin = pos;
  while (pos < s.size() && std::string_view("eEinumkKMGTP").find(s[pos]) != std::string_view::npos) ++pos;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  if (int_part.empty() && fraction.empty()) {
    return fail("\"" + std::string(s) + "\" is not a quantity: it must start with a number, as in 500m or 1Gi");
  }
  if (pos != s.size()) {
    return fail("\"" + std::string(s) + "\" is not a quantity: unexpected '" + std::string(1, s[pos]) + "' at " +
                std::to_string(pos + 1));
  }
  q.suffix = std::string(s.substr(suffix_begin));

  q.digits = std::string(int_part) + std::string(fraction);
  q.exponent = -static_cast<int64_t>(fraction.size());
  Normalize(q);

  bool known = false;
  for (const DecimalSuffix& d : kDecimalSuffixes) {
    if (q.suffix == d.name) {
      q.exponent += d.exponent;
      q.format = Quantity::Format::kDecimalSI;
      known = true;
      break;
    }
  }
  for (size_t i = 0; !known && i < std::size(kBinarySuffixes); ++i) {
    if (q.suffix != kBinarySuffixes[i]) continue;
    for (size_t k = 0; k <= i && !q.IsZero(); ++k) MultiplyDigits(q.digits, 1024);
    Normalize(q);
    q.format = Quantity::Format::kBinarySI;
    known = true;
  }
  if (!known && q.suffix.size() > 1 && (q.suffix[0] == 'e' || q.suffix[0] == 'E')) {
    std::string_view exp = std::string_view(q.suffix).substr(1);
    if (!exp.empty() && exp[0] == '+') exp.remove_prefix(1);
    int64_t e = 0;
    auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), e);
    if (ec == std::errc() && end == exp.data() + exp.size()) {
      q.exponent += std::clamp(e, -kExponentBound, kExponentBound);
      q.format = Quantity::Format::kDecimalExponent;
      known = true;
    }
  }
  if (!known) {
    std::string why = "\"" + std::string(s) + "\" has an unknown unit \"" + q.suffix + "\"";
    if (q.suffix == "K") why += " (kilo is k; kibi is Ki)";
    if (q.suffix == "mi" || q.suffix == "gi") why += " (binary units are Ki, Mi, Gi, ...)";
    return fail(why);
  }
  if (q.IsZero()) {
    Quantity zero;
    zero.suffix = q.suffix;
    return zero;
  }

  // Like the API server: round anything below one nano-unit up, cap at 2^63-1.
  if (q.exponent < -9) {
    size_t drop = static_cast<size_t>(-9 - q.exponent);
    if (drop >= q.digits.size()) {
      q.digits = "1";
    } else {
      q.digits.resize(q.digits.size() - drop);
      IncrementLastDigit(q.digits);
    }
    q.exponent = -9;
    Normalize(q);
  }
  Quantity max;
  max.digits = std::string(kMaxDigits);
  if (CompareMagnitude(q, max) > 0) {
    q.digits = max.digits;
    q.exponent = 0;
  }
  return q;
}

std::optional<Quantity> ParseQuantityNode(Node n, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Quantity> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (n.IsMap()) return fail("a mapping is not a quantity");
  if (n.IsSeq()) return fail("a list is not a quantity");
  if (!n || n.IsNull() || n.tag() == ScalarTag::kNull) return fail("no value");
  std::string_view text = n.Str();
  switch (n.tag()) {
    case ScalarTag::kBool:
      return fail("the boolean " + std::string(text) + " is not a quantity");
    case ScalarTag::kInt:
      if (auto v = n.Int()) return ParseQuantity(std::to_string(*v), error);
      break;
    case ScalarTag::kFloat: {
      // YAML floats reach the API server as JSON numbers: .inf and .nan cannot.
      std::string clean;
      for (char c : text) {
        if (c != '_') clean.push_back(c);
      }
      if (clean.find_first_of("nNiI") != std::string::npos) return fail(std::string(text) + " is not a finite number");
      return ParseQuantity(clean, error);
    }
    default:
      break;
  }
  return ParseQuantity(text, error);
}

}  // namespace kora
