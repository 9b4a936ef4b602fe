#include "app/wiring.hpp"

#include <malloc.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "api/http/blocking_executor.hpp"
#include "api/http/metrics.hpp"
#include "api/http/pipeline.hpp"
#include "api/http/router.hpp"
#include "api/http/server.hpp"
#include "api/http/session_authenticator.hpp"
#include "api/http/static_files.hpp"
#include "api/ws/event_hub.hpp"
#include "app/api_graph.hpp"
#include "core/limits.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "ingest/composite_post_sink.hpp"
#include "ingest/firehose_consumer.hpp"
#include "ingest/inbox_sink.hpp"
#include "ingest/ingest_leadership.hpp"
#include "ingest/streams_sink.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "networks/smtp/smtp_transport.hpp"
#include "scheduler/due_announcer.hpp"
#include "scheduler/handle_worker.hpp"
#include "scheduler/mail_worker.hpp"
#include "scheduler/publish_dispatcher.hpp"
#include "services/profile_credentials.hpp"
#include "services/sealing_keys.hpp"
#include "storage/author_handle_repository.hpp"
#include "storage/database.hpp"
#include "storage/inbox_repository.hpp"
#include "storage/ingest_cursor_repository.hpp"
#include "storage/ingest_leader_lock.hpp"
#include "storage/instance_settings_repository.hpp"
#include "storage/mail_outbox_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/notification_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/publish_job_repository.hpp"

