#pragma once

#include <chrono>
#include <cstddef>

// Every limit of Roost in one place (TigerBeetle style): a named constant, unit last.
namespace roost::core::limits {

// HTTP
inline constexpr std::size_t request_body_bytes_max_default = 1 * 1024 * 1024;
inline constexpr std::size_t request_header_bytes_max = 16 * 1024;
inline constexpr std::chrono::milliseconds header_read_timeout_default{10'000};
inline constexpr std::chrono::milliseconds body_read_timeout_default{30'000};
inline constexpr std::chrono::milliseconds idle_keep_alive_timeout{60'000};
inline constexpr std::chrono::milliseconds response_write_timeout{30'000};
inline constexpr std::chrono::milliseconds shutdown_grace_default{30'000};
inline constexpr std::size_t request_id_length_max = 128;

// WebSocket
inline constexpr std::size_t websocket_send_queue_max = 256;
inline constexpr std::size_t websocket_message_bytes_max = 64 * 1024;
inline constexpr std::chrono::milliseconds websocket_ping_interval{20'000};
inline constexpr std::chrono::milliseconds websocket_pong_timeout{20'000};

// Storage
inline constexpr int sqlite_busy_timeout_ms = 5'000;
inline constexpr int sqlite_reader_connections_default = 4;
inline constexpr int postgres_connections_default = 8;
inline constexpr std::chrono::milliseconds pool_acquire_timeout{5'000};

// Secrets
inline constexpr std::size_t sealed_plaintext_bytes_max = 64 * 1024;

}  // namespace roost::core::limits
