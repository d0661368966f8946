// The embedded backend: every domain repository over one SQLite engine.
#pragma once

#include <memory>

#include "store/repository.h"
#include "store/sqlite/engine.h"

namespace decnet::store::sqlite {

std::unique_ptr<Repository> open_sqlite_repository(const EngineOptions& options);

}  // namespace decnet::store::sqlite
