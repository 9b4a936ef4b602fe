#pragma once

// Feeds posts to the inbox of a running roost, through services::Inbox on the same database
// file: the firehose consumer that will call it is composed in app/ by another slice, and
// until then tests hand over the posts a listener would (the same code path after it).
#include <memory>
#include <string>
#include <vector>

#include "../support/fed_post.hpp"
#include "core/clock.hpp"
#include "services/inbox.hpp"
#include "storage/database.hpp"

namespace roost::testing {

class InboxFeeder {
 public:
  explicit InboxFeeder(std::unique_ptr<storage::Database> database)
      : database_(std::move(database)),
        users_(*database_),
        organizations_(*database_),
        teams_(*database_),
        profiles_(*database_),
        post_records_(*database_),
        notification_records_(*database_),
        inbox_records_(*database_),
        template_records_(*database_),
        notifications_(notification_records_, clock_),
        posts_(organizations_, teams_, profiles_, post_records_, notifications_, clock_),
        templates_(organizations_, teams_, profiles_, template_records_, clock_),
        inbox_(organizations_, teams_, profiles_, inbox_records_, users_, notification_records_,
               posts_, templates_, nullptr, clock_, outbound_) {}

  // How many items were new.
  std::size_t feed(std::vector<FedPost>& posts) {
    std::vector<domain::IncomingPost> views;
    for (auto& post : posts) views.push_back(post.view());
    auto ingested = inbox_.ingest(views);
    if (!ingested) throw std::runtime_error("ingest failed: " + ingested.error().message);
    return *ingested;
  }

 private:
  std::unique_ptr<storage::Database> database_;
  core::SystemClock clock_;
  services::OutboundSettings outbound_;
  storage::UserRepository users_;
  storage::OrganizationRepository organizations_;
  storage::TeamRepository teams_;
  storage::ProfileRepository profiles_;
  storage::PostRepository post_records_;
  storage::NotificationRepository notification_records_;
  storage::InboxRepository inbox_records_;
  storage::TemplateRepository template_records_;
  services::Notifications notifications_;
  services::Posts posts_;
  services::Templates templates_;
  services::Inbox inbox_;
};

// A mention of `did` by did:plc:fan.
inline FedPost mention_of(const std::string& rkey, const std::string& did,
                          const std::string& text) {
  FedPost post;
  post.uri = "at://did:plc:fan/app.bsky.feed.post/" + rkey;
  post.cid = "bafy" + rkey;
  post.author = "did:plc:fan";
  post.text = text;
  post.mentions = {did};
  return post;
}

}  // namespace roost::testing
