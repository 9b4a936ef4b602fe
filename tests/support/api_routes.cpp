#include "api_routes.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

#include "api/http/blocking_executor.hpp"
#include "app/api_graph.hpp"
#include "core/clock.hpp"
#include "storage/database.hpp"

namespace roost::testing {

std::vector<ApiRoute> api_routes() {
  auto dir =
      std::filesystem::temp_directory_path() / ("roost_api_routes_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<ApiRoute> routes;
  {
    auto url = storage::parse_database_url("sqlite://" + (dir / "routes.db").string());
    if (!url) throw std::runtime_error(url.error().message);
    auto database = storage::open_database(*url, {});
    if (!database) throw std::runtime_error(database.error().message);
    api::http::BlockingExecutor blocking(1);
    core::SystemClock clock;
    app::ApiGraph graph(**database, blocking, clock, services::OutboundSettings{});
    api::http::Router router;
    graph.register_routes(router);
    for (const auto& route : router.routes()) {
      if (route.options.fallback) continue;  // the web UI's files, not part of the API
      routes.push_back({std::string(api::http::method_name(route.method)), route.pattern,
                        route.options.body, route.options.auth, route.options.login_redirect});
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return routes;
}

}  // namespace roost::testing