namespace roost::app {
namespace {

int startup_failure(const core::Error& error) {
  std::fprintf(stderr, "roost: %s\n", error.message.c_str());
  return 1;
}

}  // namespace

core::Result<std::unique_ptr<storage::Database>> open_configured_database(const Config& config,
                                                                          bool apply) {
  auto url = storage::parse_database_url(config.database_url);
  if (!url) return std::move(url).error();
  storage::DatabaseOptions options;
  if (config.database_pool_size > 0) {
    options.sqlite_reader_connections = config.database_pool_size;
    options.postgres_connections = config.database_pool_size;
  }
  auto database = storage::open_database(*url, options);
  if (!database) return std::move(database).error();
  auto status = apply ? storage::migrate(**database) : storage::migration_status(**database);
  if (!status) return std::move(status).error();
  core::log::info("database_ready", {{"database", url->redacted},
                                     {"schema_version", status->applied_version},
                                     {"latest_version", status->latest_version}});
  return std::move(database).value();
}

namespace {

void add_pool_metrics(api::http::Metrics& metrics, storage::Database& database) {
  metrics.add_collector([&database](std::string& out) {
    auto stats = database.pool_stats();
    auto backend = storage::backend_name(database.backend());
    fmt::format_to(
        std::back_inserter(out),
        "# HELP roost_db_connections Database connections, open and in use.\n"
        "# TYPE roost_db_connections gauge\n"
        "roost_db_connections{{backend=\"{0}\",state=\"open\"}} {1}\n"
        "roost_db_connections{{backend=\"{0}\",state=\"in_use\"}} {2}\n"
        "# HELP roost_db_acquisitions_total Connections taken from the pool.\n"
        "# TYPE roost_db_acquisitions_total counter\n"
        "roost_db_acquisitions_total{{backend=\"{0}\"}} {3}\n"
        "# HELP roost_db_acquisition_waits_total Acquisitions that waited for a free connection.\n"
        "# TYPE roost_db_acquisition_waits_total counter\n"
        "roost_db_acquisition_waits_total{{backend=\"{0}\"}} {4}\n"
        "# HELP roost_db_acquisition_timeouts_total Acquisitions that gave up waiting.\n"
        "# TYPE roost_db_acquisition_timeouts_total counter\n"
        "roost_db_acquisition_timeouts_total{{backend=\"{0}\"}} {5}\n",
        backend, stats.connections_total, stats.connections_in_use, stats.acquisitions_total,
        stats.acquisition_waits_total, stats.acquisition_timeouts_total);
  });
}

void add_mail_metrics(api::http::Metrics& metrics, const scheduler::MailWorker& worker) {
  metrics.add_collector([&worker](std::string& out) {
    auto counts = worker.counts();
    fmt::format_to(std::back_inserter(out),
                   "# HELP roost_mail_outbox Mails in the outbox by status, as of the mail "
                   "worker's last pass.\n"
                   "# TYPE roost_mail_outbox gauge\n"
                   "roost_mail_outbox{{status=\"pending\"}} {0}\n"
                   "roost_mail_outbox{{status=\"failed\"}} {1}\n"
                   "# HELP roost_mail_attempts_total Attempts to send a mail, by outcome.\n"
                   "# TYPE roost_mail_attempts_total counter\n"
                   "roost_mail_attempts_total{{outcome=\"sent\"}} {2}\n"
                   "roost_mail_attempts_total{{outcome=\"failed\"}} {3}\n"
                   "# HELP roost_mail_given_up_total Mails kept as failed, not retried.\n"
                   "# TYPE roost_mail_given_up_total counter\n"
                   "roost_mail_given_up_total {4}\n",
                   counts.outbox_pending, counts.outbox_failed, counts.sent_total,
                   counts.attempts_failed_total, counts.given_up_total);
  });
}

void add_publish_metrics(api::http::Metrics& metrics,
                         const scheduler::PublishDispatcher& dispatcher) {
  metrics.add_collector([&dispatcher](std::string& out) {
    auto counts = dispatcher.counts();
    fmt::format_to(std::back_inserter(out),
                   "# HELP roost_publish_jobs_total Publish jobs this process ended, by outcome.\n"
                   "# TYPE roost_publish_jobs_total counter\n"
                   "roost_publish_jobs_total{{outcome=\"published\"}} {0}\n"
                   "roost_publish_jobs_total{{outcome=\"found_existing\"}} {1}\n"
                   "roost_publish_jobs_total{{outcome=\"retried\"}} {2}\n"
                   "roost_publish_jobs_total{{outcome=\"failed\"}} {3}\n"
                   "roost_publish_jobs_total{{outcome=\"lease_lost\"}} {4}\n",
                   counts.published_total, counts.found_existing_total, counts.retried_total,
                   counts.failed_total, counts.lease_lost_total);
  });
}

void add_ingest_metrics(api::http::Metrics& metrics, const ingest::IngestLeadership& ingest) {
  metrics.add_collector([&ingest](std::string& out) {
    auto counts = ingest.counts();
    auto status = ingest.status();
    fmt::format_to(std::back_inserter(out),
                   "# HELP roost_ingest_frames_total Messages read from the ingest source.\n"
                   "# TYPE roost_ingest_frames_total counter\n"
                   "roost_ingest_frames_total {0}\n"
                   "# HELP roost_ingest_posts_total Posts the ingest sinks accepted.\n"
                   "# TYPE roost_ingest_posts_total counter\n"
                   "roost_ingest_posts_total {1}\n"
                   "# HELP roost_ingest_decode_errors_total Messages skipped as undecodable.\n"
                   "# TYPE roost_ingest_decode_errors_total counter\n"
                   "roost_ingest_decode_errors_total {2}\n"
                   "# HELP roost_ingest_reconnects_total Connections to the source lost or "
                   "refused.\n"
                   "# TYPE roost_ingest_reconnects_total counter\n"
                   "roost_ingest_reconnects_total {3}\n"
                   "# HELP roost_ingest_sink_errors_total Batches the sinks refused (retried).\n"
                   "# TYPE roost_ingest_sink_errors_total counter\n"
                   "roost_ingest_sink_errors_total {4}\n"
                   "# HELP roost_ingest_connected Whether the source is connected.\n"
                   "# TYPE roost_ingest_connected gauge\n"
                   "roost_ingest_connected {5}\n"
                   "# HELP roost_ingest_lag_seconds Now minus the last event's own time.\n"
                   "# TYPE roost_ingest_lag_seconds gauge\n"
                   "roost_ingest_lag_seconds {6:.3f}\n"
                   "# HELP roost_ingest_leader Whether this process holds the ingest leader lock "
                   "and consumes (1) or stands by (0).\n"
                   "# TYPE roost_ingest_leader gauge\n"
                   "roost_ingest_leader {7}\n"
                   "# HELP roost_ingest_leader_takeovers_total Times this process became the "
                   "ingest leader.\n"
                   "# TYPE roost_ingest_leader_takeovers_total counter\n"
                   "roost_ingest_leader_takeovers_total {8}\n",
                   counts.frames, counts.posts, counts.decode_errors, counts.reconnects,
                   counts.sink_errors, status.connected ? 1 : 0,
                   static_cast<double>(status.lag_ms) / 1000.0, ingest.leader() ? 1 : 0,
                   ingest.takeovers());
  });
}

// Ingestion (ADR 0023), when --ingest-source names a source: the leader election (ADR 0027)
// that runs the consumer in one process of those sharing the database, its /readyz check and
// its metrics. Null without a source.
core::Result<std::unique_ptr<ingest::IngestLeadership>> start_ingest(
    const Config& config, storage::IngestLeaderLock& lock, storage::IngestCursorRepository& cursors,
    ingest::PostSink& sink, const core::Clock& clock, services::SystemStatus& status,
    api::http::Metrics& metrics, ingest::IdentityChanges* identity_changes) {
  if (config.ingest_source.empty()) {
    core::log::info("ingest_disabled", {{"reason", "no --ingest-source"}});
    return std::unique_ptr<ingest::IngestLeadership>();
  }
  auto kind = ingest::parse_source_kind(config.ingest_kind);
  if (!kind) return std::move(kind).error();
  ingest::ConsumerOptions options;
  options.source_url = config.ingest_source;
  options.kind = *kind;
  options.identity_changes = identity_changes;
  ingest::LeadershipOptions leadership;
  leadership.retry_interval = std::chrono::milliseconds(config.ingest_leader_retry_ms);
  auto started =
      ingest::IngestLeadership::create(lock, cursors, sink, clock, std::move(options), leadership);
  if (!started) return std::move(started).error();
  ingest::IngestLeadership& ingest = **started;
  status.add_check([&ingest] { return ingest.readiness_check(); });
  add_ingest_metrics(metrics, ingest);
  ingest.start();
  return started;
}

}  // namespace

int run_migrate(Config config, bool status_only) {
  core::initialize_crypto();
  core::log::configure(log_format(config), log_level(config));
  if (auto finished = finish_config(config); !finished) return startup_failure(finished.error());
  auto database = open_configured_database(config, !status_only);
  if (!database) return startup_failure(database.error());
  auto status = storage::migration_status(**database);
  if (!status) return startup_failure(status.error());
  std::cout << fmt::format("schema version {} of {}{}\n", status->applied_version,
                           status->latest_version, status->up_to_date() ? " (up to date)" : "");
  return 0;
}

// glibc gives freed memory back to the kernel as soon as the top of a heap has more than
// 128 KiB free, with madvise and a TLB shootdown across cores — on every request that builds
// and frees a large answer (a page of 200 members) on a blocking thread. A server that will
// need that memory again a millisecond later keeps it: trim only above 64 MiB. Measured in
// docs/PERFORMANCE.md (member list).
namespace {
void keep_freed_memory() {
  constexpr int trim_threshold_bytes = 64 * 1024 * 1024;
  mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes);
  mallopt(M_MMAP_THRESHOLD, trim_threshold_bytes / 2);
}
}  // namespace

