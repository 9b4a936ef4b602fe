# Every target of the project builds with these; third-party headers come in as SYSTEM.
add_compile_options(-Wall -Wextra -Werror -Wno-missing-field-initializers)
