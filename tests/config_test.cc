// .kora.yaml: every key, every mistake reported with its position, ignore
// globs, and the command line winning over the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "analyzer/config.h"
#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

TEST(Config, ReadsEveryKey) {
  const char* text = R"(# kora configuration
profile: security
namespace: shop
kube-version: 1.30
pss: restricted
enable: [image-pull-policy-never]
disable:
  - readiness-probe-missing
severity:
  image-latest-tag: error
  container-resources-missing: note
assume:
  - Secret/shop/tls
  - StorageClass/fast
ignore: ["vendor", "charts/*/tests/**"]
params:
  image-latest-tag:
    allowed: [ghcr.io/acme, quay.io/acme]
    single: one
)";
  Config c;
  std::string error;
  ASSERT_TRUE(ParseConfig(text, ".kora.yaml", c, error)) << error;
  EXPECT_EQ(c.profile, "security");
  EXPECT_EQ(c.default_namespace, "shop");
  EXPECT_EQ(c.kube_version, "1.30");  // the text, not the float 1.3
  EXPECT_EQ(c.pss_level, "restricted");
  EXPECT_EQ(c.enable, std::vector<std::string>{"image-pull-policy-never"});
  EXPECT_EQ(c.disable, std::vector<std::string>{"readiness-probe-missing"});
  EXPECT_EQ(c.severity.at("image-latest-tag"), Severity::kError);
  EXPECT_EQ(c.severity.at("container-resources-missing"), Severity::kNote);
  EXPECT_EQ(c.assume, (std::vector<std::string>{"Secret/shop/tls", "StorageClass/fast"}));
  EXPECT_EQ(c.ignore, (std::vector<std::string>{"vendor", "charts/*/tests/**"}));
  EXPECT_EQ(c.params.at("image-latest-tag").at("allowed"), (std::vector<std::string>{"ghcr.io/acme", "quay.io/acme"}));
  EXPECT_EQ(c.params.at("image-latest-tag").at("single"), std::vector<std::string>{"one"});

  Config empty;
  EXPECT_TRUE(ParseConfig("# nothing yet\n", ".kora.yaml", empty, error)) << error;
  EXPECT_FALSE(empty.profile);
}

TEST(Config, EveryMistakeHasFileLineAndColumn) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : {
           Case{"profile: default\nprofiel: strict\n", "cfg.yaml:2:1: unknown key 'profiel'"},
           Case{"profile: paranoid\n", "cfg.yaml:1:10: 'paranoid' is not one of: default, security, strict, all"},
           Case{"profile: [a]\n", "cfg.yaml:1:10: expected a string"},
           Case{"pss: privileged\n", "cfg.yaml:1:6: 'privileged' is not one of: baseline, restricted"},
           Case{"kube-version: latest\n", "cfg.yaml:1:15: 'latest' is not a Kubernetes minor version"},
           Case{"enable:\n  - image-latest-tag\n  - no-such-rule\n", "cfg.yaml:3:5: unknown rule id 'no-such-rule'"},
           Case{"severity:\n  nope: error\n", "cfg.yaml:2:3: unknown rule id 'nope'"},
           Case{"severity:\n  image-latest-tag: fatal\n", "cfg.yaml:2:21: expected error, warning or note"},
           Case{"severity: [image-latest-tag]\n", "cfg.yaml:1:11: expected a mapping"},
           Case{"assume: [Secret]\n", "cfg.yaml:1:10: 'Secret' is not Kind/namespace/name or Kind/name"},
           Case{"ignore: {a: b}\n", "cfg.yaml:1:9: expected a string or a list of strings"},
           Case{"params:\n  image-latest-tag: [x]\n", "cfg.yaml:2:21: expected a mapping of parameter names"},
           Case{"params:\n  image-latest-tag:\n    allowed: [[x]]\n", "cfg.yaml:3:15: expected a string"},
           Case{"- profile\n", "cfg.yaml:1:1: the configuration must be a mapping"},
           Case{"profile: default\n---\nprofile: all\n", "cfg.yaml:2:1: the configuration must be a single YAML"},
           Case{"profile: [default\n", "cfg.yaml:1:17: YAML syntax error"},
           Case{"profile: default\nprofile: all\n", "cfg.yaml:2:1:"},
       }) {
    Config config;
    std::string error;
    EXPECT_FALSE(ParseConfig(c.text, "cfg.yaml", config, error)) << c.text;
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << c.text << "\ngot: " << error;
  }
}

