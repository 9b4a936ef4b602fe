#include "ingest/jetstream_event.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"

namespace roost::ingest::jetstream {

namespace {

using nlohmann::json;

constexpr std::string_view post_collection = "app.bsky.feed.post";
constexpr std::string_view facet_mention = "app.bsky.richtext.facet#mention";
constexpr std::string_view facet_link = "app.bsky.richtext.facet#link";
constexpr std::string_view facet_tag = "app.bsky.richtext.facet#tag";
constexpr std::string_view embed_record = "app.bsky.embed.record";
constexpr std::string_view embed_record_with_media = "app.bsky.embed.recordWithMedia";

core::Error malformed(std::string_view why) {
  std::string message = "Jetstream event: ";
  message.append(why);
  return core::Error{core::ErrorCode::invalid_request, std::move(message)};
}

// The string at `key` of `object`, or empty when `object` is not an object or the member is
// not a string: records are what clients wrote, so a wrong shape is ignored, never fatal.
std::string_view text_at(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto member = object.find(key);
  if (member == object.end() || !member->is_string()) return {};
  return member->get_ref<const std::string&>();
}

const json& member_at(const json& object, std::string_view key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  auto member = object.find(key);
  return member == object.end() ? null_value : *member;
}

void append_texts(const json& array, std::vector<std::string_view>& out) {
  if (!array.is_array()) return;
  for (const auto& item : array) {
    if (item.is_string()) out.emplace_back(item.get_ref<const std::string&>());
  }
}

// A post's lists, as views of the event's strings.
struct PostLists {
  std::vector<std::string_view> langs;
  std::vector<std::string_view> mention_dids;
  std::vector<std::string_view> links;
  std::vector<std::string_view> tags;
};

void read_facets(const json& facets, PostLists& lists) {
  if (!facets.is_array()) return;
  for (const auto& facet : facets) {
    const json& features = member_at(facet, "features");
    if (!features.is_array()) continue;
    for (const auto& feature : features) {
      const std::string_view type = text_at(feature, "$type");
      if (type == facet_mention) {
        if (auto did = text_at(feature, "did"); !did.empty()) lists.mention_dids.push_back(did);
      } else if (type == facet_link) {
        if (auto uri = text_at(feature, "uri"); !uri.empty()) lists.links.push_back(uri);
      } else if (type == facet_tag) {
        if (auto tag = text_at(feature, "tag"); !tag.empty()) lists.tags.push_back(tag);
      }
    }
  }
}

// embed.record, or embed.recordWithMedia's record: the quoted record's strong ref.
const json& quoted_ref(const json& embed) {
  const std::string_view type = text_at(embed, "$type");
  if (type == embed_record) return member_at(embed, "record");
  if (type == embed_record_with_media) return member_at(member_at(embed, "record"), "record");
  return member_at(json(), "");
}

bool is_post_create(const json& commit) {
  return text_at(commit, "operation") == "create" &&
         text_at(commit, "collection") == post_collection;
}

bool read_post(std::string_view did, const json& commit, std::int64_t time_us, PostBatch& batch) {
  const json& record = member_at(commit, "record");
  const json& text = member_at(record, "text");
  const std::string_view created_at = text_at(record, "createdAt");
  if (!text.is_string() || created_at.empty()) return false;
  const std::string uri = record_uri(did, post_collection, text_at(commit, "rkey"));
  PostLists lists;
  append_texts(member_at(record, "langs"), lists.langs);
  read_facets(member_at(record, "facets"), lists);
  append_texts(member_at(record, "tags"), lists.tags);
  domain::IncomingPost post;
  post.uri = uri;
  post.cid = text_at(commit, "cid");
  post.author_did = did;
  post.text = text.get_ref<const std::string&>();
  post.created_at = created_at;
  post.langs = lists.langs;
  post.mention_dids = lists.mention_dids;
  post.links = lists.links;
  post.tags = lists.tags;
  const json& reply = member_at(record, "reply");
  post.reply_root_uri = text_at(member_at(reply, "root"), "uri");
  post.reply_root_cid = text_at(member_at(reply, "root"), "cid");
  post.reply_parent_uri = text_at(member_at(reply, "parent"), "uri");
  post.reply_parent_cid = text_at(member_at(reply, "parent"), "cid");
  const json& quoted = quoted_ref(member_at(record, "embed"));
  post.quote_uri = text_at(quoted, "uri");
  post.quote_cid = text_at(quoted, "cid");
  post.cursor = time_us;
  batch.add(post);
  return true;
}

}  // namespace

core::Result<EventRead> read_event(std::string_view message, PostBatch& batch) {
  if (message.size() > core::limits::jetstream_message_bytes_max) {
    return malformed("over the size limit");
  }
  json event = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) return malformed("not JSON");
  if (!event.is_object()) return malformed("not an object");
  const std::string_view did = text_at(event, "did");
  if (did.empty()) return malformed("no did");
  const json& time_us = member_at(event, "time_us");
  if (!time_us.is_number_integer()) return malformed("no integer time_us");
  const std::string_view kind = text_at(event, "kind");
  if (kind.empty()) return malformed("no kind");

  EventRead read;
  read.time_us = time_us.get<std::int64_t>();
  if (kind != "commit") return read;
  const json& commit = member_at(event, "commit");
  if (!commit.is_object()) return malformed("a commit without its commit object");
  if (!is_post_create(commit)) return read;
  if (text_at(commit, "rkey").empty()) return malformed("a create without rkey");
  read.post_added = read_post(did, commit, read.time_us, batch);
  return read;
}

}  // namespace roost::ingest::jetstream
