#!/usr/bin/env bash
# HTTP baseline benchmark: roost's routed GET /healthz against a bare Beast responder
# (bench_bare_responder, the limit of the stack on this machine), measured in the same run.
#
#   bench/http_baseline/run.sh [BUILD_DIR]      (default: $ROOST_BUILD_DIR or build-release)
#
# Builds nothing: build first, e.g.
#   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOST_BUILD_TESTS=OFF
#   ninja -C build-release roost bench_bare_responder
#
# Each server runs alone, pinned to core 0 with one I/O thread; wrk is pinned to core 1
# (taskset -c 1 wrk -t1 -c64 -d10s --latency). Loopback only. Three targets, one after
# the other: bare responder, roost with the access log (as in production, stderr to a
# file), roost with --access-log false. Each gets a warm-up, then the measured run.
# Prints a table and a verdict against the targets: roost (access log on) >= 70% of
# bare, p99 < 5 ms at 64 connections. Takes about 40 s. Columns:
#   req/s, p50_ms, p99_ms   wrk's Requests/sec and latency distribution
#   vs_bare                 req/s as a share of the bare responder's, same run
#   srv_cpu, cpu_us/req     the server's CPU time (user + system) during the measured run,
#                           as a share of its core and per request (steadier than req/s)
#   other                   CPU of the server's core used by other processes meanwhile:
#                           above 10%, the machine is busy and the figures are noisy
# A warning line says when a run is not trustworthy: other > 10%, or a server below 90%
# of its core (then something else, e.g. on wrk's core, limited the run).
#
# Environment (defaults in brackets): BENCH_DURATION [10] and BENCH_WARMUP [2] seconds,
# BENCH_CONNECTIONS [64], BENCH_KEEP=1 keeps the temp dir (logs, wrk outputs).
# Exit status: 0 when measured (whatever the verdict), 1 on a setup or measurement error.
set -euo pipefail

duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-64}
target_ratio=0.70
target_p99_ms=5
server_core=0
client_core=1

die() {
  echo "http_baseline: $*" >&2
  exit 1
}

for value in "$duration" "$warmup" "$connections"; do
  [[ $value =~ ^[0-9]+$ && $value -ge 1 && $value -le 600 ]] ||
    die "BENCH_DURATION, BENCH_WARMUP and BENCH_CONNECTIONS must be integers in 1..600"
done

