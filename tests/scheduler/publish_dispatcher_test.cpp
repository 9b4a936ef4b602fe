// The publish dispatcher against a real, unmodified PDS (the fixture bluesky_pds) and a real
// (scratch SQLite) database: every publish is read back from the PDS (getRecord,
// listRecords, getBlob), and every failure is one the PDS or a closed port really produces.
#include "scheduler/publish_dispatcher.hpp"
#include "scheduler/due_announcer.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>
#include <utility>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "core/random.hpp"
#include "domain/bluesky_record_key.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "networks/bluesky/records.hpp"
#include "storage/audit_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::scheduler {
namespace {

using namespace std::chrono_literals;
using networks::bluesky::post_collection;
using nlohmann::json;
using std::chrono::milliseconds;

// A 1x1 PNG; the PDS sniffs blobs, so images must be real images.
const std::string png = std::string(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\n"
    "IDAT\x78\x9c\x63\0\x01\0\0\x05\0\x01\x0d\x0a\x2d\xb4\0\0\0\0IEND\xae\x42\x60\x82",
    67);

// Starts at the real time (record keys and createdAt look like today's) and moves only
// when the test says so.
class TestClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void advance(milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

template <class T>
std::string message_of(const core::Result<T>& result) {
  return result.ok() ? "" : result.error().message;
}

std::string describe(const networks::NetworkError& error) {
  return std::string(networks::failure_kind_name(error.kind)) + " " + error.code + ": " +
         error.message;
}

// The real network with what a test needs around it: a step run before each publish
// (another user acting between the claim and the settle), and a publish whose answer is
// lost after the PDS wrote the record (a timeout on the way back). Every call still goes to
// the real PDS.
class InterposedNetwork final : public networks::Network {
 public:
  explicit InterposedNetwork(networks::Network& real) : real_(real) {}
  std::function<void()> before_publish;
  bool lose_publish_answer = false;

  networks::NetworkKind kind() const override { return real_.kind(); }
  networks::NetworkResult<networks::ProfileCredentials> connect_with_app_password(
      std::string_view identifier, std::string_view app_password,
      std::optional<std::string> pds_url) override {
    return real_.connect_with_app_password(identifier, app_password, std::move(pds_url));
  }
  networks::NetworkResult<void> refresh(networks::ProfileCredentials& credentials) override {
    return real_.refresh(credentials);
  }
  networks::NetworkResult<networks::PublishedPost> publish(
      networks::ProfileCredentials& credentials, std::string_view record_key,
      const networks::PostContent& content) override {
    if (before_publish) std::exchange(before_publish, nullptr)();
    auto published = real_.publish(credentials, record_key, content);
    if (!published || !lose_publish_answer) return published;
    networks::NetworkError lost;
    lost.kind = networks::FailureKind::outcome_unknown;
    lost.message = "the answer was lost";
    return lost;
  }
  networks::NetworkResult<std::optional<networks::PublishedPost>> find_post(
      networks::ProfileCredentials& credentials, std::string_view record_key) override {
    return real_.find_post(credentials, record_key);
  }
  networks::NetworkResult<void> delete_post(networks::ProfileCredentials& credentials,
                                            std::string_view record_key) override {
    return real_.delete_post(credentials, record_key);
  }
  networks::NetworkResult<networks::PublishedPost> like(
      networks::ProfileCredentials& credentials, std::string_view record_key,
      const networks::StrongRef& subject) override {
    return real_.like(credentials, record_key, subject);
  }
  networks::NetworkResult<void> unlike(networks::ProfileCredentials& credentials,
                                       std::string_view record_key) override {
    return real_.unlike(credentials, record_key);
  }
  networks::NetworkResult<networks::PublishedPost> repost(
      networks::ProfileCredentials& credentials, std::string_view record_key,
      const networks::StrongRef& subject) override {
    return real_.repost(credentials, record_key, subject);
  }
  networks::NetworkResult<void> unrepost(networks::ProfileCredentials& credentials,
                                         std::string_view record_key) override {
    return real_.unrepost(credentials, record_key);
  }
  networks::NetworkResult<networks::PublishedPost> follow(networks::ProfileCredentials& credentials,
                                                          std::string_view record_key,
                                                          std::string_view subject_did) override {
    return real_.follow(credentials, record_key, subject_did);
  }
  networks::NetworkResult<void> unfollow(networks::ProfileCredentials& credentials,
                                         std::string_view record_key) override {
    return real_.unfollow(credentials, record_key);
  }
  networks::NetworkResult<std::string> resolve_handle(networks::ProfileCredentials& credentials,
                                                      std::string_view handle) override {
    return real_.resolve_handle(credentials, handle);
  }
  networks::NetworkResult<void> delete_record(networks::ProfileCredentials& credentials,
                                              std::string_view record_uri) override {
    return real_.delete_record(credentials, record_uri);
  }

 private:
  networks::Network& real_;
};

class PublishDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::initialize_crypto();
    auto migrated = storage::testing::open_migrated(backend_, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    jobs_ptr_ = std::make_unique<storage::PublishJobRepository>(*database_);
    posts_ptr_ = std::make_unique<storage::PostRepository>(*database_);
    profiles_ptr_ = std::make_unique<storage::ProfileRepository>(*database_);
    notifications_ptr_ = std::make_unique<storage::NotificationRepository>(*database_);
    users_ptr_ = std::make_unique<storage::UserRepository>(*database_);
    alerts_ptr_ = std::make_unique<services::ProfileAlerts>(*profiles_ptr_, *users_ptr_,
                                                            *notifications_ptr_, clock_, outbound_);
    vault_ptr_ =
        std::make_unique<services::ProfileCredentialVault>(*profiles_ptr_, keyring_, clock_);
    keyring_.add(core::make_secret_key(core::random_bytes(core::secret_key_bytes).data()));

    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
    auto org = storage::OrganizationRepository(*database_)
                   .create({"Acme", 10, 25, ada_, clock_.now_ms()}, audit("org.created"));
    ASSERT_TRUE(org.ok()) << message_of(org);
    acme_ = org->id;

    account_ = test::create_test_account(pds_);
    app_password_ = test::create_app_password(pds_, account_, app_password_name);
    auto connected =
        network_.connect_with_app_password(account_.handle, app_password_, std::nullopt);
    ASSERT_TRUE(connected.ok()) << describe(connected.error());
    credentials_ = *connected;
    // Grace owns the profile; Ada writes the posts.
    storage::ProfileDraft draft{acme_,        "bluesky", account_.did, account_.handle, "", "",
                                pds_.pds_url, grace_,    ada_,         clock_.now_ms()};
    auto profile = profiles_ptr_->create(draft, audit("profile.connected"));
    ASSERT_TRUE(profile.ok()) << message_of(profile);
    profile_ = profile->id;
    ASSERT_TRUE(vault_ptr_->store(profile_, credentials_).ok());
  }

  core::UserId make_user(const std::string& email) {
    auto created =
        storage::UserRepository(*database_).create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok()) << message_of(created);
    return created.ok() ? created->id : core::UserId{};
  }

