#include "storage/organization_repository.hpp"

#include "storage/repository_support.hpp"
#include "storage/seat_usage.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view organization_columns =
    "id, name, profile_limit, seat_limit, created_at_ms, updated_at_ms";

OrganizationRecord to_organization(const Row& row, std::size_t first = 0) {
  return OrganizationRecord{core::OrgId{row.integer(first)}, row.text(first + 1),
                            row.integer(first + 2),          row.integer(first + 3),
                            row.integer(first + 4),          row.integer(first + 5)};
}

// The schema's CHECK constraint allows only the names of OrgRole.
domain::OrgRole to_role(const std::string& name) {
  auto role = domain::parse_org_role(name);
  return role ? *role : domain::OrgRole::member;
}

std::string role_text(domain::OrgRole role) { return std::string(domain::org_role_name(role)); }

constexpr std::string_view has_logo_expression =
    "(SELECT COUNT(*) FROM org_logos l WHERE l.org_id = o.id)";

constexpr std::string_view member_select =
    "SELECT u.id, u.email, u.display_name, m.role, m.joined_at_ms FROM memberships m "
    "JOIN users u ON u.id = m.user_id";

MemberRecord to_member(const Row& row) {
  return MemberRecord{core::UserId{row.integer(0)}, row.text(1), row.text(2), to_role(row.text(3)),
                      row.integer(4)};
}

core::Error not_a_member() {
  return core::make_error(core::ErrorCode::not_found, "no such member of this organization");
}

core::Error last_owner() {
  return core::make_error(core::ErrorCode::conflict,
                          "an organization must keep at least one owner: make another member "
                          "owner first (or transfer ownership)");
}

core::Result<std::optional<domain::OrgRole>> role_in(Transaction& transaction, core::OrgId org,
                                                     core::UserId user) {
  auto row = transaction.query_one(
      "SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2", {org.value, user.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<domain::OrgRole>{};
  return std::optional<domain::OrgRole>{to_role((*row)->text(0))};
}

// Refuses to take `user`'s owner role away when they are the organization's only owner.
core::Result<void> keep_an_owner(Transaction& transaction, core::OrgId org, core::UserId user) {
  auto current = role_in(transaction, org, user);
  if (!current) return std::move(current).error();
  if (!current->has_value()) return not_a_member();
  if (**current != domain::OrgRole::owner) return core::success();
  auto owners = transaction.query_one(
      "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner'", {org.value});
  if (!owners) return std::move(owners).error();
  if (!owners->has_value() || (*owners)->integer(0) <= 1) return last_owner();
  return core::success();
}

}  // namespace

core::Result<OrganizationRecord> OrganizationRepository::create(const NewOrganization& organization,
                                                                AuditEvent audit) {
  OrganizationRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto row = transaction.query_one(
        "INSERT INTO organizations (name, profile_limit, seat_limit, created_at_ms, "
        "updated_at_ms) VALUES ($1, $2, $3, $4, $4) RETURNING " +
            std::string(organization_columns),
        {organization.name, organization.profile_limit, organization.seat_limit,
         organization.created_at_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
    }
    created = to_organization(**row);
    auto member = transaction.execute(
        "INSERT INTO memberships (org_id, user_id, role, joined_at_ms) VALUES ($1, $2, $3, $4)",
        {created.id.value, organization.owner.value, role_text(domain::OrgRole::owner),
         organization.created_at_ms});
    if (!member) return core::Result<void>(std::move(member).error());
    audit.org = created.id;
    if (audit.target.empty()) audit.target = "org:" + std::to_string(created.id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<std::optional<OrganizationRecord>> OrganizationRepository::find(core::OrgId id) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(organization_columns) + " FROM organizations WHERE id = $1",
      {id.value}, [](const Row& row) { return to_organization(row); });
}

core::Result<std::optional<MembershipRecord>> OrganizationRepository::find_membership(
    core::OrgId org, core::UserId user) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT org_id, user_id, role, joined_at_ms FROM memberships WHERE org_id = $1 AND "
      "user_id = $2",
      {org.value, user.value}, [](const Row& row) {
        return MembershipRecord{core::OrgId{row.integer(0)}, core::UserId{row.integer(1)},
                                to_role(row.text(2)), row.integer(3)};
      });
}

