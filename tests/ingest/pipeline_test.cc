#include "ingest/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

#include "bus/inprocess_bus.h"
#include "core/base64.h"
#include "core/time.h"
#include "store/attachment_repository.h"
#include "store/attacker_repository.h"
#include "store/credential_repository.h"
#include "store/log_repository.h"
#include "store/smtp_target_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/state_repository.h"
#include "tests_support.h"

namespace decnet::ingest {
namespace {

using decnet::testing::wait_until;

// Records every event published on a pattern.
struct Recorder {
  std::mutex mu;
  std::vector<bus::Event> events;
  bus::Subscription sub;
  Recorder(bus::Bus& b, const std::string& pattern) {
    sub = b.subscribe(pattern,
                      [this](const bus::Event& e) {
                        std::lock_guard lock(mu);
                        events.push_back(e);
                      },
                      {.queue_capacity = 100000});
  }
  std::vector<bus::Event> snapshot() {
    std::lock_guard lock(mu);
    return events;
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void TearDown() override { close(); }

  void open() {
    repo_ = store::sqlite::open_sqlite_repository({.path = dir_ / "decnet.db"});
    index_ = std::make_unique<correlate::CredentialReuseIndex>();
    pipeline_ = std::make_unique<IngestPipeline>(*repo_, bus_, *index_, options_);
    pipeline_->start();
  }
  void close() {
    if (pipeline_) pipeline_->stop();
    pipeline_.reset();
    if (repo_) repo_->close();
    repo_.reset();
  }
  void send(const std::string& line, const std::string& source = "test") {
    RawLine raw{line, source, "127.0.0.1:1", core::now_micros(), false};
    ASSERT_TRUE(pipeline_->submit(raw));
  }
  void flush() { ASSERT_TRUE(pipeline_->flush()); }

  decnet::testing::TempDir dir_;
  PipelineOptions options_;
  bus::InProcessBus bus_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<correlate::CredentialReuseIndex> index_;
  std::unique_ptr<IngestPipeline> pipeline_;
};

constexpr const char* kFtpAuth =
    R"(<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - auth_attempt [relay@55555 username="admin" principal="admin" secret_printable="hunter2" secret_b64="aHVudGVyMg==" src_ip="203.0.113.9"])";
constexpr const char* kPop3Auth =
    R"(<134>1 2026-05-02T06:23:10.000000+00:00 mail-01 pop3 - auth [relay@55555 src="198.51.100.20" username="admin" principal="admin" outcome="failure" secret_printable="hunter2" secret_b64="aHVudGVyMg=="])";

TEST_F(PipelineTest, EventsAreStoredWithTheirAttackerAndAnnouncedAfterCommit) {
  Recorder observed(bus_, "attacker.observed");
  Recorder logs(bus_, "system.log");
  send(
      R"(<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - connection [relay@55555 src_ip="203.0.113.9" src_port="51234"])");
  send(
      R"(<134>1 2026-05-02T06:22:49.000000+00:00 decky-01 ftp - disconnect [relay@55555 src_ip="203.0.113.9"])");
  flush();
  EXPECT_EQ(repo_->logs().count(), 2);
  const auto attacker = repo_->attackers().get_by_ip("203.0.113.9");
  ASSERT_TRUE(attacker);
  EXPECT_EQ(attacker->event_count, 2);
  EXPECT_EQ(attacker->services, std::vector<std::string>{"ftp"});
  const auto rows = repo_->logs().list({});
  for (const auto& row : rows.data) EXPECT_EQ(row.attacker_uuid, attacker->uuid);
  ASSERT_TRUE(wait_until([&] { return observed.size() == 1 && logs.size() >= 1; }));
  const auto event = observed.snapshot()[0];
  EXPECT_EQ(event.payload["attacker_uuid"], attacker->uuid);
  EXPECT_EQ(event.payload["attacker_ip"], "203.0.113.9");
  EXPECT_EQ(event.payload["event_type"], "connection");
  // When the event is seen, the row is already readable (published after commit).
  EXPECT_TRUE(repo_->attackers().get(event.payload["attacker_uuid"].get<std::string>()));
}

TEST_F(PipelineTest, HeldBackAttackerCountersAreWrittenWhenIngestGoesQuiet) {
  close();
  options_.idle_flush = std::chrono::milliseconds(50);
  open();
  send(kFtpAuth);
  ASSERT_TRUE(wait_until([&] { return repo_->attackers().get_by_ip("203.0.113.9").has_value(); }));
  // The attacker now exists, so the ledger holds this event's counters back instead of writing.
  send(kFtpAuth);
  ASSERT_TRUE(wait_until([&] { return repo_->logs().count() == 2; }));
  EXPECT_TRUE(wait_until([&] {
    const auto a = repo_->attackers().get_by_ip("203.0.113.9");
    return a && a->event_count == 2 && a->credential_count == 2;
  }));
}

TEST_F(PipelineTest, AttackerObservedIsPublishedOncePerAttackerAcrossRestarts) {
  Recorder observed(bus_, "attacker.observed");
  send(kFtpAuth);
  flush();
  ASSERT_TRUE(wait_until([&] { return observed.size() == 1; }));
  close();
  open();
  send(kFtpAuth);
  flush();
  // A marker published after the flush arrives second only if no duplicate came before it.
  bus_.publish("attacker.observed", {{"marker", true}}, "");
  ASSERT_TRUE(wait_until([&] { return observed.size() == 2; }));
  EXPECT_TRUE(observed.snapshot()[1].payload.contains("marker"));
}

TEST_F(PipelineTest, ReusedPasswordAcrossFtpAndPop3FromTwoAddressesIsOneFinding) {
  Recorder captured(bus_, "credential.captured");
  Recorder reuse(bus_, "credential.reuse.detected");
  send(kFtpAuth);
  send(kPop3Auth);
  flush();
  ASSERT_TRUE(wait_until([&] { return reuse.size() == 1 && captured.size() == 2; }));
  const auto event = reuse.snapshot()[0];
  EXPECT_EQ(event.payload["target_count"], 2);
  EXPECT_EQ(event.payload["attacker_ip_count"], 2);
  EXPECT_TRUE(event.payload["attacker_ips"].is_array());  // real arrays, not JSON strings
  EXPECT_EQ(event.payload["secret_kind"], "plaintext");
  EXPECT_FALSE(event.payload.contains("secret_sha256"));  // no secret material on the bus
  const auto page = repo_->credential_reuse().list_credential_reuses(2, {}, {});
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.data[0].id, event.payload["id"]);
  EXPECT_EQ(page.data[0].target_count, 2);
  EXPECT_EQ(page.data[0].secret_printable, "hunter2");
  // Every credential row carries the uuid of the attacker that tried it, set at write time.
  const auto creds = repo_->credentials().list({});
  ASSERT_EQ(creds.total, 2);
  for (const auto& c : creds.data) EXPECT_TRUE(c.attacker_uuid.has_value());
  // Repeating a known attempt does not announce the finding again.
  send(kPop3Auth);
  flush();
  ASSERT_TRUE(wait_until([&] { return captured.size() == 3; }));
  EXPECT_EQ(reuse.size(), 1u);
}

TEST_F(PipelineTest, ReconciliationAtStartRepairsAFindingMissingFromTheDatabase) {
  send(kFtpAuth);
  send(kPop3Auth);
  flush();
  ASSERT_EQ(repo_->credential_reuse().list_credential_reuses(2, {}, {}).total, 1);
  close();
  {
    // Lose the finding behind the pipeline's back, as a failed transaction could.
    auto repo = store::sqlite::open_sqlite_repository({.path = dir_ / "decnet.db"});
    repo->write_now([&](store::WriteScope& w) {
      store::sqlite::connection_of(w).exec("DELETE FROM credential_reuse");
    });
    ASSERT_EQ(repo->credential_reuse().list_credential_reuses(2, {}, {}).total, 0);
    repo->close();
  }
  open();
  const auto page = repo_->credential_reuse().list_credential_reuses(2, {}, {});
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.data[0].target_count, 2);
  EXPECT_EQ(pipeline_->counters().reuse_repairs.load(), 1u);
}

TEST_F(PipelineTest, UnparseableLinesAreDeadLetteredWithTheirBytes) {
  send("this is not syslog");
  send(std::string("\x00\xff\xfe", 3));
  send(kFtpAuth);
  flush();
  EXPECT_EQ(repo_->dead_letters().count(), 2);
  EXPECT_EQ(repo_->logs().count(), 1);
  const auto dead = repo_->dead_letters().list({});
  bool found_binary = false;
  for (const auto& d : dead.data) {
    EXPECT_FALSE(d.reason.empty());
    EXPECT_EQ(d.source, "test");
    found_binary |= d.raw == std::string("\x00\xff\xfe", 3);
  }
  EXPECT_TRUE(found_binary);
  EXPECT_EQ(pipeline_->counters().dead_letters.load(), 2u);
}

TEST_F(PipelineTest, InvalidSecretKeepsTheEventButMakesNoCredential) {
  send(
      R"(<134>1 2026-05-02T06:22:48.089309+00:00 decky-01 ftp - auth_attempt [relay@55555 username="admin" secret_b64="not!base64!!" src_ip="203.0.113.9"])");
  flush();
  EXPECT_EQ(repo_->logs().count(), 1);
  EXPECT_EQ(repo_->credentials().count(), 0);
  EXPECT_EQ(pipeline_->counters().invalid_secrets.load(), 1u);
}

TEST_F(PipelineTest, ManyLinesFromManyAttackersAreAllCommitted) {
  constexpr int kLines = 20000;
  for (int i = 0; i < kLines; ++i) {
    send("<134>1 2026-05-02T06:22:48.089309+00:00 decky-0" + std::to_string(i % 5) +
         " ssh - connect [relay@55555 src_ip=\"10." + std::to_string(i % 7) + "." +
         std::to_string(i % 251) + ".1\"]");
  }
  flush();
  EXPECT_EQ(repo_->logs().count(), kLines);
  EXPECT_EQ(repo_->dead_letters().count(), 0);
  std::int64_t events = 0;
  for (std::int64_t offset = 0;; offset += 1000) {
    const auto page = repo_->attackers().list({{1000, offset}});
    for (const auto& a : page.data) events += a.event_count;
    if (page.data.empty()) break;
  }
  EXPECT_EQ(events, kLines);
  EXPECT_LT(pipeline_->counters().batches.load(), static_cast<std::uint64_t>(kLines));
}

TEST_F(PipelineTest, SmtpRecipientsBecomeTargetDomainsCountedPerRecipient) {
  for (const char* rcpt :
       {"<ceo@victim.com>", "<cfo@VICTIM.com>", "<x@other.org>", "<a@foo.invalid>"}) {
    send(std::string("<132>1 2026-05-02T06:22:48.089309+00:00 mail-01 smtp - rcpt_to "
                     "[relay@55555 src=\"203.0.113.9\" value=\"") +
         rcpt + "\"]");
  }
  send(
      R"(<132>1 2026-05-02T06:22:48.089309+00:00 relay-01 smtp_relay - rcpt_to [relay@55555 src="203.0.113.9" value="<x@relay-only.com>"])");
  flush();
  const auto attacker = repo_->attackers().get_by_ip("203.0.113.9");
  ASSERT_TRUE(attacker);
  const auto targets = repo_->smtp_targets().list_smtp_targets(attacker->uuid);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(repo_->smtp_targets().smtp_target_seen("victim.com").count, 2);
  EXPECT_EQ(repo_->smtp_targets().smtp_target_seen("other.org").count, 1);
  EXPECT_FALSE(repo_->smtp_targets().smtp_target_seen("foo.invalid").seen);
  EXPECT_FALSE(repo_->smtp_targets().smtp_target_seen("relay-only.com").seen);
}

TEST_F(PipelineTest, FingerprintRotationIsStoredAndAnnounced) {
  Recorder rotated(bus_, "attacker.fingerprint_rotated");
  const auto probe = [&](const std::string& hash, const std::string& port) {
    send(
        "<134>1 2026-05-02T06:30:00.000000+00:00 decnet-prober prober - hassh_fingerprint "
        "[relay@55555 target_ip=\"198.51.100.7\" target_port=\"" +
        port + "\" hassh_server=\"" + hash + "\"]");
    flush();
  };
  probe("aaaa", "22");
  probe("aaaa", "22");
  probe("bbbb", "2222");  // another port is tracked separately
  EXPECT_EQ(rotated.size(), 0u);
  probe("cccc", "22");
  ASSERT_TRUE(wait_until([&] { return rotated.size() == 1; }));
  const auto event = rotated.snapshot()[0];
  EXPECT_EQ(event.payload["old_hash"], "aaaa");
  EXPECT_EQ(event.payload["new_hash"], "cccc");
  EXPECT_EQ(event.payload["port"], 22);
  EXPECT_EQ(event.payload["probe_type"], "hassh");
  EXPECT_EQ(event.payload["rotation_count"], 1);
  const auto attacker = repo_->attackers().get_by_ip("198.51.100.7");
  ASSERT_TRUE(attacker);
  EXPECT_EQ(attacker->rotation_count, 1);
  EXPECT_EQ(event.payload["attacker_uuid"], attacker->uuid);
}

TEST_F(PipelineTest, MailAttachmentsAreObservedWithTheirExtension) {
  const std::string sha(64, 'a');
  const std::string manifest =
      R"([{"filename": "payload.EXE", "content_type": "application/octet-stream", "size": 10, )"
      R"("sha256": ")" +
      sha + R"("}, {"filename": "empty", "sha256": ""}])";
  // RFC 5424 escaping of the parameter value: \ " and ] are backslash-escaped.
  std::string escaped;
  for (char c : manifest) {
    if (c == '\\' || c == '"' || c == ']') escaped += '\\';
    escaped += c;
  }
  send(
      "<134>1 2026-05-02T06:22:48.089309+00:00 mail-01 smtp - message_stored [relay@55555 "
      "src=\"203.0.113.9\" subject=\"[SPAM\\] invoice\" attachments_json=\"" +
      escaped + "\"]");
  flush();
  const auto seen = repo_->attachments().get_observed_attachment(sha);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->extensions, std::vector<std::string>{".exe"});
  EXPECT_EQ(seen->first_subject, "[SPAM] invoice");
  EXPECT_EQ(seen->first_seen_decky_uuid, "mail-01");
}

