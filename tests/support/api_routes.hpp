#pragma once

#include <string>
#include <vector>

#include "api/http/router.hpp"

namespace roost::testing {

// One API route as `serve` registers it: its method, its pattern and what body it takes.
struct ApiRoute {
  std::string method;   // "GET"
  std::string pattern;  // "/api/v1/orgs/{org_id}"
  api::http::BodyKind body = api::http::BodyKind::none;
  api::http::AuthRequirement auth = api::http::AuthRequirement::none;
  bool login_redirect = false;  // without a login session: 302 to the login page, not 401
};

// Every API route of app::ApiGraph (the web UI's fallback route left out), built over a
// scratch database that is opened and never queried. Tests that must cover every route
// (the OpenAPI document, the cross-organization sweep) take the list from here.
std::vector<ApiRoute> api_routes();

}  // namespace roost::testing
