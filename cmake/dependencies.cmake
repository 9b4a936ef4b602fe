# Every dependency is a Debian bookworm package (see scripts/lib/packages.txt).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 QUIET)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl)
# Grapheme segmentation and time zones (domain/graphemes, domain/zoned_time).
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)

# Asio and Beast are compiled once, in src/api/asio_impl.cpp, instead of in every
# translation unit that includes them: it roughly halves the build time of api/.
add_library(roost_asio INTERFACE)
target_compile_definitions(roost_asio INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_include_directories(roost_asio SYSTEM INTERFACE ${Boost_INCLUDE_DIRS})
target_link_libraries(roost_asio INTERFACE Threads::Threads)
# The compiled Asio/Beast (with Asio's TLS, for ingest's wss:// sources): a library of its
# own so that api/ and ingest/ share the one translation unit.
find_package(OpenSSL REQUIRED)
add_library(roost_asio_impl STATIC ${PROJECT_SOURCE_DIR}/src/api/asio_impl.cpp)
target_link_libraries(roost_asio_impl PUBLIC roost_asio OpenSSL::SSL OpenSSL::Crypto)

# Stream matching: every active stream in one vectorscan database (ingest/stream_matcher,
# ADR 0024).
pkg_check_modules(LIBHS REQUIRED IMPORTED_TARGET libhs)