TEST_F(PipelineTest, ARelayDeckysMailIsAnnouncedAsAProbeAndAPlainOnesIsNot) {
  Recorder probes(bus_, "smtp.probe.pending");
  Recorder received(bus_, "email.received");
  const std::string fields =
      "src=\"203.0.113.9\" msg_id=\"6610E222D8\" mail_from=\"spammer@evil.example\" "
      "rcpt_to=\"probe@drop.example\" subject=\"relay test\"]";
  send("<134>1 2026-05-02T06:22:48.089309+00:00 mx-01 smtp_relay - message_stored [relay@55555 " +
       fields);
  send("<134>1 2026-05-02T06:22:49.089309+00:00 mx-02 smtp - message_stored [relay@55555 " +
       fields);
  flush();
  // Both mails are received; of the two, only the relay decky's is announced as a probe.
  ASSERT_TRUE(wait_until([&] { return received.size() == 2 && probes.size() >= 1; }));
  ASSERT_EQ(probes.size(), 1u);
  const auto probe = probes.snapshot()[0].payload;
  EXPECT_EQ(probe["decky"], "mx-01");
  EXPECT_EQ(probe["attacker_ip"], "203.0.113.9");
  EXPECT_EQ(probe["stored_as"], "6610E222D8");
  EXPECT_EQ(probe["mail_from"], "spammer@evil.example");
  EXPECT_EQ(probe["rcpt_to"], "probe@drop.example");
}

