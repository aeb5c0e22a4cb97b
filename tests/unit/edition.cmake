# The edition test writes small PNG photos into the folders it builds.
nk_unit_test(edition)
target_link_libraries(test_edition PRIVATE PkgConfig::PNG)
# The sample edition must open and every body load, probes included.
add_test(NAME unit.edition.sample
         COMMAND test_edition --open ${CMAKE_SOURCE_DIR}/assets/sample-edition)
set_tests_properties(unit.edition.sample PROPERTIES TIMEOUT 60 ENVIRONMENT "${NK_TEST_ENV}")
