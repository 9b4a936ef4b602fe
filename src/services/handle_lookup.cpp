#include "services/handle_lookup.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "core/ascii.hpp"
#include "core/log.hpp"

namespace roost::services {

std::string handle_key(std::string_view handle) {
  std::string key = core::ascii_lower(handle);
  if (!key.empty() && key.front() == '@') key.erase(0, 1);
  return key;
}

HandleAnswers lookup_handles(networks::IdentityResolver& identities,
                             std::span<const std::string> handles,
                             std::chrono::milliseconds budget) {
  std::vector<std::string> distinct;
  for (const auto& handle : handles) {
    std::string key = handle_key(handle);
    if (std::find(distinct.begin(), distinct.end(), key) == distinct.end()) {
      distinct.push_back(std::move(key));
    }
  }
  HandleAnswers answers;
  if (distinct.empty()) return answers;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  std::vector<std::optional<networks::NetworkResult<std::string>>> results(distinct.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t at = next++; at < distinct.size(); at = next++) {
      results[at] = identities.did_of_handle(distinct[at], deadline);
    }
  };
  {
    // Every lookup ends by the deadline, so joining the helpers waits at most the budget.
    std::vector<std::jthread> helpers;
    const std::size_t wanted = std::min(distinct.size(), handle_lookups_concurrent_max) - 1;
    for (std::size_t count = 0; count < wanted; ++count) {
      try {
        helpers.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // no thread to spare: the ones running (and this one) share the work
      }
    }
    work();
  }
  for (std::size_t at = 0; at < distinct.size(); ++at) {
    answers.emplace(std::move(distinct[at]), std::move(*results[at]));
  }
  return answers;
}

core::Error unresolved_handle(std::string_view field, const std::string& term,
                              const networks::NetworkError& error, std::string_view log_event) {
  if (error.kind == networks::FailureKind::not_found) {
    const std::string message = term + " names no account: the handle does not resolve";
    auto refused =
        core::make_error(core::ErrorCode::invalid_request, std::string(field) + " " + message);
    refused.details.push_back({std::string(field), message, 0, 0});
    return refused;
  }
  const std::string kind(networks::failure_kind_name(error.kind));
  core::log::warn(log_event, {{"term", term}, {"kind", kind}, {"error", error.message}});
  auto failed =
      core::make_error(core::ErrorCode::unavailable, "could not resolve " + term + " now (" + kind +
                                                         "): nothing was saved, try again shortly");
  failed.details.push_back({std::string(field), term + " could not be resolved now", 0, 0});
  return failed;
}

}  // namespace roost::services
