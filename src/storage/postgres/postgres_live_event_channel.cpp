#include "storage/postgres/postgres_live_event_channel.hpp"

#include <mutex>

#include <pqxx/pqxx>

#include "core/limits.hpp"
#include "storage/postgres/postgres_conninfo.hpp"
#include "storage/postgres/postgres_errors.hpp"

namespace roost::storage::postgres {
namespace {

core::Error lost(std::string_view what) {
  auto failure = current_exception_failure();
  failure.error.code = core::ErrorCode::unavailable;
  failure.error.message = std::string(what) + ": " + failure.error.message;
  return failure.error;
}

// Collects what await_notification() delivers on the listening connection.
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel,
           std::vector<std::string>& sink)
      : pqxx::notification_receiver(connection, channel), sink_(sink) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    sink_.push_back(payload);
  }

 private:
  std::vector<std::string>& sink_;
};

class PostgresLiveEventChannel final : public LiveEventChannel {
 public:
  PostgresLiveEventChannel(std::string conninfo, std::string channel)
      : conninfo_(std::move(conninfo)), channel_(std::move(channel)) {}
  ~PostgresLiveEventChannel() override {
    receiver_.reset();  // unlistens on its connection, which must still be open
  }

  core::Result<void> notify(std::string_view payload) override {
    if (payload.size() > core::limits::live_event_payload_bytes_max) {
      return core::make_error(core::ErrorCode::invalid_request,
                              "a live event over PostgreSQL's NOTIFY limit");
    }
    std::lock_guard lock(send_mutex_);
    try {
      if (!sender_ || !sender_->is_open()) sender_ = std::make_unique<pqxx::connection>(conninfo_);
      pqxx::nontransaction transaction(*sender_);
      transaction.exec_params("SELECT pg_notify($1, $2)", channel_, std::string(payload));
      return core::success();
    } catch (const std::exception&) {
      sender_.reset();
      return lost("cannot send a live event");
    }
  }

  core::Result<std::vector<std::string>> receive(std::chrono::milliseconds timeout) override {
    std::vector<std::string> received;
    try {
      if (!listener_ || !listener_->is_open()) {
        receiver_.reset();
        listener_ = std::make_unique<pqxx::connection>(conninfo_);
        receiver_ = std::make_unique<Receiver>(*listener_, channel_, pending_);
      }
      // Already delivered notifications first; else wait for the next ones.
      listener_->get_notifs();
      if (pending_.empty()) {
        auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
        auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout - seconds);
        listener_->await_notification(static_cast<long>(seconds.count()),
                                      static_cast<long>(micros.count()));
      }
    } catch (const std::exception&) {
      receiver_.reset();
      listener_.reset();
      pending_.clear();
      return lost("cannot receive live events");
    }
    received.swap(pending_);
    return received;
  }

 private:
  std::string conninfo_;
  std::string channel_;
  std::mutex send_mutex_;
  std::unique_ptr<pqxx::connection> sender_;
  std::unique_ptr<pqxx::connection> listener_;
  std::vector<std::string> pending_;
  std::unique_ptr<Receiver> receiver_;
};

}  // namespace

std::string live_event_channel_conninfo(const std::string& conninfo) {
  return conninfo_with_defaults(
      conninfo, held_connection_parameters(core::limits::live_event_connect_timeout.count()));
}

std::unique_ptr<LiveEventChannel> open_postgres_live_event_channel(const std::string& conninfo,
                                                                   std::string channel) {
  return std::make_unique<PostgresLiveEventChannel>(live_event_channel_conninfo(conninfo),
                                                    std::move(channel));
}

}  // namespace roost::storage::postgres
