#include "scheduler/publish_dispatcher.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/backoff.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "domain/bluesky_facets.hpp"
#include "domain/bluesky_record_key.hpp"

namespace roost::scheduler {
namespace {

using networks::FailureKind;
using networks::NetworkError;

// Kinds whose record is a post under the job's key: find_post can look for it.
bool is_post_kind(storage::PostKind kind) {
  return kind == storage::PostKind::post || kind == storage::PostKind::reply ||
         kind == storage::PostKind::quote;
}

std::string describe(const NetworkError& error) {
  std::string text(networks::failure_kind_name(error.kind));
  if (error.http_status != 0) text += " (HTTP " + std::to_string(error.http_status) + ")";
  if (!error.code.empty()) text += " " + error.code;
  if (!error.message.empty()) text += ": " + error.message;
  return text;
}

NetworkError refusal(FailureKind kind, std::string message) {
  NetworkError error;
  error.kind = kind;
  error.message = std::move(message);
  return error;
}

long long id_field(std::int64_t value) { return static_cast<long long>(value); }

// The network time one job may take: every call of it (an image upload each, the
// lookup under the key, the record) timing out, refreshed and repeated.
std::int64_t job_lease_ms(std::size_t images) {
  auto calls = static_cast<std::int64_t>(images + 2) * core::limits::publish_job_network_calls_max;
  return calls * core::limits::network_total_timeout.count();
}

// A follow's subject names the account: its DID, or an at:// URI in its repository.
std::string followed_did(const std::string& subject) {
  std::string_view did = subject;
  constexpr std::string_view scheme = "at://";
  if (did.starts_with(scheme)) did.remove_prefix(scheme.size());
  return std::string(did.substr(0, did.find('/')));
}

}  // namespace

std::chrono::milliseconds publish_retry_delay(int failed_attempts,
                                              const PublishDispatcherOptions& options,
                                              double jitter) {
  return core::backoff_delay(failed_attempts, options.retry_base_delay, options.retry_max_delay,
                             options.retry_jitter_percent, jitter);
}

std::string make_dispatcher_owner() {
  char host[HOST_NAME_MAX + 1] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + "-" + std::to_string(getpid()) + "-" + core::random_hex(4);
}

networks::Network* DispatchNetworks::find(std::string_view name) const {
  auto kind = networks::parse_network(name);
  if (!kind) return nullptr;
  for (auto* network : networks) {
    if (network != nullptr && network->kind() == *kind) return network;
  }
  return nullptr;
}

// One profile's jobs of a claim, with what they share: the profile and its session.
struct PublishDispatcher::ProfileBatch {
  core::ProfileId profile;
  std::vector<storage::ClaimedJob> jobs;
  storage::ProfileRecord record;
  networks::Network* network = nullptr;
  networks::ProfileCredentials credentials;
  // What the vault held when `credentials` were loaded or last stored: a refresh is written
  // back, and a refusal marks the profile, only while the vault still holds it (a reconnect
  // meanwhile replaced it).
  storage::SealedCredentials stored;
  std::string stored_access_jwt;  // of `stored`: a refresh changes it
  bool connected = false;
  bool needs_reconnect = false;
};

// One job being dispatched.
struct PublishDispatcher::JobRun {
  const storage::ClaimedJob& claimed;
  storage::PostRecord post;
  std::string record_key;
  std::int64_t attempts = 0;  // sends started, this one included once marked
};

PublishDispatcher::PublishDispatcher(storage::PublishJobRepository& jobs,
                                     storage::PostRepository& posts,
                                     storage::ProfileRepository& profiles,
                                     services::ProfileAlerts& alerts,
                                     services::ProfileCredentialVault& vault,
                                     DispatchNetworks networks, const core::Clock& clock,
                                     PublishDispatcherOptions options)
    : jobs_(jobs),
      posts_(posts),
      profiles_(profiles),
      alerts_(alerts),
      vault_(vault),
      networks_(std::move(networks)),
      clock_(clock),
      options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = make_dispatcher_owner();
  auto seed = core::random_bytes(sizeof jitter_state_);
  std::copy(seed.begin(), seed.end(), reinterpret_cast<unsigned char*>(&jitter_state_));
}

PublishDispatcher::~PublishDispatcher() { stop(); }

