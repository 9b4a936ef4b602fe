// The common-password list through the real binary: sign-up and a password change refuse a
// listed password, whatever its case, with a 422 naming the field and why.
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

class CommonPasswordsTest : public OrgScenarioTest {};

TEST_F(CommonPasswordsTest, SignUpRefusesACommonPassword) {
  auto refused =
      request("POST", "/api/v1/accounts",
              nlohmann::json{
                  {"email", "ada@example.com"}, {"display_name", "Ada"}, {"password", "Password1"}}
                  .dump());
  ASSERT_EQ(refused.status, 422) << refused.body;
  auto detail = refused.json()["error"]["details"][0];
  EXPECT_EQ(detail["field"], "password");
  EXPECT_NE(detail["message"].get<std::string>().find("most common passwords"), std::string::npos);
  // Nothing was created: the same email signs up with a better password.
  auto created = request(
      "POST", "/api/v1/accounts",
      nlohmann::json{{"email", "ada@example.com"}, {"display_name", "Ada"}, {"password", password}}
          .dump());
  EXPECT_EQ(created.status, 201) << created.body;
}

TEST_F(CommonPasswordsTest, PasswordChangeRefusesACommonPassword) {
  auto ada = sign_up("ada@example.com");
  auto refused = as(ada, "PUT", "/api/v1/me/password",
                    {{"current_password", password}, {"new_password", "QWERTYUIOP"}});
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.json()["error"]["details"][0]["field"], "new_password");
  // The old password still works.
  auto login = request("POST", "/api/v1/sessions",
                       nlohmann::json{{"email", ada.email}, {"password", password}}.dump());
  EXPECT_EQ(login.status, 201) << login.body;
}

}  // namespace
}  // namespace roost::testing
