#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 cluster for the tests (CTest fixture
# `postgres`, see tests/support/postgres_fixture.cmake).
#
#   postgres-fixture.sh start DIR   initdb + pg_ctl start on 127.0.0.1 and a free port;
#                                   DIR/url then holds postgresql://postgres@127.0.0.1:PORT/postgres
#   postgres-fixture.sh stop DIR    pg_ctl stop -m fast, then removes DIR
#
# With ROOST_TEST_POSTGRES_URL set, both do nothing: the tests use that server instead.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail

readonly postgres_bin="${ROOST_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
readonly cluster_owner=postgres
readonly start_attempts=5           # a free port can be taken between picking and binding
readonly ready_timeout_seconds=30

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

# Runs a shell command line as the user who owns the cluster.
run_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    su "$cluster_owner" -s /bin/bash -c "$1"
  else
    bash -c "$1"
  fi
}

pick_free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

# The cluster lives in DIR/cluster when its owner can reach DIR (every parent directory
# searchable), else in a fresh directory under /tmp; DIR/cluster_dir records which.
choose_cluster_dir() {
  local dir="$1"
  if [[ $(id -u) -eq 0 ]]; then
    chown "$cluster_owner:" "$dir"
  fi
  local cluster="$dir/cluster"
  if ! run_as_owner "test -w $(printf %q "$dir")"; then
    cluster=$(mktemp -d /tmp/roost-test-postgres.XXXXXX)
  fi
  mkdir -p "$cluster"
  if [[ $(id -u) -eq 0 ]]; then
    chown "$cluster_owner:" "$cluster"
  fi
  echo "$cluster"
}

stop_cluster() {
  local dir="$1"
  [[ -f "$dir/cluster_dir" ]] || return 0
  local cluster
  cluster=$(cat "$dir/cluster_dir")
  if [[ -f "$cluster/data/postmaster.pid" ]]; then
    run_as_owner "cd $(printf %q "$cluster") && $(printf %q "$postgres_bin/pg_ctl") \
      -D data -m fast -w stop >/dev/null" || true
  fi
  rm -rf "$cluster"
}

initialize_cluster() {
  local cluster="$1"
  if ! run_as_owner "cd $(printf %q "$cluster") && $(printf %q "$postgres_bin/initdb") \
      -D data -A trust -U postgres --no-sync --encoding=UTF8 --locale=C >initdb.log 2>&1"; then
    cat "$cluster/initdb.log" >&2
    return 1
  fi
}

# Starts the server on a free port; prints the port.
start_server() {
  local cluster="$1" port options
  for ((attempt = 1; attempt <= start_attempts; attempt++)); do
    port=$(pick_free_port)
    # fsync and friends off: the data is thrown away after the run, and tests go faster.
    options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster"
    options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if run_as_owner "cd $(printf %q "$cluster") && $(printf %q "$postgres_bin/pg_ctl") \
        -D data -l postgres.log -w -t $ready_timeout_seconds -o $(printf %q "$options") \
        start >/dev/null"; then
      echo "$port"
      return 0
    fi
  done
  echo "PostgreSQL did not start; its log:" >&2
  cat "$cluster/postgres.log" >&2 || true
  return 1
}

start() {
  local dir="$1" cluster port
  stop_cluster "$dir"  # left over from a run that was interrupted
  rm -rf "$dir"
  mkdir -p "$dir"
  cluster=$(choose_cluster_dir "$dir")
  echo "$cluster" >"$dir/cluster_dir"
  initialize_cluster "$cluster"
  port=$(start_server "$cluster")
  echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url.tmp"
  mv "$dir/url.tmp" "$dir/url"
  echo "PostgreSQL is listening: $(cat "$dir/url")"
}

stop() {
  local dir="$1"
  stop_cluster "$dir"
  rm -rf "$dir"
}

[[ $# -eq 2 ]] || usage
if [[ -n "${ROOST_TEST_POSTGRES_URL:-}" ]]; then
  echo "ROOST_TEST_POSTGRES_URL is set: the tests use that server; nothing to $1"
  exit 0
fi
directory=$(realpath -m "$2")
case "$1" in
  start) start "$directory" ;;
  stop) stop "$directory" ;;
  *) usage ;;
esac
