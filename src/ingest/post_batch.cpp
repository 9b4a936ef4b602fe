#include "ingest/post_batch.hpp"

#include <iterator>
#include <utility>

namespace roost::ingest {

namespace {

using domain::IncomingPost;

constexpr std::string_view uri_scheme = "at://";

// A post's strings and lists, each with where the batch keeps it: the one list that both
// copying a post in and viewing it read, so that a field cannot be copied and not viewed.
// The first three strings are the identity, which the two kinds of post fill each their way.
constexpr std::pair<PostBatch::Slice PostBatch::Packed::*, std::string_view IncomingPost::*>
    text_fields[] = {
        {&PostBatch::Packed::uri, &IncomingPost::uri},
        {&PostBatch::Packed::cid, &IncomingPost::cid},
        {&PostBatch::Packed::author_did, &IncomingPost::author_did},
        {&PostBatch::Packed::text, &IncomingPost::text},
        {&PostBatch::Packed::created_at, &IncomingPost::created_at},
        {&PostBatch::Packed::reply_root_uri, &IncomingPost::reply_root_uri},
        {&PostBatch::Packed::reply_root_cid, &IncomingPost::reply_root_cid},
        {&PostBatch::Packed::reply_parent_uri, &IncomingPost::reply_parent_uri},
        {&PostBatch::Packed::reply_parent_cid, &IncomingPost::reply_parent_cid},
        {&PostBatch::Packed::quote_uri, &IncomingPost::quote_uri},
        {&PostBatch::Packed::quote_cid, &IncomingPost::quote_cid},
};
constexpr std::size_t identity_fields = 3;
constexpr std::pair<std::uint32_t PostBatch::Packed::*,
                    std::span<const std::string_view> IncomingPost::*>
    list_fields[] = {
        {&PostBatch::Packed::langs, &IncomingPost::langs},
        {&PostBatch::Packed::mention_dids, &IncomingPost::mention_dids},
        {&PostBatch::Packed::links, &IncomingPost::links},
        {&PostBatch::Packed::tags, &IncomingPost::tags},
};

}  // namespace

void append_record_uri(std::string& out, std::string_view did, std::string_view collection,
                       std::string_view rkey) {
  out.append(uri_scheme).append(did).append("/").append(collection).append("/").append(rkey);
}

std::string record_uri(std::string_view did, std::string_view collection, std::string_view rkey) {
  std::string uri;
  append_record_uri(uri, did, collection, rkey);
  return uri;
}

PostBatch::Slice PostBatch::keep(std::string_view text) {
  const Slice slice{text_.size(), text.size()};
  text_.append(text);
  return slice;
}

std::uint32_t PostBatch::keep_items(std::span<const std::string_view> items) {
  for (std::string_view item : items) items_.push_back(keep(item));
  return static_cast<std::uint32_t>(items.size());
}

void PostBatch::keep_fields(Packed& packed, const IncomingPost& post, std::size_t first_text) {
  for (std::size_t index = first_text; index < std::size(text_fields); ++index) {
    const auto& [kept, given] = text_fields[index];
    packed.*kept = keep(post.*given);
  }
  packed.first_item = items_.size();
  for (const auto& [count, list] : list_fields) packed.*count = keep_items(post.*list);
  packed.cursor = post.cursor;
}

void PostBatch::add(const IncomingPost& post) {
  Packed packed;
  keep_fields(packed, post, 0);
  posts_.push_back(packed);
}

void PostBatch::add_firehose_post(const firehose::CommitEvent& commit,
                                  const firehose::RecordOp& op) {
  const firehose::Post& record = op.post;
  Packed packed;
  const std::size_t uri_start = text_.size();
  append_record_uri(text_, commit.repo, op.collection, op.rkey);
  packed.uri = {uri_start, text_.size() - uri_start};
  packed.author_did = keep(commit.repo);
  if (op.cid) {
    const std::size_t cid_start = text_.size();
    append_string(*op.cid, text_);
    packed.cid = {cid_start, text_.size() - cid_start};
  }
  IncomingPost view;
  view.text = record.text;
  view.created_at = record.created_at;
  view.langs = record.langs;
  view.mention_dids = record.mention_dids;
  view.links = record.links;
  view.tags = record.tags;
  view.reply_root_uri = record.reply_root_uri;
  view.reply_root_cid = record.reply_root_cid;
  view.reply_parent_uri = record.reply_parent_uri;
  view.reply_parent_cid = record.reply_parent_cid;
  view.quote_uri = record.quote_uri;
  view.quote_cid = record.quote_cid;
  view.cursor = commit.seq;
  keep_fields(packed, view, identity_fields);
  posts_.push_back(packed);
}

void PostBatch::clear() {
  text_.clear();
  items_.clear();
  posts_.clear();
}

void PostBatch::pop_back() {
  if (posts_.empty()) return;
  text_.resize(posts_.back().uri.offset);
  items_.resize(posts_.back().first_item);
  posts_.pop_back();
}

std::span<const IncomingPost> PostBatch::views() {
  const char* base = text_.data();
  const auto text = [base](Slice slice) {
    return std::string_view(base + slice.offset, slice.size);
  };
  item_views_.clear();
  item_views_.reserve(items_.size());
  for (const Slice& item : items_) item_views_.push_back(text(item));
  views_.clear();
  views_.reserve(posts_.size());
  for (const Packed& packed : posts_) {
    IncomingPost& view = views_.emplace_back();
    for (const auto& [kept, given] : text_fields) view.*given = text(packed.*kept);
    const std::string_view* items = item_views_.data() + packed.first_item;
    for (const auto& [count, list] : list_fields) {
      view.*list = {items, packed.*count};
      items += packed.*count;
    }
    view.cursor = packed.cursor;
  }
  return views_;
}

}  // namespace roost::ingest
