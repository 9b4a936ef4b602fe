# Run at build time (cmake -P) by src/storage/CMakeLists.txt:
#   cmake -DBACKEND=sqlite -DINPUT_DIR=<dir of NNNN_name.sql> -DOUTPUT=<file.cpp> -P this-file
# Writes OUTPUT, a C++ file defining roost::storage::<BACKEND>_migrations(): every
# migration's SQL as a raw string literal, sorted by version. Versions start at 1 and have
# no gaps, so a missing or misnumbered file fails the build instead of a deployment.

set(delimiter "roost_sql")

file(GLOB files RELATIVE "${INPUT_DIR}" "${INPUT_DIR}/*.sql")
list(SORT files COMPARE NATURAL)
if(NOT files)
  message(FATAL_ERROR "${INPUT_DIR} holds no migration (NNNN_name.sql)")
endif()

set(entries "")
set(expected_version 1)
foreach(file IN LISTS files)
  if(NOT file MATCHES "^([0-9]+)_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "${INPUT_DIR}/${file}: a migration is named NNNN_name.sql "
                        "(digits, an underscore, lower-case letters, digits and underscores)")
  endif()
  set(digits "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${digits}")
  if(NOT version EQUAL expected_version)
    message(FATAL_ERROR "${INPUT_DIR}/${file}: expected migration version ${expected_version} "
                        "(versions start at 1 and have no gaps or duplicates)")
  endif()
  math(EXPR expected_version "${expected_version} + 1")
  file(READ "${INPUT_DIR}/${file}" sql)
  string(FIND "${sql}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT_DIR}/${file} contains the raw-string delimiter )${delimiter}\"")
  endif()
  string(APPEND entries "    {${version}, \"${name}\", R\"${delimiter}(${sql})${delimiter}\"},\n")
endforeach()

file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT_DIR} by src/storage/embed_migrations.cmake: do not edit.\n"
  "#include \"storage/embedded_migrations.hpp\"\n"
  "\n"
  "namespace roost::storage {\n"
  "\n"
  "namespace {\n"
  "\n"
  "constexpr EmbeddedMigration migrations[] = {\n"
  "${entries}"
  "};\n"
  "\n"
  "}  // namespace\n"
  "\n"
  "std::span<const EmbeddedMigration> ${BACKEND}_migrations() { return migrations; }\n"
  "\n"
  "}  // namespace roost::storage\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
