#include "networks/bluesky/records.hpp"

#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::networks::bluesky {
namespace {

NetworkError refused(std::string message) {
  NetworkError error;
  error.kind = FailureKind::permanent;
  error.code = "InvalidPost";
  error.message = std::move(message);
  return error;
}

nlohmann::json strong_ref(const StrongRef& ref) {
  return nlohmann::json{{"uri", ref.uri}, {"cid", ref.cid}};
}

nlohmann::json images_embed(const PostContent& content,
                            const std::vector<nlohmann::json>& image_blobs) {
  auto images = nlohmann::json::array();
  for (std::size_t i = 0; i < content.images.size(); ++i) {
    const PostImage& image = content.images[i];
    nlohmann::json entry{{"image", image_blobs[i]}, {"alt", image.alt}};
    if (image.aspect_ratio) {
      entry["aspectRatio"] = {{"width", image.aspect_ratio->first},
                              {"height", image.aspect_ratio->second}};
    }
    images.push_back(std::move(entry));
  }
  return nlohmann::json{{"$type", "app.bsky.embed.images"}, {"images", std::move(images)}};
}

}  // namespace

std::string format_created_at(std::chrono::system_clock::time_point instant) {
  return core::format_utc_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(instant.time_since_epoch()).count());
}

NetworkResult<nlohmann::json> build_post_record(const PostContent& content,
                                                const std::vector<nlohmann::json>& image_blobs) {
  if (content.images.size() > core::limits::bluesky_images_per_post_max) {
    return refused("a Bluesky post holds at most " +
                   std::to_string(core::limits::bluesky_images_per_post_max) + " images");
  }
  if (image_blobs.size() != content.images.size()) {
    return refused("every image needs its uploaded blob");
  }
  nlohmann::json record{{"$type", post_collection},
                        {"text", content.text},
                        {"createdAt", format_created_at(content.created_at)}};
  if (!content.facets_json.empty()) {
    auto facets = nlohmann::json::parse(content.facets_json, nullptr, false);
    if (!facets.is_array()) return refused("the facets are not a JSON array");
    if (!facets.empty()) record["facets"] = std::move(facets);
  }
  if (!content.langs.empty()) record["langs"] = content.langs;
  if (content.reply) {
    record["reply"] = {{"root", strong_ref(content.reply->root)},
                       {"parent", strong_ref(content.reply->parent)}};
  }
  bool has_images = !content.images.empty();
  if (content.quote && has_images) {
    record["embed"] = {{"$type", "app.bsky.embed.recordWithMedia"},
                       {"record", {{"record", strong_ref(*content.quote)}}},
                       {"media", images_embed(content, image_blobs)}};
  } else if (content.quote) {
    record["embed"] = {{"$type", "app.bsky.embed.record"}, {"record", strong_ref(*content.quote)}};
  } else if (has_images) {
    record["embed"] = images_embed(content, image_blobs);
  }
  return record;
}

nlohmann::json build_like_record(const StrongRef& subject,
                                 std::chrono::system_clock::time_point created_at) {
  return nlohmann::json{{"$type", like_collection},
                        {"subject", strong_ref(subject)},
                        {"createdAt", format_created_at(created_at)}};
}

nlohmann::json build_repost_record(const StrongRef& subject,
                                   std::chrono::system_clock::time_point created_at) {
  return nlohmann::json{{"$type", repost_collection},
                        {"subject", strong_ref(subject)},
                        {"createdAt", format_created_at(created_at)}};
}

nlohmann::json build_follow_record(std::string_view subject_did,
                                   std::chrono::system_clock::time_point created_at) {
  return nlohmann::json{{"$type", follow_collection},
                        {"subject", std::string(subject_did)},
                        {"createdAt", format_created_at(created_at)}};
}

std::string record_uri(std::string_view did, std::string_view collection,
                       std::string_view record_key) {
  std::string uri = "at://";
  uri += did;
  uri += '/';
  uri += collection;
  uri += '/';
  uri += record_key;
  return uri;
}

}  // namespace roost::networks::bluesky
