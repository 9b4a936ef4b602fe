#!/usr/bin/env bash
# Starts or stops Roost's Bluesky test peer (tests/peers/bluesky-pds) for the tests: the
# CTest fixture `bluesky_pds`, see tests/support/bluesky_pds_fixture.cmake.
#
#   bluesky_pds_fixture.sh start DIR   installs the node packages if needed (waiting for a
#                                      parallel install), starts the PDS in the background
#                                      and writes its READY json to DIR/info.json
#   bluesky_pds_fixture.sh stop DIR    SIGTERM (SIGKILL after a grace time), removes DIR
set -euo pipefail

readonly peer_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../peers/bluesky-pds" && pwd)"
readonly ready_timeout_seconds=60
readonly stop_grace_seconds=10
# A PDS whose test run was killed (so that no stop came) ends by itself after this.
readonly max_lifetime_seconds=$((4 * 60 * 60))

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

stop_server() {
  local dir="$1" pid
  [[ -f "$dir/pid" ]] || return 0
  pid=$(cat "$dir/pid")
  if kill -TERM "$pid" 2>/dev/null; then
    for ((i = 0; i < stop_grace_seconds * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

start() {
  local dir="$1" pid line started
  stop_server "$dir"  # left over from a run that was interrupted
  rm -rf "$dir"
  mkdir -p "$dir"
  "$peer_dir/install.sh"
  started=$(date +%s%N)
  # Its own session and no inherited descriptors: CTest waits for the fixture's output
  # pipes to close, so the server must not hold them.
  PDS_MAX_LIFETIME_SECONDS=$max_lifetime_seconds setsid node "$peer_dir/start-pds.js" \
    </dev/null >"$dir/pds.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  for ((i = 0; i < ready_timeout_seconds * 10; i++)); do
    line=$(grep -m1 '^READY ' "$dir/pds.log" || true)
    if [[ -n "$line" ]]; then
      printf '%s\n' "${line#READY }" >"$dir/info.json.tmp"
      mv "$dir/info.json.tmp" "$dir/info.json"
      echo "test PDS ready in $((($(date +%s%N) - started) / 1000000)) ms (pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the test PDS exited; its log:" >&2
      cat "$dir/pds.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "the test PDS was not ready after $ready_timeout_seconds s; its log:" >&2
  cat "$dir/pds.log" >&2
  stop_server "$dir"
  return 1
}

stop() {
  local dir="$1"
  stop_server "$dir"
  rm -rf "$dir"
}

[[ $# -eq 2 ]] || usage
directory=$(realpath -m "$2")
case "$1" in
  start) start "$directory" ;;
  stop) stop "$directory" ;;
  *) usage ;;
esac