core::Result<std::size_t> PublishDispatcher::run_once() {
  beat();
  auto claimed = jobs_.claim_due(clock_.now_ms(), options_.owner, options_.claim_lease.count(),
                                 options_.batch_max);
  if (!claimed) return std::move(claimed).error();
  std::vector<ProfileBatch> batches;
  std::unordered_map<std::int64_t, std::size_t> batch_of_profile;
  for (auto& job : *claimed) {
    auto [found, added] = batch_of_profile.try_emplace(job.job.profile.value, batches.size());
    if (added)
      batches.push_back(ProfileBatch{job.job.profile, {}, {}, nullptr, {}, {}, {}, false, false});
    batches[found->second].jobs.push_back(std::move(job));
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < batches.size(); i = next.fetch_add(1)) {
      dispatch_profile(batches[i]);
    }
  };
  std::size_t thread_count = std::min(std::max<std::size_t>(options_.threads, 1), batches.size());
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < thread_count; ++t) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  beat();
  return claimed->size();
}

void PublishDispatcher::dispatch_profile(ProfileBatch& batch) {
  auto profile = profiles_.find(batch.profile);
  if (!profile) {
    // The leases end and the next claim tries again.
    core::log::warn("publish.profile_unreadable", {{"profile_id", id_field(batch.profile.value)},
                                                   {"error", profile.error().message}});
    return;
  }
  if (!profile->has_value()) return;  // removed, and its jobs with it
  batch.record = std::move(**profile);
  batch.network = networks_.find(batch.record.network);
  batch.needs_reconnect =
      batch.record.status == storage::profile_status_name(storage::ProfileStatus::needs_reconnect);
  if (batch.network != nullptr && !batch.needs_reconnect) {
    auto loaded = load_credentials(batch);
    if (!loaded && loaded.error().code != core::ErrorCode::not_found) {
      core::log::error(
          "publish.credentials_unreadable",
          {{"profile_id", id_field(batch.profile.value)}, {"error", loaded.error().message}});
      return;
    }
  }
  for (const auto& claimed : batch.jobs) {
    // On shutdown the rest is left claimed: it goes out when the lease ends, by the next
    // start or another process.
    if (stop_requested()) break;
    dispatch_job(batch, claimed);
    persist_refreshed_credentials(batch);
    beat();
  }
}

void PublishDispatcher::dispatch_job(ProfileBatch& batch, const storage::ClaimedJob& claimed) {
  JobRun run{claimed, {}, {}, claimed.job.attempts};
  auto post = posts_.find(claimed.job.org, claimed.job.post);
  if (!post) {
    core::log::warn("publish.post_unreadable",
                    {{"job_id", id_field(claimed.job.id.value)}, {"error", post.error().message}});
    return;
  }
  if (!post->has_value()) return;
  run.post = std::move(**post);
  const std::string handle = "@" + batch.record.handle;
  if (batch.network == nullptr) {
    return fail(batch, run, "Roost cannot publish to " + batch.record.network + " yet");
  }
  if (batch.needs_reconnect) {
    return fail(batch, run, "the profile " + handle + " needs to be connected again");
  }
  if (!batch.connected) return fail(batch, run, "the profile " + handle + " is not connected");
  auto key = domain::record_key_for_job(claimed.job.id.value, claimed.job.created_at_us);
  if (!key) return fail(batch, run, key.error().message);
  run.record_key = *key;

  auto now = clock_.now_ms();
  auto lease_needed = options_.job_lease.count() > 0 ? options_.job_lease.count()
                                                     : job_lease_ms(run.post.images.size());
  if (claimed.job.lease_expires_at_ms - now < lease_needed) {
    if (lease_lost(jobs_.extend_lease(claimed.lease, now + lease_needed, now), run)) return;
  }
  // Sent before (a crash, a timeout, a retry): the record may be there already.
  bool check_first = is_post_kind(run.post.kind) && claimed.job.attempts > 0;
  if (run.attempts >= options_.attempts_max) {
    // Only a job whose dispatcher stopped while it was sent, every time, gets here.
    return give_up(batch, run, "the last ended without an answer");
  }
  if (lease_lost(jobs_.mark_sent(claimed.lease, clock_.now_ms()), run)) return;
  run.attempts += 1;
  if (check_first) {
    auto found = batch.network->find_post(batch.credentials, run.record_key);
    if (!found) return settle_failure(batch, run, found.error());
    if (found->has_value()) return complete(run, **found, true);
  }
  send(batch, run);
}

