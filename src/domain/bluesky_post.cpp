#include "domain/bluesky_post.hpp"

#include <algorithm>
#include <cstdint>

#include "domain/graphemes.hpp"
#include "domain/image_type.hpp"
#include "domain/language_tag.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

struct Size {
  int width = 0;
  int height = 0;
};

std::uint32_t big_endian(std::string_view bytes, std::size_t offset, std::size_t count) {
  std::uint32_t value = 0;
  for (std::size_t index = 0; index < count; ++index)
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + index]);
  return value;
}

std::uint32_t little_endian(std::string_view bytes, std::size_t offset, std::size_t count) {
  std::uint32_t value = 0;
  for (std::size_t index = count; index-- > 0;)
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + index]);
  return value;
}

// Pixel sizes above this are not images anyone posts; it keeps the int arithmetic safe.
constexpr std::uint32_t side_pixels_max = 1u << 24;

std::optional<Size> checked_size(std::uint32_t width, std::uint32_t height) {
  if (width == 0 || height == 0 || width > side_pixels_max || height > side_pixels_max)
    return std::nullopt;
  return Size{static_cast<int>(width), static_cast<int>(height)};
}

// PNG: the IHDR chunk comes first, right after the signature (width, height: 32 bits each).
std::optional<Size> png_size(std::string_view bytes) {
  constexpr std::size_t ihdr_type_offset = 12;
  constexpr std::size_t width_offset = 16;
  if (bytes.size() < width_offset + 8 || bytes.substr(ihdr_type_offset, 4) != "IHDR")
    return std::nullopt;
  return checked_size(big_endian(bytes, width_offset, 4), big_endian(bytes, width_offset + 4, 4));
}

