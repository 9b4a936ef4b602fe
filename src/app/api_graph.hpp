#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/handlers/account_handlers.hpp"
#include "api/http/handlers/api_token_handlers.hpp"
#include "api/http/handlers/audit_handlers.hpp"
#include "api/http/handlers/calendar_handlers.hpp"
#include "api/http/handlers/event_handlers.hpp"
#include "api/http/handlers/inbox_handlers.hpp"
#include "api/http/handlers/invitation_handlers.hpp"
#include "api/http/handlers/member_handlers.hpp"
#include "api/http/handlers/notification_handlers.hpp"
#include "api/http/handlers/oauth_handlers.hpp"
#include "api/http/handlers/org_handlers.hpp"
#include "api/http/handlers/org_logo_handlers.hpp"
#include "api/http/handlers/post_handlers.hpp"
#include "api/http/handlers/profile_handlers.hpp"
#include "api/http/handlers/session_handlers.hpp"
#include "api/http/handlers/stream_handlers.hpp"
#include "api/http/handlers/system_handlers.hpp"
#include "api/http/handlers/team_handlers.hpp"
#include "api/http/handlers/template_handlers.hpp"
#include "api/http/handlers/two_factor_handlers.hpp"
#include "api/http/router.hpp"
#include "api/ws/event_hub.hpp"
#include "api/ws/hub_live_events.hpp"
#include "core/clock.hpp"
#include "core/secret_box.hpp"
#include "networks/bluesky/bluesky_identity.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "services/accounts.hpp"
#include "services/api_tokens.hpp"
#include "services/audit_log.hpp"
#include "services/event_access.hpp"
#include "services/inbox.hpp"
#include "services/inbox_presence.hpp"
#include "services/invitations.hpp"
#include "services/live_event_fanout.hpp"
#include "services/members.hpp"
#include "services/notification_pump.hpp"
#include "services/notifications.hpp"
#include "services/org_logos.hpp"
#include "services/organizations.hpp"
#include "services/outbound_settings.hpp"
#include "services/password_check.hpp"
#include "services/post_calendar.hpp"
#include "services/posts.hpp"
#include "services/profile_alerts.hpp"
#include "services/profile_credentials.hpp"
#include "services/profile_oauth.hpp"
#include "services/profiles.hpp"
#include "services/sessions.hpp"
#include "services/streams.hpp"
#include "services/system_status.hpp"
#include "services/teams.hpp"
#include "services/templates.hpp"
#include "services/two_factor.hpp"
#include "storage/api_token_repository.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "storage/inbox_repository.hpp"
#include "storage/invitation_repository.hpp"
#include "storage/login_throttle_repository.hpp"
#include "storage/notification_repository.hpp"
#include "storage/oauth_authorization_repository.hpp"
#include "storage/org_logo_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/session_repository.hpp"
#include "storage/stream_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/template_repository.hpp"
#include "storage/totp_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::app {

// Repositories, services and HTTP handlers of the API, built once over one database. `serve`
// registers its routes through register_routes(), and so does the test that checks every
// route is in docs/api/openapi.yaml: the list of routes has one source. Constructing the
// graph touches neither the database nor the network.
class ApiGraph {
 public:
  ApiGraph(storage::Database& database, api::http::BlockingExecutor& blocking,
           const core::Clock& clock, const services::OutboundSettings& outbound,
           const core::Keyring& keyring = no_keyring(),
           const networks::bluesky::BlueskySettings& bluesky = {},
           storage::LiveEventChannel* live_channel = nullptr);
  ApiGraph(const ApiGraph&) = delete;
  ApiGraph& operator=(const ApiGraph&) = delete;

  // Before the server runs: the base of links, once the bound port is known (see
  // Config::public_url_derived). Services read the settings by reference.
  void set_public_url(std::string url) { outbound_.public_url = std::move(url); }

  // Every API route; the web UI's static files (the fallback route) are added by serve.
  void register_routes(api::http::Router& router);

