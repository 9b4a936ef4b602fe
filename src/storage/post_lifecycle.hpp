#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/post_repository.hpp"
#include "storage/post_types.hpp"

// The moves of a post's state that several repositories make inside their own
// transaction (posts, publish jobs, and a profile's removal). Internal to storage/.
//
// Lock order, so that PostgreSQL transactions never wait on each other in a cycle: the
// post's jobs, then the post's row (lock_post; several posts by id), then its targets. Every
// write to a post's targets holds the post's row first — deciding an approval, editing a
// draft, a job ending, cancelling, removing a profile — so two of them on one post run in
// turn, and the one that decides the post's state from its targets sees the other's outcome.
namespace roost::storage::post_lifecycle {

// The columns to_post() maps, prefixed "p." (posts p).
extern const std::string post_columns;
PostRecord to_post(const Row& row);

// Reads the targets and images of `posts` (loaded with to_post) into them. With
// `visible_to`, only the targets on profiles that user's teams are granted.
core::Result<void> attach_details(Transaction& transaction, std::vector<PostRecord>& posts,
                                  std::optional<core::UserId> visible_to);

// The post with its targets and images, if it belongs to `org`.
core::Result<std::optional<PostRecord>> load(Transaction& transaction, core::OrgId org,
                                             core::PostId post);

// Writes a queued job due at `due_at_ms` for every pending target of the post.
core::Result<void> queue_jobs(Transaction& transaction, core::PostId post, std::int64_t due_at_ms,
                              std::int64_t now_us);

// Locks the post's row (the lock order above) and returns its state; empty when it is gone.
core::Result<std::optional<PostState>> lock_post(Transaction& transaction, core::PostId post);

// A scheduled or publishing post whose targets have all ended takes its final state:
// published when every target is, failed when one failed, else cancelled. Returns the
// post's state (unchanged while a target is still pending or publishing).
core::Result<PostState> settle(Transaction& transaction, core::PostId post, std::int64_t now_ms);

// A post waiting for approval: rejected once a target is rejected; when every target is
// approved, expired if its instant has passed, else scheduled with its jobs (due now when
// it has no instant). Returns the post's state.
core::Result<PostState> conclude_approval(Transaction& transaction, core::PostId post,
                                          std::int64_t now_us);

}  // namespace roost::storage::post_lifecycle
