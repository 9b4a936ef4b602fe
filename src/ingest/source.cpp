#include "ingest/source.hpp"

#include <charconv>

namespace roost::ingest {

namespace {

constexpr std::string_view firehose_path = "/xrpc/com.atproto.sync.subscribeRepos";
constexpr std::string_view jetstream_path = "/subscribe";
constexpr std::string_view jetstream_collections = "wantedCollections=app.bsky.feed.post";
constexpr int port_max = 65'535;

core::Error bad_url(std::string_view url, std::string_view why) {
  std::string message = "ingest source ";
  message.append(url).append(": ").append(why);
  return core::Error{core::ErrorCode::configuration_error, std::move(message)};
}

bool valid_port(std::string_view port) {
  int value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  return error == std::errc{} && end == port.data() + port.size() && value > 0 && value <= port_max;
}

}  // namespace

std::string_view source_kind_name(SourceKind kind) {
  return kind == SourceKind::firehose ? "firehose" : "jetstream";
}

core::Result<SourceKind> parse_source_kind(std::string_view name) {
  if (name == "firehose") return SourceKind::firehose;
  if (name == "jetstream") return SourceKind::jetstream;
  std::string message = "ingest kind must be firehose or jetstream, not ";
  message.append(name);
  return core::Error{core::ErrorCode::configuration_error, std::move(message)};
}

core::Result<SourceUrl> parse_source_url(std::string_view url, SourceKind kind) {
  SourceUrl parsed;
  std::string_view rest = url;
  if (rest.starts_with("ws://")) {
    rest.remove_prefix(5);
  } else if (rest.starts_with("wss://")) {
    parsed.tls = true;
    rest.remove_prefix(6);
  } else {
    return bad_url(url, "must start with ws:// or wss://");
  }
  if (rest.find('#') != std::string_view::npos) return bad_url(url, "has a fragment");
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  rest = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) return bad_url(url, "has a userinfo");

  std::string_view host = authority;
  std::string_view port = parsed.tls ? "443" : "80";
  if (authority.starts_with('[')) {  // [::1]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "has an unclosed IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad_url(url, "has a malformed port");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad_url(url, "has no host");
  if (!valid_port(port)) return bad_url(url, "has a malformed port");
  parsed.host = std::string(host);
  parsed.port = std::string(port);

  const auto query_start = rest.find('?');
  std::string_view path = rest.substr(0, query_start);
  if (query_start != std::string_view::npos)
    parsed.query = std::string(rest.substr(query_start + 1));
  if (path.empty() || path == "/")
    path = kind == SourceKind::firehose ? firehose_path : jetstream_path;
  parsed.path = std::string(path);
  return parsed;
}

std::string subscribe_target(const SourceUrl& url, SourceKind kind,
                             std::optional<std::int64_t> cursor) {
  std::string target = url.path;
  char separator = '?';
  auto append = [&](std::string_view parameter) {
    target.push_back(separator);
    target.append(parameter);
    separator = '&';
  };
  if (!url.query.empty()) append(url.query);
  if (kind == SourceKind::jetstream) append(jetstream_collections);
  if (cursor) append("cursor=" + std::to_string(*cursor));
  return target;
}

std::string host_header(const SourceUrl& url) {
  const bool default_port = url.port == (url.tls ? "443" : "80");
  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string header = ipv6 ? "[" + url.host + "]" : url.host;
  if (!default_port) header.append(":").append(url.port);
  return header;
}

}  // namespace roost::ingest
