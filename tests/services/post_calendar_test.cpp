// services::PostCalendar on a scratch database: the range checks, and exports that span
// more than one storage page and stop at their limit, saying so.
#include "services/post_calendar.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "../storage/scratch_database.hpp"
#include "core/limits.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "services/profile_alerts.hpp"
#include "services/profile_credentials.hpp"
#include "storage/migrations.hpp"

namespace roost::services {
namespace {

using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

constexpr std::int64_t first_post_ms = 1'893'456'000'000;  // 2030-01-01T00:00:00Z
constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t day_ms = 24 * 60 * minute_ms;

// One more post than a storage page holds: an export must follow the cursor.
const std::size_t post_count = core::limits::calendar_page_size_max + 20;

class PostCalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    organizations_ = std::make_unique<storage::OrganizationRepository>(*database_);
    teams_ = std::make_unique<storage::TeamRepository>(*database_);
    profiles_ = std::make_unique<storage::ProfileRepository>(*database_);
    posts_ = std::make_unique<storage::PostRepository>(*database_);
    notifications_ = std::make_unique<storage::NotificationRepository>(*database_);
    // The calendar never connects a profile: the network and the vault are only there
    // because Profiles needs them.
    vault_ = std::make_unique<ProfileCredentialVault>(*profiles_, keyring_, clock_);
    alerts_ =
        std::make_unique<ProfileAlerts>(*profiles_, *users_, *notifications_, clock_, outbound_);
    profile_service_ = std::make_unique<Profiles>(*organizations_, *teams_, *profiles_, *vault_,
                                                  bluesky_, *alerts_, clock_);
    team_service_ = std::make_unique<Teams>(*organizations_, *teams_, clock_);
    calendar_ = std::make_unique<PostCalendar>(*organizations_, *users_, *posts_, *profile_service_,
                                               *team_service_, clock_);

    auto user = users_->create({"ada@example.com", "ada@example.com", "Ada", "$argon2id$x", 1});
    ASSERT_TRUE(user.ok());
    ada_ = user->id;
    auto org = organizations_->create({"Acme", 10, 10, ada_, fixed_now_ms}, {});
    ASSERT_TRUE(org.ok()) << org.error().message;
    org_ = org->id;
    auto profile = profiles_->create(
        {org_, "bluesky", "did:plc:bikes", "bikes.test", "", "", "", {}, {}, fixed_now_ms}, {});
    ASSERT_TRUE(profile.ok());

    // Drafts, one a minute: no publish jobs to write, so the set-up stays quick.
    for (std::size_t index = 0; index < post_count; ++index) {
      storage::NewPost post;
      post.org = org_;
      post.author = ada_;
      post.text = "post " + std::to_string(index);
      post.schedule.at_ms = first_post_ms + static_cast<std::int64_t>(index) * minute_ms;
      post.schedule.time_zone = "UTC";
      post.targets.push_back({profile->id, std::nullopt, post.text});
      auto created = posts_->create(post, fixed_now_ms * 1000, {});
      ASSERT_TRUE(created.ok()) << created.error().message;
    }
  }

  Caller ada() const { return Caller{authz::Actor{ada_.value, 1, false}, "req"}; }

  CalendarFilter whole_range() const {
    CalendarFilter filter;
    filter.from_ms = first_post_ms;
    filter.until_ms = first_post_ms + 30 * day_ms;
    return filter;
  }

  FixedClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> organizations_;
  std::unique_ptr<storage::TeamRepository> teams_;
  std::unique_ptr<storage::ProfileRepository> profiles_;
  std::unique_ptr<storage::PostRepository> posts_;
  std::unique_ptr<storage::NotificationRepository> notifications_;
  core::Keyring keyring_;
  OutboundSettings outbound_;
  networks::bluesky::BlueskyNetwork bluesky_{networks::bluesky::BlueskySettings{}};
  std::unique_ptr<ProfileCredentialVault> vault_;
  std::unique_ptr<ProfileAlerts> alerts_;
  std::unique_ptr<Profiles> profile_service_;
  std::unique_ptr<Teams> team_service_;
  std::unique_ptr<PostCalendar> calendar_;
  core::UserId ada_;
  core::OrgId org_;
};

TEST_F(PostCalendarTest, AnExportFollowsEveryPageInOrder) {
  auto exported = calendar_->export_all(ada(), org_, whole_range(), post_count + 1);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_FALSE(exported->truncated);
  EXPECT_EQ(exported->exported_at_ms, fixed_now_ms);
  ASSERT_EQ(exported->content.posts.size(), post_count);
  for (std::size_t index = 0; index < post_count; ++index) {
    EXPECT_EQ(exported->content.posts[index].text, "post " + std::to_string(index));
  }
  EXPECT_EQ(exported->content.authors.at(ada_.value).display_name, "Ada");
  EXPECT_EQ(exported->content.profiles.size(), 1u);
  // Exactly as many as the limit: nothing left out, nothing said.
  auto exact = calendar_->export_all(ada(), org_, whole_range(), post_count);
  ASSERT_TRUE(exact.ok());
  EXPECT_FALSE(exact->truncated);
  EXPECT_EQ(exact->content.posts.size(), post_count);
}

TEST_F(PostCalendarTest, AnExportStopsAtItsLimitAndSaysSo) {
  const std::size_t limit = core::limits::calendar_page_size_max + 5;
  auto exported = calendar_->export_all(ada(), org_, whole_range(), limit);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_TRUE(exported->truncated);
  ASSERT_EQ(exported->content.posts.size(), limit);
  EXPECT_EQ(exported->content.posts.back().text, "post " + std::to_string(limit - 1));
}

TEST_F(PostCalendarTest, TheRangeIsCheckedAndAStrangerGetsNotFoundWhateverTheQuery) {
  auto filter = whole_range();
  filter.until_ms = filter.from_ms;
  EXPECT_EQ(PostCalendar::check(filter).error().code, core::ErrorCode::invalid_request);
  filter.until_ms = filter.from_ms + core::limits::calendar_range_max.count();
  EXPECT_TRUE(PostCalendar::check(filter).ok());
  filter.until_ms += 1;
  EXPECT_EQ(PostCalendar::check(filter).error().details.at(0).field, "until");
  // Extreme instants do not overflow into a short range.
  filter.from_ms = std::numeric_limits<std::int64_t>::min();
  filter.until_ms = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(PostCalendar::check(filter).ok());
  // A stranger learns nothing, not even that the query was wrong.
  Caller stranger{authz::Actor{ada_.value + 100, 1, false}, "req"};
  auto page = calendar_->page(stranger, org_, whole_range(), std::nullopt, 10);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, core::ErrorCode::not_found);
  auto wrong = calendar_->page(stranger, org_, filter, std::nullopt, 10);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(calendar_->authorize(stranger, org_).error().code, core::ErrorCode::not_found);
  EXPECT_TRUE(calendar_->authorize(ada(), org_).ok());
}

}  // namespace
}  // namespace roost::services
