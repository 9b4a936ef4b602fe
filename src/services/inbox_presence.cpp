#include "services/inbox_presence.hpp"

#include <nlohmann/json.hpp>

namespace roost::services {

std::optional<PresenceState> parse_presence_state(std::string_view text) {
  if (text == "viewing") return PresenceState::viewing;
  if (text == "replying") return PresenceState::replying;
  if (text == "left") return PresenceState::left;
  return std::nullopt;
}

std::string_view presence_state_name(PresenceState state) {
  switch (state) {
    case PresenceState::viewing: return "viewing";
    case PresenceState::replying: return "replying";
    case PresenceState::left: return "left";
  }
  return "left";
}

core::Result<PresenceSeat> InboxPresence::announce(const Caller& caller, core::OrgId org,
                                                   core::InboxItemId item, PresenceState state) {
  if (state == PresenceState::left) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "a presence is left, not announced as left");
  }
  if (!caller.actor.user_id) {
    return core::make_error(core::ErrorCode::invalid_request, "presence needs a member");
  }
  auto visible = inbox_.get(caller, org, item);
  if (!visible) {
    // An item the member may not see does not exist for them, whatever the policy said.
    if (visible.error().code == core::ErrorCode::permission_denied) {
      return core::make_error(core::ErrorCode::not_found, "no such inbox item");
    }
    return std::move(visible).error();
  }
  // Replying is announced only by someone who may reply (ADR 0028): a viewer may watch.
  // permission_denied here always means "seen, but may not reply".
  if (state == PresenceState::replying) {
    auto may_reply = inbox_.get_for_reply(caller, org, item);
    if (!may_reply) {
      if (may_reply.error().code != core::ErrorCode::permission_denied) {
        return std::move(may_reply).error();
      }
      return core::make_error(core::ErrorCode::permission_denied,
                              "replying is announced by those who may reply to the item "
                              "(limited level on its profile or more)");
    }
  }
  auto user = users_.find(caller.user());
  if (!user) return std::move(user).error();
  PresenceSeat seat{item, caller.user(), user->has_value() ? (*user)->display_name : "",
                    "profile:" + std::to_string(visible->profile.value)};
  publish(seat, state);
  return seat;
}

void InboxPresence::leave(const PresenceSeat& seat) { publish(seat, PresenceState::left); }

void InboxPresence::publish(const PresenceSeat& seat, PresenceState state) {
  nlohmann::json payload{{"item_id", seat.item.value},
                         {"user_id", seat.user.value},
                         {"display_name", seat.display_name},
                         {"state", presence_state_name(state)}};
  live_.publish(LiveEvent{"presence", seat.audience, payload.dump(), false});
}

}  // namespace roost::services
