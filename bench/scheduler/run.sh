#!/bin/sh
# Runs bench_scheduler against a fresh test PDS: BUILD_DIR is a build with
# -DROOST_BUILD_BENCH=ON (Release for numbers worth keeping). Extra arguments go to the
# benchmark (profiles, posts, direct_posts).
set -eu
build_dir=${1:?usage: bench/scheduler/run.sh BUILD_DIR [profiles posts direct_posts]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
fixture_dir=$(mktemp -d)
trap '"$root/tests/support/bluesky_pds_fixture.sh" stop "$fixture_dir"; rm -rf "$fixture_dir"' EXIT
"$root/tests/support/bluesky_pds_fixture.sh" start "$fixture_dir"
"$build_dir/bench/bench_scheduler" "$fixture_dir/info.json" "$@"
