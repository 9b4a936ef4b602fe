// services::Invitations on a scratch database with a clock the test moves: the 7-day
// expiry (to the millisecond), the mail queued only when SMTP is configured, and the
// answer rules (only the addressee; 403 by link, 404 by id).
#include "services/invitations.hpp"

#include <gtest/gtest.h>

#include "../storage/scratch_database.hpp"
#include "storage/migrations.hpp"

namespace roost::services {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t start_ms = 1'700'000'000'000;
constexpr std::int64_t week_ms = 7LL * 24 * 60 * 60 * 1000;

class MovableClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{milliseconds(now_ms_)};
  }
  void set(std::int64_t ms) { now_ms_ = ms; }

 private:
  std::int64_t now_ms_ = start_ms;
};

class InvitationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    organizations_ = std::make_unique<storage::OrganizationRepository>(*database_);
    records_ = std::make_unique<storage::InvitationRepository>(*database_);
    outbound_.mail_enabled = true;
    outbound_.public_url = "https://roost.example";
    invitations_ =
        std::make_unique<Invitations>(*organizations_, *records_, *users_, clock_, outbound_);
    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
    eve_ = make_user("eve@example.com");
    auto org = organizations_->create(
        {"Acme", 10, 25, ada_, start_ms},
        storage::AuditEvent{{}, ada_, "org.created", "", "{}", "req", start_ms});
    ASSERT_TRUE(org.ok());
    acme_ = org->id;
  }

  core::UserId make_user(const std::string& email) {
    auto created = users_->create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }

  Caller as(core::UserId user) { return Caller{authz::Actor{user.value, 1, false}, "req-1"}; }

  static std::string token_of(const IssuedInvitation& issued) {
    return issued.invite_url.substr(issued.invite_url.rfind('/') + 1);
  }

  std::int64_t mails() {
    std::int64_t count = -1;
    auto done = database_->transact(
        storage::TransactionMode::read_only, [&](storage::Transaction& transaction) {
          auto row = transaction.query_one("SELECT COUNT(*) FROM mail_outbox");
          if (!row) return core::Result<void>(std::move(row).error());
          count = (*row)->integer(0);
          return core::success();
        });
    EXPECT_TRUE(done.ok());
    return count;
  }

  MovableClock clock_;
  OutboundSettings outbound_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::OrganizationRepository> organizations_;
  std::unique_ptr<storage::InvitationRepository> records_;
  std::unique_ptr<Invitations> invitations_;
  core::UserId ada_, grace_, eve_;
  core::OrgId acme_;
};

TEST_F(InvitationsServiceTest, ExpiresSevenDaysLaterToTheMillisecond) {
  auto issued = invitations_->invite(as(ada_), acme_, "grace@example.com", "member", {});
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  EXPECT_EQ(issued->view.invitation.expires_at_ms, start_ms + week_ms);
  EXPECT_TRUE(issued->invite_url.starts_with("https://roost.example/invitations/"));
  EXPECT_EQ(mails(), 1);  // SMTP configured: the mail is queued with the invitation
  const auto token = token_of(*issued);

  clock_.set(start_ms + week_ms - 1);
  auto preview = invitations_->preview(token);
  ASSERT_TRUE(preview.ok());
  EXPECT_EQ(preview->status, storage::InvitationStatus::pending);
  ASSERT_EQ(invitations_->mine(as(grace_))->size(), 1u);

  clock_.set(start_ms + week_ms);
  EXPECT_EQ(invitations_->preview(token)->status, storage::InvitationStatus::expired);
  EXPECT_TRUE(invitations_->mine(as(grace_))->empty());
  auto accepted = invitations_->answer_by_token(as(grace_), token, true);
  ASSERT_FALSE(accepted.ok());
  EXPECT_EQ(accepted.error().code, core::ErrorCode::invitation_expired);
  auto declined = invitations_->answer_by_token(as(grace_), token, false);
  ASSERT_FALSE(declined.ok());
  EXPECT_EQ(declined.error().code, core::ErrorCode::invitation_expired);
}

TEST_F(InvitationsServiceTest, AcceptedOneMillisecondBeforeExpiry) {
  auto issued = invitations_->invite(as(ada_), acme_, "grace@example.com", "admin", {});
  ASSERT_TRUE(issued.ok());
  clock_.set(start_ms + week_ms - 1);
  auto accepted = invitations_->answer_by_token(as(grace_), token_of(*issued), true);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->status, storage::InvitationStatus::accepted);
  auto member = organizations_->find_membership(acme_, grace_);
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ((*member)->role, domain::OrgRole::admin);
}

TEST_F(InvitationsServiceTest, OnlyTheAddresseeAnswers) {
  auto issued = invitations_->invite(as(ada_), acme_, "grace@example.com", "member", {});
  ASSERT_TRUE(issued.ok());
  auto by_link = invitations_->answer_by_token(as(eve_), token_of(*issued), true);
  ASSERT_FALSE(by_link.ok());
  EXPECT_EQ(by_link.error().code, core::ErrorCode::permission_denied);
  auto by_id = invitations_->answer_by_id(as(eve_), issued->view.invitation.id, true);
  ASSERT_FALSE(by_id.ok());
  EXPECT_EQ(by_id.error().code, core::ErrorCode::not_found);
  auto member = organizations_->find_membership(acme_, eve_);
  ASSERT_TRUE(member.ok());
  EXPECT_FALSE(member->has_value());
}

TEST_F(InvitationsServiceTest, NoMailWithoutSmtp) {
  outbound_.mail_enabled = false;
  auto issued = invitations_->invite(as(ada_), acme_, "new@example.com", "member", {});
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(mails(), 0);
  EXPECT_FALSE(issued->invite_url.empty());  // the link to copy instead
}

}  // namespace
}  // namespace roost::services
