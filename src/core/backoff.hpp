#pragma once

#include <algorithm>
#include <chrono>

// Exponential backoff with jitter, the one implementation behind every retry loop (publish
// retries in scheduler/, reconnects in ingest/).
namespace roost::core {

// How long to wait after the `failed_attempts`-th failure in a row (1 for the first): `base`
// doubled per further failure, capped at `max`, then moved by `jitter` (in [-1, 1], clamped)
// times `jitter_percent` percent. Jitter spreads the retries of many clients that failed
// together (a relay restart) so that they do not come back in one burst.
inline std::chrono::milliseconds backoff_delay(int failed_attempts, std::chrono::milliseconds base,
                                               std::chrono::milliseconds max, int jitter_percent,
                                               double jitter) {
  auto delay = base;
  for (int i = 1; i < failed_attempts && delay < max; ++i) delay *= 2;
  delay = std::min(delay, max);
  constexpr double percent = 100.0;
  const double factor = 1.0 + std::clamp(jitter, -1.0, 1.0) * jitter_percent / percent;
  return std::chrono::milliseconds(
      static_cast<long long>(static_cast<double>(delay.count()) * factor));
}

}  // namespace roost::core
