# Shared by the benchmarks under bench/ (sourced, not run): start and stop a server pinned
# to one core, measure it with wrk pinned to the other, and read its CPU use and the load
# of its core meanwhile. The sourcing script sets bench_name, server_core, client_core,
# duration, warmup and connections, then calls bench_setup.

curl_extra=()
wrk_extra=()
server_pid=""

die() {
  echo "$bench_name: $*" >&2
  exit 1
}

# Checks the shared settings and tools, and sets $build_dir (absolute) from the script's
# first argument, $ROOST_BUILD_DIR or build-release (relative to the repository when it is
# not a directory here). Call with "$@" of the script.
bench_prepare() {
  local value repo_root
  for value in "$duration" "$warmup" "$connections"; do
    [[ $value =~ ^[0-9]+$ && $value -ge 1 && $value -le 600 ]] ||
      die "BENCH_DURATION, BENCH_WARMUP and BENCH_CONNECTIONS must be integers in 1..600"
  done
  repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  build_dir=${1:-${ROOST_BUILD_DIR:-build-release}}
  if [[ $build_dir != /* && ! -d $build_dir && -d $repo_root/$build_dir ]]; then
    build_dir=$repo_root/$build_dir
  fi
  [[ -d $build_dir ]] || die "no build directory '$build_dir' (build first: cmake -S $repo_root -B $repo_root/build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOST_BUILD_TESTS=OFF && ninja -C $repo_root/build-release roost bench_bare_responder bench_seed_members)"
  build_dir=$(cd "$build_dir" && pwd)
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
  if [[ $build_type != Release ]]; then
    echo "$bench_name: warning: $build_dir is a '${build_type:-unknown}' build, not Release; figures are not comparable with docs/PERFORMANCE.md" >&2
  fi
  command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
  command -v taskset >/dev/null || die "taskset is not installed: apt-get install util-linux"
  cores=$(nproc --all)
  [[ $cores -ge 2 ]] || die "needs 2 cores (server on core $server_core, wrk on core $client_core); this machine has $cores"
}

# Makes the temp dir ($work_dir) and the cleanup on exit.
bench_setup() {
  work_dir=$(mktemp -d "${TMPDIR:-/tmp}/roost-$bench_name.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}


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
    echo "$bench_name: kept $work_dir" >&2
  else
    rm -rf "$work_dir"
  fi
}

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
#
# The request is a GET unless the caller sets the arrays `curl_extra` (curl options that
# make the same request once, to check it answers $expected_status [200]) and `wrk_extra`
# (wrk options, e.g. -s script.lua -H 'Cookie: ...'); both are reset afterwards.
measure() {
  local name=$1 path=$2 expected=${3:-200}
  local url=http://127.0.0.1:$server_port$path
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "${curl_extra[@]}" "$url" 2>/dev/null || true)
  [[ $status == "$expected" ]] || die "$name: $url answered '${status:-nothing}', not $expected"
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${warmup}s" "${wrk_extra[@]}" "$url" >"$work_dir/$name.warmup" 2>&1 ||
    die "$name: the wrk warm-up failed: $(tail -n 3 "$work_dir/$name.warmup")"
  local out=$work_dir/$name.wrk cpu_before cpu_after core_before core_after started ended
  cpu_before=$(server_cpu_ticks)
  core_before=$(core_busy_ticks "$server_core")
  started=$(date +%s%N)
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${duration}s" --latency "${wrk_extra[@]}" "$url" >"$out" 2>&1 ||
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
  curl_extra=()
  wrk_extra=()
}
