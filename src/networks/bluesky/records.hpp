#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "networks/network.hpp"

// The records Roost writes into a Bluesky repository, as the app.bsky lexicons define them.
// Pure: the PDS validates them again, but a record we know to be wrong is refused here as
// permanent, before anything is uploaded.
namespace roost::networks::bluesky {

inline constexpr std::string_view post_collection = "app.bsky.feed.post";
inline constexpr std::string_view like_collection = "app.bsky.feed.like";
inline constexpr std::string_view repost_collection = "app.bsky.feed.repost";
inline constexpr std::string_view follow_collection = "app.bsky.graph.follow";

// "2026-12-04T09:26:23.000Z": the lexicons' datetime, in UTC with milliseconds.
std::string format_created_at(std::chrono::system_clock::time_point instant);

// `image_blobs` are the blob objects uploadBlob answered, in the order of content.images.
// Permanent when facets_json is not a JSON array, when there are more than
// limits::bluesky_images_per_post_max images, or when blobs and images do not pair up.
NetworkResult<nlohmann::json> build_post_record(const PostContent& content,
                                                const std::vector<nlohmann::json>& image_blobs);

nlohmann::json build_like_record(const StrongRef& subject,
                                 std::chrono::system_clock::time_point created_at);
nlohmann::json build_repost_record(const StrongRef& subject,
                                   std::chrono::system_clock::time_point created_at);
nlohmann::json build_follow_record(std::string_view subject_did,
                                   std::chrono::system_clock::time_point created_at);

// at://<did>/<collection>/<rkey>
std::string record_uri(std::string_view did, std::string_view collection,
                       std::string_view record_key);

}  // namespace roost::networks::bluesky
