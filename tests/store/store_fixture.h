// A fresh SQLite repository in a scratch directory per test.
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <optional>

#include "store/attacker_repository.h"
#include "store/repository.h"
#include "store/sqlite/domains.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/store_error.h"
#include "tests_support.h"

namespace decnet::store {

// The kind of StoreError `fn` throws, nullopt when it throws none.
template <typename Fn>
std::optional<StoreError::Kind> error_kind(Fn&& fn) {
  try {
    fn();
  } catch (const StoreError& e) {
    return e.kind();
  }
  return std::nullopt;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite::EngineOptions options;
    options.path = dir_ / "decnet.db";
    repo_ = sqlite::open_sqlite_repository(options);
  }
  void TearDown() override {
    if (repo_) repo_->close();
  }
  Repository& repo() { return *repo_; }

  decnet::testing::TempDir dir_;
  std::unique_ptr<Repository> repo_;
};

// Occupies the writer until release(), so tasks submitted meanwhile queue up behind it and run
// as one group commit.
class WriterHold {
 public:
  explicit WriterHold(WriteQueue& queue)
      : done_(queue.write([this](WriteScope&) {
          busy_.count_down();
          hold_.wait();
        })) {
    busy_.wait();
  }
  ~WriterHold() {
    if (done_.valid()) release();
  }
  WriterHold(const WriterHold&) = delete;
  WriterHold& operator=(const WriterHold&) = delete;
  void release() {
    hold_.count_down();
    done_.get();
  }

 private:
  std::latch hold_{1};
  std::latch busy_{1};
  std::future<void> done_;
};

inline constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // µs, a fixed point in 2023

template <typename Fn>
void expect_store_error(StoreError::Kind kind, Fn&& fn) {
  try {
    fn();
    ADD_FAILURE() << "expected a StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
  }
}

// One engine and the attacker repository, for tests of a single domain repository built with
// its sqlite::make_*_repository factory.
class DomainStoreTest : public ::testing::Test {
 protected:
  void TearDown() override { engine_.close(); }

  // fn(WriteScope&) in one transaction; its result after commit.
  template <typename Fn>
  auto write(Fn fn) {
    return engine_.write_now([&](WriteScope& w) { return fn(w); });
  }

  std::string attacker(const std::string& ip) {
    return engine_.write_now([&](WriteScope& w) {
      return attackers_->record_activity(w, {ip, kT0, kT0, 1, 0, {}}).uuid;
    });
  }

  decnet::testing::TempDir dir_;
  sqlite::Engine engine_{{.path = dir_ / "decnet.db"}};
  std::unique_ptr<AttackerRepository> attackers_ = sqlite::make_attacker_repository(engine_);
};

// Strings that would break a query built by concatenation, or a careless encoder.
inline std::vector<std::string> hostile_strings() {
  return {"O'Brien",
          "\"; DROP TABLE logs; --",
          "a';--",
          std::string("nul\0byte", 8),
          std::string(10 * 1024, 'x'),
          "\xe2\x86\x92 \xf0\x9f\x94\x91 \xc3\xa9t\xc3\xa9",
          "%_\\"};
}

}  // namespace decnet::store