void PublishDispatcher::send(ProfileBatch& batch, JobRun& run) {
  const auto& post = run.post;
  auto& network = *batch.network;
  auto& credentials = batch.credentials;
  std::optional<networks::StrongRef> subject;
  if (post.subject) subject = networks::StrongRef{post.subject->uri, post.subject->cid};
  networks::NetworkResult<networks::PublishedPost> result =
      refusal(FailureKind::permanent, "unsupported");
  switch (post.kind) {
    case storage::PostKind::post:
    case storage::PostKind::reply:
    case storage::PostKind::quote: {
      networks::PostContent content;
      const storage::TargetRecord* target = nullptr;
      for (const auto& candidate : post.targets) {
        if (candidate.profile == batch.profile) target = &candidate;
      }
      content.text =
          target != nullptr && target->text_override ? *target->text_override : post.text;
      auto facets = domain::detect_facets(content.text);
      if (!facets) {
        return settle_failure(batch, run, refusal(FailureKind::permanent, facets.error().message));
      }
      // A handle that does not resolve stays plain text; a server that does not answer
      // must not publish the post without its mentions.
      std::optional<NetworkError> resolve_error;
      auto resolve = [&](std::string_view handle) -> std::optional<std::string> {
        if (resolve_error) return std::nullopt;
        auto did = network.resolve_handle(credentials, handle);
        if (did) return *did;
        if (did.error().kind != FailureKind::not_found) resolve_error = did.error();
        return std::nullopt;
      };
      auto resolved = domain::resolve_mentions(std::move(*facets), resolve);
      if (resolve_error) return settle_failure(batch, run, *resolve_error);
      if (!resolved.empty()) {
        auto facets_json = domain::facets_to_json(resolved);
        if (!facets_json.empty()) content.facets_json = facets_json.dump();
      }
      content.langs = post.langs;
      for (const auto& image : post.images) {
        auto bytes = posts_.image_bytes(post.org, post.id, image.position);
        if (!bytes) {
          return settle_failure(batch, run, refusal(FailureKind::transient, bytes.error().message));
        }
        if (!bytes->has_value()) {
          return settle_failure(batch, run, refusal(FailureKind::permanent, "an image is gone"));
        }
        networks::PostImage attached;
        attached.bytes.assign((*bytes)->bytes.begin(), (*bytes)->bytes.end());
        attached.mime_type = image.mime_type;
        attached.alt = image.alt_text;
        if (image.width > 0 && image.height > 0) {
          attached.aspect_ratio =
              std::pair(static_cast<int>(image.width), static_cast<int>(image.height));
        }
        content.images.push_back(std::move(attached));
      }
      if (post.reply_root && post.reply_parent) {
        content.reply = networks::ReplyRefs{{post.reply_root->uri, post.reply_root->cid},
                                            {post.reply_parent->uri, post.reply_parent->cid}};
      }
      if (post.kind == storage::PostKind::quote) content.quote = subject;
      content.created_at = clock_.now();
      result = network.publish(credentials, run.record_key, content);
      break;
    }
    case storage::PostKind::repost:
    case storage::PostKind::like:
      if (!subject) {
        result = refusal(FailureKind::permanent, "no post to like or repost");
      } else if (post.kind == storage::PostKind::like) {
        result = network.like(credentials, run.record_key, *subject);
      } else {
        result = network.repost(credentials, run.record_key, *subject);
      }
      break;
    case storage::PostKind::follow:
      if (!subject) {
        result = refusal(FailureKind::permanent, "no account to follow");
      } else {
        result = network.follow(credentials, run.record_key, followed_did(subject->uri));
      }
      break;
    case storage::PostKind::unfollow:
    case storage::PostKind::delete_record:
      // The subject is the record to delete (for an unfollow, the follow record: the
      // service checked its collection); the network refuses a record of another account.
      // Deleting is idempotent, so a retry after an unknown outcome needs no lookup.
      if (!subject) {
        result = refusal(FailureKind::permanent, "no record to delete");
      } else if (auto deleted = network.delete_record(credentials, subject->uri); !deleted) {
        result = deleted.error();
      } else {
        result = networks::PublishedPost{subject->uri, ""};
      }
      break;
  }
  if (result) return complete(run, *result, false);
  settle_failure(batch, run, result.error());
}

