#include <gtest/gtest.h>

#include "api/response_cache.h"

namespace decnet::api {
namespace {

TEST(ResponseCache, AnswersOnlyForTheVersionItWasBuiltFrom) {
  ResponseCache cache;
  EXPECT_FALSE(cache.get("/a", 1));
  cache.put("/a", 1, "one");
  EXPECT_EQ(cache.get("/a", 1), "one");
  EXPECT_FALSE(cache.get("/a", 2));  // the data changed since
  EXPECT_FALSE(cache.get("/b", 1));
  cache.put("/a", 2, "two");
  EXPECT_EQ(cache.get("/a", 2), "two");
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(ResponseCache, HoldsAtMostItsLimitDroppingTheOldest) {
  ResponseCache cache(2);
  cache.put("/1", 1, "a");
  cache.put("/2", 1, "b");
  cache.put("/1", 1, "a2");  // a refresh does not add an entry
  cache.put("/3", 1, "c");
  EXPECT_FALSE(cache.get("/1", 1));
  EXPECT_EQ(cache.get("/2", 1), "b");
  EXPECT_EQ(cache.get("/3", 1), "c");
}

}  // namespace
}  // namespace decnet::api
