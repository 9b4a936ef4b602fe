// Ingest source URLs: what the consumer connects to and the target it asks for.
#include "ingest/source.hpp"

#include <gtest/gtest.h>

namespace roost::ingest {
namespace {

TEST(IngestSource, AnAddressAloneGetsTheKindsEndpoint) {
  auto pds = parse_source_url("ws://127.0.0.1:2583", SourceKind::firehose);
  ASSERT_TRUE(pds.ok()) << pds.error().message;
  EXPECT_FALSE(pds->tls);
  EXPECT_EQ(pds->host, "127.0.0.1");
  EXPECT_EQ(pds->port, "2583");
  EXPECT_EQ(pds->path, "/xrpc/com.atproto.sync.subscribeRepos");
  EXPECT_EQ(subscribe_target(*pds, SourceKind::firehose, std::nullopt),
            "/xrpc/com.atproto.sync.subscribeRepos");
  EXPECT_EQ(subscribe_target(*pds, SourceKind::firehose, 42),
            "/xrpc/com.atproto.sync.subscribeRepos?cursor=42");
  EXPECT_EQ(host_header(*pds), "127.0.0.1:2583");

  auto jetstream =
      parse_source_url("wss://jetstream2.us-east.bsky.network/", SourceKind::jetstream);
  ASSERT_TRUE(jetstream.ok());
  EXPECT_TRUE(jetstream->tls);
  EXPECT_EQ(jetstream->port, "443");
  EXPECT_EQ(host_header(*jetstream), "jetstream2.us-east.bsky.network");
  EXPECT_EQ(subscribe_target(*jetstream, SourceKind::jetstream, 1725911162329308),
            "/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725911162329308");
}

TEST(IngestSource, KeepsAGivenPathAndQuery) {
  auto relay = parse_source_url("wss://bsky.network/xrpc/com.atproto.sync.subscribeRepos",
                                SourceKind::firehose);
  ASSERT_TRUE(relay.ok());
  EXPECT_EQ(relay->path, "/xrpc/com.atproto.sync.subscribeRepos");
  auto jetstream =
      parse_source_url("ws://[::1]:6008/subscribe?wantedDids=did:plc:a", SourceKind::jetstream);
  ASSERT_TRUE(jetstream.ok()) << jetstream.error().message;
  EXPECT_EQ(jetstream->host, "::1");
  EXPECT_EQ(host_header(*jetstream), "[::1]:6008");
  EXPECT_EQ(subscribe_target(*jetstream, SourceKind::jetstream, std::nullopt),
            "/subscribe?wantedDids=did:plc:a&wantedCollections=app.bsky.feed.post");
}

TEST(IngestSource, RefusesWhatIsNotAWebSocketUrl) {
  for (const char* url :
       {"http://bsky.network", "bsky.network", "ws://", "ws://:80", "ws://host:0",
        "ws://host:65536", "ws://host:8x", "ws://user@host", "ws://host/#frag", "ws://[::1"}) {
    auto parsed = parse_source_url(url, SourceKind::firehose);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::configuration_error) << url;
  }
}

TEST(IngestSource, KindsByName) {
  EXPECT_EQ(parse_source_kind("firehose").value(), SourceKind::firehose);
  EXPECT_EQ(parse_source_kind("jetstream").value(), SourceKind::jetstream);
  EXPECT_FALSE(parse_source_kind("Firehose").ok());
  EXPECT_FALSE(parse_source_kind("").ok());
}

}  // namespace
}  // namespace roost::ingest
