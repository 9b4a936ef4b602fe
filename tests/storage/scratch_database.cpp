#include "scratch_database.hpp"

#include "storage/migrations.hpp"

#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace roost::storage::testing {

namespace {

core::Error no_postgres(const std::string& why) {
  return core::make_error(core::ErrorCode::configuration_error,
                          "no PostgreSQL for the tests (" + why +
                              "): run them through ctest, which starts the `postgres` "
                              "fixture, or set ROOST_TEST_POSTGRES_URL");
}

// postgresql://user@host:port/postgres?x=y -> postgresql://user@host:port/NAME?x=y
std::string with_database_name(const std::string& url, const std::string& name) {
  const std::size_t authority_start = url.find("://") + 3;
  const std::size_t query = url.find('?', authority_start);
  const std::size_t path = url.find('/', authority_start);
  const std::size_t authority_end = std::min(path, query);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, authority_end) + "/" + name + rest;
}

void run_admin_statement(const std::string& admin_url, const std::string& sql) {
  pqxx::connection connection(admin_url);
  pqxx::nontransaction statement(connection);  // CREATE/DROP DATABASE refuse transactions
  statement.exec(sql);
}

core::Result<std::unique_ptr<ScratchDatabase>> fail(const std::string& message) {
  return core::make_error(core::ErrorCode::internal, message);
}

}  // namespace

core::Result<std::string> postgres_admin_url() {
  if (const char* url = std::getenv("ROOST_TEST_POSTGRES_URL"); url != nullptr && *url != 0) {
    return std::string(url);
  }
  const char* file = std::getenv("ROOST_TEST_POSTGRES_URL_FILE");
  if (file == nullptr || *file == 0) return no_postgres("ROOST_TEST_POSTGRES_URL_FILE is unset");
  std::ifstream input(file);
  std::string url;
  if (!std::getline(input, url) || url.empty()) {
    return no_postgres(std::string("cannot read a URL from ") + file);
  }
  return url;
}

std::string unique_name(const std::string& prefix) {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> distribution;
  std::ostringstream name;
  name << prefix << std::hex << distribution(device);
  return name.str();
}

core::Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::create(Backend backend) {
  std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
  if (backend == Backend::sqlite) {
    scratch->sqlite_directory_ =
        std::filesystem::temp_directory_path() / unique_name("roost-storage-test-");
    std::filesystem::create_directories(scratch->sqlite_directory_);
    auto url = parse_database_url("sqlite://" + (scratch->sqlite_directory_ / "roost.db").string());
    if (!url.ok()) return std::move(url).error();
    scratch->url_ = *url;
    return scratch;
  }
  auto admin_url = postgres_admin_url();
  if (!admin_url.ok()) return std::move(admin_url).error();
  const std::string name = unique_name("roost_test_");
  try {
    run_admin_statement(*admin_url, "CREATE DATABASE " + name);
  } catch (const std::exception& error) {
    return fail("cannot create the test database " + name + ": " + error.what());
  }
  scratch->postgres_admin_url_ = *admin_url;
  scratch->postgres_database_name_ = name;
  auto url = parse_database_url(with_database_name(*admin_url, name));
  if (!url.ok()) return std::move(url).error();
  scratch->url_ = *url;
  return scratch;
}

ScratchDatabase::~ScratchDatabase() {
  if (!sqlite_directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(sqlite_directory_, ignored);
  }
  if (!postgres_database_name_.empty()) {
    try {
      run_admin_statement(postgres_admin_url_,
                          "DROP DATABASE IF EXISTS " + postgres_database_name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The server is thrown away with the fixture; a leftover database harms nobody.
    }
  }
}

core::Result<void> open_migrated(Backend backend, std::unique_ptr<ScratchDatabase>& scratch,
                                 std::unique_ptr<Database>& database) {
  auto created = ScratchDatabase::create(backend);
  if (!created) return std::move(created).error();
  scratch = std::move(created).value();
  auto opened = open_database(scratch->url(), {});
  if (!opened) return std::move(opened).error();
  database = std::move(opened).value();
  auto migrated = migrate(*database);
  if (!migrated) return std::move(migrated).error();
  return core::success();
}

}  // namespace roost::storage::testing