TEST_F(PipelineTest, AttachmentsCarryTheHashFeedsVerdict) {
  const std::string bad(64, 'b');
  const std::string unknown(64, 'c');
  close();
  std::vector<std::string> asked;
  options_.attachment_verdict = [&](const std::string& sha) -> std::optional<bool> {
    asked.push_back(sha);  // called on the pipeline thread only
    return sha == bad;
  };
  open();
  for (const auto& sha : {bad, unknown}) {
    send(
        "<134>1 2026-05-02T06:22:48.089309+00:00 mail-01 smtp - message_stored [relay@55555 "
        "src=\"203.0.113.9\" subject=\"x\" attachments_json=\"[{\\\"filename\\\": "
        "\\\"a.exe\\\", \\\"sha256\\\": \\\"" +
        sha + "\\\"}\\]\"]");
  }
  flush();
  const auto known = repo_->attachments().get_observed_attachment(bad);
  ASSERT_TRUE(known);
  EXPECT_EQ(known->mal_hash_match, true);
  EXPECT_EQ(known->mal_hash_match_provider, "malwarebazaar");
  const auto clean = repo_->attachments().get_observed_attachment(unknown);
  ASSERT_TRUE(clean);
  EXPECT_EQ(clean->mal_hash_match, false);
  EXPECT_EQ(asked.size(), 2u);
}

