#pragma once

#include <gtest/gtest.h>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage::testing {

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
