#include "services/org_logos.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/tokens.hpp"
#include "domain/image_type.hpp"

namespace roost::services {
namespace {

std::string org_target(core::OrgId org) { return "org:" + std::to_string(org.value); }

}  // namespace

core::Result<storage::OrgLogo> OrgLogos::put(const Caller& caller, core::OrgId org,
                                             const std::string& bytes) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_org_logo);
  if (!resource) return std::move(resource).error();
  if (bytes.size() > core::limits::org_logo_bytes_max) {
    return core::make_error(
        core::ErrorCode::payload_too_large,
        "a logo can be at most " + std::to_string(core::limits::org_logo_bytes_max) + " bytes");
  }
  auto media_type = domain::sniff_image_media_type(bytes);
  if (!media_type) {
    return core::make_error(core::ErrorCode::unsupported_media_type,
                            "a logo must be a PNG, JPEG or WebP image");
  }
  // A strong ETag: the quoted hash of the bytes.
  std::string etag = core::quoted(core::hash_token(bytes));
  storage::OrgLogo logo{org, std::string(*media_type), storage::Blob{{bytes.begin(), bytes.end()}},
                        std::move(etag), clock_.now_ms()};
  auto details = nlohmann::json{{"media_type", logo.media_type}, {"bytes", bytes.size()}};
  auto stored = logos_.put(logo, storage::AuditEvent{{},
                                                     caller.user(),
                                                     "org.logo_set",
                                                     org_target(org),
                                                     details.dump(),
                                                     caller.request_id,
                                                     logo.updated_at_ms});
  if (!stored) return std::move(stored).error();
  return logo;
}

core::Result<storage::OrgLogo> OrgLogos::get(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!resource) return std::move(resource).error();
  auto found = logos_.find(org);
  if (!found) return std::move(found).error();
  if (!found->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "this organization has no logo");
  }
  return std::move(**found);
}

core::Result<void> OrgLogos::remove(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_org_logo);
  if (!resource) return std::move(resource).error();
  return logos_.remove(org, storage::AuditEvent{{},
                                                caller.user(),
                                                "org.logo_removed",
                                                org_target(org),
                                                "{}",
                                                caller.request_id,
                                                clock_.now_ms()});
}

}  // namespace roost::services
