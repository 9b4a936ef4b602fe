#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The permission policy: one pure function, decide(actor, action, resource), through which
// every handler goes. It starts with the instance-level actions; organizations, teams and
// profile levels (PRODUCT.md §2) extend Actor, Action and Resource in the identity work.
namespace roost::authz {

struct Actor {
  std::optional<std::int64_t> user_id;  // empty: anonymous
  // The login session the request came with (cookie); empty for other credentials.
  std::optional<std::int64_t> session_id;
  bool operator_access = false;  // the instance operator (CLI on the host)
  bool authenticated() const { return user_id.has_value(); }
};

enum class Action {
  read_health,       // /healthz, /readyz
  read_metrics,      // /metrics
  subscribe_events,  // the WebSocket event stream
};

struct Resource {
  std::string_view kind = "instance";
};

struct Decision {
  bool allowed = false;
  std::string missing_permission;  // what a denial lacks, named in the 403
  static Decision allow() { return {true, {}}; }
  static Decision deny(std::string permission) { return {false, std::move(permission)}; }
};

Decision decide(const Actor& actor, Action action, const Resource& resource);
std::string_view action_name(Action action);

}  // namespace roost::authz
