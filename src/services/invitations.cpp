#include "services/invitations.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/tokens.hpp"
#include "domain/email_address.hpp"
#include "domain/member_import.hpp"

namespace roost::services {
namespace {

constexpr std::string_view invitation_kind = "invitation";

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

core::Error no_such_invitation() {
  return core::make_error(core::ErrorCode::not_found, "no such invitation");
}

core::Result<domain::OrgRole> invitable_role(const std::string& name) {
  if (name == "owner") {
    return invalid("role", "owner cannot be invited: an owner hands ownership over by transfer");
  }
  auto role = domain::parse_org_role(name);
  if (!role) return invalid("role", "must be member or admin");
  return *role;
}

std::string notification_payload(const storage::InvitationRecord& record) {
  return nlohmann::json{{"invitation_id", record.id},
                        {"org_id", record.org.value},
                        {"org_name", record.org_name},
                        {"role", domain::org_role_name(record.role)},
                        {"invited_by", record.inviter_name}}
      .dump();
}

// Row problems of a single invitation as one error: a team of another organization is a
// bad request (422), an address already a member or invited a conflict (409).
core::Error single_invitation_error(const std::vector<storage::InvitationProblem>& problems) {
  bool bad_team = false;
  for (const auto& problem : problems) bad_team = bad_team || problem.detail.field == "teams";
  core::Error error = bad_team ? core::make_error(core::ErrorCode::invalid_request, "invalid teams")
                               : core::make_error(core::ErrorCode::conflict,
                                                  "the address " + problems.front().detail.message);
  for (const auto& problem : problems) error.details.push_back(problem.detail);
  return error;
}

}  // namespace

InvitationView Invitations::view_of(storage::InvitationRecord record) const {
  auto status = record.status_at(clock_.now_ms());
  return InvitationView{std::move(record), status};
}

std::string Invitations::invite_url(const std::string& token) const {
  return outbound_.public_url + "/invitations/" + token;
}

storage::AuditEvent Invitations::audit(const Caller& caller) const {
  return caller_audit(caller, clock_.now_ms());
}

storage::OutboundMail Invitations::invitation_mail(const std::string& to,
                                                   const std::string& org_name,
                                                   const std::string& inviter_name,
                                                   const std::string& url,
                                                   std::int64_t expires_at_ms) const {
  std::string who = inviter_name.empty() ? "Someone" : inviter_name;
  return storage::OutboundMail{
      to, who + " invited you to join " + org_name + " on Roost",
      who + " invited you to join the organization \"" + org_name + "\" on Roost.\n\n" +
          "Accept or decline the invitation here:\n" + url + "\n\nThe link works until " +
          core::format_utc_ms(expires_at_ms) +
          ". If you did not expect this invitation, you can ignore this email.\n",
      clock_.now_ms()};
}

core::Result<std::string> Invitations::email_key_of(const Caller& caller) {
  auto user = users_.find(caller.user());
  if (!user) return std::move(user).error();
  if (!user->has_value()) {
    return core::make_error(core::ErrorCode::unauthenticated, "no such account");
  }
  auto email = domain::EmailAddress::parse((*user)->email);
  if (!email) return std::move(email).error();
  return email->lookup_key();
}

core::Result<IssuedInvitation> Invitations::invite(const Caller& caller, core::OrgId org,
                                                   const std::string& email_text,
                                                   const std::string& role_name,
                                                   const std::vector<core::TeamId>& teams) {
  auto resource = authorize(organizations_, caller, org, authz::Action::invite_member);
  if (!resource) return std::move(resource).error();
  auto email = domain::EmailAddress::parse(email_text);
  if (!email) return std::move(email).error();
  auto role = invitable_role(role_name);
  if (!role) return std::move(role).error();
  if (teams.size() > core::limits::invitation_teams_max) {
    return invalid("teams", "at most " + std::to_string(core::limits::invitation_teams_max) +
                                " teams per invitation");
  }
  auto organization = organizations_.find(org);
  if (!organization) return std::move(organization).error();
  if (!organization->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  }
  auto inviter = users_.find(caller.user());
  if (!inviter) return std::move(inviter).error();
  const std::string inviter_name = inviter->has_value() ? (*inviter)->display_name : "";

  const auto now = clock_.now_ms();
  const auto expires = now + core::limits::invitation_lifetime.count();
  const std::string token = core::random_token(core::limits::invitation_token_bytes);
  storage::NewInvitation invitation;
  invitation.email = email->value();
  invitation.email_key = email->lookup_key();
  invitation.role = *role;
  invitation.team_ids = teams;
  invitation.token_hash = core::hash_token(token);
  if (outbound_.mail_enabled) {
    invitation.mail = invitation_mail(invitation.email, (*organization)->name, inviter_name,
                                      invite_url(token), expires);
  }
  storage::InvitationBatch batch{org,          caller.user(), now,           expires,
                                 {invitation}, false,         audit(caller), notification_payload};
  auto created = invitations_.create(batch);
  if (!created) return std::move(created).error();
  if (!created->problems.empty()) return single_invitation_error(created->problems);
  return IssuedInvitation{view_of(std::move(created->created.front())), invite_url(token)};
}

core::Result<std::vector<InvitationView>> Invitations::list(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::list_invitations);
  if (!resource) return std::move(resource).error();
  auto listed = invitations_.list_for_org(org, core::limits::invitations_listed_max);
  if (!listed) return std::move(listed).error();
  std::vector<InvitationView> views;
  for (auto& record : *listed) views.push_back(view_of(std::move(record)));
  return views;
}

