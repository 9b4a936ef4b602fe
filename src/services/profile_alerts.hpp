#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/outbound_settings.hpp"
#include "storage/notification_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

// What people are told about a social profile, in-app and by email (PRODUCT.md §3): its
// owner when its access ends, and the authors of posts a removal cancelled. The publish
// dispatcher calls mark_needs_reconnect() when the network answers auth_revoked; the
// Profiles use case calls tell_authors() after a removal. Blocking (database): call it
// from a blocking or scheduler thread, never an I/O thread.
class ProfileAlerts {
 public:
  ProfileAlerts(storage::ProfileRepository& profiles, storage::UserRepository& users,
                storage::NotificationRepository& notifications, const core::Clock& clock,
                const OutboundSettings& outbound)
      : profiles_(profiles),
        users_(users),
        notifications_(notifications),
        clock_(clock),
        outbound_(outbound) {}

  // Puts the profile in status needs_reconnect. Only the call that changes the status tells
  // anyone (so a burst of failing jobs sends one notice): the profile's owner, or when it has
  // none its organization's owners and admins, in-app ("profile.needs_reconnect") and by
  // email when mail is configured. Returns whether the status changed. `reason` is the
  // network's words (never a credential), shown in the notice. ErrorCode::not_found when
  // the profile is gone. The notices are written right after the status, in their own
  // transaction: a database failure between the two loses the notice, not the status, which
  // the profile list still shows. With `refused` (the sealed session the network refused),
  // only while the profile still holds that session: one reconnected meanwhile stays active
  // (false).
  core::Result<bool> mark_needs_reconnect(
      core::ProfileId profile, std::string_view reason,
      const std::optional<storage::SealedCredentials>& refused = std::nullopt);

  // One notice per post to its author ("post.profile_removed"): cancelled, or going on to
  // its other profiles without the removed one.
  core::Result<void> tell_authors(const storage::RemovedProfile& removed);

 private:
  std::string org_link(core::OrgId org, std::string_view page) const;

  storage::ProfileRepository& profiles_;
  storage::UserRepository& users_;
  storage::NotificationRepository& notifications_;
  const core::Clock& clock_;
  const OutboundSettings& outbound_;
};

}  // namespace roost::services
