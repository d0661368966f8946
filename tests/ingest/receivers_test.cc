// The syslog receivers against real clients on loopback: util-linux logger, raw sockets for the
// framing corner cases, the openssl CLI for TLS (certificates made here by the CLI as well) and
// rsyslogd forwarding the way a sensor would. Every wait has a deadline; nothing sleeps.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ingest/file_tail.h"
#include "ingest/stream_framer.h"
#include "ingest/stream_receiver.h"
#include "ingest/udp_receiver.h"
#include "ingest/unix_receiver.h"
#include "pki_support.h"
#include "rsyslog_support.h"
#include "tests_support.h"

namespace decnet::ingest {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::free_port;
using testing::imfile_input;
using testing::Pki;
using testing::Rsyslog;
using testing::run_command;
using testing::TempDir;
using testing::wait_until;

class CollectingSink : public LineSink {
 public:
  bool submit(RawLine& line) override {
    std::lock_guard lock(mutex_);
    if (refuse_) return false;
    lines_.push_back(std::move(line));
    return true;
  }
  std::vector<RawLine> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) const {
    return wait_until([&] { return size() >= n; }, timeout);
  }
  // The first line containing `needle`, waiting for it.
  std::optional<RawLine> find(const std::string& needle, std::chrono::milliseconds timeout = 15s) {
    std::optional<RawLine> found;
    wait_until(
        [&] {
          std::lock_guard lock(mutex_);
          for (const auto& l : lines_) {
            if (l.bytes.find(needle) != std::string::npos) {
              found = l;
              return true;
            }
          }
          return false;
        },
        timeout);
    return found;
  }
  void set_refuse(bool refuse) {
    std::lock_guard lock(mutex_);
    refuse_ = refuse;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<RawLine> lines_;
  bool refuse_ = false;
};

std::vector<std::string> texts(const std::vector<RawLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.bytes);
  return out;
}

// A blocking loopback TCP client with a receive timeout, so a test never hangs on it.
class Client {
 public:
  explicit Client(int port, const char* local_address = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (local_address) {  // any of 127.0.0.0/8: one host plays many senders
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, local_address, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  void close_write() { ::shutdown(fd_, SHUT_WR); }
  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool closed_by_peer() {
    char c;
    const auto n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

StreamReceiver::Options tcp_opts(int port) {
  StreamReceiver::Options o;
  o.port = static_cast<std::uint16_t>(port);
  return o;
}

std::string frame(const std::string& msg) {
  return std::to_string(msg.size()) + " " + msg;
}

const std::string kMsg = "<14>1 2026-04-28T22:35:58Z decky-01 ssh - login [relay@55555 a=\"b\"] x";

// --- framing, without sockets ---------------------------------------------------------------

TEST(ReceiverFramer, DetectsModeFromFirstByteAndStripsLineEndings) {
  std::vector<std::string> out;
  const auto collect = [&](FramedLine l) { out.push_back(std::move(l.bytes)); };
  StreamFramer lf(100);
  lf.feed("one\r\n\r\n\ntwo\nthr", collect);
  lf.feed("ee\n", collect);
  EXPECT_EQ(lf.mode(), StreamFramer::Mode::kLineFeed);
  EXPECT_EQ(out, (std::vector<std::string>{"one", "two", "three"}));

  out.clear();
  StreamFramer oc(100);
  oc.feed("3 abc5 hello\n3 x\ny", collect);
  EXPECT_EQ(oc.mode(), StreamFramer::Mode::kOctetCounting);
  EXPECT_EQ(out, (std::vector<std::string>{"abc", "hello", "x\ny"}));
}

// What a framer delivered: the bytes, and for bytes that are not a frame, why.
struct Delivered {
  std::string bytes;
  bool truncated;
  std::string error;
  bool operator==(const Delivered&) const = default;
};
void PrintTo(const Delivered& d, std::ostream* os) {
  *os << "{" << ::testing::PrintToString(d.bytes) << (d.truncated ? ", truncated" : "")
      << (d.error.empty() ? "" : ", error: " + d.error) << "}";
}

std::vector<Delivered> frame_all(const std::string& stream, std::size_t limit = 100,
                                 std::size_t chunk = 0) {
  std::vector<Delivered> out;
  const auto collect = [&](FramedLine l) {
    out.push_back({std::move(l.bytes), l.truncated, std::move(l.error)});
  };
  StreamFramer f(limit);
  if (chunk == 0) {
    f.feed(stream, collect);
  } else {
    for (std::size_t i = 0; i < stream.size(); i += chunk) f.feed(stream.substr(i, chunk), collect);
  }
  f.finish(collect);
  return out;
}

bool is_garbage(const Delivered& d) {
  return !d.error.empty();
}

TEST(ReceiverFramer, BadCountsBecomeDeadLettersAndFramingResumes) {
  // Each bad prefix, followed on the same connection by a good frame: the bad bytes come out as
  // not-a-frame, with the reason, and the good frame after them is intact.
  struct Case {
    std::string stream;
    std::string garbage;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"12x <13>1 nope\n11 <13>1 after", "12x <13>1 nope", "unexpected byte 120"},
      {"12345678901 <13>1 nope\n11 <13>1 after", "12345678901 <13>1 nope", "more than 10 digits"},
      {"05 hello\n11 <13>1 after", "05 hello", "leading 0"},
      {"99999999 <13>1 huge\n11 <13>1 after", "99999999 <13>1 huge", "implausible"},
      // No LF between frames: resynchronised on the next frame header.
      {"0005 <13>1 x11 <13>1 after", "0005 <13>1 x", "leading 0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.stream);
    for (std::size_t chunk : {0, 1, 3}) {
      const auto out = frame_all(c.stream, 100, chunk);
      ASSERT_EQ(out.size(), 2u) << ::testing::PrintToString(out);
      EXPECT_EQ(out[0].bytes, c.garbage);
      EXPECT_NE(out[0].error.find(c.reason), std::string::npos) << out[0].error;
      EXPECT_EQ(out[1], (Delivered{"<13>1 after", false, ""}));
    }
  }
}

TEST(ReceiverFramer, CountsThatLieCostOnlyTheirOwnFrame) {
  // Too short: the rest of the message is not a frame; the next frame is found again.
  auto out = frame_all("5 <13>1 hello world11 <13>1 after");
  ASSERT_EQ(out.size(), 3u) << ::testing::PrintToString(out);
  EXPECT_EQ(out[0], (Delivered{"<13>1", false, ""}));
  EXPECT_EQ(out[1].bytes, " hello world");
  EXPECT_TRUE(is_garbage(out[1]));
  EXPECT_EQ(out[2], (Delivered{"<13>1 after", false, ""}));
  // Too long: the frame swallows the start of the next one, which is then found again.
  out = frame_all("14 <13>1 first11 <13>1 after\n11 <13>1 third");
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0].bytes, "<13>1 first11 ");
  EXPECT_EQ(out.back(), (Delivered{"<13>1 third", false, ""}));
  std::size_t total = 0;
  for (const auto& d : out) total += d.bytes.size();
  EXPECT_GE(total, std::string("<13>1 first11 <13>1 after<13>1 third").size() - 2);
}

TEST(ReceiverFramer, OversizeFramesAreKeptTruncatedAndTheStreamGoesOn) {
  const std::string big = "<13>1 " + std::string(294, 'A');
  const auto out = frame_all(std::to_string(big.size()) + " " + big + "11 <13>1 after", 100);
  ASSERT_EQ(out.size(), 2u) << ::testing::PrintToString(out);
  EXPECT_EQ(out[0], (Delivered{big.substr(0, 100), true, ""}));
  EXPECT_EQ(out[1], (Delivered{"<13>1 after", false, ""}));
  StreamFramer f(100);
  f.feed(std::to_string(big.size()) + " " + big, [](FramedLine) {});
  EXPECT_EQ(f.skipped_bytes(), big.size() - 100);
}

TEST(ReceiverFramer, AStreamThatEndsInsideAFrameDeliversWhatCame) {
  auto out = frame_all("10 abc");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes, "abc");
  EXPECT_NE(out[0].error.find("3 of 10 bytes"), std::string::npos) << out[0].error;
  out = frame_all("3 abc12");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].bytes, "12");
  EXPECT_TRUE(is_garbage(out[1]));
  // Garbage never grows past the limit: it comes out in pieces.
  out = frame_all("x" + std::string(250, 'y'), 100);
  EXPECT_EQ(out.size(), 1u);  // LF mode: one truncated line
  out = frame_all("1x" + std::string(250, 'y'), 100);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& d : out) EXPECT_LE(d.bytes.size(), 100u);
}