core::Result<InvitationView> Invitations::revoke(const Caller& caller, core::OrgId org,
                                                 std::int64_t id) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_invitation);
  if (!resource) return std::move(resource).error();
  auto revoked = invitations_.revoke(org, id, clock_.now_ms(), audit(caller));
  if (!revoked) return std::move(revoked).error();
  return view_of(std::move(*revoked));
}

core::Result<IssuedInvitation> Invitations::regenerate_link(const Caller& caller, core::OrgId org,
                                                            std::int64_t id) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_invitation);
  if (!resource) return std::move(resource).error();
  const std::string token = core::random_token(core::limits::invitation_token_bytes);
  auto replaced =
      invitations_.replace_token(org, id, core::hash_token(token), clock_.now_ms(), audit(caller));
  if (!replaced) return std::move(replaced).error();
  return IssuedInvitation{view_of(std::move(*replaced)), invite_url(token)};
}

core::Result<std::vector<InvitationView>> Invitations::mine(const Caller& caller) {
  auto key = email_key_of(caller);
  if (!key) return std::move(key).error();
  auto listed = invitations_.list_pending_for_email(*key, clock_.now_ms(),
                                                    core::limits::invitations_listed_max);
  if (!listed) return std::move(listed).error();
  std::vector<InvitationView> views;
  for (auto& record : *listed) views.push_back(view_of(std::move(record)));
  return views;
}

core::Result<InvitationView> Invitations::preview(const std::string& token) {
  if (token.empty() || token.size() > core::limits::invitation_token_length_max) {
    return no_such_invitation();
  }
  auto found = invitations_.find_by_token_hash(core::hash_token(token));
  if (!found) return std::move(found).error();
  if (!found->has_value()) return no_such_invitation();
  return view_of(std::move(**found));
}

core::Result<InvitationView> Invitations::answer(const Caller& caller,
                                                 storage::InvitationRecord invitation, bool by_link,
                                                 bool accept) {
  auto key = email_key_of(caller);
  if (!key) return std::move(key).error();
  authz::Resource resource;
  resource.kind = invitation_kind;
  resource.invitation = authz::InvitationTarget{*key == invitation.email_key, by_link};
  if (auto allowed = authz::require(caller.actor, authz::Action::answer_invitation, resource);
      !allowed) {
    return std::move(allowed).error();
  }
  const auto now = clock_.now_ms();
  auto event = audit(caller);
  if (!accept) {
    auto declined = invitations_.decline(invitation.id, now, event);
    if (!declined) return std::move(declined).error();
    return view_of(std::move(*declined));
  }
  auto payload = nlohmann::json{{"invitation_id", invitation.id},
                                {"org_id", invitation.org.value},
                                {"org_name", invitation.org_name},
                                {"user_id", caller.user().value},
                                {"email", invitation.email}}
                     .dump();
  auto accepted = invitations_.accept(invitation.id, caller.user(), now, payload, event);
  if (!accepted) return std::move(accepted).error();
  return view_of(std::move(*accepted));
}

