// Small named JSON documents that components persist across restarts (cursors, file
// positions, generated settings).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/write_scope.h"

namespace decnet::store {

class StateRepository {
 public:
  virtual ~StateRepository() = default;
  virtual std::optional<nlohmann::json> get(const std::string& key) = 0;
  virtual void put(WriteScope& scope, const std::string& key, const nlohmann::json& value) = 0;
  virtual bool remove(WriteScope& scope, const std::string& key) = 0;
};

}  // namespace decnet::store
