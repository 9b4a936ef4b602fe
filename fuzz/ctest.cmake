# The libFuzzer targets as tests of this (g++) build, label fuzz, so that ctest's summary
# counts them: ROOST_FUZZ_BUILD_DIR names a clang build of them (fuzz/build.sh; scripts/test
# builds it in the background, at the lowest priority, while it builds this one). Each runs
# ROOST_FUZZ_RUNS executions (issue 5: at least a million) from its seed corpus; a crash, a
# leak, a failed check, an input slower than 30 s or more than 2 GB fails the test.
set(ROOST_FUZZ_BUILD_DIR "" CACHE PATH
    "A clang build of the fuzz targets (fuzz/build.sh) that ctest runs (label fuzz); empty: none")
set(ROOST_FUZZ_RUNS 1000000 CACHE STRING "Executions per fuzz target in ctest")
if(NOT ROOST_FUZZ_BUILD_DIR)
  return()
endif()
foreach(target fuzz_cbor fuzz_car fuzz_frame fuzz_stream_query)
  add_test(NAME ${target}
           COMMAND ${PROJECT_SOURCE_DIR}/fuzz/run.sh ${target} ${ROOST_FUZZ_RUNS} -timeout=30
                   -rss_limit_mb=2048)
  # COST: without timings from an earlier run (a fresh CI machine), ctest starts the
  # costliest first; the fuzzers then run while the fixtures start their servers.
  set_tests_properties(${target} PROPERTIES LABELS fuzz TIMEOUT 900 COST 60
    ENVIRONMENT "ROOST_FUZZ_BUILD_DIR=${ROOST_FUZZ_BUILD_DIR};ROOST_FUZZ_NO_BUILD=1")
endforeach()
