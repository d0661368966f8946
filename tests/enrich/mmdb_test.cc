// Country and AS from a MaxMind-format database written by an independent tool (Debian's
// libmaxmind-db-writer-perl, tests/fixtures/write_test_mmdb.pl).
#include <gtest/gtest.h>

#include <fstream>

#include "enrich/mmdb_database.h"
#include "tests_support.h"

namespace decnet::enrich {
namespace {

using namespace decnet::testing;

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

TEST(MmdbDatabase, ReadsCountryAndAsnWithTheCoveringNetwork) {
  TempDir dir;
  const auto path = dir / "test.mmdb";
  const auto made =
      run_command({"perl", std::string(DECNET_SOURCE_DIR) + "/tests/fixtures/write_test_mmdb.pl",
                   path.string()});
  ASSERT_EQ(made.status, 0) << made.output;
  const MmdbDatabase db(path);
  EXPECT_EQ(db.country(ip("93.184.216.34")), "NL");
  EXPECT_EQ(db.country(ip("::ffff:93.184.216.34")), "NL");
  EXPECT_EQ(db.country(ip("2a01:4f8:1::1")), "DE");
  EXPECT_EQ(db.country(ip("8.8.8.8")), std::nullopt);
  EXPECT_EQ(db.country(ip("10.0.0.1")), std::nullopt);
  const auto as = db.asn(ip("93.184.216.34"));
  ASSERT_TRUE(as);
  EXPECT_EQ(as->asn, 15133);
  EXPECT_EQ(as->name, "EDGECAST");
  EXPECT_EQ(as->prefix, "93.184.216.0/24");
  EXPECT_FALSE(db.asn(ip("2a01:4f8:1::1")));  // a country entry without an AS
}

TEST(MmdbDatabase, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  std::ofstream(dir / "bad.mmdb") << "not a database";
  EXPECT_THROW(MmdbDatabase(dir / "bad.mmdb"), std::runtime_error);
  EXPECT_THROW(MmdbDatabase(dir / "missing.mmdb"), std::runtime_error);
}

}  // namespace
}  // namespace decnet::enrich
