#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "storage/mail_outbox_repository.hpp"

namespace roost::storage {

enum class InvitationStatus { pending, accepted, declined, revoked, expired };
std::string_view invitation_status_name(InvitationStatus status);

struct InvitationTeam {
  core::TeamId id;
  std::string name;
};

struct InvitationRecord {
  std::int64_t id = 0;
  core::OrgId org;
  std::string org_name;
  std::string email;
  std::string email_key;
  domain::OrgRole role = domain::OrgRole::member;
  std::optional<core::UserId> invited_by;  // empty once the inviter's account is gone
  std::string inviter_name;
  std::string full_name;
  std::string job_title;
  std::vector<InvitationTeam> teams;                    // joined on accepting
  InvitationStatus status = InvitationStatus::pending;  // as stored
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;

  // The status as of `now_ms`: a pending invitation past its expiry is expired.
  InvitationStatus status_at(std::int64_t now_ms) const {
    return status == InvitationStatus::pending && now_ms >= expires_at_ms
               ? InvitationStatus::expired
               : status;
  }
};

// One invitation of a batch (a single invitation is a batch of one).
struct NewInvitation {
  int line = 0;          // the CSV line of an import; 0 otherwise
  int email_column = 0;  // the CSV column of the address; 0 otherwise
  std::string email;
  std::string email_key;
  domain::OrgRole role = domain::OrgRole::member;  // member or admin (the schema's CHECK)
  std::string full_name;
  std::string job_title;
  std::vector<core::TeamId> team_ids;   // must be teams of the organization
  std::vector<std::string> team_names;  // found by name, created when missing (imports)
  std::string token_hash;
  std::optional<OutboundMail> mail;  // queued with the invitation when set
};

struct InvitationBatch {
  core::OrgId org;
  core::UserId invited_by;
  std::int64_t now_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::vector<NewInvitation> invitations;
  bool dry_run = false;  // check everything, write nothing
  // The actor, request id and time of the audit events; action, target and details are
  // set here (invitation.created per invitation, team.created per created team).
  AuditEvent audit;
  // The in-app notification's payload for an invitee who already has an account.
  std::function<std::string(const InvitationRecord&)> notification_payload;
};

// A row of the batch that cannot be invited, with the line and column of its NewInvitation.
struct InvitationProblem {
  std::size_t index = 0;
  core::ErrorDetail detail;
};

struct InvitationBatchResult {
  std::vector<InvitationRecord> created;    // empty for a dry run or when there are problems
  std::vector<InvitationProblem> problems;  // when not empty, nothing was written
  std::vector<std::string> teams_created;   // (or that the apply would create)
  std::int64_t seats_used = 0;              // before the batch
  std::int64_t seat_limit = 0;
};

// Invitations to organizations. Every change locks the organization's row first (as
// membership changes do), so that the seat check — members plus pending unexpired
// invitations against organizations.seat_limit — holds under concurrency on both backends,
// and writes its audit events, notifications and mails in the same transaction.
class InvitationRepository {
 public:
  explicit InvitationRepository(Database& database) : database_(database) {}

  // All or nothing, in one transaction: per-invitation problems (already a member, already
  // a pending invitation, a team of another organization) are returned and nothing is
  // written; then ErrorCode::seat_limit_reached when the batch does not fit; then, unless
  // a dry run, the invitations, their teams, the missing teams, notifications, mails and
  // audit events. ErrorCode::not_found when the organization is gone.
  core::Result<InvitationBatchResult> create(const InvitationBatch& batch);

  core::Result<std::optional<InvitationRecord>> find(std::int64_t id);
  core::Result<std::optional<InvitationRecord>> find_by_token_hash(const std::string& token_hash);
  // The organization's invitations, newest first, at most `limit`.
  core::Result<std::vector<InvitationRecord>> list_for_org(core::OrgId org, std::size_t limit);
  // Pending, unexpired invitations to the address, newest first, at most `limit`.
  core::Result<std::vector<InvitationRecord>> list_pending_for_email(const std::string& email_key,
                                                                     std::int64_t now_ms,
                                                                     std::size_t limit);

  // Accepting: the membership with the invitation's role and job title, the invitation's
  // (surviving) teams joined as a team member, the invitation marked accepted, the inviter
  // notified in-app (`inviter_payload_json`, when the inviter still exists), the audit
  // event. ErrorCode::conflict when it was answered or revoked or the user is already a
  // member, invitation_expired past its expiry, seat_limit_reached when the organization
  // filled up meanwhile, not_found when it is gone.
  core::Result<InvitationRecord> accept(std::int64_t id, core::UserId user, std::int64_t now_ms,
                                        const std::string& inviter_payload_json, AuditEvent audit);
  // The same checks of state and expiry; marks it declined.
  core::Result<InvitationRecord> decline(std::int64_t id, std::int64_t now_ms, AuditEvent audit);
  // A pending invitation (expired or not) of `org` becomes revoked; not_found for another
  // organization's, conflict for an answered one.
  core::Result<InvitationRecord> revoke(core::OrgId org, std::int64_t id, std::int64_t now_ms,
                                        AuditEvent audit);
  // A new token for a pending, unexpired invitation of `org`: the old link stops working.
  core::Result<InvitationRecord> replace_token(core::OrgId org, std::int64_t id,
                                               const std::string& token_hash, std::int64_t now_ms,
                                               AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
