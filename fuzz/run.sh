#!/usr/bin/env bash
# Builds and runs one libFuzzer target: fuzz/run.sh TARGET RUNS [extra libFuzzer flags]
#   TARGET: fuzz_cbor, fuzz_car, fuzz_frame or fuzz_stream_query; RUNS: executions (CI:
#   1000000 or more).
# The corpus starts from the reference frames of tests/unit/ingest/fixtures/ and grows in
# $ROOST_FUZZ_BUILD_DIR/corpus/TARGET; crashes land in $ROOST_FUZZ_BUILD_DIR/artifacts/.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 fuzz_cbor|fuzz_car|fuzz_frame RUNS [libFuzzer flags...]" >&2
  exit 2
fi
target=$1
runs=$2
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ROOST_FUZZ_BUILD_DIR:-$root/build-fuzz}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DROOST_FUZZ=ON -DROOST_BUILD_TESTS=OFF \
  -DROOST_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"${ROOST_FUZZ_JOBS:-2}" --target "$target"

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
