# Cross-build for 64-bit Arm boards (Raspberry Pi 3/4/5, Zero 2 W on a 64-bit
# OS) with Debian 12's cross compiler and the multiarch :arm64 -dev packages
# (headers in /usr/include, libraries and .pc files in /usr/lib/aarch64-linux-gnu).
# Tests run under qemu-user, called explicitly (binfmt_misc may be absent); it
# finds the arm64 libraries itself once libc6:arm64 is installed.
# scripts/cross-test aarch64 installs all of this and runs the tests.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(NK_TRIPLET aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${NK_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${NK_TRIPLET})

# Multiarch: the target's libraries, headers and CMake packages live in the
# build machine's tree under per-architecture folders, so the root is / (and the
# cross libc's /usr/aarch64-linux-gnu); CMAKE_LIBRARY_ARCHITECTURE makes find_*
# look in /usr/lib/aarch64-linux-gnu and never in /usr/lib/x86_64-linux-gnu.
# Programs (python3, clang-format) and data (the fonts and hyphenation patterns
# cmake/Assets.cmake finds with NO_CMAKE_FIND_ROOT_PATH) come from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${NK_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads the target's .pc files only (Debian's <triplet>-pkg-config
# wrapper does the same when present).
unset(ENV{PKG_CONFIG_PATH})

# add_test(COMMAND <target>) prepends this; tests/CMakeLists.txt wraps the
# programs that test scripts run (nk_test_program) with it too.

# Libraries Debian cannot install for two architectures at once (not
# Multi-Arch: same), unpacked here by scripts/cross-test.
get_filename_component(NK_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
set(NK_CROSS_EXTRA ${NK_SOURCE_DIR}/build/cross-extra/arm64)

# pkg-config reads the target's .pc files only.
set(PKG_CONFIG_EXECUTABLE pkg-config CACHE FILEPATH "pkg-config, pointed at the target's .pc files")
set(ENV{PKG_CONFIG_LIBDIR}
    ${NK_CROSS_EXTRA}/usr/lib/pkgconfig:/usr/lib/${NK_TRIPLET}/pkgconfig:/usr/share/pkgconfig)

# Tests run under qemu-user, called explicitly (binfmt_misc may be absent);
# it finds the target's libc in /usr/lib/${NK_TRIPLET}.
if(EXISTS ${NK_CROSS_EXTRA}/usr/lib)
  list(APPEND CMAKE_FIND_ROOT_PATH ${NK_CROSS_EXTRA})
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -E LD_LIBRARY_PATH=${NK_CROSS_EXTRA}/usr/lib)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
endif()
