#pragma once

#include <memory>
#include <string>

#include "storage/live_event_channel.hpp"

namespace roost::storage::postgres {

// LISTEN/NOTIFY on the channel `roost_live_events`, over two connections of its own (one
// listens, one sends), outside the pool: a listening connection is held for good.
std::unique_ptr<LiveEventChannel> open_postgres_live_event_channel(const std::string& conninfo);

}  // namespace roost::storage::postgres
