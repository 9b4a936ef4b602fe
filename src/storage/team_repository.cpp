#include "storage/team_repository.hpp"

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view team_columns = "id, org_id, name, created_at_ms";

TeamRecord to_team(const Row& row) {
  return TeamRecord{core::TeamId{row.integer(0)}, core::OrgId{row.integer(1)}, row.text(2),
                    row.integer(3)};
}

// The schema's CHECK constraint allows only the names of TeamRole.
domain::TeamRole to_team_role(const std::string& name) {
  auto role = domain::parse_team_role(name);
  return role ? *role : domain::TeamRole::member;
}

std::string role_text(domain::TeamRole role) { return std::string(domain::team_role_name(role)); }

constexpr std::string_view team_member_select =
    "SELECT u.id, u.email, u.display_name, tm.team_role, tm.added_at_ms FROM team_members tm "
    "JOIN users u ON u.id = tm.user_id";

TeamMemberRecord to_team_member(const Row& row) {
  return TeamMemberRecord{core::UserId{row.integer(0)}, row.text(1), row.text(2),
                          to_team_role(row.text(3)), row.integer(4)};
}

core::Error no_such_team() { return core::make_error(core::ErrorCode::not_found, "no such team"); }

core::Error taken_name() {
  return core::make_error(core::ErrorCode::conflict,
                          "the organization already has a team of that name");
}