TEST(ReceiverFramer, TruncatesLongLfLinesAndReportsPendingBytes) {
  std::vector<std::pair<std::string, bool>> out;
  const auto collect = [&](FramedLine l) { out.emplace_back(std::move(l.bytes), l.truncated); };
  StreamFramer f(4);
  f.feed("abcd\r\nabcdefgh\nok\npart", collect);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], std::make_pair(std::string("abcd"), false));
  EXPECT_EQ(out[1], std::make_pair(std::string("abcd"), true));
  EXPECT_EQ(out[2], std::make_pair(std::string("ok"), false));
  EXPECT_EQ(f.pending_bytes(), 4u);
  EXPECT_EQ(f.skipped_bytes(), 4u);
}

// --- TCP ---------------------------------------------------------------------------------------

TEST(ReceiverTcp, LoggerOctetCountingAndLfFraming) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  EXPECT_EQ(rx.name(), "syslog-tcp");
  auto r = run_command({"logger", "--rfc5424", "--tcp", "--octet-count", "-n", "127.0.0.1", "-P",
                        std::to_string(port), "-t", "app", "octet counted hello"});
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_command({"logger", "--rfc5424", "--tcp", "-n", "127.0.0.1", "-P", std::to_string(port),
                   "-t", "app", "lf framed hello"});
  ASSERT_EQ(r.status, 0) << r.output;
  auto a = sink.find("octet counted hello");
  auto b = sink.find("lf framed hello");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bytes.rfind("<13>1 ", 0), 0u) << a->bytes;
  EXPECT_NE(a->bytes.find(" app "), std::string::npos);
  EXPECT_EQ(a->source, "tcp");
  EXPECT_EQ(a->peer.rfind("127.0.0.1:", 0), 0u);
  EXPECT_GT(a->received_at, 0);
  EXPECT_FALSE(a->truncated);
  EXPECT_EQ(b->bytes.back(), 'o');  // no LF kept
  EXPECT_TRUE(wait_until([&] { return rx.health()["connections"] == 2; }));
  rx.stop();
  rx.stop();  // idempotent
}

