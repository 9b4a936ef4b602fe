#pragma once

#include <memory>
#include <string>

#include "storage/live_event_channel.hpp"

namespace roost::storage::postgres {

// LISTEN/NOTIFY on `channel` (roost_live_events, roost_publish_due), over two connections
// of its own (one listens, one sends), outside the pool: a listening connection is held for
// good.
std::unique_ptr<LiveEventChannel> open_postgres_live_event_channel(const std::string& conninfo,
                                                                   std::string channel);

}  // namespace roost::storage::postgres