# --- build dir and binaries -------------------------------------------------------------
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${1:-${ROOST_BUILD_DIR:-build-release}}
if [[ $build_dir != /* && ! -d $build_dir && -d $repo_root/$build_dir ]]; then
  build_dir=$repo_root/$build_dir
fi
[[ -d $build_dir ]] || die "no build directory '$build_dir' (build first: cmake -S $repo_root -B $repo_root/build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOST_BUILD_TESTS=OFF && ninja -C $repo_root/build-release roost bench_bare_responder)"
build_dir=$(cd "$build_dir" && pwd)
roost_bin=$build_dir/src/app/roost
bare_bin=$build_dir/bench/bench_bare_responder
[[ -x $roost_bin ]] || die "$roost_bin not found: ninja -C $build_dir roost"
[[ -x $bare_bin ]] || die "$bare_bin not found: ninja -C $build_dir bench_bare_responder (configure with -DROOST_BUILD_BENCH=ON)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
if [[ $build_type != Release ]]; then
  echo "http_baseline: warning: $build_dir is a '${build_type:-unknown}' build, not Release; figures are not comparable with docs/PERFORMANCE.md" >&2
fi

# --- tools and machine ------------------------------------------------------------------
command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
command -v taskset >/dev/null || die "taskset is not installed: apt-get install util-linux"
cores=$(nproc --all)
[[ $cores -ge 2 ]] || die "needs 2 cores (server on core $server_core, wrk on core $client_core); this machine has $cores"

# --- processes and cleanup --------------------------------------------------------------
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/roost-http-baseline.XXXXXX")
server_pid=""

stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # roost drains in-flight requests on SIGTERM; give it 5 s, then kill it.
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

cleanup() {
  stop_server
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    echo "http_baseline: kept $work_dir" >&2
  else
    rm -rf "$work_dir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" (named $1) pinned to the server core, its stdout and stderr to files in
# $work_dir; waits (10 s at most) for "listening on http://127.0.0.1:PORT", sets $server_port.
start_server() {
  local name=$1
  shift
  local out=$work_dir/$name.stdout err=$work_dir/$name.stderr
  taskset -c "$server_core" "$@" >"$out" 2>"$err" &
  server_pid=$!
  server_port=""
  for _ in $(seq 100); do
    server_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$out" | head -n1)
    [[ -n $server_port ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "--- $name stdout:" >&2
  cat "$out" >&2 || true
  echo "--- $name stderr:" >&2
  tail -n 20 "$err" >&2 || true
  die "$name did not start listening"
}

# The latency wrk prints ("812.00us", "1.23ms", "2.00s", "1.50m") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    else if (u != "ms") { print "nan"; exit }
    printf "%.2f", n }'
}

# CPU time (user + system, all threads) the server used so far, in clock ticks.
server_cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"
}

# Busy clock ticks (everything but idle and iowait) of one core since boot.
core_busy_ticks() {
  awk -v cpu="cpu$1" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# Measures http://127.0.0.1:$server_port$path; sets rps, p50_ms, p99_ms, errors, and the
# server's CPU use during the measured run: cpu_pct (of one core) and cpu_us (per request),
# and other_pct: how much of the server's core something else used meanwhile (load).
measure() {
  local name=$1 path=$2
  local url=http://127.0.0.1:$server_port$path
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" 2>/dev/null || true)
  [[ $status == 200 ]] || die "$name: GET $url answered '${status:-nothing}', not 200"
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${warmup}s" "$url" >"$work_dir/$name.warmup" 2>&1 ||
    die "$name: the wrk warm-up failed: $(tail -n 3 "$work_dir/$name.warmup")"
  local out=$work_dir/$name.wrk cpu_before cpu_after core_before core_after started ended
  cpu_before=$(server_cpu_ticks)
  core_before=$(core_busy_ticks "$server_core")
  started=$(date +%s%N)
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${duration}s" --latency "$url" >"$out" 2>&1 ||
    die "$name: wrk failed: $(tail -n 3 "$out")"
  ended=$(date +%s%N)
  cpu_after=$(server_cpu_ticks)
  core_after=$(core_busy_ticks "$server_core")
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  p50_ms=$(to_ms "$(awk '$1 == "50%" { print $2; exit }' "$out")")
  p99_ms=$(to_ms "$(awk '$1 == "99%" { print $2; exit }' "$out")")
  # Non-2xx answers and socket errors make a figure meaningless: report them.
  errors=$(awk '/Non-2xx or 3xx responses:/ { printf "non-2xx=%s ", $NF }
                /Socket errors:/ { sub(/^ *Socket errors: */, ""); printf "socket: %s", $0 }' "$out")
  [[ -n $rps && $rps -gt 0 ]] || die "$name: no Requests/sec in the wrk output: $(cat "$out")"
  local requests
  requests=$(awk '/ requests in / { print $1; exit }' "$out")
  read -r cpu_pct cpu_us < <(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" \
    -v ns=$((ended - started)) -v n="$requests" \
    'BEGIN { s = t / hz; printf "%.0f %.1f\n", 100 * s / (ns / 1e9), (n > 0 ? 1e6 * s / n : 0) }')
  other_pct=$(awk -v c=$((core_after - core_before - (cpu_after - cpu_before))) -v hz="$(getconf CLK_TCK)" \
    -v ns=$((ended - started)) 'BEGIN { p = 100 * c / hz / (ns / 1e9); printf "%.0f", (p < 0 ? 0 : p) }')
}

declare -A result_rps result_p50 result_p99 result_errors result_cpu_pct result_cpu_us result_other
record() {
  result_other[$1]=$other_pct
  result_rps[$1]=$rps
  result_cpu_pct[$1]=$cpu_pct
  result_cpu_us[$1]=$cpu_us
  result_p50[$1]=$p50_ms
  result_p99[$1]=$p99_ms
  result_errors[$1]=$errors
}

