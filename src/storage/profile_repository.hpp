#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/profile_level.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// A shared social profile as every reader sees it: never its credentials.
struct ProfileRecord {
  core::ProfileId id;
  core::OrgId org;
  std::string network;      // "bluesky"
  std::string external_id;  // the network's stable id (a DID)
  std::string handle;
  std::string display_name;
  std::string avatar_url;
  std::string service_url;        // where its API lives (a PDS URL)
  std::string status = "active";  // or "needs_reconnect"
  std::optional<core::UserId> owner;
  bool requires_confirmation = false;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// What connecting a profile records (the networks layer fills it in).
struct ProfileDraft {
  core::OrgId org;
  std::string network;
  std::string external_id;
  std::string handle;
  std::string display_name;
  std::string avatar_url;
  std::string service_url;
  std::optional<core::UserId> owner;
  std::optional<core::UserId> created_by;
  std::int64_t created_at_ms = 0;
};

// A profile with a level: the caller's (listing) or a team's (a team's profiles).
struct LeveledProfile {
  ProfileRecord profile;
  domain::ProfileLevel level = domain::ProfileLevel::viewer;
};

// One team's access to a profile.
struct GrantRecord {
  core::TeamId team;
  std::string team_name;
  core::ProfileId profile;
  domain::ProfileLevel level = domain::ProfileLevel::viewer;
  std::int64_t granted_at_ms = 0;
};

// A grant to write: `team` gets `profile` at `level`.
struct GrantChange {
  core::TeamId team;
  core::ProfileId profile;
  domain::ProfileLevel level = domain::ProfileLevel::viewer;
};

// A profile's access to its network: active, or needing its owner to connect it again
// (revoked or expired credentials).
enum class ProfileStatus { active, needs_reconnect };
std::string_view profile_status_name(ProfileStatus status);

// A profile's credentials as core::seal made them (text naming its key) and the id of the
// key they are sealed with (to find what a key rotation must re-seal). Never plaintext.
struct SealedCredentials {
  std::string sealed;
  std::string key_id;
  bool operator==(const SealedCredentials&) const = default;
};

// A change of a profile's settings: each field left empty stays as it is.
struct ProfileSettingsChange {
  std::optional<core::UserId> owner;  // must be a member of the organization
  bool clear_owner = false;           // no owner any more (ignored when owner is given)
  std::optional<bool> requires_confirmation;
};

// A post that had a target on a removed profile and was not finished: cancelled when that
// was its only target, else it goes on to its other profiles. Its author is to be told.
struct AffectedPost {
  core::PostId post;
  std::optional<core::UserId> author;
  bool was_cancelled = false;
};

struct RemovedProfile {
  ProfileRecord profile;
  std::vector<AffectedPost> posts;  // by post id
};

// Seals a new profile's credentials once its id is known (the seal is bound to the id).
using CredentialSealer = std::function<core::Result<SealedCredentials>(core::ProfileId)>;

// What connecting the account again changes: its session, and the handle and PDS it has now.
// `external_id` is the account the session is for: it must be the profile's.
struct ProfileReconnection {
  std::string external_id;
  std::string handle;
  std::string service_url;
  SealedCredentials credentials;
};

// A member to tell about a profile: where to reach them.
struct ProfileContact {
  core::UserId user;
  std::string email;
  std::string display_name;
};

// The shared social profiles of organizations and the teams they are granted to (with a
// level). Changes lock the organization's row first and write their audit events in the
// same transaction.
class ProfileRepository {
 public:
  explicit ProfileRepository(Database& database) : database_(database) {}

