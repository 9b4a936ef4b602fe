#include "storage/invitation_repository.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "storage/notification_repository.hpp"
#include "storage/repository_support.hpp"
#include "storage/seat_usage.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view invitation_select =
    "SELECT i.id, i.org_id, o.name, i.email, i.email_key, i.role, i.invited_by, "
    "COALESCE(u.display_name, ''), i.full_name, i.job_title, i.status, i.created_at_ms, "
    "i.expires_at_ms, i.answered_at_ms FROM invitations i "
    "JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by";

InvitationStatus to_status(const std::string& name) {
  for (auto status :
       {InvitationStatus::pending, InvitationStatus::accepted, InvitationStatus::declined,
        InvitationStatus::revoked, InvitationStatus::expired}) {
    if (invitation_status_name(status) == name) return status;
  }
  return InvitationStatus::expired;  // the schema's CHECK allows no other value
}

std::string role_text(domain::OrgRole role) { return std::string(domain::org_role_name(role)); }

InvitationRecord to_invitation(const Row& row) {
  InvitationRecord record;
  record.id = row.integer(0);
  record.org = core::OrgId{row.integer(1)};
  record.org_name = row.text(2);
  record.email = row.text(3);
  record.email_key = row.text(4);
  record.role = domain::parse_org_role(row.text(5)).value_or(domain::OrgRole::member);
  if (auto inviter = row.optional_integer(6)) record.invited_by = core::UserId{*inviter};
  record.inviter_name = row.text(7);
  record.full_name = row.text(8);
  record.job_title = row.text(9);
  record.status = to_status(row.text(10));
  record.created_at_ms = row.integer(11);
  record.expires_at_ms = row.integer(12);
  record.answered_at_ms = row.optional_integer(13);
  return record;
}

core::Error no_such_invitation() {
  return core::make_error(core::ErrorCode::not_found, "no such invitation");
}

core::Result<void> load_teams(Transaction& transaction, InvitationRecord& record) {
  auto rows = transaction.query(
      "SELECT t.id, t.name FROM invitation_teams it JOIN teams t ON t.id = it.team_id "
      "WHERE it.invitation_id = $1 ORDER BY t.name, t.id",
      {record.id});
  if (!rows) return std::move(rows).error();
  record.teams.clear();
  for (const auto& row : rows->rows) {
    record.teams.push_back({core::TeamId{row.integer(0)}, row.text(1)});
  }
  return core::success();
}

core::Result<std::optional<InvitationRecord>> find_where(Transaction& transaction,
                                                         std::string_view condition,
                                                         const std::vector<Value>& params) {
  auto row = transaction.query_one(
      std::string(invitation_select) + " WHERE " + std::string(condition), params);
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<InvitationRecord>{};
  auto record = to_invitation(**row);
  if (auto teams = load_teams(transaction, record); !teams) return std::move(teams).error();
  return std::optional<InvitationRecord>(std::move(record));
}

core::Result<std::vector<InvitationRecord>> list_where(Database& database,
                                                       std::string_view condition,
                                                       const std::vector<Value>& params) {
  std::vector<InvitationRecord> records;
  auto done = database.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        std::string(invitation_select) + " WHERE " + std::string(condition), params);
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      records.push_back(to_invitation(row));
      if (auto teams = load_teams(transaction, records.back()); !teams) return teams;
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return records;
}

// Locks the organization's row for the rest of the transaction and reads its plan.
struct LockedOrg {
  std::string name;
  std::int64_t seat_limit = 0;
};