TEST(ReceiverTcp, LfFramingWithCrlfEmptyLinesAndSplitWrites) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  Client c(port);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("<13>1 first line\r\n\r\n\n<13>1 sec"));
  ASSERT_TRUE(c.send("ond li"));
  ASSERT_TRUE(c.send("ne\n<13>1 third\r"));
  ASSERT_TRUE(c.send("\n"));
  ASSERT_TRUE(sink.wait_for(3));
  EXPECT_EQ(texts(sink.lines()),
            (std::vector<std::string>{"<13>1 first line", "<13>1 second line", "<13>1 third"}));
}

TEST(ReceiverTcp, OctetCountingManyFramesInOneWriteAndOneFrameByteByByte) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  Client c(port);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(frame(kMsg + "1") + frame(kMsg + "2") + frame(kMsg + "3")));
  ASSERT_TRUE(sink.wait_for(3));
  const auto split = frame(kMsg + " bytewise");
  for (char ch : split) ASSERT_TRUE(c.send(std::string(1, ch)));
  ASSERT_TRUE(sink.wait_for(4));
  EXPECT_EQ(texts(sink.lines()),
            (std::vector<std::string>{kMsg + "1", kMsg + "2", kMsg + "3", kMsg + " bytewise"}));
}

TEST(ReceiverTcp, BadFramesAreKeptAsDeadLettersAndTheConnectionGoesOn) {
  CollectingSink sink;
  const int port = free_port();
  auto opts = tcp_opts(port);
  opts.max_line_bytes = 1000;
  StreamReceiver rx(opts, sink);
  rx.start();
  Client sender(port);
  ASSERT_TRUE(sender.send(frame("<13>1 before") + "12x <13>1 nope\n" + "12345678901 <13>1 nope\n" +
                          frame("<13>1 after") + "20 <13>1 cut"));
  ASSERT_TRUE(sink.wait_for(4));
  ASSERT_TRUE(wait_until([&] { return rx.stats().framing_errors.load() == 2; }));
  sender.close_write();  // the last frame ends inside its count: kept as not-a-frame
  ASSERT_TRUE(sink.wait_for(5));
  const auto lines = sink.lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].bytes, "<13>1 before");
  EXPECT_EQ(lines[1].bytes, "12x <13>1 nope");
  EXPECT_FALSE(lines[1].framing_error.empty());
  EXPECT_EQ(lines[2].bytes, "12345678901 <13>1 nope");
  EXPECT_EQ(lines[3].bytes, "<13>1 after");
  EXPECT_TRUE(lines[3].framing_error.empty());
  EXPECT_EQ(lines[4].bytes, "<13>1 cut");
  EXPECT_NE(lines[4].framing_error.find("closed inside"), std::string::npos);
  EXPECT_EQ(rx.health()["framing_errors"], 3);
}

TEST(ReceiverTcp, OversizeLineIsDeliveredTruncated) {
  CollectingSink sink;
  const int port = free_port();
  auto opts = tcp_opts(port);
  opts.max_line_bytes = 256;
  StreamReceiver rx(opts, sink);
  rx.start();
  Client c(port);
  const std::string big = "<13>1 " + std::string(100000, 'A');
  ASSERT_TRUE(c.send(big + "\n<13>1 next\n"));
  ASSERT_TRUE(sink.wait_for(2));
  const auto lines = sink.lines();
  EXPECT_EQ(lines[0].bytes, big.substr(0, 256));
  EXPECT_TRUE(lines[0].truncated);
  EXPECT_EQ(lines[1].bytes, "<13>1 next");
  EXPECT_FALSE(lines[1].truncated);
  EXPECT_EQ(rx.stats().oversize.load(), 1u);
}

TEST(ReceiverTcp, ConnectionLimitClosesExtraConnections) {
  CollectingSink sink;
  const int port = free_port();
  auto opts = tcp_opts(port);
  opts.max_connections = 2;
  StreamReceiver rx(opts, sink);
  rx.start();
  auto a = std::make_unique<Client>(port);
  Client b(port);
  ASSERT_TRUE(a->send("<13>1 a\n") && b.send("<13>1 b\n"));
  ASSERT_TRUE(sink.wait_for(2));
  Client extra(port);
  ASSERT_TRUE(extra.connected());  // accepted by the kernel, then closed by us
  EXPECT_TRUE(extra.closed_by_peer());
  EXPECT_EQ(rx.stats().over_limit.load(), 1u);

  a.reset();
  ASSERT_TRUE(wait_until([&] { return rx.stats().active.load() == 1; }));
  Client again(port);
  ASSERT_TRUE(again.send("<13>1 again\n"));
  EXPECT_TRUE(sink.find("again").has_value());
  EXPECT_EQ(rx.health()["over_limit"], 1);
}

