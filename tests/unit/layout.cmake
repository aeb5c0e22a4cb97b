# The layout test needs the hyphenation patterns' folder (Debian's hyphen-*).
nk_unit_test(layout)
target_compile_definitions(test_layout PRIVATE NK_HYPHEN_DIR="${NK_HYPHEN_DIR}")
set_tests_properties(unit.layout PROPERTIES TIMEOUT 60)

# The paragraph breaker's caches and library guards (fake font, libunibreak).
add_executable(test_layout_para ${NK_TEST_DIR}/unit/test_layout_para.c)
target_link_libraries(test_layout_para PRIVATE nk_layout PkgConfig::UNIBREAK)
target_include_directories(test_layout_para PRIVATE ${NK_TEST_DIR})
target_compile_definitions(test_layout_para PRIVATE NK_HYPHEN_DIR="${NK_HYPHEN_DIR}")
add_test(NAME unit.layout_para COMMAND test_layout_para)
set_tests_properties(unit.layout_para PROPERTIES TIMEOUT 60 ENVIRONMENT "${NK_TEST_ENV}")

# Bidi and per-script breaking in the typesetter (fake font; fribidi gives
# the expected visual order).
add_executable(test_layout_bidi ${NK_TEST_DIR}/unit/test_layout_bidi.c)
target_link_libraries(test_layout_bidi PRIVATE nk_layout PkgConfig::FRIBIDI)
target_include_directories(test_layout_bidi PRIVATE ${NK_TEST_DIR}
                           ${CMAKE_SOURCE_DIR}/firmware/layout)
target_compile_definitions(test_layout_bidi PRIVATE NK_HYPHEN_DIR="${NK_HYPHEN_DIR}")
add_test(NAME unit.layout_bidi COMMAND test_layout_bidi)
set_tests_properties(unit.layout_bidi PROPERTIES TIMEOUT 120 ENVIRONMENT "${NK_TEST_ENV}")