core::Result<std::vector<OrganizationRecord>> OrganizationRepository::find_by_name(
    const std::string& name, std::size_t limit) {
  std::vector<OrganizationRecord> organizations;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query("SELECT " + std::string(organization_columns) +
                                      " FROM organizations WHERE name = $1 ORDER BY id LIMIT $2",
                                  {name, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) organizations.push_back(to_organization(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return organizations;
}

core::Result<std::int64_t> OrganizationRepository::count_seats_used(core::OrgId org,
                                                                    std::int64_t now_ms) {
  auto used = usage(org, now_ms);
  if (!used) return std::move(used).error();
  return used->seats_used;
}

core::Result<OrganizationUsage> OrganizationRepository::usage(core::OrgId org,
                                                              std::int64_t now_ms) {
  auto found =
      query_optional(database_, TransactionMode::read_only,
                     "SELECT " + seats_used_sql("$2") + ", " + std::string(has_logo_expression) +
                         " FROM organizations o WHERE o.id = $1",
                     {org.value, now_ms}, [](const Row& row) {
                       return OrganizationUsage{row.integer(0), row.integer(1) > 0};
                     });
  if (!found) return std::move(found).error();
  if (!found->has_value())
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  return **found;
}

core::Result<OrganizationRecord> OrganizationRepository::set_plan(core::OrgId id,
                                                                  const PlanChange& change,
                                                                  std::int64_t now_ms,
                                                                  AuditEvent audit) {
  OrganizationRecord changed;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    Value profile_limit = nullptr;
    if (change.profile_limit) profile_limit = *change.profile_limit;
    Value seat_limit = nullptr;
    if (change.seat_limit) seat_limit = *change.seat_limit;
    auto row = transaction.query_one(
        "UPDATE organizations SET profile_limit = COALESCE($2, profile_limit), "
        "seat_limit = COALESCE($3, seat_limit), updated_at_ms = $4 WHERE id = $1 RETURNING " +
            std::string(organization_columns),
        {id.value, profile_limit, seat_limit, now_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "no such organization"));
    }
    changed = to_organization(**row);
    audit.org = id;
    if (audit.target.empty()) audit.target = "org:" + std::to_string(id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return changed;
}

core::Result<std::vector<OrganizationOfUser>> OrganizationRepository::list_for_user(
    core::UserId user, std::size_t limit, std::int64_t now_ms) {
  std::vector<OrganizationOfUser> organizations;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT o.id, o.name, o.profile_limit, o.seat_limit, o.created_at_ms, o.updated_at_ms, "
        "m.role, " +
            seats_used_sql("$3") + ", " + std::string(has_logo_expression) +
            " FROM organizations o JOIN memberships m ON m.org_id = o.id "
            "WHERE m.user_id = $1 ORDER BY o.name, o.id LIMIT $2",
        {user.value, static_cast<std::int64_t>(limit), now_ms});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      organizations.push_back({to_organization(row), to_role(row.text(6)),
                               OrganizationUsage{row.integer(7), row.integer(8) > 0}});
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return organizations;
}

core::Result<OrganizationRecord> OrganizationRepository::rename(core::OrgId id,
                                                                const std::string& name,
                                                                std::int64_t now_ms,
                                                                AuditEvent audit) {
  OrganizationRecord renamed;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto row = transaction.query_one(
        "UPDATE organizations SET name = $2, updated_at_ms = $3 "
        "WHERE id = $1 RETURNING " +
            std::string(organization_columns),
        {id.value, name, now_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "no such organization"));
    }
    renamed = to_organization(**row);
    audit.org = id;
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return renamed;
}

core::Result<void> OrganizationRepository::remove(core::OrgId id, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    // Teams and memberships go explicitly, not by relying on ON DELETE CASCADE alone.
    auto team_members = transaction.execute(
        "DELETE FROM team_members WHERE team_id IN (SELECT id FROM teams WHERE org_id = $1)",
        {id.value});
    if (!team_members) return core::Result<void>(std::move(team_members).error());
    auto teams = transaction.execute("DELETE FROM teams WHERE org_id = $1", {id.value});
    if (!teams) return core::Result<void>(std::move(teams).error());
    auto logo = transaction.execute("DELETE FROM org_logos WHERE org_id = $1", {id.value});
    if (!logo) return core::Result<void>(std::move(logo).error());
    auto members = transaction.execute("DELETE FROM memberships WHERE org_id = $1", {id.value});
    if (!members) return core::Result<void>(std::move(members).error());
    auto removed = transaction.execute("DELETE FROM organizations WHERE id = $1", {id.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    if (*removed == 0) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "no such organization"));
    }
    audit.org = id;
    return append_audit_event(transaction, audit);
  });
}

core::Result<void> OrganizationRepository::transfer_ownership(core::OrgId id, core::UserId from,
                                                              core::UserId to, AuditEvent audit) {
  // Promoting and then demoting the same user would leave the organization without an owner.
  if (from == to) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request,
                                         "ownership can only be transferred to another member");
    error.details.push_back({"user_id", "is the current owner", 0, 0});
    return error;
  }
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, id); !locked) return locked;
    for (auto user : {from, to}) {
      auto role = role_in(transaction, id, user);
      if (!role) return core::Result<void>(std::move(role).error());
      if (!role->has_value()) return core::Result<void>(not_a_member());
      // Checked again under the lock: an owner demoted since the service authorized the
      // transfer must not come out of it as an admin.
      if (user == from && **role != domain::OrgRole::owner) {
        return core::Result<void>(
            core::make_error(core::ErrorCode::conflict,
                             "only an owner can transfer ownership, and you no longer are one"));
      }
    }
    constexpr std::string_view set_role =
        "UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2";
    auto promoted =
        transaction.execute(set_role, {id.value, to.value, role_text(domain::OrgRole::owner)});
    if (!promoted) return core::Result<void>(std::move(promoted).error());
    auto demoted =
        transaction.execute(set_role, {id.value, from.value, role_text(domain::OrgRole::admin)});
    if (!demoted) return core::Result<void>(std::move(demoted).error());
    audit.org = id;
    return append_audit_event(transaction, audit);
  });
}

