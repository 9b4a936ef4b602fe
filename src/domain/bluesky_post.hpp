#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// What Bluesky accepts as a post (lexicons app.bsky.feed.post and app.bsky.embed.images),
// checked before a draft is saved so that the author hears of a problem while writing, not
// when the scheduler publishes.
namespace roost::domain {

// Bluesky's limits, not Roost's choices: they live with the rules that apply them.
struct BlueskyPostLimits {
  static constexpr std::size_t text_graphemes_max = 300;     // feed.post text maxGraphemes
  static constexpr std::size_t text_bytes_max = 3'000;       // feed.post text maxLength
  static constexpr std::size_t images_max = 4;               // embed.images maxLength
  static constexpr std::size_t image_bytes_max = 1'000'000;  // the image blob's maxSize
  // The lexicon sets none; the Bluesky app stops alt text at 2,000 graphemes.
  static constexpr std::size_t alt_text_graphemes_max = 2'000;
  static constexpr std::size_t languages_max = 3;  // feed.post langs maxLength
};

// An image of a post: its bytes, sniffed type and pixel size (the record's aspectRatio).
struct BlueskyImage {
  std::string bytes;
  std::string mime_type;  // "image/png", "image/jpeg" or "image/webp"
  std::string alt;
  int width = 0;
  int height = 0;
};

// `bytes` sniffed (domain/image_type: the client's type is not trusted) and measured, with
// `alt`. invalid_request when the bytes are not PNG, JPEG or WebP, or have no readable size.
// Neither the size limit nor the alt text is checked here: find_bluesky_post_problems does.
core::Result<BlueskyImage> describe_bluesky_image(std::string bytes, std::string alt);

// A record a post points at (com.atproto.repo.strongRef).
struct BlueskyStrongRef {
  std::string uri;  // at://did/app.bsky.feed.post/rkey
  std::string cid;
};

struct BlueskyReplyRef {
  BlueskyStrongRef root;    // the first post of the thread
  BlueskyStrongRef parent;  // the post replied to
};

struct BlueskyPostDraft {
  std::string text;
  std::vector<std::string> langs;    // BCP 47 tags, as typed
  std::vector<BlueskyImage> images;  // bytes and alt are what is checked
  std::optional<BlueskyReplyRef> reply;
  std::optional<BlueskyStrongRef> quote;
};

enum class PostProblemCode {
  invalid_utf8,            // text or alt text is not UTF-8
  empty_post,              // no text, no image, no quote
  text_too_long,           // over 300 graphemes (or 3,000 bytes)
  too_many_images,         // over 4
  image_too_large,         // over 1,000,000 bytes
  image_type_unsupported,  // not PNG, JPEG or WebP, or its size cannot be read
  alt_text_missing,        // every image needs a description
  alt_text_too_long,       // over 2,000 graphemes
  bad_language_tag,        // not BCP 47
  too_many_languages,      // over 3
  duplicate_language,      // the same tag twice
  bad_reference,           // a reply or quote that is not an at:// post URI with a CID
};

std::string_view post_problem_code_name(PostProblemCode code);

struct PostProblem {
  PostProblemCode code = PostProblemCode::empty_post;
  std::string field;  // "text", "langs[1]", "images[2].alt", "reply.parent"…
  std::string message;
  bool operator==(const PostProblem&) const = default;
};

// Every problem of `draft`, in field order; empty when Bluesky would accept it.
std::vector<PostProblem> find_bluesky_post_problems(const BlueskyPostDraft& draft);

// ok, or invalid_request with one detail {field, "<code>: <message>"} per problem.
core::Result<void> check_bluesky_post(const BlueskyPostDraft& draft);

}  // namespace roost::domain
