#include "storage/profile_repository.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "storage/post_lifecycle.hpp"
#include "storage/profile_visibility.hpp"
#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::array<std::string_view, 13> profile_column_names{"id",
                                                                "org_id",
                                                                "network",
                                                                "external_id",
                                                                "handle",
                                                                "display_name",
                                                                "avatar_url",
                                                                "service_url",
                                                                "status",
                                                                "owner_user_id",
                                                                "requires_confirmation",
                                                                "created_at_ms",
                                                                "updated_at_ms"};
constexpr std::size_t profile_column_count = profile_column_names.size();

// The columns of to_profile(), each prefixed with `alias` ("p." in joins, "" in RETURNING).
std::string columns(std::string_view alias) {
  std::string list;
  for (auto name : profile_column_names) {
    if (!list.empty()) list += ", ";
    list += alias;
    list += name;
  }
  return list;
}

const std::string profile_columns = columns("p.");

ProfileRecord to_profile(const Row& row) {
  ProfileRecord record;
  record.id = core::ProfileId{row.integer(0)};
  record.org = core::OrgId{row.integer(1)};
  record.network = row.text(2);
  record.external_id = row.text(3);
  record.handle = row.text(4);
  record.display_name = row.text(5);
  record.avatar_url = row.text(6);
  record.service_url = row.text(7);
  record.status = row.text(8);
  if (auto owner = row.optional_integer(9)) record.owner = core::UserId{*owner};
  record.requires_confirmation = row.integer(10) != 0;
  record.created_at_ms = row.integer(11);
  record.updated_at_ms = row.integer(12);
  return record;
}

// The schema's CHECK constraint allows only the names of ProfileLevel.
domain::ProfileLevel to_level(const std::string& name) {
  auto level = domain::parse_profile_level(name);
  return level ? *level : domain::ProfileLevel::viewer;
}

std::string level_text(domain::ProfileLevel level) {
  return std::string(domain::profile_level_name(level));
}

// The highest level in rows of one level column (a member's teams may grant several).
std::optional<domain::ProfileLevel> highest(const QueryResult& rows, std::size_t column) {
  std::optional<domain::ProfileLevel> best;
  for (const auto& row : rows.rows) best = domain::stronger(best, to_level(row.text(column)));
  return best;
}

core::Result<void> require_in_org(Transaction& transaction, std::string_view table,
                                  std::string_view what, std::int64_t id, core::OrgId org) {
  auto row =
      transaction.query_one("SELECT org_id FROM " + std::string(table) + " WHERE id = $1", {id});
  if (!row) return std::move(row).error();
  if (!row->has_value() || (*row)->integer(0) != org.value) {
    return core::make_error(
        core::ErrorCode::not_found,
        "no such " + std::string(what) + " in this organization: " + std::to_string(id));
  }
  return core::success();
}

// Under the organization's row lock: a connection past the plan's profile limit fails.
core::Result<void> check_profile_limit(Transaction& transaction, core::OrgId org) {
  auto row = transaction.query_one(
      "SELECT o.profile_limit, (SELECT COUNT(*) FROM social_profiles p WHERE p.org_id = o.id) "
      "FROM organizations o WHERE o.id = $1",
      {org.value});
  if (!row) return std::move(row).error();
  if (!row->has_value())
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  const std::int64_t limit = (*row)->integer(0);
  if ((*row)->integer(1) >= limit) {
    return core::make_error(core::ErrorCode::profile_limit_reached,
                            "the organization's plan allows " + std::to_string(limit) +
                                " social profiles, and all are connected; remove one or ask "
                                "the operator for a larger plan");
  }
  return core::success();
}

}  // namespace

std::string_view profile_status_name(ProfileStatus status) {
  switch (status) {
    case ProfileStatus::active: return "active";
    case ProfileStatus::needs_reconnect: return "needs_reconnect";
  }
  return "active";
}

core::Result<ProfileRecord> ProfileRepository::create(const ProfileDraft& draft, AuditEvent audit) {
  return create(draft, std::move(audit), CredentialSealer{});
}

