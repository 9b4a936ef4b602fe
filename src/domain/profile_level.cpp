#include "domain/profile_level.hpp"

namespace roost::domain {

std::string_view profile_level_name(ProfileLevel level) {
  switch (level) {
    case ProfileLevel::viewer: return "viewer";
    case ProfileLevel::limited: return "limited";
    case ProfileLevel::publisher: return "publisher";
    case ProfileLevel::manager: return "manager";
  }
  return "viewer";
}

std::optional<ProfileLevel> parse_profile_level(std::string_view name) {
  for (auto level : {ProfileLevel::viewer, ProfileLevel::limited, ProfileLevel::publisher,
                     ProfileLevel::manager}) {
    if (profile_level_name(level) == name) return level;
  }
  return std::nullopt;
}

std::optional<ProfileLevel> stronger(std::optional<ProfileLevel> a, std::optional<ProfileLevel> b) {
  if (!a) return b;
  if (!b) return a;
  return static_cast<int>(*a) >= static_cast<int>(*b) ? a : b;
}

}  // namespace roost::domain
