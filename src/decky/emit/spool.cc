#include "decky/emit/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace decnet::decky {
namespace {

constexpr std::size_t kReadChunk = 65'536;
constexpr std::uint64_t kSaveEveryAcks = 256;
constexpr std::size_t kMaxRecord = 1 << 20;

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::uint64_t> segment_number(const std::filesystem::path& p) {
  const auto name = p.filename().string();
  if (name.size() != 24 || name.rfind("seg-", 0) != 0 || name.substr(20) != ".log") {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  for (std::size_t i = 4; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return n;
}

}  // namespace

Spool::Spool(std::filesystem::path dir, std::uint64_t max_bytes, std::uint64_t segment_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes), segment_bytes_(segment_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("outbox " + dir_.string() + ": " + ec.message());
  std::optional<std::uint64_t> lowest, highest;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const auto n = segment_number(entry.path());
    if (!n) continue;
    if (!lowest || *n < *lowest) lowest = n;
    if (!highest || *n > *highest) highest = n;
  }
  if (ec) throw std::runtime_error("outbox " + dir_.string() + ": " + ec.message());
  first_segment_ = lowest.value_or(1);
  for (auto n = first_segment_; highest && n <= *highest; ++n) {
    const auto size = std::filesystem::file_size(segment_path(n), ec);
    if (!ec) bytes_ += size;
  }
  load_cursor();
  open_tail(highest.value_or(first_segment_));
  read_ = cursor_;
}

Spool::~Spool() {
  try {
    save_cursor();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; next start resends
  }
  if (tail_fd_ >= 0) ::close(tail_fd_);
  close_reader();
}

std::filesystem::path Spool::segment_path(std::uint64_t n) const {
  char name[32];
  std::snprintf(name, sizeof name, "seg-%016llu.log", static_cast<unsigned long long>(n));
  return dir_ / name;
}

void Spool::open_tail(std::uint64_t n) {
  if (tail_fd_ >= 0) ::close(tail_fd_);
  const auto path = segment_path(n);
  tail_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (tail_fd_ < 0) {
    throw std::runtime_error("outbox segment " + path.string() + ": " +
                             std::generic_category().message(errno));
  }
  tail_segment_ = n;
  const off_t end = ::lseek(tail_fd_, 0, SEEK_END);
  tail_size_ = end > 0 ? static_cast<std::uint64_t>(end) : 0;
  // A line cut short by a crash is ended here, so the next line is not glued to it.
  if (tail_size_ > 0) {
    char last = '\n';
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      if (::pread(fd, &last, 1, end - 1) != 1) last = '\n';
      ::close(fd);
    }
    if (last != '\n' && write_all(tail_fd_, "\n", 1)) {
      ++tail_size_;
      ++bytes_;
    }
  }
}

void Spool::load_cursor() {
  cursor_ = {first_segment_, 0};
  std::ifstream in(dir_ / "cursor");
  std::uint64_t segment = 0, offset = 0;
  if (!(in >> segment >> offset)) return;
  std::error_code ec;
  const auto size = std::filesystem::file_size(segment_path(segment), ec);
  if (ec || segment < first_segment_ || offset > size) return;
  // Segments before the cursor were delivered; a crash may have left them behind.
  for (auto n = first_segment_; n < segment; ++n) {
    bytes_ -= std::min(bytes_, std::filesystem::file_size(segment_path(n), ec));
    std::filesystem::remove(segment_path(n), ec);
  }
  first_segment_ = segment;
  cursor_ = {segment, offset};
}

void Spool::save_cursor() {
  unsaved_acks_ = 0;
  const auto tmp = dir_ / "cursor.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << cursor_.segment << ' ' << cursor_.offset << '\n';
    if (!out) return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir_ / "cursor", ec);
}

