// RELP: the conversation without sockets (framing, offers, answers in order and only once a
// line is stored, hostile frames), the resend filter, the receiver on a real socket, and
// rsyslog's omrelp as the real sender.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <mutex>

#include "ingest/relp_conversation.h"
#include "ingest/resend_filter.h"
#include "ingest/stream_receiver.h"
#include "pki_support.h"
#include "rsyslog_support.h"
#include "tests_support.h"

namespace decnet::ingest {
namespace {

using namespace std::chrono_literals;
using testing::free_port;
using testing::TempDir;
using testing::wait_until;

const std::string kOffers =
    "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog";
const std::string kOpen = "1 open " + std::to_string(kOffers.size()) + " " + kOffers + "\n";

std::string syslog_frame(int txnr, const std::string& msg) {
  return std::to_string(txnr) + " syslog " + std::to_string(msg.size()) + " " + msg + "\n";
}

struct Fed {
  std::string bytes;
  std::uint64_t tag;
  bool may_be_resent;
  bool truncated;
};

struct Harness {
  RelpConversation relp{64};
  std::vector<Fed> lines;
  bool feed(const std::string& data) {
    return relp.feed(data, [&](FramedLine l, std::uint64_t tag, bool resend) {
      lines.push_back({l.bytes, tag, resend, l.truncated});
    });
  }
  std::string responses() {
    std::string out;
    relp.take_responses(out);
    return out;
  }
};

TEST(RelpConversation, AnswersOpenWithItsOffers) {
  Harness h;
  ASSERT_TRUE(h.feed(kOpen));
  const auto out = h.responses();
  const std::string body = out.substr(out.find("200 OK"));
  EXPECT_EQ(out.rfind("1 rsp " + std::to_string(body.size() - 1) + " 200 OK\n", 0), 0u) << out;
  EXPECT_NE(out.find("relp_version=0"), std::string::npos);
  EXPECT_NE(out.find("commands=syslog"), std::string::npos);
  EXPECT_EQ(out.back(), '\n');
}

TEST(RelpConversation, AnswersSyslogFramesOnlyOnceStoredAndInOrder) {
  Harness h;
  ASSERT_TRUE(h.feed(kOpen));
  h.responses();
  ASSERT_TRUE(h.feed(syslog_frame(2, "first\n") + syslog_frame(3, "second") +
                     syslog_frame(4, "third\r\n")));
  ASSERT_EQ(h.lines.size(), 3u);
  EXPECT_EQ(h.lines[0].bytes, "first");
  EXPECT_EQ(h.lines[2].bytes, "third");
  EXPECT_EQ(h.responses(), "");  // nothing stored yet
  h.relp.acknowledge(h.lines[1].tag);
  EXPECT_EQ(h.responses(), "");  // the second waits for the first
  h.relp.acknowledge(h.lines[0].tag);
  EXPECT_EQ(h.responses(), "2 rsp 6 200 OK\n3 rsp 6 200 OK\n");
  h.relp.acknowledge(h.lines[2].tag);
  h.relp.acknowledge(h.lines[2].tag);  // twice, or a stale tag: ignored
  h.relp.acknowledge(12345);
  EXPECT_EQ(h.responses(), "4 rsp 6 200 OK\n");
  EXPECT_EQ(h.relp.unanswered(), 0u);
}

TEST(RelpConversation, ParsesFramesSplitAtEveryByte) {
  Harness h;
  const std::string stream =
      kOpen + syslog_frame(2, "one") + syslog_frame(3, "two") + "4 close 0\n";
  for (char c : stream) ASSERT_TRUE(h.feed(std::string(1, c))) << h.relp.error();
  ASSERT_EQ(h.lines.size(), 2u);
  EXPECT_EQ(h.lines[1].bytes, "two");
  for (const auto& l : h.lines) h.relp.acknowledge(l.tag);
  const auto out = h.responses();
  EXPECT_NE(out.find("3 rsp 6 200 OK\n4 rsp 6 200 OK\n"), std::string::npos) << out;
  EXPECT_TRUE(h.relp.finished());
}

TEST(RelpConversation, CloseIsAnsweredAfterEveryEarlierFrame) {
  Harness h;
  ASSERT_TRUE(h.feed(kOpen + syslog_frame(2, "x") + "3 close 0\n"));
  h.responses();
  EXPECT_FALSE(h.relp.finished());
  h.relp.acknowledge(h.lines[0].tag);
  EXPECT_EQ(h.responses(), "2 rsp 6 200 OK\n3 rsp 6 200 OK\n");
  EXPECT_TRUE(h.relp.finished());
}

TEST(RelpConversation, KeepsAnOversizeLineTruncated) {
  Harness h;
  ASSERT_TRUE(h.feed(kOpen + syslog_frame(2, std::string(200, 'a')) + syslog_frame(3, "ok")));
  ASSERT_EQ(h.lines.size(), 2u);
  EXPECT_TRUE(h.lines[0].truncated);
  EXPECT_EQ(h.lines[0].bytes.size(), 64u);
  EXPECT_EQ(h.lines[1].bytes, "ok");
}

TEST(RelpConversation, MarksOnlyTheFirstFramesOfASessionAsPossibleResends) {
  Harness h;
  std::string frames = kOpen;
  const int n = static_cast<int>(RelpConversation::kResendWindow) + 5;
  for (int i = 0; i < n; ++i) frames += syslog_frame(i + 2, "m" + std::to_string(i));
  ASSERT_TRUE(h.feed(frames));
  ASSERT_EQ(h.lines.size(), static_cast<std::size_t>(n));
  EXPECT_TRUE(h.lines.front().may_be_resent);
  EXPECT_TRUE(h.lines[RelpConversation::kResendWindow - 1].may_be_resent);
  EXPECT_FALSE(h.lines[RelpConversation::kResendWindow].may_be_resent);
}

TEST(RelpConversation, RefusesWhatIsNotAFrame) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"GET / HTTP/1.1\r\n", "number"},
      {"1234567890 open 0\n", "9 digits"},
      {"1 " + std::string(40, 'x') + " 0\n", "32 letters"},
      {"1 open 3 abcX", "line feed"},
      {"2 syslog 2 hi\n", "before open"},
      {"1 open 0\n", "relp_version"},
      {"1 open 12x", "data length"},
      {"0 syslog 2 hi\n", "transaction number 0"},
  };
  for (const auto& [input, why] : bad) {
    Harness h;
    EXPECT_FALSE(h.feed(input)) << input;
    EXPECT_NE(h.relp.error().find(why), std::string::npos) << input << ": " << h.relp.error();
    EXPECT_FALSE(h.feed("1 open 0\n"));  // stays failed
  }
}