// Silent sockets cannot lock a sensor out: at the per-address or the overall limit, the
// connection silent longest is closed to make room.
TEST(ReceiverTcp, SilentConnectionsAreEvictedToMakeRoomForASensor) {
  CollectingSink sink;
  const int port = free_port();
  auto opts = tcp_opts(port);
  opts.max_connections = 4;
  opts.max_connections_per_address = 2;
  opts.evict_after_silence = 50ms;
  StreamReceiver rx(opts, sink);
  rx.start();
  std::vector<std::unique_ptr<Client>> hogs;
  for (const char* address : {"127.0.0.2", "127.0.0.2"}) {
    hogs.push_back(std::make_unique<Client>(port, address));
  }
  ASSERT_TRUE(wait_until([&] { return rx.stats().active.load() == 2; }));
  std::this_thread::sleep_for(60ms);  // let them become evictable: silence is the point
  hogs.push_back(std::make_unique<Client>(port, "127.0.0.2"));  // that address is full
  EXPECT_TRUE(hogs.front()->closed_by_peer());
  for (const char* address : {"127.0.0.3", "127.0.0.3"}) {
    hogs.push_back(std::make_unique<Client>(port, address));
  }
  ASSERT_TRUE(wait_until([&] { return rx.stats().active.load() == 4; }));
  std::this_thread::sleep_for(60ms);
  Client sensor(port, "127.0.0.4");
  ASSERT_TRUE(sensor.send("<13>1 from the sensor\n"));
  EXPECT_TRUE(sink.find("from the sensor").has_value());
  EXPECT_EQ(rx.stats().evicted.load(), 2u);
  EXPECT_EQ(rx.stats().over_limit.load(), 0u);
}

TEST(ReceiverTcp, AConnectionThatSendsNothingIsClosedSoon) {
  CollectingSink sink;
  const int port = free_port();
  auto opts = tcp_opts(port);
  opts.first_data_timeout = 200ms;
  StreamReceiver rx(opts, sink);
  rx.start();
  Client talker(port);
  ASSERT_TRUE(talker.send("<13>1 hello\n"));
  ASSERT_TRUE(sink.wait_for(1));
  Client silent(port);
  EXPECT_TRUE(silent.closed_by_peer());
  EXPECT_EQ(rx.stats().idle_closed.load(), 1u);
  ASSERT_TRUE(talker.send("<13>1 still here\n"));  // past 200 ms: a talker keeps the long timeout
  EXPECT_TRUE(sink.find("still here").has_value());
}

// SIGTERM loses nothing a sender managed to write: stop() reads what the sockets hold, lines
// held back by a full pipeline included, and hands it all over before closing.
TEST(ReceiverTcp, StopDrainsWhatTheSocketsHold) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  sink.set_refuse(true);
  Client c(port);
  std::string payload;
  for (int i = 0; i < 2000; ++i) payload += "<13>1 line " + std::to_string(i) + "\n";
  payload += "<13>1 unterminated";
  ASSERT_TRUE(c.send(payload));
  ASSERT_TRUE(wait_until([&] { return rx.stats().paused.load() == 1; }));
  sink.set_refuse(false);
  rx.stop();
  const auto lines = sink.lines();
  ASSERT_EQ(lines.size(), 2001u);
  EXPECT_EQ(lines[1999].bytes, "<13>1 line 1999");
  EXPECT_EQ(lines.back().bytes, "<13>1 unterminated");
  EXPECT_EQ(rx.stats().lost_at_stop.load(), 0u);
}

TEST(ReceiverTcp, IdleConnectionIsClosed) {
  CollectingSink sink;
  const int port = free_port();
  auto opts = tcp_opts(port);
  opts.idle_timeout = 300ms;
  StreamReceiver rx(opts, sink);
  rx.start();
  Client c(port);
  ASSERT_TRUE(c.send("<13>1 then silence\n"));
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(rx.stats().idle_closed.load(), 1u);
  EXPECT_EQ(sink.size(), 1u);
}

TEST(ReceiverTcp, AFullPipelineHoldsTheSenderBackAndLosesNothing) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  sink.set_refuse(true);
  Client c(port);
  ASSERT_TRUE(c.send("<13>1 held 1\n<13>1 held 2\n"));
  ASSERT_TRUE(wait_until([&] { return rx.stats().paused.load() == 1; }));
  ASSERT_TRUE(c.send("<13>1 sent while held\n"));
  EXPECT_EQ(sink.size(), 0u);
  sink.set_refuse(false);
  ASSERT_TRUE(sink.wait_for(3));
  EXPECT_EQ(texts(sink.lines()),
            (std::vector<std::string>{"<13>1 held 1", "<13>1 held 2", "<13>1 sent while held"}));
  EXPECT_EQ(rx.stats().refused.load(), 0u);
  EXPECT_EQ(rx.stats().lines.load(), 3u);
}

TEST(ReceiverTcp, LinesHeldBackAtEndOfStreamAreStillDelivered) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  sink.set_refuse(true);
  {
    Client c(port);
    ASSERT_TRUE(c.send("<13>1 last words\n"));
    ASSERT_TRUE(wait_until([&] { return rx.stats().paused.load() == 1; }));
  }  // the sender has hung up
  sink.set_refuse(false);
  ASSERT_TRUE(sink.wait_for(1));
  EXPECT_EQ(sink.lines()[0].bytes, "<13>1 last words");
  EXPECT_TRUE(wait_until([&] { return rx.stats().active.load() == 0; }));
}

TEST(ReceiverTcp, StartFailsNamingTheAddressWhenThePortIsTaken) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver first(tcp_opts(port), sink);
  first.start();
  StreamReceiver second(tcp_opts(port), sink);
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
  second.stop();
}

TEST(ReceiverTcp, StopClosesOpenConnections) {
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  Client c(port);
  ASSERT_TRUE(c.send("<13>1 hi\n"));
  ASSERT_TRUE(sink.wait_for(1));
  rx.stop();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_FALSE(Client(port).connected());
}