void PublishDispatcher::settle_failure(ProfileBatch& batch, JobRun& run,
                                       const NetworkError& error) {
  auto backoff = [&] {
    return publish_retry_delay(static_cast<int>(run.attempts), options_, next_jitter());
  };
  auto retry_or_give_up = [&](std::chrono::milliseconds delay) {
    if (run.attempts >= options_.attempts_max) return give_up(batch, run, describe(error));
    retry(run, delay, describe(error));
  };
  switch (error.kind) {
    case FailureKind::already_exists:
      if (error.existing) return complete(run, *error.existing, true);
      return retry_or_give_up(backoff());
    case FailureKind::rate_limited:
      if (error.retry_after) {
        return retry_or_give_up(
            std::chrono::duration_cast<std::chrono::milliseconds>(*error.retry_after));
      }
      return retry_or_give_up(backoff());
    case FailureKind::transient:
    case FailureKind::outcome_unknown:
    case FailureKind::auth_expired:  // the network refreshed already; try again later
      return retry_or_give_up(backoff());
    case FailureKind::auth_revoked:
      if (reconnected_meanwhile(batch)) {
        // The refused session is the one replaced by a reconnect since the batch loaded
        // it: the profile is fine, and the job goes out with the new session.
        return retry_or_give_up(std::chrono::milliseconds(0));
      }
      mark_needs_reconnect(batch, error.message);
      return fail(batch, run,
                  "the profile @" + batch.record.handle +
                      " needs to be connected again: " + describe(error));
    case FailureKind::permanent:
    case FailureKind::not_found: return fail(batch, run, describe(error));
  }
}

// An attempt may have reached the network without an answer (this one or an earlier):
// a record found under the key means the target is published, not failed.
void PublishDispatcher::give_up(ProfileBatch& batch, JobRun& run, const std::string& last_error) {
  std::string error = "gave up after " + std::to_string(run.attempts) + " attempts: " + last_error;
  if (is_post_kind(run.post.kind) && run.attempts > 0) {
    auto found = batch.network->find_post(batch.credentials, run.record_key);
    if (found && found->has_value()) return complete(run, **found, true);
    if (!found) {
      error +=
          "; whether the post reached the network could not be checked: " + describe(found.error());
    }
  }
  fail(batch, run, error);
}

void PublishDispatcher::complete(JobRun& run, const networks::PublishedPost& record,
                                 bool found_existing) {
  auto completed = jobs_.complete(run.claimed.lease, {record.uri, record.cid}, clock_.now_ms());
  if (!completed) {
    // The record exists and the job says sent: the next claim after the lease finds it.
    lease_lost(core::Result<void>(completed.error()), run);
    return;
  }
  published_total_.fetch_add(1);
  if (found_existing) found_existing_total_.fetch_add(1);
  core::log::info("publish.published", {{"job_id", id_field(run.claimed.job.id.value)},
                                        {"post_id", id_field(run.post.id.value)},
                                        {"uri", record.uri},
                                        {"found_existing", found_existing},
                                        {"attempts", id_field(run.attempts)}});
}

void PublishDispatcher::retry(JobRun& run, std::chrono::milliseconds delay,
                              const std::string& error) {
  auto now = clock_.now_ms();
  auto retried = jobs_.retry(run.claimed.lease, now + delay.count(), error, now);
  if (!retried) {
    lease_lost(core::Result<void>(retried.error()), run);
    return;
  }
  retried_total_.fetch_add(1);
  core::log::info("publish.retry_scheduled", {{"job_id", id_field(run.claimed.job.id.value)},
                                              {"attempts", id_field(run.attempts)},
                                              {"retry_in_ms", id_field(delay.count())},
                                              {"error", error}});
}