TEST(RelpConversation, AnswersUnknownCommandsWithAnError) {
  Harness h;
  ASSERT_TRUE(h.feed(kOpen + "2 starttls 0\n"));
  const auto out = h.responses();
  EXPECT_NE(out.find("2 rsp 25 500 command not supported\n"), std::string::npos) << out;
}

TEST(ResendFilter, DropsOnlyPossibleResendsOfRecentLines) {
  ResendFilter f;
  EXPECT_FALSE(f.is_resend("a", true));
  EXPECT_FALSE(f.is_resend("b", false));
  EXPECT_TRUE(f.is_resend("a", true));
  EXPECT_FALSE(f.is_resend("a", false));  // later in a connection: a real second line
  EXPECT_FALSE(f.is_resend("c", true));
}

TEST(ResendFilter, CarriesOnFromWhatWasSavedAndForgetsTheOldest) {
  ResendFilter f;
  for (std::size_t i = 0; i < ResendFilter::kCapacity + 10; ++i) {
    ASSERT_FALSE(f.is_resend("line " + std::to_string(i), false));
  }
  ResendFilter g;
  g.restore(f.save());
  EXPECT_EQ(g.size(), ResendFilter::kCapacity);
  EXPECT_TRUE(g.is_resend("line " + std::to_string(ResendFilter::kCapacity + 9), true));
  EXPECT_TRUE(g.is_resend("line 10", true));
  EXPECT_FALSE(g.is_resend("line 9", true));  // pushed out
  ResendFilter h;
  h.restore(nlohmann::json{{"key", "not base64!"}, {"digests", "AAAA"}});
  EXPECT_EQ(h.size(), 0u);
  EXPECT_FALSE(h.is_resend("line 10", true));
}

