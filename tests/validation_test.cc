// The API server's syntax rules (k8s.io/apimachinery/pkg/util/validation):
// valid and invalid examples taken from its own tests and documentation.
#include "analyzer/validation.h"

#include <gtest/gtest.h>

namespace kora::test {
namespace {

TEST(Validation, Dns1123Label) {
  for (const char* ok : {"a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "0-a", "1-2",
                         "a234567890123456789012345678901234567890123456789012345678901234567890"}) {
    if (std::string_view(ok).size() <= 63) EXPECT_EQ(CheckDns1123Label(ok), "") << ok;
  }
  for (const char* bad : {"", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_b",
                          "1_2", ".", "a.b", "1.2", " ", "a ", " a", "a b", "1 2", "a@b", "a,b"}) {
    EXPECT_NE(CheckDns1123Label(bad), "") << bad;
  }
  EXPECT_EQ(CheckDns1123Label(std::string(63, 'a')), "");
  EXPECT_NE(CheckDns1123Label(std::string(64, 'a')).find("no more than 63"), std::string::npos);
}

TEST(Validation, Dns1123SubdomainAndDns1035Label) {
  for (const char* ok : {"a", "a.b", "a.b.c", "1.2", "a-1.b-2", "0.a", "a.0", "example.com"}) {
    EXPECT_EQ(CheckDns1123Subdomain(ok), "") << ok;
  }
  for (const char* bad : {"", "A", "a.B", ".a", "a.", "a..b", "-a.b", "a.b-", "a_b", "a/b"}) {
    EXPECT_NE(CheckDns1123Subdomain(bad), "") << bad;
  }
  EXPECT_EQ(CheckDns1123Subdomain(std::string(253, 'a')), "");
  EXPECT_NE(CheckDns1123Subdomain(std::string(254, 'a')), "");
  for (const char* ok : {"a", "ab", "a-1", "a--1--2--b"}) EXPECT_EQ(CheckDns1035Label(ok), "") << ok;
  for (const char* bad : {"0", "01", "0-a", "1web", "a.b", "A", "-a", "a-"}) EXPECT_NE(CheckDns1035Label(bad), "") << bad;
}

TEST(Validation, QualifiedNamesAndLabelValues) {
  for (const char* ok : {"simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
                         "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
                         "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
                         "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo",
                         "app.kubernetes.io/name"}) {
    EXPECT_EQ(CheckQualifiedName(ok), "") << ok;
  }
  for (const char* bad : {"", "nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
                          "Example.com/abc", "example_com/abc", "example.com/", "/simple", "app kubernetes",
                          "example.com/pool_"}) {
    EXPECT_NE(CheckQualifiedName(bad), "") << bad;
  }
  EXPECT_NE(CheckQualifiedName(std::string(64, 'a')), "");
  EXPECT_EQ(CheckQualifiedName(std::string(253, 'a') + "/" + std::string(63, 'b')), "");
  for (const char* ok : {"", "simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234",
                         "Uppercase_Are_OK", "1.0", "v1.27.3"}) {
    EXPECT_EQ(CheckLabelValue(ok), "") << ok;
  }
  for (const char* bad : {"nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
                          "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.",
                          "v1.0+build.7", "has space"}) {
    EXPECT_NE(CheckLabelValue(bad), "") << bad;
  }
  EXPECT_NE(CheckLabelValue(std::string(64, 'a')), "");
}

TEST(Validation, PortNames) {
  for (const char* ok : {"telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3",
                         "http-metrics"}) {
    EXPECT_EQ(CheckPortName(ok), "") << ok;
  }
  for (const char* bad : {"", "longerthan15characters", "ctrl\x01", "has space", "-begin", "end-", "two--hyphens",
                          "whois++", "123", "HTTP", "web_port"}) {
    EXPECT_NE(CheckPortName(bad), "") << bad;
  }
}

TEST(Validation, ObjectNamesByKind) {
  EXPECT_EQ(NameRuleFor("Deployment"), NameRule::kSubdomain);
  EXPECT_EQ(NameRuleFor("ConfigMap"), NameRule::kSubdomain);
  EXPECT_EQ(NameRuleFor("MyCustomKind"), NameRule::kSubdomain);
  EXPECT_EQ(NameRuleFor("Service"), NameRule::kDns1035Label);
  EXPECT_EQ(NameRuleFor("Namespace"), NameRule::kLabel);
  EXPECT_EQ(NameRuleFor("StatefulSet"), NameRule::kLabel);
  EXPECT_EQ(NameRuleFor("ClusterRole"), NameRule::kPathSegment);
  EXPECT_EQ(CheckObjectName(NameRule::kPathSegment, "system:controller:job"), "");
  EXPECT_NE(CheckObjectName(NameRule::kPathSegment, "a/b"), "");
  EXPECT_NE(CheckObjectName(NameRule::kPathSegment, ".."), "");
  EXPECT_NE(CheckObjectName(NameRule::kSubdomain, "web-"), "");
  EXPECT_EQ(CheckObjectName(NameRule::kSubdomain, "web-", /*prefix=*/true), "");
  EXPECT_NE(CheckObjectName(NameRule::kSubdomain, "Web-", /*prefix=*/true), "");
}

}  // namespace
}  // namespace kora::test