  storage::AuditEvent audit(std::string action = "") {
    return storage::AuditEvent{acme_, ada_, std::move(action), "", "{}", "req", clock_.now_ms()};
  }

  PublishDispatcherOptions options() {
    PublishDispatcherOptions options;
    options.owner = "test-" + core::random_hex(4);
    options.public_url = "https://roost.example";
    return options;
  }

  std::unique_ptr<PublishDispatcher> dispatcher(PublishDispatcherOptions with,
                                                networks::Network* network = nullptr) {
    return std::make_unique<PublishDispatcher>(
        *jobs_ptr_, *posts_ptr_, *profiles_ptr_, *alerts_ptr_, *vault_ptr_,
        DispatchNetworks{{network != nullptr ? network : &network_}}, clock_, with);
  }

  // A post of Ada's to the profile, due now (or at `at_ms`).
  storage::PostRecord schedule(storage::NewPost post, std::optional<std::int64_t> at_ms = {}) {
    post.org = acme_;
    post.author = ada_;
    post.state = storage::PostState::scheduled;
    post.schedule.at_ms = at_ms;
    post.schedule.time_zone = "Europe/Paris";
    if (post.targets.empty()) post.targets.push_back({profile_, std::nullopt, "hash"});
    auto now_us =
        std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().time_since_epoch())
            .count();
    auto created = posts_ptr_->create(post, now_us, audit());
    EXPECT_TRUE(created.ok()) << message_of(created);
    return created.ok() ? created->post : storage::PostRecord{};
  }

  storage::NewPost text_post(std::string text) {
    storage::NewPost post;
    post.text = std::move(text);
    post.langs = {"en"};
    return post;
  }

  storage::PostRecord find_post(core::PostId post) {
    auto found = posts_ptr_->find(acme_, post);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : storage::PostRecord{};
  }

  storage::PublishJobRecord job_of(core::PostId post) {
    auto found = jobs_ptr_->find_for_target(post, profile_);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : storage::PublishJobRecord{};
  }

  std::string record_key_of(const storage::PublishJobRecord& job) {
    auto key = domain::record_key_for_job(job.id.value, job.created_at_us);
    EXPECT_TRUE(key.ok());
    return key.ok() ? *key : std::string();
  }

  std::size_t run(PublishDispatcher& dispatcher) {
    auto claimed = dispatcher.run_once();
    EXPECT_TRUE(claimed.ok()) << message_of(claimed);
    return claimed.ok() ? *claimed : 0;
  }

  std::vector<networks::bluesky::Record> posts_on_pds() {
    return test::list_all_records(pds_, account_.did, post_collection);
  }

  std::vector<storage::NotificationRecord> notices_of(core::UserId user) {
    auto listed = notifications_ptr_->list(user, {});
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? *listed : std::vector<storage::NotificationRecord>{};
  }

  std::vector<storage::AuditRecord> audit_events() {
    auto listed = storage::AuditRepository(*database_).list_for_org(acme_, 1'000);
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? *listed : std::vector<storage::AuditRecord>{};
  }

  static constexpr std::string_view app_password_name = "roost";
  storage::Backend backend_ = storage::Backend::sqlite;
  const test::TestPds& pds_ = test::test_pds();
  networks::bluesky::BlueskyNetwork network_{test::test_bluesky_settings(pds_)};
  networks::bluesky::BlueskyClient client_{test::test_bluesky_settings(pds_)};
  TestClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  core::Keyring keyring_;
  // Made in SetUp, over the scratch database.
  std::unique_ptr<storage::PublishJobRepository> jobs_ptr_;
  std::unique_ptr<storage::PostRepository> posts_ptr_;
  std::unique_ptr<storage::ProfileRepository> profiles_ptr_;
  std::unique_ptr<storage::NotificationRepository> notifications_ptr_;
  std::unique_ptr<storage::UserRepository> users_ptr_;
  services::OutboundSettings outbound_{"https://roost.example", false};
  std::unique_ptr<services::ProfileAlerts> alerts_ptr_;
  std::unique_ptr<services::ProfileCredentialVault> vault_ptr_;
  test::TestAccount account_;
  std::string app_password_;
  networks::ProfileCredentials credentials_;
  core::UserId ada_, grace_;
  core::OrgId acme_;
  core::ProfileId profile_;
};

TEST(PublishRetryDelayTest, DoublesUpToTheMaximumWithinTheJitter) {
  PublishDispatcherOptions options;
  options.retry_base_delay = 2s;
  options.retry_max_delay = 60s;
  options.retry_jitter_percent = 20;
  EXPECT_EQ(publish_retry_delay(1, options, 0.0), 2s);
  EXPECT_EQ(publish_retry_delay(2, options, 0.0), 4s);
  EXPECT_EQ(publish_retry_delay(5, options, 0.0), 32s);
  EXPECT_EQ(publish_retry_delay(6, options, 0.0), 60s);
  EXPECT_EQ(publish_retry_delay(40, options, 0.0), 60s);
  EXPECT_EQ(publish_retry_delay(1, options, 1.0), 2400ms);
  EXPECT_EQ(publish_retry_delay(1, options, -1.0), 1600ms);
  EXPECT_EQ(publish_retry_delay(6, options, 5.0), 72s);  // jitter is clamped to ±1
}

