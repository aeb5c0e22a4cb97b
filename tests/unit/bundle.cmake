# bundle: the unit test generates its hostile archives at run time with
# libarchive's writer (and a PNG/JPEG with libpng/libjpeg), so no binary
# fixtures are committed. bundle_cli.sh drives the newsbundle tool and checks
# minisign interoperability both ways with the real minisign binary.
find_package(ZLIB REQUIRED)
nk_unit_test(bundle)
target_link_libraries(test_bundle PRIVATE LibArchive::LibArchive PkgConfig::SODIUM PkgConfig::PNG
                      PkgConfig::JPEG ZLIB::ZLIB)
set_tests_properties(unit.bundle PROPERTIES TIMEOUT 120)

nk_test_program(NK_RUN_NEWSBUNDLE newsbundle)
nk_test_program(NK_RUN_TEST_BUNDLE test_bundle)
add_test(NAME unit.bundle_cli
         COMMAND bash ${NK_TEST_DIR}/unit/bundle_cli.sh ${NK_RUN_NEWSBUNDLE} ${NK_RUN_TEST_BUNDLE})
set_tests_properties(unit.bundle_cli PROPERTIES TIMEOUT 120 ENVIRONMENT "${NK_TEST_ENV}")
