// Seeds a roost data directory for bench/identity/run.sh: an organization with N members
// (default 500), its owner able to log in with a known password, written straight through
// the repositories (signing 500 people up through the API would spend the benchmark's time
// hashing passwords). Members get a placeholder hash: only the owner logs in.
//
//   bench_seed_members DATA_DIR [MEMBERS]
//   bench_seed_members --verify-rate SECONDS
//
// Prints `org_id=N owner_email=E owner_password=P` on success. With --verify-rate it
// measures instead how many argon2id verifications one thread does per second at roost's
// cost (the ceiling of logins per second per blocking thread) and prints `verify_per_s=X`.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/password_hash.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"

namespace {

constexpr std::string_view owner_email = "owner@bench.test";
constexpr std::string_view owner_password = "bench owner password";
constexpr int members_default = 500;
constexpr int members_max = 100'000;

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_seed_members: %s\n", what.c_str());
  return 1;
}

// One thread verifying the same password for `seconds`: what a login costs, in isolation.
int verify_rate(int seconds) {
  using namespace roost;
  auto hash = core::hash_password(owner_password);
  if (!hash) return fail(hash.error().message);
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  long long verified = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (!core::verify_password(owner_password, *hash)) return fail("verification failed");
    ++verified;
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("verify_per_s=%.1f\n", static_cast<double>(verified) / elapsed);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace roost;
  if (argc == 3 && std::string_view(argv[1]) == "--verify-rate") {
    int seconds = 0;
    std::string_view text = argv[2];
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc{} || end != text.data() + text.size() || seconds < 1 || seconds > 60) {
      return fail("--verify-rate takes a number of seconds in 1..60");
    }
    return verify_rate(seconds);
  }
  if (argc < 2 || argc > 3) {
    return fail("usage: bench_seed_members DATA_DIR [MEMBERS] | --verify-rate SECONDS");
  }
  int members = members_default;
  if (argc == 3) {
    std::string_view text = argv[2];
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), members);
    if (error != std::errc{} || end != text.data() + text.size() || members < 1 ||
        members > members_max) {
      return fail("MEMBERS must be an integer in 1.." + std::to_string(members_max));
    }
  }
  const std::filesystem::path data_dir = argv[1];
  std::filesystem::create_directories(data_dir);
  auto url = storage::parse_database_url("sqlite://" + (data_dir / "roost.db").string());
  if (!url) return fail(url.error().message);
  auto database = storage::open_database(*url, {});
  if (!database) return fail(database.error().message);
  if (auto migrated = storage::migrate(**database); !migrated) {
    return fail(migrated.error().message);
  }
  storage::UserRepository users(**database);
  storage::OrganizationRepository organizations(**database);
  auto hash = core::hash_password(owner_password);
  if (!hash) return fail(hash.error().message);
  auto owner =
      users.create({std::string(owner_email), std::string(owner_email), "Bench Owner", *hash, 1});
  if (!owner) return fail(owner.error().message);
  storage::AuditEvent audit{{}, std::nullopt, "bench.seeded", "", "{}", "bench", 1};
  auto org = organizations.create({"Bench Org", 10, members + 1, owner->id, 1}, audit);
  if (!org) return fail(org.error().message);
  // The owner is the first member; N - 1 more make N.
  for (int index = 1; index < members; ++index) {
    const std::string email = "member" + std::to_string(index) + "@bench.test";
    auto user = users.create({email, email, "Member " + std::to_string(index), "$placeholder", 1});
    if (!user) return fail(user.error().message);
    auto added = organizations.add_member({org->id, user->id, domain::OrgRole::member, 1}, audit);
    if (!added) return fail(added.error().message);
  }
  std::printf("org_id=%lld owner_email=%s owner_password=%s\n",
              static_cast<long long>(org->id.value), std::string(owner_email).c_str(),
              std::string(owner_password).c_str());
  return 0;
}
