// The ingest cursor repository's contract on both backends: a cursor per source URL, replaced
// by each save, absent until the first, forgotten by clear.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/ingest_cursor_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t saved_at_ms = 1'000'000;
const std::string relay = "wss://bsky.network";
const std::string pds = "ws://127.0.0.1:2583";

class IngestCursorRepositoryContract : public MigratedDatabaseTest {};

TEST_P(IngestCursorRepositoryContract, KeepsOneCursorPerSourceReplacedBySaves) {
  IngestCursorRepository cursors(database());
  auto none = cursors.get(relay);
  ASSERT_TRUE(succeeded(none));
  EXPECT_EQ(*none, std::nullopt);

  ASSERT_TRUE(succeeded(cursors.save(relay, 41, saved_at_ms)));
  ASSERT_TRUE(succeeded(cursors.save(pds, 7, saved_at_ms)));
  ASSERT_TRUE(succeeded(cursors.save(relay, 1'733'300'000'123'456, saved_at_ms + 1)));

  auto relay_cursor = cursors.get(relay);
  ASSERT_TRUE(succeeded(relay_cursor));
  EXPECT_EQ(*relay_cursor, 1'733'300'000'123'456);  // a Jetstream time_us fits
  auto pds_cursor = cursors.get(pds);
  ASSERT_TRUE(succeeded(pds_cursor));
  EXPECT_EQ(*pds_cursor, 7);
}

TEST_P(IngestCursorRepositoryContract, ClearForgetsOnlyThatSource) {
  IngestCursorRepository cursors(database());
  ASSERT_TRUE(succeeded(cursors.save(relay, 41, saved_at_ms)));
  ASSERT_TRUE(succeeded(cursors.save(pds, 7, saved_at_ms)));
  ASSERT_TRUE(succeeded(cursors.clear(relay)));
  ASSERT_TRUE(succeeded(cursors.clear(relay)));  // clearing nothing is not an error
  auto relay_cursor = cursors.get(relay);
  ASSERT_TRUE(succeeded(relay_cursor));
  EXPECT_EQ(*relay_cursor, std::nullopt);
  auto pds_cursor = cursors.get(pds);
  ASSERT_TRUE(succeeded(pds_cursor));
  EXPECT_EQ(*pds_cursor, 7);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, IngestCursorRepositoryContract,
                         ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, IngestCursorRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
