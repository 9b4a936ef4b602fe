#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace roost::api::http {

class HttpSession;

// The open connections of a server, so that shutdown can reach each of them.
class SessionRegistry {
 public:
  void add(const std::shared_ptr<HttpSession>& session) {
    std::lock_guard lock(mutex_);
    sessions_[session.get()] = session;
  }
  void remove(const HttpSession* session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  void for_each(const std::function<void(std::shared_ptr<HttpSession>)>& visit) const {
    std::vector<std::shared_ptr<HttpSession>> alive;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [pointer, weak] : sessions_) {
        if (auto session = weak.lock()) alive.push_back(std::move(session));
      }
    }
    for (auto& session : alive) visit(std::move(session));
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const HttpSession*, std::weak_ptr<HttpSession>> sessions_;
};

}  // namespace roost::api::http