core::Result<LockedOrg> lock_org_plan(Transaction& transaction, core::OrgId org) {
  if (auto locked = lock_organization(transaction, org); !locked) return std::move(locked).error();
  auto row = transaction.query_one("SELECT name, seat_limit FROM organizations WHERE id = $1",
                                   {org.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  }
  return LockedOrg{(*row)->text(0), (*row)->integer(1)};
}

// Members plus pending unexpired invitations (storage/seat_usage.hpp).
core::Result<std::int64_t> seats_used(Transaction& transaction, core::OrgId org,
                                      std::int64_t now_ms) {
  auto row = transaction.query_one(
      "SELECT " + seats_used_sql("$2") + " FROM organizations o WHERE o.id = $1",
      {org.value, now_ms});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::int64_t{0};
  return (*row)->integer(0);
}

core::Error seat_limit_reached(std::int64_t limit, std::int64_t used, std::size_t needed) {
  core::Error error = core::make_error(
      core::ErrorCode::seat_limit_reached,
      "the organization's plan has " + std::to_string(limit) + " seats; " + std::to_string(used) +
          " are taken by members and pending invitations, and " + std::to_string(needed) +
          " more " + (needed == 1 ? "is" : "are") + " needed");
  error.details.push_back({"seats", "seat limit " + std::to_string(limit) + " reached", 0, 0});
  return error;
}

// The state checks of answering: pending and not expired.
core::Result<void> require_open(const InvitationRecord& invitation, std::int64_t now_ms) {
  auto status = invitation.status_at(now_ms);
  if (status == InvitationStatus::expired) {
    return core::make_error(core::ErrorCode::invitation_expired,
                            "this invitation has expired; ask for a new one");
  }
  if (status != InvitationStatus::pending) {
    return core::make_error(
        core::ErrorCode::conflict,
        "this invitation was already " + std::string(invitation_status_name(status)));
  }
  return core::success();
}

std::string invitation_target(std::int64_t id) { return "invitation:" + std::to_string(id); }

// Marks the invitation `status` and stamps answered_at_ms; reads it back.
core::Result<InvitationRecord> set_status(Transaction& transaction, std::int64_t id,
                                          InvitationStatus status, std::int64_t now_ms) {
  auto changed =
      transaction.execute("UPDATE invitations SET status = $2, answered_at_ms = $3 WHERE id = $1",
                          {id, std::string(invitation_status_name(status)), now_ms});
  if (!changed) return std::move(changed).error();
  auto found = find_where(transaction, "i.id = $1", {id});
  if (!found) return std::move(found).error();
  if (!found->has_value()) return no_such_invitation();
  return std::move(**found);
}

}  // namespace

std::string_view invitation_status_name(InvitationStatus status) {
  switch (status) {
    case InvitationStatus::pending: return "pending";
    case InvitationStatus::accepted: return "accepted";
    case InvitationStatus::declined: return "declined";
    case InvitationStatus::revoked: return "revoked";
    case InvitationStatus::expired: return "expired";
  }
  return "expired";
}

