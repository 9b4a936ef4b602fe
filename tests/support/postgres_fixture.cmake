# The CTest fixture `postgres`: a throw-away PostgreSQL cluster that CTest starts before
# the first test requiring it and stops after the last (tests/support/postgres-fixture.sh).
# A developer who sets ROOST_TEST_POSTGRES_URL runs the tests against that server instead.
#
# In any test directory:
#   include(${PROJECT_SOURCE_DIR}/tests/support/postgres_fixture.cmake)
#   roost_require_postgres(my_test other_test)                      # tests made by add_test
#   gtest_discover_tests(my_tests PROPERTIES ${ROOST_POSTGRES_TEST_PROPERTIES})
# A test then reads the server's URL from ROOST_TEST_POSTGRES_URL if set, else from the
# file named by ROOST_TEST_POSTGRES_URL_FILE; it must fail, never skip, when it finds none.

set(ROOST_POSTGRES_FIXTURE_DIR ${CMAKE_BINARY_DIR}/test-postgres)
set(ROOST_POSTGRES_URL_FILE ${ROOST_POSTGRES_FIXTURE_DIR}/url)
set(ROOST_POSTGRES_TEST_PROPERTIES
  FIXTURES_REQUIRED postgres
  ENVIRONMENT ROOST_TEST_POSTGRES_URL_FILE=${ROOST_POSTGRES_URL_FILE})
if(ROOST_SANITIZE)
  # libpqxx leaks inside itself when a connection dies (see the file); ':' separates
  # LeakSanitizer options, so this adds to whatever LSAN_OPTIONS the caller set.
  list(APPEND ROOST_POSTGRES_TEST_PROPERTIES ENVIRONMENT_MODIFICATION
    "LSAN_OPTIONS=string_append::suppressions=${CMAKE_CURRENT_LIST_DIR}/lsan-suppressions.txt")
endif()

function(roost_require_postgres)
  set_tests_properties(${ARGN} PROPERTIES ${ROOST_POSTGRES_TEST_PROPERTIES})
endfunction()

# The fixture's own two tests exist once, however many directories include this file.
get_property(roost_postgres_fixture_defined GLOBAL PROPERTY ROOST_POSTGRES_FIXTURE_DEFINED)
if(NOT roost_postgres_fixture_defined)
  set_property(GLOBAL PROPERTY ROOST_POSTGRES_FIXTURE_DEFINED TRUE)
  set(roost_postgres_fixture_script ${CMAKE_CURRENT_LIST_DIR}/postgres-fixture.sh)
  add_test(NAME postgres_start
           COMMAND ${roost_postgres_fixture_script} start ${ROOST_POSTGRES_FIXTURE_DIR})
  set_tests_properties(postgres_start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 120)
  add_test(NAME postgres_stop
           COMMAND ${roost_postgres_fixture_script} stop ${ROOST_POSTGRES_FIXTURE_DIR})
  set_tests_properties(postgres_stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 60)
endif()
