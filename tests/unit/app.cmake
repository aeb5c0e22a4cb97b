# app's unit test covers the pure parts of app/ (config file, event script)
# and links only those sources and base, so it builds while the SDL side of
# app/ is being written and stays fast.
add_executable(test_app ${NK_TEST_DIR}/unit/test_app.c ${CMAKE_SOURCE_DIR}/firmware/app/config.c)
target_link_libraries(test_app PRIVATE nk_base)
target_include_directories(test_app PRIVATE ${NK_TEST_DIR} ${CMAKE_SOURCE_DIR}/firmware/app)
target_compile_definitions(test_app PRIVATE NK_TEST_DIR="${NK_TEST_DIR}")
add_test(NAME unit.app COMMAND test_app)
set_tests_properties(unit.app PROPERTIES TIMEOUT 60 ENVIRONMENT "${NK_TEST_ENV}")
