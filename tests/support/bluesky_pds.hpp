#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "networks/bluesky/bluesky_client.hpp"

// The test peer started by the CTest fixture `bluesky_pds` (tests/support/
// bluesky_pds_fixture.cmake), and what tests do to it with the PDS's own administrative and
// account calls: make accounts, app passwords, tokens. Every helper throws std::runtime_error
// when the PDS does not do what it is asked (the test then fails, it never skips).
namespace roost::test {

struct TestPds {
  std::string pds_url;
  std::string plc_url;
  std::string admin_password;
  std::string jwt_secret;  // signs the PDS's access tokens (HS256)
  std::string service_did;
};

// The fixture's PDS, read once from the file named by ROOST_TEST_BLUESKY_PDS_INFO_FILE.
const TestPds& test_pds();

// Client settings that find everything on the test PDS and its PLC directory.
networks::bluesky::BlueskySettings test_bluesky_settings(const TestPds& pds);

struct TestAccount {
  std::string did;
  std::string handle;  // u<random>.test
  std::string password;
  std::string access_jwt;  // a full-scope session of the account's own password
  std::string refresh_jwt;
};

// A new account (com.atproto.server.createAccount) with a random handle.
TestAccount create_test_account(const TestPds& pds);
// com.atproto.server.createAppPassword / revokeAppPassword with the account's full session.
std::string create_app_password(const TestPds& pds, const TestAccount& account,
                                std::string_view name);
void revoke_app_password(const TestPds& pds, const TestAccount& account, std::string_view name);

// An app-password access token for `did` that expired a minute ago, signed as the PDS signs
// its own: the PDS answers it with ExpiredToken.
std::string expired_access_token(const TestPds& pds, std::string_view did);

// The bytes of a blob (com.atproto.sync.getBlob).
std::string get_blob(const TestPds& pds, std::string_view did, std::string_view cid);
// Every record of a collection (com.atproto.repo.listRecords, all pages).
std::vector<networks::bluesky::Record> list_all_records(const TestPds& pds, std::string_view did,
                                                        std::string_view collection);

// com.atproto.repo.createRecord with the account's full session: the record's at:// URI
// and CID as the PDS answers them (what a firehose consumer must then see).
struct CreatedRecord {
  std::string uri;
  std::string cid;
};
CreatedRecord create_record(const TestPds& pds, const TestAccount& account,
                            std::string_view collection, const nlohmann::json& record);

// A record key no other call of this process returns, in the TID syntax the PDS requires for
// app.bsky records. Production keys come from domain/ (derived from the outbox job).
std::string unique_test_record_key();

// A loopback port nothing listens on (bound, then released).
int unused_loopback_port();

// A loopback port that listens and never accepts: the kernel completes the TCP handshake,
// so a client sends its whole request and then waits for an answer that never comes (a
// server that hangs after receiving a write).
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace roost::test
