#include "authz/policy.hpp"

namespace roost::authz {

std::string_view action_name(Action action) {
  switch (action) {
    case Action::read_health: return "read_health";
    case Action::read_metrics: return "read_metrics";
    case Action::subscribe_events: return "subscribe_events";
  }
  return "unknown";
}

Decision decide(const Actor& actor, Action action, const Resource& /*resource*/) {
  switch (action) {
    // Load balancers and Prometheus scrape these without credentials; they reveal no
    // tenant data (bind the listener to a private address to keep them private).
    case Action::read_health:
    case Action::read_metrics: return Decision::allow();
    // The event stream carries tenant events once they exist; the hub's per-event
    // audience filter is what scopes them, and it is applied per subscriber.
    case Action::subscribe_events: return Decision::allow();
  }
  (void)actor;
  return Decision::deny(std::string(action_name(action)));
}

}  // namespace roost::authz
