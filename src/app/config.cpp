#include "app/config.hpp"

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "ingest/source.hpp"

namespace roost::app {

namespace {

core::Error config_error(std::string message) {
  return core::make_error(core::ErrorCode::configuration_error, std::move(message));
}

}  // namespace

std::string default_data_dir() {
  if (::geteuid() == 0) return "/var/lib/roost";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/roost";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/share/roost";
  }
  return "roost-data";
}

void add_options(CLI::App& command, Config& config, ConfigScope scope) {
  // A later value wins: the config file's values are placed before the command line's.
  command.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  command
      .add_option("--config", config.config_file,
                  "Read options from this TOML file: `key = value`, keys as the long flags "
                  "without dashes (e.g. listen = \"127.0.0.1:8080\"); an unknown key is an error")
      ->envname("ROOST_CONFIG")
      ->check(CLI::ExistingFile);
  command
      .add_option("--data-dir", config.data_dir,
                  "Directory for the SQLite database and the secret key (default: " +
                      default_data_dir() + ")")
      ->envname("ROOST_DATA_DIR");
  command
      .add_option("--database-url", config.database_url,
                  "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB "
                  "(default: sqlite:///<data-dir>/roost.db)")
      ->envname("ROOST_DATABASE_URL");
  command
      .add_option("--database-pool-size", config.database_pool_size,
                  "Connections: SQLite readers (default 4) or PostgreSQL connections (default 8)")
      ->envname("ROOST_DATABASE_POOL_SIZE")
      ->check(CLI::Range(0, 256));
  command.add_option("--log-format", config.log_format, "Log format: json or text")
      ->envname("ROOST_LOG_FORMAT")
      ->check(CLI::IsMember({"json", "text"}));
  command.add_option("--log-level", config.log_level, "Log level: debug, info, warn or error")
      ->envname("ROOST_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  if (scope == ConfigScope::migrate) return;

  command
      .add_option("--listen", config.listen,
                  "Address and port to listen on (port 0: any free port)")
      ->envname("ROOST_LISTEN");
  command.add_option("--web-root", config.web_root, "Directory of the built web UI to serve at /")
      ->envname("ROOST_WEB_ROOT");
  command
      .add_option("--secret-key-file", config.secret_key_file,
                  "Key that seals stored credentials; created (mode 0600) on first start "
                  "(default: <data-dir>/secret.key)")
      ->envname("ROOST_SECRET_KEY_FILE");
  command.add_option("--access-log", config.access_log, "Log every request (true or false)")
      ->envname("ROOST_ACCESS_LOG");
  command
      .add_option("--trust-proxy", config.trust_proxy,
                  "Honour X-Forwarded-Proto/-For from a reverse proxy (true or false); only "
                  "when every request comes through one")
      ->envname("ROOST_TRUST_PROXY");
  command.add_option("--io-threads", config.io_threads, "Threads serving HTTP and WebSocket I/O")
      ->envname("ROOST_IO_THREADS")
      ->check(CLI::Range(1, 256));
  command
      .add_option("--blocking-threads", config.blocking_threads,
                  "Threads for database and outbound network work")
      ->envname("ROOST_BLOCKING_THREADS")
      ->check(CLI::Range(1, 256));
  command
      .add_option("--max-body-bytes", config.max_body_bytes,
                  "Largest request body accepted (413 above)")
      ->envname("ROOST_MAX_BODY_BYTES")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  command
      .add_option("--header-timeout-ms", config.header_timeout_ms,
                  "Time a client has to send the request line and headers (408 after)")
      ->envname("ROOST_HEADER_TIMEOUT_MS")
      ->check(CLI::Range(1L, 3'600'000L));
  command
      .add_option("--body-timeout-ms", config.body_timeout_ms,
                  "Time a client has to send the request body (408 after)")
      ->envname("ROOST_BODY_TIMEOUT_MS")
      ->check(CLI::Range(1L, 3'600'000L));
  command
      .add_option("--idle-timeout-ms", config.idle_timeout_ms,
                  "Time an idle keep-alive connection stays open")
      ->envname("ROOST_IDLE_TIMEOUT_MS")
      ->check(CLI::Range(1L, 3'600'000L));
  command
      .add_option("--shutdown-grace-ms", config.shutdown_grace_ms,
                  "On SIGTERM, time in-flight requests get to finish")
      ->envname("ROOST_SHUTDOWN_GRACE_MS")
      ->check(CLI::Range(0L, 3'600'000L));
  command
      .add_option("--events-recheck-ms", config.events_recheck_ms,
                  "How often a connected event-stream client's session and teams are checked "
                  "again (the longest a logout or a removal goes on receiving events)")
      ->envname("ROOST_EVENTS_RECHECK_MS")
      ->check(CLI::Range(100L, 3'600'000L));
  command
      .add_option("--presence-ttl-ms", config.presence_ttl_ms,
                  "How long a client's presence on an inbox item lasts without a refresh before "
                  "the others are told it left")
      ->envname("ROOST_PRESENCE_TTL_MS")
      ->check(CLI::Range(200L, 3'600'000L));
  command
      .add_option("--smtp-url", config.smtp_url,
                  "Mail server: smtp://[user:password@]host[:port], smtps://... (TLS), or "
                  "smtp://...?starttls (STARTTLS required); empty: no mail is sent. The "
                  "password never appears in logs")
      ->envname("ROOST_SMTP_URL");
  command
      .add_option("--smtp-from", config.smtp_from,
                  "The From address of mails (required with --smtp-url), e.g. roost@example.com")
      ->envname("ROOST_SMTP_FROM");
  command
      .add_option("--public-url", config.public_url,
                  "Base URL users reach Roost at, for links in mails (default: "
                  "http://<--listen>)")
      ->envname("ROOST_PUBLIC_URL");
  command
      .add_option("--bluesky-plc-url", config.bluesky_plc_url,
                  "PLC directory that did:plc identities are read from")
      ->envname("ROOST_BLUESKY_PLC_URL");
  command
      .add_option("--bluesky-handle-resolver-url", config.bluesky_handle_resolver_url,
                  "Service that resolves Bluesky handles to DIDs (resolveHandle)")
      ->envname("ROOST_BLUESKY_HANDLE_RESOLVER_URL");
  command
      .add_option("--ingest-source", config.ingest_source,
                  "Where live posts are read (ADR 0023): a relay's or a PDS's firehose "
                  "(wss://bsky.network, ws://127.0.0.1:2583) or a Jetstream instance; empty: "
                  "no ingestion")
      ->envname("ROOST_INGEST_SOURCE");
  command
      .add_option("--ingest-kind", config.ingest_kind,
                  "What --ingest-source speaks: firehose (com.atproto.sync.subscribeRepos) or "
                  "jetstream")
      ->envname("ROOST_INGEST_KIND")
      ->check(CLI::IsMember({"firehose", "jetstream"}));
  command
      .add_option("--ingest-leader-retry-ms", config.ingest_leader_retry_ms,
                  "With several roost processes on one PostgreSQL database, one consumes "
                  "--ingest-source (ADR 0027): how often the others try to take over, and how "
                  "often the leader checks it still leads")
      ->envname("ROOST_INGEST_LEADER_RETRY_MS")
      ->check(CLI::Range(100L, 3'600'000L));
  command
      .add_option("--publish-poll-ms", config.publish_poll_ms,
                  "The longest the publish dispatcher sleeps with nothing due (a post made due "
                  "in any process wakes it at once)")
      ->envname("ROOST_PUBLISH_POLL_MS")
      ->check(CLI::Range(50L, 3'600'000L));
  command
      .add_option("--publish-lease-ms", config.publish_lease_ms,
                  "How long a claimed publish job is held before another process, or this one "
                  "restarted, may claim it again: the delay a crash costs. Shorter than a slow "
                  "network call means a second send, which the job's record key makes harmless "
                  "(default " +
                      std::to_string(core::limits::publish_claim_lease.count()) +
                      "; given, it also bounds each job's calls)")
      ->envname("ROOST_PUBLISH_LEASE_MS")
      ->check(CLI::Range(1'000L, 3'600'000L));
  command
      .add_option("--publish-dispatcher", config.publish_dispatcher,
                  "Run the publish dispatcher in this process (default true). false: it "
                  "publishes nothing and only announces the posts it makes due to the other "
                  "processes sharing the PostgreSQL database")
      ->envname("ROOST_PUBLISH_DISPATCHER");
}

namespace {

constexpr std::string_view config_flag = "--config";

// Where the config file is: --config FILE, --config=FILE, or ROOST_CONFIG.
std::optional<std::string> config_path(const std::vector<std::string>& arguments) {
  for (std::size_t index = 0; index < arguments.size(); ++index) {
    const auto& argument = arguments[index];
    if (argument == config_flag && index + 1 < arguments.size()) return arguments[index + 1];
    if (argument.starts_with(std::string(config_flag) + "=")) {
      return argument.substr(config_flag.size() + 1);
    }
  }
  if (const char* from_environment = std::getenv("ROOST_CONFIG");
      from_environment != nullptr && *from_environment != '\0') {
    return std::string(from_environment);
  }
  return std::nullopt;
}

// The config file's keys as flags for `command`; an unknown key is an error.
std::vector<std::string> config_file_flags(CLI::App& command, const std::string& path) {
  std::vector<std::string> flags;
  for (const auto& item : CLI::ConfigTOML().from_file(path)) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    bool own_section =
        item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == command.get_name());
    CLI::Option* option = own_section ? command.get_option_no_throw("--" + item.name) : nullptr;
    if (option == nullptr || item.name == config_flag.substr(2)) {
      throw CLI::ConfigError("unknown key '" + item.fullname() + "' in config file " + path);
    }
    for (const auto& input : item.inputs) flags.push_back("--" + item.name + "=" + input);
  }
  return flags;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& arguments, std::ostream& out,
                               std::ostream& err) {
  CommandLine result;
  CLI::App cli{"Roost: run shared social-media accounts as a team, without sharing passwords",
               "roost"};
  cli.require_subcommand(1);
  auto* serve = cli.add_subcommand("serve", "Run the server (applies pending migrations first)");
  // One Config per command: CLI11 reads environment variables for every subcommand, the
  // ones not chosen too, so a shared Config would be overwritten by the other command's.
  Config serve_config;
  Config migrate_config;
  add_options(*serve, serve_config, ConfigScope::serve);
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_options(*migrate, migrate_config, ConfigScope::migrate);
  migrate->add_flag("--status", result.status_only,
                    "Only print the schema version; change nothing");
  auto* version = cli.add_subcommand("version", "Print the version and exit");

  // The operator's commands: each opens the database as `migrate` does (its options and
  // config file) and refuses one that is not migrated.
  auto* admin = cli.add_subcommand("admin", "Operator commands: accounts and plans");
  admin->require_subcommand(1);
  admin->footer(
      "Exit codes: 0 done; 1 refused (a rule of the input, an unknown email or organization, "
      "an ambiguous name, a taken email); 3 the database is "
      "unreachable or not migrated (run `roost migrate`); 2, or 100 and above: a bad option "
      "or config file (CLI11's codes).");
  Config create_user_config;
  Config reset_password_config;
  Config set_plan_config;
  auto* create_user = admin->add_subcommand(
      "create-user",
      "Create an account, by the sign-up rules. Without --password-stdin a strong password "
      "is generated and printed once");
  add_options(*create_user, create_user_config, ConfigScope::migrate);
  create_user->add_option("--email", result.admin.email, "The account's email")->required();
  create_user->add_option("--display-name", result.admin.display_name, "The name others see")
      ->required();
  create_user->add_flag("--password-stdin", result.admin.password_stdin,
                        "Read the password from the first line of standard input");
  auto* reset_password = admin->add_subcommand(
      "reset-password",
      "Set a new password and end every session of the account. Without --password-stdin a "
      "strong password is generated and printed once");
  add_options(*reset_password, reset_password_config, ConfigScope::migrate);
  reset_password->add_option("--email", result.admin.email, "The account's email")->required();
  reset_password->add_flag("--password-stdin", result.admin.password_stdin,
                           "Read the password from the first line of standard input");
  auto* set_plan = admin->add_subcommand(
      "set-plan",
      "Set an organization's profile and seat limits (an omitted one is unchanged). A seat "
      "limit below the current members is allowed, with a warning: nobody is removed");
  add_options(*set_plan, set_plan_config, ConfigScope::migrate);
  set_plan
      ->add_option("ORG", result.admin.organization,
                   "The organization's id, or its exact name if only one has it")
      ->required();
  set_plan->add_option("--profiles", result.admin.profile_limit, "Social profiles it may connect")
      ->check(CLI::Range(std::int64_t{0}, core::limits::plan_limit_max));
  set_plan->add_option("--seats", result.admin.seat_limit, "Members it may have")
      ->check(CLI::Range(std::int64_t{0}, core::limits::plan_limit_max));

  try {
    std::vector<std::string> expanded = arguments;
    if (!arguments.empty()) {
      // The command the config file's keys belong to, and where its own arguments start.
      CLI::App* command = arguments[0] == "serve"     ? serve
                          : arguments[0] == "migrate" ? migrate
                                                      : nullptr;
      std::size_t position = 1;
      if (arguments[0] == "admin" && arguments.size() > 1) {
        for (auto* subcommand : {create_user, reset_password, set_plan}) {
          if (subcommand->get_name() == arguments[1]) command = subcommand;
        }
        position = 2;
      }
      auto path = config_path(arguments);
      if (command != nullptr && path) {
        auto flags = config_file_flags(*command, *path);
        expanded.insert(expanded.begin() + static_cast<std::ptrdiff_t>(position), flags.begin(),
                        flags.end());
      }
    }
    std::reverse(expanded.begin(), expanded.end());  // CLI11 takes them last first
    cli.parse(expanded);
  } catch (const CLI::ParseError& error) {
    result.exit_code = cli.exit(error, out, err);
    return result;
  } catch (const CLI::Error& error) {
    err << "roost: " << error.what() << "\n";
    result.exit_code = 2;
    return result;
  }
  if (*admin) {
    if (*create_user) {
      result.command = Command::admin_create_user;
      result.config = create_user_config;
    } else if (*reset_password) {
      result.command = Command::admin_reset_password;
      result.config = reset_password_config;
    } else {
      result.command = Command::admin_set_plan;
      result.config = set_plan_config;
    }
    return result;
  }
  result.command = *version ? Command::version : *migrate ? Command::migrate : Command::serve;
  result.config = result.command == Command::migrate ? migrate_config : serve_config;
  return result;
}

scheduler::PublishDispatcherOptions publish_dispatcher_options(const Config& config) {
  scheduler::PublishDispatcherOptions options;
  options.poll_interval = std::chrono::milliseconds(config.publish_poll_ms);
  if (config.publish_lease_ms) {
    // Given (even equal to the default): the operator chose the delay a crash may cost, so
    // no job holds its lease longer than that either.
    options.claim_lease = std::chrono::milliseconds(*config.publish_lease_ms);
    options.job_lease = options.claim_lease;
  }
  return options;
}

std::string public_url_for(std::string_view listen) {
  std::string host(listen);
  for (std::string_view wildcard : {"0.0.0.0:", "[::]:"}) {
    if (host.rfind(wildcard, 0) == 0) host = "localhost:" + host.substr(wildcard.size());
  }
  return "http://" + host;
}

core::Result<void> finish_config(Config& config) {
  if (config.data_dir.empty()) config.data_dir = default_data_dir();
  if (config.database_url.empty())
    config.database_url = "sqlite://" + config.data_dir + "/roost.db";
  if (config.secret_key_file.empty()) config.secret_key_file = config.data_dir + "/secret.key";
  if (config.public_url.empty()) {
    config.public_url = public_url_for(config.listen);
    config.public_url_derived = true;
  }
  while (!config.public_url.empty() && config.public_url.back() == '/') {
    config.public_url.pop_back();
  }
  if (config.public_url.rfind("http://", 0) != 0 && config.public_url.rfind("https://", 0) != 0) {
    return config_error(
        fmt::format("--public-url '{}' must start with http:// or https://", config.public_url));
  }
  if (!config.smtp_url.empty() && config.smtp_from.empty()) {
    return config_error("--smtp-from is required with --smtp-url");
  }
  if (!config.publish_dispatcher && config.database_url.rfind("sqlite:", 0) == 0) {
    // One process per SQLite database: nobody else would ever publish its posts.
    return config_error(
        "--publish-dispatcher false needs a PostgreSQL --database-url shared with a process "
        "that dispatches (with SQLite nothing would publish)");
  }
  if (!config.ingest_source.empty()) {
    auto kind = ingest::parse_source_kind(config.ingest_kind);
    if (!kind) return std::move(kind).error();
    if (auto url = ingest::parse_source_url(config.ingest_source, *kind); !url) {
      return std::move(url).error();
    }
  }
  return core::success();
}

core::Result<api::http::ServerOptions> server_options(const Config& config) {
  api::http::ServerOptions options;
  auto colon = config.listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return config_error(fmt::format("--listen '{}' is not ADDRESS:PORT", config.listen));
  }
  std::string address = config.listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(config.listen.substr(colon + 1), &used);
    if (used != config.listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return config_error(fmt::format("--listen '{}' has no valid port", config.listen));
  }
  options.address = address;
  options.port = static_cast<unsigned short>(port);
  options.io_threads = config.io_threads;
  options.body_bytes_max = config.max_body_bytes;
  options.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  options.body_timeout = std::chrono::milliseconds(config.body_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  options.shutdown_grace = std::chrono::milliseconds(config.shutdown_grace_ms);
  options.access_log = config.access_log;
  options.events_recheck_interval = std::chrono::milliseconds(config.events_recheck_ms);
  options.presence_ttl = std::chrono::milliseconds(config.presence_ttl_ms);
  return options;
}

core::log::Format log_format(const Config& config) {
  return config.log_format == "json" ? core::log::Format::json : core::log::Format::text;
}

core::log::Level log_level(const Config& config) {
  if (config.log_level == "debug") return core::log::Level::debug;
  if (config.log_level == "warn") return core::log::Level::warn;
  if (config.log_level == "error") return core::log::Level::error;
  return core::log::Level::info;
}

}  // namespace roost::app
