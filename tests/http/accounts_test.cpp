// Sign-up through the real binary, and the JSON error paths every JSON route shares.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"

namespace roost::testing {
namespace {

const std::map<std::string, std::string> json_headers = {{"Content-Type", "application/json"}};

HttpResponse sign_up(unsigned short port, const nlohmann::json& body) {
  return http_request(port, "POST", "/api/v1/accounts", body.dump(), json_headers);
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream contents;
  contents << input.rdbuf();
  return contents.str();
}

class AccountsTest : public ::testing::Test {
 protected:
  RoostServer server_;
};

TEST_F(AccountsTest, SignUpCreatesTheAccount) {
  auto response = sign_up(server_.port(), {{"email", " Ada@Example.COM "},
                                           {"display_name", "Ada Lovelace"},
                                           {"password", "analytical engine"}});
  ASSERT_EQ(response.status, 201) << response.body;
  auto body = response.json();
  EXPECT_GT(body["id"].get<long long>(), 0);
  EXPECT_EQ(body["email"], "Ada@example.com");
  EXPECT_EQ(body["display_name"], "Ada Lovelace");
  EXPECT_TRUE(body["created_at"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(body.contains("password"));
  EXPECT_FALSE(body.contains("password_hash"));
  // The database holds an argon2id hash, never the password.
  auto database =
      read_all(server_.data_dir() / "roost.db") + read_all(server_.data_dir() / "roost.db-wal");
  EXPECT_EQ(database.find("analytical engine"), std::string::npos);
  EXPECT_NE(database.find("$argon2id$"), std::string::npos);
}

TEST_F(AccountsTest, DuplicateEmailIs409WhateverItsCase) {
  nlohmann::json ada = {
      {"email", "ada@example.com"}, {"display_name", "Ada"}, {"password", "analytical engine"}};
  ASSERT_EQ(sign_up(server_.port(), ada).status, 201);
  ada["email"] = "ADA@example.com";
  auto again = sign_up(server_.port(), ada);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["error"]["code"], "conflict");
  EXPECT_EQ(again.json()["error"]["details"][0]["field"], "email");
}

TEST_F(AccountsTest, InvalidValuesAre422AndNameTheField) {
  auto bad_email =
      sign_up(server_.port(),
              {{"email", "not-an-email"}, {"display_name", "A"}, {"password", "long enough"}});
  EXPECT_EQ(bad_email.status, 422);
  EXPECT_EQ(bad_email.json()["error"]["details"][0]["field"], "email");
  auto short_password = sign_up(
      server_.port(), {{"email", "b@example.com"}, {"display_name", "B"}, {"password", "short"}});
  EXPECT_EQ(short_password.status, 422);
  EXPECT_EQ(short_password.json()["error"]["details"][0]["field"], "password");
}

TEST_F(AccountsTest, EveryMissingOrMistypedFieldIsListed) {
  auto response = sign_up(server_.port(), {{"email", 42}});
  EXPECT_EQ(response.status, 422);
  auto details = response.json()["error"]["details"];
  ASSERT_EQ(details.size(), 3u) << response.body;
  EXPECT_EQ(details[0]["field"], "email");
  EXPECT_EQ(details[0]["message"], "must be a string");
  EXPECT_EQ(details[1]["field"], "display_name");
  EXPECT_EQ(details[2]["field"], "password");
  auto not_an_object =
      http_request(server_.port(), "POST", "/api/v1/accounts", "[1,2]", json_headers);
  EXPECT_EQ(not_an_object.status, 422);
}

TEST_F(AccountsTest, MalformedJsonIs400WithTheErrorBody) {
  auto response = http_request(server_.port(), "POST", "/api/v1/accounts",
                               R"({"email": "a@example.com",)", json_headers);
  EXPECT_EQ(response.status, 400);
  auto body = response.json();
  EXPECT_EQ(body["error"]["code"], "malformed_json");
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  ASSERT_EQ(body["error"]["details"].size(), 1u);
  EXPECT_NE(body["error"]["details"][0]["message"].get<std::string>().find("byte"),
            std::string::npos);
}

TEST_F(AccountsTest, InvalidUtf8InJsonIs400) {
  std::string body =
      "{\"email\":\"a@example.com\",\"display_name\":\"caf\xC3\x28\",\"password\":\"long enough\"}";
  auto response = http_request(server_.port(), "POST", "/api/v1/accounts", body, json_headers);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json()["error"]["code"], "malformed_json");
}

TEST_F(AccountsTest, MissingBodyAndWrongContentType) {
  auto empty = http_request(server_.port(), "POST", "/api/v1/accounts", "", json_headers);
  EXPECT_EQ(empty.status, 400);
  auto form = http_request(server_.port(), "POST", "/api/v1/accounts", "email=a",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(form.json()["error"]["code"], "unsupported_media_type");
}

}  // namespace
}  // namespace roost::testing
