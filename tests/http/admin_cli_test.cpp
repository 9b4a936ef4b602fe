// `roost admin` through the real binary: accounts created and reset by the operator (the
// sign-up rules, a generated password printed once, sessions revoked), the plan set by id
// or name, and every refusal with its exit code.
#include <fstream>

#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

constexpr int exit_refused = 1;
constexpr int exit_database = 3;

// The value after "password: " in the output, or "".
std::string printed_password(const std::string& output) {
  const std::string label = "password: ";
  auto at = output.find(label);
  if (at == std::string::npos) return {};
  auto start = at + label.size();
  return output.substr(start, output.find('\n', start) - start);
}

class AdminCliTest : public OrgScenarioTest {
 protected:
  ProcessResult admin(std::vector<std::string> arguments, const std::string& input = {}) {
    arguments.insert(arguments.begin(), "admin");
    arguments.push_back("--data-dir");
    arguments.push_back(server_.data_dir().string());
    return run_roost_with_input(arguments, input);
  }

  int log_in(const std::string& email, const std::string& secret) {
    return request("POST", "/api/v1/sessions",
                   nlohmann::json{{"email", email}, {"password", secret}}.dump())
        .status;
  }
};

TEST_F(AdminCliTest, CreateUserWithAGeneratedOrAGivenPassword) {
  auto generated = admin({"create-user", "--email", "Ada@Example.com", "--display-name", "Ada"});
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  EXPECT_NE(generated.output.find("created user"), std::string::npos) << generated.output;
  auto secret = printed_password(generated.output);
  EXPECT_GE(secret.size(), 20u) << generated.output;
  EXPECT_EQ(log_in("ada@example.com", secret), 201);

  auto given = admin({"create-user", "--email", "grace@example.com", "--display-name", "Grace",
                      "--password-stdin"},
                     "correct horse battery\n");
  ASSERT_EQ(given.exit_code, 0) << given.output;
  EXPECT_TRUE(printed_password(given.output).empty()) << given.output;
  EXPECT_EQ(log_in("grace@example.com", "correct horse battery"), 201);
}

TEST_F(AdminCliTest, CreateUserRefusals) {
  sign_up("ada@example.com");
  auto taken = admin({"create-user", "--email", "ADA@example.com", "--display-name", "Ada"});
  EXPECT_EQ(taken.exit_code, exit_refused) << taken.output;
  EXPECT_NE(taken.output.find("exists already"), std::string::npos) << taken.output;

  auto weak = admin(
      {"create-user", "--email", "bob@example.com", "--display-name", "Bob", "--password-stdin"},
      "short\n");
  EXPECT_EQ(weak.exit_code, exit_refused) << weak.output;
  EXPECT_NE(weak.output.find("password"), std::string::npos) << weak.output;
  auto too_long = admin(
      {"create-user", "--email", "bob@example.com", "--display-name", "Bob", "--password-stdin"},
      std::string(257, 'x') + "\n");
  EXPECT_EQ(too_long.exit_code, exit_refused) << too_long.output;
  auto no_input = admin(
      {"create-user", "--email", "bob@example.com", "--display-name", "Bob", "--password-stdin"});
  EXPECT_EQ(no_input.exit_code, exit_refused) << no_input.output;
  auto bad_email = admin({"create-user", "--email", "not-an-email", "--display-name", "Bob"});
  EXPECT_EQ(bad_email.exit_code, exit_refused) << bad_email.output;
  EXPECT_EQ(log_in("bob@example.com", "short"), 401);

  auto missing = admin({"create-user", "--email", "bob@example.com"});
  EXPECT_NE(missing.exit_code, 0) << missing.output;
  EXPECT_NE(missing.output.find("display-name"), std::string::npos) << missing.output;
}

TEST_F(AdminCliTest, ResetPasswordRevokesEverySession) {
  auto ada = sign_up("ada@example.com");
  auto me = [&] {
    return http_request(server_.port(), "GET", "/api/v1/me", {},
                        {{"Cookie", "roost_session=" + ada.token}})
        .status;
  };
  ASSERT_EQ(me(), 200);
  auto reset = admin({"reset-password", "--email", "ada@example.com", "--password-stdin"},
                     "a brand new passphrase\r\n");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(me(), 401);
  EXPECT_EQ(log_in("ada@example.com", std::string(password)), 401);
  EXPECT_EQ(log_in("ada@example.com", "a brand new passphrase"), 201);

  auto generated = admin({"reset-password", "--email", "ada@example.com"});
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  EXPECT_EQ(log_in("ada@example.com", printed_password(generated.output)), 201);

  auto unknown = admin({"reset-password", "--email", "nobody@example.com"});
  EXPECT_EQ(unknown.exit_code, exit_refused) << unknown.output;
  EXPECT_NE(unknown.output.find("no account"), std::string::npos) << unknown.output;
  auto weak = admin({"reset-password", "--email", "ada@example.com", "--password-stdin"}, "x\n");
  EXPECT_EQ(weak.exit_code, exit_refused) << weak.output;
}

