#include "app/api_graph.hpp"

#include <algorithm>

#include "core/limits.hpp"

namespace roost::app {
namespace {

// Identity lookups happen inside API requests (saving a stream): tighter bounds than a
// publishing call's.
networks::bluesky::BlueskySettings identity_settings(networks::bluesky::BlueskySettings settings) {
  settings.connect_timeout =
      std::min(settings.connect_timeout, core::limits::identity_connect_timeout);
  settings.total_timeout = std::min(settings.total_timeout, core::limits::identity_total_timeout);
  return settings;
}

}  // namespace

ApiGraph::ApiGraph(storage::Database& database, api::http::BlockingExecutor& blocking,
                   const core::Clock& clock, const services::OutboundSettings& outbound,
                   const core::Keyring& keyring, const networks::bluesky::BlueskySettings& bluesky,
                   storage::LiveEventChannel* live_channel)
    : outbound_(outbound),
      fanout_(live_channel != nullptr
                  ? std::make_unique<services::LiveEventFanout>(hub_events_, *live_channel)
                  : nullptr),
      live_events_(fanout_ ? static_cast<services::LiveEvents&>(*fanout_) : hub_events_),
      system_status_(database),
      users_(database),
      accounts_(users_, clock),
      session_records_(database),
      login_throttles_(database),
      password_check_(users_, login_throttles_, clock),
      totp_records_(database),
      two_factor_(password_check_, totp_records_, keyring, clock),
      sessions_(users_, session_records_, login_throttles_, clock, &two_factor_),
      organization_records_(database),
      organizations_(organization_records_, clock),
      members_(organization_records_, clock),
      team_records_(database),
      teams_(organization_records_, team_records_, clock),
      profile_records_(database),
      bluesky_(bluesky),
      profile_vault_(profile_records_, keyring, clock),
      profile_alerts_(profile_records_, users_, notification_records_, clock, outbound_),
      profiles_(organization_records_, team_records_, profile_records_, profile_vault_, bluesky_,
                profile_alerts_, clock),
      oauth_records_(database),
      profile_oauth_(profiles_, oauth_records_, bluesky_, keyring, outbound_, clock),
      notification_records_(database),
      notifications_(notification_records_, clock),
      logo_records_(database),
      logos_(organization_records_, logo_records_, clock),
      audit_records_(database),
      audit_log_(organization_records_, audit_records_, clock),
      invitation_records_(database),
      invitations_(organization_records_, invitation_records_, users_, clock, outbound_),
      api_token_records_(database),
      api_tokens_(api_token_records_, organization_records_, clock),
      post_records_(database),
      post_calendar_(organization_records_, users_, post_records_, profiles_, teams_, clock),
      posts_(organization_records_, team_records_, profile_records_, post_records_, notifications_,
             clock),
      event_access_(organization_records_, team_records_, profile_records_),
      identities_(identity_settings(bluesky)),
      stream_records_(database),
      streams_(organization_records_, team_records_, stream_records_, clock, &identities_),
      template_records_(database),
      templates_(organization_records_, team_records_, profile_records_, template_records_, clock),
      inbox_records_(database),
      inbox_(organization_records_, team_records_, profile_records_, inbox_records_, users_,
             notification_records_, posts_, templates_, &live_events_, clock, outbound_,
             services::InboxOptions{.identities = &identities_}),
      inbox_presence_(inbox_, users_, live_events_),
      // Every process reads the committed rows: its own hub only, never the fan-out.
      notification_pump_(notification_records_, hub_events_),
      system_handlers_(system_status_, blocking),
      account_handlers_(accounts_, blocking),
      session_handlers_(sessions_, blocking),
      org_handlers_(organizations_, blocking),
      member_handlers_(members_, blocking),
      team_handlers_(teams_, blocking),
      profile_handlers_(profiles_, blocking),
      oauth_handlers_(profile_oauth_, outbound_, blocking),
      notification_handlers_(notifications_, blocking),
      logo_handlers_(logos_, blocking),
      audit_handlers_(audit_log_, blocking),
      invitation_handlers_(invitations_, blocking),
      api_token_handlers_(api_tokens_, blocking),
      two_factor_handlers_(two_factor_, blocking),
      calendar_handlers_(post_calendar_, outbound_, blocking),
      post_handlers_(posts_, blocking),
      event_handlers_(event_access_, inbox_presence_, blocking),
      stream_handlers_(streams_, blocking),
      inbox_handlers_(inbox_, blocking),
      template_handlers_(templates_, blocking) {}

const core::Keyring& ApiGraph::no_keyring() {
  static const core::Keyring empty;
  return empty;
}

void ApiGraph::register_routes(api::http::Router& router) {
  system_handlers_.register_routes(router);
  account_handlers_.register_routes(router);
  session_handlers_.register_routes(router);
  org_handlers_.register_routes(router);
  member_handlers_.register_routes(router);
  team_handlers_.register_routes(router);
  profile_handlers_.register_routes(router);
  oauth_handlers_.register_routes(router);
  notification_handlers_.register_routes(router);
  logo_handlers_.register_routes(router);
  audit_handlers_.register_routes(router);
  invitation_handlers_.register_routes(router);
  api_token_handlers_.register_routes(router);
  two_factor_handlers_.register_routes(router);
  calendar_handlers_.register_routes(router);
  post_handlers_.register_routes(router);
  event_handlers_.register_routes(router);
  stream_handlers_.register_routes(router);
  inbox_handlers_.register_routes(router);
  template_handlers_.register_routes(router);
}

}  // namespace roost::app
