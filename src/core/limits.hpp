#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

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
// A connected event-stream client is re-authenticated and its audiences recomputed this
// often: the longest a logout or a removal from a team goes on receiving events.
inline constexpr std::chrono::milliseconds events_recheck_interval_default{10'000};
// A live event as it crosses processes (PostgreSQL's NOTIFY takes under 8,000 bytes); a
// larger one reaches this process's clients only. The fan-out's wait between two checks
// for a stop, and after a lost connection before it listens again.
inline constexpr std::size_t live_event_payload_bytes_max = 7'900;
inline constexpr std::chrono::milliseconds live_event_receive_wait{500};
// A channel's (re)connect gives up after this (ADR 0035): a server that accepts and never
// answers must not hold the announcer, or a listener's stop, for the kernel's minutes. The
// channels' connections also get the leader lock's keepalives and TCP user timeout.
inline constexpr std::chrono::seconds live_event_connect_timeout{5};
inline constexpr std::chrono::milliseconds live_event_reconnect_wait{1'000};
inline constexpr std::chrono::milliseconds websocket_ping_interval{20'000};
inline constexpr std::chrono::milliseconds websocket_pong_timeout{20'000};

// Storage
inline constexpr int sqlite_busy_timeout_ms = 5'000;
// PostgreSQL work that may run again (Database::transact_rerunnable, ADR 0030): a deadlock
// or serialization failure runs it again, at most this many runs in all, after
// database_rerun_base_delay doubled per rerun, moved by up to ±50 % so that the two
// transactions of a deadlock do not meet again at the same instant.
inline constexpr int database_rerun_attempts_max = 4;
inline constexpr std::chrono::milliseconds database_rerun_base_delay{10};
inline constexpr int database_rerun_jitter_percent = 50;
inline constexpr int sqlite_reader_connections_default = 4;
inline constexpr int postgres_connections_default = 8;
inline constexpr std::chrono::milliseconds pool_acquire_timeout{5'000};

// Secrets
inline constexpr std::size_t sealed_plaintext_bytes_max = 64 * 1024;

// Sessions. A session ends at whichever comes first: idle for session_idle_timeout, or
// session_absolute_lifetime after login. last_seen is written at most once per
// session_touch_interval, so that a busy client does not turn every read into a write.
inline constexpr std::size_t session_token_bytes = 32;  // 256 bits; base64url in the cookie
inline constexpr std::size_t csrf_token_bytes = 32;
inline constexpr std::size_t session_public_id_bytes = 12;
inline constexpr std::chrono::milliseconds session_idle_timeout{14LL * 24 * 60 * 60 * 1000};
inline constexpr std::chrono::milliseconds session_absolute_lifetime{30LL * 24 * 60 * 60 * 1000};
inline constexpr std::chrono::milliseconds session_touch_interval{60'000};
inline constexpr std::size_t session_user_agent_bytes_max = 256;
inline constexpr std::size_t session_token_length_max = 128;  // longer cookies are not ours
inline constexpr std::size_t sessions_per_user_listed_max = 500;

// Login throttling, per account (the email as typed, lower-cased) and per client IP.
// The first login_failures_free failures cost nothing; each later one locks the subject
// out for login_lockout_base, doubled per further failure, up to login_lockout_max. On top
// of that, a subject with *_failures_per_window_max failures within login_failure_window
// is locked until the window ends. A successful login resets the account's counters
// (not the IP's: one valid account must not unlock guessing at others).
inline constexpr int login_account_failures_free = 5;
inline constexpr int login_ip_failures_free = 20;
inline constexpr std::chrono::milliseconds login_lockout_base{2'000};
inline constexpr std::chrono::milliseconds login_lockout_max{15 * 60 * 1000};
inline constexpr std::chrono::milliseconds login_failure_window{60 * 60 * 1000};
inline constexpr int login_account_failures_per_window_max = 100;
inline constexpr int login_ip_failures_per_window_max = 1'000;

// Organizations. A new organization's plan; the operator changes it per organization
// (`roost admin set-plan`), never the API.
inline constexpr std::int64_t org_profile_limit_default = 10;
inline constexpr std::int64_t org_seat_limit_default = 25;
inline constexpr std::size_t orgs_per_user_listed_max = 500;
inline constexpr std::size_t members_page_size_default = 50;
inline constexpr std::size_t members_page_size_max = 200;
// Rendered member-list pages kept (api/http/member_list_cache): a 200-member page is about
// 26 KiB, so at most 32 MiB whatever the number of organizations.
inline constexpr std::size_t member_list_cache_pages = 4'096;
inline constexpr std::size_t member_list_cache_bytes = 32 * 1024 * 1024;
// A logo is stored in the database and sent whole: small enough for both. Its route lets
// this much through whatever --max-body-bytes says (413 above).
inline constexpr std::size_t org_logo_bytes_max = 2 * 1024 * 1024;

// The audit log: pages of the API, and the rows of one CSV export (a header says when an
// export stopped there; narrow the filters to get the rest).
inline constexpr std::size_t audit_page_size_default = 50;
inline constexpr std::size_t audit_page_size_max = 200;
inline constexpr std::size_t audit_csv_rows_max = 100'000;
inline constexpr std::size_t audit_filter_text_bytes_max = 200;

// The operator's CLI (`roost admin`): organizations listed when a name is ambiguous, and
// the random bytes of a generated password (base64url: 4 characters per 3 bytes).
inline constexpr std::size_t admin_orgs_matched_by_name_max = 20;
inline constexpr std::size_t admin_generated_password_bytes = 18;
inline constexpr std::int64_t plan_limit_max = 1'000'000;

// Teams. Lists are not paged yet: an organization's teams and a team's members are bounded
// by these (a team cannot have more members than the organization has seats).
inline constexpr std::size_t teams_per_org_listed_max = 500;
inline constexpr std::size_t team_members_listed_max = 1'000;

// Shared social profiles. Listings are bounded by the plan's profile limit in practice;
// this caps them whatever the plan says. One bulk grant request changes at most this many
// (team, profile) pairs, all or nothing.
inline constexpr std::size_t profiles_listed_max = 1'000;
inline constexpr std::size_t grants_per_request_max = 500;
// Connecting a profile: a handle is at most 253 characters (a DNS name), a DID at most 2 KiB
// (the AT Protocol's limit); app passwords are 19 characters, and a longer password is
// accepted up to this bound; a PDS URL is an origin.
inline constexpr std::size_t profile_identifier_bytes_max = 2'048;
inline constexpr std::size_t profile_password_bytes_max = 1'024;
inline constexpr std::size_t profile_pds_url_bytes_max = 2'048;

// Notifications: a page of GET /api/v1/me/notifications.
inline constexpr std::size_t notifications_page_size_default = 50;
inline constexpr std::size_t notifications_page_size_max = 200;

// Mail delivery (scheduler/mail_worker). A failed attempt is retried after
// mail_retry_base_delay, doubled per further failure, capped at mail_retry_max_delay; after
// mail_attempts_max attempts the mail is kept as failed. A claim leases its mails for
// mail_claim_lease, longer than one batch of sends can take (mail_claim_batch_max ×
// smtp_total_timeout), so that another worker takes them over only if this one died.
inline constexpr int mail_attempts_max = 8;
inline constexpr std::chrono::milliseconds mail_retry_base_delay{30'000};
inline constexpr std::chrono::milliseconds mail_retry_max_delay{60LL * 60 * 1000};
inline constexpr std::size_t mail_claim_batch_max = 10;
inline constexpr std::chrono::milliseconds mail_poll_interval{2'000};
inline constexpr std::chrono::milliseconds smtp_connect_timeout{10'000};
inline constexpr std::chrono::milliseconds smtp_total_timeout{30'000};
inline constexpr std::chrono::milliseconds mail_claim_lease{15LL * 60 * 1000};
static_assert(mail_claim_lease > smtp_total_timeout * static_cast<int>(mail_claim_batch_max));
inline constexpr std::size_t mail_last_error_bytes_max = 1'000;
// Invitations (ADR 0010). A pending invitation holds a seat until it expires; its link
// carries a token of invitation_token_bytes random bytes, of which only the hash is stored.
inline constexpr std::chrono::milliseconds invitation_lifetime{7LL * 24 * 60 * 60 * 1000};
inline constexpr std::size_t invitation_token_bytes = 32;
inline constexpr std::size_t invitation_token_length_max = 128;  // longer tokens are not ours
inline constexpr std::size_t invitations_listed_max = 500;
inline constexpr std::size_t invitation_teams_max = 50;

// Bulk member import (PRODUCT.md §1): rows after the header, and the CSV body's size.
inline constexpr std::size_t member_import_rows_max = 500;
inline constexpr std::size_t member_import_bytes_max = 512 * 1024;
// Personal API tokens (Bearer). The secret has api_token_secret_bytes of CSPRNG output; the
// database keeps its hash and a short prefix to tell tokens apart in lists. last_used_at is
// written at most once per api_token_touch_interval.
inline constexpr std::size_t api_token_secret_bytes = 32;  // 256 bits
inline constexpr std::size_t api_token_prefix_chars = 8;   // after "roost_pat_", shown in lists
inline constexpr std::size_t api_token_length_max = 128;   // longer Bearer values are not ours
inline constexpr std::size_t api_token_name_length_max = 100;
inline constexpr std::int64_t api_token_expiry_days_max = 366;
inline constexpr std::size_t api_tokens_per_user_max = 100;
inline constexpr std::chrono::milliseconds api_token_touch_interval{60'000};

// TOTP two-factor (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps). A code of the step
// before or after the current one is accepted too (clock drift).
inline constexpr std::size_t totp_secret_bytes = 20;  // 160 bits, RFC 4226's recommendation
inline constexpr std::int64_t totp_step_seconds = 30;
inline constexpr int totp_digits = 6;
inline constexpr std::int64_t totp_drift_steps = 1;
inline constexpr std::size_t totp_recovery_code_count = 10;
inline constexpr std::size_t totp_recovery_code_bytes = 10;  // 80 bits, shown as 16 base32

// Calls to social networks (networks/http_client): every call is bounded in time and in the
// size of what it reads back. A network's answers are small JSON documents; the cap only
// keeps a broken or hostile server from filling memory. Idle keep-alive handles are pooled
// up to network_idle_handles_max (above that, a finished call's handle is closed).
inline constexpr std::chrono::milliseconds network_connect_timeout{10'000};
inline constexpr std::chrono::milliseconds network_total_timeout{30'000};
inline constexpr std::size_t network_response_bytes_max = 4 * 1024 * 1024;
inline constexpr std::size_t network_idle_handles_max = 16;
// Bluesky. An image blob is at most 1,000,000 bytes (the app.bsky.embed.images lexicon's
// maxSize) and a post holds at most 4. A rate limit asking us to wait longer than
// bluesky_retry_after_max is read as that long: the scheduler looks again then.
inline constexpr std::size_t bluesky_image_bytes_max = 1'000'000;
inline constexpr std::size_t bluesky_images_per_post_max = 4;
inline constexpr std::chrono::seconds bluesky_retry_after_max{24 * 60 * 60};
inline constexpr std::size_t bluesky_list_records_page_max = 100;  // the lexicon's maximum
inline constexpr std::size_t bluesky_error_message_bytes_max = 500;

// Posts and their publish jobs (ADR 0015): a page of the calendar, the duplicate warning's
// window (the same text to the same profile this close to another post), the targets of one
// post, the jobs one claim takes, and the error text a target and a job keep.
inline constexpr std::size_t calendar_page_size_default = 100;
inline constexpr std::size_t calendar_page_size_max = 500;
inline constexpr std::chrono::milliseconds duplicate_text_window{24LL * 60 * 60 * 1000};
inline constexpr std::size_t post_targets_max = 50;
inline constexpr std::size_t publish_claim_batch_max = 100;
inline constexpr std::size_t publish_error_bytes_max = 1'000;
// The posts API (services/posts): a create or draft request carries up to 4 images of
// 1,000,000 bytes as base64 (4/3 larger) plus text; an approval's comment is short.
inline constexpr std::size_t post_request_bytes_max = 6 * 1024 * 1024;
inline constexpr std::size_t approval_comment_bytes_max = 2'000;
inline constexpr std::size_t idempotency_key_bytes_max = 255;
// Members of one team told that a post awaits their approval (post.approval_requested).
inline constexpr std::size_t approvers_notified_per_team_max = 200;

// Web UI (api/http/static_files): the largest file served from --web-root; the built
// bundle's files are far smaller.
inline constexpr std::uintmax_t static_file_bytes_max = 16 * 1024 * 1024;

// The Bluesky firehose (ingest/, ADR 0017). One WebSocket message is one frame; the
// subscribeRepos lexicon caps a commit's CAR at 2,000,000 bytes and its ops at 200, so a
// frame past firehose_frame_bytes_max is not a relay's. DAG-CBOR nesting is bounded so that
// the recursive decoder's stack is (records nest about six deep), and so is the count of
// values in one document, so that its tape is: without it a frame of four million one-byte
// nulls would cost a 100 MB tape. A commit's frame holds about 1,000 values (200 ops), an MST
// node or a post record a few hundred; 131,072 values is a 3 MB tape.
inline constexpr std::size_t firehose_frame_bytes_max = 4 * 1024 * 1024;
inline constexpr std::size_t firehose_commit_ops_max = 200;
inline constexpr std::size_t dag_cbor_depth_max = 64;
inline constexpr std::size_t dag_cbor_values_max = 131'072;

// The publish dispatcher (scheduler/publish_dispatcher, ADR 0018). A transient failure is
// retried after publish_retry_base_delay, doubled per further failure up to
// publish_retry_max_delay, each delay moved by up to ±publish_retry_jitter_percent so that
// the posts of a PDS that was down do not all come back in the same second; after
// publish_attempts_max sends (about an hour of retries) the post fails. A claim leases its
// jobs for publish_claim_lease; before its network calls a job's lease is extended to cover
// them all timing out (publish_job_network_calls_max per image and per record, each of
// network_total_timeout). Idle, the dispatcher looks for due jobs at least every
// publish_poll_interval (posts scheduled by another process are dispatched at most that
// late); /readyz calls it stale when neither its loop nor a job finished for
// publish_heartbeat_stale_after (longer than a text post whose every call times out).
inline constexpr int publish_attempts_max = 12;
inline constexpr std::chrono::milliseconds publish_retry_base_delay{2'000};
inline constexpr std::chrono::milliseconds publish_retry_max_delay{15LL * 60 * 1000};
inline constexpr int publish_retry_jitter_percent = 20;
inline constexpr std::size_t publish_dispatch_batch_max = 32;
inline constexpr std::size_t publish_dispatch_threads = 4;
inline constexpr std::chrono::milliseconds publish_claim_lease{4LL * 60 * 1000};
inline constexpr int publish_job_network_calls_max = 3;  // a call, its refresh, its repeat
inline constexpr std::chrono::milliseconds publish_poll_interval{500};
inline constexpr std::chrono::milliseconds publish_heartbeat_stale_after{5LL * 60 * 1000};
static_assert(publish_heartbeat_stale_after >
              network_total_timeout * publish_job_network_calls_max * 2);

// The post calendar's queries and exports (services/post_calendar): the longest range one
// query covers (a year, leap day included), the profiles one query may name, the posts one
// CSV or iCalendar export holds (a header says when more matched), and a summary's length
// in a calendar application.
inline constexpr std::chrono::milliseconds calendar_range_max{366LL * 24 * 60 * 60 * 1000};
inline constexpr std::size_t calendar_filter_profiles_max = 50;
inline constexpr std::size_t calendar_export_posts_max = 10'000;
inline constexpr std::size_t calendar_summary_code_points_max = 80;

// The firehose / Jetstream consumer (ingest/). A batch handed to the sink is what arrived in
// one read burst, at most ingest_batch_posts_max posts and at most ingest_batch_window old,
// so that a busy relay is written in few transactions and a quiet one without delay. The
// cursor of events without posts is saved at most every ingest_cursor_save_events events or
// ingest_cursor_save_interval (a restart replays at most that much, the sinks are idempotent).
// Reconnects back off from ingest_reconnect_base_delay, doubling to ingest_reconnect_max_delay,
// with ingest_reconnect_jitter_percent jitter; a connection that stayed up for
// ingest_healthy_connection resets the backoff. No frame for ingest_idle_timeout means a dead
// connection (the firehose of a busy relay never pauses that long; a quiet PDS may, and a
// reconnect costs one handshake). /readyz calls ingest degraded when no frame came for
// ingest_stale_after, before the idle timeout ends the connection.
inline constexpr std::size_t ingest_batch_posts_max = 256;
inline constexpr std::chrono::milliseconds ingest_batch_window{50};
inline constexpr std::int64_t ingest_cursor_save_events = 1'000;
inline constexpr std::chrono::milliseconds ingest_cursor_save_interval{1'000};
inline constexpr std::chrono::milliseconds ingest_reconnect_base_delay{500};
inline constexpr std::chrono::milliseconds ingest_reconnect_max_delay{60'000};
inline constexpr int ingest_reconnect_jitter_percent = 20;
inline constexpr std::chrono::milliseconds ingest_healthy_connection{30'000};
inline constexpr std::chrono::milliseconds ingest_idle_timeout{120'000};
inline constexpr std::chrono::milliseconds ingest_connect_timeout{10'000};
inline constexpr std::chrono::milliseconds ingest_stale_after{60'000};
// A Jetstream event is JSON of one record; far above any post (3,000 bytes of text, facets).
inline constexpr std::size_t jetstream_message_bytes_max = 1024 * 1024;
// Shared streams (domain/stream_query, ingest/stream_matcher, services/streams, ADR 0024). A
// query is what fits a search box; its terms are bounded so that 10,000 streams stay one
// vectorscan database of a few MB. A team has at most streams_per_team_max streams; a
// stream keeps its newest stream_retention_default items unless set otherwise, at most
// stream_retention_max. Items are read a page at a time; a user's columns are few.
inline constexpr std::size_t stream_query_bytes_max = 1'000;
inline constexpr std::size_t stream_query_terms_max = 40;
inline constexpr std::size_t stream_term_bytes_max = 100;
inline constexpr std::size_t stream_name_length_max = 100;
inline constexpr std::size_t streams_per_team_max = 100;
inline constexpr std::size_t streams_listed_max = 1'000;
inline constexpr std::int64_t stream_retention_default = 1'000;
inline constexpr std::int64_t stream_retention_max = 10'000;
inline constexpr std::size_t stream_items_page_default = 50;
inline constexpr std::size_t stream_items_page_max = 200;
inline constexpr std::size_t stream_item_text_bytes_max = 3'000;
inline constexpr std::size_t columns_per_user_max = 50;
inline constexpr int column_width_min = 1;  // narrow, medium, wide
inline constexpr int column_width_max = 3;
// The team inbox (services/inbox, ADR 0025). A member has at most
// inbox_member_open_items_max items open or pending assigned to them: past it, a new item
// goes to a team, not a person. Routing rules: per organization, keywords per rule and
// their length, a regex's pattern and compiled size (vectorscan: linear in the text, bounded
// in memory), and the bytes of a post's text they are matched against (Bluesky allows 3,000).
inline constexpr std::int64_t inbox_member_open_items_max = 50;
inline constexpr std::size_t inbox_rules_per_org_max = 200;
inline constexpr std::size_t inbox_rule_keywords_max = 50;
inline constexpr std::size_t inbox_rule_keyword_bytes_max = 100;
inline constexpr std::size_t inbox_rule_regex_bytes_max = 256;
inline constexpr std::size_t inbox_rule_regex_database_bytes_max = 1024 * 1024;
inline constexpr std::size_t inbox_routed_text_bytes_max = 3'000;
inline constexpr std::size_t inbox_tags_per_item_max = 20;
inline constexpr std::size_t inbox_tag_bytes_max = 50;
inline constexpr std::size_t inbox_note_bytes_max = 10'000;
inline constexpr std::size_t inbox_page_size_default = 50;
inline constexpr std::size_t inbox_page_size_max = 200;
inline constexpr std::size_t inbox_notes_listed_max = 500;
// The DIDs one query of the ingest's profile lookup names (a batch needs several above it).
inline constexpr std::size_t inbox_did_lookup_chunk = 500;
// Saved replies per team (services/templates): the body in graphemes (what a person counts
// as characters), and in bytes so that combining marks cannot make one huge.
inline constexpr std::size_t template_body_graphemes_max = 2'000;
inline constexpr std::size_t template_body_bytes_max = 16 * 1024;
inline constexpr std::size_t templates_per_team_listed_max = 500;

// Presence and live notifications (ADR 0028)
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

// Handles and DIDs (ADR 0032). Resolving a stream's handles happens inside an API request:
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
// A round's DIDs are claimed with a lease (ADR 0035) long enough for the whole batch at its
// worst: 50 DIDs, each a DID document and a resolveHandle timing out (5 s each), 100 ms apart
// (about 8.5 min). A process that dies holds its batch at most this long.
inline constexpr std::chrono::milliseconds handle_claim_lease{10 * 60'000};
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
