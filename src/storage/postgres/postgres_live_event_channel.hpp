#pragma once

#include <memory>
#include <string>

#include "storage/live_event_channel.hpp"

namespace roost::storage::postgres {

// `conninfo` with a connect timeout (core::limits::live_event_connect_timeout), TCP
// keepalives and a TCP user timeout (a parameter the operator set wins): a (re)connect to a
// server that does not answer gives up in seconds (ADR 0035).
std::string live_event_channel_conninfo(const std::string& conninfo);

// LISTEN/NOTIFY on `channel` (roost_live_events, roost_publish_due), over two connections
// of its own (one listens, one sends), outside the pool: a listening connection is held for
// good.
std::unique_ptr<LiveEventChannel> open_postgres_live_event_channel(const std::string& conninfo,
                                                                   std::string channel);

}  // namespace roost::storage::postgres