echo "http_baseline: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $cores cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); build $build_dir (${build_type:-?})"
echo "http_baseline: servers on core $server_core (1 I/O thread), wrk -t1 -c$connections on core $client_core;" \
  "${warmup}s warm-up + ${duration}s per target"

# --- 1. the bare responder --------------------------------------------------------------
start_server bare "$bare_bin" --port 0
measure bare /healthz
record bare
stop_server

# --- 2. roost serve, access log on (production) -------------------------------------------
roost_args=(serve --listen 127.0.0.1:0 --io-threads 1 --log-level info --log-format text)
mkdir -p "$work_dir/data-log" "$work_dir/data-nolog"
start_server roost_log "$roost_bin" "${roost_args[@]}" --data-dir "$work_dir/data-log" --access-log true
measure roost_log /healthz
record roost_log
stop_server
access_lines=$(grep -c ' http_request ' "$work_dir/roost_log.stderr" || true)

# --- 3. roost serve, access log off ---------------------------------------------------------
start_server roost_nolog "$roost_bin" "${roost_args[@]}" --data-dir "$work_dir/data-nolog" --access-log false
measure roost_nolog /healthz
record roost_nolog
stop_server

# --- report -----------------------------------------------------------------------------------
bare_rps=${result_rps[bare]}
ratio() { awk -v a="$1" -v b="$bare_rps" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
echo
row() {
  printf '%-34s %8s %7s %7s %8s %8s %10s %7s\n' "$1" "${result_rps[$2]}" "${result_p50[$2]}" \
    "${result_p99[$2]}" "$(ratio "${result_rps[$2]}")" "${result_cpu_pct[$2]}%" "${result_cpu_us[$2]}" \
    "${result_other[$2]}%"
}
printf '%-34s %8s %7s %7s %8s %8s %10s %7s\n' target req/s p50_ms p99_ms vs_bare srv_cpu cpu_us/req other
row "bare Beast responder" bare
row "roost GET /healthz, access log on" roost_log
row "roost GET /healthz, access log off" roost_nolog
for name in bare roost_log roost_nolog; do
  [[ -z ${result_errors[$name]} ]] || echo "warning: $name: ${result_errors[$name]}"
done
echo "(roost wrote $access_lines access-log lines in the access-log run, warm-up included)"
busy=$(for name in bare roost_log roost_nolog; do echo "${result_other[$name]}"; done | sort -n | tail -n1)
if [[ $busy -gt 10 ]]; then
  echo "warning: other processes used up to $busy% of core $server_core during the runs: the machine is busy, the figures are noisy; rerun when it is quiet"
fi
# A server below 90% of its core was not the bottleneck (wrk's core was busy, or the
# machine stalled): its req/s is not its capacity, and the ratios mean little.
for name in bare roost_log roost_nolog; do
  if [[ ${result_cpu_pct[$name]} -lt 90 ]]; then
    echo "warning: $name used only ${result_cpu_pct[$name]}% of its core: it was not the bottleneck, the figures are noisy; rerun when the machine is quiet"
  fi
done
echo

ratio_ok=$(awk -v a="${result_rps[roost_log]}" -v b="$bare_rps" -v t="$target_ratio" 'BEGIN { print (a >= t * b) ? 1 : 0 }')
p99_ok=$(awk -v p="${result_p99[roost_log]}" -v t="$target_p99_ms" 'BEGIN { print (p < t) ? 1 : 0 }')
verdict="MET"
[[ $ratio_ok == 1 && $p99_ok == 1 ]] || verdict="MISSED"
echo "verdict: $verdict — roost (access log on) at $(ratio "${result_rps[roost_log]}") of bare" \
  "(target >= 70%: $([[ $ratio_ok == 1 ]] && echo ok || echo missed)), p99 ${result_p99[roost_log]} ms" \
  "at $connections connections (target < ${target_p99_ms} ms: $([[ $p99_ok == 1 ]] && echo ok || echo missed))"
