// In-app notifications through the real binary: a user lists theirs newest first a page at a
// time, marks one or all read, never sees or marks another user's (404), and must be signed
// in (401) with the CSRF token for changes (403). Notifications are written into the
// database as the features that raise them (invitations) do, in their own transactions.
#include "org_scenario_test.hpp"
#include "storage/notification_repository.hpp"

namespace roost::testing {
namespace {

constexpr std::string_view notifications_path = "/api/v1/me/notifications";

class NotificationsTest : public OrgScenarioTest {
 protected:
  std::int64_t notify(const User& user, const std::string& kind,
                      std::optional<std::int64_t> org = std::nullopt) {
    auto database = open_database();
    if (!database) return 0;
    std::int64_t id = 0;
    auto done = database->transact(storage::TransactionMode::read_write, [&](auto& transaction) {
      std::optional<core::OrgId> org_id;
      if (org) org_id = core::OrgId{*org};
      auto appended = storage::append_notification(
          transaction, {core::UserId{user.id}, org_id, kind, R"({"title":"Hello"})", 1'000});
      if (!appended) return core::Result<void>(std::move(appended).error());
      id = *appended;
      return core::success();
    });
    EXPECT_TRUE(done.ok());
    return id;
  }

  static std::string read_path(std::int64_t id) {
    return std::string(notifications_path) + "/" + std::to_string(id) + "/read";
  }

  static std::vector<std::string> kinds(const HttpResponse& response) {
    std::vector<std::string> out;
    auto body = response.json();  // not a temporary: the loop reads into it
    for (const auto& notification : body["notifications"]) out.push_back(notification["kind"]);
    return out;
  }
};

TEST_F(NotificationsTest, ListsTheCallersOwnNewestFirstAPageAtATime) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Bikes");
  notify(ada, "first", org);
  notify(grace, "not-for-ada");
  notify(ada, "second");
  notify(ada, "third");

  auto page = as(ada, "GET", std::string(notifications_path) + "?limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(kinds(page), (std::vector<std::string>{"third", "second"}));
  EXPECT_EQ(page.json()["unread_count"], 3);
  auto newest = page.json()["notifications"][0];
  EXPECT_EQ(newest["payload"]["title"], "Hello");
  EXPECT_TRUE(newest["read_at"].is_null());
  EXPECT_TRUE(newest["org_id"].is_null());
  EXPECT_EQ(newest["created_at"], "1970-01-01T00:00:01.000Z");
  ASSERT_TRUE(page.json()["next_cursor"].is_string());

  auto next = as(ada, "GET",
                 std::string(notifications_path) +
                     "?limit=2&cursor=" + page.json()["next_cursor"].get<std::string>());
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(kinds(next), (std::vector<std::string>{"first"}));
  EXPECT_EQ(next.json()["notifications"][0]["org_id"], org);
  EXPECT_TRUE(next.json()["next_cursor"].is_null());

  EXPECT_EQ(kinds(as(grace, "GET", std::string(notifications_path))),
            (std::vector<std::string>{"not-for-ada"}));
  EXPECT_EQ(as(ada, "GET", std::string(notifications_path) + "?limit=0").status, 422);
  EXPECT_EQ(as(ada, "GET", std::string(notifications_path) + "?limit=201").status, 422);
  EXPECT_EQ(as(ada, "GET", std::string(notifications_path) + "?cursor=abc").status, 422);
  EXPECT_EQ(as(ada, "GET", std::string(notifications_path) + "?unread=yes").status, 422);
}

TEST_F(NotificationsTest, MarksOneAndAllRead) {
  auto ada = sign_up("ada@example.com");
  auto first = notify(ada, "first");
  notify(ada, "second");
  notify(ada, "third");

  EXPECT_EQ(as(ada, "POST", read_path(first)).status, 204);
  auto unread = as(ada, "GET", std::string(notifications_path) + "?unread=true");
  ASSERT_EQ(unread.status, 200) << unread.body;
  EXPECT_EQ(kinds(unread), (std::vector<std::string>{"third", "second"}));
  EXPECT_EQ(unread.json()["unread_count"], 2);
  auto all = as(ada, "GET", std::string(notifications_path));
  EXPECT_TRUE(all.json()["notifications"][2]["read_at"].is_string());
  // Again: still read, no error.
  EXPECT_EQ(as(ada, "POST", read_path(first)).status, 204);

  auto marked = as(ada, "POST", std::string(notifications_path) + "/read-all");
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_EQ(marked.json()["marked_read"], 2);
  auto after = as(ada, "GET", std::string(notifications_path) + "?unread=true");
  EXPECT_TRUE(kinds(after).empty());
  EXPECT_EQ(after.json()["unread_count"], 0);
}

TEST_F(NotificationsTest, AnotherUsersNotificationIsNotFound) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto hers = notify(grace, "for-grace");
  auto marked = as(ada, "POST", read_path(hers));
  EXPECT_EQ(marked.status, 404) << marked.body;
  EXPECT_EQ(as(ada, "POST", read_path(hers + 1000)).status, 404);
  EXPECT_EQ(as(ada, "POST", std::string(notifications_path) + "/zero/read").status, 404);
  // Ada's read-all leaves Grace's unread.
  EXPECT_EQ(as(ada, "POST", std::string(notifications_path) + "/read-all").status, 200);
  EXPECT_EQ(as(grace, "GET", std::string(notifications_path)).json()["unread_count"], 1);
}

TEST_F(NotificationsTest, RequiresASessionAndTheCsrfToken) {
  auto ada = sign_up("ada@example.com");
  auto id = notify(ada, "first");
  EXPECT_EQ(request("GET", std::string(notifications_path)).status, 401);
  EXPECT_EQ(request("POST", read_path(id)).status, 401);
  EXPECT_EQ(request("POST", std::string(notifications_path) + "/read-all").status, 401);
  EXPECT_EQ(as(ada, "POST", read_path(id), nullptr, false).status, 403);
  EXPECT_EQ(as(ada, "POST", std::string(notifications_path) + "/read-all", nullptr, false).status,
            403);
  EXPECT_EQ(as(ada, "GET", std::string(notifications_path)).json()["unread_count"], 1);
}

}  // namespace
}  // namespace roost::testing
