// services::ProfileAlerts on a scratch database: a profile whose credentials stopped working
// is marked needs_reconnect, and its owner is told once (in-app and by email), however many
// failing jobs report it.
#include "services/profile_alerts.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../storage/scratch_database.hpp"
#include "storage/mail_outbox_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"

namespace roost::services {
namespace {

using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

using std::chrono::milliseconds;

constexpr std::int64_t profile_limit = 10;
constexpr std::int64_t seat_limit = 25;
constexpr std::size_t listed_max = 50;
constexpr std::int64_t lease_ms = 60'000;

class ProfileAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    organizations_ = std::make_unique<storage::OrganizationRepository>(*database_);
    profiles_ = std::make_unique<storage::ProfileRepository>(*database_);
    notifications_ = std::make_unique<storage::NotificationRepository>(*database_);
    alerts_ =
        std::make_unique<ProfileAlerts>(*profiles_, *users_, *notifications_, clock_, outbound_);
    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
    auto org = organizations_->create({"Acme", profile_limit, seat_limit, ada_, fixed_now_ms}, {});
    ASSERT_TRUE(org.ok());
    acme_ = org->id;
    ASSERT_TRUE(
        organizations_->add_member({acme_, grace_, domain::OrgRole::member, fixed_now_ms}, {})
            .ok());
  }

  core::UserId make_user(const std::string& email) {
    auto created = users_->create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }

  core::ProfileId make_profile(std::optional<core::UserId> owner) {
    storage::ProfileDraft draft{acme_, "bluesky",   "did:plc:bikes",         "bikes.test",
                                "",    "",          "http://127.0.0.1:2583", owner,
                                ada_,  fixed_now_ms};
    auto created = profiles_->create(draft, {});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::ProfileId{};
  }

  std::vector<storage::NotificationRecord> notifications_of(core::UserId user) {
    auto listed = notifications_->list(user, {std::nullopt, listed_max, false});
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? *listed : std::vector<storage::NotificationRecord>{};
  }

  std::vector<storage::ClaimedMail> queued_mails() {
    storage::MailOutboxRepository outbox(*database_);
    auto claimed = outbox.claim_due(fixed_now_ms + lease_ms, lease_ms, listed_max);
    EXPECT_TRUE(claimed.ok());
    return claimed.ok() ? *claimed : std::vector<storage::ClaimedMail>{};
  }

  FixedClock clock_;
  OutboundSettings outbound_{"https://roost.example", true};
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> organizations_;
  std::unique_ptr<storage::ProfileRepository> profiles_;
  std::unique_ptr<storage::NotificationRepository> notifications_;
  std::unique_ptr<ProfileAlerts> alerts_;
  core::UserId ada_, grace_;
  core::OrgId acme_;
};

TEST_F(ProfileAlertsTest, TheOwnerIsToldOnceInAppAndByEmail) {
  auto profile = make_profile(grace_);
  auto first = alerts_->mark_needs_reconnect(profile, "Token has been revoked");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(*first);
  // The next failing jobs find the status already set: nobody is told again.
  for (int repeat = 0; repeat < 3; ++repeat) {
    auto again = alerts_->mark_needs_reconnect(profile, "Token has been revoked");
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
  }
  auto found = profiles_->find(profile);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status, "needs_reconnect");

  auto told = notifications_of(grace_);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].kind, "profile.needs_reconnect");
  EXPECT_EQ(told[0].org, acme_);
  auto payload = nlohmann::json::parse(told[0].payload_json);
  EXPECT_EQ(payload["profile_id"], profile.value);
  EXPECT_EQ(payload["handle"], "bikes.test");
  EXPECT_EQ(payload["reason"], "Token has been revoked");
  EXPECT_EQ(payload["url"],
            "https://roost.example/orgs/" + std::to_string(acme_.value) + "/profiles");
  // Ada created the profile but is not its owner: the owner alone hears of it.
  EXPECT_TRUE(notifications_of(ada_).empty());

  auto mails = queued_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].mail.to_address, "grace@example.com");
  EXPECT_NE(mails[0].mail.subject.find("bikes.test"), std::string::npos);
  EXPECT_NE(mails[0].mail.body_text.find("/profiles"), std::string::npos);
}

TEST_F(ProfileAlertsTest, ReconnectedThenRevokedAgainTellsTheOwnerAgain) {
  auto profile = make_profile(grace_);
  ASSERT_TRUE(alerts_->mark_needs_reconnect(profile, "revoked").ok());
  auto active = profiles_->set_status(profile, storage::ProfileStatus::active, fixed_now_ms);
  ASSERT_TRUE(active.ok() && *active);
  auto second = alerts_->mark_needs_reconnect(profile, "revoked");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*second);
  EXPECT_EQ(notifications_of(grace_).size(), 2u);
}

TEST_F(ProfileAlertsTest, WithoutAnOwnerTheOrganizationsOwnersAndAdminsAreTold) {
  auto profile = make_profile(std::nullopt);
  auto marked = alerts_->mark_needs_reconnect(profile, "revoked");
  ASSERT_TRUE(marked.ok());
  EXPECT_TRUE(*marked);
  EXPECT_EQ(notifications_of(ada_).size(), 1u);   // the organization's owner
  EXPECT_TRUE(notifications_of(grace_).empty());  // a plain member
}

TEST_F(ProfileAlertsTest, WithoutMailOnlyTheInAppNoticeIsWritten) {
  outbound_.mail_enabled = false;
  auto profile = make_profile(grace_);
  ASSERT_TRUE(alerts_->mark_needs_reconnect(profile, "revoked").ok());
  EXPECT_EQ(notifications_of(grace_).size(), 1u);
  EXPECT_TRUE(queued_mails().empty());
}

TEST_F(ProfileAlertsTest, AProfileThatIsGoneIsNotFound) {
  auto marked = alerts_->mark_needs_reconnect(core::ProfileId{4242}, "revoked");
  ASSERT_FALSE(marked.ok());
  EXPECT_EQ(marked.error().code, core::ErrorCode::not_found);
}

}  // namespace
}  // namespace roost::services
