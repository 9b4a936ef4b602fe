#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "scratch_database.hpp"
#include "storage/migrations.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {

// A repository contract test: a fresh database of the parameter's backend, migrated to
// the latest schema, for each test.
class MigratedDatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto scratch = ScratchDatabase::create(GetParam());
    ASSERT_TRUE(succeeded(scratch));
    scratch_ = std::move(scratch).value();
    auto opened = open_database(scratch_->url(), {});
    ASSERT_TRUE(succeeded(opened));
    database_ = std::move(opened).value();
    ASSERT_TRUE(succeeded(migrate(*database_)));
  }

  Database& database() { return *database_; }

 private:
  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<Database> database_;
};

}  // namespace roost::storage::testing
