# import: the fixtures in tests/fixtures/import are imported into a scratch
# folder and read back with the edition module; photos and hostile inputs
# (100,000 items, a 50 MB item, billion laughs) are generated at run time.
nk_unit_test(import)
target_link_libraries(test_import PRIVATE nk_edition nk_image PkgConfig::JPEG)
set_tests_properties(unit.import PROPERTIES TIMEOUT 300)