// --- the receiver on a socket ------------------------------------------------------------------

// Keeps lines and tells their senders they are stored when the test says so, or at once, as a
// pipeline that commits instantly would.
class StoringSink : public LineSink {
 public:
  explicit StoringSink(bool store_at_once = false) : at_once_(store_at_once) {}
  bool submit(RawLine& line) override {
    std::lock_guard lock(mu_);
    lines_.push_back(std::move(line));
    if (at_once_) store_locked();
    return true;
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return lines_.size();
  }
  void store_all() {
    std::lock_guard lock(mu_);
    store_locked();
  }
  std::vector<std::string> texts() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& l : lines_) out.push_back(l.bytes);
    return out;
  }

 private:
  void store_locked() {
    for (; stored_ < lines_.size(); ++stored_) {
      const auto& d = lines_[stored_].delivery;
      if (d) d->receipts->stored(d->tag);
    }
  }

  const bool at_once_;
  mutable std::mutex mu_;
  std::vector<RawLine> lines_;
  std::size_t stored_ = 0;
};

class RelpClient {
 public:
  explicit RelpClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{0, 200'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RelpClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Whatever arrives within the short receive timeout, added to what came before.
  const std::string& poll() {
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) received_.append(buf, static_cast<std::size_t>(n));
    if (n == 0) eof_ = true;
    return received_;
  }
  bool eof() const { return eof_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

StreamReceiver::Options relp_opts() {
  StreamReceiver::Options o;
  o.name = "syslog-relp";
  o.source = "relp";
  o.port = 0;
  o.relp = true;
  return o;
}

TEST(RelpReceiver, AnswersAFrameOnlyAfterItsLineIsStored) {
  StoringSink sink;
  StreamReceiver rx(relp_opts(), sink);
  rx.start();
  RelpClient client(rx.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(kOpen + syslog_frame(2, "<14>1 - h app - - - stored later\n")));
  ASSERT_TRUE(wait_until([&] { return client.poll().find("1 rsp") != std::string::npos; }));
  ASSERT_TRUE(wait_until([&] { return sink.size() == 1; }));
  EXPECT_EQ(sink.texts().front(), "<14>1 - h app - - - stored later");
  // Not stored: no answer, however long the sender waits for one.
  client.poll();
  EXPECT_EQ(client.poll().find("2 rsp"), std::string::npos);
  sink.store_all();
  EXPECT_TRUE(wait_until([&] {
    return client.poll().find("2 rsp 6 200 OK\n") != std::string::npos;
  })) << client.poll();
  ASSERT_TRUE(client.send("3 close 0\n"));
  EXPECT_TRUE(wait_until([&] {
    client.poll();
    return client.eof();
  }));
  EXPECT_NE(client.poll().find("3 rsp 6 200 OK\n"), std::string::npos);
  rx.stop();
}

// Lines outlive the receiver that took them (the pipeline stops after the receivers): reporting
// them stored afterwards reaches nothing and harms nothing.
TEST(RelpReceiver, ReportsAfterTheReceiverIsGoneAreDropped) {
  StoringSink sink;
  {
    StreamReceiver rx(relp_opts(), sink);
    rx.start();
    {
      RelpClient client(rx.port());
      ASSERT_TRUE(client.send(kOpen + syslog_frame(2, "outlives its receiver")));
      ASSERT_TRUE(wait_until([&] { return sink.size() == 1; }));
    }  // the sender goes away unanswered (it would send the line again)
    ASSERT_TRUE(wait_until([&] { return rx.stats().active.load() == 0; }));
  }
  sink.store_all();
  EXPECT_EQ(sink.texts().front(), "outlives its receiver");
}

TEST(RelpReceiver, ClosesAConnectionThatSendsGarbage) {
  StoringSink sink;
  StreamReceiver rx(relp_opts(), sink);
  rx.start();
  RelpClient client(rx.port());
  ASSERT_TRUE(client.send("hello there\n"));
  EXPECT_TRUE(wait_until([&] {
    client.poll();
    return client.eof();
  }));
  EXPECT_EQ(sink.size(), 0u);
  EXPECT_EQ(rx.stats().framing_errors.load(), 1u);
}

TEST(RelpReceiver, StopWaitsForStoredLinesAndSaysServerclose) {
  StoringSink sink;
  StreamReceiver rx(relp_opts(), sink);
  rx.start();
  RelpClient client(rx.port());
  ASSERT_TRUE(client.send(kOpen + syslog_frame(2, "a line")));
  ASSERT_TRUE(wait_until([&] { return sink.size() == 1; }));
  std::thread stopper([&] { rx.stop(); });
  sink.store_all();
  stopper.join();
  const auto& got = client.poll();
  EXPECT_NE(got.find("2 rsp 6 200 OK\n0 serverclose 0\n"), std::string::npos) << got;
}

// rsyslog's omrelp, the sender deckies and relays use, delivers through the receiver and gets
// its answers: every line arrives, in order.
TEST(RelpReceiver, RsyslogOmrelpDeliversEveryLine) {
  TempDir dir;
  StoringSink sink(true);
  StreamReceiver rx(relp_opts(), sink);
  rx.start();
  const auto input = dir / "in.log";
  {
    std::ofstream out(input);
    for (int i = 0; i < 2000; ++i) out << "relp line " << i << "\n";
  }
  testing::Rsyslog rsyslog(dir.path(), testing::imfile_input(input) +
                                           "module(load=\"omrelp\")\n"
                                           "action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" +
                                           std::to_string(rx.port()) +
                                           "\" template=\"RSYSLOG_SyslogProtocol23Format\")\n");
  const bool all = wait_until([&] { return sink.size() >= 2000; }, 60s);
  ASSERT_TRUE(all) << sink.size() << "\n" << rsyslog.output();
  const auto texts = sink.texts();
  for (int i = 0; i < 2000; i += 500) {
    EXPECT_NE(texts[static_cast<std::size_t>(i)].find("relp line " + std::to_string(i)),
              std::string::npos)
        << texts[static_cast<std::size_t>(i)];
  }
  EXPECT_EQ(rx.stats().framing_errors.load(), 0u);
}

// RELP over TLS with a client certificate pinned by fingerprint, as a remote decky would send:
// rsyslog's omrelp with librelp's TLS against the receiver's TLS set-up.
TEST(RelpReceiver, RsyslogOmrelpOverTlsWithAClientCertificate) {
  TempDir dir;
  testing::Pki pki(dir.path());
  StoringSink sink(true);
  auto o = relp_opts();
  o.tls = true;
  o.tls_cert = pki.file("server.pem");
  o.tls_key = pki.file("server.key");
  o.tls_client_ca = pki.file("ca.pem");
  o.tls_client_fingerprints = {normalize_fingerprint(pki.fingerprint("sensor"))};
  StreamReceiver rx(o, sink);
  rx.start();
  const auto input = dir / "in.log";
  {
    std::ofstream out(input);
    out << "relp over tls\n";
  }
  testing::Rsyslog rsyslog(dir.path(),
                           testing::imfile_input(input) + "module(load=\"omrelp\")\n" +
                               "action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" +
                               std::to_string(rx.port()) + "\" tls=\"on\" tls.caCert=\"" +
                               pki.file("ca.pem") + "\" tls.myCert=\"" + pki.file("sensor.pem") +
                               "\" tls.myPrivKey=\"" + pki.file("sensor.key") +
                               "\" tls.authMode=\"name\" tls.permittedPeer=[\"localhost\"] "
                               "template=\"RSYSLOG_SyslogProtocol23Format\")\n");
  const bool got = wait_until([&] { return sink.size() >= 1; }, 30s);
  ASSERT_TRUE(got) << rsyslog.output();
  EXPECT_NE(sink.texts().front().find("relp over tls"), std::string::npos);
  EXPECT_EQ(rx.stats().tls_rejected.load(), 0u);
}

}  // namespace
}  // namespace decnet::ingest
