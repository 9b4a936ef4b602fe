#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/inbox.hpp"
#include "services/live_events.hpp"
#include "services/org_access.hpp"
#include "storage/user_repository.hpp"

// Who is viewing or replying to an inbox item right now (issue 5, ADR 0028): a member's
// event-stream client says so, the members who may see the item are told with a live
// `presence` event. Nothing is stored: presence is what the connected clients say now.
namespace roost::services {

enum class PresenceState { viewing, replying, left };

std::optional<PresenceState> parse_presence_state(std::string_view text);
std::string_view presence_state_name(PresenceState state);

// One member's presence on one item, as told: what telling "left" later needs without
// asking the database again (the audience is the item's profile, as for inbox.item events).
struct PresenceSeat {
  core::InboxItemId item;
  core::UserId user;
  std::string display_name;
  std::string audience;
};

class InboxPresence {
 public:
  InboxPresence(Inbox& inbox, storage::UserRepository& users, LiveEvents& live)
      : inbox_(inbox), users_(users), live_(live) {}

  // Tells the item's audience that the caller is viewing or replying to it. The item must be
  // one the caller may see (Inbox::get, through the policy): otherwise not_found, the same
  // answer as for an item that does not exist, and nobody is told anything. `replying` needs
  // the right to reply (Inbox::get_for_reply): a viewer gets permission_denied (and only that
  // error means "seen, but not allowed": a refused view is always not_found). invalid_request
  // for `left` (a presence is left with leave()) and for a credential without a user.
  // Blocking (database).
  core::Result<PresenceSeat> announce(const Caller& caller, core::OrgId org, core::InboxItemId item,
                                      PresenceState state);
  // Tells the seat's audience that its member left the item. No check: the member was
  // allowed when they announced, and "left" tells nothing new. Blocking on PostgreSQL (the
  // event goes through the database's channel).
  void leave(const PresenceSeat& seat);

 private:
  void publish(const PresenceSeat& seat, PresenceState state);

  Inbox& inbox_;
  storage::UserRepository& users_;
  LiveEvents& live_;
};

}  // namespace roost::services
