#include "domain/bluesky_record_key.hpp"

#include <set>

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

std::string tid(std::int64_t unix_micros, int clock_id) {
  auto made = make_tid(unix_micros, clock_id);
  EXPECT_TRUE(made.ok());
  return made.ok() ? *made : std::string();
}

TEST(BlueskyRecordKey, EncodesTheSpecsValues) {
  // "The TID corresponding to integer zero is 2222222222222" (atproto TID spec).
  EXPECT_EQ(tid(0, 0), "2222222222222");
  EXPECT_EQ(tid(0, 1), "2222222222223");
  EXPECT_EQ(tid(0, 31), "222222222222z");
  EXPECT_EQ(tid(0, 1023), "22222222222zz");
  EXPECT_EQ(tid(tid_unix_micros_max, tid_clock_id_max), "bzzzzzzzzzzzz");
  // The spec's example TID, read back and written again.
  auto example = decode_tid("3jzfcijpj2z2a");
  ASSERT_TRUE(example.has_value());
  EXPECT_EQ(tid(example->unix_micros, example->clock_id), "3jzfcijpj2z2a");
  // Its timestamp is a real one: mid-2023.
  EXPECT_GT(example->unix_micros, 1'600'000'000'000'000);
  EXPECT_LT(example->unix_micros, 1'700'000'000'000'000);
}

TEST(BlueskyRecordKey, RoundTripsAndSortsAsTime) {
  std::int64_t now_us = 1'796'000'000'123'456;  // 2026
  auto earlier = tid(now_us, 1000);
  auto later = tid(now_us + 1, 0);
  EXPECT_LT(earlier, later);
  EXPECT_LT(tid(now_us, 5), tid(now_us, 6));
  auto decoded = decode_tid(earlier);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->unix_micros, now_us);
  EXPECT_EQ(decoded->clock_id, 1000);
}

TEST(BlueskyRecordKey, ValidatesTheSpecsSyntax) {
  for (std::string_view good :
       {"3jzfcijpj2z2a", "7777777777777", "3zzzzzzzzzzzz", "2222222222222", "jzzzzzzzzzzzz"}) {
    EXPECT_TRUE(is_valid_tid(good)) << good;
  }
  for (std::string_view bad :
       {"3jzfcijpj2z21", "0000000000000", "3JZFCIJPJ2Z2A", "3jzfcijpj2z2aa", "3jzfcijpj2z2", "",
        "zzzzzzzzzzzzz", "kjzfcijpj2z2a", "3jzf-cij-pj2z-2a", "3jzfcijpj2z2\xC3"}) {
    EXPECT_FALSE(is_valid_tid(bad)) << bad;
    EXPECT_FALSE(decode_tid(bad).has_value()) << bad;
  }
}

TEST(BlueskyRecordKey, RefusesValuesOutsideTheFields) {
  EXPECT_FALSE(make_tid(-1, 0).ok());
  EXPECT_FALSE(make_tid(tid_unix_micros_max + 1, 0).ok());
  EXPECT_FALSE(make_tid(0, -1).ok());
  EXPECT_FALSE(make_tid(0, 1024).ok());
  EXPECT_EQ(make_tid(0, 1024).error().code, core::ErrorCode::invalid_request);
}

TEST(BlueskyRecordKey, AJobAlwaysGetsTheSameKey) {
  std::int64_t created_us = 1'796'000'000'123'456;
  auto first = record_key_for_job(42, created_us);
  auto retry = record_key_for_job(42, created_us);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(*first, *retry);
  EXPECT_TRUE(is_valid_tid(*first));
  // The key's time is within the millisecond of the job's creation.
  auto decoded = decode_tid(*first);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->unix_micros / 1000, created_us / 1000);
  EXPECT_EQ(decoded->clock_id, 42);
}

TEST(BlueskyRecordKey, JobsCreatedInOneMillisecondGetDistinctKeys) {
  // A burst: 100,000 jobs with consecutive ids, all stamped with the same microsecond.
  std::int64_t created_us = 1'796'000'000'000'000;
  std::set<std::string> keys;
  for (std::int64_t job_id = 1; job_id <= 100'000; ++job_id) {
    auto key = record_key_for_job(job_id, created_us);
    ASSERT_TRUE(key.ok());
    keys.insert(*key);
  }
  EXPECT_EQ(keys.size(), 100'000u);
  // The documented limit: ids 1,024,000 apart in the same millisecond collide.
  EXPECT_EQ(*record_key_for_job(7, created_us),
            *record_key_for_job(7 + 1'024'000, created_us + 999));
  // The same id at another millisecond does not.
  EXPECT_NE(*record_key_for_job(7, created_us), *record_key_for_job(7, created_us + 1000));
}

TEST(BlueskyRecordKey, RefusesIdsAndTimesNoJobHas) {
  EXPECT_FALSE(record_key_for_job(0, 1'796'000'000'000'000).ok());
  EXPECT_FALSE(record_key_for_job(-5, 1'796'000'000'000'000).ok());
  EXPECT_FALSE(record_key_for_job(1, -1).ok());
}

}  // namespace
}  // namespace roost::domain