// A flood of 60 KB lines must cost what the queue's byte limit allows, not what a line count
// allows: 200,000 such lines were 12 GB.
TEST_F(PipelineTest, TheQueueIsBoundedByBytesNotLines) {
  close();
  options_.queue_bytes = std::size_t{1} << 20;
  options_.batch_bytes = std::size_t{256} << 10;
  open();
  std::latch writing(1);
  std::latch release(1);
  auto stall = repo_->write([&](store::WriteScope&) {
    writing.count_down();
    release.wait();
  });
  writing.wait();  // the writer is busy: nothing the pipeline prepares can be committed
  const std::string big =
      "<134>1 2026-05-02T06:22:48Z decky-01 http - request [relay@55555 "
      "src_ip=\"203.0.113.9\"] " +
      std::string(60 * 1024, 'x');
  std::size_t accepted = 0;
  for (int i = 0; i < 1000; ++i) {
    RawLine raw{big, "test", "127.0.0.1:1", core::now_micros(), false};
    if (!pipeline_->submit(raw)) break;
    ++accepted;
    ASSERT_LE(pipeline_->queued_bytes(), options_.queue_bytes + big.size() + 256);
  }
  // What is held: the queue, plus the batches waiting for the writer (each within batch_bytes).
  const auto held_limit =
      options_.queue_bytes + (options_.inflight_batches + 1) * options_.batch_bytes;
  EXPECT_LT(accepted, 1000u);
  EXPECT_LE(accepted * big.size(), held_limit + 2 * big.size()) << accepted << " lines held";
  EXPECT_GT(pipeline_->counters().refused.load(), 0u);
  EXPECT_EQ(pipeline_->health()["queue_limit_bytes"], options_.queue_bytes);
  release.count_down();
  stall.get();
  flush();
  EXPECT_EQ(repo_->logs().count(), static_cast<std::int64_t>(accepted));
}