TEST(DispatcherOwnerTest, EveryDispatcherHasItsOwnLeaseOwner) {
  core::initialize_crypto();
  auto first = make_dispatcher_owner();
  EXPECT_NE(first, make_dispatcher_owner());
  EXPECT_NE(first.find(std::to_string(getpid())), std::string::npos);
}

TEST_F(PublishDispatcherTest, PublishesTextFacetsImageAndReplyReadBackFromThePds) {
  // A parent post for the reply, and another account to mention.
  auto friend_account = test::create_test_account(pds_);
  networks::PostContent parent_content;
  parent_content.text = "the thread starts here";
  parent_content.created_at = std::chrono::system_clock::now();
  auto parent = network_.publish(credentials_, test::unique_test_record_key(), parent_content);
  ASSERT_TRUE(parent.ok()) << describe(parent.error());

  const std::string mention = "@" + friend_account.handle;
  const std::string text = "Café ☕ with " + mention + " at https://example.com #roost";
  auto post = text_post(text);
  post.kind = storage::PostKind::reply;
  post.langs = {"fr", "en"};
  post.reply_root = storage::RecordRef{parent->uri, parent->cid};
  post.reply_parent = storage::RecordRef{parent->uri, parent->cid};
  post.images.push_back(
      {std::vector<std::uint8_t>(png.begin(), png.end()), "image/png", "a single pixel", 1, 1});
  auto scheduled = schedule(post);

  auto published = dispatcher(options());
  EXPECT_EQ(run(*published), 1u);

  auto after = find_post(scheduled.id);
  EXPECT_EQ(after.state, storage::PostState::published);
  ASSERT_EQ(after.targets.size(), 1u);
  const auto& target = after.targets[0];
  EXPECT_EQ(target.state, storage::TargetState::published);
  auto job = job_of(scheduled.id);
  EXPECT_EQ(job.state, storage::PublishJobState::done);
  EXPECT_EQ(job.attempts, 1);
  const std::string key = record_key_of(job);
  EXPECT_EQ(target.published.uri,
            networks::bluesky::record_uri(account_.did, post_collection, key));

  // Exactly one record (beside the parent), under the job's key, as composed.
  auto records = posts_on_pds();
  EXPECT_EQ(records.size(), 2u);
  auto record = client_.get_record(pds_.pds_url, account_.did, post_collection, key);
  ASSERT_TRUE(record.ok()) << describe(record.error());
  EXPECT_EQ(record->cid, target.published.cid);
  const json& value = record->value;
  EXPECT_EQ(value["text"], text);
  EXPECT_EQ(value["langs"], (json{"fr", "en"}));
  EXPECT_EQ(value["reply"]["root"], (json{{"uri", parent->uri}, {"cid", parent->cid}}));
  EXPECT_EQ(value["reply"]["parent"], (json{{"uri", parent->uri}, {"cid", parent->cid}}));

  // Facets by UTF-8 byte offsets: "é" is two bytes and "☕" three.
  ASSERT_EQ(value["facets"].size(), 3u);
  auto facet_at = [&](std::string_view feature) -> json {
    for (const auto& facet : value["facets"]) {
      if (facet["features"][0]["$type"] == feature) return facet;
    }
    ADD_FAILURE() << "no facet " << feature;
    return json::object();
  };
  auto mention_facet = facet_at("app.bsky.richtext.facet#mention");
  EXPECT_EQ(mention_facet["index"]["byteStart"], text.find(mention));
  EXPECT_EQ(mention_facet["index"]["byteEnd"], text.find(mention) + mention.size());
  EXPECT_EQ(mention_facet["features"][0]["did"], friend_account.did);
  auto link_facet = facet_at("app.bsky.richtext.facet#link");
  EXPECT_EQ(link_facet["index"]["byteStart"], text.find("https://"));
  EXPECT_EQ(link_facet["features"][0]["uri"], "https://example.com");
  auto tag_facet = facet_at("app.bsky.richtext.facet#tag");
  EXPECT_EQ(tag_facet["index"]["byteStart"], text.find("#roost"));
  EXPECT_EQ(tag_facet["index"]["byteEnd"], text.size());
  EXPECT_EQ(tag_facet["features"][0]["tag"], "roost");

  // The image blob is the bytes stored with the post.
  const json& image = value["embed"]["images"][0];
  EXPECT_EQ(image["alt"], "a single pixel");
  EXPECT_EQ(image["aspectRatio"], (json{{"width", 1}, {"height", 1}}));
  EXPECT_EQ(test::get_blob(pds_, account_.did, image["image"]["ref"]["$link"].get<std::string>()),
            png);

  // Audited with its at:// URI.
  bool audited = false;
  for (const auto& event : audit_events()) {
    if (event.event.action == "post.published") {
      audited = json::parse(event.event.details_json)["uri"] == target.published.uri;
    }
  }
  EXPECT_TRUE(audited);
  EXPECT_EQ(published->counts().published_total, 1u);
  // Nothing is due any more.
  EXPECT_EQ(run(*published), 0u);
}

TEST_F(PublishDispatcherTest, AQuoteARepostAndALikeGoOutUnderTheirJobsKeys) {
  networks::PostContent subject_content;
  subject_content.text = "worth sharing";
  subject_content.created_at = std::chrono::system_clock::now();
  auto subject = network_.publish(credentials_, test::unique_test_record_key(), subject_content);
  ASSERT_TRUE(subject.ok()) << describe(subject.error());
  storage::RecordRef ref{subject->uri, subject->cid};

  auto quote = text_post("look at this");
  quote.kind = storage::PostKind::quote;
  quote.subject = ref;
  auto quoted = schedule(quote);
  auto repost = text_post("");
  repost.kind = storage::PostKind::repost;
  repost.subject = ref;
  auto reposted = schedule(repost);
  auto like = text_post("");
  like.kind = storage::PostKind::like;
  like.subject = ref;
  auto liked = schedule(like);

  auto publishing = dispatcher(options());
  EXPECT_EQ(run(*publishing), 3u);
  for (auto id : {quoted.id, reposted.id, liked.id}) {
    EXPECT_EQ(find_post(id).state, storage::PostState::published);
  }
  auto quote_record = client_.get_record(pds_.pds_url, account_.did, post_collection,
                                         record_key_of(job_of(quoted.id)));
  ASSERT_TRUE(quote_record.ok()) << describe(quote_record.error());
  EXPECT_EQ(quote_record->value["embed"]["record"]["uri"], subject->uri);
  auto reposts = test::list_all_records(pds_, account_.did, networks::bluesky::repost_collection);
  ASSERT_EQ(reposts.size(), 1u);
  EXPECT_EQ(reposts[0].value["subject"]["uri"], subject->uri);
  EXPECT_EQ(reposts[0].uri, find_post(reposted.id).targets[0].published.uri);
  auto likes = test::list_all_records(pds_, account_.did, networks::bluesky::like_collection);
  ASSERT_EQ(likes.size(), 1u);
  EXPECT_EQ(likes[0].uri, find_post(liked.id).targets[0].published.uri);
}