core::Result<ProfileRecord> ProfileRepository::create(const ProfileDraft& draft, AuditEvent audit,
                                                      const CredentialSealer& seal) {
  ProfileRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, draft.org); !locked) return locked;
    // The same account twice is named before the limit: connecting it again would not take
    // another place.
    auto existing = transaction.query_one(
        "SELECT id, handle FROM social_profiles WHERE org_id = $1 AND network = $2 "
        "AND external_id = $3",
        {draft.org.value, draft.network, draft.external_id});
    if (!existing) return core::Result<void>(std::move(existing).error());
    if (existing->has_value()) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict, "this account (" + (*existing)->text(1) +
                                         ") is already connected to the organization " +
                                         "as profile " + std::to_string((*existing)->integer(0)) +
                                         "; reconnect that profile to give it a new password"));
    }
    if (auto room = check_profile_limit(transaction, draft.org); !room) return room;
    Value owner = nullptr;
    if (draft.owner) owner = draft.owner->value;
    Value created_by = nullptr;
    if (draft.created_by) created_by = draft.created_by->value;
    auto row = transaction.query_one(
        "INSERT INTO social_profiles (org_id, network, external_id, handle, display_name, "
        "avatar_url, service_url, owner_user_id, created_by_user_id, created_at_ms, "
        "updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING " +
            columns(""),
        {draft.org.value, draft.network, draft.external_id, draft.handle, draft.display_name,
         draft.avatar_url, draft.service_url, owner, created_by, draft.created_at_ms,
         draft.created_at_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
    }
    created = to_profile(**row);
    if (seal) {
      auto sealed = seal(created.id);
      if (!sealed) return core::Result<void>(std::move(sealed).error());
      auto stored = transaction.execute(
          "UPDATE social_profiles SET credentials = $2, credentials_key_id = $3 WHERE id = $1",
          {created.id.value,
           Blob{std::vector<std::uint8_t>(sealed->sealed.begin(), sealed->sealed.end())},
           sealed->key_id});
      if (!stored) return core::Result<void>(std::move(stored).error());
    }
    audit.org = draft.org;
    if (audit.target.empty()) audit.target = "profile:" + std::to_string(created.id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<ProfileRecord> ProfileRepository::reconnect(core::OrgId org, core::ProfileId profile,
                                                         const ProfileReconnection& change,
                                                         std::int64_t now_ms, AuditEvent audit) {
  ProfileRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current =
        transaction.query_one("SELECT " + std::string(profile_columns) +
                                  " FROM social_profiles p WHERE p.id = $1 AND p.org_id = $2",
                              {profile.value, org.value});
    if (!current) return core::Result<void>(std::move(current).error());
    if (!current->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such profile"));
    }
    const ProfileRecord before = to_profile(**current);
    if (before.external_id != change.external_id) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict, "these credentials sign in " + change.external_id +
                                         ", not this profile's account " + before.external_id +
                                         " (" + before.handle +
                                         "); connect that account as a new profile instead"));
    }
    const auto& sealed = change.credentials.sealed;
    auto row = transaction.query_one(
        "UPDATE social_profiles SET credentials = $2, credentials_key_id = $3, handle = $4, "
        "service_url = $5, status = 'active', updated_at_ms = $6 WHERE id = $1 RETURNING " +
            columns(""),
        {profile.value, Blob{std::vector<std::uint8_t>(sealed.begin(), sealed.end())},
         change.credentials.key_id, change.handle, change.service_url, now_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such profile"));
    }
    updated = to_profile(**row);
    audit.org = org;
    if (audit.action.empty()) audit.action = "profile.reconnected";
    audit.target = "profile:" + std::to_string(profile.value);
    // The caller's details (how the account signed in) with what the row says.
    auto details = nlohmann::json::parse(audit.details_json, nullptr, false);
    if (!details.is_object()) details = nlohmann::json::object();
    details["handle"] = updated.handle;
    details["previous_status"] = before.status;
    audit.details_json = details.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<std::vector<ProfileContact>> ProfileRepository::contacts(core::ProfileId profile) {
  return query_all(database_,
                   "SELECT u.id, u.email, u.display_name FROM social_profiles p "
                   "JOIN users u ON u.id = p.owner_user_id WHERE p.id = $1 "
                   "UNION ALL "
                   "SELECT u.id, u.email, u.display_name FROM social_profiles p "
                   "JOIN memberships m ON m.org_id = p.org_id AND m.role IN ('owner', 'admin') "
                   "JOIN users u ON u.id = m.user_id WHERE p.id = $1 AND p.owner_user_id IS NULL "
                   "ORDER BY 1",
                   {profile.value}, [](const Row& row) {
                     return ProfileContact{core::UserId{row.integer(0)}, row.text(1), row.text(2)};
                   });
}

core::Result<std::optional<ProfileRecord>> ProfileRepository::find(core::ProfileId id) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(profile_columns) + " FROM social_profiles p WHERE p.id = $1",
      {id.value}, to_profile);
}

