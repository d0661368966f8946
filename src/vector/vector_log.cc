// Reading trusts nothing in the file: every length is checked against what remains before it
// is used, so a corrupt length cannot make the loader read past the buffer or allocate
// gigabytes; the first record that fails any check ends the replay and is cut off.
#include "vector/vector_log.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "vector/crc32.h"

namespace decnet::vector {
namespace {

constexpr char kMagic[8] = {'D', 'E', 'C', 'N', 'E', 'T', 'V', 'S'};
constexpr std::size_t kHeaderSize = 16;
constexpr std::size_t kFrameSize = 8;
constexpr std::uint32_t kMaxPayload = 1u << 28;

std::string errno_text() {
  return std::error_code(errno, std::generic_category()).message();
}

void put_u32(std::string& out, std::uint32_t v) {
  const char bytes[4] = {static_cast<char>(v), static_cast<char>(v >> 8),
                         static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
  out.append(bytes, 4);
}

void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

void put_floats(std::string& out, std::span<const float> v) {
  if constexpr (std::endian::native == std::endian::little) {
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  } else {
    for (float f : v) put_u32(out, std::bit_cast<std::uint32_t>(f));
  }
}

// Reserves the frame, lets `body` write the payload, then fills in length and CRC.
template <typename Body>
void frame(std::string& out, Body&& body) {
  const std::size_t start = out.size();
  out.append(kFrameSize, '\0');
  body();
  const std::size_t length = out.size() - start - kFrameSize;
  const auto crc = crc32(std::as_bytes(std::span(out.data() + start + kFrameSize, length)));
  std::string head;
  put_u32(head, static_cast<std::uint32_t>(length));
  put_u32(head, crc);
  out.replace(start, kFrameSize, head);
}

std::string header_bytes() {
  std::string h(kMagic, sizeof(kMagic));
  put_u32(h, kLogFormatVersion);
  put_u32(h, 0);
  return h;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool u8(std::uint8_t& v) {
    if (data_.size() - pos_ < 1) return false;
    v = static_cast<std::uint8_t>(data_[pos_++]);
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (data_.size() - pos_ < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    v = static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
        static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
    pos_ += 4;
    return true;
  }
  bool str(std::string& s) {
    std::uint32_t n;
    if (!u32(n) || data_.size() - pos_ < n) return false;
    s.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool floats(std::vector<float>& v, std::uint32_t n) {
    if ((data_.size() - pos_) / sizeof(float) < n) return false;
    v.resize(n);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(v.data(), data_.data() + pos_, std::size_t{n} * sizeof(float));
      pos_ += std::size_t{n} * sizeof(float);
    } else {
      for (auto& f : v) {
        std::uint32_t bits = 0;
        u32(bits);
        f = std::bit_cast<float>(bits);
      }
    }
    return true;
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

bool decode(std::string_view payload, LogRecord& r) {
  Reader in(payload);
  std::uint8_t op;
  if (!in.u8(op) || !in.str(r.kind)) return false;
  r.op = static_cast<LogOp>(op);
  switch (r.op) {
    case LogOp::kKind: {
      std::uint8_t metric;
      if (!in.u32(r.dim) || !in.u8(metric) || metric > 1) return false;
      r.metric = static_cast<Metric>(metric);
      break;
    }
    case LogOp::kInsert: {
      std::uint32_t version;
      if (!in.str(r.id) || !in.u32(version) || !in.u32(r.dim) || !in.floats(r.vector, r.dim)) {
        return false;
      }
      r.extractor_version = static_cast<std::int32_t>(version);
      break;
    }
    case LogOp::kRemove:
      if (!in.str(r.id)) return false;
      break;
    default:
      return false;
  }
  return in.done();
}

std::uint32_t read_u32_at(std::string_view data, std::size_t pos) {
  std::uint32_t v = 0;
  Reader(data.substr(pos, 4)).u32(v);
  return v;
}

bool write_all(int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

std::string read_all(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw VectorError("vector store: cannot stat " + path.string());
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + got, data.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw VectorError("vector store: cannot read " + path.string() + ": " + errno_text());
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  return data;
}

int open_locked(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0640);
  if (fd < 0) {
    throw VectorError("vector store: cannot open " + path.string() + ": " + errno_text());
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw VectorError("vector store: " + path.string() + " is in use by another store");
  }
  return fd;
}

void sync_directory(const std::filesystem::path& path) {
  const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void encode_kind(std::string& out, std::string_view kind, std::size_t dim, Metric metric) {
  frame(out, [&] {
    out.push_back(static_cast<char>(LogOp::kKind));
    put_str(out, kind);
    put_u32(out, static_cast<std::uint32_t>(dim));
    out.push_back(static_cast<char>(metric));
  });
}

void encode_insert(std::string& out, std::string_view kind, std::string_view id,
                   std::int32_t extractor_version, std::span<const float> vector) {
  frame(out, [&] {
    out.push_back(static_cast<char>(LogOp::kInsert));
    put_str(out, kind);
    put_str(out, id);
    put_u32(out, static_cast<std::uint32_t>(extractor_version));
    put_u32(out, static_cast<std::uint32_t>(vector.size()));
    put_floats(out, vector);
  });
}

void encode_remove(std::string& out, std::string_view kind, std::string_view id) {
  frame(out, [&] {
    out.push_back(static_cast<char>(LogOp::kRemove));
    put_str(out, kind);
    put_str(out, id);
  });
}

std::size_t kind_record_size(std::string_view kind) {
  return kFrameSize + 1 + 4 + kind.size() + 5;
}

std::size_t insert_record_size(std::string_view kind, std::string_view id, std::size_t dim) {
  return kFrameSize + 1 + 4 + kind.size() + 4 + id.size() + 8 + dim * sizeof(float);
}

VectorLog::VectorLog(std::filesystem::path path, const std::function<void(const LogRecord&)>& apply)
    : path_(std::move(path)) {
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  fd_ = open_locked(path_, O_RDWR | O_CREAT);
  try {
    const std::string data = read_all(fd_, path_);
    const std::string header = header_bytes();
    if (data.size() < kHeaderSize && header.starts_with(data)) {
      // New file, or a crash while the header was being written.
      if (::ftruncate(fd_, 0) != 0 || !write_all(fd_, header, 0)) {
        throw VectorError("vector store: cannot write " + path_.string() + ": " + errno_text());
      }
      size_ = header.size();
      return;
    }
    if (data.size() < kHeaderSize || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
      throw VectorError("vector store: " + path_.string() + " is not a vector store file");
    }
    const std::uint32_t version = read_u32_at(data, sizeof(kMagic));
    if (version != kLogFormatVersion) {
      throw VectorError("vector store: " + path_.string() + " has format version " +
                        std::to_string(version) + ", this build reads " +
                        std::to_string(kLogFormatVersion));
    }
    const std::string_view all(data);
    std::size_t pos = kHeaderSize;
    LogRecord record;
    while (pos < all.size()) {
      if (all.size() - pos < kFrameSize) break;
      const std::uint32_t length = read_u32_at(all, pos);
      const std::uint32_t crc = read_u32_at(all, pos + 4);
      if (length > kMaxPayload || all.size() - pos - kFrameSize < length) break;
      const auto payload = all.substr(pos + kFrameSize, length);
      if (crc32(std::as_bytes(std::span(payload.data(), payload.size()))) != crc) break;
      if (!decode(payload, record)) break;
      try {
        apply(record);
      } catch (const VectorError& e) {
        spdlog::warn("vector store: {}: skipped a record at offset {}: {}", path_.string(), pos,
                     e.what());
      }
      ++stats_.records;
      pos += kFrameSize + length;
    }
    if (pos < all.size()) {
      stats_.truncated_bytes = all.size() - pos;
      spdlog::warn("vector store: {}: cut off {} bytes of torn or corrupt records at offset {}",
                   path_.string(), stats_.truncated_bytes, pos);
      if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0) {
        throw VectorError("vector store: cannot truncate " + path_.string() + ": " + errno_text());
      }
    }
    size_ = pos;
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

VectorLog::~VectorLog() {
  close();
}

void VectorLog::append(std::string_view records) {
  if (fd_ < 0) throw VectorError("vector store: log is closed");
  if (!write_all(fd_, records, size_)) {
    const std::string reason = errno_text();
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      spdlog::error("vector store: cannot cut {} back after a failed write", path_.string());
    }
    throw VectorError("vector store: cannot write " + path_.string() + ": " + reason);
  }
  size_ += records.size();
}

void VectorLog::rewrite(
    const std::function<void(const std::function<void(std::string_view)>&)>& snapshot) {
  if (fd_ < 0) throw VectorError("vector store: log is closed");
  const std::filesystem::path tmp = path_.string() + ".tmp";
  const int fd = open_locked(tmp, O_RDWR | O_CREAT | O_TRUNC);
  std::uint64_t written = 0;
  std::string buffer = header_bytes();
  bool ok = true;
  const auto flush = [&] {
    ok = ok && write_all(fd, buffer, written);
    written += buffer.size();
    buffer.clear();
  };
  try {
    snapshot([&](std::string_view records) {
      buffer.append(records);
      if (buffer.size() >= (1u << 20)) flush();
    });
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  flush();
  ok = ok && ::fsync(fd) == 0;
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    const std::string reason = errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    throw VectorError("vector store: cannot compact " + path_.string() + ": " + reason);
  }
  sync_directory(path_);
  ::close(fd_);
  fd_ = fd;
  size_ = written;
}

void VectorLog::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) {
    throw VectorError("vector store: cannot sync " + path_.string() + ": " + errno_text());
  }
}

void VectorLog::close() {
  if (fd_ < 0) return;
  ::fdatasync(fd_);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace decnet::vector