// A database that refuses writes for lack of space (SQLite's page cap, which fails exactly as a
// full disk does) holds ingest back instead of losing lines: the batch is kept and retried, the
// queue fills and senders wait; once there is room everything is stored once, counters agree
// with the rows and the file is intact.
TEST_F(PipelineTest, AFullDatabaseHoldsIngestBackAndLosesNothing) {
  close();
  options_.queue_bytes = std::size_t{256} << 10;
  options_.batch_bytes = std::size_t{32} << 10;
  open();
  const auto set_page_cap = [&](std::int64_t pages) {
    repo_->write_now([&](store::WriteScope& scope) {
      static_cast<store::sqlite::SqliteWriteScope&>(scope).conn.exec("PRAGMA max_page_count = " +
                                                                     std::to_string(pages));
    });
  };
  const auto page_count = [&] {
    return repo_->write_now([&](store::WriteScope& scope) {
      auto& conn = static_cast<store::sqlite::SqliteWriteScope&>(scope).conn;
      return store::sqlite::query_int64(conn, "PRAGMA page_count").value_or(0);
    });
  };
  const auto line = [](int i) {
    return "<134>1 2026-05-02T06:22:48Z decky-0" + std::to_string(i % 4) +
           " ssh - auth_attempt [relay@55555 src_ip=\"10.2." + std::to_string(i / 256 % 256) + "." +
           std::to_string(i % 256) + "\" username=\"root\" secret_b64=\"" +
           core::base64_encode("pw" + std::to_string(i % 97)) + "\"] attempt " + std::to_string(i);
  };
  for (int i = 0; i < 200; ++i) send(line(i));
  flush();
  set_page_cap(page_count() + 4);

  constexpr int kLines = 20'000;
  std::atomic<int> accepted{200};
  std::thread sender([&] {
    for (int i = 200; i < kLines; ++i) {
      RawLine raw{line(i), "test", "127.0.0.1:1", core::now_micros(), false};
      if (!pipeline_->submit_blocking(std::move(raw))) return;
      ++accepted;
    }
  });
  ASSERT_TRUE(wait_until([&] { return pipeline_->health()["waiting_for_store"] == true; }))
      << pipeline_->health().dump() << " pages " << page_count();
  // Held back: the queue fills up and the sender waits for room.
  ASSERT_TRUE(wait_until([&] { return pipeline_->queued_bytes() + 512 > options_.queue_bytes; }));
  EXPECT_LT(accepted.load(), kLines);
  EXPECT_GE(pipeline_->counters().store_waits.load(), 1u);

  set_page_cap(4294967294);  // room again
  sender.join();
  flush();
  EXPECT_EQ(pipeline_->health()["waiting_for_store"], false);
  EXPECT_EQ(repo_->logs().count(), kLines);
  EXPECT_EQ(repo_->dead_letters().count(), 0);
  store::sqlite::Connection check(dir_ / "decnet.db", store::sqlite::Connection::Mode::kReadOnly);
  EXPECT_EQ(store::sqlite::query_int64(check, "SELECT SUM(event_count) FROM attackers"), kLines);
  EXPECT_EQ(store::sqlite::query_int64(check, "SELECT SUM(attempt_count) FROM credentials"),
            kLines);
  // Batches queued behind a rolled-back one were written against the ledger as it stood after
  // the rollback, so no row names an attacker that was never stored.
  EXPECT_EQ(store::sqlite::query_int64(check,
                                       "SELECT COUNT(*) FROM logs WHERE attacker_id NOT IN "
                                       "(SELECT id FROM attackers)"),
            0);
  auto integrity = check.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.step());
  EXPECT_EQ(integrity.text(0), "ok");
}