TEST_F(AdminCliTest, SetPlanByIdOrNameAuditedWithoutActor) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Acme");
  add_member(org, grace, domain::OrgRole::member);

  auto by_id = admin({"set-plan", std::to_string(org), "--profiles", "3", "--seats", "5"});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.output;
  auto read = as(ada, "GET", org_path(org)).json();
  EXPECT_EQ(read["plan"], (nlohmann::json{{"profile_limit", 3}, {"seat_limit", 5}}));

  // By exact name; an omitted limit stays. Below the members now: done, with a warning.
  auto by_name = admin({"set-plan", "Acme", "--seats", "1"});
  ASSERT_EQ(by_name.exit_code, 0) << by_name.output;
  EXPECT_NE(by_name.output.find("warning"), std::string::npos) << by_name.output;
  read = as(ada, "GET", org_path(org)).json();
  EXPECT_EQ(read["plan"], (nlohmann::json{{"profile_limit", 3}, {"seat_limit", 1}}));
  EXPECT_EQ(read["usage"]["seats_used"], 2);

  auto events = as(ada, "GET", org_path(org) + "/audit?action=org.plan_changed").json()["events"];
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0]["actor"].is_null());
  EXPECT_EQ(events[0]["details"], (nlohmann::json{{"seat_limit", {{"from", 5}, {"to", 1}}}}));
  EXPECT_EQ(events[1]["details"]["profile_limit"], (nlohmann::json{{"from", 10}, {"to", 3}}));
}

TEST_F(AdminCliTest, SetPlanRefusals) {
  auto ada = sign_up("ada@example.com");
  auto first = create_org(ada, "Twins");
  auto second = create_org(ada, "Twins");
  auto ambiguous = admin({"set-plan", "Twins", "--seats", "3"});
  EXPECT_EQ(ambiguous.exit_code, exit_refused) << ambiguous.output;
  EXPECT_NE(ambiguous.output.find(std::to_string(first) + ", " + std::to_string(second)),
            std::string::npos)
      << ambiguous.output;
  auto unknown = admin({"set-plan", "Nobody", "--seats", "3"});
  EXPECT_EQ(unknown.exit_code, exit_refused) << unknown.output;
  auto unknown_id = admin({"set-plan", "999999", "--seats", "3"});
  EXPECT_EQ(unknown_id.exit_code, exit_refused) << unknown_id.output;
  auto nothing = admin({"set-plan", std::to_string(first)});
  EXPECT_EQ(nothing.exit_code, exit_refused) << nothing.output;
  auto negative = admin({"set-plan", std::to_string(first), "--seats", "-1"});
  EXPECT_NE(negative.exit_code, 0) << negative.output;
  auto not_a_number = admin({"set-plan", std::to_string(first), "--profiles", "many"});
  EXPECT_NE(not_a_number.exit_code, 0) << not_a_number.output;
  EXPECT_EQ(as(ada, "GET", org_path(first)).json()["plan"]["seat_limit"], 25);
}

TEST(AdminCli, RefusesADatabaseThatIsNotMigratedAndReadsTheConfigFile) {
  auto directory = make_temp_directory("roost-admin-test");
  auto refused = run_roost({"admin", "create-user", "--data-dir", directory.string(), "--email",
                            "ada@example.com", "--display-name", "Ada"});
  EXPECT_EQ(refused.exit_code, exit_database) << refused.output;
  EXPECT_NE(refused.output.find("roost migrate"), std::string::npos) << refused.output;

  ASSERT_EQ(run_roost({"migrate", "--data-dir", directory.string()}).exit_code, 0);
  auto config = directory / "roost.toml";
  std::ofstream(config) << "data-dir = \"" << directory.string() << "\"\n";
  auto created = run_roost({"admin", "create-user", "--config", config.string(), "--email",
                            "ada@example.com", "--display-name", "Ada"});
  EXPECT_EQ(created.exit_code, 0) << created.output;
  auto unknown_key = directory / "bad.toml";
  std::ofstream(unknown_key) << "listen = \"127.0.0.1:1\"\n";
  auto bad =
      run_roost({"admin", "set-plan", "1", "--seats", "1", "--config", unknown_key.string()});
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("listen"), std::string::npos) << bad.output;
  std::filesystem::remove_all(directory);
}

TEST(AdminCli, HelpDocumentsTheSubcommandsAndExitCodes) {
  auto help = run_roost({"admin", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  for (const auto* expected : {"create-user", "reset-password", "set-plan", "Exit codes"}) {
    EXPECT_NE(help.output.find(expected), std::string::npos) << expected << "\n" << help.output;
  }
  auto no_subcommand = run_roost({"admin"});
  EXPECT_NE(no_subcommand.exit_code, 0) << no_subcommand.output;
}

}  // namespace
}  // namespace roost::testing
