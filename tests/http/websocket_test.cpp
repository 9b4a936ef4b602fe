// The WebSocket event stream of the real binary: who may open it (a member of the
// organization, with a session or an API token, from this server's origin), the hello,
// ping/pong, the recheck that ends it after a logout or a removal, and the close at shutdown.
#include <signal.h>

#include <utility>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "../support/event_stream_client.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

// The status of an upgrade request the server refuses (Beast's client does not give the
// response of a declined handshake back).
unsigned refused_upgrade(unsigned short port, const std::string& target,
                         std::map<std::string, std::string> headers = {}) {
  headers["Connection"] = "Upgrade";
  headers["Upgrade"] = "websocket";
  headers["Sec-WebSocket-Version"] = "13";
  headers["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ==";
  return static_cast<unsigned>(http_request(port, "GET", target, "", headers).status);
}

class EventStreamTest : public OrgScenarioTest {
 protected:
  EventStreamTest() : OrgScenarioTest({"--events-recheck-ms", "200"}) {}

  void SetUp() override {
    ada_ = sign_up("ada@example.com");
    org_ = create_org(ada_, "Analytical");
  }

  static std::string events_path(std::int64_t org) {
    return "/api/v1/events?org=" + std::to_string(org);
  }
  unsigned refused(const User& user, const std::string& target,
                   std::map<std::string, std::string> headers = {}) {
    headers["Cookie"] = "roost_session=" + user.token;
    return refused_upgrade(server_.port(), target, std::move(headers));
  }
  std::unique_ptr<WebSocketClient> connect(const User& user, const std::string& target,
                                           std::map<std::string, std::string> headers = {}) {
    headers["Cookie"] = "roost_session=" + user.token;
    return std::make_unique<WebSocketClient>(server_.port(), target, std::move(headers));
  }

  User ada_;
  std::int64_t org_ = 0;
};

TEST_F(EventStreamTest, AMemberIsGreeted) {
  auto client = connect(ada_, events_path(org_));
  ASSERT_TRUE(client->open()) << client->status();
  auto hello = client->read_json();
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["last_event_id"], 0);
}

// The hello tells the server's newest event (none yet), not the client's resume point: a
// client that resumed from a point the server never reached (another process, a restart)
// learns where this server is. (tests/http/live_presence_test.cpp: after events.)
TEST_F(EventStreamTest, TheHelloTellsTheServersNewestEventNotTheResumePoint) {
  auto client = connect(ada_, events_path(org_) + "&last_event_id=41");
  ASSERT_TRUE(client->open()) << client->status();
  EXPECT_EQ(client->read_json()["last_event_id"], 0);
}

TEST_F(EventStreamTest, WithoutACredentialTheUpgradeIs401) {
  EXPECT_EQ(refused_upgrade(server_.port(), events_path(org_)), 401u);
  WebSocketClient client(server_.port(), events_path(org_));
  EXPECT_FALSE(client.open());
}

TEST_F(EventStreamTest, AnotherOrganizationsStreamIs404LikeAnUnknownOne) {
  auto bob = sign_up("bob@example.com");
  create_org(bob, "Babbage");
  EXPECT_EQ(refused(bob, events_path(org_)), 404u);
  EXPECT_EQ(refused(bob, events_path(org_ + 1000)), 404u);
  EXPECT_FALSE(connect(bob, events_path(org_))->open());
}

TEST_F(EventStreamTest, TheOrganizationIsRequiredAndIdsAreChecked) {
  for (const std::string& target :
       {std::string("/api/v1/events"), std::string("/api/v1/events?org=abc"),
        events_path(org_) + "&last_event_id=-1"}) {
    EXPECT_EQ(refused(ada_, target), 422u) << target;
  }
}

TEST_F(EventStreamTest, APageOfAnotherOriginIsRefused) {
  EXPECT_EQ(refused(ada_, events_path(org_), {{"Origin", "https://evil.example"}}), 403u);
  auto own = connect(ada_, events_path(org_),
                     {{"Origin", "http://127.0.0.1:" + std::to_string(server_.port())}});
  EXPECT_TRUE(own->open()) << own->status();
}

TEST_F(EventStreamTest, AnApiTokenOpensOnlyItsOwnOrganizationsStream) {
  auto other_org = create_org(ada_, "Difference");
  auto created = as(ada_, "POST", "/api/v1/me/tokens", {{"name", "bot"}, {"org_id", org_}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = created.json()["token"];
  WebSocketClient own(server_.port(), events_path(org_), {{"Authorization", "Bearer " + token}});
  EXPECT_TRUE(own.open()) << own.status();
  EXPECT_EQ(refused_upgrade(server_.port(), events_path(other_org),
                            {{"Authorization", "Bearer " + token}}),
            404u);
}

TEST_F(EventStreamTest, PlainGetIsRefused) {
  auto response = as(ada_, "GET", events_path(org_));
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.json()["error"]["code"], "invalid_request");
}

TEST_F(EventStreamTest, PingIsAnsweredWithPong) {
  auto client = connect(ada_, events_path(org_));
  ASSERT_TRUE(client->open());
  client->read_json();
  auto& socket = client->stream().next_layer();
  asio::steady_timer give_up(client->io(), 5s);
  give_up.async_wait([&](beast::error_code error) {
    if (!error) socket.close();
  });
  bool pong = false;
  client->stream().control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind != websocket::frame_type::pong || payload != "are-you-there") return;
    pong = true;
    give_up.cancel();
    socket.close();  // a cancel would make Beast wait for the server's close handshake
  });
  client->stream().ping("are-you-there");
  // Control frames are delivered while a read is pending.
  beast::flat_buffer buffer;
  client->stream().async_read(buffer, [](beast::error_code, std::size_t) {});
  client->io().run();
  EXPECT_TRUE(pong);
}

TEST_F(EventStreamTest, AValidSessionStaysOpenAcrossRechecks) {
  auto client = connect(ada_, events_path(org_));
  ASSERT_TRUE(client->open());
  client->read_json();
  // Several rechecks (every 200 ms here) pass without the server closing anything.
  EXPECT_EQ(client->close_code_within(1s), std::nullopt);
}

TEST_F(EventStreamTest, ALogoutEndsTheStreamWith1008) {
  auto client = connect(ada_, events_path(org_));
  ASSERT_TRUE(client->open());
  client->read_json();
  ASSERT_EQ(as(ada_, "DELETE", "/api/v1/sessions/current").status, 204);
  EXPECT_EQ(client->close_code_within(5s), websocket::close_code::policy_error);
}

TEST_F(EventStreamTest, ARemovedMemberIsCutOff) {
  auto bob = sign_up("bob@example.com");
  add_member(org_, bob, domain::OrgRole::member);
  auto client = connect(bob, events_path(org_));
  ASSERT_TRUE(client->open()) << client->status();
  client->read_json();
  auto removed = as(ada_, "DELETE", member_path(org_, bob));
  ASSERT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(client->close_code_within(5s), websocket::close_code::policy_error);
}

TEST_F(EventStreamTest, ShutdownClosesWithGoingAway) {
  auto client = connect(ada_, events_path(org_));
  ASSERT_TRUE(client->open());
  client->read_json();
  server_.signal(SIGTERM);
  beast::flat_buffer buffer;
  beast::error_code error;
  client->stream().read(buffer, error);
  EXPECT_EQ(error, websocket::error::closed);
  EXPECT_EQ(client->stream().reason().code, websocket::close_code::going_away);
  auto exit_code = server_.wait(10s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0);
}

}  // namespace
}  // namespace roost::testing