bool Spool::append(std::string_view line) {
  std::string record(line);
  for (auto& c : record) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  record += '\n';
  if (tail_size_ > 0 && tail_size_ + record.size() > segment_bytes_) {
    try {
      open_tail(tail_segment_ + 1);
    } catch (const std::exception&) {
      ++dropped_;
      return false;
    }
  }
  if (!write_all(tail_fd_, record.data(), record.size())) {
    ++dropped_;
    return false;
  }
  tail_size_ += record.size();
  bytes_ += record.size();
  ++appended_;
  while (pending_bytes() > max_bytes_ && first_segment_ < tail_segment_) drop_oldest();
  return true;
}

void Spool::drop_oldest() {
  const auto path = segment_path(first_segment_);
  std::uint64_t lines = 0;
  {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(cursor_.segment == first_segment_ ? cursor_.offset : 0));
    std::string chunk(kReadChunk, '\0');
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      for (std::streamsize i = 0; i < in.gcount(); ++i)
        lines += chunk[static_cast<std::size_t>(i)] == '\n';
    }
  }
  dropped_ += lines;
  std::error_code ec;
  bytes_ -= std::min(bytes_, std::filesystem::file_size(path, ec));
  if (read_fd_segment_ == first_segment_) close_reader();
  std::filesystem::remove(path, ec);
  ++first_segment_;
  cursor_ = {first_segment_, 0};
  if (read_ < cursor_) {
    read_ = cursor_;
    read_buffer_.clear();
  }
  save_cursor();
}

void Spool::close_reader() {
  if (read_fd_ >= 0) ::close(read_fd_);
  read_fd_ = -1;
  read_fd_segment_ = ~std::uint64_t{0};
  read_buffer_.clear();
}

std::optional<SpoolLine> Spool::next() {
  while (read_.segment <= tail_segment_) {
    if (read_fd_segment_ != read_.segment) {
      close_reader();
      read_fd_ = ::open(segment_path(read_.segment).c_str(), O_RDONLY | O_CLOEXEC);
      if (read_fd_ < 0) {
        // A segment gone from under us (removed by hand): carry on with the next one.
        if (read_.segment == tail_segment_) return std::nullopt;
        read_ = {read_.segment + 1, 0};
        continue;
      }
      read_fd_segment_ = read_.segment;
    }
    const auto newline = read_buffer_.find('\n');
    if (newline != std::string::npos) {
      SpoolLine out;
      out.text = read_buffer_.substr(0, newline);
      read_buffer_.erase(0, newline + 1);
      read_.offset += newline + 1;
      out.end = read_;
      return out;
    }
    if (read_buffer_.size() > kMaxRecord) {  // no newline where one must be: a damaged file
      SpoolLine out;
      out.text = read_buffer_.substr(0, kMaxRecord);
      read_buffer_.erase(0, kMaxRecord);
      read_.offset += kMaxRecord;
      out.end = read_;
      return out;
    }
    char chunk[kReadChunk];
    const ssize_t n = ::pread(read_fd_, chunk, sizeof chunk,
                              static_cast<off_t>(read_.offset + read_buffer_.size()));
    if (n > 0) {
      read_buffer_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (read_.segment == tail_segment_) return std::nullopt;
    read_ = {read_.segment + 1, 0};
  }
  return std::nullopt;
}

void Spool::rewind() {
  read_ = cursor_;
  read_buffer_.clear();
  if (read_fd_segment_ != read_.segment) close_reader();
}

void Spool::acknowledge(SpoolPosition upto) {
  if (upto <= cursor_ || read_ < upto) return;
  cursor_ = upto;
  bool removed = false;
  std::error_code ec;
  while (first_segment_ < cursor_.segment) {
    const auto path = segment_path(first_segment_);
    bytes_ -= std::min(bytes_, std::filesystem::file_size(path, ec));
    if (read_fd_segment_ == first_segment_) close_reader();
    std::filesystem::remove(path, ec);
    ++first_segment_;
    removed = true;
  }
  if (removed || ++unsaved_acks_ >= kSaveEveryAcks) save_cursor();
}

}  // namespace decnet::decky
