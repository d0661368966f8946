#include "store/sqlite/migrations/migrations.h"

#include <array>

namespace decnet::store::sqlite {

extern const Migration kMigration0001;
extern const Migration kMigration0002;
extern const Migration kMigration0003;
extern const Migration kMigration0004;
extern const Migration kMigration0005;

std::span<const Migration> migrations() {
  static const std::array<Migration, 5> all = {kMigration0001, kMigration0002, kMigration0003,
                                               kMigration0004, kMigration0005};
  return all;
}

}  // namespace decnet::store::sqlite
