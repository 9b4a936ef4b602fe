#include "ingest/streams_sink.hpp"

#include <chrono>

namespace roost::ingest {
namespace {

// After a failed rebuild (the database did not answer), the next attempt comes this late.
constexpr std::chrono::milliseconds rebuild_retry_delay{1'000};

}  // namespace

StreamsSink::StreamsSink(services::Streams& streams, services::StreamItemRecorder& recorder)
    : streams_(streams),
      recorder_(recorder),
      session_(matcher_),
      rebuilder_([this](std::stop_token stop) { rebuild_loop(std::move(stop)); }) {}

StreamsSink::~StreamsSink() {
  rebuilder_.request_stop();
  wake_.notify_all();
}

std::int64_t StreamsSink::compiled_revision() const {
  std::lock_guard lock(mutex_);
  return compiled_revision_;
}

std::shared_ptr<const StreamsSink::TeamOf> StreamsSink::teams() const {
  std::lock_guard lock(mutex_);
  return teams_;
}

core::Result<void> StreamsSink::rebuild_now() {
  std::lock_guard rebuilding(rebuild_mutex_);
  // Read before the streams: a change made while they load moves it again, and is compiled
  // by the next rebuild.
  auto revision = streams_.revision();
  if (!revision) return std::move(revision).error();
  auto active = streams_.active_streams();
  if (!active) return std::move(active).error();
  std::vector<MatchableStream> compiled;
  auto teams = std::make_shared<TeamOf>();
  compiled.reserve(active->size());
  for (auto& stream : *active) {
    (*teams)[stream.id.value] = stream.team;
    compiled.push_back({stream.id, std::move(stream.query)});
  }
  // The team map first: until the swap, the old snapshot's streams that are gone find no
  // team and are skipped (their items would be refused anyway); the new ones only match
  // once swapped in, and find theirs.
  {
    std::lock_guard lock(mutex_);
    teams_ = std::move(teams);
  }
  if (auto built = matcher_.rebuild(compiled); !built) return built;
  std::lock_guard lock(mutex_);
  compiled_revision_ = *revision;
  return core::success();
}

void StreamsSink::rebuild_loop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    const bool wanted =
        wake_.wait(lock, stop, [this] { return wanted_revision_ > compiled_revision_; });
    if (!wanted) return;  // stop requested
    lock.unlock();
    const bool built = rebuild_now().ok();
    lock.lock();
    if (!built) wake_.wait_for(lock, stop, rebuild_retry_delay, [] { return false; });
  }
}

core::Result<void> StreamsSink::accept(std::span<const domain::IncomingPost> posts) {
  auto revision = streams_.revision();
  if (!revision) return std::move(revision).error();
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = compiled_revision_ < 0;
    if (!first && *revision != compiled_revision_ && *revision != wanted_revision_) {
      wanted_revision_ = *revision;
      wake_.notify_one();
    }
  }
  if (first) {
    if (auto built = rebuild_now(); !built) return built;
  }
  const auto teams = this->teams();
  matches_.clear();
  for (const auto& post : posts) {
    found_.clear();
    if (auto matched = session_.match(post, found_); !matched) return matched;
    for (core::StreamId stream : found_) {
      auto team = teams->find(stream.value);
      if (team == teams->end()) continue;
      matches_.push_back({stream, team->second, &post});
    }
  }
  if (matches_.empty()) return core::success();
  auto recorded = recorder_.record_matches(matches_);
  if (!recorded) return std::move(recorded).error();
  return core::success();
}

}  // namespace roost::ingest
