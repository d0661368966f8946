// The decky's outbox: every line a service emits is appended here first and leaves only when
// the master has acknowledged it, so a master that is away (restarting, unreachable, slow)
// costs nothing but disk. Lines live in numbered segment files; a cursor file names the first
// line not yet acknowledged, and is what survives a restart of the decky.
//
// The outbox is bounded: past `max_bytes`, the oldest segment is dropped and its lines counted
// as lost. A decky under a flood must keep answering attackers with a bounded disk; which lines
// to give up is the operator's choice of size, and the count is reported.
//
// Delivery is at least once: lines acknowledged after the cursor was last saved are sent again
// after a crash (the master's RELP receiver recognises resends at the start of a session).
// One thread uses an outbox (the decky's event loop); nothing here locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

struct SpoolPosition {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  friend bool operator==(const SpoolPosition& a, const SpoolPosition& b) {
    return a.segment == b.segment && a.offset == b.offset;
  }
  friend bool operator<(const SpoolPosition& a, const SpoolPosition& b) {
    return a.segment < b.segment || (a.segment == b.segment && a.offset < b.offset);
  }
  friend bool operator<=(const SpoolPosition& a, const SpoolPosition& b) { return !(b < a); }
};

struct SpoolLine {
  std::string text;
  SpoolPosition end;  // acknowledge(end) releases this line and every one before it
};

class Spool {
 public:
  // Opens (creating) the outbox in `dir`, resuming after the saved cursor. Throws
  // std::runtime_error naming the path when the directory cannot be used.
  Spool(std::filesystem::path dir, std::uint64_t max_bytes,
        std::uint64_t segment_bytes = std::uint64_t{4} << 20);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends one line (a newline in it is replaced: one record per line). False when the disk
  // refused the write; the line is then counted as lost.
  bool append(std::string_view line);
  // The next line after the read position, advancing it; nullopt when every line has been read.
  std::optional<SpoolLine> next();
  // Reading starts again at the first unacknowledged line (after the uplink reconnects).
  void rewind();
  // Everything before `upto` is delivered: the cursor moves and consumed segments are deleted.
  void acknowledge(SpoolPosition upto);
  // Saves the cursor now (it is otherwise saved every few acknowledgements and segments).
  void save_cursor();

  // Bytes on disk not yet acknowledged.
  std::uint64_t pending_bytes() const { return bytes_ - cursor_.offset; }
  std::uint64_t dropped_lines() const { return dropped_; }
  std::uint64_t appended_lines() const { return appended_; }

 private:
  std::filesystem::path segment_path(std::uint64_t n) const;
  void open_tail(std::uint64_t n);
  void drop_oldest();
  void load_cursor();
  void close_reader();

  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  std::uint64_t segment_bytes_;
  std::uint64_t first_segment_ = 0;  // oldest segment on disk
  std::uint64_t tail_segment_ = 0;   // segment being appended to
  std::uint64_t tail_size_ = 0;
  int tail_fd_ = -1;
  std::uint64_t bytes_ = 0;  // bytes on disk in segments first_segment_..tail_segment_
  SpoolPosition cursor_;     // first unacknowledged byte
  SpoolPosition read_;       // next byte next() reads
  int read_fd_ = -1;
  std::uint64_t read_fd_segment_ = ~std::uint64_t{0};
  std::string read_buffer_;  // bytes read from read_fd_ beyond read_.offset
  std::uint64_t unsaved_acks_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t appended_ = 0;
};

}  // namespace decnet::decky
