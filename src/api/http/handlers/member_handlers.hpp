#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/member_list_cache.hpp"
#include "api/http/router.hpp"
#include "core/limits.hpp"
#include "services/members.hpp"

namespace roost::api::http {

// The members of an organization: list (cursor pages), change a role, remove or leave.
// Listed pages are rendered straight to JSON text and kept at the member list's revision
// (MemberListCache): a team's web clients re-read the list far more often than it changes.
class MemberHandlers {
 public:
  MemberHandlers(services::Members& members, BlockingExecutor& blocking)
      : members_(members), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);
  Awaitable<Response> change_role(Request request);
  Awaitable<Response> remove(Request request);

  services::Members& members_;
  BlockingExecutor& blocking_;
  MemberListCache pages_{core::limits::member_list_cache_pages,
                         core::limits::member_list_cache_bytes};
};

}  // namespace roost::api::http
