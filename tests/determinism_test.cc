// Determinism and isolation, through the built binary: the same inputs give
// byte-identical reports whatever the order of the paths on the command line,
// the order a directory lists its entries in, or the number of threads; and
// kora runs without any network at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/test_util.h"

namespace kora::test {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Copies every rule fixture into dir as `<prefix>NNN-<name>` files in the given
// order, so two directories can hold the same files created in different
// orders. Fixtures carry findings of every rule, load errors included.
std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(SourceDir()) / "fixtures" / "rules")) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void Populate(const fs::path& dir, bool reverse) {
  std::vector<std::string> names = FixtureNames();
  // Enough entries that a directory listing has an order of its own.
  std::vector<std::pair<std::string, std::string>> files;
  for (int copy = 0; copy < 6; ++copy) {
    for (const std::string& n : names) {
      std::string sub = copy % 2 ? "nested/" : "";
      files.emplace_back(sub + "c" + std::to_string(copy) + "-" + n,
                         ReadFile((fs::path(SourceDir()) / "fixtures" / "rules" / n).string()));
    }
  }
  if (reverse) std::reverse(files.begin(), files.end());
  for (const auto& [rel, content] : files) {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::binary) << content;
  }
}

std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

const std::vector<std::string> kFormats = {"text", "json"};

CommandResult RunBinary(const std::vector<std::string>& paths, const std::string& format, const std::string& extra = "",
                  const std::string& env = "") {
  std::vector<std::string> args = {"analyze", "--profile", "all", "--color", "never", "--fail-on", "never",
                                   "--format", format};
  if (!extra.empty()) args.push_back(extra);
  args.insert(args.end(), paths.begin(), paths.end());
  return RunKora(args, "", env);
}

TEST(Determinism, PathOrderOnTheCommandLineDoesNotMatter) {
  TempDir dir("order");
  Populate(dir.path(), false);
  fs::create_directory_symlink("nested", dir.path() / "link");
  std::string d = dir.str();
  std::vector<std::vector<std::string>> orders = {
      {d + "/nested", d + "/c0-duplicate-object.yaml", d + "/c2-load-error.yaml", d + "/link"},
      {d + "/link", d + "/c2-load-error.yaml", d + "/nested", d + "/c0-duplicate-object.yaml"},
  };
  // Overlapping roots: a directory and one below it, in both orders.
  std::vector<std::vector<std::string>> overlapping = {{d, d + "/nested"}, {d + "/link", d}};
  for (const std::string& format : kFormats) {
    for (const auto* set : {&orders, &overlapping}) {
      CommandResult first = RunBinary((*set)[0], format);
      EXPECT_EQ(first.exit_code, 0) << first.err;
      EXPECT_GT(first.out.size(), 1000u);
      for (size_t i = 1; i < set->size(); ++i) {
        CommandResult other = RunBinary((*set)[i], format);
        EXPECT_EQ(other.out, first.out) << format << ": order " << i << " differs";
        EXPECT_EQ(other.exit_code, first.exit_code);
      }
    }
  }
}

TEST(Determinism, DirectoryListingOrderDoesNotMatter) {
  // ext4 lists a directory in hash order, the same for the same names;
  // tmpfs lists newest first. The same files created in opposite orders on
  // tmpfs (/dev/shm) therefore list in opposite orders.
  fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  TempDir forward("forward", base), backward("backward", base);
  Populate(forward.path(), false);
  Populate(backward.path(), true);
  if (Listing(forward.path()) == Listing(backward.path()) &&
      Listing(forward.path() / "nested") == Listing(backward.path() / "nested")) {
    GTEST_SKIP() << "no filesystem here lists the same files in a different order by creation order";
  }
  for (const std::string& format : kFormats) {
    // Relative paths from inside each directory, so the reports can be equal.
    CommandResult a = RunBinary({"."}, format, "", "cd " + Quote(forward.str()) + " &&");
    CommandResult b = RunBinary({"."}, format, "", "cd " + Quote(backward.str()) + " &&");
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_GT(a.out.size(), 1000u);
    EXPECT_EQ(a.out, b.out) << format;
  }
}

std::vector<std::string> ThreadTestInputs() {
  std::vector<std::string> paths = {(fs::path(SourceDir()) / "fixtures").string()};
  // Real-world manifests when the shared corpus is beside the project (the
  // big install manifests are left out to keep the test fast).
  for (const char* sub : {"argo", "helm-template"}) {
    fs::path p = fs::path(CorpusDir()) / sub;
    if (fs::is_directory(p)) paths.push_back(p.string());
  }
  return paths;
}

TEST(Determinism, ThreadCountDoesNotMatter) {
  std::vector<std::string> paths = ThreadTestInputs();
  for (const std::string& format : kFormats) {
    CommandResult one = RunBinary(paths, format, "--jobs=1");
    EXPECT_EQ(one.exit_code, 0) << one.err;
    EXPECT_GT(one.out.size(), 1000u);
    // Two runs, as a race shows only sometimes.
    for (int run = 0; run < 2; ++run) {
      CommandResult four = RunBinary(paths, format, "--jobs=4");
      EXPECT_EQ(four.out, one.out) << format << " with --jobs 4, run " << run;
    }
  }
}

TEST(Determinism, RunsWithoutANetwork) {
  // unshare -n gives the process a network namespace with no interface but
  // a downed loopback: any connect() fails. The report must not change.
  if (std::system("unshare -n true >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "unshare -n is not permitted here (needs root or user namespaces); isolation not tested";
  }
  std::vector<std::string> paths = ThreadTestInputs();
  for (const std::string& format : {std::string("json")}) {
    CommandResult normal = RunBinary(paths, format);
    CommandResult isolated = RunBinary(paths, format, "", "unshare -n");
    EXPECT_EQ(isolated.exit_code, normal.exit_code) << isolated.err;
    EXPECT_EQ(isolated.err, normal.err);
    EXPECT_EQ(isolated.out, normal.out) << format;
    EXPECT_GT(isolated.out.size(), 1000u);
  }
}

}  // namespace
}  // namespace kora::test