core::Result<InvitationBatchResult> InvitationRepository::create(const InvitationBatch& batch) {
  InvitationBatchResult result;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto org = lock_org_plan(transaction, batch.org);
    if (!org) return core::Result<void>(std::move(org).error());
    result.seat_limit = org->seat_limit;

    // What the checks need, read once: the members' addresses, the pending invitations
    // and the teams of the organization.
    std::set<std::string> member_keys;
    auto members = transaction.query(
        "SELECT u.email_key FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE m.org_id = $1",
        {batch.org.value});
    if (!members) return core::Result<void>(std::move(members).error());
    for (const auto& row : members->rows) member_keys.insert(row.text(0));
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> pending;  // key: id, expiry
    auto invited = transaction.query(
        "SELECT email_key, id, expires_at_ms FROM invitations "
        "WHERE org_id = $1 AND status = 'pending'",
        {batch.org.value});
    if (!invited) return core::Result<void>(std::move(invited).error());
    for (const auto& row : invited->rows) {
      pending[row.text(0)] = {row.integer(1), row.integer(2)};
    }
    std::map<std::string, core::TeamId> team_by_name;
    std::set<core::TeamId> team_ids;
    auto teams =
        transaction.query("SELECT id, name FROM teams WHERE org_id = $1", {batch.org.value});
    if (!teams) return core::Result<void>(std::move(teams).error());
    for (const auto& row : teams->rows) {
      team_by_name.emplace(row.text(1), core::TeamId{row.integer(0)});
      team_ids.insert(core::TeamId{row.integer(0)});
    }

    std::vector<std::int64_t> expired_ids;
    for (std::size_t index = 0; index < batch.invitations.size(); ++index) {
      const NewInvitation& invitation = batch.invitations[index];
      auto problem = [&](std::string field, std::string message) {
        result.problems.push_back(
            {index,
             {std::move(field), std::move(message), invitation.line, invitation.email_column}});
      };
      if (member_keys.contains(invitation.email_key)) {
        problem("email", "is already a member of the organization");
      } else if (auto found = pending.find(invitation.email_key); found != pending.end()) {
        if (found->second.second > batch.now_ms) {
          problem("email", "already has a pending invitation to the organization");
        } else {
          expired_ids.push_back(found->second.first);
        }
      }
      for (auto team : invitation.team_ids) {
        if (!team_ids.contains(team)) {
          result.problems.push_back(
              {index,
               {"teams", "no such team in the organization: " + std::to_string(team.value),
                invitation.line, 0}});
        }
      }
      for (const auto& name : invitation.team_names) {
        if (!team_by_name.contains(name) &&
            std::find(result.teams_created.begin(), result.teams_created.end(), name) ==
                result.teams_created.end()) {
          result.teams_created.push_back(name);
        }
      }
    }
    if (!result.problems.empty()) return core::success();  // nothing written

    auto used = seats_used(transaction, batch.org, batch.now_ms);
    if (!used) return core::Result<void>(std::move(used).error());
    result.seats_used = *used;
    if (*used + static_cast<std::int64_t>(batch.invitations.size()) > org->seat_limit) {
      return core::Result<void>(
          seat_limit_reached(org->seat_limit, *used, batch.invitations.size()));
    }
    if (batch.dry_run) return core::success();

    auto audit = [&](std::string action, std::string target, std::string details) {
      AuditEvent event = batch.audit;
      event.org = batch.org;
      event.action = std::move(action);
      event.target = std::move(target);
      event.details_json = std::move(details);
      return append_audit_event(transaction, event);
    };
    for (auto id : expired_ids) {
      auto marked = transaction.execute(
          "UPDATE invitations SET status = 'expired' WHERE id = $1 AND status = 'pending'", {id});
      if (!marked) return core::Result<void>(std::move(marked).error());
    }
    for (const auto& name : result.teams_created) {
      auto row = transaction.query_one(
          "INSERT INTO teams (org_id, name, created_at_ms) VALUES ($1, $2, $3) RETURNING id",
          {batch.org.value, name, batch.now_ms});
      if (!row) return core::Result<void>(std::move(row).error());
      if (!row->has_value()) {
        return core::Result<void>(
            core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
      }
      core::TeamId team{(*row)->integer(0)};
      team_by_name.emplace(name, team);
      auto audited = audit("team.created", "team:" + std::to_string(team.value),
                           nlohmann::json{{"name", name}, {"by", "member_import"}}.dump());
      if (!audited) return audited;
    }
    auto inviter = transaction.query_one("SELECT display_name FROM users WHERE id = $1",
                                         {batch.invited_by.value});
    if (!inviter) return core::Result<void>(std::move(inviter).error());
    const std::string inviter_name = inviter->has_value() ? (*inviter)->text(0) : "";

    for (const auto& invitation : batch.invitations) {
      auto row = transaction.query_one(
          "INSERT INTO invitations (org_id, email, email_key, role, token_hash, invited_by, "
          "full_name, job_title, created_at_ms, expires_at_ms) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          {batch.org.value, invitation.email, invitation.email_key, role_text(invitation.role),
           invitation.token_hash, batch.invited_by.value, invitation.full_name,
           invitation.job_title, batch.now_ms, batch.expires_at_ms});
      if (!row) return core::Result<void>(std::move(row).error());
      if (!row->has_value()) {
        return core::Result<void>(
            core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
      }
      InvitationRecord record;
      record.id = (*row)->integer(0);
      record.org = batch.org;
      record.org_name = org->name;
      record.email = invitation.email;
      record.email_key = invitation.email_key;
      record.role = invitation.role;
      record.invited_by = batch.invited_by;
      record.inviter_name = inviter_name;
      record.full_name = invitation.full_name;
      record.job_title = invitation.job_title;
      record.created_at_ms = batch.now_ms;
      record.expires_at_ms = batch.expires_at_ms;
      std::set<core::TeamId> joined;
      for (auto team : invitation.team_ids) joined.insert(team);
      for (const auto& name : invitation.team_names) joined.insert(team_by_name.at(name));
      for (auto team : joined) {
        auto linked = transaction.execute(
            "INSERT INTO invitation_teams (invitation_id, team_id) VALUES ($1, $2)",
            {record.id, team.value});
        if (!linked) return core::Result<void>(std::move(linked).error());
      }
      if (!joined.empty()) {
        if (auto loaded = load_teams(transaction, record); !loaded) return loaded;
      }
      auto audited = audit(
          "invitation.created", invitation_target(record.id),
          nlohmann::json{
              {"email", record.email}, {"role", role_text(record.role)}, {"teams", joined.size()}}
              .dump());
      if (!audited) return audited;
      auto invitee = transaction.query_one("SELECT id FROM users WHERE email_key = $1",
                                           {invitation.email_key});
      if (!invitee) return core::Result<void>(std::move(invitee).error());
      if (invitee->has_value() && batch.notification_payload) {
        auto notified = append_notification(
            transaction, {core::UserId{(*invitee)->integer(0)}, std::nullopt, "invitation.received",
                          batch.notification_payload(record), batch.now_ms});
        if (!notified) return core::Result<void>(std::move(notified).error());
      }
      if (invitation.mail) {
        auto queued = enqueue_mail(transaction, *invitation.mail);
        if (!queued) return core::Result<void>(std::move(queued).error());
      }
      result.created.push_back(std::move(record));
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return result;
}

core::Result<std::optional<InvitationRecord>> InvitationRepository::find(std::int64_t id) {
  std::optional<InvitationRecord> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto record = find_where(transaction, "i.id = $1", {id});
    if (!record) return core::Result<void>(std::move(record).error());
    found = std::move(*record);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::optional<InvitationRecord>> InvitationRepository::find_by_token_hash(
    const std::string& token_hash) {
  std::optional<InvitationRecord> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto record = find_where(transaction, "i.token_hash = $1", {token_hash});
    if (!record) return core::Result<void>(std::move(record).error());
    found = std::move(*record);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::vector<InvitationRecord>> InvitationRepository::list_for_org(core::OrgId org,
                                                                               std::size_t limit) {
  return list_where(database_, "i.org_id = $1 ORDER BY i.id DESC LIMIT $2",
                    {org.value, static_cast<std::int64_t>(limit)});
}

core::Result<std::vector<InvitationRecord>> InvitationRepository::list_pending_for_email(
    const std::string& email_key, std::int64_t now_ms, std::size_t limit) {
  return list_where(database_,
                    "i.email_key = $1 AND i.status = 'pending' AND i.expires_at_ms > $2 "
                    "ORDER BY i.id DESC LIMIT $3",
                    {email_key, now_ms, static_cast<std::int64_t>(limit)});
}

core::Result<InvitationRecord> InvitationRepository::accept(std::int64_t id, core::UserId user,
                                                            std::int64_t now_ms,
                                                            const std::string& inviter_payload_json,
                                                            AuditEvent audit) {
  InvitationRecord accepted;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto found = find_where(transaction, "i.id = $1", {id});
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_invitation());
    const InvitationRecord& invitation = **found;
    auto org = lock_org_plan(transaction, invitation.org);
    if (!org) return core::Result<void>(std::move(org).error());
    // Read again under the lock: a concurrent answer or revocation is seen here.
    auto current = transaction.query_one("SELECT status FROM invitations WHERE id = $1", {id});
    if (!current) return core::Result<void>(std::move(current).error());
    if (!current->has_value()) return core::Result<void>(no_such_invitation());
    InvitationRecord locked = invitation;
    locked.status = to_status((*current)->text(0));
    if (auto open = require_open(locked, now_ms); !open) return open;
    auto member =
        transaction.query_one("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2",
                              {invitation.org.value, user.value});
    if (!member) return core::Result<void>(std::move(member).error());
    if (member->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::conflict,
                                                 "you are already a member of the organization"));
    }
    // The invitation being accepted holds one of the seats counted: it becomes a member.
    auto used = seats_used(transaction, invitation.org, now_ms);
    if (!used) return core::Result<void>(std::move(used).error());
    if (*used > org->seat_limit) {
      return core::Result<void>(seat_limit_reached(org->seat_limit, *used - 1, 1));
    }
    auto joined = transaction.execute(
        "INSERT INTO memberships (org_id, user_id, role, joined_at_ms, job_title) "
        "VALUES ($1, $2, $3, $4, $5)",
        {invitation.org.value, user.value, role_text(invitation.role), now_ms,
         invitation.job_title});
    if (!joined) return core::Result<void>(std::move(joined).error());
    for (const auto& team : invitation.teams) {
      auto added = transaction.execute(
          "INSERT INTO team_members (team_id, user_id, team_role, added_at_ms) "
          "VALUES ($1, $2, 'member', $3)",
          {team.id.value, user.value, now_ms});
      if (!added) return core::Result<void>(std::move(added).error());
    }
    auto marked = set_status(transaction, id, InvitationStatus::accepted, now_ms);
    if (!marked) return core::Result<void>(std::move(marked).error());
    accepted = std::move(*marked);
    if (invitation.invited_by) {
      auto notified =
          append_notification(transaction, {*invitation.invited_by, invitation.org,
                                            "invitation.accepted", inviter_payload_json, now_ms});
      if (!notified) return core::Result<void>(std::move(notified).error());
    }
    audit.org = invitation.org;
    audit.action = "invitation.accepted";
    audit.target = "user:" + std::to_string(user.value);
    audit.details_json = nlohmann::json{{"invitation_id", id},
                                        {"role", role_text(invitation.role)},
                                        {"teams", invitation.teams.size()}}
                             .dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return accepted;
}

core::Result<InvitationRecord> InvitationRepository::decline(std::int64_t id, std::int64_t now_ms,
                                                             AuditEvent audit) {
  InvitationRecord declined;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto found = find_where(transaction, "i.id = $1", {id});
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_invitation());
    auto org = lock_org_plan(transaction, (*found)->org);
    if (!org) return core::Result<void>(std::move(org).error());
    auto current = find_where(transaction, "i.id = $1", {id});
    if (!current) return core::Result<void>(std::move(current).error());
    if (!current->has_value()) return core::Result<void>(no_such_invitation());
    if (auto open = require_open(**current, now_ms); !open) return open;
    auto marked = set_status(transaction, id, InvitationStatus::declined, now_ms);
    if (!marked) return core::Result<void>(std::move(marked).error());
    declined = std::move(*marked);
    audit.org = declined.org;
    audit.action = "invitation.declined";
    audit.target = invitation_target(id);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return declined;
}

