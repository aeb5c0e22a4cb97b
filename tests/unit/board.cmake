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
