#pragma once

#include <chrono>
#include <cstddef>

// The limits of handle and DID resolution (ADR 0030) and of the ingest leader lock's
// connection (ADR 0027). Kept beside core/limits.hpp on the identity branch so that the
// branch did not recompile the whole tree; fold into it at merge.
namespace roost::core::limits {

// Handles and DIDs (ADR 0030). Resolving a stream's handles happens inside an API request:
// each call is bounded tighter than other network calls. The handle worker resolves at most
// handle_worker_batch_max DIDs a round, one every handle_worker_resolve_interval (a bounded
// rate towards the PLC directory), a round every handle_worker_poll_interval when idle; a
// failure is retried after handle_retry_base_delay doubled per failure up to
// handle_retry_max_delay, and a resolved handle (or a DID without one) is checked again after
// handle_refresh_interval.
inline constexpr std::chrono::milliseconds identity_connect_timeout{3'000};
inline constexpr std::chrono::milliseconds identity_total_timeout{5'000};
inline constexpr std::size_t handle_worker_batch_max = 50;
inline constexpr std::size_t handle_worker_scan_rows_max = 1'000;
inline constexpr std::chrono::milliseconds handle_worker_resolve_interval{100};
inline constexpr std::chrono::milliseconds handle_worker_poll_interval{2'000};
inline constexpr std::chrono::milliseconds handle_retry_base_delay{60'000};
inline constexpr std::chrono::milliseconds handle_retry_max_delay{6 * 60 * 60'000};
inline constexpr std::chrono::milliseconds handle_refresh_interval{24 * 60 * 60'000};

// The ingest leader lock's own PostgreSQL connection (ADR 0027): TCP keepalives after
// leader_lock_keepalive_idle of silence, every leader_lock_keepalive_interval, given up after
// leader_lock_keepalive_count unanswered; unacknowledged data gives up after
// leader_lock_tcp_user_timeout. A leader cut off from the database learns it in about 25 s
// instead of the kernel's many minutes, and stops consuming.
inline constexpr std::chrono::seconds leader_lock_keepalive_idle{10};
inline constexpr std::chrono::seconds leader_lock_keepalive_interval{5};
inline constexpr int leader_lock_keepalive_count = 3;
inline constexpr std::chrono::milliseconds leader_lock_tcp_user_timeout{25'000};
inline constexpr std::chrono::seconds leader_lock_connect_timeout{10};

}  // namespace roost::core::limits
