# app's unit test covers the pure parts of app/ (config file, event script,
# SDL event translation) and links only those sources, base and SDL2, so it
# builds while the rest of app/ is being written and stays fast. nk_render
# gives the config file its theme names (render_theme_parse).
add_executable(test_app ${NK_TEST_DIR}/unit/test_app.c ${CMAKE_SOURCE_DIR}/firmware/app/config.c
               ${CMAKE_SOURCE_DIR}/firmware/app/script.c ${CMAKE_SOURCE_DIR}/firmware/app/textfile.c
               ${CMAKE_SOURCE_DIR}/firmware/app/input.c)
target_link_libraries(test_app PRIVATE nk_base nk_render SDL2::SDL2 m)
target_include_directories(test_app PRIVATE ${NK_TEST_DIR} ${CMAKE_SOURCE_DIR}/firmware/app
                           ${CMAKE_SOURCE_DIR}/firmware/ui ${CMAKE_SOURCE_DIR}/firmware/layout
                           ${CMAKE_SOURCE_DIR}/firmware/edition)
target_compile_definitions(test_app PRIVATE NK_TEST_DIR="${NK_TEST_DIR}")
add_test(NAME unit.app COMMAND test_app)
set_tests_properties(unit.app PROPERTIES TIMEOUT 60 ENVIRONMENT "${NK_TEST_ENV}")

include(${CMAKE_CURRENT_LIST_DIR}/../e2e/reader.cmake OPTIONAL)
