#include "api/http/response_cache.h"

#include <gtest/gtest.h>

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

TEST(ResponseCache, StaysWithinItsByteBudget) {
  ResponseCache cache(100, 1000);
  cache.put("/big", 1, std::string(400, 'x'));  // over a quarter of the budget: not kept
  EXPECT_FALSE(cache.get("/big", 1));
  for (int i = 0; i < 8; ++i) cache.put("/" + std::to_string(i), 1, std::string(200, 'y'));
  // 8 entries of about 202 bytes do not fit in 1000: only the newest four remain.
  EXPECT_FALSE(cache.get("/3", 1));
  for (int i = 4; i < 8; ++i) EXPECT_TRUE(cache.get("/" + std::to_string(i), 1)) << i;
}

}  // namespace
}  // namespace decnet::api
