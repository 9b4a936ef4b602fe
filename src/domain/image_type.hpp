#pragma once

#include <optional>
#include <string_view>

// What an uploaded image really is, from its first bytes: the client's Content-Type and
// the file's name are not trusted.
namespace roost::domain {

// "image/png", "image/jpeg" or "image/webp"; nullopt for anything else.
std::optional<std::string_view> sniff_image_media_type(std::string_view bytes);

}  // namespace roost::domain
