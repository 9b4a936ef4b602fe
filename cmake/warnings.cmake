# Every target of the project builds with these; third-party headers come in as SYSTEM.
# Warnings are errors for developers and CI (scripts/test); scripts/roost-up builds with
# ROOST_WERROR=OFF, so that a new compiler's new false positive (g++'s -O3 flow warnings
# have had several) cannot stop a user's install.
option(ROOST_WERROR "Treat compiler warnings as errors" ON)
add_compile_options(-Wall -Wextra -Wno-missing-field-initializers)
if(ROOST_WERROR)
  add_compile_options(-Werror)
endif()
