// The invitation repository's contract on both backends: a batch is all or nothing (row
// problems, the seat limit), and creating, accepting, declining, revoking and replacing
// the link write their notifications, mails and audit events in the same transaction.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/audit_repository.hpp"
#include "storage/invitation_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using domain::OrgRole;

constexpr std::int64_t invite_now_ms = 1'000'000;
constexpr std::int64_t week_ms = 7LL * 24 * 60 * 60 * 1000;
constexpr std::int64_t seat_limit = 4;

class InvitationRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    teams_ = std::make_unique<TeamRepository>(database());
    invitations_ = std::make_unique<InvitationRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    grace_ = make_user("grace@example.com", "Grace");
    auto org = organizations_->create({"Acme", 10, seat_limit, ada_, invite_now_ms}, audit_event());
    ASSERT_TRUE(succeeded(org));
    acme_ = org->id;
    auto other =
        organizations_->create({"Globex", 10, seat_limit, grace_, invite_now_ms}, audit_event());
    ASSERT_TRUE(succeeded(other));
    globex_ = other->id;
  }

  AuditEvent audit_event() {
    return AuditEvent{{}, ada_, "org.created", "", "{}", "req-1", invite_now_ms};
  }

  NewInvitation invitation(const std::string& email, std::string token_hash) {
    NewInvitation invitation;
    invitation.email = email;
    invitation.email_key = email;
    invitation.token_hash = std::move(token_hash);
    return invitation;
  }

  InvitationBatch batch(std::vector<NewInvitation> invitations, core::OrgId org = {}) {
    InvitationBatch batch;
    batch.org = org.value ? org : acme_;
    batch.invited_by = ada_;
    batch.now_ms = invite_now_ms;
    batch.expires_at_ms = invite_now_ms + week_ms;
    batch.invitations = std::move(invitations);
    batch.audit = audit_event();
    batch.notification_payload = [](const InvitationRecord& record) {
      return "{\"invitation_id\":" + std::to_string(record.id) + "}";
    };
    return batch;
  }

  std::int64_t count(const std::string& sql) {
    std::int64_t value = -1;
    auto done = database().transact(TransactionMode::read_only, [&](Transaction& transaction) {
      auto row = transaction.query_one(sql);
      if (!row) return core::Result<void>(std::move(row).error());
      value = (*row)->integer(0);
      return core::success();
    });
    EXPECT_TRUE(succeeded(done));
    return value;
  }

  std::int64_t invite(const std::string& email, const std::string& token_hash) {
    auto created = invitations_->create(batch({invitation(email, token_hash)}));
    EXPECT_TRUE(succeeded(created));
    if (!created.ok() || created->created.size() != 1) return 0;
    return created->created[0].id;
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<TeamRepository> teams_;
  std::unique_ptr<InvitationRepository> invitations_;
  core::UserId ada_;
  core::UserId grace_;
  core::OrgId acme_;
  core::OrgId globex_;
};

TEST_P(InvitationRepositoryContract, CreatesWithNotificationMailAndAuditInOneTransaction) {
  auto web = teams_->create(acme_, "Web", invite_now_ms, audit_event());
  ASSERT_TRUE(succeeded(web));
  auto to_grace = invitation("grace@example.com", "hash-grace");
  to_grace.role = OrgRole::admin;
  to_grace.team_ids = {web->id};
  to_grace.mail = OutboundMail{"grace@example.com", "Join Acme", "link", invite_now_ms};
  auto to_stranger = invitation("new@example.com", "hash-new");
  auto created = invitations_->create(batch({to_grace, to_stranger}));
  ASSERT_TRUE(succeeded(created));
  ASSERT_EQ(created->created.size(), 2u);
  EXPECT_TRUE(created->problems.empty());
  EXPECT_EQ(created->seats_used, 1);  // the owner

  auto found = invitations_->find_by_token_hash("hash-grace");
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->org_name, "Acme");
  EXPECT_EQ((*found)->inviter_name, "Ada");
  EXPECT_EQ((*found)->role, OrgRole::admin);
  EXPECT_EQ((*found)->status, InvitationStatus::pending);
  EXPECT_EQ((*found)->expires_at_ms, invite_now_ms + week_ms);
  ASSERT_EQ((*found)->teams.size(), 1u);
  EXPECT_EQ((*found)->teams[0].name, "Web");
  // Grace has an account: an in-app notification; the stranger has none.
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation.received'"), 1);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM notifications WHERE user_id = " + std::to_string(grace_.value)),
      1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 1);
  EXPECT_EQ(audit_actions(acme_),
            (std::vector<std::string>{"org.created", "org.created", "invitation.created",
                                      "invitation.created"}));
  auto mine = invitations_->list_pending_for_email("grace@example.com", invite_now_ms, listed_max);
  ASSERT_TRUE(succeeded(mine));
  ASSERT_EQ(mine->size(), 1u);
  auto listed = invitations_->list_for_org(acme_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  EXPECT_EQ(listed->size(), 2u);
  auto other = invitations_->list_for_org(globex_, listed_max);
  ASSERT_TRUE(succeeded(other));
  EXPECT_TRUE(other->empty());
}