  // ErrorCode::conflict when the organization already has this account of this network;
  // ErrorCode::profile_limit_reached when it has as many profiles as its plan allows;
  // ErrorCode::not_found when the organization is gone.
  core::Result<ProfileRecord> create(const ProfileDraft& draft, AuditEvent audit);
  // create(), and the credentials `seal` makes for the new id stored in the same transaction:
  // a connected profile never exists without its credentials. ErrorCode::conflict names the
  // profile that already has the account.
  core::Result<ProfileRecord> create(const ProfileDraft& draft, AuditEvent audit,
                                     const CredentialSealer& seal);
  // New credentials, handle and PDS URL, and the status back to active, in one transaction.
  // ErrorCode::not_found when the profile is not the organization's; ErrorCode::conflict when
  // `change.external_id` is another account than the profile's. Audit: profile.reconnected.
  core::Result<ProfileRecord> reconnect(core::OrgId org, core::ProfileId profile,
                                        const ProfileReconnection& change, std::int64_t now_ms,
                                        AuditEvent audit);
  // Who answers for the profile: its owner, or when it has none every owner and admin of its
  // organization (by user id). Empty when the profile is gone.
  core::Result<std::vector<ProfileContact>> contacts(core::ProfileId profile);
  core::Result<std::optional<ProfileRecord>> find(core::ProfileId id);
  // Every profile of the organization, by handle then id, at most `limit`.
  core::Result<std::vector<ProfileRecord>> list_for_org(core::OrgId org, std::size_t limit);
  // The profiles of the organization that `user`'s teams are granted, each with the highest
  // level over those teams, by handle then id, at most `limit`.
  core::Result<std::vector<LeveledProfile>> list_granted_to(core::OrgId org, core::UserId user,
                                                            std::size_t limit);
  // `user`'s level on the profile: the highest over their teams; empty when none has it.
  core::Result<std::optional<domain::ProfileLevel>> level_of(core::ProfileId profile,
                                                             core::UserId user);
  // The teams that have the profile, by team name.
  core::Result<std::vector<GrantRecord>> grants_of_profile(core::ProfileId profile);
  // The profiles a team has, each with the team's level, by handle.
  core::Result<std::vector<LeveledProfile>> profiles_of_team(core::TeamId team);
  // The level `team` has on `profile`, if any.
  core::Result<std::optional<domain::ProfileLevel>> find_grant(core::TeamId team,
                                                               core::ProfileId profile);
  // Writes every grant or none: each team and profile must belong to `org` (else
  // ErrorCode::not_found naming which). One audit event per grant that changed
  // (profile.granted or profile.grant_changed, from `audit`'s actor and request id).
  core::Result<void> set_grants(core::OrgId org, const std::vector<GrantChange>& grants,
                                std::int64_t now_ms, AuditEvent audit);
  // ErrorCode::not_found when the team does not have the profile.
  core::Result<void> remove_grant(core::OrgId org, core::TeamId team, core::ProfileId profile,
                                  AuditEvent audit);
  // ErrorCode::not_found when the profile is gone.
  core::Result<void> set_credentials(core::ProfileId profile, const SealedCredentials& credentials,
                                     std::int64_t now_ms);
  // Empty when none were stored.
  core::Result<std::optional<SealedCredentials>> credentials(core::ProfileId profile);
  // set_credentials() only while the stored ones are still `expected` (compare-and-set: a
  // session refreshed from credentials that were replaced meanwhile must not overwrite the
  // new ones). ErrorCode::conflict when they changed; ErrorCode::not_found when the profile
  // is gone.
  core::Result<void> replace_credentials(core::ProfileId profile, const SealedCredentials& expected,
                                         const SealedCredentials& replacement, std::int64_t now_ms);
  // Whether the status changed (so that the owner is told once). With `only_while`, only
  // while the stored credentials are still those (a profile reconnected since the network
  // refused its old session stays as it is: false). ErrorCode::not_found when the profile
  // is gone.
  core::Result<bool> set_status(core::ProfileId profile, ProfileStatus status, std::int64_t now_ms,
                                const std::optional<SealedCredentials>& only_while = std::nullopt);
  // An owner who is not a member of the organization is ErrorCode::invalid_request.
  // Audit: profile.settings_changed, with what changed.
  core::Result<ProfileRecord> update_settings(core::OrgId org, core::ProfileId profile,
                                              const ProfileSettingsChange& change,
                                              std::int64_t now_ms, AuditEvent audit);
  // Deletes the profile with its grants, targets and jobs, and in the same transaction
  // cancels its unfinished posts that went to it alone (their queued jobs too); the others
  // go on to their other profiles. now_us as PostRepository takes it (a post whose last
  // approval was the removed profile's may be scheduled). Audit: profile.removed, and
  // post.cancelled for each post cancelled. ErrorCode::conflict, and nothing changed, while
  // one of its jobs is claimed or sent (a dispatcher is publishing it).
  core::Result<RemovedProfile> remove(core::OrgId org, core::ProfileId profile, std::int64_t now_us,
                                      AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