core::Result<InvitationView> Invitations::answer_by_token(const Caller& caller,
                                                          const std::string& token, bool accept) {
  if (token.empty() || token.size() > core::limits::invitation_token_length_max) {
    return no_such_invitation();
  }
  auto found = invitations_.find_by_token_hash(core::hash_token(token));
  if (!found) return std::move(found).error();
  if (!found->has_value()) return no_such_invitation();
  return answer(caller, std::move(**found), true, accept);
}

core::Result<InvitationView> Invitations::answer_by_id(const Caller& caller, std::int64_t id,
                                                       bool accept) {
  auto found = invitations_.find(id);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return no_such_invitation();
  return answer(caller, std::move(**found), false, accept);
}

core::Result<void> Invitations::may_import(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::import_members);
  if (!resource) return std::move(resource).error();
  return core::success();
}

core::Result<ImportReport> Invitations::import(const Caller& caller, core::OrgId org,
                                               std::string_view csv, bool dry_run) {
  auto resource = authorize(organizations_, caller, org, authz::Action::import_members);
  if (!resource) return std::move(resource).error();
  auto rows = domain::read_member_import(csv, core::limits::member_import_rows_max);
  if (!rows) return std::move(rows).error();
  auto organization = organizations_.find(org);
  if (!organization) return std::move(organization).error();
  if (!organization->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  }
  auto inviter = users_.find(caller.user());
  if (!inviter) return std::move(inviter).error();
  const std::string inviter_name = inviter->has_value() ? (*inviter)->display_name : "";

  ImportReport report;
  report.dry_run = dry_run;
  const auto now = clock_.now_ms();
  const auto expires = now + core::limits::invitation_lifetime.count();
  storage::InvitationBatch batch{org, caller.user(), now,           expires,
                                 {},  false,         audit(caller), notification_payload};
  std::vector<std::size_t> row_of_invitation;  // the report row of each batch entry
  std::vector<std::string> tokens;
  bool file_problems = false;
  for (auto& row : *rows) {
    ImportRowOutcome outcome{row.line, row.email, row.role, row.teams, row.problems, {}, {}};
    report.rows.push_back(std::move(outcome));
    if (!row.problems.empty()) {
      file_problems = true;
      continue;
    }
    storage::NewInvitation invitation;
    invitation.line = row.line;
    invitation.email_column = row.email_column;
    invitation.email = row.email;
    invitation.email_key = row.email_key;
    invitation.role = row.role;
    invitation.full_name = row.full_name;
    invitation.job_title = row.job_title;
    invitation.team_names = row.teams;
    tokens.push_back(core::random_token(core::limits::invitation_token_bytes));
    invitation.token_hash = core::hash_token(tokens.back());
    if (outbound_.mail_enabled) {
      invitation.mail = invitation_mail(invitation.email, (*organization)->name, inviter_name,
                                        invite_url(tokens.back()), expires);
    }
    batch.invitations.push_back(std::move(invitation));
    row_of_invitation.push_back(report.rows.size() - 1);
  }
  // Rows the file already condemns are not sent; the others are still checked against the
  // database, so that a dry run (and a failed apply) reports every problem at once.
  batch.dry_run = dry_run || file_problems;
  auto result = invitations_.create(batch);
  if (!result) {
    if (result.error().code == core::ErrorCode::seat_limit_reached && dry_run) {
      report.seat_problem = std::move(result).error();
      return report;
    }
    return std::move(result).error();
  }
  report.seats_used = result->seats_used;
  report.seat_limit = result->seat_limit;
  report.teams_created = result->teams_created;
  for (const auto& problem : result->problems) {
    report.rows[row_of_invitation[problem.index]].problems.push_back(problem.detail);
  }
  const bool any_problem = file_problems || !result->problems.empty();
  if (dry_run) return report;
  if (any_problem) {
    std::size_t bad_rows = 0;
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "");
    for (const auto& row : report.rows) {
      if (row.problems.empty()) continue;
      ++bad_rows;
      for (const auto& detail : row.problems) error.details.push_back(detail);
    }
    error.message = "nothing was imported: " + std::to_string(bad_rows) + " of " +
                    std::to_string(report.rows.size()) +
                    " rows have errors (see details; a dry run reports every row)";
    return error;
  }
  report.applied = true;
  for (std::size_t index = 0; index < result->created.size(); ++index) {
    auto& row = report.rows[row_of_invitation[index]];
    row.invitation_id = result->created[index].id;
    row.invite_url = invite_url(tokens[index]);
  }
  return report;
}

}  // namespace roost::services
