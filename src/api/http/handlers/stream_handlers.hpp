#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/streams.hpp"

namespace roost::api::http {

// A team's shared streams (ADR 0024): create and list per team; show, edit, pause, delete
// and read the items of one stream; and the caller's columns in the organization.
class StreamHandlers {
 public:
  StreamHandlers(services::Streams& streams, BlockingExecutor& blocking)
      : streams_(streams), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> create(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> update(Request request);
  Awaitable<Response> remove(Request request);
  Awaitable<Response> items(Request request);
  Awaitable<Response> columns(Request request);
  Awaitable<Response> set_columns(Request request);

  services::Streams& streams_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