// The team's organization, locked; not_found when the team is gone.
core::Result<core::OrgId> lock_team_org(Transaction& transaction, core::TeamId team) {
  auto row = transaction.query_one("SELECT org_id FROM teams WHERE id = $1", {team.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return no_such_team();
  core::OrgId org{(*row)->integer(0)};
  if (auto locked = lock_organization(transaction, org); !locked) return std::move(locked).error();
  return org;
}

core::Result<bool> name_taken(Transaction& transaction, core::OrgId org, const std::string& name,
                              core::TeamId except) {
  auto row =
      transaction.query_one("SELECT id FROM teams WHERE org_id = $1 AND name = $2 AND id <> $3",
                            {org.value, name, except.value});
  if (!row) return std::move(row).error();
  return row->has_value();
}

core::Result<std::vector<TeamRecord>> list_teams(Database& database, std::string sql,
                                                 const std::vector<Value>& params) {
  std::vector<TeamRecord> teams;
  auto done = database.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(sql, params);
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) teams.push_back(to_team(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return teams;
}

}  // namespace

core::Result<TeamRecord> TeamRepository::create(core::OrgId org, const std::string& name,
                                                std::int64_t created_at_ms, AuditEvent audit) {
  TeamRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    // Checked under the lock, so that the unique constraint is a backstop, not the answer.
    auto taken = name_taken(transaction, org, name, core::TeamId{});
    if (!taken) return core::Result<void>(std::move(taken).error());
    if (*taken) return core::Result<void>(taken_name());
    auto row = transaction.query_one(
        "INSERT INTO teams (org_id, name, created_at_ms) VALUES ($1, "
        "$2, $3) RETURNING " +
            std::string(team_columns),
        {org.value, name, created_at_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
    }
    created = to_team(**row);
    audit.org = org;
    if (audit.target.empty()) audit.target = "team:" + std::to_string(created.id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<std::optional<TeamRecord>> TeamRepository::find(core::TeamId id) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + std::string(team_columns) + " FROM teams WHERE id = $1",
                        {id.value}, to_team);
}

core::Result<std::vector<TeamRecord>> TeamRepository::list_for_org(core::OrgId org,
                                                                   std::size_t limit) {
  return list_teams(database_,
                    "SELECT " + std::string(team_columns) +
                        " FROM teams WHERE org_id = $1 ORDER BY name, id LIMIT $2",
                    {org.value, static_cast<std::int64_t>(limit)});
}

core::Result<std::vector<TeamRecord>> TeamRepository::list_for_member(core::OrgId org,
                                                                      core::UserId user,
                                                                      std::size_t limit) {
  return list_teams(database_,
                    "SELECT t.id, t.org_id, t.name, t.created_at_ms FROM teams t "
                    "JOIN team_members tm ON tm.team_id = t.id "
                    "WHERE t.org_id = $1 AND tm.user_id = $2 ORDER BY t.name, t.id LIMIT $3",
                    {org.value, user.value, static_cast<std::int64_t>(limit)});
}

core::Result<std::optional<domain::TeamRole>> TeamRepository::find_role(core::TeamId team,
                                                                        core::UserId user) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT team_role FROM team_members WHERE team_id = $1 AND user_id = $2",
                        {team.value, user.value},
                        [](const Row& row) { return to_team_role(row.text(0)); });
}

core::Result<std::vector<TeamMemberRecord>> TeamRepository::list_members(core::TeamId team,
                                                                         std::size_t limit) {
  return query_all(
      database_, std::string(team_member_select) + " WHERE tm.team_id = $1 ORDER BY u.id LIMIT $2",
      {team.value, static_cast<std::int64_t>(limit)}, to_team_member);
}

core::Result<std::optional<TeamMemberRecord>> TeamRepository::find_member(core::TeamId team,
                                                                          core::UserId user) {
  return query_optional(
      database_, TransactionMode::read_only,
      std::string(team_member_select) + " WHERE tm.team_id = $1 AND tm.user_id = $2",
      {team.value, user.value}, to_team_member);
}

core::Result<TeamRecord> TeamRepository::rename(core::TeamId id, const std::string& name,
                                                AuditEvent audit) {
  TeamRecord renamed;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto org = lock_team_org(transaction, id);
    if (!org) return core::Result<void>(std::move(org).error());
    auto taken = name_taken(transaction, *org, name, id);
    if (!taken) return core::Result<void>(std::move(taken).error());
    if (*taken) return core::Result<void>(taken_name());
    auto row = transaction.query_one(
        "UPDATE teams SET name = $2 WHERE id = $1 RETURNING " + std::string(team_columns),
        {id.value, name});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::Result<void>(no_such_team());
    renamed = to_team(**row);
    audit.org = *org;
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return renamed;
}

core::Result<void> TeamRepository::remove(core::TeamId id, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto org = lock_team_org(transaction, id);
    if (!org) return core::Result<void>(std::move(org).error());
    // Team memberships go explicitly, not by relying on ON DELETE CASCADE alone.
    auto members = transaction.execute("DELETE FROM team_members WHERE team_id = $1", {id.value});
    if (!members) return core::Result<void>(std::move(members).error());
    auto removed = transaction.execute("DELETE FROM teams WHERE id = $1", {id.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    if (*removed == 0) return core::Result<void>(no_such_team());
    audit.org = *org;
    return append_audit_event(transaction, audit);
  });
}

core::Result<TeamMemberChange> TeamRepository::set_member(core::TeamId team, core::UserId user,
                                                          domain::TeamRole role,
                                                          std::int64_t now_ms, AuditEvent audit) {
  TeamMemberChange change;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto org = lock_team_org(transaction, team);
    if (!org) return core::Result<void>(std::move(org).error());
    auto membership = transaction.query_one(
        "SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2", {org->value, user.value});
    if (!membership) return core::Result<void>(std::move(membership).error());
    if (!membership->has_value()) {
      core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid user_id");
      error.details.push_back({"user_id", "is not a member of the organization", 0, 0});
      return core::Result<void>(std::move(error));
    }
    auto current = transaction.query_one(
        "SELECT team_role FROM team_members WHERE team_id = $1 AND user_id = $2",
        {team.value, user.value});
    if (!current) return core::Result<void>(std::move(current).error());
    if (current->has_value()) {
      change.previous_role = to_team_role((*current)->text(0));
      auto changed = transaction.execute(
          "UPDATE team_members SET team_role = $3 WHERE team_id = $1 AND user_id = $2",
          {team.value, user.value, role_text(role)});
      if (!changed) return core::Result<void>(std::move(changed).error());
    } else {
      change.added = true;
      auto added = transaction.execute(
          "INSERT INTO team_members (team_id, user_id, team_role, added_at_ms) "
          "VALUES ($1, $2, $3, $4)",
          {team.value, user.value, role_text(role), now_ms});
      if (!added) return core::Result<void>(std::move(added).error());
    }
    audit.org = *org;
    audit.action = change.added ? "team.member_added" : "team.member_role_changed";
    audit.details_json =
        R"({"team_id":)" + std::to_string(team.value) + R"(,"team_role":")" + role_text(role) +
        "\"" +
        (change.previous_role ? R"(,"from":")" + role_text(*change.previous_role) + "\""
                              : std::string()) +
        "}";
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return change;
}

core::Result<void> TeamRepository::remove_member(core::TeamId team, core::UserId user,
                                                 AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto org = lock_team_org(transaction, team);
    if (!org) return core::Result<void>(std::move(org).error());
    auto removed = transaction.execute(
        "DELETE FROM team_members WHERE team_id = $1 AND user_id = $2", {team.value, user.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    if (*removed == 0) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "no such member of this team"));
    }
    audit.org = *org;
    return append_audit_event(transaction, audit);
  });
}

}  // namespace roost::storage
