#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "api/http/awaitable.hpp"
#include "authz/policy.hpp"
#include "core/result.hpp"
#include "services/inbox_presence.hpp"

// What a client of the event stream was granted when it connected: the audiences it may
// receive (services::EventAccess) and how to check them again while it stays connected.
namespace roost::api::ws {

using Audiences = std::vector<std::string>;

struct EventGrant {
  Audiences audiences;  // at connect
  // Resume after this event (?last_event_id=): what the ring still holds after it is sent
  // first. Without it the client starts with live events only — a first connection has
  // just read the REST API and must not get the ring's past events again.
  std::optional<std::uint64_t> last_event_id;
  // The audiences of `actor` in the organization the client subscribed to. Blocking (it
  // reads the database): the pipeline runs it on the blocking executor.
  std::function<core::Result<Audiences>(const authz::Actor&)> audiences_for;
  // Authenticates the client's credential again and recomputes its audiences: a logout, a
  // revoked token or a removal from the organization ends the stream, a team change narrows
  // or widens it. Set by the pipeline (which knows how credentials are checked).
  std::function<Awaitable<core::Result<Audiences>>()> recheck;
  // Presence on inbox items (the client's {"type":"presence"} messages), set by the route:
  // announce checks that the member may see the item and tells its audience (not_found
  // when they may not: nobody is told); leave tells the seat's audience "left". Both run on
  // the blocking executor. Unset: presence messages are answered with an error frame.
  std::function<Awaitable<core::Result<services::PresenceSeat>>(core::InboxItemId,
                                                                services::PresenceState)>
      announce_presence;
  std::function<Awaitable<void>(services::PresenceSeat)> leave_presence;
};

// The audiences one connected client may receive now. Thread-safe: the hub filters on the
// publisher's thread while the session replaces the set after a recheck.
class AudienceFilter {
 public:
  explicit AudienceFilter(const Audiences& audiences) { replace(audiences); }

  bool allows(std::string_view audience) const {
    std::lock_guard lock(mutex_);
    return allowed_.contains(std::string(audience));
  }
  void replace(const Audiences& audiences) {
    std::unordered_set<std::string> next(audiences.begin(), audiences.end());
    std::lock_guard lock(mutex_);
    allowed_.swap(next);
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::string> allowed_;
};

}  // namespace roost::api::ws