core::Result<std::vector<ProfileRecord>> ProfileRepository::list_for_org(core::OrgId org,
                                                                         std::size_t limit) {
  return query_all(database_,
                   "SELECT " + std::string(profile_columns) +
                       " FROM social_profiles p WHERE p.org_id = $1 ORDER BY p.handle, p.id "
                       "LIMIT $2",
                   {org.value, static_cast<std::int64_t>(limit)}, to_profile);
}

core::Result<std::vector<LeveledProfile>> ProfileRepository::list_granted_to(core::OrgId org,
                                                                             core::UserId user,
                                                                             std::size_t limit) {
  // One row per (profile, granting team); folded into the highest level per profile.
  auto rows =
      query_all(database_,
                "SELECT " + std::string(profile_columns) +
                    ", g.level FROM social_profiles p JOIN (" + granted_profiles_sql("$2") +
                    ") g ON g.profile_id = p.id WHERE p.org_id = $1 ORDER BY p.handle, p.id",
                {org.value, user.value}, [](const Row& row) {
                  return LeveledProfile{to_profile(row), to_level(row.text(profile_column_count))};
                });
  if (!rows) return std::move(rows).error();
  std::vector<LeveledProfile> folded;
  for (auto& entry : *rows) {
    if (!folded.empty() && folded.back().profile.id == entry.profile.id) {
      folded.back().level = *domain::stronger(folded.back().level, entry.level);
      continue;
    }
    if (folded.size() == limit) break;
    folded.push_back(std::move(entry));
  }
  return folded;
}

core::Result<std::optional<domain::ProfileLevel>> ProfileRepository::level_of(
    core::ProfileId profile, core::UserId user) {
  std::optional<domain::ProfileLevel> level;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT g.level FROM (" + granted_profiles_sql("$2") + ") g WHERE g.profile_id = $1",
        {profile.value, user.value});
    if (!rows) return core::Result<void>(std::move(rows).error());
    level = highest(*rows, 0);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return level;
}

core::Result<std::vector<GrantRecord>> ProfileRepository::grants_of_profile(
    core::ProfileId profile) {
  return query_all(database_,
                   "SELECT g.team_id, t.name, g.profile_id, g.level, g.granted_at_ms "
                   "FROM team_profile_grants g JOIN teams t ON t.id = g.team_id "
                   "WHERE g.profile_id = $1 ORDER BY t.name, t.id",
                   {profile.value}, [](const Row& row) {
                     return GrantRecord{core::TeamId{row.integer(0)}, row.text(1),
                                        core::ProfileId{row.integer(2)}, to_level(row.text(3)),
                                        row.integer(4)};
                   });
}

core::Result<std::vector<LeveledProfile>> ProfileRepository::profiles_of_team(core::TeamId team) {
  return query_all(
      database_,
      "SELECT " + std::string(profile_columns) +
          ", g.level FROM social_profiles p "
          "JOIN team_profile_grants g ON g.profile_id = p.id "
          "WHERE g.team_id = $1 ORDER BY p.handle, p.id",
      {team.value}, [](const Row& row) {
        return LeveledProfile{to_profile(row), to_level(row.text(profile_column_count))};
      });
}

core::Result<std::optional<domain::ProfileLevel>> ProfileRepository::find_grant(
    core::TeamId team, core::ProfileId profile) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT level FROM team_profile_grants WHERE team_id = $1 AND profile_id = $2",
      {team.value, profile.value}, [](const Row& row) { return to_level(row.text(0)); });
}