  api::http::SystemHandlers& system_handlers() { return system_handlers_; }
  services::SystemStatus& system_status() { return system_status_; }
  services::Sessions& sessions() { return sessions_; }
  // For a graph that seals nothing (the OpenAPI coverage test): sealing fails with
  // ErrorCode::crypto_error.
  static const core::Keyring& no_keyring();
  services::ApiTokens& api_tokens() { return api_tokens_; }
  // What the publish dispatcher shares with the API: the network, the profiles' sealed
  // sessions, and the notices of a profile that needs reconnecting.
  networks::Network& bluesky_network() { return bluesky_; }
  services::ProfileCredentialVault& profile_credentials() { return profile_vault_; }
  services::ProfileAlerts& profile_alerts() { return profile_alerts_; }
  // The posts use cases, whose "this post is due now" wakes the dispatcher (ADR 0030).
  services::Posts& posts() { return posts_; }
  // The WebSocket clients of this process, and what services and listeners publish to them.
  api::ws::EventHub& event_hub() { return event_hub_; }
  // With a channel (PostgreSQL), live events go through it to every process's hub: start
  // the fan-out before serving, stop it after.
  services::LiveEvents& live_events() { return live_events_; }
  services::LiveEventFanout* live_event_fanout() { return fanout_.get(); }
  // What the ingest side (ingest::StreamsSink) shares with the API: the streams use cases
  // and their repository, for the item recorder app/ builds beside the event hub.
  services::Streams& streams() { return streams_; }
  // Handles and DIDs (ADR 0032): what streams resolve from: handles with, and what the
  // handle worker fills the cache of authors' handles with.
  networks::IdentityResolver& identities() { return identities_; }
  storage::StreamRepository& stream_records() { return stream_records_; }
  // What the listeners feed (ingest::InboxSink), and where live events of the inbox go.
  services::Inbox& inbox() { return inbox_; }
  // New notifications to their users' sockets (every writer's, every process's): start it
  // before serving, stop it after.
  services::NotificationPump& notification_pump() { return notification_pump_; }

 private:
  services::OutboundSettings outbound_;
  api::ws::EventHub event_hub_;
  api::ws::HubLiveEvents hub_events_{event_hub_};
  std::unique_ptr<services::LiveEventFanout> fanout_;
  services::LiveEvents& live_events_;
  services::SystemStatus system_status_;
  storage::UserRepository users_;
  services::Accounts accounts_;
  storage::SessionRepository session_records_;
  storage::LoginThrottleRepository login_throttles_;
  services::PasswordCheck password_check_;
  storage::TotpRepository totp_records_;
  services::TwoFactor two_factor_;
  services::Sessions sessions_;
  storage::OrganizationRepository organization_records_;
  services::Organizations organizations_;
  services::Members members_;
  storage::TeamRepository team_records_;
  services::Teams teams_;
  storage::ProfileRepository profile_records_;
  networks::bluesky::BlueskyNetwork bluesky_;
  services::ProfileCredentialVault profile_vault_;
  services::ProfileAlerts profile_alerts_;
  services::Profiles profiles_;
  storage::OAuthAuthorizationRepository oauth_records_;
  services::ProfileOAuth profile_oauth_;
  storage::NotificationRepository notification_records_;
  services::Notifications notifications_;
  storage::OrgLogoRepository logo_records_;
  services::OrgLogos logos_;
  storage::AuditRepository audit_records_;
  services::AuditLog audit_log_;
  storage::InvitationRepository invitation_records_;
  services::Invitations invitations_;
  storage::ApiTokenRepository api_token_records_;
  services::ApiTokens api_tokens_;
  storage::PostRepository post_records_;
  services::PostCalendar post_calendar_;
  services::Posts posts_;
  services::EventAccess event_access_;
  networks::bluesky::BlueskyIdentityResolver identities_;
  storage::StreamRepository stream_records_;
  services::Streams streams_;
  storage::TemplateRepository template_records_;
  services::Templates templates_;
  storage::InboxRepository inbox_records_;
  services::Inbox inbox_;
  services::InboxPresence inbox_presence_;
  services::NotificationPump notification_pump_;

  api::http::SystemHandlers system_handlers_;
  api::http::AccountHandlers account_handlers_;
  api::http::SessionHandlers session_handlers_;
  api::http::OrgHandlers org_handlers_;
  api::http::MemberHandlers member_handlers_;
  api::http::TeamHandlers team_handlers_;
  api::http::ProfileHandlers profile_handlers_;
  api::http::OAuthHandlers oauth_handlers_;
  api::http::NotificationHandlers notification_handlers_;
  api::http::OrgLogoHandlers logo_handlers_;
  api::http::AuditHandlers audit_handlers_;
  api::http::InvitationHandlers invitation_handlers_;
  api::http::ApiTokenHandlers api_token_handlers_;
  api::http::TwoFactorHandlers two_factor_handlers_;
  api::http::CalendarHandlers calendar_handlers_;
  api::http::PostHandlers post_handlers_;
  api::http::EventHandlers event_handlers_;
  api::http::StreamHandlers stream_handlers_;
  api::http::InboxHandlers inbox_handlers_;
  api::http::TemplateHandlers template_handlers_;
};

}  // namespace roost::app
