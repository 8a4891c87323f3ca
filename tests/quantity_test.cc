// resource.Quantity parsing: the grammar, units, rounding and capping follow
// k8s.io/apimachinery/pkg/api/resource (ParseQuantity), with exact values.
#include "analyzer/quantity.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace kora::test {
namespace {

std::string Decimal(std::string_view text) {
  std::string error;
  std::optional<Quantity> q = ParseQuantity(text, &error);
  return q ? q->ToDecimal() : "error: " + error;
}

TEST(Quantity, ParsesEveryUnitToItsExactValue) {
  EXPECT_EQ(Decimal("0"), "0");
  EXPECT_EQ(Decimal("1"), "1");
  EXPECT_EQ(Decimal("250m"), "0.25");
  EXPECT_EQ(Decimal("1.5"), "1.5");
  EXPECT_EQ(Decimal(".5"), "0.5");
  EXPECT_EQ(Decimal("1."), "1");
  EXPECT_EQ(Decimal("+12"), "12");
  EXPECT_EQ(Decimal("-12"), "-12");
  EXPECT_EQ(Decimal("100n"), "0.0000001");
  EXPECT_EQ(Decimal("3u"), "0.000003");
  EXPECT_EQ(Decimal("2k"), "2000");
  EXPECT_EQ(Decimal("128M"), "128000000");
  EXPECT_EQ(Decimal("1G"), "1000000000");
  EXPECT_EQ(Decimal("1T"), "1000000000000");
  EXPECT_EQ(Decimal("1P"), "1000000000000000");
  EXPECT_EQ(Decimal("1E"), "1000000000000000000");
  EXPECT_EQ(Decimal("1Ki"), "1024");
  EXPECT_EQ(Decimal("256Mi"), "268435456");
  EXPECT_EQ(Decimal("1Gi"), "1073741824");
  EXPECT_EQ(Decimal("1.5Gi"), "1610612736");
  EXPECT_EQ(Decimal("1Ti"), "1099511627776");
  EXPECT_EQ(Decimal("1Pi"), "1125899906842624");
  EXPECT_EQ(Decimal("1Ei"), "1152921504606846976");
  EXPECT_EQ(Decimal("1e3"), "1000");
  EXPECT_EQ(Decimal("1E3"), "1000");
  EXPECT_EQ(Decimal("1e+3"), "1000");
  EXPECT_EQ(Decimal("12e-3"), "0.012");
  EXPECT_EQ(Decimal("0.5Mi"), "524288");
  EXPECT_EQ(Decimal("007"), "7");
}

TEST(Quantity, RoundsUpBelowNanoAndCapsAtInt64) {
  EXPECT_EQ(Decimal("0.1n"), "0.000000001");
  EXPECT_EQ(Decimal("1.0000000001"), "1.000000001");
  EXPECT_EQ(Decimal("1e-20"), "0.000000001");
  EXPECT_EQ(Decimal("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(Decimal("9223372036854775808"), "9223372036854775807");
  EXPECT_EQ(Decimal("8Ei"), "9223372036854775807");
  EXPECT_EQ(Decimal("1e400"), "9223372036854775807");
  EXPECT_EQ(Decimal("-8Ei"), "-9223372036854775807");
}

TEST(Quantity, AcceptsWhatTheApiServerAcceptsAsZero) {
  for (const char* zero : {"-", "+", "-0", "000", "0.0", "0Gi", "0m"}) EXPECT_EQ(Decimal(zero), "0") << zero;
}

TEST(Quantity, RejectsWhatTheApiServerRejects) {
  for (const char* bad : {"", ".", "Gi", "1K", "1KB", "1mi", "1 Gi", "1.5.5", "1e", "1e-", "1Gi3", "abc", "1,5",
                          "0x10", "1Mi ", "--1", "1.5e3Mi", "five"}) {
    std::string error;
    EXPECT_FALSE(ParseQuantity(bad, &error).has_value()) << "\"" << bad << "\"";
    EXPECT_FALSE(error.empty()) << bad;
  }
  std::string error;
  ParseQuantity("1K", &error);
  EXPECT_NE(error.find("kilo is k"), std::string::npos) << error;
}

TEST(Quantity, ComparesExactly) {
  auto q = [](std::string_view s) { return *ParseQuantity(s); };
  EXPECT_GT(q("1Gi").Compare(q("1000Mi")), 0);
  EXPECT_LT(q("1G").Compare(q("1Gi")), 0);
  EXPECT_EQ(q("1024Mi").Compare(q("1Gi")), 0);
  EXPECT_EQ(q("500m").Compare(q("0.5")), 0);
  EXPECT_EQ(q("1e3").Compare(q("1k")), 0);
  EXPECT_GT(q("1.0000001").Compare(q("1")), 0);
  EXPECT_LT(q("-2").Compare(q("-1")), 0);
  EXPECT_LT(q("-1").Compare(q("0")), 0);
  EXPECT_GT(q("1n").Compare(q("0")), 0);
  EXPECT_DOUBLE_EQ(q("256m").ToDouble(), 0.256);
  EXPECT_TRUE(q("2Gi").IsInteger());
  EXPECT_FALSE(q("256m").IsInteger());
}

TEST(Quantity, ReadsYamlScalarsAsTheApiMachineryDecodesThem) {
  LoadResult load = LoadText(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q}\n"
      "data: {int: 1000, float: 0.5, exp: 1e3, str: \"1Gi\", bool: true, inf: .inf, hex: 0x10, null:, map: {a: 1}}\n");
  ASSERT_EQ(load.objects->size(), 1u);
  Node data = (*load.objects)[0].Root()["data"];
  auto decimal = [&](std::string_view key) {
    std::string error;
    std::optional<Quantity> q = ParseQuantityNode(data[key], &error);
    return q ? q->ToDecimal() : "error";
  };
  EXPECT_EQ(decimal("int"), "1000");
  EXPECT_EQ(decimal("float"), "0.5");
  EXPECT_EQ(decimal("exp"), "1000");
  EXPECT_EQ(decimal("str"), "1073741824");
  EXPECT_EQ(decimal("hex"), "16");
  EXPECT_EQ(decimal("bool"), "error");
  EXPECT_EQ(decimal("inf"), "error");
  EXPECT_EQ(decimal("null"), "error");
  EXPECT_EQ(decimal("map"), "error");
  std::string error;
  ParseQuantityNode(data["map"], &error);
  EXPECT_EQ(error, "a mapping is not a quantity");
}

}  // namespace
}  // namespace kora::test
