#pragma once

#include <chrono>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "networks/identity.hpp"

// Resolving the handles a user typed when something that names accounts is saved: a
// stream's from: and @ terms (ADR 0032), a routing rule's author (ADR 0034). One time budget
// for the whole save, whatever the number of handles. Blocking (network): call through the
// blocking executor.
namespace roost::services {

// The budget of one save: distinct handles resolved at once, at most
// handle_lookups_concurrent_max at a time, every lookup ending by the same deadline, so that
// a resolver that does not answer holds the request for the budget, not a timeout per handle
// (ADR 0034).
inline constexpr std::chrono::milliseconds handle_lookup_budget{4'000};
inline constexpr std::size_t handle_lookups_concurrent_max = 8;

// How a handle is looked up and kept: lower-cased, without a leading '@'.
std::string handle_key(std::string_view handle);

// Each handle's answer, by its handle_key.
using HandleAnswers = std::map<std::string, networks::NetworkResult<std::string>>;

// Resolves the distinct handles at the same time (at most handle_lookups_concurrent_max at
// once), every lookup ending by one deadline `budget` from now: the call returns within the
// budget (and the resolver's own timeouts), never the sum of the lookups. A lookup the
// deadline cut short is transient.
HandleAnswers lookup_handles(networks::IdentityResolver& identities,
                             std::span<const std::string> handles,
                             std::chrono::milliseconds budget = handle_lookup_budget);

// What a save answers for a handle it needed that did not resolve, `term` being how the user
// wrote it ("from:alice.test", "alice.test"): invalid_request with a detail on `field` when
// the handle names no account; unavailable otherwise, naming the term and the kind of
// failure only. The resolver's own words (its host, curl's text) are logged as `log_event`,
// never returned.
core::Error unresolved_handle(std::string_view field, const std::string& term,
                              const networks::NetworkError& error, std::string_view log_event);

}  // namespace roost::services
