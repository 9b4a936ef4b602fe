#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage::testing {

// The instants and the page size the repository tests share: a row's creation, a change
// after it, and a listing's limit larger than any test's rows.
inline constexpr std::int64_t created_at_ms = 1'000'000;
inline constexpr std::int64_t later_ms = 2'000'000;
inline constexpr std::size_t listed_max = 100;

// EXPECT_TRUE(succeeded(result)) prints the error's code and message when it fails.
template <class T>
::testing::AssertionResult succeeded(const core::Result<T>& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << core::error_code_name(result.error().code) << ": " << result.error().message;
}

// EXPECT_TRUE(failed_with(result, ErrorCode::conflict)).
template <class T>
::testing::AssertionResult failed_with(const core::Result<T>& result, core::ErrorCode code) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "succeeded, expected " << core::error_code_name(code);
  }
  if (result.error().code == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "failed with " << core::error_code_name(result.error().code) << " ("
         << result.error().message << "), expected " << core::error_code_name(code);
}

}  // namespace roost::storage::testing
