// Fuzzes the decky's scp sink on what an uploading client sends, fed in two pieces at an
// input-chosen split: no file grows past the bound, paths stay within the depth and name rules,
// and a failed transfer stays failed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/scp_sink.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

namespace {

// No component of a path is empty, "." or "..": an upload cannot name a place outside its target.
bool contained(std::string_view path) {
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    const auto part =
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = data[0] % (input.size() + 1);
  decnet::decky::ScpSink sink(64);
  sink.feed(input.substr(0, split));
  const bool failed_early = sink.failed();
  sink.feed(input.substr(split));
  check(!failed_early || sink.failed());
  for (const auto& f : sink.take_files()) {
    check(f.data.size() <= 64 && contained(f.path) && f.mode.size() == 4);
    check(f.truncated == (f.size > 64));
  }
  if (const auto cut = sink.unfinished()) check(cut->data.size() <= 64 && cut->truncated);
  return 0;
}
