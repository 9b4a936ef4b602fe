#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// Instance-wide key/value settings (e.g. the id of the key that sealed the secrets).
class InstanceSettingsRepository {
 public:
  explicit InstanceSettingsRepository(Database& database) : database_(database) {}
  core::Result<std::optional<std::string>> get(const std::string& key);
  core::Result<void> put(const std::string& key, const std::string& value);

 private:
  Database& database_;
};

}  // namespace roost::storage
