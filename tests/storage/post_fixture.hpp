#pragma once

#include <memory>
#include <string>
#include <vector>

#include "migrated_database_test.hpp"
#include "storage/organization_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/publish_job_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {

// Instants of the post tests: microseconds for PostRepository's writes, milliseconds for
// the rest.
inline constexpr std::int64_t start_ms = 1'700'000'000'000;
inline constexpr std::int64_t start_us = start_ms * 1'000;
inline constexpr std::int64_t hour_ms = 60 * 60 * 1'000;
inline constexpr std::int64_t us_per_ms = 1'000;

// Acme with Ada (owner) and Grace (member of the London team, granted the London profile),
// three profiles of Acme (London, Stockholm, Paris), and Globex with one profile.
class PostFixture : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    teams_ = std::make_unique<TeamRepository>(database());
    profiles_ = std::make_unique<ProfileRepository>(database());
    posts_ = std::make_unique<PostRepository>(database());
    jobs_ = std::make_unique<PublishJobRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    grace_ = make_user("grace@example.com", "Grace");
    acme_ = make_org("Acme");
    globex_ = make_org("Globex");
    ASSERT_TRUE(succeeded(organizations_->add_member(
        {acme_, grace_, domain::OrgRole::member, start_ms}, audit("member.added"))));
    london_team_ = make_team("London", acme_);
    auto joined = teams_->set_member(london_team_, grace_, domain::TeamRole::member, start_ms,
                                     audit("team.member_added"));
    ASSERT_TRUE(succeeded(joined));
    london_ = make_profile(acme_, "did:plc:london", "london.test");
    stockholm_ = make_profile(acme_, "did:plc:sthlm", "stockholm.test");
    paris_ = make_profile(acme_, "did:plc:paris", "paris.test");
    globex_profile_ = make_profile(globex_, "did:plc:globex", "globex.test");
    ASSERT_TRUE(succeeded(
        profiles_->set_grants(acme_, {{london_team_, london_, domain::ProfileLevel::limited}},
                              start_ms, audit("profile.granted"))));
  }

  core::OrgId make_org(const std::string& name) {
    return MigratedDatabaseTest::make_org(name, ada_, start_ms, audit("org.created"));
  }

  core::TeamId make_team(const std::string& name, core::OrgId org) {
    return MigratedDatabaseTest::make_team(org, name, start_ms, audit("team.created"));
  }

  core::ProfileId make_profile(core::OrgId org, const std::string& did, const std::string& handle) {
    return MigratedDatabaseTest::make_profile(org, did, handle, ada_, start_ms,
                                              audit("profile.connected"));
  }

  AuditEvent audit(std::string action = "") {
    return AuditEvent{{}, ada_, std::move(action), "", "{}", "req-1", start_ms};
  }

  // A post of Ada's on `profiles` in `state`, at `at_ms` (none: no instant).
  NewPost new_post(std::vector<core::ProfileId> profiles, PostState state,
                   std::optional<std::int64_t> at_ms, const std::string& text = "Hello") {
    NewPost post;
    post.org = acme_;
    post.author = ada_;
    post.state = state;
    post.text = text;
    post.langs = {"en", "fr"};
    post.schedule.at_ms = at_ms;
    post.schedule.time_zone = "Europe/Paris";
    post.schedule.local_time = "2023-11-14T23:13";
    post.schedule.wall_time_rule = "exact";
    for (auto profile : profiles) post.targets.push_back({profile, std::nullopt, "hash:" + text});
    return post;
  }

  PostRecord create(const NewPost& post, std::int64_t now_us = start_us) {
    auto created = posts_->create(post, now_us, audit());
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? created->post : PostRecord{};
  }

  // A post scheduled at `at_ms` on `profiles`.
  PostRecord scheduled(std::vector<core::ProfileId> profiles, std::int64_t at_ms,
                       const std::string& text = "Hello") {
    return create(new_post(std::move(profiles), PostState::scheduled, at_ms, text));
  }

  std::vector<ClaimedJob> claim(std::int64_t now_ms, const std::string& owner = "worker-1",
                                std::int64_t lease_ms = 60'000, std::size_t max = 10) {
    auto claimed = jobs_->claim_due(now_ms, owner, lease_ms, max);
    EXPECT_TRUE(succeeded(claimed));
    return claimed.ok() ? *claimed : std::vector<ClaimedJob>{};
  }

  PostRecord find(core::PostId post) {
    auto found = posts_->find(acme_, post);
    EXPECT_TRUE(succeeded(found));
    return found.ok() && found->has_value() ? **found : PostRecord{};
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<TeamRepository> teams_;
  std::unique_ptr<ProfileRepository> profiles_;
  std::unique_ptr<PostRepository> posts_;
  std::unique_ptr<PublishJobRepository> jobs_;
  core::UserId ada_, grace_;
  core::OrgId acme_, globex_;
  core::TeamId london_team_;
  core::ProfileId london_, stockholm_, paris_, globex_profile_;
};

}  // namespace roost::storage::testing
