#pragma once

#include <filesystem>

#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "storage/instance_settings_repository.hpp"

namespace roost::services {

// Loads the key that seals this instance's secrets, at start-up. The first start creates
// the key file (32 random bytes, mode 0600) and records the key's id in the database; a
// later start with the file missing, or with another key, is a configuration error that
// says what to restore — secrets sealed with a lost key could never be opened again.
core::Result<core::Keyring> load_sealing_keyring(storage::InstanceSettingsRepository& settings,
                                                 const std::filesystem::path& key_file);

}  // namespace roost::services