core::Result<void> ProfileRepository::set_grants(core::OrgId org,
                                                 const std::vector<GrantChange>& grants,
                                                 std::int64_t now_ms, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    for (const auto& grant : grants) {
      if (auto team = require_in_org(transaction, "teams", "team", grant.team.value, org); !team) {
        return team;
      }
      if (auto profile =
              require_in_org(transaction, "social_profiles", "profile", grant.profile.value, org);
          !profile) {
        return profile;
      }
      auto current = transaction.query_one(
          "SELECT level FROM team_profile_grants WHERE team_id = $1 AND profile_id = $2",
          {grant.team.value, grant.profile.value});
      if (!current) return core::Result<void>(std::move(current).error());
      const std::string level = level_text(grant.level);
      AuditEvent event = audit;
      event.org = org;
      event.target = "profile:" + std::to_string(grant.profile.value);
      // Only ids and level names (fixed identifiers): no escaping needed.
      std::string details =
          R"({"team_id":)" + std::to_string(grant.team.value) + R"(,"level":")" + level + '"';
      if (current->has_value()) {
        if ((*current)->text(0) == level) continue;  // unchanged: nothing to record
        details += R"(,"from":")" + (*current)->text(0) + '"';
        event.action = "profile.grant_changed";
        auto updated = transaction.execute(
            "UPDATE team_profile_grants SET level = $3, granted_at_ms = $4 "
            "WHERE team_id = $1 AND profile_id = $2",
            {grant.team.value, grant.profile.value, level, now_ms});
        if (!updated) return core::Result<void>(std::move(updated).error());
      } else {
        event.action = "profile.granted";
        auto inserted = transaction.execute(
            "INSERT INTO team_profile_grants (team_id, profile_id, level, granted_at_ms) "
            "VALUES ($1, $2, $3, $4)",
            {grant.team.value, grant.profile.value, level, now_ms});
        if (!inserted) return core::Result<void>(std::move(inserted).error());
      }
      event.details_json = details + '}';
      if (auto appended = append_audit_event(transaction, event); !appended) return appended;
    }
    return core::success();
  });
}

core::Result<void> ProfileRepository::remove_grant(core::OrgId org, core::TeamId team,
                                                   core::ProfileId profile, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    if (auto in_org = require_in_org(transaction, "teams", "team", team.value, org); !in_org) {
      return in_org;
    }
    auto current = transaction.query_one(
        "SELECT level FROM team_profile_grants WHERE team_id = $1 AND profile_id = $2",
        {team.value, profile.value});
    if (!current) return core::Result<void>(std::move(current).error());
    if (!current->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "the team does not have this profile"));
    }
    auto removed = transaction.execute(
        "DELETE FROM team_profile_grants WHERE team_id = $1 AND profile_id = $2",
        {team.value, profile.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    audit.org = org;
    audit.action = "profile.grant_removed";
    audit.target = "profile:" + std::to_string(profile.value);
    audit.details_json = R"({"team_id":)" + std::to_string(team.value) + R"(,"level":")" +
                         (*current)->text(0) + R"("})";
    return append_audit_event(transaction, audit);
  });
}

core::Result<void> ProfileRepository::set_credentials(core::ProfileId profile,
                                                      const SealedCredentials& credentials,
                                                      std::int64_t now_ms) {
  const auto& sealed = credentials.sealed;
  auto changed = execute_statement(
      database_,
      "UPDATE social_profiles SET credentials = $2, credentials_key_id = $3, updated_at_ms = $4 "
      "WHERE id = $1",
      {profile.value, Blob{std::vector<std::uint8_t>(sealed.begin(), sealed.end())},
       credentials.key_id, now_ms});
  if (!changed) return std::move(changed).error();
  if (*changed == 0) return core::make_error(core::ErrorCode::not_found, "no such profile");
  return core::success();
}

core::Result<std::optional<SealedCredentials>> ProfileRepository::credentials(
    core::ProfileId profile) {
  auto found = query_optional(
      database_, TransactionMode::read_only,
      "SELECT credentials, credentials_key_id FROM social_profiles "
      "WHERE id = $1 AND credentials IS NOT NULL",
      {profile.value}, [](const Row& row) {
        const auto& bytes = row.blob(0).bytes;
        return SealedCredentials{std::string(bytes.begin(), bytes.end()), row.text(1)};
      });
  if (!found) return std::move(found).error();
  return std::move(*found);
}

core::Result<void> ProfileRepository::replace_credentials(core::ProfileId profile,
                                                          const SealedCredentials& expected,
                                                          const SealedCredentials& replacement,
                                                          std::int64_t now_ms) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    const auto& sealed = replacement.sealed;
    auto changed = transaction.execute(
        "UPDATE social_profiles SET credentials = $2, credentials_key_id = $3, updated_at_ms = $4 "
        "WHERE id = $1 AND credentials = $5 AND credentials_key_id = $6",
        {profile.value, Blob{std::vector<std::uint8_t>(sealed.begin(), sealed.end())},
         replacement.key_id, now_ms,
         Blob{std::vector<std::uint8_t>(expected.sealed.begin(), expected.sealed.end())},
         expected.key_id});
    if (!changed) return core::Result<void>(std::move(changed).error());
    if (*changed > 0) return core::success();
    auto exists =
        transaction.query_one("SELECT 1 FROM social_profiles WHERE id = $1", {profile.value});
    if (!exists) return core::Result<void>(std::move(exists).error());
    if (!exists->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such profile"));
    }
    return core::Result<void>(core::make_error(
        core::ErrorCode::conflict, "the profile's credentials were replaced meanwhile"));
  });
}