TEST_F(PublishDispatcherTest, AfterACrashBetweenSendAndRecordTheRecordIsFoundNotSentAgain) {
  auto scheduled = schedule(text_post("sent just before the crash"));
  // A dispatcher claims the job, records the send, and the send reaches the PDS; then the
  // process dies before it records the outcome.
  const std::string dead_owner = "dead-" + core::random_hex(4);
  auto claimed = jobs_ptr_->claim_due(clock_.now_ms(), dead_owner, 60'000, 10);
  ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
  ASSERT_TRUE(jobs_ptr_->mark_sent((*claimed)[0].lease, clock_.now_ms()).ok());
  const std::string key = record_key_of((*claimed)[0].job);
  networks::PostContent content;
  content.text = "sent just before the crash";
  content.created_at = std::chrono::system_clock::now();
  auto landed = network_.publish(credentials_, key, content);
  ASSERT_TRUE(landed.ok()) << describe(landed.error());

  // The restarted process: nothing to do while the dead one's lease lasts.
  auto restarted = dispatcher(options());
  EXPECT_EQ(run(*restarted), 0u);
  clock_.advance(61s);
  EXPECT_EQ(run(*restarted), 1u);

  auto after = find_post(scheduled.id);
  EXPECT_EQ(after.state, storage::PostState::published);
  EXPECT_EQ(after.targets[0].published.uri, landed->uri);
  EXPECT_EQ(after.targets[0].published.cid, landed->cid);
  EXPECT_EQ(restarted->counts().found_existing_total, 1u);
  EXPECT_EQ(posts_on_pds().size(), 1u);
  // The crashed send and the dispatch that looked (mark_sent comes before every network
  // call, the lookup's too, so that a crash loop is bounded).
  EXPECT_EQ(job_of(scheduled.id).attempts, 2);
}

TEST_F(PublishDispatcherTest, AnExpiredLeaseIsReclaimedAfterARestartAndPublishedOnce) {
  auto scheduled = schedule(text_post("claimed by a process that died"));
  auto claimed = jobs_ptr_->claim_due(clock_.now_ms(), "dead-" + core::random_hex(4), 60'000, 10);
  ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
  // Died after mark_sent but before the send left: the lookup finds nothing, so it sends.
  ASSERT_TRUE(jobs_ptr_->mark_sent((*claimed)[0].lease, clock_.now_ms()).ok());

  auto restarted = dispatcher(options());
  clock_.advance(59s);
  EXPECT_EQ(run(*restarted), 0u);
  clock_.advance(2s);
  EXPECT_EQ(run(*restarted), 1u);
  EXPECT_EQ(find_post(scheduled.id).state, storage::PostState::published);
  EXPECT_EQ(restarted->counts().found_existing_total, 0u);
  auto records = posts_on_pds();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value["text"], "claimed by a process that died");
  EXPECT_EQ(job_of(scheduled.id).attempts, 2);

  // The dead process's lease no longer changes the job.
  auto stale = jobs_ptr_->complete((*claimed)[0].lease, {"at://x", "y"}, clock_.now_ms());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, core::ErrorCode::conflict) << stale.error().message;
}