void PublishDispatcher::fail(ProfileBatch& batch, JobRun& run, const std::string& error) {
  const auto& job = run.claimed.job;
  auto now = clock_.now_ms();
  nlohmann::json payload{{"post_id", job.post.value},
                         {"profile_id", job.profile.value},
                         {"handle", batch.record.handle},
                         {"error", error},
                         {"link", options_.public_url + "/orgs/" + std::to_string(job.org.value) +
                                      "/posts/" + std::to_string(job.post.value)}};
  std::vector<storage::NotificationDraft> notices;
  std::vector<core::UserId> recipients;
  if (run.post.author) recipients.push_back(*run.post.author);
  if (batch.record.owner && batch.record.owner != run.post.author) {
    recipients.push_back(*batch.record.owner);
  }
  for (auto user : recipients) {
    notices.push_back({user, job.org, "post.publish_failed", payload.dump(), now});
  }
  auto failed = jobs_.fail(run.claimed.lease, error, now, notices);
  if (!failed) {
    lease_lost(core::Result<void>(failed.error()), run);
    return;
  }
  failed_total_.fetch_add(1);
  core::log::warn("publish.failed", {{"job_id", id_field(job.id.value)},
                                     {"post_id", id_field(job.post.value)},
                                     {"attempts", id_field(run.attempts)},
                                     {"error", error}});
}

// ProfileAlerts tells the owner only when the status changed, so one notice however many
// jobs find the credentials refused; the batch remembers it so its later jobs fail at once.
void PublishDispatcher::mark_needs_reconnect(ProfileBatch& batch, std::string_view reason) {
  if (batch.needs_reconnect) return;
  batch.needs_reconnect = true;
  auto changed = alerts_.mark_needs_reconnect(batch.profile, reason, batch.stored);
  if (!changed) {
    core::log::error("publish.status_unwritten", {{"profile_id", id_field(batch.profile.value)},
                                                  {"error", changed.error().message}});
    return;
  }
  core::log::warn("publish.needs_reconnect", {{"profile_id", id_field(batch.profile.value)},
                                              {"handle", batch.record.handle},
                                              {"changed", *changed}});
}

core::Result<void> PublishDispatcher::load_credentials(ProfileBatch& batch) {
  auto loaded = vault_.load_sealed(batch.profile);
  if (!loaded) return std::move(loaded).error();
  batch.credentials = std::move(loaded->credentials);
  batch.stored = std::move(loaded->sealed);
  batch.stored_access_jwt = batch.credentials.access_jwt;
  batch.connected = true;
  return core::success();
}

// Someone connected the profile again since the batch loaded its session: the batch goes on
// with the new one.
bool PublishDispatcher::reconnected_meanwhile(ProfileBatch& batch) {
  auto current = profiles_.credentials(batch.profile);
  if (!current || !current->has_value() || **current == batch.stored) return false;
  core::log::info("publish.profile_reconnected", {{"profile_id", id_field(batch.profile.value)}});
  if (auto loaded = load_credentials(batch); !loaded) {
    core::log::error(
        "publish.credentials_unreadable",
        {{"profile_id", id_field(batch.profile.value)}, {"error", loaded.error().message}});
    return false;
  }
  return true;
}

void PublishDispatcher::persist_refreshed_credentials(ProfileBatch& batch) {
  if (!batch.connected || batch.credentials.access_jwt == batch.stored_access_jwt) return;
  // Compare-and-set on what the batch loaded: a reconnect meanwhile wins over a session
  // refreshed from the one it replaced.
  auto stored = vault_.replace(batch.profile, batch.stored, batch.credentials);
  if (stored) {
    batch.stored = std::move(*stored);
    batch.stored_access_jwt = batch.credentials.access_jwt;
    return;
  }
  if (stored.error().code == core::ErrorCode::conflict) {
    core::log::info("publish.profile_reconnected", {{"profile_id", id_field(batch.profile.value)}});
    if (load_credentials(batch)) return;
  }
  // The old refresh token may be spent: the next job refreshes again or finds it revoked.
  core::log::error("publish.credentials_unsaved", {{"profile_id", id_field(batch.profile.value)},
                                                   {"error", stored.error().message}});
}

bool PublishDispatcher::lease_lost(const core::Result<void>& result, const JobRun& run) {
  if (result) return false;
  const auto& error = result.error();
  if (error.code == core::ErrorCode::conflict || error.code == core::ErrorCode::not_found) {
    // Another claim took the job over (this lease ran out), or its profile was removed.
    lease_lost_total_.fetch_add(1);
    core::log::info("publish.lease_lost",
                    {{"job_id", id_field(run.claimed.job.id.value)}, {"error", error.message}});
  } else {
    core::log::warn("publish.job_unwritten",
                    {{"job_id", id_field(run.claimed.job.id.value)}, {"error", error.message}});
  }
  return true;
}

