# The CTest fixture `bluesky_pds`: Roost's test peer, a real @atproto/pds with an in-memory
# PLC directory on 127.0.0.1 (tests/peers/bluesky-pds), started before the first test that
# requires it and stopped after the last (tests/support/bluesky_pds_fixture.sh). Starting
# installs the node packages first when they are missing: minutes on a fresh machine, so
# scripts/test starts that install early in the background and the fixture waits for it.
#
# In any test directory:
#   include(${PROJECT_SOURCE_DIR}/tests/support/bluesky_pds_fixture.cmake)
#   roost_require_bluesky_pds(my_test other_test)                  # tests made by add_test
#   gtest_discover_tests(my_tests PROPERTIES ${ROOST_BLUESKY_PDS_TEST_PROPERTIES})
# A test reads the server's READY json from the file named by
# ROOST_TEST_BLUESKY_PDS_INFO_FILE (tests/support/bluesky_pds.hpp); it fails, never skips,
# when there is none.

set(ROOST_BLUESKY_PDS_FIXTURE_DIR ${CMAKE_BINARY_DIR}/test-bluesky-pds)
set(ROOST_BLUESKY_PDS_INFO_FILE ${ROOST_BLUESKY_PDS_FIXTURE_DIR}/info.json)
set(ROOST_BLUESKY_PDS_TEST_PROPERTIES
  FIXTURES_REQUIRED bluesky_pds
  LABELS bluesky
  ENVIRONMENT ROOST_TEST_BLUESKY_PDS_INFO_FILE=${ROOST_BLUESKY_PDS_INFO_FILE})

function(roost_require_bluesky_pds)
  set_tests_properties(${ARGN} PROPERTIES ${ROOST_BLUESKY_PDS_TEST_PROPERTIES})
endfunction()

# The fixture's own two tests exist once, however many directories include this file.
get_property(roost_bluesky_pds_fixture_defined GLOBAL PROPERTY ROOST_BLUESKY_PDS_FIXTURE_DEFINED)
if(NOT roost_bluesky_pds_fixture_defined)
  set_property(GLOBAL PROPERTY ROOST_BLUESKY_PDS_FIXTURE_DEFINED TRUE)
  set(roost_bluesky_pds_fixture_script ${CMAKE_CURRENT_LIST_DIR}/bluesky_pds_fixture.sh)
  # A cold npm install plus compiling better-sqlite3 takes 3 to 8 minutes on 2 cores.
  add_test(NAME bluesky_pds_start
           COMMAND ${roost_bluesky_pds_fixture_script} start ${ROOST_BLUESKY_PDS_FIXTURE_DIR})
  set_tests_properties(bluesky_pds_start PROPERTIES
    FIXTURES_SETUP bluesky_pds LABELS bluesky TIMEOUT 900)
  add_test(NAME bluesky_pds_stop
           COMMAND ${roost_bluesky_pds_fixture_script} stop ${ROOST_BLUESKY_PDS_FIXTURE_DIR})
  set_tests_properties(bluesky_pds_stop PROPERTIES
    FIXTURES_CLEANUP bluesky_pds LABELS bluesky TIMEOUT 60)
endif()
