#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/invitations.hpp"

namespace roost::api::http {

// Invitations: an organization's admins invite, list, revoke and regenerate links, and
// import members from a CSV; the invitee previews by the link (no sign-in needed), lists
// their own and accepts or declines, by the link's token or by id.
class InvitationHandlers {
 public:
  InvitationHandlers(services::Invitations& invitations, BlockingExecutor& blocking)
      : invitations_(invitations), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> invite(Request request);
  Awaitable<Response> list(Request request);
  Awaitable<Response> revoke(Request request);
  Awaitable<Response> regenerate_link(Request request);
  Awaitable<Response> mine(Request request);
  Awaitable<Response> preview(Request request);
  Awaitable<Response> answer_by_token(Request request, bool accept);
  Awaitable<Response> answer_by_id(Request request, bool accept);
  Awaitable<Response> import(Request request);

  services::Invitations& invitations_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
