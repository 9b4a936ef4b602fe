#include "storage/template_repository.hpp"

#include <nlohmann/json.hpp>

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view template_columns =
    "id, org_id, team_id, name, body, created_by_user_id, created_at_ms, updated_at_ms";

TemplateRecord to_template(const Row& row) {
  std::optional<core::UserId> author;
  if (auto id = row.optional_integer(5)) author = core::UserId{*id};
  return TemplateRecord{core::TemplateId{row.integer(0)},
                        core::OrgId{row.integer(1)},
                        core::TeamId{row.integer(2)},
                        row.text(3),
                        row.text(4),
                        author,
                        row.integer(6),
                        row.integer(7)};
}

core::Error no_such_template() {
  return core::make_error(core::ErrorCode::not_found, "no such template");
}

core::Error taken_name() {
  return core::make_error(core::ErrorCode::conflict,
                          "the team already has a template of that name");
}

core::Result<bool> name_taken(Transaction& transaction, core::TeamId team, const std::string& name,
                              core::TemplateId except) {
  auto row = transaction.query_one(
      "SELECT id FROM reply_templates WHERE team_id = $1 AND name = $2 AND id <> $3",
      {team.value, name, except.value});
  if (!row) return std::move(row).error();
  return row->has_value();
}

std::string target_of(core::TemplateId id) { return "template:" + std::to_string(id.value); }

}  // namespace

core::Result<TemplateRecord> TemplateRepository::create(core::OrgId org, core::TeamId team,
                                                        const std::string& name,
                                                        const std::string& body,
                                                        core::UserId author, std::int64_t now_ms,
                                                        AuditEvent audit) {
  TemplateRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto owned = transaction.query_one("SELECT id FROM teams WHERE id = $1 AND org_id = $2",
                                       {team.value, org.value});
    if (!owned) return core::Result<void>(std::move(owned).error());
    if (!owned->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such team"));
    }
    auto taken = name_taken(transaction, team, name, core::TemplateId{});
    if (!taken) return core::Result<void>(std::move(taken).error());
    if (*taken) return core::Result<void>(taken_name());
    auto row = transaction.query_one(
        "INSERT INTO reply_templates (org_id, team_id, name, body, created_by_user_id, "
        "created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING " +
            std::string(template_columns),
        {org.value, team.value, name, body, author.value, now_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::internal, "no template id"));
    }
    created = to_template(**row);
    audit.org = org;
    audit.action = "template.created";
    audit.target = target_of(created.id);
    audit.details_json = nlohmann::json{{"team_id", team.value}, {"name", name}}.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<std::optional<TemplateRecord>> TemplateRepository::find(core::OrgId org,
                                                                     core::TemplateId id) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + std::string(template_columns) +
                            " FROM reply_templates WHERE org_id = $1 AND id = $2",
                        {org.value, id.value}, to_template);
}

core::Result<std::vector<TemplateRecord>> TemplateRepository::list_for_team(core::OrgId org,
                                                                            core::TeamId team,
                                                                            std::size_t limit) {
  return query_all(database_,
                   "SELECT " + std::string(template_columns) +
                       " FROM reply_templates WHERE org_id = $1 AND team_id = $2 ORDER BY name, "
                       "id LIMIT $3",
                   {org.value, team.value, static_cast<std::int64_t>(limit)}, to_template);
}

core::Result<TemplateRecord> TemplateRepository::update(core::OrgId org, core::TemplateId id,
                                                        const TemplateChange& change,
                                                        std::int64_t now_ms, AuditEvent audit) {
  TemplateRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto row = transaction.query_one("SELECT " + std::string(template_columns) +
                                         " FROM reply_templates WHERE org_id = $1 AND id = $2",
                                     {org.value, id.value});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::Result<void>(no_such_template());
    TemplateRecord record = to_template(**row);
    nlohmann::json details = nlohmann::json::object();
    if (change.name && *change.name != record.name) {
      auto taken = name_taken(transaction, record.team, *change.name, id);
      if (!taken) return core::Result<void>(std::move(taken).error());
      if (*taken) return core::Result<void>(taken_name());
      details["name"] = *change.name;
      record.name = *change.name;
    }
    if (change.body && *change.body != record.body) {
      details["body_changed"] = true;
      record.body = *change.body;
    }
    record.updated_at_ms = now_ms;
    auto written = transaction.execute(
        "UPDATE reply_templates SET name = $1, body = $2, updated_at_ms = $3 WHERE id = $4",
        {record.name, record.body, now_ms, id.value});
    if (!written) return core::Result<void>(std::move(written).error());
    updated = std::move(record);
    audit.org = org;
    audit.action = "template.updated";
    audit.target = target_of(id);
    audit.details_json = details.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<void> TemplateRepository::remove(core::OrgId org, core::TemplateId id,
                                              AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto deleted = transaction.execute("DELETE FROM reply_templates WHERE org_id = $1 AND id = $2",
                                       {org.value, id.value});
    if (!deleted) return core::Result<void>(std::move(deleted).error());
    if (*deleted == 0) return core::Result<void>(no_such_template());
    audit.org = org;
    audit.action = "template.deleted";
    audit.target = target_of(id);
    return append_audit_event(transaction, audit);
  });
}

}  // namespace roost::storage
