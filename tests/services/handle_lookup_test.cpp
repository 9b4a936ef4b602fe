// services/handle_lookup: the handles of one save resolved together, within one budget
// (ADR 0034), and the errors a save answers for a handle that did not resolve.
#include "services/handle_lookup.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>

namespace roost::services {
namespace {

using namespace std::chrono_literals;
using testing::DirectoryOfHandles;

std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started);
}

TEST(HandleLookupTest, DistinctHandlesAreAskedOnceAndAtTheSameTime) {
  DirectoryOfHandles directory;
  directory.answer_after = 300ms;
  std::vector<std::string> handles;
  for (int index = 0; index < 6; ++index) {
    const std::string handle = "user" + std::to_string(index) + ".test";
    directory.dids[handle] = "did:plc:user" + std::to_string(index);
    handles.push_back(handle);
  }
  handles.push_back("@USER0.test");  // the same handle again, as a user may type it
  handles.push_back("ghost.test");
  const auto started = std::chrono::steady_clock::now();
  auto answers = lookup_handles(directory, handles, 3s);
  const auto took = elapsed_since(started);
  // One after another, seven lookups would take 2.1 s.
  EXPECT_LT(took, 1'000ms) << took.count() << " ms";
  EXPECT_EQ(directory.calls, 7);
  EXPECT_EQ(directory.most_running, 7);
  ASSERT_EQ(answers.size(), 7u);
  ASSERT_TRUE(answers.at("user0.test").ok());
  EXPECT_EQ(*answers.at("user0.test"), "did:plc:user0");
  EXPECT_EQ(*answers.at("user5.test"), "did:plc:user5");
  ASSERT_FALSE(answers.at("ghost.test").ok());
  EXPECT_EQ(answers.at("ghost.test").error().kind, networks::FailureKind::not_found);
}

TEST(HandleLookupTest, AResolverThatNeverAnswersHoldsTheSaveForTheBudgetOnly) {
  DirectoryOfHandles directory;
  directory.answer_after = 10min;
  std::vector<std::string> handles;
  for (int index = 0; index < 20; ++index) handles.push_back("h" + std::to_string(index) + ".test");
  const auto started = std::chrono::steady_clock::now();
  auto answers = lookup_handles(directory, handles, 400ms);
  const auto took = elapsed_since(started);
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 1'500ms) << took.count() << " ms";
  // Never more lookups at once than the limit, and every one of them answered.
  EXPECT_LE(directory.most_running, static_cast<int>(handle_lookups_concurrent_max));
  EXPECT_EQ(directory.calls, 20);
  ASSERT_EQ(answers.size(), 20u);
  for (const auto& [handle, answer] : answers) {
    ASSERT_FALSE(answer.ok()) << handle;
    EXPECT_EQ(answer.error().kind, networks::FailureKind::transient);
  }
}

TEST(HandleLookupTest, NoHandlesAsksNothing) {
  DirectoryOfHandles directory;
  EXPECT_TRUE(lookup_handles(directory, std::vector<std::string>{}).empty());
  EXPECT_EQ(directory.calls, 0);
}

TEST(HandleLookupTest, AnUnknownHandleIs422AndAResolverDownIs503WithoutItsWords) {
  networks::NetworkError unknown{networks::FailureKind::not_found, 400, "", "Unable to resolve"};
  auto refused = unresolved_handle("author", "ghost.test", unknown, "test_unresolved");
  EXPECT_EQ(refused.code, core::ErrorCode::invalid_request);
  EXPECT_NE(refused.message.find("ghost.test"), std::string::npos) << refused.message;
  ASSERT_EQ(refused.details.size(), 1u);
  EXPECT_EQ(refused.details[0].field, "author");

  networks::NetworkError down{networks::FailureKind::transient, 0, "7",
                              "Failed to connect to resolver.internal port 2583"};
  auto failed = unresolved_handle("query", "from:alice.test", down, "test_unresolved");
  EXPECT_EQ(failed.code, core::ErrorCode::unavailable);
  EXPECT_NE(failed.message.find("from:alice.test"), std::string::npos) << failed.message;
  EXPECT_NE(failed.message.find("transient"), std::string::npos) << failed.message;
  EXPECT_EQ(failed.message.find("resolver.internal"), std::string::npos) << failed.message;
  ASSERT_EQ(failed.details.size(), 1u);
  EXPECT_EQ(failed.details[0].field, "query");
  EXPECT_EQ(failed.details[0].message.find("resolver.internal"), std::string::npos);
}

}  // namespace
}  // namespace roost::services
