# The text test checks shaping against HarfBuzz itself, on the same font files.
nk_unit_test(text)
target_link_libraries(test_text PRIVATE PkgConfig::HARFBUZZ)