// --- UDP and UNIX datagrams ----------------------------------------------------------------------

TEST(ReceiverUdp, LoggerAndRawDatagrams) {
  CollectingSink sink;
  const int port = free_port(true);
  UdpReceiver rx(UdpReceiver::Options{"127.0.0.1", static_cast<std::uint16_t>(port), 512}, sink);
  rx.start();
  EXPECT_EQ(rx.name(), "syslog-udp");
  auto r = run_command({"logger", "--rfc5424", "--udp", "-n", "127.0.0.1", "-P",
                        std::to_string(port), "-t", "app", "udp hello"});
  ASSERT_EQ(r.status, 0) << r.output;
  auto got = sink.find("udp hello");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->source, "udp");
  EXPECT_EQ(got->peer.rfind("127.0.0.1:", 0), 0u);

  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto send = [&](const std::string& d) {
    ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  };
  send("<13>1 with lf\n");
  send("");
  send("<13>1 " + std::string(2000, 'B'));
  send("<13>1 last");
  ::close(fd);
  ASSERT_TRUE(sink.wait_for(4));
  const auto lines = sink.lines();
  EXPECT_EQ(lines[1].bytes, "<13>1 with lf");
  EXPECT_EQ(lines[2].bytes.size(), 512u);
  EXPECT_TRUE(lines[2].truncated);
  EXPECT_EQ(lines[3].bytes, "<13>1 last");
  EXPECT_EQ(rx.stats().oversize.load(), 1u);
  rx.stop();
}

// A sink that holds the receiver's thread until released, so the kernel's buffer fills.
class BlockingSink : public LineSink {
 public:
  bool submit(RawLine& line) override {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [&] { return open_; });
    lines_.push_back(std::move(line));
    return true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    released_.notify_all();
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool open_ = false;
  std::vector<RawLine> lines_;
};

// Datagrams the kernel drops when the receive buffer is full never reach the process; it learns
// their number from SO_RXQ_OVFL, so every datagram sent is either a line or a counted drop.
TEST(ReceiverUdp, DatagramsTheKernelDropsAreCounted) {
  BlockingSink sink;
  const int port = free_port(true);
  UdpReceiver rx(
      UdpReceiver::Options{"127.0.0.1", static_cast<std::uint16_t>(port), 2048, 64 * 1024}, sink);
  rx.start();
  EXPECT_GE(rx.health()["receive_buffer_bytes"].get<int>(), 64 * 1024);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string datagram = "<13>1 " + std::string(1000, 'D');
  constexpr int kSent = 2000;
  for (int i = 0; i < kSent; ++i) {
    ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&addr),
             sizeof addr);
  }
  sink.release();
  // The drop count rides on the next datagram the socket delivers, so ticks follow until every
  // datagram sent is accounted for: a line, or a drop the kernel reported.
  std::uint64_t ticks = 0;
  const bool accounted = wait_until([&] {
    const auto lines = rx.stats().lines.load();
    const auto drops = rx.stats().kernel_drops.load();
    if (drops > 0 && sink.size() == lines && lines + drops == kSent + ticks) return true;
    ::sendto(fd, "<13>1 tick", 10, 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ++ticks;
    return false;
  });
  ::close(fd);
  ASSERT_TRUE(accounted) << "lines " << rx.stats().lines.load() << ", kernel drops "
                         << rx.stats().kernel_drops.load() << ", sent " << kSent + ticks;
  EXPECT_GT(rx.stats().kernel_drops.load(), 0u);
  EXPECT_EQ(rx.health()["kernel_drops"], rx.stats().kernel_drops.load());
  rx.stop();
}

TEST(ReceiverUnix, DatagramSocketWithMode0660) {
  CollectingSink sink;
  TempDir dir;
  const auto path = dir / "syslog.sock";
  {
    std::ofstream stale(path);  // a regular file in the way is not replaced
  }
  UnixReceiver blocked(UnixReceiver::Options{path, 65536}, sink);
  EXPECT_THROW(blocked.start(), std::runtime_error);
  std::filesystem::remove(path);

  UnixReceiver rx(UnixReceiver::Options{path, 65536}, sink);
  rx.start();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);

  auto r = run_command({"logger", "--rfc5424", "-u", path.string(), "-t", "app", "unix hello"});
  ASSERT_EQ(r.status, 0) << r.output;
  auto got = sink.find("unix hello");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->source, "unix");
  EXPECT_EQ(got->peer, path.string());

  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  const std::string d = "<13>1 raw unix\n";
  ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
  ASSERT_TRUE(sink.find("raw unix"));
  EXPECT_EQ(sink.lines().back().bytes, "<13>1 raw unix");

  UnixReceiver twin(UnixReceiver::Options{path, 65536}, sink);
  EXPECT_THROW(twin.start(), std::runtime_error);  // live socket is not stolen
  rx.stop();
  EXPECT_FALSE(std::filesystem::exists(path));
}

// --- file tail ---------------------------------------------------------------------------------

void append(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << data;
}

