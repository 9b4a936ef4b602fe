# Run at build time (cmake -P) by src/domain/CMakeLists.txt:
#   cmake -DINPUT=<file.txt> -DOUTPUT=<file.cpp> -DFUNCTION=<name> -P this-file
# Writes OUTPUT, a C++ file defining std::string_view roost::domain::<FUNCTION>(): the text of
# INPUT as one raw string literal, so that the binary needs no data file at run time.

set(delimiter "roost_list")

file(READ "${INPUT}" text)
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${delimiter}\"")
endif()

file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by src/domain/embed_text_list.cmake: do not edit.\n"
  "#include <string_view>\n"
  "\n"
  "namespace roost::domain {\n"
  "\n"
  "std::string_view ${FUNCTION}() {\n"
  "  static constexpr std::string_view text = R\"${delimiter}(${text})${delimiter}\";\n"
  "  return text;\n"
  "}\n"
  "\n"
  "}  // namespace roost::domain\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
