#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "api/http/server_options.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "scheduler/publish_dispatcher.hpp"

namespace CLI {
class App;
}

namespace roost::app {

// Every option of `roost serve` / `roost migrate`. Each can be given as a flag, as an
// environment variable ROOST_<NAME> (e.g. ROOST_LISTEN), or as a key of the config file
// (--config FILE, TOML: `listen = "127.0.0.1:8080"`). Precedence: flag, then config file,
// then environment, then the default. Unknown flags and unknown config keys are errors.
struct Config {
  std::string config_file;  // read by parse_command_line before CLI11 parses the rest
  std::string listen = "127.0.0.1:8080";
  std::string data_dir;
  std::string database_url;     // default: sqlite:///<data_dir>/roost.db
  std::string web_root;         // empty: no web UI is served
  std::string secret_key_file;  // default: <data_dir>/secret.key
  std::string log_format = "text";
  std::string log_level = "info";
  bool access_log = true;
  // Behind a reverse proxy that sets X-Forwarded-Proto and X-Forwarded-For: honour them
  // (Secure cookies, the client's address for login throttling). Off: they are ignored,
  // since any client could send them.
  bool trust_proxy = false;
  int io_threads = 1;
  int blocking_threads = 4;
  int database_pool_size = 0;  // 0: the backend's default
  std::size_t max_body_bytes = core::limits::request_body_bytes_max_default;
  long header_timeout_ms = core::limits::header_read_timeout_default.count();
  long body_timeout_ms = core::limits::body_read_timeout_default.count();
  long idle_timeout_ms = core::limits::idle_keep_alive_timeout.count();
  long shutdown_grace_ms = core::limits::shutdown_grace_default.count();
  long events_recheck_ms = core::limits::events_recheck_interval_default.count();
  long presence_ttl_ms = core::limits::presence_ttl_default.count();
  // Mail: empty smtp_url means no mail at all (features that would send one say so, e.g. an
  // invitation's link is shown in the API instead). smtp_from is required with it.
  std::string smtp_url;
  std::string smtp_from;
  // The base of links in mails and API answers; default: http://<--listen> (a wildcard
  // address becomes localhost). No trailing slash.
  std::string public_url;
  // Set by finish_config when public_url is that default: serve then names the port it
  // actually bound (with --listen HOST:0 the configured one is 0).
  bool public_url_derived = false;
  // Bluesky: where did:plc documents are read, and the service that resolves handles to DIDs
  // when a profile is connected by handle (tests point both at a local PDS).
  std::string bluesky_plc_url = "https://plc.directory";
  std::string bluesky_handle_resolver_url = "https://bsky.social";
  // Ingestion (ADR 0023): the firehose or Jetstream URL live posts are read from, and which
  // of the two it is; empty: no ingestion.
  std::string ingest_source;
  std::string ingest_kind = "firehose";
  // Several processes with --ingest-source on one PostgreSQL database: one consumes, the
  // others try the leader lock this often (ADR 0027); equal to ingest::leader_retry_default.
  long ingest_leader_retry_ms = 2'000;
  // The publish dispatcher (ADR 0018, 0030): the longest it sleeps with nothing due, and how
  // long a claim holds a job before another process (or the next start) may claim it again.
  // The lease is nullopt when not given (ADR 0035): given, even equal to the default, it also
  // bounds each job's network calls (job_lease); not given, a job may take every call's
  // timeout.
  long publish_poll_ms = core::limits::publish_poll_interval.count();
  std::optional<long> publish_lease_ms;
  // Off: this process dispatches nothing; it still announces the posts its requests make due
  // to the other processes' dispatchers (PostgreSQL). For API-only processes (ADR 0035).
  bool publish_dispatcher = true;
};

// The publish dispatcher's poll and leases as the options say: a --publish-lease-ms given
// sets the claim lease and the job lease both; not given, the defaults (job lease 0: every
// call of the job timing out). The owner and public URL are serve's to fill in.
scheduler::PublishDispatcherOptions publish_dispatcher_options(const Config& config);

// http://HOST:PORT for a listen address, a wildcard host (0.0.0.0, [::]) as localhost.
std::string public_url_for(std::string_view listen);

enum class ConfigScope { serve, migrate };
void add_options(CLI::App& command, Config& config, ConfigScope scope);

enum class Command {
  serve,
  migrate,
  version,
  admin_create_user,
  admin_reset_password,
  admin_set_plan
};

// The arguments of `roost admin <subcommand>` (the operator's CLI, app/admin.hpp).
struct AdminArguments {
  std::string email;
  std::string display_name;
  bool password_stdin = false;  // else a password is generated and printed once
  std::string organization;     // set-plan: an id, or an exact name
  std::optional<std::int64_t> profile_limit;
  std::optional<std::int64_t> seat_limit;
};

struct CommandLine {
  Command command = Command::serve;
  Config config;
  AdminArguments admin;
  bool status_only = false;  // roost migrate --status
  int exit_code = -1;        // >= 0: help or an error was printed; exit with this code
};

// Parses `roost <command> [options]` (arguments without the program name). The config
// file named by --config (or ROOST_CONFIG) is read here: its keys become flags placed
// before the command line's own, so a flag on the command line wins over the file.
CommandLine parse_command_line(const std::vector<std::string>& arguments, std::ostream& out,
                               std::ostream& err);

// Fills in the defaults that depend on other options, and checks what CLI11 cannot.
core::Result<void> finish_config(Config& config);
core::Result<api::http::ServerOptions> server_options(const Config& config);
core::log::Format log_format(const Config& config);
core::log::Level log_level(const Config& config);

std::string default_data_dir();

}  // namespace roost::app
