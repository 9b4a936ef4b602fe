#pragma once

#include <chrono>
#include <cstddef>

// The limits of presence and live notifications (ADR 0026). They belong in core/limits.hpp
// with every other limit; kept beside it on the branch that added them, so that changing
// them does not rebuild every file (the lead moves them in at merge).
namespace roost::core::limits {

// Presence on inbox items (issue 5): a client's presence that it does not refresh within
// the TTL is told as left; per socket at most presence_items_per_socket_max items are
// tracked, and client messages beyond the rate (a bucket of burst, refilled per second)
// are refused with an error frame.
inline constexpr std::chrono::milliseconds presence_ttl_default{60'000};
inline constexpr std::size_t presence_items_per_socket_max = 16;
inline constexpr double websocket_client_messages_per_second = 5.0;
inline constexpr double websocket_client_messages_burst = 10.0;
// New notifications reach their user's sockets by a pump that reads the rows committed since
// the last round (services::NotificationPump): this often, this many rows a round, and a
// row seen this long ago settles the ids below it (PostgreSQL commits out of id order).
inline constexpr std::chrono::milliseconds notification_pump_interval{500};
inline constexpr std::size_t notification_pump_batch_max = 500;
inline constexpr std::chrono::milliseconds notification_pump_settle{5'000};

}  // namespace roost::core::limits
