#!/usr/bin/env bash
# Identity benchmarks (issue 3): the authenticated member list of a 500-member organization
# against the bare Beast responder measured in the same run, and login throughput at
# roost's argon2id cost against the raw cost of one verification.
#
#   bench/identity/run.sh [BUILD_DIR]      (default: $ROOST_BUILD_DIR or build-release)
#
# Builds nothing: build first, e.g.
#   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOST_BUILD_TESTS=OFF
#   ninja -C build-release roost bench_bare_responder bench_seed_members
#
# As bench/http_baseline: servers pinned to core 0 (roost with one I/O thread), wrk -t1
# pinned to core 1, a warm-up then the measured run, each target alone.
#   1. roost, GET /api/v1/orgs/ID/members?limit=200 with a session cookie, the organization
#      seeded with 500 members (bench_seed_members) — target: >= 40% of the baseline
#   2. the baseline: the bare responder answering every request with the very bytes roost
#      answered (bench_bare_responder --body-file), so the two differ by the work around
#      the payload (session, authorization, database, JSON), not by its size
#   3. roost, POST /api/v1/sessions (a login: argon2id verify + a new session), 4
#      connections — reported as logins/s next to argon2id verifications/s of one thread
#      (bench_seed_members --verify-rate), the cost being deliberate (docs/PERFORMANCE.md)
# Environment: BENCH_DURATION [10], BENCH_WARMUP [2], BENCH_CONNECTIONS [64], BENCH_MEMBERS
# [500], BENCH_KEEP=1 keeps the temp dir.
set -euo pipefail

bench_name=identity
# shellcheck source=../lib/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-64}
members=${BENCH_MEMBERS:-500}
login_connections=4
target_ratio=0.40
server_core=0
client_core=1
bench_prepare "$@"
roost_bin=$build_dir/src/app/roost
bare_bin=$build_dir/bench/bench_bare_responder
seed_bin=$build_dir/bench/bench_seed_members
for bin in "$roost_bin" "$bare_bin" "$seed_bin"; do
  [[ -x $bin ]] || die "$bin not found: ninja -C $build_dir roost bench_bare_responder bench_seed_members"
done

bench_setup
echo "identity: load average $(cut -d' ' -f1-3 /proc/loadavg); build $build_dir"

# --- 1. the member list -----------------------------------------------------------------
data_dir=$work_dir/data
seeded=$("$seed_bin" "$data_dir" "$members") || die "seeding failed"
org_id=$(sed -n 's/.*org_id=\([0-9]*\).*/\1/p' <<<"$seeded")
email=$(sed -n 's/.*owner_email=\([^ ]*\).*/\1/p' <<<"$seeded")
password=$(sed -n 's/.*owner_password=\(.*\)$/\1/p' <<<"$seeded")
start_server roost "$roost_bin" serve --listen 127.0.0.1:0 --io-threads 1 --log-level info \
  --log-format text --data-dir "$data_dir"
login_body=$(printf '{"email":"%s","password":"%s"}' "$email" "$password")
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "$login_body" \
  "http://127.0.0.1:$server_port/api/v1/sessions" | sed -n 's/^[Ss]et-[Cc]ookie: \(roost_session=[^;]*\).*/\1/p')
[[ -n $cookie ]] || die "could not log in as $email"
listed=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$server_port/api/v1/orgs/$org_id/members?limit=200" |
  grep -o '"user_id"' | wc -l)
[[ $listed -eq 200 ]] || die "the member list returned $listed members, not 200"
curl_extra=(-H "Cookie: $cookie")
wrk_extra=(-H "Cookie: $cookie")
measure members "/api/v1/orgs/$org_id/members?limit=200"
members_rps=$rps members_p99=$p99_ms members_other=$other_pct members_cpu_us=$cpu_us

# --- 2. logins ---------------------------------------------------------------------------
cat >"$work_dir/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '$login_body'
wrk.headers["Content-Type"] = "application/json"
LUA
saved_connections=$connections
connections=$login_connections
curl_extra=(-H 'Content-Type: application/json' -d "$login_body")
wrk_extra=(-s "$work_dir/login.lua")
measure login /api/v1/sessions 201
login_rps=$(awk '/^Requests\/sec:/ { printf "%.1f", $2 }' "$work_dir/login.wrk")
login_p99=$p99_ms
connections=$saved_connections
verify_rate=$(taskset -c "$server_core" "$seed_bin" --verify-rate 5 | sed -n 's/verify_per_s=//p')

# --- 3. the baseline: the same bytes, from the bare responder --------------------------
curl -s -H "Cookie: $cookie" -o "$work_dir/members.json" \
  "http://127.0.0.1:$server_port/api/v1/orgs/$org_id/members?limit=200"
stop_server
start_server bare "$bare_bin" --port 0 --body-file "$work_dir/members.json"
measure bare /healthz
bare_rps=$rps bare_other=$other_pct
stop_server

# --- report ------------------------------------------------------------------------------
echo
printf '%-52s %10s %8s %8s %7s\n' target req/s p99_ms vs_base other
printf '%-52s %10s %8s %8s %7s\n' "bare Beast responder, the same bytes" "$bare_rps" "-" "100%" "$bare_other%"
members_ratio=$(awk -v a="$members_rps" -v b="$bare_rps" 'BEGIN { printf "%.1f%%", 100 * a / b }')
printf '%-52s %10s %8s %8s %7s\n' "roost GET members?limit=200 ($members members)" "$members_rps" \
  "$members_p99" "$members_ratio" "$members_other%"
printf '%-52s %10s %8s %8s %7s\n' "roost POST /sessions (login), $login_connections conns" "$login_rps" \
  "$login_p99" "-" "-"
printf '%-52s %10s\n' "argon2id verify, one thread (19 MiB, t=2)" "$verify_rate"
echo "(members: $members_cpu_us us of server CPU per request)"
for other in $bare_other $members_other; do
  if [[ $other -gt 10 ]]; then
    echo "warning: other processes used up to $other% of core $server_core: the machine is busy, the figures are noisy"
    break
  fi
done
ok=$(awk -v a="$members_rps" -v b="$bare_rps" -v t="$target_ratio" 'BEGIN { print (a >= t * b) ? 1 : 0 }')
echo "verdict: $([[ $ok == 1 ]] && echo MET || echo MISSED) — member list at $members_ratio of bare (target >= 40%);" \
  "logins $login_rps/s with argon2id at $verify_rate verifications/s per thread"
