#pragma once

// A post as a listener hands it over (domain::IncomingPost), owned by the test: the views
// that view() returns point into this object's strings. For tests that feed the inbox or
// the streams without a firehose.
#include <string>
#include <string_view>
#include <vector>

#include "domain/incoming_post.hpp"

namespace roost::testing {

struct FedPost {
  std::string uri, cid, author, text, created_at = "2026-12-04T13:59:00Z";
  std::vector<std::string> mentions;
  std::string root_uri, root_cid, parent_uri, parent_cid, quote_uri, quote_cid;
  std::vector<std::string_view> mention_views;

  domain::IncomingPost view() {
    mention_views.assign(mentions.begin(), mentions.end());
    domain::IncomingPost post;
    post.uri = uri;
    post.cid = cid;
    post.author_did = author;
    post.text = text;
    post.created_at = created_at;
    post.mention_dids = mention_views;
    post.reply_root_uri = root_uri;
    post.reply_root_cid = root_cid;
    post.reply_parent_uri = parent_uri;
    post.reply_parent_cid = parent_cid;
    post.quote_uri = quote_uri;
    post.quote_cid = quote_cid;
    return post;
  }
};

}  // namespace roost::testing
