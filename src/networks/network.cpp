#include "networks/network.hpp"

namespace roost::networks {

std::string_view network_name(NetworkKind kind) {
  switch (kind) {
    case NetworkKind::bluesky: return "bluesky";
    case NetworkKind::mastodon: return "mastodon";
    case NetworkKind::x: return "x";
  }
  return "unknown";
}

std::optional<NetworkKind> parse_network(std::string_view name) {
  for (auto kind : {NetworkKind::bluesky, NetworkKind::mastodon, NetworkKind::x}) {
    if (network_name(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::transient: return "transient";
    case FailureKind::rate_limited: return "rate_limited";
    case FailureKind::auth_expired: return "auth_expired";
    case FailureKind::auth_revoked: return "auth_revoked";
    case FailureKind::permanent: return "permanent";
    case FailureKind::outcome_unknown: return "outcome_unknown";
    case FailureKind::already_exists: return "already_exists";
    case FailureKind::not_found: return "not_found";
  }
  return "unknown";
}

}  // namespace roost::networks