double PublishDispatcher::next_jitter() {
  std::lock_guard lock(jitter_mutex_);
  // splitmix64: spreading retries needs no cryptographic randomness.
  jitter_state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = jitter_state_;
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  z ^= z >> 31U;
  constexpr double two_to_64 = 18446744073709551616.0;
  return static_cast<double>(z) / two_to_64 * 2.0 - 1.0;
}

void PublishDispatcher::beat() { heartbeat_ms_.store(clock_.now_ms()); }

bool PublishDispatcher::stop_requested() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void PublishDispatcher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  running_.store(true);
  beat();
  thread_ = std::thread([this] { run(); });
  if (due_channel_ != nullptr) listener_ = std::thread([this] { listen(); });
}

void PublishDispatcher::listen_for_due(storage::LiveEventChannel* channel) {
  std::lock_guard lock(mutex_);
  due_channel_ = channel;
}

void PublishDispatcher::listen() {
  // Listening starts with the first receive and again after a lost connection: what was
  // announced before (or while reconnecting) is not heard, so a (re)start of listening looks
  // once at what is due. Our own announcements (the payload is the owner) are not news.
  bool listening = false;
  bool reported = false;
  while (!stop_requested()) {
    auto received = due_channel_->receive(core::limits::live_event_receive_wait);
    if (!received) {
      listening = false;
      if (!reported) {
        core::log::warn("publish.due_channel_lost", {{"error", received.error().message}});
        reported = true;
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, core::limits::live_event_reconnect_wait, [this] { return stopping_; });
      continue;
    }
    reported = false;
    bool news = !listening;
    listening = true;
    for (const auto& owner : *received) news = news || owner != options_.owner;
    if (news) wake();
  }
}

void PublishDispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void PublishDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (listener_.joinable()) listener_.join();
  running_.store(false);
}

void PublishDispatcher::run() {
  core::log::info("publish.dispatcher_started", {{"owner", options_.owner}});
  constexpr std::chrono::milliseconds contended_wait{5};
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    // A pass runs without the lock: stop() only waits for the jobs in flight. Claiming is a
    // write (SQLite's one writer): only claim when something is due.
    beat();
    std::chrono::milliseconds wait = options_.poll_interval;
    auto next = jobs_.next_due_at();
    if (!next) {
      core::log::warn("publish.next_due_unreadable", {{"error", next.error().message}});
    } else if (next->has_value()) {
      auto until = std::chrono::milliseconds(**next - clock_.now_ms());
      if (until.count() > 0) {
        // Sleep until the next job is due, not a poll interval: due jobs go out on time.
        wait = std::min(until, options_.poll_interval);
      } else if (auto claimed = run_once(); !claimed) {
        core::log::warn("publish.claim_failed", {{"error", claimed.error().message}});
      } else {
        // Look again at once; due, yet nothing to claim: another process holds its row for
        // a moment.
        wait = *claimed == 0 ? contended_wait : std::chrono::milliseconds(0);
      }
    }
    lock.lock();
    if (wait.count() > 0) {
      wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    }
  }
  core::log::info("publish.dispatcher_stopped", {{"owner", options_.owner}});
}

PublishDispatchCounts PublishDispatcher::counts() const {
  return {published_total_.load(), found_existing_total_.load(), retried_total_.load(),
          failed_total_.load(), lease_lost_total_.load()};
}

services::ReadinessCheck PublishDispatcher::readiness_check() const {
  const std::string name = "publish_dispatcher";
  if (!running_.load()) return {name, false, "not running"};
  auto age_ms = clock_.now_ms() - heartbeat_ms_.load();
  bool fresh = age_ms <= options_.heartbeat_stale_after.count();
  return {name, fresh,
          "last heartbeat " + std::to_string(age_ms) + " ms ago" +
              (fresh ? ""
                     : " (stale after " + std::to_string(options_.heartbeat_stale_after.count()) +
                           " ms)")};
}

}  // namespace roost::scheduler
