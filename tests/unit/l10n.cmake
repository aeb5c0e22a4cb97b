# l10n: the catalogues of assets/po as built (catalogues target) plus a
# faulty one from tests/fixtures/l10n, read in a clean environment (env -i:
# no LANG, no LANGUAGE, only the C locale), as on boards and in CI.
set(NK_L10N_BAD_DIR ${CMAKE_BINARY_DIR}/tests/l10n-bad)
set(NK_L10N_BAD_MO ${NK_L10N_BAD_DIR}/C.UTF-8/LC_MESSAGES/newskiosk-qq.mo)
add_custom_command(
  OUTPUT ${NK_L10N_BAD_MO}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${NK_L10N_BAD_DIR}/C.UTF-8/LC_MESSAGES
  COMMAND ${NK_MSGFMT} -o ${NK_L10N_BAD_MO} ${NK_TEST_DIR}/fixtures/l10n/qq.po
  DEPENDS ${NK_TEST_DIR}/fixtures/l10n/qq.po
  VERBATIM)
add_custom_target(l10n_bad_catalogue DEPENDS ${NK_L10N_BAD_MO})
add_executable(test_l10n ${NK_TEST_DIR}/unit/test_l10n.c)
target_link_libraries(test_l10n PRIVATE nk_l10n nk_edition)
target_include_directories(test_l10n PRIVATE ${NK_TEST_DIR})
target_compile_definitions(test_l10n PRIVATE NK_LOCALE_DIR="${NK_LOCALE_BUILD_DIR}"
                           NK_L10N_BAD_DIR="${NK_L10N_BAD_DIR}" NK_HYPHEN_DIR="${NK_HYPHEN_DIR}")
add_dependencies(test_l10n catalogues l10n_bad_catalogue)
nk_test_program(NK_TEST_L10N test_l10n)
add_test(NAME unit.l10n COMMAND env -i PATH=/usr/bin:/bin ${NK_TEST_L10N})
set_tests_properties(unit.l10n PROPERTIES TIMEOUT 60)

# Every catalogue compiles with msgfmt's checks and has every msgid of the
# template (msgcmp), none fuzzy or untranslated (msgfmt --statistics).
foreach(po ${NK_PO_FILES})
  get_filename_component(lang ${po} NAME_WE)
  add_test(NAME l10n.catalogue_${lang}
           COMMAND sh -c "msgfmt -c --statistics -o /dev/null \"$0\" 2>&1 | tee /dev/stderr | grep -Eq '^[0-9]+ translated messages\\.$' && msgcmp \"$0\" \"$1\""
                   ${po} ${CMAKE_SOURCE_DIR}/assets/po/newskiosk.pot)
  set_tests_properties(l10n.catalogue_${lang} PROPERTIES TIMEOUT 30)
endforeach()
