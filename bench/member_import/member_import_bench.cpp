// Importing a 500-row CSV through services::Invitations on SQLite: the dry run and the
// apply, in ms (issue 3's target: apply under 1 s). Each round imports into a new
// organization of the same database; half of the rows are people who already have an
// account (they get an in-app notification), every row joins one of 5 teams, created by
// the first apply. Run: build/bench/bench_member_import [rounds]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "services/invitations.hpp"
#include "storage/database.hpp"
#include "storage/invitation_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"

namespace {

using namespace roost;
using Clock = std::chrono::steady_clock;

constexpr int rows = 500;
constexpr int rounds_default = 5;

[[noreturn]] void fail(const std::string& what, const core::Error& error) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), error.message.c_str());
  std::exit(1);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

std::string csv_for_round(int round) {
  // Built with append(): g++ 12 warns (-Wrestrict, a false positive) on chains of +.
  std::string csv = "email,full_name,job_title,organization_role,teams\r\n";
  for (int i = 0; i < rows; ++i) {
    // Even rows: an existing account; odd rows: a new address per round.
    if (i % 2 == 0) {
      csv.append("user").append(std::to_string(i));
    } else {
      csv.append("r").append(std::to_string(round)).append("-new").append(std::to_string(i));
    }
    csv.append("@example.com,\"Person ").append(std::to_string(i)).append("\",Analyst,");
    csv.append(i % 10 == 0 ? "admin" : "member");
    csv.append(",\"Team ").append(std::to_string(i % 5)).append(";All\"\r\n");
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : rounds_default;
  auto directory =
      std::filesystem::temp_directory_path() / ("roost-bench-import-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  auto url = storage::parse_database_url("sqlite://" + (directory / "roost.db").string());
  if (!url) fail("url", url.error());
  auto database = storage::open_database(*url, {});
  if (!database) fail("open", database.error());
  if (auto migrated = storage::migrate(**database); !migrated) fail("migrate", migrated.error());

  core::SystemClock clock;
  services::OutboundSettings outbound;
  storage::UserRepository users(**database);
  storage::OrganizationRepository organizations(**database);
  storage::InvitationRepository invitation_records(**database);
  services::Invitations invitations(organizations, invitation_records, users, clock, outbound);

  auto owner = users.create({"owner@example.com", "owner@example.com", "Owner", "x", 1});
  if (!owner) fail("owner", owner.error());
  for (int i = 0; i < rows; i += 2) {
    std::string email = "user" + std::to_string(i) + "@example.com";
    if (auto made = users.create({email, email, email, "x", 1}); !made) fail("user", made.error());
  }
  services::Caller caller{authz::Actor{owner->id.value, std::nullopt, false}, "bench"};

  std::vector<double> dry_ms;
  std::vector<double> apply_ms;
  for (int round = 0; round < rounds; ++round) {
    auto org = organizations.create(
        {"Bench " + std::to_string(round), 10, 1000, owner->id, clock.now_ms()},
        storage::AuditEvent{{}, owner->id, "org.created", "", "{}", "bench", clock.now_ms()});
    if (!org) fail("org", org.error());
    const std::string csv = csv_for_round(round);
    auto started = Clock::now();
    auto dry = invitations.import(caller, org->id, csv, true);
    auto dried = Clock::now();
    if (!dry) fail("dry run", dry.error());
    auto applied = invitations.import(caller, org->id, csv, false);
    auto done = Clock::now();
    if (!applied) fail("apply", applied.error());
    if (!applied->applied || applied->rows.size() != static_cast<std::size_t>(rows)) {
      std::fprintf(stderr, "the apply did not import %d rows\n", rows);
      return 1;
    }
    dry_ms.push_back(std::chrono::duration<double, std::milli>(dried - started).count());
    apply_ms.push_back(std::chrono::duration<double, std::milli>(done - dried).count());
    std::printf("round %d: dry run %.1f ms, apply %.1f ms\n", round + 1, dry_ms.back(),
                apply_ms.back());
  }
  std::printf(
      "member import, %d rows, SQLite, median of %d: dry run %.1f ms, apply %.1f ms "
      "(target: apply < 1000 ms)\n",
      rows, rounds, median(dry_ms), median(apply_ms));
  database->reset();
  std::filesystem::remove_all(directory);
  return 0;
}
