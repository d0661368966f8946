// The file system an attacker logged into a decky walks: a stock Debian host's tree (the usual
// directories, /etc/passwd with the persona's users, /etc/os-release, /proc's cpuinfo, meminfo
// and version), shared read-only by every session, under a per-session layer that takes what
// the attacker writes (files made by redirection, touch, mkdir, rm) within a quota. Nothing
// here touches the real disk.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decky/persona.h"

namespace decnet::decky {

struct FakeNode {
  bool directory = false;
  std::string content;
  std::string mode = "-rw-r--r--";
  std::string owner = "root";
};

// The host's tree, built once per persona.
class FakeTree {
 public:
  FakeTree(const Persona& persona, const std::vector<std::string>& users);
  const std::map<std::string, FakeNode>& nodes() const { return nodes_; }

 private:
  void add_dir(const std::string& path, const std::string& owner = "root");
  void add_file(const std::string& path, std::string content,
                const std::string& mode = "-rw-r--r--", const std::string& owner = "root");
  std::map<std::string, FakeNode> nodes_;
};

class FakeFilesystem {
 public:
  static constexpr std::size_t kQuotaBytes = 262'144;
  static constexpr std::size_t kMaxEntries = 256;

  explicit FakeFilesystem(std::shared_ptr<const FakeTree> tree) : tree_(std::move(tree)) {}

  // `path` made absolute against `cwd`, with "." and ".." resolved.
  static std::string resolve(const std::string& cwd, const std::string& path);
  std::optional<FakeNode> stat(const std::string& path) const;
  // Direct children's names, sorted; nullopt when `path` is not a directory.
  std::optional<std::vector<std::string>> list(const std::string& path) const;
  // False (nothing changed) when the parent is missing or the quota is spent.
  bool write(const std::string& path, const std::string& content, bool append);
  bool make_directory(const std::string& path);
  bool remove(const std::string& path);

 private:
  std::size_t used_bytes() const;

  std::shared_ptr<const FakeTree> tree_;
  std::map<std::string, std::optional<FakeNode>> layer_;  // nullopt: removed
};

}  // namespace decnet::decky
