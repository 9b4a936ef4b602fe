#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/reply_template.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/template_repository.hpp"

namespace roost::services {

// Saved replies of a team (PRODUCT.md §5): at most 2,000 graphemes, with placeholders
// (domain/reply_template.hpp) checked when saved. Team admins and the organization's owners
// and admins create, edit and delete them; the team's members with publisher level on one of
// its profiles read and use them. A template of another organization is not found. Blocking
// (database): call through the blocking executor.
class Templates {
 public:
  Templates(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
            storage::ProfileRepository& profiles, storage::TemplateRepository& templates,
            const core::Clock& clock)
      : organizations_(organizations),
        teams_(teams),
        profiles_(profiles),
        templates_(templates),
        clock_(clock) {}

  // invalid_request for a name (1..100 characters) or body (check_template_body) that is
  // wrong; conflict for a name the team has.
  core::Result<storage::TemplateRecord> create(const Caller& caller, core::OrgId org,
                                               core::TeamId team, const std::string& name,
                                               const std::string& body);
  core::Result<std::vector<storage::TemplateRecord>> list(const Caller& caller, core::OrgId org,
                                                          core::TeamId team);
  core::Result<storage::TemplateRecord> get(const Caller& caller, core::OrgId org,
                                            core::TemplateId id);
  core::Result<storage::TemplateRecord> update(const Caller& caller, core::OrgId org,
                                               core::TemplateId id,
                                               const storage::TemplateChange& change);
  core::Result<void> remove(const Caller& caller, core::OrgId org, core::TemplateId id);
  // The template's body with `values` in place, for a caller who may use it.
  core::Result<std::string> render(const Caller& caller, core::OrgId org, core::TemplateId id,
                                   const domain::TemplateValues& values);

 private:
  // What the policy needs about `team` (its organization, the caller's role in it, whether
  // the caller publishes as one of its profiles), and `action` required on it.
  core::Result<authz::Resource> team_access(const Caller& caller, core::OrgId org,
                                            core::TeamId team, authz::Action action);
  // manage_templates, or else use_templates.
  core::Result<void> may_read(const Caller& caller, core::OrgId org, core::TeamId team);
  core::Result<storage::TemplateRecord> load(core::OrgId org, core::TemplateId id);

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::ProfileRepository& profiles_;
  storage::TemplateRepository& templates_;
  const core::Clock& clock_;
};

}  // namespace roost::services
