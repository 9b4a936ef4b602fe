#include "bluesky_pds.hpp"

#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "core/random.hpp"
#include "core/tokens.hpp"
#include "domain/bluesky_record_key.hpp"
#include "networks/http_client.hpp"

namespace roost::test {
namespace {

using networks::HttpClient;
using networks::HttpMethod;
using networks::HttpRequest;
using networks::HttpResponse;
using nlohmann::json;

constexpr int account_random_bytes = 5;  // u + 10 hex: inside the 18-character label limit
constexpr int expired_seconds_ago = 60;
constexpr std::size_t blob_bytes_max = 8 * 1024 * 1024;

HttpClient& http() {
  static HttpClient client(networks::HttpTimeouts{});
  return client;
}

HttpResponse send(HttpRequest request, std::string_view what) {
  auto response = http().perform(request);
  if (!response.ok()) {
    throw std::runtime_error(std::string(what) + ": no answer: " + response.error().message);
  }
  if (response->status < 200 || response->status >= 300) {
    throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(response->status) +
                             ": " + response->body);
  }
  return std::move(*response);
}

json post_json(const TestPds& pds, std::string_view nsid, const json& body,
               std::string_view bearer) {
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = networks::build_url(pds.pds_url, "/xrpc/" + std::string(nsid));
  request.bearer_token = bearer;
  request.content_type = "application/json";
  request.body = body.dump();
  auto response = send(std::move(request), nsid);
  return response.body.empty() ? json::object() : json::parse(response.body);
}

std::string base64url(std::string_view bytes) {
  return core::base64_encode(bytes, core::Base64::url_unpadded);
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

TestPds read_info_file() {
  const char* path = std::getenv("ROOST_TEST_BLUESKY_PDS_INFO_FILE");
  if (path == nullptr || *path == '\0') {
    throw std::runtime_error(
        "ROOST_TEST_BLUESKY_PDS_INFO_FILE is not set: run this test through ctest, which starts "
        "the test PDS (fixture bluesky_pds)");
  }
  std::ifstream file(path);
  if (!file) throw std::runtime_error(std::string("no test PDS info file at ") + path);
  json info = json::parse(file);
  return TestPds{info.at("pdsUrl"), info.at("plcUrl"), info.at("adminPassword"),
                 info.at("jwtSecret"), info.at("serviceDid")};
}

}  // namespace

const TestPds& test_pds() {
  static const TestPds pds = [] {
    core::initialize_crypto();
    return read_info_file();
  }();
  return pds;
}

networks::bluesky::BlueskySettings test_bluesky_settings(const TestPds& pds) {
  networks::bluesky::BlueskySettings settings;
  settings.plc_url = pds.plc_url;
  settings.did_web_scheme = "http";
  settings.handle_resolver_url = pds.pds_url;
  return settings;
}

TestAccount create_test_account(const TestPds& pds) {
  TestAccount account;
  std::string name = "u" + core::random_hex(account_random_bytes);
  account.handle = name + ".test";
  account.password = core::random_hex(16);
  json answer = post_json(pds, "com.atproto.server.createAccount",
                          {{"handle", account.handle},
                           {"email", name + "@example.com"},
                           {"password", account.password}},
                          "");
  account.did = answer.at("did");
  account.access_jwt = answer.at("accessJwt");
  account.refresh_jwt = answer.at("refreshJwt");
  return account;
}

std::string create_app_password(const TestPds& pds, const TestAccount& account,
                                std::string_view name) {
  json answer =
      post_json(pds, "com.atproto.server.createAppPassword", {{"name", name}}, account.access_jwt);
  return answer.at("password");
}

void revoke_app_password(const TestPds& pds, const TestAccount& account, std::string_view name) {
  post_json(pds, "com.atproto.server.revokeAppPassword", {{"name", name}}, account.access_jwt);
}

std::string expired_access_token(const TestPds& pds, std::string_view did) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  // What the PDS's createAccessToken signs (account-manager/helpers/auth), with exp in the
  // past. Its key is the secret's text itself, not the bytes the hex would decode to.
  json header{{"typ", "at+jwt"}, {"alg", "HS256"}};
  json payload{{"scope", "com.atproto.appPass"},
               {"aud", pds.service_did},
               {"sub", did},
               {"iat", now - 2 * expired_seconds_ago},
               {"exp", now - expired_seconds_ago}};
  std::string signing_input = base64url(header.dump()) + "." + base64url(payload.dump());
  return signing_input + "." + base64url(hmac_sha256(pds.jwt_secret, signing_input));
}

std::string get_blob(const TestPds& pds, std::string_view did, std::string_view cid) {
  HttpRequest request;
  request.url = networks::build_url(pds.pds_url, "/xrpc/com.atproto.sync.getBlob",
                                    {{"did", std::string(did)}, {"cid", std::string(cid)}});
  request.response_bytes_max = blob_bytes_max;
  return send(std::move(request), "getBlob").body;
}

std::vector<networks::bluesky::Record> list_all_records(const TestPds& pds, std::string_view did,
                                                        std::string_view collection) {
  networks::bluesky::BlueskyClient client(test_bluesky_settings(pds));
  std::vector<networks::bluesky::Record> all;
  std::optional<std::string> cursor;
  do {
    auto page = client.list_records(pds.pds_url, did, collection,
                                    core::limits::bluesky_list_records_page_max, cursor);
    if (!page.ok()) throw std::runtime_error("listRecords: " + page.error().message);
    for (auto& record : page->records) all.push_back(std::move(record));
    cursor = page->records.empty() ? std::nullopt : page->cursor;
  } while (cursor);
  return all;
}

CreatedRecord create_record(const TestPds& pds, const TestAccount& account,
                            std::string_view collection, const json& record) {
  json answer = post_json(pds, "com.atproto.repo.createRecord",
                          {{"repo", account.did}, {"collection", collection}, {"record", record}},
                          account.access_jwt);
  return {answer.at("uri").get<std::string>(), answer.at("cid").get<std::string>()};
}

std::string unique_test_record_key() {
  // The clock, made strictly increasing: keys of one process stay distinct even within one
  // microsecond. The TID itself is domain's, the one the scheduler's record keys use.
  static std::atomic<std::int64_t> last{0};
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::int64_t micros = last.load();
  std::int64_t next = 0;
  do {
    next = std::max(now, micros + 1);
  } while (!last.compare_exchange_weak(micros, next));
  static const int clock_id = static_cast<int>(std::stoul(core::random_hex(2), nullptr, 16) % 1024);
  return domain::make_tid(next, clock_id).value();
}

namespace {

// A TCP socket bound to a free loopback port; returns the descriptor and the port.
std::pair<int, int> bind_loopback() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  return {fd, ntohs(address.sin_port)};
}

}  // namespace

int unused_loopback_port() {
  auto [fd, port] = bind_loopback();
  ::close(fd);
  return port;
}

SilentListener::SilentListener() {
  constexpr int backlog = 16;
  std::tie(fd_, port_) = bind_loopback();
  if (::listen(fd_, backlog) != 0) {
    ::close(fd_);
    throw std::runtime_error("listen failed");
  }
}

SilentListener::~SilentListener() { ::close(fd_); }

}  // namespace roost::test
