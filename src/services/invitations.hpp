#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"
#include "services/org_access.hpp"
#include "services/outbound_settings.hpp"
#include "storage/invitation_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

struct InvitationView {
  storage::InvitationRecord invitation;
  storage::InvitationStatus status = storage::InvitationStatus::pending;  // as of now
};

// An invitation with the link that answers it. The token exists only in this answer (and
// the invitee's email): the database keeps its hash.
struct IssuedInvitation {
  InvitationView view;
  std::string invite_url;
};

// One row of a member import and what became of it.
struct ImportRowOutcome {
  int line = 0;
  std::string email;
  domain::OrgRole role = domain::OrgRole::member;
  std::vector<std::string> teams;
  std::vector<core::ErrorDetail> problems;    // empty: ok
  std::optional<std::int64_t> invitation_id;  // after an apply
  std::string invite_url;                     // after an apply
};

struct ImportReport {
  bool dry_run = true;
  bool applied = false;
  std::vector<ImportRowOutcome> rows;
  std::vector<std::string> teams_created;  // (or that the apply would create)
  std::int64_t seats_used = 0;
  std::int64_t seat_limit = 0;
  std::optional<core::Error> seat_problem;  // a dry run that would not fit the plan
};

// Invitations (ADR 0010): an admin invites by email with a role and teams, one by one or
// from a CSV; the invitee accepts or declines, by the link's token or, signed in, by id;
// invitations expire after core::limits::invitation_lifetime and can be revoked. Each use
// case asks the policy; the repository writes each change, its notifications, mails and
// audit events in one transaction. Blocking (database): call through the blocking executor.
class Invitations {
 public:
  Invitations(storage::OrganizationRepository& organizations,
              storage::InvitationRepository& invitations, storage::UserRepository& users,
              const core::Clock& clock, const OutboundSettings& outbound)
      : organizations_(organizations),
        invitations_(invitations),
        users_(users),
        clock_(clock),
        outbound_(outbound) {}

  // role: "member" or "admin" (owners are made by transfer, never invited).
  core::Result<IssuedInvitation> invite(const Caller& caller, core::OrgId org,
                                        const std::string& email, const std::string& role,
                                        const std::vector<core::TeamId>& teams);
  core::Result<std::vector<InvitationView>> list(const Caller& caller, core::OrgId org);
  core::Result<InvitationView> revoke(const Caller& caller, core::OrgId org, std::int64_t id);
  // A new token: the old link stops working.
  core::Result<IssuedInvitation> regenerate_link(const Caller& caller, core::OrgId org,
                                                 std::int64_t id);

  // The caller's pending invitations (to their account's address).
  core::Result<std::vector<InvitationView>> mine(const Caller& caller);
  // What the link's landing page shows; anyone holding the link may see it.
  core::Result<InvitationView> preview(const std::string& token);
  core::Result<InvitationView> answer_by_token(const Caller& caller, const std::string& token,
                                               bool accept);
  core::Result<InvitationView> answer_by_id(const Caller& caller, std::int64_t id, bool accept);

  // Bulk import: every row checked (file, then database); a dry run reports, an apply
  // invites everyone or no one (ErrorCode::invalid_request listing every bad row).
  core::Result<ImportReport> import(const Caller& caller, core::OrgId org, std::string_view csv,
                                    bool dry_run);
  // Whether the caller may import into `org` (404 / 403 as import() would answer): the
  // handler asks before refusing a body it cannot take, so that an outsider learns nothing.
  core::Result<void> may_import(const Caller& caller, core::OrgId org);

 private:
  InvitationView view_of(storage::InvitationRecord record) const;
  std::string invite_url(const std::string& token) const;
  storage::AuditEvent audit(const Caller& caller) const;
  core::Result<std::string> email_key_of(const Caller& caller);
  core::Result<InvitationView> answer(const Caller& caller, storage::InvitationRecord invitation,
                                      bool by_link, bool accept);
  storage::OutboundMail invitation_mail(const std::string& to, const std::string& org_name,
                                        const std::string& inviter_name, const std::string& url,
                                        std::int64_t expires_at_ms) const;

  storage::OrganizationRepository& organizations_;
  storage::InvitationRepository& invitations_;
  storage::UserRepository& users_;
  const core::Clock& clock_;
  const OutboundSettings& outbound_;
};

}  // namespace roost::services
