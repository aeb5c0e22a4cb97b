# Board integration (board/, cmake/Package.cmake): shell tests, no C module.
# Exit 77 means a tool is missing here (systemd-analyze, dpkg-deb): skipped.
set(NK_BOARD_TESTS ${NK_TEST_DIR}/board)
add_test(NAME board.handover
         COMMAND sh ${NK_BOARD_TESTS}/test_handover.sh ${CMAKE_SOURCE_DIR}/board/usb/usb-handover)
add_test(NAME board.units COMMAND sh ${NK_BOARD_TESTS}/test_units.sh ${CMAKE_SOURCE_DIR})
# Packs the build dir's install tree: needs newskiosk, newsbundle and the sample built.
add_test(NAME board.deb COMMAND sh ${NK_BOARD_TESTS}/test_deb.sh ${CMAKE_BINARY_DIR} ${PROJECT_VERSION})
set_tests_properties(board.handover board.units board.deb
                     PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77 LABELS board)
if(EXISTS ${NK_BOARD_TESTS}/test_raspberrypi.sh)
  add_test(NAME board.raspberrypi
           COMMAND sh ${NK_BOARD_TESTS}/test_raspberrypi.sh ${CMAKE_SOURCE_DIR}/board/raspberrypi)
  set_tests_properties(board.raspberrypi PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77 LABELS board)
endif()
# The Buildroot external tree follows Buildroot's conventions (and the checker
# catches broken copies of it).
add_test(NAME board.buildroot
         COMMAND python3 ${NK_BOARD_TESTS}/check_buildroot.py ${CMAKE_SOURCE_DIR}/board/buildroot)
set_tests_properties(board.buildroot PROPERTIES TIMEOUT 60 LABELS board)
# The board's shell scripts pass shellcheck (skipped where it is not installed).
find_program(NK_SHELLCHECK shellcheck)
if(NK_SHELLCHECK)
  add_test(NAME board.shellcheck
           COMMAND ${NK_SHELLCHECK} -x ${CMAKE_SOURCE_DIR}/board/usb/usb-handover
                   ${CMAKE_SOURCE_DIR}/board/debian/postinst ${CMAKE_SOURCE_DIR}/board/debian/prerm
                   ${CMAKE_SOURCE_DIR}/board/debian/postrm ${CMAKE_SOURCE_DIR}/scripts/check-deb
                   ${CMAKE_SOURCE_DIR}/board/buildroot/board/post-image.sh
                   ${NK_BOARD_TESTS}/test_handover.sh ${NK_BOARD_TESTS}/test_units.sh
                   ${NK_BOARD_TESTS}/test_deb.sh ${CMAKE_SOURCE_DIR}/scripts/cross-test
                   ${CMAKE_SOURCE_DIR}/board/raspberrypi/install.sh
                   ${NK_BOARD_TESTS}/test_raspberrypi.sh ${NK_BOARD_TESTS}/checks.sh
                   ${CMAKE_SOURCE_DIR}/board/syncthing/fleet-setup ${CMAKE_SOURCE_DIR}/scripts/board-test
                   ${NK_BOARD_TESTS}/powercut-init.sh)
  set_tests_properties(board.shellcheck PROPERTIES TIMEOUT 60 LABELS board)
endif()
# A fleet on loopback: three Syncthing instances, two headless kiosks
# (scripts/fleet-test, ~25 s). Natively only: under qemu it would measure the
# emulator's patience, and the watcher logic is in unit.bundle anyway.
if(NOT CMAKE_CROSSCOMPILING)
  nk_test_program(NK_RUN_NEWSKIOSK_FLEET newskiosk)
  nk_test_program(NK_RUN_NEWSBUNDLE_FLEET newsbundle)
  add_test(NAME board.fleet
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/fleet-test
                   --newskiosk ${NK_RUN_NEWSKIOSK_FLEET} --newsbundle ${NK_RUN_NEWSBUNDLE_FLEET})
  set_tests_properties(board.fleet PROPERTIES TIMEOUT 240 SKIP_RETURN_CODE 77 LABELS board
                       ENVIRONMENT "${NK_TEST_ENV}")
endif()