core::Result<bool> ProfileRepository::set_status(
    core::ProfileId profile, ProfileStatus status, std::int64_t now_ms,
    const std::optional<SealedCredentials>& only_while) {
  bool changed = false;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    std::vector<Value> params{profile.value, std::string(profile_status_name(status)), now_ms};
    std::string sql =
        "UPDATE social_profiles SET status = $2, updated_at_ms = $3 "
        "WHERE id = $1 AND status <> $2";
    if (only_while) {
      sql += " AND credentials = $4 AND credentials_key_id = $5";
      params.emplace_back(
          Blob{std::vector<std::uint8_t>(only_while->sealed.begin(), only_while->sealed.end())});
      params.emplace_back(only_while->key_id);
    }
    auto updated = transaction.execute(sql, params);
    if (!updated) return core::Result<void>(std::move(updated).error());
    changed = *updated > 0;
    if (changed) return core::success();
    auto exists =
        transaction.query_one("SELECT 1 FROM social_profiles WHERE id = $1", {profile.value});
    if (!exists) return core::Result<void>(std::move(exists).error());
    if (!exists->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such profile"));
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return changed;
}

core::Result<ProfileRecord> ProfileRepository::update_settings(core::OrgId org,
                                                               core::ProfileId profile,
                                                               const ProfileSettingsChange& change,
                                                               std::int64_t now_ms,
                                                               AuditEvent audit) {
  ProfileRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    // Under the organization's lock: the new owner cannot leave it meanwhile.
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    if (auto in_org = require_in_org(transaction, "social_profiles", "profile", profile.value, org);
        !in_org) {
      return in_org;
    }
    nlohmann::json details = nlohmann::json::object();
    if (change.owner) {
      auto member =
          transaction.query_one("SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2",
                                {org.value, change.owner->value});
      if (!member) return core::Result<void>(std::move(member).error());
      if (!member->has_value()) {
        return core::Result<void>(core::make_error(
            core::ErrorCode::invalid_request, "the owner must be a member of the organization"));
      }
      auto set = transaction.execute(
          "UPDATE social_profiles SET owner_user_id = $2, updated_at_ms = $3 WHERE id = $1",
          {profile.value, change.owner->value, now_ms});
      if (!set) return core::Result<void>(std::move(set).error());
      details["owner_user_id"] = change.owner->value;
    } else if (change.clear_owner) {
      auto cleared = transaction.execute(
          "UPDATE social_profiles SET owner_user_id = NULL, updated_at_ms = $2 WHERE id = $1",
          {profile.value, now_ms});
      if (!cleared) return core::Result<void>(std::move(cleared).error());
      details["owner_user_id"] = nullptr;
    }
    if (change.requires_confirmation) {
      auto set = transaction.execute(
          "UPDATE social_profiles SET requires_confirmation = $2, updated_at_ms = $3 "
          "WHERE id = $1",
          {profile.value, std::int64_t{*change.requires_confirmation ? 1 : 0}, now_ms});
      if (!set) return core::Result<void>(std::move(set).error());
      details["requires_confirmation"] = *change.requires_confirmation;
    }
    auto row = transaction.query_one(
        "SELECT " + std::string(profile_columns) + " FROM social_profiles p WHERE p.id = $1",
        {profile.value});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such profile"));
    }
    updated = to_profile(**row);
    audit.org = org;
    if (audit.action.empty()) audit.action = "profile.settings_changed";
    audit.target = "profile:" + std::to_string(profile.value);
    audit.details_json = details.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<RemovedProfile> ProfileRepository::remove(core::OrgId org, core::ProfileId profile,
                                                       std::int64_t now_us, AuditEvent audit) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  RemovedProfile removed;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto row =
        transaction.query_one("SELECT " + std::string(profile_columns) +
                                  " FROM social_profiles p WHERE p.id = $1 AND p.org_id = $2",
                              {profile.value, org.value});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such profile"));
    }
    removed.profile = to_profile(**row);
    // The lock order of post_lifecycle.hpp: the jobs, the posts (by id), then the targets.
    // A job a dispatcher holds (claimed, or sent and waiting for its answer) is not pulled
    // from under it, as cancelling a post does not: the removal is a 409 until the job ends.
    // The DELETE skips those rows, and a claim that committed meanwhile is seen by the count.
    auto jobs = transaction.execute(
        "DELETE FROM publish_jobs WHERE profile_id = $1 AND state NOT IN ('claimed', 'sent')",
        {profile.value});
    if (!jobs) return core::Result<void>(std::move(jobs).error());
    auto in_flight = transaction.query_one(
        "SELECT COUNT(*) FROM publish_jobs WHERE profile_id = $1", {profile.value});
    if (!in_flight) return core::Result<void>(std::move(in_flight).error());
    if ((*in_flight)->integer(0) > 0) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict,
          "a post is being published to this profile right now; remove it once that ends"));
    }
    auto post_ids = transaction.query(
        "SELECT post_id FROM post_targets WHERE profile_id = $1 ORDER BY post_id", {profile.value});
    if (!post_ids) return core::Result<void>(std::move(post_ids).error());
    for (const auto& id_row : post_ids->rows) {
      auto locked = post_lifecycle::lock_post(transaction, core::PostId{id_row.integer(0)});
      if (!locked) return core::Result<void>(std::move(locked).error());
    }
    // The unfinished posts that go to this profile, and how many profiles each goes to, read
    // under their locks.
    auto posts = transaction.query(
        "SELECT p.id, p.author_user_id, p.state, "
        "(SELECT COUNT(*) FROM post_targets o WHERE o.post_id = p.id) "
        "FROM posts p JOIN post_targets t ON t.post_id = p.id WHERE t.profile_id = $1 "
        "AND p.state IN ('draft', 'pending_approval', 'approved', 'rejected', 'scheduled', "
        "'publishing', 'expired') ORDER BY p.id",
        {profile.value});
    if (!posts) return core::Result<void>(std::move(posts).error());
    auto targets =
        transaction.execute("DELETE FROM post_targets WHERE profile_id = $1", {profile.value});
    if (!targets) return core::Result<void>(std::move(targets).error());
    for (const auto& post_row : posts->rows) {
      AffectedPost affected;
      affected.post = core::PostId{post_row.integer(0)};
      if (auto author = post_row.optional_integer(1)) affected.author = core::UserId{*author};
      affected.was_cancelled = post_row.integer(3) == 1;
      const auto state = parse_post_state(post_row.text(2)).value_or(PostState::draft);
      if (affected.was_cancelled) {
        auto cancelled = transaction.execute(
            "UPDATE posts SET state = 'cancelled', updated_at_ms = $2 WHERE id = $1",
            {affected.post.value, now_ms});
        if (!cancelled) return core::Result<void>(std::move(cancelled).error());
        AuditEvent event = audit;
        event.org = org;
        event.action = "post.cancelled";
        event.target = "post:" + std::to_string(affected.post.value);
        event.details_json = nlohmann::json{
            {"from", post_state_name(state)},
            {"to", "cancelled"},
            {"reason", "profile_removed"},
            {"profile_id",
             profile.value}}.dump();
        if (auto appended = append_audit_event(transaction, event); !appended) return appended;
      } else if (state == PostState::pending_approval) {
        // The removed target may have been the last one waiting for a decision.
        auto concluded = post_lifecycle::conclude_approval(transaction, affected.post, now_us);
        if (!concluded) return core::Result<void>(std::move(concluded).error());
      } else if (state == PostState::scheduled || state == PostState::publishing) {
        // Its other targets may all have ended already.
        auto settled = post_lifecycle::settle(transaction, affected.post, now_ms);
        if (!settled) return core::Result<void>(std::move(settled).error());
      }
      removed.posts.push_back(affected);
    }
    auto deleted =
        transaction.execute("DELETE FROM social_profiles WHERE id = $1", {profile.value});
    if (!deleted) return core::Result<void>(std::move(deleted).error());
    audit.org = org;
    if (audit.action.empty()) audit.action = "profile.removed";
    audit.target = "profile:" + std::to_string(profile.value);
    std::int64_t cancelled_count = 0;
    for (const auto& post : removed.posts) cancelled_count += post.was_cancelled ? 1 : 0;
    audit.details_json = nlohmann::json{{"handle", removed.profile.handle},
                                        {"network", removed.profile.network},
                                        {"posts_cancelled", cancelled_count},
                                        {"posts_affected", removed.posts.size()}}
                             .dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return removed;
}

}  // namespace roost::storage
