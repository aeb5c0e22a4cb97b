# speech: sentence rules, reading plans and espeak-ng into memory (no audio
# device; espeak-ng-data from the system, as the kiosk uses it).
nk_unit_test(speech)
target_link_libraries(test_speech PRIVATE m)
add_test(NAME unit.speech_data COMMAND test_speech bad-data)
set_tests_properties(unit.speech_data PROPERTIES TIMEOUT 60 ENVIRONMENT "${NK_TEST_ENV}")