TEST_P(InvitationRepositoryContract, ABatchWithOneProblemWritesNothing) {
  ASSERT_NE(invite("pending@example.com", "hash-1"), 0);
  auto globex_team = teams_->create(globex_, "Theirs", invite_now_ms, audit_event());
  ASSERT_TRUE(succeeded(globex_team));
  auto fine = invitation("fine@example.com", "hash-2");
  fine.team_names = {"Brand new"};
  auto member = invitation("ada@example.com", "hash-3");
  member.line = 3;
  member.email_column = 2;
  auto pending = invitation("pending@example.com", "hash-4");
  auto foreign_team = invitation("other@example.com", "hash-5");
  foreign_team.team_ids = {globex_team->id};
  auto result = invitations_->create(batch({fine, member, pending, foreign_team}));
  ASSERT_TRUE(succeeded(result));
  ASSERT_EQ(result->problems.size(), 3u);
  EXPECT_EQ(result->problems[0].index, 1u);
  EXPECT_EQ(result->problems[0].detail.message, "is already a member of the organization");
  EXPECT_EQ(result->problems[0].detail.line, 3);
  EXPECT_EQ(result->problems[0].detail.column, 2);
  EXPECT_EQ(result->problems[1].index, 2u);
  EXPECT_EQ(result->problems[2].detail.field, "teams");
  EXPECT_TRUE(result->created.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams WHERE name = 'Brand new'"), 0);
}

TEST_P(InvitationRepositoryContract, ADryRunChecksEverythingAndWritesNothing) {
  auto row = invitation("fine@example.com", "hash-1");
  row.team_names = {"Brand new"};
  auto checked = batch({row});
  checked.dry_run = true;
  auto result = invitations_->create(checked);
  ASSERT_TRUE(succeeded(result));
  EXPECT_TRUE(result->problems.empty());
  EXPECT_EQ(result->teams_created, (std::vector<std::string>{"Brand new"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 0);

  checked.dry_run = false;
  auto applied = invitations_->create(checked);
  ASSERT_TRUE(succeeded(applied));
  ASSERT_EQ(applied->created.size(), 1u);
  ASSERT_EQ(applied->created[0].teams.size(), 1u);
  EXPECT_EQ(applied->created[0].teams[0].name, "Brand new");
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 1);
}

TEST_P(InvitationRepositoryContract, SeatsAreMembersPlusPendingUnexpiredInvitations) {
  // 1 owner + 3 invitations fill the 4 seats.
  std::vector<NewInvitation> three = {invitation("a@example.com", "h-a"),
                                      invitation("b@example.com", "h-b"),
                                      invitation("c@example.com", "h-c")};
  ASSERT_TRUE(succeeded(invitations_->create(batch(three))));
  auto over = invitations_->create(batch({invitation("d@example.com", "h-d")}));
  ASSERT_TRUE(failed_with(over, core::ErrorCode::seat_limit_reached));
  EXPECT_NE(over.error().message.find("4 seats"), std::string::npos) << over.error().message;
  EXPECT_EQ(count("SELECT COUNT(*) FROM invitations"), 3);
  // What the API shows as the plan's usage is the same count, until the invitations expire.
  EXPECT_EQ(organizations_->count_seats_used(acme_, invite_now_ms).value(), 4);
  EXPECT_EQ(organizations_->count_seats_used(acme_, invite_now_ms + week_ms).value(), 1);
  // A revoked invitation frees its seat.
  auto listed = invitations_->list_for_org(acme_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_TRUE(
      succeeded(invitations_->revoke(acme_, listed->front().id, invite_now_ms, audit_event())));
  EXPECT_TRUE(succeeded(invitations_->create(batch({invitation("d@example.com", "h-d")}))));
}

TEST_P(InvitationRepositoryContract, AnExpiredInvitationFreesItsSeatAndCanBeReplaced) {
  auto old = invite("grace@example.com", "hash-old");
  ASSERT_NE(old, 0);
  auto again = batch({invitation("grace@example.com", "hash-new")});
  auto still_pending = invitations_->create(again);
  ASSERT_TRUE(succeeded(still_pending));
  EXPECT_EQ(still_pending->problems.size(), 1u);  // the first is still pending
  again.now_ms = invite_now_ms + week_ms;
  again.expires_at_ms = again.now_ms + week_ms;
  auto replaced = invitations_->create(again);
  ASSERT_TRUE(succeeded(replaced));
  EXPECT_TRUE(replaced->problems.empty());
  auto first = invitations_->find(old);
  ASSERT_TRUE(succeeded(first));
  EXPECT_EQ((*first)->status, InvitationStatus::expired);
}

TEST_P(InvitationRepositoryContract, AcceptingMakesAMemberJoinsTeamsAndNotifiesTheInviter) {
  auto web = teams_->create(acme_, "Web", invite_now_ms, audit_event());
  ASSERT_TRUE(succeeded(web));
  auto row = invitation("grace@example.com", "hash-g");
  row.role = OrgRole::admin;
  row.job_title = "Analyst";
  row.team_ids = {web->id};
  auto created = invitations_->create(batch({row}));
  ASSERT_TRUE(succeeded(created));
  auto id = created->created.at(0).id;

  auto accepted = invitations_->accept(id, grace_, invite_now_ms + 1, "{}", audit_event());
  ASSERT_TRUE(succeeded(accepted));
  EXPECT_EQ(accepted->status, InvitationStatus::accepted);
  EXPECT_EQ(accepted->answered_at_ms, invite_now_ms + 1);
  auto member = organizations_->find_member(acme_, grace_);
  ASSERT_TRUE(succeeded(member));
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ((*member)->role, OrgRole::admin);
  EXPECT_EQ(count("SELECT COUNT(*) FROM memberships WHERE job_title = 'Analyst'"), 1);
  auto team_role = teams_->find_role(web->id, grace_);
  ASSERT_TRUE(succeeded(team_role));
  EXPECT_EQ(*team_role, domain::TeamRole::member);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation.accepted' AND "
                  "user_id = " +
                  std::to_string(ada_.value)),
            1);
  EXPECT_EQ(audit_actions(acme_).back(), "invitation.accepted");

  EXPECT_TRUE(failed_with(invitations_->accept(id, grace_, invite_now_ms + 2, "{}", audit_event()),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(invitations_->decline(id, invite_now_ms + 2, audit_event()),
                          core::ErrorCode::conflict));
  EXPECT_TRUE(failed_with(invitations_->revoke(acme_, id, invite_now_ms + 2, audit_event()),
                          core::ErrorCode::conflict));
}

TEST_P(InvitationRepositoryContract, AnExpiredInvitationCannotBeAnswered) {
  auto id = invite("grace@example.com", "hash-g");
  ASSERT_NE(id, 0);
  const auto expired = invite_now_ms + week_ms;
  EXPECT_TRUE(failed_with(invitations_->accept(id, grace_, expired, "{}", audit_event()),
                          core::ErrorCode::invitation_expired));
  EXPECT_TRUE(failed_with(invitations_->decline(id, expired, audit_event()),
                          core::ErrorCode::invitation_expired));
  EXPECT_TRUE(failed_with(invitations_->replace_token(acme_, id, "h2", expired, audit_event()),
                          core::ErrorCode::invitation_expired));
  auto member = organizations_->find_member(acme_, grace_);
  ASSERT_TRUE(succeeded(member));
  EXPECT_FALSE(member->has_value());
  auto mine = invitations_->list_pending_for_email("grace@example.com", expired, listed_max);
  ASSERT_TRUE(succeeded(mine));
  EXPECT_TRUE(mine->empty());
}

TEST_P(InvitationRepositoryContract, AcceptingRechecksTheSeatLimit) {
  auto id = invite("grace@example.com", "hash-g");
  ASSERT_NE(id, 0);
  // The operator lowered the plan below what is in use.
  auto lowered = database().transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto changed =
        transaction.execute("UPDATE organizations SET seat_limit = 1 WHERE id = $1", {acme_.value});
    if (!changed) return core::Result<void>(std::move(changed).error());
    return core::success();
  });
  ASSERT_TRUE(succeeded(lowered));
  EXPECT_TRUE(failed_with(invitations_->accept(id, grace_, invite_now_ms + 1, "{}", audit_event()),
                          core::ErrorCode::seat_limit_reached));
}

