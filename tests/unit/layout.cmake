# The layout test needs the hyphenation patterns' folder (Debian's hyphen-*).
nk_unit_test(layout)
target_compile_definitions(test_layout PRIVATE NK_HYPHEN_DIR="${NK_HYPHEN_DIR}")
set_tests_properties(unit.layout PROPERTIES TIMEOUT 60)