TEST_F(PublishDispatcherTest, AnUnreachablePdsIsRetriedWithBackoffThenPublishedOnce) {
  auto unreachable = credentials_;
  unreachable.pds_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  ASSERT_TRUE(vault_ptr_->store(profile_, unreachable).ok());
  auto scheduled = schedule(text_post("published once the PDS answers"));

  auto with = options();
  with.retry_base_delay = 10s;
  auto publishing = dispatcher(with);
  auto due_before = clock_.now_ms();
  EXPECT_EQ(run(*publishing), 1u);
  auto job = job_of(scheduled.id);
  EXPECT_EQ(job.state, storage::PublishJobState::queued);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_NE(job.last_error.find("transient"), std::string::npos) << job.last_error;
  // 10 s ± 20 %.
  EXPECT_GE(job.next_attempt_at_ms - due_before, 8'000);
  EXPECT_LE(job.next_attempt_at_ms - due_before, 12'000);
  EXPECT_EQ(find_post(scheduled.id).state, storage::PostState::publishing);

  // Not before the backoff; then a second failure waits about twice as long.
  EXPECT_EQ(run(*publishing), 0u);
  clock_.advance(milliseconds(job.next_attempt_at_ms - clock_.now_ms()));
  EXPECT_EQ(run(*publishing), 1u);
  auto second = job_of(scheduled.id);
  EXPECT_EQ(second.attempts, 2);
  EXPECT_GE(second.next_attempt_at_ms - clock_.now_ms(), 16'000);
  EXPECT_LE(second.next_attempt_at_ms - clock_.now_ms(), 24'000);

  // The PDS is reachable again: published once, and the lookup before the resend found
  // nothing to settle.
  ASSERT_TRUE(vault_ptr_->store(profile_, credentials_).ok());
  clock_.advance(milliseconds(second.next_attempt_at_ms - clock_.now_ms()));
  EXPECT_EQ(run(*publishing), 1u);
  EXPECT_EQ(find_post(scheduled.id).state, storage::PostState::published);
  EXPECT_EQ(job_of(scheduled.id).attempts, 3);
  EXPECT_EQ(posts_on_pds().size(), 1u);
  EXPECT_EQ(publishing->counts().retried_total, 2u);
}

TEST_F(PublishDispatcherTest, TransientFailuresGiveUpAfterTheAttemptLimit) {
  auto unreachable = credentials_;
  unreachable.pds_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  ASSERT_TRUE(vault_ptr_->store(profile_, unreachable).ok());
  auto scheduled = schedule(text_post("never reaches the PDS"));
  auto with = options();
  with.attempts_max = 3;
  auto publishing = dispatcher(with);
  for (int attempt = 0; attempt < 3; ++attempt) {
    EXPECT_EQ(run(*publishing), 1u);
    clock_.advance(with.retry_max_delay * 2);
  }
  auto job = job_of(scheduled.id);
  EXPECT_EQ(job.state, storage::PublishJobState::failed);
  EXPECT_NE(job.last_error.find("gave up after 3 attempts"), std::string::npos) << job.last_error;
  EXPECT_EQ(find_post(scheduled.id).state, storage::PostState::failed);
  EXPECT_EQ(run(*publishing), 0u);
}

TEST_F(PublishDispatcherTest, GivingUpLooksForTheRecordFirstAndFindsItPublished) {
  // The last attempt's record reached the PDS but its answer was lost: the post is
  // published, not failed.
  auto scheduled_post = schedule(text_post("landed, answer lost"));
  InterposedNetwork lossy(network_);
  lossy.lose_publish_answer = true;
  auto with = options();
  with.attempts_max = 1;
  auto publishing = dispatcher(with, &lossy);
  EXPECT_EQ(run(*publishing), 1u);
  auto after = find_post(scheduled_post.id);
  EXPECT_EQ(after.state, storage::PostState::published);
  ASSERT_EQ(after.targets.size(), 1u);
  auto records = posts_on_pds();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(after.targets[0].published.uri, records[0].uri);
  EXPECT_EQ(publishing->counts().found_existing_total, 1u);
  EXPECT_EQ(publishing->counts().failed_total, 0u);
}

TEST_F(PublishDispatcherTest, APermanentRefusalFailsThePostAndTellsTheAuthorAndTheOwner) {
  // 301 graphemes: the PDS refuses the record (InvalidRecord), whatever is retried.
  auto scheduled = schedule(text_post(std::string(301, 'a')));
  auto publishing = dispatcher(options());
  EXPECT_EQ(run(*publishing), 1u);

  auto after = find_post(scheduled.id);
  EXPECT_EQ(after.state, storage::PostState::failed);
  EXPECT_EQ(after.targets[0].state, storage::TargetState::failed);
  EXPECT_NE(after.targets[0].last_error.find("permanent"), std::string::npos)
      << after.targets[0].last_error;
  EXPECT_EQ(job_of(scheduled.id).attempts, 1);
  EXPECT_TRUE(posts_on_pds().empty());
  for (auto user : {ada_, grace_}) {
    auto notices = notices_of(user);
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].kind, "post.publish_failed");
    auto payload = json::parse(notices[0].payload_json);
    EXPECT_EQ(payload["post_id"], scheduled.id.value);
    EXPECT_EQ(payload["handle"], account_.handle);
    EXPECT_EQ(payload["link"], "https://roost.example/orgs/" + std::to_string(acme_.value) +
                                   "/posts/" + std::to_string(scheduled.id.value));
  }
  bool audited = false;
  for (const auto& event : audit_events()) audited |= event.event.action == "post.publish_failed";
  EXPECT_TRUE(audited);
  EXPECT_EQ(publishing->counts().failed_total, 1u);
}

TEST_F(PublishDispatcherTest, AnExpiredAccessTokenIsRefreshedAndTheNewSessionSealed) {
  auto expired = credentials_;
  expired.access_jwt = test::expired_access_token(pds_, account_.did);
  ASSERT_TRUE(vault_ptr_->store(profile_, expired).ok());
  auto scheduled = schedule(text_post("after a refresh"));
  auto publishing = dispatcher(options());
  EXPECT_EQ(run(*publishing), 1u);
  EXPECT_EQ(find_post(scheduled.id).state, storage::PostState::published);
  auto stored = vault_ptr_->load(profile_);
  ASSERT_TRUE(stored.ok());
  EXPECT_NE(stored->access_jwt, expired.access_jwt);
  EXPECT_NE(stored->refresh_jwt, expired.refresh_jwt);

  // The sealed session works as it is: the next post needs no refresh.
  auto next = schedule(text_post("with the stored session"));
  EXPECT_EQ(run(*publishing), 1u);
  EXPECT_EQ(find_post(next.id).state, storage::PostState::published);
  auto again = vault_ptr_->load(profile_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_jwt, stored->access_jwt);
  EXPECT_EQ(posts_on_pds().size(), 2u);
}

TEST_F(PublishDispatcherTest, RevokedCredentialsPutTheProfileInNeedsReconnectAndTellTheOwnerOnce) {
  // The app password is revoked and the access token has expired: the refresh is refused.
  test::revoke_app_password(pds_, account_, app_password_name);
  auto expired = credentials_;
  expired.access_jwt = test::expired_access_token(pds_, account_.did);
  ASSERT_TRUE(vault_ptr_->store(profile_, expired).ok());
  auto first = schedule(text_post("first"));
  auto second = schedule(text_post("second"));

  auto publishing = dispatcher(options());
  EXPECT_EQ(run(*publishing), 2u);
  auto profile = profiles_ptr_->find(profile_);
  ASSERT_TRUE(profile.ok() && profile->has_value());
  EXPECT_EQ((*profile)->status, "needs_reconnect");
  for (auto id : {first.id, second.id}) {
    auto post = find_post(id);
    EXPECT_EQ(post.state, storage::PostState::failed);
    EXPECT_NE(post.targets[0].last_error.find("needs to be connected again"), std::string::npos)
        << post.targets[0].last_error;
  }
  EXPECT_TRUE(posts_on_pds().empty());

  // Grace (the owner) hears once that the profile needs reconnecting, and of both posts.
  int reconnect_notices = 0;
  int failure_notices = 0;
  for (const auto& notice : notices_of(grace_)) {
    reconnect_notices += notice.kind == "profile.needs_reconnect" ? 1 : 0;
    failure_notices += notice.kind == "post.publish_failed" ? 1 : 0;
  }
  EXPECT_EQ(reconnect_notices, 1);
  EXPECT_EQ(failure_notices, 2);

  // A later post fails at once, without a call, and without a second reconnect notice.
  auto later = schedule(text_post("later"));
  auto restarted = dispatcher(options());
  EXPECT_EQ(run(*restarted), 1u);
  EXPECT_EQ(find_post(later.id).state, storage::PostState::failed);
  EXPECT_EQ(job_of(later.id).attempts, 0);
  reconnect_notices = 0;
  for (const auto& notice : notices_of(grace_)) {
    reconnect_notices += notice.kind == "profile.needs_reconnect" ? 1 : 0;
  }
  EXPECT_EQ(reconnect_notices, 1);
}

TEST_F(PublishDispatcherTest, AReconnectDuringTheBatchIsNotOverwrittenByTheOldSessionsRefresh) {
  auto expired = credentials_;
  expired.access_jwt = test::expired_access_token(pds_, account_.did);
  ASSERT_TRUE(vault_ptr_->store(profile_, expired).ok());
  auto scheduled_post = schedule(text_post("refreshed while someone reconnects"));
  // After the batch loaded the expired session, the owner connects the profile again.
  networks::ProfileCredentials fresh;
  InterposedNetwork interposed(network_);
  interposed.before_publish = [&] {
    auto connected =
        network_.connect_with_app_password(account_.handle, app_password_, std::nullopt);
    ASSERT_TRUE(connected.ok()) << describe(connected.error());
    fresh = *connected;
    auto sealed = vault_ptr_->seal(profile_, fresh);
    ASSERT_TRUE(sealed.ok());
    auto reconnected = profiles_ptr_->reconnect(
        acme_, profile_, {account_.did, account_.handle, pds_.pds_url, *sealed}, clock_.now_ms(),
        audit());
    ASSERT_TRUE(reconnected.ok()) << message_of(reconnected);
  };
  auto publishing = dispatcher(options(), &interposed);
  EXPECT_EQ(run(*publishing), 1u);
  EXPECT_EQ(find_post(scheduled_post.id).state, storage::PostState::published);
  ASSERT_FALSE(fresh.access_jwt.empty());
  // The reconnect's session survives the write-back of the refreshed old one.
  auto stored = vault_ptr_->load(profile_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->access_jwt, fresh.access_jwt);
  EXPECT_EQ(stored->refresh_jwt, fresh.refresh_jwt);
  auto profile = profiles_ptr_->find(profile_);
  ASSERT_TRUE(profile.ok() && profile->has_value());
  EXPECT_EQ((*profile)->status, "active");
  // And it works: the next post goes out with it.
  auto next = schedule(text_post("with the reconnected session"));
  EXPECT_EQ(run(*publishing), 1u);
  EXPECT_EQ(find_post(next.id).state, storage::PostState::published);
}

TEST_F(PublishDispatcherTest, TheOldSessionsRefusalDoesNotMarkAProfileReconnectedMeanwhile) {
  // The app password is revoked and the access token has expired: the refresh is refused.
  test::revoke_app_password(pds_, account_, app_password_name);
  auto expired = credentials_;
  expired.access_jwt = test::expired_access_token(pds_, account_.did);
  ASSERT_TRUE(vault_ptr_->store(profile_, expired).ok());
  auto scheduled_post = schedule(text_post("refused, then reconnected"));
  // After the batch loaded the old session, the owner connects with a new app password.
  networks::ProfileCredentials fresh;
  InterposedNetwork interposed(network_);
  interposed.before_publish = [&] {
    auto password = test::create_app_password(pds_, account_, "roost-again");
    auto connected = network_.connect_with_app_password(account_.handle, password, std::nullopt);
    ASSERT_TRUE(connected.ok()) << describe(connected.error());
    fresh = *connected;
    auto sealed = vault_ptr_->seal(profile_, fresh);
    ASSERT_TRUE(sealed.ok());
    auto reconnected = profiles_ptr_->reconnect(
        acme_, profile_, {account_.did, account_.handle, pds_.pds_url, *sealed}, clock_.now_ms(),
        audit());
    ASSERT_TRUE(reconnected.ok()) << message_of(reconnected);
  };
  auto publishing = dispatcher(options(), &interposed);
  EXPECT_EQ(run(*publishing), 1u);
  ASSERT_FALSE(fresh.access_jwt.empty());
  auto profile = profiles_ptr_->find(profile_);
  ASSERT_TRUE(profile.ok() && profile->has_value());
  EXPECT_EQ((*profile)->status, "active");
  for (const auto& notice : notices_of(grace_)) EXPECT_NE(notice.kind, "profile.needs_reconnect");
  auto stored = vault_ptr_->load(profile_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->access_jwt, fresh.access_jwt);
  // Not failed: retried, and published with the new session.
  EXPECT_EQ(job_of(scheduled_post.id).state, storage::PublishJobState::queued);
  EXPECT_EQ(run(*publishing), 1u);
  EXPECT_EQ(find_post(scheduled_post.id).state, storage::PostState::published);
  EXPECT_EQ(posts_on_pds().size(), 1u);
}

TEST_F(PublishDispatcherTest, ADeleteAndAnUnfollowRemoveTheirRecordsAndAreIdempotent) {
  networks::PostContent content;
  content.text = "to be deleted";
  content.created_at = std::chrono::system_clock::now();
  auto doomed = network_.publish(credentials_, test::unique_test_record_key(), content);
  ASSERT_TRUE(doomed.ok()) << describe(doomed.error());
  auto friend_account = test::create_test_account(pds_);
  auto followed = network_.follow(credentials_, test::unique_test_record_key(), friend_account.did);
  ASSERT_TRUE(followed.ok()) << describe(followed.error());
  ASSERT_EQ(test::list_all_records(pds_, account_.did, networks::bluesky::follow_collection).size(),
            1u);

  auto action = [&](storage::PostKind kind, const networks::PublishedPost& record) {
    auto post = text_post("");
    post.kind = kind;
    post.subject = storage::RecordRef{record.uri, record.cid};
    return schedule(post);
  };
  // Twice each: the second finds its record gone already, and succeeds as well.
  std::vector<core::PostId> posts;
  for (int round = 0; round < 2; ++round) {
    posts.push_back(action(storage::PostKind::delete_record, *doomed).id);
    posts.push_back(action(storage::PostKind::unfollow, *followed).id);
    auto publishing = dispatcher(options());
    EXPECT_EQ(run(*publishing), 2u);
    EXPECT_EQ(publishing->counts().published_total, 2u);
  }
  for (auto id : posts) {
    auto after = find_post(id);
    EXPECT_EQ(after.state, storage::PostState::published);
    ASSERT_EQ(after.targets.size(), 1u);
  }
  EXPECT_EQ(find_post(posts[0]).targets[0].published.uri, doomed->uri);
  EXPECT_EQ(find_post(posts[1]).targets[0].published.uri, followed->uri);
  auto gone = client_.get_record(pds_.pds_url, account_.did, post_collection,
                                 doomed->uri.substr(doomed->uri.rfind('/') + 1));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, networks::FailureKind::not_found) << describe(gone.error());
  EXPECT_TRUE(posts_on_pds().empty());
  EXPECT_TRUE(
      test::list_all_records(pds_, account_.did, networks::bluesky::follow_collection).empty());
}

TEST_F(PublishDispatcherTest, ARecordOfAnotherAccountIsNotDeleted) {
  auto other = test::create_test_account(pds_);
  auto other_password = test::create_app_password(pds_, other, app_password_name);
  auto other_session =
      network_.connect_with_app_password(other.handle, other_password, std::nullopt);
  ASSERT_TRUE(other_session.ok()) << describe(other_session.error());
  networks::PostContent content;
  content.text = "not yours to delete";
  content.created_at = std::chrono::system_clock::now();
  auto theirs = network_.publish(*other_session, test::unique_test_record_key(), content);
  ASSERT_TRUE(theirs.ok()) << describe(theirs.error());

  auto post = text_post("");
  post.kind = storage::PostKind::delete_record;
  post.subject = storage::RecordRef{theirs->uri, theirs->cid};
  auto scheduled_post = schedule(post);
  auto publishing = dispatcher(options());
  EXPECT_EQ(run(*publishing), 1u);
  auto after = find_post(scheduled_post.id);
  EXPECT_EQ(after.state, storage::PostState::failed);
  EXPECT_NE(after.targets[0].last_error.find("another account"), std::string::npos)
      << after.targets[0].last_error;
  EXPECT_EQ(job_of(scheduled_post.id).attempts, 1);
  EXPECT_EQ(test::list_all_records(pds_, other.did, post_collection).size(), 1u);
}

// The loop with the real clock: a post due in a moment goes out within a second of its
// instant, without a wake-up call, and /readyz's check follows the loop.
class PublishDispatcherLoopTest : public PublishDispatcherTest {};

TEST_F(PublishDispatcherLoopTest, DuePostsGoOutWithinASecondAndTheHeartbeatIsReported) {
  core::SystemClock real_clock;
  PublishDispatcher looping(*jobs_ptr_, *posts_ptr_, *profiles_ptr_, *alerts_ptr_, *vault_ptr_,
                            DispatchNetworks{{&network_}}, real_clock, options());
  EXPECT_FALSE(looping.readiness_check().ok);
  looping.start();

  constexpr std::int64_t due_in_ms = 1'500;
  auto due_at_ms = real_clock.now_ms() + due_in_ms;
  auto scheduled = schedule(text_post("on time"), due_at_ms);
  storage::PostRecord after;
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(100ms);
    after = find_post(scheduled.id);
    if (after.state == storage::PostState::published) break;
  }
  ASSERT_EQ(after.state, storage::PostState::published);
  ASSERT_TRUE(after.targets[0].published_at_ms.has_value());
  auto lateness_ms = *after.targets[0].published_at_ms - due_at_ms;
  EXPECT_GE(lateness_ms, 0);
  EXPECT_LE(lateness_ms, 1'000);
  auto check = looping.readiness_check();
  EXPECT_TRUE(check.ok) << check.detail;
  EXPECT_EQ(check.name, "publish_dispatcher");
  EXPECT_LE(real_clock.now_ms() - looping.last_heartbeat_ms(), 2'000);

  looping.stop();
  EXPECT_FALSE(looping.readiness_check().ok);
}

TEST_F(PublishDispatcherTest, AHeartbeatOlderThanTheLimitIsNotReady) {
  auto with = options();
  with.heartbeat_stale_after = 10s;
  with.poll_interval = 1h;  // the loop comes round once, then sleeps
  auto sleeping = dispatcher(with);
  // start() beats once itself; only the loop's own beat, at a later test time, shows the
  // loop thread runs.
  sleeping->start();
  // Waits (in real time) for the loop to beat at the test clock's current time.
  auto loop_beats = [&sleeping, this] {
    const auto now_ms = clock_.now_ms();
    sleeping->wake();
    for (int i = 0; i < 500 && sleeping->last_heartbeat_ms() != now_ms; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    return sleeping->last_heartbeat_ms() == now_ms;
  };
  clock_.advance(5s);
  ASSERT_TRUE(loop_beats()) << "the loop never beat; last heartbeat "
                            << sleeping->last_heartbeat_ms();
  EXPECT_TRUE(sleeping->readiness_check().ok) << sleeping->readiness_check().detail;
  clock_.advance(11s);
  auto check = sleeping->readiness_check();
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.detail.find("stale"), std::string::npos) << check.detail;
  // Once the loop comes round again it is ready again.
  ASSERT_TRUE(loop_beats());
  EXPECT_TRUE(sleeping->readiness_check().ok) << sleeping->readiness_check().detail;
  sleeping->stop();
}

// Two dispatchers (as two `roost serve` processes would) on one PostgreSQL database, each
// with its own connections, owner and threads, share one outbox: every post is published
// exactly once, and both did part of the work.
class PostgresPublishDispatcherTest : public PublishDispatcherTest {
 protected:
  PostgresPublishDispatcherTest() { backend_ = storage::Backend::postgres; }
};

TEST_F(PostgresPublishDispatcherTest, TwoProcessesPublishEveryDuePostExactlyOnce) {
  constexpr int profile_count = 4;
  constexpr int posts_per_profile = 30;
  std::vector<core::ProfileId> profiles{profile_};
  std::vector<std::string> dids{account_.did};
  for (int i = 1; i < profile_count; ++i) {
    auto account = test::create_test_account(pds_);
    auto password = test::create_app_password(pds_, account, app_password_name);
    auto connected = network_.connect_with_app_password(account.handle, password, std::nullopt);
    ASSERT_TRUE(connected.ok()) << describe(connected.error());
    storage::ProfileDraft draft{acme_, "bluesky",    account.did, account.handle, "",
                                "",    pds_.pds_url, grace_,      ada_,           clock_.now_ms()};
    auto profile = profiles_ptr_->create(draft, audit("profile.connected"));
    ASSERT_TRUE(profile.ok()) << message_of(profile);
    ASSERT_TRUE(vault_ptr_->store(profile->id, *connected).ok());
    profiles.push_back(profile->id);
    dids.push_back(account.did);
  }
  std::vector<core::PostId> scheduled;
  for (int n = 0; n < posts_per_profile; ++n) {
    for (auto profile : profiles) {
      auto post = text_post("post " + std::to_string(n) + " of " + std::to_string(profile.value));
      post.targets.push_back({profile, std::nullopt, "hash"});
      scheduled.push_back(schedule(post).id);
    }
  }

  // The second process: its own connections and repositories over the same database.
  auto opened = storage::open_database(scratch_->url(), {});
  ASSERT_TRUE(opened.ok()) << message_of(opened);
  auto other_database = std::move(opened).value();
  storage::PublishJobRepository other_jobs(*other_database);
  storage::PostRepository other_posts(*other_database);
  storage::ProfileRepository other_profiles(*other_database);
  storage::NotificationRepository other_notifications(*other_database);
  storage::UserRepository other_users(*other_database);
  services::ProfileAlerts other_alerts(other_profiles, other_users, other_notifications, clock_,
                                       outbound_);
  services::ProfileCredentialVault other_vault(other_profiles, keyring_, clock_);
  networks::bluesky::BlueskyNetwork other_network{test::test_bluesky_settings(pds_)};

  auto with = options();
  with.batch_max = 8;
  with.threads = 2;
  auto first = dispatcher(with);
  with.owner = "other-" + core::random_hex(4);
  PublishDispatcher second(other_jobs, other_posts, other_profiles, other_alerts, other_vault,
                           DispatchNetworks{{&other_network}}, clock_, with);
  first->start();
  second.start();
  const auto total = static_cast<std::int64_t>(scheduled.size());
  for (int i = 0; i < 1'200; ++i) {
    auto counted = jobs_ptr_->count_by_state();
    ASSERT_TRUE(counted.ok());
    if (counted->done + counted->failed == total) break;
    std::this_thread::sleep_for(100ms);
  }
  first->stop();
  second.stop();

  auto counted = jobs_ptr_->count_by_state();
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->done, total);
  for (auto id : scheduled) EXPECT_EQ(find_post(id).state, storage::PostState::published);
  for (const auto& did : dids) {
    EXPECT_EQ(test::list_all_records(pds_, did, post_collection).size(),
              static_cast<std::size_t>(posts_per_profile));
  }
  auto first_counts = first->counts();
  auto second_counts = second.counts();
  EXPECT_EQ(first_counts.published_total + second_counts.published_total,
            static_cast<std::uint64_t>(total));
  EXPECT_GT(first_counts.published_total, 0u);
  EXPECT_GT(second_counts.published_total, 0u);
  EXPECT_EQ(first_counts.lease_lost_total + second_counts.lease_lost_total, 0u);
}

// ADR 0030: another process's announcement (LISTEN/NOTIFY on roost_publish_due) wakes a
// dispatcher whose poll is an hour away; and its announcer (ADR 0035) reaches the others.
TEST_F(PostgresPublishDispatcherTest, AnotherProcessesAnnouncementWakesTheDispatcherAtOnce) {
  core::SystemClock real_clock;
  auto listening =
      storage::open_live_event_channel(scratch_->url(), storage::ChannelTopic::publish_due);
  auto other_process =
      storage::open_live_event_channel(scratch_->url(), storage::ChannelTopic::publish_due);
  auto live_events = storage::open_live_event_channel(scratch_->url());
  ASSERT_TRUE(listening && other_process && live_events);
  auto with = options();
  with.poll_interval = 1h;
  PublishDispatcher sleeping(*jobs_ptr_, *posts_ptr_, *profiles_ptr_, *alerts_ptr_, *vault_ptr_,
                             DispatchNetworks{{&network_}}, real_clock, with);
  sleeping.listen_for_due(listening.get());
  sleeping.start();
  std::this_thread::sleep_for(1s);  // it came round, found nothing, and sleeps its hour
  auto scheduled = schedule(text_post("woken"), real_clock.now_ms());
  // Traffic on the live events channel is not a wake-up.
  ASSERT_TRUE(live_events->notify("{}").ok());
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(find_post(scheduled.id).state, storage::PostState::scheduled);

  const auto announced = std::chrono::steady_clock::now();
  ASSERT_TRUE(other_process->notify("other").ok());
  storage::PostRecord after;
  for (int i = 0; i < 100 && after.state != storage::PostState::published; ++i) {
    std::this_thread::sleep_for(50ms);
    after = find_post(scheduled.id);
  }
  EXPECT_EQ(after.state, storage::PostState::published);
  std::cout << "announcement -> published: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - announced)
                   .count()
            << " ms\n";

  // This process's announcer (ADR 0035) reaches the others over the real channel, and the
  // dispatcher's own listener does not take its owner's announcement for news.
  ASSERT_TRUE(other_process->receive(0ms).ok());  // it listens from now on
  auto sending =
      storage::open_live_event_channel(scratch_->url(), storage::ChannelTopic::publish_due);
  DueAnnouncer announcer(*sending, with.owner);
  announcer.start();
  announcer.announce();
  auto heard = other_process->receive(2s);
  ASSERT_TRUE(heard.ok());
  EXPECT_EQ(*heard, std::vector<std::string>{with.owner});
  announcer.stop();
  sleeping.stop();
}

}  // namespace
}  // namespace roost::scheduler
