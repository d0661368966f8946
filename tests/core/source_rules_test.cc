// Rules about the source tree that a compiler cannot check, checked by reading it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace decnet::core {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> sources() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(DECNET_SOURCE_DIR) / "src")) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".cc" || ext == ".h")) out.push_back(entry.path());
  }
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// nlohmann's dump() throws on invalid UTF-8, and attacker text reaches almost every JSON body:
// all JSON is written through core::json_text(), which replaces instead.
TEST(SourceRules, JsonIsOnlyWrittenThroughJsonText) {
  std::vector<std::string> offenders;
  for (const auto& path : sources()) {
    if (path.filename() == "json_text.cc") continue;
    const auto text = read(path);
    if (text.find(".dump(") != std::string::npos) offenders.push_back(path.string());
  }
  EXPECT_TRUE(offenders.empty()) << "call core::json_text() instead of dump() in: "
                                 << ::testing::PrintToString(offenders);
  EXPECT_GT(sources().size(), 100u);
}

// The layer order written in src/CMakeLists.txt: folder -> folders it may include.
std::map<std::string, std::set<std::string>> layers() {
  const auto text = read(fs::path(DECNET_SOURCE_DIR) / "src" / "CMakeLists.txt");
  const auto begin = text.find("# layers:begin");
  const auto end = text.find("# layers:end");
  std::map<std::string, std::set<std::string>> out;
  if (begin == std::string::npos || end == std::string::npos) return out;
  std::istringstream lines(text.substr(begin, end - begin));
  std::string line;
  const std::regex row(R"(^#\s+([a-z_/]+):(.*)$)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    auto& allowed = out[m[1]];
    std::istringstream names(m[2].str());
    for (std::string name; names >> name;) allowed.insert(name);
  }
  return out;
}

// Dependencies point inward, as written in src/CMakeLists.txt: a folder includes only itself
// and the folders its line names, so features never reach into each other or outwards.
TEST(SourceRules, IncludesFollowTheLayerOrder) {
  const auto allowed = layers();
  ASSERT_GE(allowed.size(), 10u) << "layer lines missing from src/CMakeLists.txt";
  const fs::path src = fs::path(DECNET_SOURCE_DIR) / "src";
  // The longest layer that is a leading directory of `relative` ("api/http/x.h" -> api/http).
  const auto layer_of = [&](const std::string& relative) {
    std::string best;
    for (const auto& [name, unused] : allowed) {
      if (relative.rfind(name + "/", 0) == 0 && name.size() > best.size()) best = name;
    }
    return best;
  };
  const std::regex include(R"re(#include "([a-z_/]+\.h)")re");
  std::vector<std::string> violations;
  for (const auto& path : sources()) {
    const auto relative = fs::relative(path, src).string();
    const auto folder = layer_of(relative);
    const auto rules = allowed.find(folder);
    if (rules == allowed.end()) {
      violations.push_back(relative + ": no layer line covers it");
      continue;
    }
    const auto text = read(path);
    for (std::sregex_iterator it(text.begin(), text.end(), include), last; it != last; ++it) {
      const auto target = layer_of((*it)[1].str());
      if (!target.empty() && target != folder && !rules->second.count(target)) {
        violations.push_back(relative + " includes " + (*it)[1].str());
      }
    }
  }
  EXPECT_TRUE(violations.empty()) << ::testing::PrintToString(violations);
}

// tests/ mirrors src/: each folder holds the tests of the src/ folder of the same name.
TEST(SourceRules, TestFoldersMirrorSourceFolders) {
  const fs::path root(DECNET_SOURCE_DIR);
  int mirrored = 0;
  for (const auto& entry : fs::directory_iterator(root / "tests")) {
    if (!entry.is_directory()) continue;
    const auto name = entry.path().filename().string();
    if (name == "support" || name == "fixtures") continue;
    EXPECT_TRUE(fs::is_directory(root / "src" / name)) << "tests/" << name << " has no src/" << name;
    ++mirrored;
  }
  EXPECT_GE(mirrored, 10);
}

}  // namespace
}  // namespace decnet::core
