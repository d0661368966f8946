// The key file is created under a temporary name with O_EXCL and mode 0600, synced, then
// hard-linked into place: link() never replaces an existing file, so two processes starting at
// once agree on one key, and a reader never sees a half-written one. It is opened with
// O_NOFOLLOW and checked on the open descriptor (fstat), so a symlink or a swap between the
// check and the read cannot substitute another file.
#include "core/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <system_error>

#include "core/base64.h"
#include "core/config.h"
#include "core/hash.h"

namespace decnet::core {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw ConfigError("key file " + path.string() + ": " + what);
}

std::string mode_text(mode_t mode) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return buf.data();
}

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot write: " + errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void create_key_file(const std::filesystem::path& path) {
  const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(path, "cannot create directory " + dir.string() + ": " + ec.message());

  std::array<std::uint8_t, kGeneratedKeyBytes> raw{};
  secure_random_bytes(raw);
  std::string text =
      base64url_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  text += '\n';
  std::memset(raw.data(), 0, raw.size());

  std::array<std::uint8_t, 8> tag{};
  secure_random_bytes(tag);
  const auto tmp = dir / ("." + path.filename().string() + ".tmp-" + to_hex(tag));
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) fail(path, "cannot create " + tmp.string() + ": " + errno_text(errno));
  bool linked = false;
  try {
    if (::fchmod(fd.get(), 0600) != 0) fail(path, "cannot chmod: " + errno_text(errno));
    write_all(fd.get(), text, path);
    if (::fsync(fd.get()) != 0) fail(path, "cannot sync: " + errno_text(errno));
    if (::close(fd.release()) != 0) fail(path, "cannot close: " + errno_text(errno));
    if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
      fail(path, "cannot create: " + errno_text(errno));
    }
    linked = true;
  } catch (...) {
    ::unlink(tmp.c_str());
    std::fill(text.begin(), text.end(), '\0');
    throw;
  }
  ::unlink(tmp.c_str());
  std::fill(text.begin(), text.end(), '\0');
  if (linked) {
    Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  }
}

std::optional<std::string> read_key_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    if (errno == ELOOP) fail(path, "is a symbolic link; refusing to follow it");
    fail(path, "cannot open: " + errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path, "cannot stat: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) fail(path, "is not a regular file");
  if ((st.st_mode & 0077) != 0) {
    fail(path, "has mode " + mode_text(st.st_mode) +
                   ", readable or writable by group or others; the key may have leaked. Replace"
                   " it or set the mode to 0600 (chmod 600 " +
                   path.string() + ")");
  }
  if (st.st_uid != ::geteuid()) {
    fail(path, "belongs to uid " + std::to_string(st.st_uid) + ", not to this process (uid " +
                   std::to_string(::geteuid()) + ")");
  }
  std::string data(kMaxKeyFileBytes + 1, '\0');
  std::size_t used = 0;
  while (used < data.size()) {
    const auto n = ::read(fd.get(), data.data() + used, data.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot read: " + errno_text(errno));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  data.resize(used);
  if (data.size() > kMaxKeyFileBytes) fail(path, "is larger than 4096 bytes");
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
  if (data.size() < kMinKeyFileBytes) {
    fail(path, "holds " + std::to_string(data.size()) + " bytes; at least " +
                   std::to_string(kMinKeyFileBytes) + " are required");
  }
  return data;
}

}  // namespace

std::string load_or_create_key_file(const std::filesystem::path& path) {
  if (auto key = read_key_file(path)) return *key;
  create_key_file(path);
  if (auto key = read_key_file(path)) return *key;
  fail(path, "disappeared right after it was created");
}

}  // namespace decnet::core