int run_serve(Config config) {
  keep_freed_memory();
  core::initialize_crypto();
  core::log::configure(log_format(config), log_level(config));
  if (auto finished = finish_config(config); !finished) return startup_failure(finished.error());
  auto server_config = server_options(config);
  if (!server_config) return startup_failure(server_config.error());

  auto database = open_configured_database(config, true);
  if (!database) return startup_failure(database.error());
  storage::InstanceSettingsRepository settings(**database);
  auto keyring = services::load_sealing_keyring(settings, config.secret_key_file);
  if (!keyring) return startup_failure(keyring.error());
  core::log::info("secret_key_loaded", {{"key_id", keyring->primary().id}});

  // Mail: the transport is checked (URL, From) before anything listens.
  std::unique_ptr<networks::smtp::SmtpTransport> mail_transport;
  if (!config.smtp_url.empty()) {
    auto transport = networks::smtp::SmtpTransport::create({config.smtp_url, config.smtp_from});
    if (!transport) return startup_failure(transport.error());
    mail_transport = std::move(transport).value();
    core::log::info("mail_enabled",
                    {{"smtp_url", mail_transport->redacted_url()}, {"from", config.smtp_from}});
  } else {
    core::log::info("mail_disabled", {{"reason", "no --smtp-url"}});
  }
  services::OutboundSettings outbound{config.public_url, mail_transport != nullptr};

  api::http::BlockingExecutor blocking(static_cast<std::size_t>(config.blocking_threads));
  core::SystemClock clock;
  networks::bluesky::BlueskySettings bluesky;
  bluesky.plc_url = config.bluesky_plc_url;
  bluesky.handle_resolver_url = config.bluesky_handle_resolver_url;
  // Several processes on one PostgreSQL database share live events through it.
  auto database_url = storage::parse_database_url(config.database_url);
  std::unique_ptr<storage::LiveEventChannel> live_channel =
      database_url ? storage::open_live_event_channel(*database_url) : nullptr;
  ApiGraph api(**database, blocking, clock, outbound, *keyring, bluesky, live_channel.get());
  api::http::SessionAuthenticator authenticator(api.sessions(), api.api_tokens());

  api::http::Router router;
  api.register_routes(router);
  std::unique_ptr<api::http::StaticFiles> static_files;
  if (!config.web_root.empty()) {
    static_files = std::make_unique<api::http::StaticFiles>(config.web_root, blocking);
    static_files->register_routes(router);
  }

  api::http::Metrics metrics(router);
  api.system_handlers().set_metrics(&metrics);
  add_pool_metrics(metrics, **database);
  storage::MailOutboxRepository mail_outbox(**database);
  std::unique_ptr<scheduler::MailWorker> mail_worker;
  if (mail_transport) {
    mail_worker = std::make_unique<scheduler::MailWorker>(mail_outbox, *mail_transport, clock);
    add_mail_metrics(metrics, *mail_worker);
  }
  // Authors' handles for stream and inbox items, resolved off the ingest path (ADR 0032).
  storage::AuthorHandleRepository author_handles(**database);
  ingest::IdentityChanges identity_changes;
  scheduler::HandleWorkerOptions handle_options;
  handle_options.identity_changes = &identity_changes;
  // And the authors of routing rules saved before handles were resolved (ADR 0034).
  storage::InboxRepository rule_records(**database);
  handle_options.rules = &rule_records;
  scheduler::HandleWorker handle_worker(author_handles, api.identities(), clock, handle_options);
  api::http::Pipeline pipeline(router, metrics, server_config->access_log,
                               api::http::Identity{&authenticator, &blocking, config.trust_proxy});
  api::http::Server server(*server_config, pipeline, api.event_hub());
  auto port = server.listen();
  if (!port) return startup_failure(port.error());

  std::string url = fmt::format("http://{}:{}", server_config->address, *port);
  core::log::info("listening", {{"url", url}});
  if (config.public_url_derived) {
    api.set_public_url(public_url_for(fmt::format("{}:{}", server_config->address, *port)));
  }
  // Publishing: the API's Bluesky network (every publishing call goes to the profile's own
  // server), credential vault and profile alerts, so that connecting and publishing share
  // one handle pool and one notion of needs_reconnect.
  storage::PublishJobRepository publish_jobs(**database);
  storage::PostRepository posts(**database);
  storage::ProfileRepository profiles(**database);
  auto publish_options = publish_dispatcher_options(config);
  publish_options.owner = scheduler::make_dispatcher_owner();
  publish_options.public_url =
      config.public_url_derived
          ? public_url_for(fmt::format("{}:{}", server_config->address, *port))
          : config.public_url;
  // A post made due wakes this dispatcher at once, and (PostgreSQL) every other process's:
  // the request only marks it; the announcer's thread sends the NOTIFY (ADR 0035). The
  // channel is declared before the dispatcher and the announcer, whose threads use it: it
  // outlives them.
  std::unique_ptr<storage::LiveEventChannel> due_channel =
      database_url
          ? storage::open_live_event_channel(*database_url, storage::ChannelTopic::publish_due)
          : nullptr;
  std::unique_ptr<scheduler::PublishDispatcher> publish_dispatcher;
  if (config.publish_dispatcher) {
    publish_dispatcher = std::make_unique<scheduler::PublishDispatcher>(
        publish_jobs, posts, profiles, api.profile_alerts(), api.profile_credentials(),
        scheduler::DispatchNetworks{{&api.bluesky_network()}}, clock, publish_options);
    api.system_status().add_check(
        [&publish_dispatcher] { return publish_dispatcher->readiness_check(); });
    publish_dispatcher->listen_for_due(due_channel.get());
    add_publish_metrics(metrics, *publish_dispatcher);
  } else {
    core::log::info("publish_dispatcher_disabled",
                    {{"reason", "--publish-dispatcher false: other processes publish"}});
  }
  std::unique_ptr<scheduler::DueAnnouncer> due_announcer =
      due_channel ? std::make_unique<scheduler::DueAnnouncer>(*due_channel, publish_options.owner)
                  : nullptr;
  api.posts().on_scheduled([&publish_dispatcher, &due_announcer] {
    if (publish_dispatcher) publish_dispatcher->wake();
    if (due_announcer) due_announcer->announce();
  });
  // Ingested posts go to the streams matcher, then to the inbox router; both idempotent, so a
  // batch that one of them refused is handed to both again.
  services::StreamItemRecorder stream_items(api.stream_records(), api.live_events(), clock);
  ingest::StreamsSink streams_sink(api.streams(), stream_items);
  ingest::InboxSink inbox_sink(api.inbox());
  ingest::CompositePostSink ingest_sinks;
  ingest_sinks.add(streams_sink);
  ingest_sinks.add(inbox_sink);
  storage::IngestCursorRepository ingest_cursors(**database);
  // On PostgreSQL a connection of its own, held while this process leads; SQLite: always.
  std::unique_ptr<storage::IngestLeaderLock> ingest_lock =
      database_url ? storage::open_ingest_leader_lock(*database_url) : nullptr;
  if (!ingest_lock) return startup_failure(database_url.error());
  auto ingest_leadership = start_ingest(config, *ingest_lock, ingest_cursors, ingest_sinks, clock,
                                        api.system_status(), metrics, &identity_changes);
  if (!ingest_leadership) return startup_failure(ingest_leadership.error());
  if (publish_dispatcher) publish_dispatcher->start();
  if (due_announcer) due_announcer->start();
  if (mail_worker) mail_worker->start();
  handle_worker.start();
  if (auto* fanout = api.live_event_fanout()) fanout->start();
  api.notification_pump().start();
  std::cout << "roost listening on " << url << std::endl;
  server.run();
  // After the last request: what they queued is delivered by the next start (or another
  // process), the outbox is durable.
  if (*ingest_leadership) (*ingest_leadership)->stop();
  handle_worker.stop();
  if (mail_worker) mail_worker->stop();
  if (due_announcer) due_announcer->stop();
  if (publish_dispatcher) publish_dispatcher->stop();
  api.notification_pump().stop();
  if (auto* fanout = api.live_event_fanout()) fanout->stop();
  blocking.stop();
  core::log::info("stopped");
  return 0;
}

}  // namespace roost::app