core::Result<void> OrganizationRepository::add_member(const MembershipRecord& membership,
                                                      AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto added = transaction.execute(
        "INSERT INTO memberships (org_id, user_id, role, joined_at_ms) VALUES ($1, $2, $3, $4)",
        {membership.org.value, membership.user.value, role_text(membership.role),
         membership.joined_at_ms});
    if (!added) return core::Result<void>(std::move(added).error());
    audit.org = membership.org;
    return append_audit_event(transaction, audit);
  });
}

core::Result<std::optional<MemberRecord>> OrganizationRepository::find_member(core::OrgId org,
                                                                              core::UserId user) {
  return query_optional(database_, TransactionMode::read_only,
                        std::string(member_select) + " WHERE m.org_id = $1 AND m.user_id = $2",
                        {org.value, user.value}, to_member);
}

core::Result<MemberListing> OrganizationRepository::list_members(core::OrgId org,
                                                                 core::UserId after_user,
                                                                 std::size_t limit) {
  MemberListing listing;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    // The revision first: a change committed between the two reads makes the listing newer
    // than its revision says, never older, so a cache keyed by it cannot serve stale data.
    auto revision = transaction.query_one(
        "SELECT members_revision FROM organizations WHERE id = $1", {org.value});
    if (!revision) return core::Result<void>(std::move(revision).error());
    if (revision->has_value()) listing.revision = (*revision)->integer(0);
    auto rows =
        transaction.query(std::string(member_select) +
                              " WHERE m.org_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3",
                          {org.value, after_user.value, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    listing.members.reserve(rows->rows.size());
    for (const auto& row : rows->rows) listing.members.push_back(to_member(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return listing;
}

core::Result<std::optional<std::int64_t>> OrganizationRepository::members_revision(
    core::OrgId org) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT members_revision FROM organizations WHERE id = $1", {org.value},
                        [](const Row& row) { return row.integer(0); });
}

core::Result<void> OrganizationRepository::change_role(core::OrgId org, core::UserId user,
                                                       domain::OrgRole role, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    if (role != domain::OrgRole::owner) {
      if (auto kept = keep_an_owner(transaction, org, user); !kept) return kept;
    }
    auto changed =
        transaction.execute("UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2",
                            {org.value, user.value, role_text(role)});
    if (!changed) return core::Result<void>(std::move(changed).error());
    if (*changed == 0) return core::Result<void>(not_a_member());
    audit.org = org;
    return append_audit_event(transaction, audit);
  });
}

core::Result<void> OrganizationRepository::remove_member(core::OrgId org, core::UserId user,
                                                         AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    if (auto kept = keep_an_owner(transaction, org, user); !kept) return kept;
    // Out of the organization is out of its teams, in the same transaction, each audited.
    auto teams = transaction.query(
        "SELECT tm.team_id, tm.team_role FROM team_members tm JOIN teams t ON t.id = tm.team_id "
        "WHERE t.org_id = $1 AND tm.user_id = $2 ORDER BY tm.team_id",
        {org.value, user.value});
    if (!teams) return core::Result<void>(std::move(teams).error());
    for (const auto& row : teams->rows) {
      auto left =
          transaction.execute("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2",
                              {row.integer(0), user.value});
      if (!left) return core::Result<void>(std::move(left).error());
      AuditEvent team_audit = audit;
      team_audit.org = org;
      team_audit.action = "team.member_removed";
      team_audit.target = "user:" + std::to_string(user.value);
      team_audit.details_json = R"({"team_id":)" + std::to_string(row.integer(0)) +
                                R"(,"team_role":")" + row.text(1) +
                                R"(","reason":"removed_from_organization"})";
      if (auto appended = append_audit_event(transaction, team_audit); !appended) return appended;
    }
    // A profile's owner is a member who gets its notices: a former member no longer is.
    auto disowned = transaction.execute(
        "UPDATE social_profiles SET owner_user_id = NULL WHERE org_id = $1 AND owner_user_id = $2",
        {org.value, user.value});
    if (!disowned) return core::Result<void>(std::move(disowned).error());
    auto removed = transaction.execute("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2",
                                       {org.value, user.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    audit.org = org;
    return append_audit_event(transaction, audit);
  });
}

}  // namespace roost::storage
