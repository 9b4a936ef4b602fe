#include "ingest/post_batch.hpp"

namespace roost::ingest {

namespace {

void assign_all(std::vector<std::string>& out, const std::vector<std::string_view>& in) {
  out.resize(in.size());
  for (std::size_t index = 0; index < in.size(); ++index) out[index].assign(in[index]);
}

// Appends `items` to `storage` and returns their span; `storage` was reserved, so earlier
// spans stay valid.
std::span<const std::string_view> append_views(std::vector<std::string_view>& storage,
                                               const std::vector<std::string>& items) {
  const std::size_t first = storage.size();
  for (const auto& item : items) storage.emplace_back(item);
  return {storage.data() + first, items.size()};
}

}  // namespace

std::string record_uri(std::string_view did, std::string_view collection, std::string_view rkey) {
  std::string uri = "at://";
  uri.append(did).append("/").append(collection).append("/").append(rkey);
  return uri;
}

OwnedPost owned_copy(const domain::IncomingPost& post) {
  auto strings = [](std::span<const std::string_view> items) {
    return std::vector<std::string>(items.begin(), items.end());
  };
  return {std::string(post.uri),
          std::string(post.cid),
          std::string(post.author_did),
          std::string(post.text),
          std::string(post.created_at),
          strings(post.langs),
          strings(post.mention_dids),
          strings(post.links),
          strings(post.tags),
          std::string(post.reply_root_uri),
          std::string(post.reply_root_cid),
          std::string(post.reply_parent_uri),
          std::string(post.reply_parent_cid),
          std::string(post.quote_uri),
          std::string(post.quote_cid),
          post.cursor};
}

OwnedPost& PostBatch::add() {
  if (size_ == posts_.size()) posts_.emplace_back();
  OwnedPost& post = posts_[size_++];
  post.uri.clear();
  post.cid.clear();
  post.author_did.clear();
  post.text.clear();
  post.created_at.clear();
  post.langs.clear();
  post.mention_dids.clear();
  post.links.clear();
  post.tags.clear();
  post.reply_root_uri.clear();
  post.reply_root_cid.clear();
  post.reply_parent_uri.clear();
  post.reply_parent_cid.clear();
  post.quote_uri.clear();
  post.quote_cid.clear();
  post.cursor = 0;
  return post;
}

void PostBatch::add_firehose_post(const firehose::CommitEvent& commit,
                                  const firehose::RecordOp& op) {
  OwnedPost& post = add();
  const firehose::Post& record = op.post;
  post.uri = record_uri(commit.repo, op.collection, op.rkey);
  if (op.cid) assign_string(*op.cid, post.cid);
  post.author_did.assign(commit.repo);
  post.text.assign(record.text);
  post.created_at.assign(record.created_at);
  assign_all(post.langs, record.langs);
  assign_all(post.mention_dids, record.mention_dids);
  assign_all(post.links, record.links);
  assign_all(post.tags, record.tags);
  post.reply_root_uri.assign(record.reply_root_uri);
  post.reply_root_cid.assign(record.reply_root_cid);
  post.reply_parent_uri.assign(record.reply_parent_uri);
  post.reply_parent_cid.assign(record.reply_parent_cid);
  post.quote_uri.assign(record.quote_uri);
  post.quote_cid.assign(record.quote_cid);
  post.cursor = commit.seq;
}

std::span<const domain::IncomingPost> PostBatch::views() {
  std::size_t items = 0;
  for (std::size_t index = 0; index < size_; ++index) {
    const OwnedPost& post = posts_[index];
    items += post.langs.size() + post.mention_dids.size() + post.links.size() + post.tags.size();
  }
  list_items_.clear();
  list_items_.reserve(items);
  views_.clear();
  for (std::size_t index = 0; index < size_; ++index) {
    const OwnedPost& post = posts_[index];
    domain::IncomingPost view;
    view.uri = post.uri;
    view.cid = post.cid;
    view.author_did = post.author_did;
    view.text = post.text;
    view.created_at = post.created_at;
    view.langs = append_views(list_items_, post.langs);
    view.mention_dids = append_views(list_items_, post.mention_dids);
    view.links = append_views(list_items_, post.links);
    view.tags = append_views(list_items_, post.tags);
    view.reply_root_uri = post.reply_root_uri;
    view.reply_root_cid = post.reply_root_cid;
    view.reply_parent_uri = post.reply_parent_uri;
    view.reply_parent_cid = post.reply_parent_cid;
    view.quote_uri = post.quote_uri;
    view.quote_cid = post.quote_cid;
    view.cursor = post.cursor;
    views_.push_back(view);
  }
  return views_;
}

}  // namespace roost::ingest
