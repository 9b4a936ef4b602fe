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

}  // namespace roost::networks