TEST(ReceiverFileTail, StartsAtEndWaitsForLfAndFollowsRenameRotation) {
  CollectingSink sink;
  TempDir dir;
  const auto path = dir / "decnet.log";
  append(path, "<13>1 old line\n");
  FileTail::Options opts;
  opts.path = path;
  opts.poll_interval = 20ms;
  FileTail tail(opts, sink);
  tail.start();
  EXPECT_EQ(tail.offset(), 15u);

  append(path, "<13>1 new one\n<13>1 partial");
  ASSERT_TRUE(sink.wait_for(1));
  EXPECT_TRUE(wait_until([&] { return tail.offset() == 29u; }));
  append(path, " completed\r\n");
  ASSERT_TRUE(sink.wait_for(2));
  EXPECT_EQ(tail.offset(), 29u + 25u);

  // rename + recreate; a line written to the old file after the rename is still read
  std::filesystem::rename(path, dir / "decnet.log.1");
  append(dir / "decnet.log.1", "<13>1 late in old\n");
  append(path, "<13>1 in new file\n");
  ASSERT_TRUE(sink.wait_for(4));
  EXPECT_EQ(texts(sink.lines()),
            (std::vector<std::string>{"<13>1 new one", "<13>1 partial completed",
                                      "<13>1 late in old", "<13>1 in new file"}));
  for (const auto& l : sink.lines()) {
    EXPECT_EQ(l.source, "file");
    EXPECT_EQ(l.peer, path.string());
  }
  // Each line knows where it ends, in which file: what the writer stores to resume from.
  const auto lines = sink.lines();
  std::vector<std::uint64_t> ends;
  for (const auto& l : lines) ends.push_back(l.file_position.value().offset);
  EXPECT_EQ(ends, (std::vector<std::uint64_t>{29, 54, 72, 18}));
  EXPECT_EQ(lines[0].file_position->inode, lines[2].file_position->inode);
  EXPECT_NE(lines[2].file_position->inode, lines[3].file_position->inode);
  EXPECT_TRUE(wait_until([&] { return tail.offset() == 18u; }));
  tail.stop();
}

TEST(ReceiverFileTail, AFullPipelineHoldsTheReaderBackAndLosesNothing) {
  CollectingSink sink;
  TempDir dir;
  const auto path = dir / "decnet.log";
  append(path, "");
  FileTail::Options opts;
  opts.path = path;
  opts.poll_interval = 20ms;
  FileTail tail(opts, sink);
  tail.start();
  sink.set_refuse(true);
  append(path, "<13>1 one\n<13>1 two\n");
  ASSERT_TRUE(wait_until([&] { return tail.stats().paused.load() == 1; }));
  EXPECT_EQ(tail.offset(), 0u);  // nothing taken yet, so the saved offset has not moved
  sink.set_refuse(false);
  ASSERT_TRUE(sink.wait_for(2));
  EXPECT_EQ(texts(sink.lines()), (std::vector<std::string>{"<13>1 one", "<13>1 two"}));
  EXPECT_TRUE(wait_until([&] { return tail.offset() == 20u; }));
  EXPECT_EQ(tail.stats().refused.load(), 0u);
}

TEST(ReceiverFileTail, FollowsTruncationAndResumesAtASavedOffset) {
  CollectingSink sink;
  TempDir dir;
  const auto path = dir / "decnet.log";
  append(path, "<13>1 a\n<13>1 b\n<13>1 c\n");
  FileTail::Options opts;
  opts.path = path;
  opts.poll_interval = 20ms;
  opts.start_offset = 8;  // after "<13>1 a\n"
  FileTail tail(opts, sink);
  tail.start();
  ASSERT_TRUE(sink.wait_for(2));
  EXPECT_TRUE(wait_until([&] { return tail.offset() == 24u; }));

  std::filesystem::resize_file(path, 0);  // copytruncate
  ASSERT_TRUE(wait_until([&] { return tail.offset() == 0u; }));
  append(path, "<13>1 d\n");
  ASSERT_TRUE(sink.wait_for(3));
  EXPECT_EQ(texts(sink.lines()), (std::vector<std::string>{"<13>1 b", "<13>1 c", "<13>1 d"}));
  EXPECT_EQ(tail.health()["offset"], 8);
}

