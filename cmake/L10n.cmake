# The chrome's gettext catalogues: assets/po/<lang>.po compiled with msgfmt
# (checked: -c, formats) into share/newskiosk/locale/C.UTF-8/LC_MESSAGES/
# newskiosk-<lang>.mo, one text domain a language (firmware/l10n/l10n.c says
# why), in the build tree as installed: the kiosk finds them beside its
# binary (BIN/../share/newskiosk/locale), in the build tree and in /usr alike.
find_program(NK_MSGFMT msgfmt REQUIRED) # Debian: gettext
set(NK_LOCALE_SUBDIR share/newskiosk/locale)
set(NK_LOCALE_BUILD_DIR ${CMAKE_BINARY_DIR}/${NK_LOCALE_SUBDIR})
file(GLOB NK_PO_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/assets/po/*.po)
set(NK_MO_FILES)
foreach(po ${NK_PO_FILES})
  get_filename_component(lang ${po} NAME_WE)
  set(mo ${NK_LOCALE_BUILD_DIR}/C.UTF-8/LC_MESSAGES/newskiosk-${lang}.mo)
  add_custom_command(
    OUTPUT ${mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${NK_LOCALE_BUILD_DIR}/C.UTF-8/LC_MESSAGES
    COMMAND ${NK_MSGFMT} -c -o ${mo} ${po}
    DEPENDS ${po}
    COMMENT "Compiling the ${lang} catalogue"
    VERBATIM)
  list(APPEND NK_MO_FILES ${mo})
endforeach()
add_custom_target(catalogues ALL DEPENDS ${NK_MO_FILES})
add_dependencies(newskiosk catalogues)
install(FILES ${NK_MO_FILES} DESTINATION ${NK_LOCALE_SUBDIR}/C.UTF-8/LC_MESSAGES)

# Regenerates assets/po/newskiosk.pot from the marked strings of l10n.c
# (`cmake --build build/debug --target update-pot`), then merge it into each
# language with `msgmerge -U assets/po/<lang>.po assets/po/newskiosk.pot`.
find_program(NK_XGETTEXT xgettext)
if(NK_XGETTEXT)
  add_custom_target(
    update-pot
    COMMAND ${NK_XGETTEXT} --from-code=UTF-8 --language=C --keyword=N_ --keyword=NC_:1c,2
            --add-comments=TRANSLATORS: --no-location --sort-output --package-name=newskiosk
            --msgid-bugs-address=kiosk@localhost -o ${CMAKE_SOURCE_DIR}/assets/po/newskiosk.pot
            firmware/l10n/l10n.c
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    VERBATIM)
endif()
