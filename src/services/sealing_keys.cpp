#include "services/sealing_keys.hpp"

#include <fmt/format.h>

namespace roost::services {
namespace {
constexpr const char* sealing_key_setting = "sealing_key_id";
}

core::Result<core::Keyring> load_sealing_keyring(storage::InstanceSettingsRepository& settings,
                                                 const std::filesystem::path& key_file) {
  auto recorded = settings.get(sealing_key_setting);
  if (!recorded) return std::move(recorded).error();
  core::Keyring keyring;
  if (recorded->has_value()) {
    const std::string& expected_id = **recorded;
    auto key = core::load_key_file(key_file, core::KeyFileMode::must_exist);
    if (!key) {
      return core::make_error(
          core::ErrorCode::configuration_error,
          fmt::format("this database holds secrets sealed with key {}, but {}. Restore that key "
                      "file, or point --secret-key-file / ROOST_SECRET_KEY_FILE at it",
                      expected_id, key.error().message));
    }
    if (key->id != expected_id) {
      return core::make_error(
          core::ErrorCode::configuration_error,
          fmt::format("secret key file {} holds key {}, but this database's secrets are sealed "
                      "with key {}",
                      key_file.string(), key->id, expected_id));
    }
    keyring.add(std::move(key).value());
    return keyring;
  }
  auto key = core::load_key_file(key_file, core::KeyFileMode::create_if_missing);
  if (!key) return std::move(key).error();
  if (auto saved = settings.put(sealing_key_setting, key->id); !saved) {
    return std::move(saved).error();
  }
  keyring.add(std::move(key).value());
  return keyring;
}

}  // namespace roost::services