TEST(Config, IgnoreGlobs) {
  std::vector<std::string> globs = {"vendor", "*.generated.yaml", "charts/*/tests/**", "/abs-not-special",
                                    "docs/**/*.json"};
  EXPECT_TRUE(PathIgnored("vendor/x.yaml", globs));
  EXPECT_TRUE(PathIgnored("./deploy/vendor/x.yaml", globs));
  EXPECT_TRUE(PathIgnored("deploy/vendor", globs));
  EXPECT_FALSE(PathIgnored("deploy/vendors/x.yaml", globs));
  EXPECT_TRUE(PathIgnored("a/b/app.generated.yaml", globs));
  EXPECT_FALSE(PathIgnored("a/b/app.yaml", globs));
  EXPECT_TRUE(PathIgnored("charts/web/tests/t.yaml", globs));
  EXPECT_TRUE(PathIgnored("charts/web/tests", globs));
  EXPECT_TRUE(PathIgnored("charts/web/tests/deep/er/t.yaml", globs));
  EXPECT_FALSE(PathIgnored("charts/web/templates/t.yaml", globs));
  EXPECT_FALSE(PathIgnored("other/charts/web/tests/t.yaml", globs));  // anchored at the start
  EXPECT_TRUE(PathIgnored("docs/a/b/c.json", globs));
  EXPECT_TRUE(PathIgnored("docs/c.json", globs));
  EXPECT_FALSE(PathIgnored("docs/c.yaml", globs));
  EXPECT_TRUE(PathIgnored((fs::current_path() / "charts/web/tests/t.yaml").string(), globs));
  EXPECT_FALSE(PathIgnored("anything", {}));
}

class ConfigCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kora-config-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // One warning (image-latest-tag) and two default-profile warnings.
    Write("app.yaml",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
          "spec: {containers: [{name: c, image: nginx}]}\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }
  // Runs kora in the temporary directory, where .kora.yaml is looked for.
  CommandResult Run(const std::vector<std::string>& args) {
    return RunKora(args, "", "cd '" + dir_.string() + "' &&");
  }
  fs::path dir_;
};

TEST_F(ConfigCli, TheFileInTheWorkingDirectoryApplies) {
  CommandResult plain = Run({"analyze", "app.yaml"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("image-latest-tag"), std::string::npos);
  EXPECT_NE(plain.out.find("container-resources-missing"), std::string::npos);

  Write(".kora.yaml", "disable: [container-resources-missing]\nseverity: {image-latest-tag: error}\n");
  CommandResult configured = Run({"analyze", "app.yaml"});
  EXPECT_EQ(configured.exit_code, 1) << configured.out;  // image-latest-tag is an error now
  EXPECT_NE(configured.out.find("error image-latest-tag"), std::string::npos) << configured.out;
  EXPECT_EQ(configured.out.find("container-resources-missing"), std::string::npos) << configured.out;

  // The command line wins: --enable undoes the file's disable, --fail-on and
  // an explicit --config are the command line's.
  CommandResult enabled = Run({"analyze", "--enable", "container-resources-missing", "--fail-on", "never", "app.yaml"});
  EXPECT_EQ(enabled.exit_code, 0);
  EXPECT_NE(enabled.out.find("container-resources-missing"), std::string::npos) << enabled.out;
  Write("other.yaml", "profile: default\n");
  CommandResult other = Run({"analyze", "--config", "other.yaml", "app.yaml"});
  EXPECT_EQ(other.exit_code, 0) << other.out;
  EXPECT_NE(other.out.find("warning image-latest-tag"), std::string::npos) << other.out;
}

TEST_F(ConfigCli, ProfileAndNamespaceFromTheFileYieldToTheCommandLine) {
  Write("ns.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: none}}\n");
  Write(".kora.yaml", "namespace: from-file\nprofile: all\n");
  CommandResult file = Run({"analyze", "-f", "json", "--fail-on", "never", "ns.yaml"});
  EXPECT_NE(file.out.find("\"namespace\": \"from-file\""), std::string::npos) << file.out;
  CommandResult cli = Run({"analyze", "-f", "json", "--fail-on", "never", "-n", "from-cli", "ns.yaml"});
  EXPECT_NE(cli.out.find("\"namespace\": \"from-cli\""), std::string::npos) << cli.out;
  EXPECT_EQ(cli.out.find("from-file"), std::string::npos);
}

TEST_F(ConfigCli, IgnoredPathsAreNotRead) {
  Write("deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n");
  Write("deploy/vendor/broken.yaml", "kind: [\n");
  Write("deploy/tests/broken.yaml", "kind: [\n");
  EXPECT_EQ(Run({"analyze", "deploy"}).exit_code, 1);  // two load errors
  Write(".kora.yaml", "ignore:\n  - vendor\n  - deploy/tests\n");
  CommandResult walked = Run({"analyze", "-f", "json", "deploy"});
  EXPECT_EQ(walked.exit_code, 0) << walked.out;
  EXPECT_NE(walked.out.find("\"ignored\": 2"), std::string::npos) << walked.out;
  EXPECT_EQ(walked.out.find("broken.yaml"), std::string::npos) << walked.out;
  // Explicit paths too.
  CommandResult explicit_path = Run({"analyze", "deploy/app.yaml", "deploy/vendor/broken.yaml"});
  EXPECT_EQ(explicit_path.exit_code, 0) << explicit_path.out;
  CommandResult nothing = Run({"analyze", "deploy/vendor/broken.yaml"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("kora: 1 path(s) left out by the ignore globs of .kora.yaml"), std::string::npos)
      << nothing.err;
}

TEST_F(ConfigCli, ABadConfigurationIsAUsageError) {
  Write(".kora.yaml", "profile: default\nrules: [x]\n");
  CommandResult bad = Run({"analyze", "app.yaml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("kora: .kora.yaml:2:1: unknown key 'rules'"), std::string::npos) << bad.err;
  CommandResult missing = Run({"analyze", "--config", "nope.yaml", "app.yaml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.yaml: cannot read the configuration file"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace kora::test