core::Result<InvitationRecord> InvitationRepository::revoke(core::OrgId org, std::int64_t id,
                                                            std::int64_t now_ms, AuditEvent audit) {
  InvitationRecord revoked;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto locked = lock_org_plan(transaction, org);
    if (!locked) return core::Result<void>(std::move(locked).error());
    auto found = find_where(transaction, "i.id = $1 AND i.org_id = $2", {id, org.value});
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_invitation());
    if ((*found)->status != InvitationStatus::pending) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict,
          "this invitation was already " + std::string(invitation_status_name((*found)->status))));
    }
    auto marked = set_status(transaction, id, InvitationStatus::revoked, now_ms);
    if (!marked) return core::Result<void>(std::move(marked).error());
    revoked = std::move(*marked);
    audit.org = org;
    audit.action = "invitation.revoked";
    audit.target = invitation_target(id);
    audit.details_json = nlohmann::json{{"email", revoked.email}}.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return revoked;
}

core::Result<InvitationRecord> InvitationRepository::replace_token(core::OrgId org, std::int64_t id,
                                                                   const std::string& token_hash,
                                                                   std::int64_t now_ms,
                                                                   AuditEvent audit) {
  InvitationRecord replaced;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto locked = lock_org_plan(transaction, org);
    if (!locked) return core::Result<void>(std::move(locked).error());
    auto found = find_where(transaction, "i.id = $1 AND i.org_id = $2", {id, org.value});
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_invitation());
    if (auto open = require_open(**found, now_ms); !open) return open;
    auto changed = transaction.execute("UPDATE invitations SET token_hash = $2 WHERE id = $1",
                                       {id, token_hash});
    if (!changed) return core::Result<void>(std::move(changed).error());
    replaced = std::move(**found);
    audit.org = org;
    audit.action = "invitation.link_regenerated";
    audit.target = invitation_target(id);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return replaced;
}

}  // namespace roost::storage
