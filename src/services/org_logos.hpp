#pragma once

#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/org_access.hpp"
#include "storage/org_logo_repository.hpp"
#include "storage/organization_repository.hpp"

namespace roost::services {

// An organization's logo: admins and owners upload and delete it, every member reads it.
// The bytes decide what it is (PNG, JPEG or WebP), never the client's Content-Type.
// Blocking (database): call through the blocking executor.
class OrgLogos {
 public:
  OrgLogos(storage::OrganizationRepository& organizations, storage::OrgLogoRepository& logos,
           const core::Clock& clock)
      : organizations_(organizations), logos_(logos), clock_(clock) {}

  // Over core::limits::org_logo_bytes_max is ErrorCode::payload_too_large; anything but
  // PNG, JPEG or WebP is ErrorCode::unsupported_media_type.
  core::Result<storage::OrgLogo> put(const Caller& caller, core::OrgId org,
                                     const std::string& bytes);
  // ErrorCode::not_found when the organization has no logo.
  core::Result<storage::OrgLogo> get(const Caller& caller, core::OrgId org);
  core::Result<void> remove(const Caller& caller, core::OrgId org);

 private:
  storage::OrganizationRepository& organizations_;
  storage::OrgLogoRepository& logos_;
  const core::Clock& clock_;
};

}  // namespace roost::services
