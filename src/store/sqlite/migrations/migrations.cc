#include "store/sqlite/migrations/migrations.h"

#include <array>

namespace decnet::store::sqlite {

extern const Migration kMigration0001;
extern const Migration kMigration0002;
extern const Migration kMigration0003;
extern const Migration kMigration0004;
extern const Migration kMigration0005;
extern const Migration kMigration0006;
extern const Migration kMigration0007;
extern const Migration kMigration0008;
extern const Migration kMigration0009;
extern const Migration kMigration0010;
extern const Migration kMigration0011;
extern const Migration kMigration0012;
extern const Migration kMigration0013;
extern const Migration kMigration0014;
extern const Migration kMigration0015;
extern const Migration kMigration0016;

std::span<const Migration> migrations() {
  static const std::array<Migration, 16> all = {
      kMigration0001, kMigration0002, kMigration0003, kMigration0004, kMigration0005,
      kMigration0006, kMigration0007, kMigration0008, kMigration0009, kMigration0010,
      kMigration0011, kMigration0012, kMigration0013, kMigration0014,
      kMigration0015, kMigration0016};
  return all;
}

}  // namespace decnet::store::sqlite
