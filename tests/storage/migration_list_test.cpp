#include <gtest/gtest.h>

#include "storage/embedded_migrations.hpp"

namespace roost::storage::testing {
namespace {

TEST(MigrationLists, BothBackendsListTheSameVersionsAndNames) {
  const auto sqlite = sqlite_migrations();
  const auto postgres = postgres_migrations();
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (std::size_t index = 0; index < sqlite.size(); ++index) {
    EXPECT_EQ(sqlite[index].version, postgres[index].version);
    EXPECT_EQ(sqlite[index].name, postgres[index].name);
  }
}

TEST(MigrationLists, VersionsStartAtOneWithoutGapsAndCarrySql) {
  for (const auto backend : {Backend::sqlite, Backend::postgres}) {
    const auto migrations = migrations_for(backend);
    ASSERT_FALSE(migrations.empty());
    for (std::size_t index = 0; index < migrations.size(); ++index) {
      EXPECT_EQ(migrations[index].version, static_cast<int>(index) + 1);
      EXPECT_FALSE(migrations[index].name.empty());
      // A schema change (no placeholder): it creates or alters something.
      const auto& sql = migrations[index].sql;
      EXPECT_TRUE(sql.find("CREATE ") != std::string_view::npos ||
                  sql.find("ALTER TABLE ") != std::string_view::npos)
          << migrations[index].name;
    }
  }
}

}  // namespace
}  // namespace roost::storage::testing
