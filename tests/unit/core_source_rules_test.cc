// Rules about the source tree that a compiler cannot check, checked by reading it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

}  // namespace
}  // namespace decnet::core
