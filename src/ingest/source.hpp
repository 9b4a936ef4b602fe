#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

// Where the consumer reads from: a firehose (com.atproto.sync.subscribeRepos of a relay or a
// PDS) or a Jetstream instance, at a ws:// or wss:// URL.
namespace roost::ingest {

enum class SourceKind { firehose, jetstream };

std::string_view source_kind_name(SourceKind kind);
// "firehose" or "jetstream"; configuration_error otherwise.
core::Result<SourceKind> parse_source_kind(std::string_view name);

struct SourceUrl {
  bool tls = false;  // wss://
  std::string host;
  std::string port;   // 80 / 443 when the URL names none
  std::string path;   // the endpoint: the kind's default when the URL has no path
  std::string query;  // without '?'; kept (e.g. Jetstream's wantedDids)
};

// A ws:// or wss:// URL. A URL without a path gets the kind's endpoint
// (/xrpc/com.atproto.sync.subscribeRepos or /subscribe), so that a relay or a PDS can be
// named by its address alone. configuration_error for anything else (http://, a userinfo,
// a fragment, no host, a bad port).
core::Result<SourceUrl> parse_source_url(std::string_view url, SourceKind kind);

// The HTTP target of the WebSocket upgrade: the path, the URL's query, Jetstream's
// wantedCollections=app.bsky.feed.post, and cursor=<cursor> when resuming.
std::string subscribe_target(const SourceUrl& url, SourceKind kind,
                             std::optional<std::int64_t> cursor);

// The Host header: the host, and the port when it is not the scheme's default.
std::string host_header(const SourceUrl& url);

}  // namespace roost::ingest