// JPEG: walk the marker segments to the first start-of-frame (SOF0-SOF15 but DHT, JPG and
// DAC, which share the range); it holds height then width (16 bits each).
std::optional<Size> jpeg_size(std::string_view bytes) {
  std::size_t offset = 2;  // after SOI
  while (offset + 4 <= bytes.size()) {
    if (static_cast<unsigned char>(bytes[offset]) != 0xFF) return std::nullopt;
    auto marker = static_cast<unsigned char>(bytes[offset + 1]);
    if (marker == 0xFF) {  // fill byte
      ++offset;
      continue;
    }
    bool standalone = marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
    if (standalone) {
      offset += 2;
      continue;
    }
    std::uint32_t length = big_endian(bytes, offset + 2, 2);
    if (length < 2) return std::nullopt;
    bool start_of_frame =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (start_of_frame) {
      if (offset + 9 > bytes.size()) return std::nullopt;
      return checked_size(big_endian(bytes, offset + 7, 2), big_endian(bytes, offset + 5, 2));
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan or end before a frame
    offset += 2 + length;
  }
  return std::nullopt;
}

// WebP: "RIFF" size "WEBP", then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk.
std::optional<Size> webp_size(std::string_view bytes) {
  constexpr std::size_t chunk_offset = 12;
  constexpr std::size_t data_offset = 20;
  if (bytes.size() < data_offset + 10) return std::nullopt;
  auto chunk = bytes.substr(chunk_offset, 4);
  if (chunk == "VP8 ") {
    // A key frame: 3 bytes of frame tag, the start code 9d 01 2a, then 14-bit sizes.
    if (bytes.substr(data_offset + 3, 3) != "\x9d\x01\x2a") return std::nullopt;
    return checked_size(little_endian(bytes, data_offset + 6, 2) & 0x3FFF,
                        little_endian(bytes, data_offset + 8, 2) & 0x3FFF);
  }
  if (chunk == "VP8L") {
    if (static_cast<unsigned char>(bytes[data_offset]) != 0x2F) return std::nullopt;
    std::uint32_t bits = little_endian(bytes, data_offset + 1, 4);
    return checked_size((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (chunk == "VP8X") {
    return checked_size(little_endian(bytes, data_offset + 4, 3) + 1,
                        little_endian(bytes, data_offset + 7, 3) + 1);
  }
  return std::nullopt;
}

struct MeasuredImage {
  std::string_view mime_type;
  Size size;
};

std::optional<MeasuredImage> measure(std::string_view bytes) {
  auto type = sniff_image_media_type(bytes);
  if (!type) return std::nullopt;
  std::optional<Size> size;
  if (*type == "image/png") size = png_size(bytes);
  if (*type == "image/jpeg") size = jpeg_size(bytes);
  if (*type == "image/webp") size = webp_size(bytes);
  if (!size) return std::nullopt;
  return MeasuredImage{*type, *size};
}

core::Error unsupported_image(std::string message) {
  return core::make_error(core::ErrorCode::invalid_request, std::move(message));
}

bool is_post_uri(std::string_view uri) {
  constexpr std::string_view scheme = "at://";
  constexpr std::string_view collection = "/app.bsky.feed.post/";
  if (!uri.starts_with(scheme)) return false;
  auto path = uri.substr(scheme.size());
  auto position = path.find(collection);
  return position != std::string_view::npos && position > 0 &&
         position + collection.size() < path.size();
}

void check_reference(const BlueskyStrongRef& reference, const std::string& field,
                     std::vector<PostProblem>& problems) {
  if (!is_post_uri(reference.uri) || reference.cid.empty()) {
    problems.push_back(
        {PostProblemCode::bad_reference, field, "must name a post by its at:// URI and CID"});
  }
}

void check_text(const std::string& text, bool has_media, std::vector<PostProblem>& problems) {
  auto graphemes = count_graphemes(text);
  if (!graphemes) {
    problems.push_back({PostProblemCode::invalid_utf8, "text", "is not valid UTF-8"});
    return;
  }
  if (trim(text).empty() && !has_media) {
    problems.push_back(
        {PostProblemCode::empty_post, "text", "a post needs text, an image or a quote"});
  }
  if (*graphemes > BlueskyPostLimits::text_graphemes_max) {
    problems.push_back({PostProblemCode::text_too_long, "text",
                        "has " + std::to_string(*graphemes) + " characters; Bluesky allows 300"});
  } else if (text.size() > BlueskyPostLimits::text_bytes_max) {
    problems.push_back({PostProblemCode::text_too_long, "text", "is over Bluesky's 3,000 bytes"});
  }
}

void check_languages(const std::vector<std::string>& langs, std::vector<PostProblem>& problems) {
  if (langs.size() > BlueskyPostLimits::languages_max) {
    problems.push_back({PostProblemCode::too_many_languages, "langs",
                        "has " + std::to_string(langs.size()) + " languages; Bluesky allows 3"});
  }
  std::vector<std::string> seen;
  for (std::size_t index = 0; index < langs.size(); ++index) {
    std::string field = "langs[" + std::to_string(index) + "]";
    auto normalized = normalize_language_tag(langs[index]);
    if (!normalized) {
      problems.push_back({PostProblemCode::bad_language_tag, field, normalized.error().message});
      continue;
    }
    if (std::find(seen.begin(), seen.end(), *normalized) != seen.end()) {
      problems.push_back({PostProblemCode::duplicate_language, field, "is listed twice"});
      continue;
    }
    seen.push_back(*normalized);
  }
}

void check_image(const BlueskyImage& image, const std::string& field,
                 std::vector<PostProblem>& problems) {
  if (!measure(image.bytes)) {
    problems.push_back(
        {PostProblemCode::image_type_unsupported, field, "is not a PNG, JPEG or WebP image"});
  }
  if (image.bytes.size() > BlueskyPostLimits::image_bytes_max) {
    problems.push_back(
        {PostProblemCode::image_too_large, field,
         "has " + std::to_string(image.bytes.size()) + " bytes; Bluesky allows 1,000,000"});
  }
  auto alt_graphemes = count_graphemes(image.alt);
  if (!alt_graphemes) {
    problems.push_back({PostProblemCode::invalid_utf8, field + ".alt", "is not valid UTF-8"});
  } else if (trim(image.alt).empty()) {
    problems.push_back({PostProblemCode::alt_text_missing, field + ".alt",
                        "describe the image for people who cannot see it"});
  } else if (*alt_graphemes > BlueskyPostLimits::alt_text_graphemes_max) {
    problems.push_back(
        {PostProblemCode::alt_text_too_long, field + ".alt",
         "has " + std::to_string(*alt_graphemes) + " characters; at most 2,000 are allowed"});
  }
}

}  // namespace

core::Result<BlueskyImage> describe_bluesky_image(std::string bytes, std::string alt) {
  if (!sniff_image_media_type(bytes)) {
    return unsupported_image("the image is not a PNG, JPEG or WebP file");
  }
  auto measured = measure(bytes);
  if (!measured) return unsupported_image("the image's width and height cannot be read");
  BlueskyImage image;
  image.mime_type = std::string(measured->mime_type);
  image.width = measured->size.width;
  image.height = measured->size.height;
  image.bytes = std::move(bytes);
  image.alt = std::move(alt);
  return image;
}

std::string_view post_problem_code_name(PostProblemCode code) {
  switch (code) {
    case PostProblemCode::invalid_utf8: return "invalid_utf8";
    case PostProblemCode::empty_post: return "empty_post";
    case PostProblemCode::text_too_long: return "text_too_long";
    case PostProblemCode::too_many_images: return "too_many_images";
    case PostProblemCode::image_too_large: return "image_too_large";
    case PostProblemCode::image_type_unsupported: return "image_type_unsupported";
    case PostProblemCode::alt_text_missing: return "alt_text_missing";
    case PostProblemCode::alt_text_too_long: return "alt_text_too_long";
    case PostProblemCode::bad_language_tag: return "bad_language_tag";
    case PostProblemCode::too_many_languages: return "too_many_languages";
    case PostProblemCode::duplicate_language: return "duplicate_language";
    case PostProblemCode::bad_reference: return "bad_reference";
  }
  return "invalid_request";
}

std::vector<PostProblem> find_bluesky_post_problems(const BlueskyPostDraft& draft) {
  std::vector<PostProblem> problems;
  check_text(draft.text, !draft.images.empty() || draft.quote.has_value(), problems);
  check_languages(draft.langs, problems);
  if (draft.images.size() > BlueskyPostLimits::images_max) {
    problems.push_back(
        {PostProblemCode::too_many_images, "images",
         "has " + std::to_string(draft.images.size()) + " images; Bluesky allows 4"});
  }
  for (std::size_t index = 0; index < draft.images.size(); ++index) {
    check_image(draft.images[index], "images[" + std::to_string(index) + "]", problems);
  }
  if (draft.reply) {
    check_reference(draft.reply->root, "reply.root", problems);
    check_reference(draft.reply->parent, "reply.parent", problems);
  }
  if (draft.quote) check_reference(*draft.quote, "quote", problems);
  return problems;
}

core::Result<void> check_bluesky_post(const BlueskyPostDraft& draft) {
  auto problems = find_bluesky_post_problems(draft);
  if (problems.empty()) return core::success();
  auto error =
      core::make_error(core::ErrorCode::invalid_request, "Bluesky would not accept this post");
  for (const auto& problem : problems) {
    error.details.push_back(
        {problem.field, std::string(post_problem_code_name(problem.code)) + ": " + problem.message,
         0, 0});
  }
  return error;
}

}  // namespace roost::domain
