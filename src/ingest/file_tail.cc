// Plain POSIX: one descriptor kept open on the file being read, so a renamed file can be read
// to its end; stat() on the path tells when a new file has taken its place.
#include "ingest/file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/text.h"
#include "ingest/stream_framer.h"

namespace decnet::ingest {

namespace {
constexpr std::size_t kChunk = std::size_t{64} << 10;
// How often a reader held back by a full pipeline checks for room again.
constexpr std::chrono::milliseconds kResumePoll{1};
}  // namespace

struct FileTail::Impl {
  Impl(Options o, LineSink& s)
      : options(std::move(o)), sink(s), framer(options.max_line_bytes, lf_mode()) {}

  static StreamFramer::Mode lf_mode() { return StreamFramer::Mode::kLineFeed; }

  Options options;
  LineSink& sink;
  ReceiverStats stats;
  LogLimiter log;
  StreamFramer framer;
  std::vector<char> buffer = std::vector<char>(kChunk);
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  std::uint64_t read_pos = 0;
  std::uint64_t line_end = 0;  // offset after the LF of the line being framed
  std::atomic<std::uint64_t> committed{0};
  bool missing_logged = false;
  int open_errno = 0;

  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::mutex lifecycle;

  const std::string& peer() const { return options.path.native(); }

  bool open_file(bool initial);
  void close_file();
  void set_committed(std::uint64_t value);
  void flush_fragment();
  void hand_over(FramedLine framed);
  void drain();
  void poll();
  void loop();
};

bool FileTail::Impl::open_file(bool initial) {
  const int f = ::open(options.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f < 0) {
    open_errno = errno;
    if (open_errno != ENOENT) {
      log.warn("syslog-file: cannot open {}: {}", peer(), core::errno_text(open_errno));
    }
    return false;
  }
  struct stat st {};
  if (::fstat(f, &st) != 0) {
    open_errno = errno;
    ::close(f);
    return false;
  }
  fd = f;
  dev = st.st_dev;
  ino = st.st_ino;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t start = 0;
  if (initial && options.start_offset && options.start_inode &&
      *options.start_inode != static_cast<std::uint64_t>(ino)) {
    spdlog::info("syslog-file: {} is another file than at the saved position; reading from 0",
                 peer());
  } else if (initial && options.start_offset) {
    start = *options.start_offset <= size ? *options.start_offset : 0;
    if (*options.start_offset > size) {
      spdlog::info("syslog-file: {} is shorter than the saved offset {}; reading from 0", peer(),
                   *options.start_offset);
    }
  } else if (initial && options.start_at_end) {
    start = size;
  }
  read_pos = start;
  framer = StreamFramer(options.max_line_bytes, lf_mode());
  set_committed(start);
  missing_logged = false;
  return true;
}

void FileTail::Impl::close_file() {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void FileTail::Impl::set_committed(std::uint64_t value) {
  committed.store(value);
}

// Waits while the pipeline is full: the file keeps the lines, so nothing is dropped and the
// saved offset never passes a line the pipeline has not taken.
void FileTail::Impl::hand_over(FramedLine framed) {
  auto line = frame_line(stats, log, "syslog-file", std::move(framed), "file", peer());
  line.file_position = FilePosition{static_cast<std::uint64_t>(ino), line_end};
  bool paused = false;
  while (!sink.submit(line)) {
    if (!paused) bump(stats.paused);
    paused = true;
    std::unique_lock lock(mutex);
    if (wake.wait_for(lock, kResumePoll, [this] { return stopping; })) return;
  }
}

void FileTail::Impl::flush_fragment() {
  line_end = read_pos;
  framer.finish([this](FramedLine line) { hand_over(std::move(line)); });
  framer = StreamFramer(options.max_line_bytes, lf_mode());
}

void FileTail::Impl::drain() {
  const auto on_line = [this](FramedLine line) { hand_over(std::move(line)); };
  while (true) {
    {
      std::lock_guard lock(mutex);
      if (stopping) return;
    }
    const auto n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(read_pos));
    if (n < 0) {
      if (errno == EINTR) continue;
      log.warn("syslog-file: cannot read {}: {}", peer(), core::errno_text(errno));
      return;
    }
    if (n == 0) return;
    // Fed up to one LF at a time, so each line is handed over knowing where it ends.
    std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
    std::uint64_t pos = read_pos;
    while (!chunk.empty()) {
      const auto lf = chunk.find('\n');
      const auto take = lf == std::string_view::npos ? chunk.size() : lf + 1;
      pos += take;
      line_end = pos;
      framer.feed(chunk.substr(0, take), on_line);
      chunk.remove_prefix(take);
    }
    read_pos += static_cast<std::uint64_t>(n);
    {
      // Stopped while held back: this chunk was not all taken, so the offset stays before it
      // (read again next time rather than lost).
      std::lock_guard lock(mutex);
      if (stopping) return;
    }
    set_committed(read_pos - framer.pending_bytes());
  }
}

void FileTail::Impl::poll() {
  if (fd < 0) {
    if (!open_file(false)) {
      if (!missing_logged) {
        spdlog::info("syslog-file: waiting for {} to appear", peer());
        missing_logged = true;
      }
      return;
    }
    spdlog::info("syslog-file: following {}", peer());
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < read_pos) {
    spdlog::info("syslog-file: {} was truncated; reading from its start", peer());
    flush_fragment();
    read_pos = 0;
    set_committed(0);
  }
  drain();
  struct stat current {};
  const bool exists = ::stat(options.path.c_str(), &current) == 0;
  if (exists && current.st_dev == dev && current.st_ino == ino) return;
  if (!exists) return;  // renamed away, nothing new yet: keep reading the old file
  spdlog::info("syslog-file: {} was replaced (rotation); following the new file", peer());
  flush_fragment();
  close_file();
  if (open_file(false)) drain();
}

void FileTail::Impl::loop() {
  std::unique_lock lock(mutex);
  while (!stopping) {
    lock.unlock();
    try {
      poll();
    } catch (const std::exception& e) {
      log.warn("syslog-file: unexpected error while reading {}: {}", peer(), e.what());
    }
    lock.lock();
    wake.wait_for(lock, options.poll_interval, [this] { return stopping; });
  }
}

std::string file_tail_state_key(const std::filesystem::path& path) {
  return "file_tail:" + std::filesystem::absolute(path).string();
}

FileTail::Options FileTail::from(const ReceiverOptions& o) {
  Options out;
  out.path = o.file.empty() ? o.file : std::filesystem::absolute(o.file);
  out.max_line_bytes = o.max_line_bytes;
  return out;
}

FileTail::FileTail(Options options, LineSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink)) {}

