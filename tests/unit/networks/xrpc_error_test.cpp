#include "networks/bluesky/xrpc_error.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace roost::networks::bluesky {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point now = system_clock::from_time_t(1'796'376'800);

NetworkError classify(int status, std::string_view body, HttpHeaders headers = {}) {
  return classify_response(status, body, headers, now);
}

TEST(ClassifyResponse, ExpiredTokenNeedsARefresh) {
  auto error = classify(400, R"({"error":"ExpiredToken","message":"Token has expired"})");
  EXPECT_EQ(error.kind, FailureKind::auth_expired);
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.code, "ExpiredToken");
  EXPECT_EQ(error.message, "Token has expired");
}

TEST(ClassifyResponse, DeadCredentialsNeedAReconnect) {
  for (auto name : {"InvalidToken", "AuthenticationRequired", "AccountTakedown",
                    "AccountDeactivated", "AuthMissing", "AccountNotFound"}) {
    auto body = std::string(R"({"error":")") + name + R"(","message":"no"})";
    EXPECT_EQ(classify(400, body).kind, FailureKind::auth_revoked) << name;
  }
  // A 401 whatever its body says, e.g. a wrong or revoked app password at createSession.
  EXPECT_EQ(classify(401, R"({"error":"Whatever"})").kind, FailureKind::auth_revoked);
  EXPECT_EQ(classify(401, "").kind, FailureKind::auth_revoked);
}

TEST(ClassifyResponse, RateLimitReadsRetryAfterSeconds) {
  auto error = classify(429, R"({"error":"RateLimitExceeded"})",
                        {{"retry-after", "120"}, {"ratelimit-reset", "1796376900"}});
  EXPECT_EQ(error.kind, FailureKind::rate_limited);
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, seconds(120));  // the standard header wins
}

TEST(ClassifyResponse, RateLimitReadsAnHttpDate) {
  // now is 2026-12-04T09:33:20Z; the date is 30 s later.
  auto error = classify(429, "", {{"retry-after", "Fri, 04 Dec 2026 09:33:50 GMT"}});
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, seconds(30));
}

TEST(ClassifyResponse, RateLimitFallsBackToRatelimitReset) {
  auto error = classify(429, "{}", {{"ratelimit-reset", "1796376845"}});
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, seconds(45));
  // A reset in the past means now; an absurd one is capped.
  EXPECT_EQ(*classify(429, "{}", {{"ratelimit-reset", "1"}}).retry_after, seconds(0));
  EXPECT_EQ(*classify(429, "{}", {{"retry-after", "99999999"}}).retry_after,
            core::limits::bluesky_retry_after_max);
  EXPECT_FALSE(classify(429, "{}").retry_after.has_value());
  EXPECT_FALSE(classify(429, "{}", {{"retry-after", "soon"}}).retry_after.has_value());
}

TEST(ClassifyResponse, RateLimitExceededWithoutA429) {
  EXPECT_EQ(classify(400, R"({"error":"RateLimitExceeded"})").kind, FailureKind::rate_limited);
}

TEST(ClassifyResponse, ServerFailuresAreTransient) {
  for (int status : {500, 502, 503, 504, 408}) {
    EXPECT_EQ(classify(status, R"({"error":"InternalServerError"})").kind, FailureKind::transient)
        << status;
  }
  // A proxy's HTML page instead of JSON.
  auto error = classify(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(error.kind, FailureKind::transient);
  EXPECT_EQ(error.message, "HTTP 502");
}

TEST(ClassifyResponse, MissingThingsAreNotFound) {
  EXPECT_EQ(classify(400, R"({"error":"RecordNotFound","message":"Could not locate record"})").kind,
            FailureKind::not_found);
  EXPECT_EQ(classify(400, R"({"error":"RepoNotFound"})").kind, FailureKind::not_found);
  EXPECT_EQ(classify(404, "").kind, FailureKind::not_found);
}

TEST(ClassifyResponse, RefusedRequestsArePermanent) {
  auto error =
      classify(400, R"({"error":"InvalidRequest","message":"Invalid app.bsky.feed.post record"})");
  EXPECT_EQ(error.kind, FailureKind::permanent);
  EXPECT_EQ(error.code, "InvalidRequest");
  EXPECT_EQ(classify(413, R"({"error":"PayloadTooLarge"})").kind, FailureKind::permanent);
  EXPECT_EQ(classify(400, R"({"error":"InvalidSwap"})").kind, FailureKind::permanent);
  EXPECT_EQ(classify(403, "").kind, FailureKind::permanent);
}

TEST(ClassifyResponse, LongMessagesAreClipped) {
  std::string body = R"({"error":"InvalidRequest","message":")" + std::string(5000, 'x') + "\"}";
  EXPECT_EQ(classify(400, body).message.size(), core::limits::bluesky_error_message_bytes_max);
}

TEST(ClassifyResponse, LongMessagesAreClippedBetweenCharacters) {
  // "€" is three bytes, and the limit no multiple of three: a byte cut would leave part of
  // one, which the scheduler's JSON writer throws on when it records the failure.
  const std::string euro = "\xE2\x82\xAC";
  static_assert(core::limits::bluesky_error_message_bytes_max % 3 != 0);
  std::string message;
  for (int i = 0; i < 2000; ++i) message += euro;
  const std::string body = R"({"error":")" + message + R"(","message":")" + message + "\"}";
  auto error = classify(400, body);
  const std::size_t whole = core::limits::bluesky_error_message_bytes_max / euro.size();
  EXPECT_EQ(error.message, message.substr(0, whole * euro.size()));
  EXPECT_EQ(error.code, message.substr(0, whole * euro.size()));
  EXPECT_NO_THROW(nlohmann::json({{"message", error.message}, {"code", error.code}}).dump());
}

TEST(ClassifyTransportFailure, NothingSentIsTransient) {
  for (int code : {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST}) {
    auto error = classify_transport_failure({code, false, "Failed to connect"});
    EXPECT_EQ(error.kind, FailureKind::transient) << code;
    EXPECT_EQ(error.http_status, 0);
    EXPECT_EQ(error.message, "Failed to connect");
  }
  // A timeout while connecting.
  EXPECT_EQ(classify_transport_failure({CURLE_OPERATION_TIMEDOUT, false, ""}).kind,
            FailureKind::transient);
}

TEST(ClassifyTransportFailure, SentWithoutAnswerIsUnknown) {
  for (int code : {CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SEND_ERROR,
                   CURLE_WRITE_ERROR}) {
    EXPECT_EQ(classify_transport_failure({code, true, ""}).kind, FailureKind::outcome_unknown)
        << code;
  }
}

TEST(ClassifyTransportFailure, ABadUrlIsPermanent) {
  EXPECT_EQ(classify_transport_failure({CURLE_URL_MALFORMAT, false, ""}).kind,
            FailureKind::permanent);
  EXPECT_EQ(classify_transport_failure({CURLE_UNSUPPORTED_PROTOCOL, false, ""}).kind,
            FailureKind::permanent);
}

}  // namespace
}  // namespace roost::networks::bluesky
