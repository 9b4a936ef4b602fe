// Every routed METHOD + path is documented in docs/api/openapi.yaml, every documented one is
// routed, and each documents the credentials its route takes. The routes come from
// ApiGraph::register_routes, the same code `serve` runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "../../support/api_routes.hpp"

#ifndef ROOST_OPENAPI_PATH
#error "ROOST_OPENAPI_PATH must name docs/api/openapi.yaml"
#endif

namespace roost::app {
namespace {

using Operations = std::set<std::string>;  // "METHOD /path"

// What the document says of one operation: its `security:` line (empty: none) and the
// status codes of its responses.
struct OperationDoc {
  std::string security;
  std::set<std::string> statuses;
};
using Documented = std::map<std::string, OperationDoc>;  // by "METHOD /path"

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// The YAML's shape is simple: under `paths:`, two-space-indented `/path:` keys,
// four-space-indented method keys (other four-space keys, parameters:, are not methods),
// a six-space `security: [...]` on one line, and eight-space `"NNN":` response keys.
Documented documented_operations(const std::filesystem::path& file) {
  static const std::set<std::string> methods = {"get",   "head",   "post",   "put",
                                                "patch", "delete", "options"};
  std::ifstream in(file);
  EXPECT_TRUE(in) << "cannot read " << file;
  Documented operations;
  OperationDoc* current = nullptr;
  bool in_paths = false;
  std::string path;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
    if (line[0] != ' ') {
      in_paths = line == "paths:";
      path.clear();
      current = nullptr;
      continue;
    }
    if (!in_paths) continue;
    if (line.rfind("  /", 0) == 0 && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
      current = nullptr;
    } else if (line.rfind("    ", 0) == 0 && line[4] != ' ' && line.back() == ':' &&
               !path.empty()) {
      auto key = line.substr(4, line.size() - 5);
      current = methods.count(key) ? &operations[upper(key) + " " + path] : nullptr;
    } else if (current != nullptr && line.rfind("      security:", 0) == 0) {
      current->security = line.substr(15);
    } else if (current != nullptr && line.rfind("        \"", 0) == 0 && line.size() > 13 &&
               line[12] == '"') {
      current->statuses.insert(line.substr(9, 3));
    }
  }
  return operations;
}

TEST(OpenApiCoverage, EveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted) {
  auto documented = documented_operations(ROOST_OPENAPI_PATH);
  Operations routed;
  for (const auto& route : testing::api_routes()) routed.insert(route.method + " " + route.pattern);
  ASSERT_FALSE(documented.empty()) << "no operations found under paths: in " << ROOST_OPENAPI_PATH;
  ASSERT_FALSE(routed.empty());
  for (const auto& operation : routed) {
    EXPECT_TRUE(documented.count(operation))
        << "routed but missing from docs/api/openapi.yaml: " << operation;
  }
  for (const auto& [operation, doc] : documented) {
    EXPECT_TRUE(routed.count(operation))
        << "documented in docs/api/openapi.yaml but not routed: " << operation;
  }
}

// The document's security says what the route's AuthRequirement does: no credential, a
// session cookie or an API token (then 401 without one), or a login session only (then an
// API token is a 403, which the document lists; a browser navigation without a session is
// sent to the login page, 302).
TEST(OpenApiCoverage, EachOperationDocumentsTheCredentialsItsRouteTakes) {
  using api::http::AuthRequirement;
  auto documented = documented_operations(ROOST_OPENAPI_PATH);
  for (const auto& route : testing::api_routes()) {
    const std::string operation = route.method + " " + route.pattern;
    auto found = documented.find(operation);
    if (found == documented.end()) continue;  // reported by the test above
    const auto& doc = found->second;
    const bool cookie = doc.security.find("sessionCookie") != std::string::npos;
    const bool bearer = doc.security.find("bearerAuth") != std::string::npos;
    switch (route.auth) {
      case AuthRequirement::none:
        EXPECT_FALSE(cookie || bearer) << operation << " takes no credential: " << doc.security;
        break;
      case AuthRequirement::required:
        EXPECT_TRUE(cookie && bearer) << operation << " takes a session or a token";
        EXPECT_TRUE(doc.statuses.count("401")) << operation << " lists no 401";
        break;
      case AuthRequirement::session:
      case AuthRequirement::user_session:
        EXPECT_TRUE(cookie && !bearer) << operation << " takes a login session only";
        // A browser navigation without a login session goes to the login page (302), the
        // others are told 401.
        EXPECT_TRUE(doc.statuses.count(route.login_redirect ? "302" : "401"))
            << operation << " lists no " << (route.login_redirect ? "302" : "401");
        EXPECT_TRUE(doc.statuses.count("403")) << operation << " lists no 403 (API token)";
        break;
    }
  }
}

}  // namespace
}  // namespace roost::app
