#include "ingest/post_batch.hpp"

namespace roost::ingest {

namespace {

constexpr std::string_view uri_scheme = "at://";

}  // namespace

std::string record_uri(std::string_view did, std::string_view collection, std::string_view rkey) {
  std::string uri(uri_scheme);
  uri.append(did).append("/").append(collection).append("/").append(rkey);
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

void PostBatch::keep_common(Packed& packed, const domain::IncomingPost& post) {
  packed.text = keep(post.text);
  packed.created_at = keep(post.created_at);
  packed.first_item = items_.size();
  packed.langs = keep_items(post.langs);
  packed.mention_dids = keep_items(post.mention_dids);
  packed.links = keep_items(post.links);
  packed.tags = keep_items(post.tags);
  packed.reply_root_uri = keep(post.reply_root_uri);
  packed.reply_root_cid = keep(post.reply_root_cid);
  packed.reply_parent_uri = keep(post.reply_parent_uri);
  packed.reply_parent_cid = keep(post.reply_parent_cid);
  packed.quote_uri = keep(post.quote_uri);
  packed.quote_cid = keep(post.quote_cid);
  packed.cursor = post.cursor;
}

void PostBatch::add(const domain::IncomingPost& post) {
  Packed packed;
  packed.text_start = text_.size();
  packed.uri = keep(post.uri);
  packed.cid = keep(post.cid);
  packed.author_did = keep(post.author_did);
  keep_common(packed, post);
  posts_.push_back(packed);
}

void PostBatch::add_firehose_post(const firehose::CommitEvent& commit,
                                  const firehose::RecordOp& op) {
  const firehose::Post& record = op.post;
  Packed packed;
  packed.text_start = text_.size();
  text_.append(uri_scheme).append(commit.repo).append("/").append(op.collection).append("/");
  text_.append(op.rkey);
  packed.uri = {packed.text_start, text_.size() - packed.text_start};
  // The author is the URI's authority.
  packed.author_did = {packed.text_start + uri_scheme.size(), commit.repo.size()};
  if (op.cid) {
    const std::size_t cid_start = text_.size();
    append_string(*op.cid, text_);
    packed.cid = {cid_start, text_.size() - cid_start};
  }
  domain::IncomingPost view;
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
  keep_common(packed, view);
  posts_.push_back(packed);
}

void PostBatch::clear() {
  text_.clear();
  items_.clear();
  posts_.clear();
}

void PostBatch::pop_back() {
  if (posts_.empty()) return;
  text_.resize(posts_.back().text_start);
  items_.resize(posts_.back().first_item);
  posts_.pop_back();
}

std::span<const domain::IncomingPost> PostBatch::views() {
  const char* base = text_.data();
  const auto text = [base](Slice slice) { return std::string_view(base + slice.offset, slice.size); };
  item_views_.clear();
  item_views_.reserve(items_.size());
  for (const Slice& item : items_) item_views_.push_back(text(item));
  views_.clear();
  views_.reserve(posts_.size());
  for (const Packed& packed : posts_) {
    const std::string_view* items = item_views_.data() + packed.first_item;
    domain::IncomingPost& view = views_.emplace_back();
    view.uri = text(packed.uri);
    view.cid = text(packed.cid);
    view.author_did = text(packed.author_did);
    view.text = text(packed.text);
    view.created_at = text(packed.created_at);
    view.langs = {items, packed.langs};
    items += packed.langs;
    view.mention_dids = {items, packed.mention_dids};
    items += packed.mention_dids;
    view.links = {items, packed.links};
    items += packed.links;
    view.tags = {items, packed.tags};
    view.reply_root_uri = text(packed.reply_root_uri);
    view.reply_root_cid = text(packed.reply_root_cid);
    view.reply_parent_uri = text(packed.reply_parent_uri);
    view.reply_parent_cid = text(packed.reply_parent_cid);
    view.quote_uri = text(packed.quote_uri);
    view.quote_cid = text(packed.quote_cid);
    view.cursor = packed.cursor;
  }
  return views_;
}

}  // namespace roost::ingest
