#include "api/http/error_mapper.hpp"

#include <gtest/gtest.h>

namespace roost::api::http {
namespace {

TEST(ErrorMapper, StatusPerCode) {
  using core::ErrorCode;
  EXPECT_EQ(http_status(ErrorCode::malformed_json), 400);
  EXPECT_EQ(http_status(ErrorCode::unauthenticated), 401);
  EXPECT_EQ(http_status(ErrorCode::totp_required), 401);
  EXPECT_EQ(http_status(ErrorCode::permission_denied), 403);
  EXPECT_EQ(http_status(ErrorCode::not_found), 404);
  EXPECT_EQ(http_status(ErrorCode::method_not_allowed), 405);
  EXPECT_EQ(http_status(ErrorCode::request_timeout), 408);
  EXPECT_EQ(http_status(ErrorCode::conflict), 409);
  EXPECT_EQ(http_status(ErrorCode::seat_limit_reached), 409);
  EXPECT_EQ(http_status(ErrorCode::profile_limit_reached), 409);
  EXPECT_EQ(http_status(ErrorCode::profile_credentials_rejected), 422);
  EXPECT_EQ(http_status(ErrorCode::confirmation_required), 409);
  EXPECT_EQ(http_status(ErrorCode::duplicate_post), 409);
  EXPECT_EQ(http_status(ErrorCode::invitation_expired), 410);
  EXPECT_EQ(http_status(ErrorCode::payload_too_large), 413);
  EXPECT_EQ(http_status(ErrorCode::invalid_request), 422);
  EXPECT_EQ(http_status(ErrorCode::rate_limited), 429);
  EXPECT_EQ(http_status(ErrorCode::headers_too_large), 431);
  EXPECT_EQ(http_status(ErrorCode::unavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::internal), 500);
}

TEST(ErrorMapper, AFullProfilePlanIsAConflictNamedForPrograms) {
  auto response = error_response(
      core::make_error(core::ErrorCode::profile_limit_reached, "the plan allows 10 profiles"));
  EXPECT_EQ(response.status, 409);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "profile_limit_reached");
  EXPECT_EQ(body["error"]["message"], "the plan allows 10 profiles");
}

TEST(ErrorMapper, AMissingConfirmationIsAConflictListingTheHandles) {
  core::Error error =
      core::make_error(core::ErrorCode::confirmation_required, "confirm publishing as @bikes.test");
  error.details.push_back({"confirm_profiles", "bikes.test", 0, 0});
  auto response = error_response(error);
  EXPECT_EQ(response.status, 409);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "confirmation_required");
  EXPECT_EQ(body["error"]["details"][0]["message"], "bikes.test");
  EXPECT_EQ(error_response(core::make_error(core::ErrorCode::duplicate_post, "same text")).status,
            409);
}

TEST(ErrorMapper, BodyHasCodeMessageAndDetails) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "bad row");
  error.details.push_back({"email", "is empty", 3, 1});
  auto response = error_response(error);
  EXPECT_EQ(response.status, 422);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "invalid_request");
  EXPECT_EQ(body["error"]["message"], "bad row");
  ASSERT_EQ(body["error"]["details"].size(), 1u);
  EXPECT_EQ(body["error"]["details"][0]["field"], "email");
  EXPECT_EQ(body["error"]["details"][0]["line"], 3);
  EXPECT_EQ(body["error"]["details"][0]["column"], 1);
}

TEST(ErrorMapper, InternalErrorsDoNotLeakTheirMessage) {
  auto response = error_response(
      core::make_error(core::ErrorCode::database_error, "SQL: no such table secrets"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("secrets"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(response.body)["error"]["details"].is_array());
}

TEST(ErrorMapper, RateLimitedCarriesRetryAfter) {
  auto error = core::make_error(core::ErrorCode::rate_limited, "too many failed logins");
  error.retry_after_seconds = 7;
  auto response = error_response(error);
  EXPECT_EQ(response.status, 429);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].name, "retry-after");
  EXPECT_EQ(response.headers[0].value, "7");
  EXPECT_TRUE(error_response(core::make_error(core::ErrorCode::rate_limited, "x")).headers.empty());
}

}  // namespace
}  // namespace roost::api::http
