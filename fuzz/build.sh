#!/usr/bin/env bash
# Builds libFuzzer targets: fuzz/build.sh BUILD_DIR [TARGET...] (default: all four).
# clang++ from Debian (packages clang and libclang-rt-14-dev, which holds libFuzzer), under
# ASan + UBSan (CMakeLists.txt, ROOST_FUZZ). -O1: as fast per execution as -O2 here and
# quicker to compile; asserts stay on (no NDEBUG), so a broken invariant is a finding;
# -g1: line tables for the stack traces. Leaves BUILD_DIR/build.ok after a successful build,
# which fuzz/run.sh ROOST_FUZZ_NO_BUILD=1 requires.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_cbor fuzz_car fuzz_frame fuzz_stream_query)
mkdir -p "$build"
rm -f "$build/build.ok"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DCMAKE_CXX_COMPILER=clang++ -DROOST_FUZZ=ON \
  -DROOST_BUILD_TESTS=OFF -DROOST_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"${ROOST_FUZZ_JOBS:-2}" --target "${targets[@]}"
touch "$build/build.ok"
