#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/post_sink.hpp"

// A PostSink that keeps copies of what it accepted, can refuse the next N batches, and lets
// a test wait for a post. It is the consumer's contract seen from the other side, not an
// imitation of the matcher or the inbox.
namespace roost::ingest::testing {

// A copy of a handed-over post that outlives the hand-over (its views die with it).
struct OwnedPost {
  std::string uri;
  std::string cid;
  std::string author_did;
  std::string text;
  std::string created_at;
  std::vector<std::string> langs;
  std::vector<std::string> mention_dids;
  std::vector<std::string> links;
  std::vector<std::string> tags;
  std::string reply_root_uri;
  std::string reply_root_cid;
  std::string reply_parent_uri;
  std::string reply_parent_cid;
  std::string quote_uri;
  std::string quote_cid;
  std::int64_t cursor = 0;
};

inline OwnedPost owned_copy(const domain::IncomingPost& post) {
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

// What the sink received, and when.
struct ReceivedPost : OwnedPost {
  std::chrono::steady_clock::time_point received_at;
};

class CollectingSink : public PostSink {
 public:
  core::Result<void> accept(std::span<const domain::IncomingPost> posts) override {
    std::vector<ReceivedPost> batch;
    for (const auto& post : posts) batch.push_back(copy(post));
    std::function<void()> observer;
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back(batch);
      observer = on_accept_;
    }
    if (observer) observer();
    std::lock_guard lock(mutex_);
    const bool concerned = refused_author_.empty() ||
                           std::any_of(batch.begin(), batch.end(), [&](const ReceivedPost& post) {
                             return post.author_did == refused_author_;
                           });
    if (refusals_left_ > 0 && concerned) {
      --refusals_left_;
      return core::Error{core::ErrorCode::unavailable, "the test sink refuses this batch"};
    }
    for (auto& post : batch) accepted_.push_back(std::move(post));
    changed_.notify_all();
    return core::success();
  }

  // Refuses the next `batches` batches (those with a post by `author_did` when given).
  void refuse_next(int batches, std::string author_did = {}) {
    std::lock_guard lock(mutex_);
    refusals_left_ = batches;
    refused_author_ = std::move(author_did);
  }
  // Called on the consumer's thread at every accept(), before it answers.
  void on_accept(std::function<void()> observer) {
    std::lock_guard lock(mutex_);
    on_accept_ = std::move(observer);
  }

  // The first accepted post with this URI, waiting up to `timeout` for it.
  std::optional<ReceivedPost> wait_for(const std::string& uri, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<ReceivedPost> found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& post : accepted_) {
        if (post.uri == uri) found = post;
      }
      return found.has_value();
    });
    return found;
  }

  // The URIs of the accepted posts by `did`, in the order accepted.
  std::vector<std::string> accepted_uris_of(const std::string& did) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> uris;
    for (const auto& post : accepted_) {
      if (post.author_did == did) uris.push_back(post.uri);
    }
    return uris;
  }

  std::vector<std::vector<ReceivedPost>> attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

 private:
  static ReceivedPost copy(const domain::IncomingPost& post) {
    return {owned_copy(post), std::chrono::steady_clock::now()};
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ReceivedPost> accepted_;
  std::vector<std::vector<ReceivedPost>> attempts_;
  int refusals_left_ = 0;
  std::string refused_author_;
  std::function<void()> on_accept_;
};

}  // namespace roost::ingest::testing
