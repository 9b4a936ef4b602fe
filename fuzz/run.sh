#!/usr/bin/env bash
# Builds and runs one libFuzzer target: fuzz/run.sh TARGET RUNS [extra libFuzzer flags]
#   TARGET: fuzz_cbor, fuzz_car, fuzz_frame or fuzz_stream_query; RUNS: executions (CI:
#   1000000 or more). It builds TARGET first (fuzz/build.sh) unless ROOST_FUZZ_NO_BUILD=1.
# The corpus starts from the reference frames of tests/unit/ingest/fixtures/ and grows in
# $ROOST_FUZZ_BUILD_DIR/corpus/TARGET; crashes land in $ROOST_FUZZ_BUILD_DIR/artifacts/.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 fuzz_cbor|fuzz_car|fuzz_frame|fuzz_stream_query RUNS [libFuzzer flags...]" >&2
  exit 2
fi
target=$1
runs=$2
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ROOST_FUZZ_BUILD_DIR:-$root/build-fuzz}

# ROOST_FUZZ_NO_BUILD=1: the targets are built already (scripts/test builds all four once,
# then ctest runs them in parallel, which must not configure one build directory twice).
if [ "${ROOST_FUZZ_NO_BUILD:-0}" != 1 ]; then
  "$root/fuzz/build.sh" "$build" "$target"
elif [ ! -f "$build/build.ok" ]; then
  echo "$0: the fuzz build in $build failed or has not run; its output ($build/build.log):" >&2
  tail -n 40 "$build/build.log" >&2 2>/dev/null || true
  exit 1
fi

corpus=$build/corpus/$target
mkdir -p "$corpus" "$build/artifacts"
dict=$root/fuzz/firehose.dict
if [ "$target" = fuzz_stream_query ]; then
  # Seeds: one query per line of fuzz/stream_query_seeds.txt.
  dict=$root/fuzz/stream_query.dict
  line_number=0
  while IFS= read -r line; do
    line_number=$((line_number + 1))
    printf '%s' "$line" >"$corpus/seed-$line_number"
  done <"$root/fuzz/stream_query_seeds.txt"
fi
fixtures=$root/tests/unit/ingest/fixtures
[ "$target" = fuzz_stream_query ] && fixtures=/nonexistent
for hex in "$fixtures"/*.hex; do
  [ -e "$hex" ] || continue
  name=$(basename "$hex" .hex)
  case $target in
    fuzz_car) [[ $name == *.car ]] || continue ;;
    *) [[ $name == *.car ]] && continue ;;
  esac
  perl -ne 'chomp; print pack("H*", $_)' "$hex" >"$corpus/seed-$name"
done

exec "$build/fuzz/$target" "$corpus" -runs="$runs" -dict="$dict" \
  -artifact_prefix="$build/artifacts/$target-" -max_len=65536 -print_final_stats=1 "$@"