// Counters trail their log rows; a crash leaves them short and start-up recounts them from the
// rows: the attackers logged after the stored mark, or every attacker when there is no mark.
TEST_F(PipelineTest, AttackerCountersAreRecountedFromTheLogsAtStart) {
  for (int i = 0; i < 40; ++i) {
    send("<134>1 2026-05-02T06:22:48Z decky-0" + std::to_string(i % 3) +
         " ssh - connect [relay@55555 src_ip=\"203.0.113." + std::to_string(i % 4) + "\"]");
  }
  flush();
  close();
  const auto counted = [&] {
    return store::sqlite::open_sqlite_repository({.path = dir_ / "decnet.db"});
  };
  // A crash, as the database sees it: counters short of the rows, the mark before them.
  {
    auto raw = counted();
    raw->write_now([&](store::WriteScope& w) {
      raw->state().put(w, AttackerLedger::kCountedThroughKey, {{"log_id", 20}});
    });
    raw->close();
    const auto db = (dir_ / "decnet.db").string();
    ASSERT_EQ(decnet::testing::run_command(
                  {"sqlite3", db,
                   "UPDATE attackers SET event_count = 1; UPDATE attacker_targets SET "
                   "event_count = 1; DELETE FROM attacker_deckies WHERE decky = 'decky-02';"})
                  .status,
              0);
  }
  open();
  const auto exact = [&] {
    for (int k = 0; k < 4; ++k) {
      const auto a = repo_->attackers().get_by_ip("203.0.113." + std::to_string(k));
      if (!a || a->event_count != 10) return false;
      std::int64_t sum = 0;
      for (const auto& t : repo_->attackers().targets(a->uuid)) sum += t.event_count;
      if (sum != 10) return false;
    }
    return true;
  };
  EXPECT_TRUE(exact());
  EXPECT_EQ(pipeline_->health()["attackers_recounted"], 4);
  store::AttackerQuery on_decky;  // the attackers of a decky, from the recounted sets
  on_decky.decky = "decky-02";
  EXPECT_EQ(repo_->attackers().list(on_decky).total, 4);
  // An older database has no mark at all: everything is recounted once.
  close();
  {
    const auto db = (dir_ / "decnet.db").string();
    ASSERT_EQ(decnet::testing::run_command(
                  {"sqlite3", db,
                   "UPDATE attackers SET event_count = 3; DELETE FROM state WHERE key = '" +
                       std::string(AttackerLedger::kCountedThroughKey) + "';"})
                  .status,
              0);
  }
  open();
  EXPECT_TRUE(exact());
  // And a clean restart recounts nothing.
  close();
  open();
  EXPECT_EQ(pipeline_->health()["attackers_recounted"], 0);
}

