# Installation layout of the board files and the Debian package (cpack -G DEB):
# newskiosk_<version>_<arch>.deb with the binaries, the systemd units, the udev
# rule, the USB hand-over script, the default config, the sample edition and a
# postinst that creates the kiosk user and its state folder.
set(NK_BOARD_DIR ${CMAKE_SOURCE_DIR}/board)

# Unit files and udev rules go to Debian 12's /lib (merged /usr makes both work).
install(FILES ${NK_BOARD_DIR}/systemd/newskiosk.service ${NK_BOARD_DIR}/systemd/newskiosk-usb@.service
        DESTINATION /lib/systemd/system)
install(FILES ${NK_BOARD_DIR}/udev/99-newskiosk-usb.rules DESTINATION /lib/udev/rules.d)
install(PROGRAMS ${NK_BOARD_DIR}/usb/usb-handover DESTINATION lib/newskiosk)
# Fleets (docs/fleet.md): installed, not enabled; fleet-setup enables them.
install(FILES ${NK_BOARD_DIR}/syncthing/newskiosk-syncthing.service DESTINATION /lib/systemd/system)
install(PROGRAMS ${NK_BOARD_DIR}/syncthing/fleet-config ${NK_BOARD_DIR}/syncthing/fleet-setup
        DESTINATION lib/newskiosk)
# The default config, documented key by key (a conffile: kept on upgrades).
install(FILES ${CMAKE_SOURCE_DIR}/assets/kiosk.conf DESTINATION /etc/newskiosk)
if(NK_SAMPLE_BUNDLE)
  install(FILES ${NK_SAMPLE_BUNDLE} DESTINATION share/newskiosk)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/docs/board.md ${CMAKE_SOURCE_DIR}/docs/fleet.md
        DESTINATION share/doc/newskiosk OPTIONAL)

# cpack and `make install` pack what is built and do not build everything
# first (the package test runs cpack; build the targets, then pack):
#   cmake --build build/release && cpack -G DEB --config build/release/CPackConfig.cmake
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME newskiosk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "newskiosk maintainers <kiosk@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "offline news kiosk for touchscreen boards")
set(CPACK_PACKAGE_DESCRIPTION
    "Shows edition bundles (Markdown articles and photos) as paginated newspaper pages on a\n"
    "touchscreen, started at boot by systemd on KMS/DRM; takes new editions from USB sticks.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The target's Debian architecture: dpkg-architecture knows the cross triplet.
if(CMAKE_CROSSCOMPILING AND CMAKE_LIBRARY_ARCHITECTURE)
  execute_process(COMMAND dpkg-architecture -t${CMAKE_LIBRARY_ARCHITECTURE} -qDEB_HOST_ARCH
                  OUTPUT_VARIABLE NK_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
else()
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE NK_DEB_ARCH
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT NK_DEB_ARCH AND CMAKE_CROSSCOMPILING) # dpkg-architecture is in dpkg-dev
  if(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "aarch64-linux-gnu")
    set(NK_DEB_ARCH arm64)
  elseif(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "arm-linux-gnueabihf")
    set(NK_DEB_ARCH armhf)
  else()
    message(WARNING "No Debian architecture for ${CMAKE_LIBRARY_ARCHITECTURE}: install dpkg-dev")
  endif()
endif()
if(NK_DEB_ARCH)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${NK_DEB_ARCH})
endif()
# Runtime libraries of the Debian 12 -dev packages the firmware links (not
# SDL2_image: only the tests read PNGs with it), plus the fonts, hyphenation
# patterns and tools the units and the kiosk need; libespeak-ng1 and its voices
# (espeak-ng-data, found by the library at its built-in path) for read-aloud.
string(JOIN ", " CPACK_DEBIAN_PACKAGE_DEPENDS
       "libc6 (>= 2.36)" "libsdl2-2.0-0 (>= 2.26)" "libsdl2-ttf-2.0-0 (>= 2.20)"
       "libarchive13 (>= 3.6)" libyaml-0-2 libmd4c0 libunibreak1
       libhyphen0 hyphen-en-us hyphen-ru libfribidi0 libharfbuzz0b libsodium23 libnettle8
       libunistring2 libjpeg62-turbo libpng16-16 libwebp7 libsystemd0 libwayland-client0
       libgumbo1 libxml2 libjansson4 fonts-noto-core fonts-noto-cjk
       fonts-dejavu-core adduser systemd udev "libespeak-ng1 (>= 1.51)" espeak-ng-data)
configure_file(${NK_BOARD_DIR}/debian/conffiles ${CMAKE_BINARY_DIR}/debian/conffiles COPYONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/conffiles ${NK_BOARD_DIR}/debian/postinst ${NK_BOARD_DIR}/debian/prerm
    ${NK_BOARD_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
