#include "store/sqlite/migrations/migrations.h"

#include <array>

namespace decnet::store::sqlite {

extern const Migration kMigration0001;

std::span<const Migration> migrations() {
  static const std::array<Migration, 1> all = {kMigration0001};
  return all;
}

}  // namespace decnet::store::sqlite
