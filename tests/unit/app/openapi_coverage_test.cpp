// Every routed METHOD + path is documented in docs/api/openapi.yaml, and every documented one
// is routed. The routes come from ApiGraph::register_routes, the same code `serve` runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "../../support/api_routes.hpp"

#ifndef ROOST_OPENAPI_PATH
#error "ROOST_OPENAPI_PATH must name docs/api/openapi.yaml"
#endif

namespace roost::app {
namespace {

using Operations = std::set<std::string>;  // "METHOD /path"

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// The YAML's shape is simple: under `paths:`, two-space-indented `/path:` keys and
// four-space-indented method keys. Other four-space keys (parameters:) are not methods.
Operations documented_operations(const std::filesystem::path& file) {
  static const std::set<std::string> methods = {"get",   "head",   "post",   "put",
                                                "patch", "delete", "options"};
  std::ifstream in(file);
  EXPECT_TRUE(in) << "cannot read " << file;
  Operations operations;
  bool in_paths = false;
  std::string path;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
    if (line[0] != ' ') {
      in_paths = line == "paths:";
      path.clear();
      continue;
    }
    if (!in_paths) continue;
    if (line.rfind("  /", 0) == 0 && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
    } else if (line.rfind("    ", 0) == 0 && line[4] != ' ' && line.back() == ':' &&
               !path.empty()) {
      auto key = line.substr(4, line.size() - 5);
      if (methods.count(key)) operations.insert(upper(key) + " " + path);
    }
  }
  return operations;
}

Operations routed_operations() {
  Operations operations;
  for (const auto& route : testing::api_routes())
    operations.insert(route.method + " " + route.pattern);
  return operations;
}

TEST(OpenApiCoverage, EveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted) {
  auto documented = documented_operations(ROOST_OPENAPI_PATH);
  auto routed = routed_operations();
  ASSERT_FALSE(documented.empty()) << "no operations found under paths: in " << ROOST_OPENAPI_PATH;
  ASSERT_FALSE(routed.empty());
  for (const auto& operation : routed) {
    EXPECT_TRUE(documented.count(operation))
        << "routed but missing from docs/api/openapi.yaml: " << operation;
  }
  for (const auto& operation : documented) {
    EXPECT_TRUE(routed.count(operation))
        << "documented in docs/api/openapi.yaml but not routed: " << operation;
  }
}

}  // namespace
}  // namespace roost::app
