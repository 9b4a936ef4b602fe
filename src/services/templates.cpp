#include "services/templates.hpp"

#include "core/limits.hpp"
#include "domain/organization.hpp"

namespace roost::services {
namespace {

constexpr std::string_view template_kind = "template";

core::Error no_such_template() {
  return core::make_error(core::ErrorCode::not_found, "no such template");
}

}  // namespace

core::Result<authz::Resource> Templates::team_access(const Caller& caller, core::OrgId org,
                                                     core::TeamId team, authz::Action action) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return resource;
  resource->kind = template_kind;
  // Only a member of the organization gets the team read: an outsider learns nothing.
  if (resource->actor_membership && resource->actor_membership->org == org) {
    auto found = teams_.find(team);
    if (!found) return std::move(found).error();
    if (found->has_value()) {
      auto role = teams_.find_role(team, caller.user());
      if (!role) return std::move(role).error();
      authz::TeamTarget target{team, (*found)->org, *role, std::nullopt};
      if (action == authz::Action::use_templates && role->has_value()) {
        auto granted = profiles_.profiles_of_team(team);
        if (!granted) return std::move(granted).error();
        for (const auto& profile : *granted) {
          auto level = profiles_.level_of(profile.profile.id, caller.user());
          if (!level) return std::move(level).error();
          if (level->has_value() && **level >= domain::ProfileLevel::publisher) {
            target.actor_publishes = true;
            break;
          }
        }
      }
      resource->team = target;
    }
  }
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return resource;
}

core::Result<void> Templates::may_read(const Caller& caller, core::OrgId org, core::TeamId team) {
  if (team_access(caller, org, team, authz::Action::manage_templates)) return core::success();
  auto used = team_access(caller, org, team, authz::Action::use_templates);
  if (!used) return std::move(used).error();
  return core::success();
}

core::Result<storage::TemplateRecord> Templates::load(core::OrgId org, core::TemplateId id) {
  auto found = templates_.find(org, id);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return no_such_template();
  return std::move(**found);
}

core::Result<storage::TemplateRecord> Templates::create(const Caller& caller, core::OrgId org,
                                                        core::TeamId team, const std::string& name,
                                                        const std::string& body) {
  auto allowed = team_access(caller, org, team, authz::Action::manage_templates);
  if (!allowed) return std::move(allowed).error();
  auto normalized = domain::normalize_org_name(name);
  if (!normalized) return std::move(normalized).error();
  if (auto checked = domain::check_template_body(body); !checked) return std::move(checked).error();
  return templates_.create(org, team, *normalized, body, caller.user(), clock_.now_ms(),
                           caller_audit(caller, clock_.now_ms()));
}

core::Result<std::vector<storage::TemplateRecord>> Templates::list(const Caller& caller,
                                                                   core::OrgId org,
                                                                   core::TeamId team) {
  if (auto allowed = may_read(caller, org, team); !allowed) return std::move(allowed).error();
  return templates_.list_for_team(org, team, core::limits::templates_per_team_listed_max);
}

core::Result<storage::TemplateRecord> Templates::get(const Caller& caller, core::OrgId org,
                                                     core::TemplateId id) {
  auto organization = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!organization) return std::move(organization).error();
  auto record = load(org, id);
  if (!record) return record;
  if (auto allowed = may_read(caller, org, record->team); !allowed) {
    return std::move(allowed).error();
  }
  return record;
}

core::Result<storage::TemplateRecord> Templates::update(const Caller& caller, core::OrgId org,
                                                        core::TemplateId id,
                                                        const storage::TemplateChange& change) {
  auto organization = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!organization) return std::move(organization).error();
  auto record = load(org, id);
  if (!record) return record;
  auto allowed = team_access(caller, org, record->team, authz::Action::manage_templates);
  if (!allowed) return std::move(allowed).error();
  storage::TemplateChange checked = change;
  if (change.name) {
    auto normalized = domain::normalize_org_name(*change.name);
    if (!normalized) return std::move(normalized).error();
    checked.name = *normalized;
  }
  if (change.body) {
    if (auto valid = domain::check_template_body(*change.body); !valid) {
      return std::move(valid).error();
    }
  }
  return templates_.update(org, id, checked, clock_.now_ms(),
                           caller_audit(caller, clock_.now_ms()));
}

core::Result<void> Templates::remove(const Caller& caller, core::OrgId org, core::TemplateId id) {
  auto organization = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!organization) return std::move(organization).error();
  auto record = load(org, id);
  if (!record) return std::move(record).error();
  auto allowed = team_access(caller, org, record->team, authz::Action::manage_templates);
  if (!allowed) return std::move(allowed).error();
  return templates_.remove(org, id, caller_audit(caller, clock_.now_ms()));
}

core::Result<std::string> Templates::render(const Caller& caller, core::OrgId org,
                                            core::TemplateId id,
                                            const domain::TemplateValues& values) {
  auto record = load(org, id);
  if (!record) return std::move(record).error();
  auto allowed = team_access(caller, org, record->team, authz::Action::use_templates);
  if (!allowed) return std::move(allowed).error();
  return domain::render_template(record->body, values);
}

}  // namespace roost::services
