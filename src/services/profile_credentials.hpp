#pragma once

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "networks/network.hpp"
#include "storage/profile_repository.hpp"

namespace roost::services {

// A profile's network session, sealed at rest (core::seal with this instance's keyring,
// bound to "profile:<id>:credentials", so a sealed value copied to another profile does not
// open). The one place that turns networks::ProfileCredentials into stored bytes and back:
// connecting a profile stores them, the publish dispatcher loads them and stores them again
// after a network call refreshed them. Blocking (database).
struct LoadedCredentials {
  networks::ProfileCredentials credentials;
  storage::SealedCredentials sealed;  // as stored: the version of `credentials`
};

class ProfileCredentialVault {
 public:
  ProfileCredentialVault(storage::ProfileRepository& profiles, const core::Keyring& keyring,
                         const core::Clock& clock)
      : profiles_(profiles), keyring_(keyring), clock_(clock) {}

  core::Result<void> store(core::ProfileId profile,
                           const networks::ProfileCredentials& credentials);
  // ErrorCode::not_found when the profile has none stored; ErrorCode::internal when they do
  // not open (another key, or tampered with).
  core::Result<networks::ProfileCredentials> load(core::ProfileId profile);
  // load(), with the sealed value it opened: the version a later replace() compares with.
  core::Result<LoadedCredentials> load_sealed(core::ProfileId profile);
  // Stores `credentials` only while the stored ones are still `expected` (as load_sealed
  // read them), and returns their new sealed value. ErrorCode::conflict when they changed
  // meanwhile: someone connected the profile again, and a session refreshed from the old
  // one must not overwrite theirs. ErrorCode::not_found when the profile is gone.
  core::Result<storage::SealedCredentials> replace(core::ProfileId profile,
                                                   const storage::SealedCredentials& expected,
                                                   const networks::ProfileCredentials& credentials);
  // The sealed form without storing it, for a repository call that writes it in its own
  // transaction (connecting creates the row and its credentials at once).
  core::Result<storage::SealedCredentials> seal(
      core::ProfileId profile, const networks::ProfileCredentials& credentials) const;

 private:
  storage::ProfileRepository& profiles_;
  const core::Keyring& keyring_;
  const core::Clock& clock_;
};

// The sealing and its inverse, without the database (ProfileCredentialVault uses them).
core::Result<storage::SealedCredentials> seal_credentials(
    const core::Keyring& keyring, core::ProfileId profile,
    const networks::ProfileCredentials& credentials);
core::Result<networks::ProfileCredentials> open_credentials(
    const core::Keyring& keyring, core::ProfileId profile,
    const storage::SealedCredentials& sealed);

}  // namespace roost::services
