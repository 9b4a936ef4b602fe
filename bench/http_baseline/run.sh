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

bench_name=http_baseline
# shellcheck source=../lib/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

bench_prepare "$@"
roost_bin=$build_dir/src/app/roost
bare_bin=$build_dir/bench/bench_bare_responder
[[ -x $roost_bin ]] || die "$roost_bin not found: ninja -C $build_dir roost"
[[ -x $bare_bin ]] || die "$bare_bin not found: ninja -C $build_dir bench_bare_responder (configure with -DROOST_BUILD_BENCH=ON)"

# --- processes and cleanup --------------------------------------------------------------
bench_setup

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
