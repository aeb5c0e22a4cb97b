# The interactive kiosk end to end (issue 5): a scripted walk of the sample
# edition compared pixel for pixel with --render-pages, idle CPU under the
# dummy driver and under Xvfb, a real window under Xvfb, bad scripts and
# configs, inbox installs. Included from tests/unit/app.cmake (tests/ scope).
include_guard(GLOBAL)
find_program(NK_READER_PYTHON3 python3)
if(NOT NK_READER_PYTHON3)
  return()
endif()
set(NK_READER_E2E ${CMAKE_CURRENT_LIST_DIR}/reader_e2e.py)
set(NK_READER_SAMPLE ${CMAKE_SOURCE_DIR}/assets/sample-edition)
# Cross-built, the programs run under the emulator (tests/CMakeLists.txt).
nk_test_program(NK_RUN_NEWSKIOSK newskiosk)
nk_test_program(NK_RUN_NEWSBUNDLE newsbundle)

function(nk_reader_test name timeout)
  add_test(NAME e2e.reader_${name} COMMAND ${NK_READER_PYTHON3} ${NK_READER_E2E} ${ARGN})
  set_tests_properties(e2e.reader_${name} PROPERTIES TIMEOUT ${timeout} SKIP_RETURN_CODE 77
                       ENVIRONMENT "${NK_TEST_ENV}")
endfunction()

nk_reader_test(walk 600 walk ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
nk_reader_test(inbox 300 inbox ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE} ${NK_RUN_NEWSBUNDLE})
nk_reader_test(rotate 300 rotate ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
if(SYSTEMD_FOUND)
  nk_reader_test(notify 60 notify ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
endif()
nk_reader_test(font 300 font ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
nk_reader_test(theme 300 theme ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
nk_reader_test(errors 120 errors ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
# 5 s idle on the index must cost under 0.05 CPU s (the target is 0.1 s a minute).
nk_reader_test(idle_dummy 60 idle ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE} 5 0.05)
nk_reader_test(idle_xvfb 60 idle ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE} 5 0.05 xvfb)
nk_reader_test(xvfb_window 120 xvfb ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE})
set_tests_properties(e2e.reader_idle_dummy e2e.reader_idle_xvfb e2e.reader_xvfb_window
                     PROPERTIES RUN_SERIAL TRUE)

# The kiosk under a headless weston with SDL's wayland driver (issue 15). Weston's
# headless backend has no input devices and SDL 2.26 crashes without a wl_seat,
# so the compositor loads a small module of ours that adds a touch seat.
find_package(PkgConfig)
if(PKG_CONFIG_FOUND AND NOT CMAKE_CROSSCOMPILING)
  pkg_check_modules(NK_LIBWESTON IMPORTED_TARGET libweston-10)
endif()
set(NK_WESTON_SEAT "")
if(NK_LIBWESTON_FOUND)
  add_library(e2e_weston_seat MODULE ${CMAKE_CURRENT_LIST_DIR}/weston_seat.c)
  target_link_libraries(e2e_weston_seat PRIVATE PkgConfig::NK_LIBWESTON)
  set_target_properties(e2e_weston_seat PROPERTIES PREFIX "")
  # loaded into weston, which is not built with the sanitizers: none here either
  target_compile_options(e2e_weston_seat PRIVATE -fno-sanitize=all)
  target_link_options(e2e_weston_seat PRIVATE -fno-sanitize=all)
  set(NK_WESTON_SEAT $<TARGET_FILE:e2e_weston_seat>)
endif()
nk_reader_test(weston 120 weston ${NK_RUN_NEWSKIOSK} ${NK_READER_SAMPLE} "${NK_WESTON_SEAT}")
set_tests_properties(e2e.reader_weston PROPERTIES RUN_SERIAL TRUE)