// What a RELP session hears back: the tags of its stored lines.
class Receipts : public DeliveryReceipts {
 public:
  void stored(std::uint64_t tag) override {
    std::lock_guard lock(mu_);
    tags_.push_back(tag);
  }
  std::vector<std::uint64_t> tags() {  // in any order: the session answers in its own
    std::lock_guard lock(mu_);
    auto out = tags_;
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::uint64_t> tags_;
};

// Lines committed whose answer never reached the sender (the server was killed in between)
// come again at the start of the sender's next connection, to a restarted server: they are
// recognised from the digests saved with the batch, answered, and not stored twice. The same
// line later in a connection is a real second event and is stored.
TEST_F(PipelineTest, AcknowledgedLinesSentAgainAfterARestartAreStoredOnce) {
  auto first = std::make_shared<Receipts>();
  const auto relp = [&](const std::string& line, std::uint64_t tag, bool may_be_resent,
                        const std::shared_ptr<Receipts>& receipts) {
    RawLine raw{line, "relp", "127.0.0.1:1", core::now_micros(), false};
    raw.delivery = Delivery{receipts, tag, may_be_resent};
    ASSERT_TRUE(pipeline_->submit(raw));
  };
  relp(kFtpAuth, 1, true, first);
  relp(kPop3Auth, 2, true, first);
  flush();
  EXPECT_EQ(first->tags(), (std::vector<std::uint64_t>{1, 2}));
  close();
  open();
  auto second = std::make_shared<Receipts>();
  relp(kPop3Auth, 7, true, second);  // sent again
  relp(kFtpAuth, 8, false, second);  // the same text later in a connection: a new event
  flush();
  EXPECT_EQ(second->tags(), (std::vector<std::uint64_t>{7, 8}));
  EXPECT_EQ(repo_->logs().count(), 3);
  EXPECT_EQ(pipeline_->counters().resent_lines.load(), 1u);
}

TEST_F(PipelineTest, StopCommitsEverythingAccepted) {
  for (int i = 0; i < 500; ++i) send(kFtpAuth);
  pipeline_->stop();
  EXPECT_EQ(repo_->logs().count(), 500);
  RawLine late{kFtpAuth, "test", "", 0, false};
  EXPECT_FALSE(pipeline_->submit(late));
}

}  // namespace
}  // namespace decnet::ingest
