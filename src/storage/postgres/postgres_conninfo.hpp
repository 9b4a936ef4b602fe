#pragma once

#include <string>
#include <utility>
#include <vector>

namespace roost::storage::postgres {

// `conninfo` (a postgresql:// URL or key=value pairs) with each of `parameters` added unless
// it is set already (as a URL query parameter or a key=value pair): the operator's choice
// wins.
std::string conninfo_with_defaults(
    const std::string& conninfo,
    const std::vector<std::pair<std::string, std::string>>& parameters);

// The parameters of a connection held outside the pool that may sit idle or be cut off
// silently (the leader lock's, the LISTEN/NOTIFY channels'): TCP keepalives, a TCP user
// timeout and a connect timeout (`connect_timeout_seconds`, libpq's minimum is 2), so that a
// vanished server costs seconds, not the kernel's minutes of retransmissions.
std::vector<std::pair<std::string, std::string>> held_connection_parameters(
    long connect_timeout_seconds);

}  // namespace roost::storage::postgres
