// A fresh SQLite repository in a scratch directory per test.
#pragma once

#include <gtest/gtest.h>

#include "store/repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "tests_support.h"

namespace decnet::store {

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