TEST_P(InvitationRepositoryContract, DeclineRevokeAndReplaceTheToken) {
  auto declined_id = invite("grace@example.com", "hash-g");
  auto declined = invitations_->decline(declined_id, invite_now_ms + 1, audit_event());
  ASSERT_TRUE(succeeded(declined));
  EXPECT_EQ(declined->status, InvitationStatus::declined);

  auto id = invite("new@example.com", "hash-n");
  EXPECT_TRUE(
      failed_with(invitations_->replace_token(globex_, id, "h2", invite_now_ms, audit_event()),
                  core::ErrorCode::not_found));
  ASSERT_TRUE(
      succeeded(invitations_->replace_token(acme_, id, "hash-n2", invite_now_ms, audit_event())));
  auto old_link = invitations_->find_by_token_hash("hash-n");
  ASSERT_TRUE(succeeded(old_link));
  EXPECT_FALSE(old_link->has_value());
  auto new_link = invitations_->find_by_token_hash("hash-n2");
  ASSERT_TRUE(succeeded(new_link));
  ASSERT_TRUE(new_link->has_value());

  EXPECT_TRUE(failed_with(invitations_->revoke(globex_, id, invite_now_ms, audit_event()),
                          core::ErrorCode::not_found));
  auto revoked = invitations_->revoke(acme_, id, invite_now_ms, audit_event());
  ASSERT_TRUE(succeeded(revoked));
  EXPECT_EQ(revoked->status, InvitationStatus::revoked);
  EXPECT_TRUE(failed_with(invitations_->accept(id, grace_, invite_now_ms, "{}", audit_event()),
                          core::ErrorCode::conflict));
  auto actions = audit_actions(acme_);
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(actions.end() - 3, actions.end()),
            (std::vector<std::string>{"invitation.created", "invitation.link_regenerated",
                                      "invitation.revoked"}));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, InvitationRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, InvitationRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
