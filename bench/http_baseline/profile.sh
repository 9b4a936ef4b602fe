#!/usr/bin/env bash
# Instruction profile of one HTTP target under valgrind --tool=callgrind, for a fixed
# number of requests (no hardware counters needed; independent of machine load).
#
#   bench/http_baseline/profile.sh bare|roost|roost-nolog [BUILD_DIR]
#
# BUILD_DIR defaults to $ROOST_BUILD_DIR or build-release; for file:line in the report,
# use a build with debug info, e.g.
#   cmake -S . -B /tmp/roost-prof-build -G Ninja -DCMAKE_BUILD_TYPE=Release \
#     -DCMAKE_CXX_FLAGS="-g -fno-omit-frame-pointer" -DROOST_BUILD_TESTS=OFF
#   ninja -C /tmp/roost-prof-build roost bench_bare_responder
#
# The server starts under callgrind (pinned to core 0), gets a warm-up of 500 requests,
# its counters are zeroed, then wrk (core 1, -c64) sends BENCH_REQUESTS [5000] requests to
# GET /healthz and stops (wrk's -d60s is only a bound). Prints the instructions per request
# and the top functions, inclusive and exclusive; keeps the callgrind file and prints its
# path (open it with callgrind_annotate or kcachegrind). Takes about a minute.
set -euo pipefail

die() {
  echo "http_baseline/profile: $*" >&2
  exit 1
}

target=${1:-}
[[ $target == bare || $target == roost || $target == roost-nolog ]] ||
  die "usage: profile.sh bare|roost|roost-nolog [BUILD_DIR]"
requests=${BENCH_REQUESTS:-5000}
[[ $requests =~ ^[0-9]+$ && $requests -ge 100 && $requests -le 100000 ]] ||
  die "BENCH_REQUESTS must be an integer in 100..100000"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$here/../.." && pwd)
build_dir=${2:-${ROOST_BUILD_DIR:-build-release}}
if [[ $build_dir != /* && ! -d $build_dir && -d $repo_root/$build_dir ]]; then
  build_dir=$repo_root/$build_dir
fi
[[ -d $build_dir ]] || die "no build directory '$build_dir'"
build_dir=$(cd "$build_dir" && pwd)
for tool in valgrind callgrind_control callgrind_annotate wrk taskset; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install valgrind wrk)"
done

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/roost-http-profile.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  # The callgrind output is kept; the rest (data dir, logs) goes.
  find "$work_dir" -mindepth 1 -maxdepth 1 ! -name 'callgrind.*' -exec rm -rf {} +
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case $target in
  bare) command=("$build_dir/bench/bench_bare_responder" --port 0) ;;
  roost | roost-nolog)
    access_log=true
    [[ $target == roost-nolog ]] && access_log=false
    mkdir -p "$work_dir/data"
    command=("$build_dir/src/app/roost" serve --listen 127.0.0.1:0 --data-dir "$work_dir/data"
      --io-threads 1 --log-level info --access-log "$access_log")
    ;;
esac

out_file=$work_dir/callgrind.$target.out
taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$out_file" "${command[@]}" \
  >"$work_dir/stdout" 2>"$work_dir/stderr" &
server_pid=$!
port=""
for _ in $(seq 600); do  # valgrind starts slowly: 60 s at most
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work_dir/stdout" | head -n1)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || die "$target did not start: $(tail -n 5 "$work_dir/stderr")"
url=http://127.0.0.1:$port/healthz

BENCH_REQUESTS=500 taskset -c 1 wrk -t1 -c64 -d30s -s "$here/bounded.lua" "$url" >/dev/null
callgrind_control -z "$server_pid" >/dev/null 2>&1
BENCH_REQUESTS=$requests taskset -c 1 wrk -t1 -c64 -d60s -s "$here/bounded.lua" "$url" \
  >"$work_dir/wrk" 2>&1
callgrind_control -d "$server_pid" >/dev/null 2>&1
sleep 1
answered=$(awk '/ requests in / { print $1; exit }' "$work_dir/wrk")
dump=$(ls -t "$out_file".* 2>/dev/null | head -n1 || true)
[[ -n $dump ]] || die "callgrind wrote no dump"

total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
echo "$target: $answered requests (wrk count; the server may have read a few more than answered)"
awk -v t="$total" -v n="$answered" 'BEGIN { printf "instructions: %d total, %.0f per request\n", t, t / n }'
echo
# Template arguments collapsed to <>, so that a line is a function name and not a page.
shorten() {
  perl -pe '1 while s/<[^<>]*>/{}/g; s/\{\}/<>/g; s/ \[[^]]*\]$//; $_ = substr($_, 0, 180) . "\n" if length > 181'
}
# The functions on the stack when the counters were zeroed (main, run, ...) show 100%
# exclusive: callgrind's artefact, dropped. Per request: the count divided by the requests.
report() {
  callgrind_annotate --auto=no --threshold=100 "$@" "$dump" 2>/dev/null |
    sed -n '/file:function/,$p' | grep -v '(100.0%)' |
    perl -ne 'BEGIN { $n = shift } next unless /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$/;
      my ($c, $f) = ($1, $2); $c =~ s/,//g; printf "%8.0f/req  %s\n", $c / $n, $f' "$answered"
}
# Heap allocations: the calls to malloc per request, and who makes them (from the
# callgrind file's call counts; names are compressed there as "(id) name" once, then "(id)").
allocations() {
  perl -ne 'BEGIN { $n = shift }
    if (/^fn=\((\d+)\)(?: (.*))?$/) { $name{$1} = $2 if defined $2; $fn = $name{$1}; next }
    if (/^cfn=\((\d+)\)(?: (.*))?$/) { $name{$1} = $2 if defined $2; $cfn = $name{$1}; next }
    if (/^calls=(\d+)/) { my $k = $1;
      if ($cfn eq "malloc") { $total += $k; $by{$fn} += $k unless $fn =~ /^operator new/ }
      if ($cfn =~ /^operator new\(unsigned long/) { $by{$fn} += $k } }
    END { printf "heap allocations: %.1f per request; by caller:\n", $total / $n;
      for (sort { $by{$b} <=> $by{$a} } keys %by) { printf "%8.2f/req  %s\n", $by{$_} / $n, $_ } }' \
    "$answered" "$dump"
}
# Exclusive cost summed by source file: where the instructions go, library by library.
by_file() {
  report | perl -ne 'next unless /^\s*([\d.]+)\/req\s+([^:]*):/; $s{$2} += $1;
    END { printf "%8.0f/req  %s\n", $s{$_}, $_ for sort { $s{$b} <=> $s{$a} } keys %s }'
}
allocations | shorten | head -n 26
echo
echo "--- exclusive, by source file (top 25) ---"
by_file | head -n 25
echo
echo "--- inclusive, by function (top 40) ---"
report --inclusive=yes | shorten | head -n 40
echo
echo "--- exclusive, by function (top 30) ---"
report | shorten | head -n 30
echo
echo "callgrind file: $dump"
