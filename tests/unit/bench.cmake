# Benchmark drivers (tests/bench) and the bench's smoke run. The drivers are
# built with everything, so warnings in them fail the debug and asan builds
# too; scripts/bench builds them by name as well. The smoke test runs
# `scripts/bench --smoke --no-write` on a 10-article edition with this build's
# binaries and checks that every row prints a figure or says why it could
# not; it never checks speed.
foreach(driver layout turn fonts speech)
  add_executable(bench_${driver} ${NK_TEST_DIR}/bench/bench_${driver}.c)
  target_include_directories(bench_${driver} PRIVATE ${NK_TEST_DIR}/bench)
  target_compile_definitions(bench_${driver} PRIVATE NK_HYPHEN_DIR="${NK_HYPHEN_DIR}")
endforeach()
target_link_libraries(bench_layout PRIVATE nk_text nk_layout nk_edition)
target_link_libraries(bench_turn PRIVATE nk_render nk_text nk_layout nk_edition)
target_link_libraries(bench_fonts PRIVATE nk_text)
target_link_libraries(bench_speech PRIVATE nk_speech)

# The Pango process the whole-process row compares newskiosk with; built only
# where Pango's headers are (libpango1.0-dev), else that row says why not.
pkg_check_modules(PANGOCAIRO IMPORTED_TARGET pangocairo)
if(PANGOCAIRO_FOUND)
  add_executable(bench_pango ${NK_TEST_DIR}/bench/bench_pango.c)
  target_link_libraries(bench_pango PRIVATE PkgConfig::PANGOCAIRO)
endif()

# The launch-to-article rows poll an X screen (Xvfb) with XGetImage.
find_package(PkgConfig)
pkg_check_modules(NK_BENCH_X11 IMPORTED_TARGET x11)
if(NK_BENCH_X11_FOUND)
  add_executable(bench_screen ${NK_TEST_DIR}/bench/bench_screen.c)
  target_include_directories(bench_screen PRIVATE ${NK_TEST_DIR}/bench)
  target_link_libraries(bench_screen PRIVATE PkgConfig::NK_BENCH_X11)
endif()

add_test(NAME bench.smoke
         COMMAND bash ${NK_TEST_DIR}/bench/smoke.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
# No leak check here: the smoke run starts the kiosk in real windows (Xvfb,
# weston), where libX11/Mesa/libwayland keep allocations to exit, and Pango's
# reference process; the kiosk's own leaks are caught by the unit and e2e
# tests. A crash or any other sanitizer report still fails it (smoke.sh).
string(REPLACE "detect_leaks=1" "detect_leaks=0" NK_BENCH_SMOKE_ENV "${NK_TEST_ENV}")
set_tests_properties(bench.smoke PROPERTIES TIMEOUT 240 RUN_SERIAL TRUE
                     ENVIRONMENT "${NK_BENCH_SMOKE_ENV};NK_BENCH_DIR=${CMAKE_BINARY_DIR}/bench")