// A saved position belongs to one file: another file at the path (rotated while the server
// was stopped) is read from its start.
TEST(ReceiverFileTail, ASavedPositionOfAnotherFileIsNotApplied) {
  CollectingSink sink;
  TempDir dir;
  const auto path = dir / "decnet.log";
  append(path, "<13>1 a\n<13>1 b\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  FileTail::Options opts;
  opts.path = path;
  opts.poll_interval = 20ms;
  opts.start_offset = 8;
  opts.start_inode = static_cast<std::uint64_t>(st.st_ino) + 1;
  FileTail tail(opts, sink);
  tail.start();
  ASSERT_TRUE(sink.wait_for(2));
  EXPECT_EQ(texts(sink.lines()), (std::vector<std::string>{"<13>1 a", "<13>1 b"}));
  tail.stop();

  CollectingSink same_file;
  opts.start_inode = static_cast<std::uint64_t>(st.st_ino);
  FileTail resumed(opts, same_file);
  resumed.start();
  ASSERT_TRUE(same_file.wait_for(1));
  EXPECT_EQ(texts(same_file.lines()), (std::vector<std::string>{"<13>1 b"}));
}

TEST(ReceiverFileTail, WaitsForAMissingFileAndTruncatesLongLines) {
  CollectingSink sink;
  TempDir dir;
  const auto path = dir / "later.log";
  FileTail::Options opts;
  opts.path = path;
  opts.poll_interval = 20ms;
  opts.max_line_bytes = 300;
  FileTail tail(opts, sink);
  tail.start();
  append(path, "<13>1 " + std::string(5000, 'x') + "\n<13>1 short\n");
  ASSERT_TRUE(sink.wait_for(2));
  const auto lines = sink.lines();
  EXPECT_EQ(lines[0].bytes.size(), 300u);
  EXPECT_TRUE(lines[0].truncated);
  EXPECT_EQ(lines[1].bytes, "<13>1 short");
  EXPECT_EQ(tail.offset(), 5007u + 12u);
}

// --- TLS ---------------------------------------------------------------------------------------

// A CA, a server certificate and two client certificates made with the openssl CLI.

// Sends `payload` over TLS with openssl s_client presenting `who`'s certificate.
testing::CommandResult tls_send(const Pki& pki, int port, const std::string& who,
                                const std::string& payload, const std::filesystem::path& dir) {
  const auto input = dir / (who + ".in");
  {
    std::ofstream out(input, std::ios::binary);
    out << payload;
  }
  const std::string cmd = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                          " -CAfile " + pki.file("ca.pem") + " -cert " + pki.file(who + ".pem") +
                          " -key " + pki.file(who + ".key") + " -quiet -no_ign_eof < " +
                          input.string();
  return run_command({"sh", "-c", cmd});
}

TEST(ReceiverTls, MutualTlsAcceptsOnlyRegisteredFingerprints) {
  TempDir dir;
  Pki pki(dir.path());
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver::Options o;
  o.name = "syslog-tls";
  o.source = "tls";
  o.port = static_cast<std::uint16_t>(port);
  o.tls = true;
  o.tls_cert = pki.file("server.pem");
  o.tls_key = pki.file("server.key");
  o.tls_client_ca = pki.file("ca.pem");
  o.tls_client_fingerprints = {normalize_fingerprint(pki.fingerprint("sensor"))};
  ASSERT_EQ(o.tls_client_fingerprints[0].size(), 64u);
  StreamReceiver rx(o, sink);
  rx.start();

  tls_send(pki, port, "sensor", frame(kMsg + " from sensor") + frame(kMsg + " again"), dir.path());
  auto got = sink.find("again");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->peer, "sensor-01");
  EXPECT_EQ(got->source, "tls");
  EXPECT_EQ(sink.lines()[0].bytes, kMsg + " from sensor");

  tls_send(pki, port, "intruder", frame(kMsg + " from intruder"), dir.path());
  EXPECT_TRUE(wait_until([&] { return rx.stats().tls_rejected.load() >= 1; }));

  // no client certificate at all
  run_command({"sh", "-c",
               "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -CAfile " +
                   pki.file("ca.pem") + " -quiet -no_ign_eof < /dev/null"});
  EXPECT_TRUE(wait_until([&] { return rx.stats().tls_rejected.load() >= 2; }));

  tls_send(pki, port, "sensor", frame(kMsg + " still fine"), dir.path());
  ASSERT_TRUE(sink.find("still fine"));
  for (const auto& l : sink.lines()) EXPECT_EQ(l.bytes.find("intruder"), std::string::npos);
  EXPECT_EQ(sink.size(), 3u);
  EXPECT_GE(rx.health()["tls_rejected"], 2);
}

// Sensors that authenticate with a client certificate have slots of their own: anonymous
// connections, however many, neither take them nor evict them.
TEST(ReceiverTls, AuthenticatedSensorsKeepTheirSlotsApart) {
  TempDir dir;
  Pki pki(dir.path());
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver::Options o;
  o.name = "syslog-tls";
  o.source = "tls";
  o.port = static_cast<std::uint16_t>(port);
  o.tls = true;
  o.tls_cert = pki.file("server.pem");
  o.tls_key = pki.file("server.key");
  o.tls_client_ca = pki.file("ca.pem");
  o.max_connections = 1;
  o.evict_after_silence = 0ms;
  StreamReceiver rx(o, sink);
  rx.start();
  // A sensor that stays connected (-ign_eof: its empty input does not end the session).
  ChildProcess sensor({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                       "-CAfile", pki.file("ca.pem"), "-cert", pki.file("sensor.pem"), "-key",
                       pki.file("sensor.key"), "-quiet", "-ign_eof"});
  ASSERT_TRUE(wait_until([&] { return rx.health()["authenticated"] == 1; }));
  Client first(port);  // anonymous: the sensor does not hold the one anonymous slot
  ASSERT_TRUE(first.connected());
  ASSERT_TRUE(wait_until([&] { return rx.stats().active.load() == 2; }));
  Client second(port);  // the anonymous pool is full: the silent anonymous one goes
  EXPECT_TRUE(first.closed_by_peer());
  EXPECT_EQ(rx.stats().evicted.load(), 1u);
  EXPECT_TRUE(sensor.running());
  EXPECT_EQ(rx.health()["authenticated"], 1);
  EXPECT_TRUE(wait_until([&] { return rx.stats().active.load() == 2; }));  // sensor + second
}