FileTail::~FileTail() {
  FileTail::stop();  // this class's own: a subclass is already gone
}

void FileTail::start() {
  auto& rx = *impl_;
  std::lock_guard lock(rx.lifecycle);
  if (rx.thread.joinable()) return;
  if (rx.options.path.empty()) throw std::runtime_error("syslog-file: no file to follow");
  if (rx.fd < 0 && !rx.open_file(true) && rx.open_errno != ENOENT) {
    throw std::runtime_error("syslog-file: cannot open " + rx.peer() + ": " +
                             core::errno_text(rx.open_errno));
  }
  {
    std::lock_guard state(rx.mutex);
    rx.stopping = false;
  }
  rx.thread = std::thread([&rx] { rx.loop(); });
  spdlog::info("syslog-file: following {} from offset {}", rx.peer(), rx.committed.load());
}

void FileTail::stop() {
  auto& rx = *impl_;
  std::lock_guard lock(rx.lifecycle);
  if (rx.thread.joinable()) {
    {
      std::lock_guard state(rx.mutex);
      rx.stopping = true;
    }
    rx.wake.notify_all();
    rx.thread.join();
    spdlog::info("syslog-file: stopped at offset {}", rx.committed.load());
  }
  rx.close_file();
}

nlohmann::json FileTail::health() const {
  auto out = impl_->stats.to_json();
  out["path"] = impl_->options.path.string();
  out["offset"] = impl_->committed.load();
  return out;
}

std::uint64_t FileTail::offset() const {
  return impl_->committed.load();
}

const ReceiverStats& FileTail::stats() const {
  return impl_->stats;
}

}  // namespace decnet::ingest
