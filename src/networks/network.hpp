#pragma once

#include <optional>
#include <string_view>

// The contract every social network implements (bluesky/ first, then mastodon/ and x/).
// Callers include only this header; app/wiring names the implementations. Publishing,
// engagement and the connection flows join this interface with the Bluesky work.
namespace roost::networks {

enum class NetworkKind { bluesky, mastodon, x };

std::string_view network_name(NetworkKind kind);
std::optional<NetworkKind> parse_network(std::string_view name);

class Network {
 public:
  virtual ~Network() = default;
  virtual NetworkKind kind() const = 0;
};

}  // namespace roost::networks