TEST(ReceiverTls, PinnedFingerprintWithoutCaAndFailuresAtStart) {
  TempDir dir;
  Pki pki(dir.path());
  CollectingSink sink;
  StreamReceiver::Options o;
  o.port = static_cast<std::uint16_t>(free_port());
  o.tls = true;
  o.tls_cert = pki.file("server.pem");
  o.tls_key = pki.file("missing.key");
  StreamReceiver broken(o, sink);
  try {
    broken.start();
    FAIL() << "started without a key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.key"), std::string::npos) << e.what();
  }

  o.tls_key = pki.file("server.key");
  o.tls_client_fingerprints = {normalize_fingerprint(pki.fingerprint("intruder"))};
  StreamReceiver rx(o, sink);
  rx.start();
  tls_send(pki, o.port, "sensor", frame(kMsg + " sensor"), dir.path());
  EXPECT_TRUE(wait_until([&] { return rx.stats().tls_rejected.load() == 1; }));
  tls_send(pki, o.port, "intruder", frame(kMsg + " pinned"), dir.path());
  auto got = sink.find("pinned");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->peer, "intruder");
  EXPECT_EQ(sink.size(), 1u);
}

TEST(ReceiverOptions, BuiltFromConfig) {
  auto config = core::Config::with({{"DECNET_SYSLOG_TCP_PORT", "7000"},
                                    {"DECNET_SYSLOG_IDLE_SECONDS", "9"},
                                    {"DECNET_SYSLOG_TLS_CLIENT_FINGERPRINTS",
                                     " " + std::string(64, 'A') + " , " + std::string(64, 'b')}});
  auto o = ReceiverOptions::from_config(config);
  EXPECT_TRUE(o.tcp_enabled);
  EXPECT_EQ(o.tcp_host, "127.0.0.1");
  EXPECT_EQ(o.tcp_port, 7000);
  EXPECT_EQ(o.udp_port, 5514);
  EXPECT_FALSE(o.tls_enabled);
  EXPECT_EQ(o.tls_port, 6514);
  EXPECT_EQ(o.idle_timeout, std::chrono::seconds(9));
  EXPECT_EQ(o.max_line_bytes, 65536u);
  EXPECT_EQ(o.max_connections, 1024u);
  EXPECT_TRUE(o.unix_socket.empty());
  EXPECT_EQ(o.tls_client_fingerprints,
            (std::vector<std::string>{std::string(64, 'a'), std::string(64, 'b')}));
  auto bad = core::Config::with({{"DECNET_SYSLOG_TLS_CLIENT_FINGERPRINTS", "abc"}});
  EXPECT_THROW(ReceiverOptions::from_config(bad), core::ConfigError);
}

// --- rsyslog as a real sensor ------------------------------------------------------------------

TEST(ReceiverRsyslog, ImfileForwardedOctetCountedOverTcp) {
  TempDir dir;
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver rx(tcp_opts(port), sink);
  rx.start();
  const auto input = dir / "in.log";
  append(input, "first line via rsyslog\n");
  Rsyslog rsyslog(dir.path(), imfile_input(input) +
                                  "action(type=\"omfwd\" protocol=\"tcp\" TCP_Framing=\"octet-"
                                  "counted\" target=\"127.0.0.1\" port=\"" +
                                  std::to_string(port) +
                                  "\" template=\"RSYSLOG_SyslogProtocol23Format\")\n");
  auto got = sink.find("first line via rsyslog", 30s);
  ASSERT_TRUE(got) << rsyslog.output();
  append(input, "second line via rsyslog\n");
  ASSERT_TRUE(sink.find("second line via rsyslog", 30s)) << rsyslog.output();
  EXPECT_EQ(got->bytes.rfind("<14>1 ", 0), 0u) << got->bytes;
  EXPECT_NE(got->bytes.find("sensorapp"), std::string::npos);
  EXPECT_EQ(rx.stats().framing_errors.load(), 0u);
}

TEST(ReceiverRsyslog, ForwardsOverMutualTls) {
  TempDir dir;
  Pki pki(dir.path());
  CollectingSink sink;
  const int port = free_port();
  StreamReceiver::Options o;
  o.name = "syslog-tls";
  o.source = "tls";
  o.port = static_cast<std::uint16_t>(port);
  o.tls = true;
  o.tls_cert = pki.file("server.pem");
  o.tls_key = pki.file("server.key");
  o.tls_client_ca = pki.file("ca.pem");
  o.tls_client_fingerprints = {normalize_fingerprint(pki.fingerprint("sensor"))};
  StreamReceiver rx(o, sink);
  rx.start();
  const auto input = dir / "in.log";
  append(input, "tls line via rsyslog\n");
  const std::string conf =
      "global(DefaultNetstreamDriverCAFile=\"" + pki.file("ca.pem") +
      "\" DefaultNetstreamDriverCertFile=\"" + pki.file("sensor.pem") +
      "\" DefaultNetstreamDriverKeyFile=\"" + pki.file("sensor.key") + "\")\n" +
      imfile_input(input) +
      "action(type=\"omfwd\" protocol=\"tcp\" TCP_Framing=\"octet-counted\" target=\"127.0.0.1\" "
      "port=\"" +
      std::to_string(port) +
      "\" StreamDriver=\"ossl\" StreamDriverMode=\"1\" "
      "StreamDriverAuthMode=\"x509/certvalid\" template=\"RSYSLOG_SyslogProtocol23Format\")\n";
  Rsyslog rsyslog(dir.path(), conf);
  auto got = sink.find("tls line via rsyslog", 30s);
  ASSERT_TRUE(got) << rsyslog.output();
  EXPECT_EQ(got->peer, "sensor-01");
  EXPECT_EQ(got->source, "tls");
  EXPECT_EQ(rx.stats().tls_rejected.load(), 0u);
}

}  // namespace
}  // namespace decnet::ingest
