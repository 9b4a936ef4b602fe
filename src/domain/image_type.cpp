#include "domain/image_type.hpp"

namespace roost::domain {
namespace {

constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};
constexpr std::string_view jpeg_signature{"\xff\xd8\xff", 3};
// RIFF <4-byte size> WEBP
constexpr std::string_view riff_tag = "RIFF";
constexpr std::string_view webp_tag = "WEBP";
constexpr std::size_t webp_tag_offset = 8;

}  // namespace

std::optional<std::string_view> sniff_image_media_type(std::string_view bytes) {
  if (bytes.starts_with(png_signature)) return "image/png";
  if (bytes.starts_with(jpeg_signature)) return "image/jpeg";
  if (bytes.starts_with(riff_tag) && bytes.size() >= webp_tag_offset + webp_tag.size() &&
      bytes.substr(webp_tag_offset, webp_tag.size()) == webp_tag) {
    return "image/webp";
  }
  return std::nullopt;
}

}  // namespace roost::domain
