# The part of the board toolchain files that is the same for every target:
# Debian 12 multiarch cross-building and tests under qemu-user. The including
# file sets NK_TRIPLET (aarch64-linux-gnu), NK_DEBARCH (arm64) and NK_QEMU
# (qemu-aarch64-static), and CMAKE_SYSTEM_PROCESSOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${NK_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${NK_TRIPLET})

# Multiarch: the target's libraries, headers and CMake packages live in the
# build machine's tree under per-architecture folders, so the root is / (and the
# cross libc's /usr/<triplet>); CMAKE_LIBRARY_ARCHITECTURE makes find_* look in
# /usr/lib/<triplet> and never in /usr/lib/x86_64-linux-gnu. Programs (python3,
# clang-format) and data (the fonts and hyphenation patterns cmake/Assets.cmake
# finds with NO_CMAKE_FIND_ROOT_PATH) come from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${NK_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Libraries Debian cannot install for two architectures at once (not
# Multi-Arch: same), unpacked here by scripts/cross-test.
get_filename_component(NK_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
set(NK_CROSS_EXTRA ${NK_SOURCE_DIR}/build/cross-extra/${NK_DEBARCH})

# pkg-config reads the target's .pc files only.
unset(ENV{PKG_CONFIG_PATH})
set(PKG_CONFIG_EXECUTABLE pkg-config CACHE FILEPATH "pkg-config, pointed at the target's .pc files")
set(ENV{PKG_CONFIG_LIBDIR}
    ${NK_CROSS_EXTRA}/usr/lib/pkgconfig:/usr/lib/${NK_TRIPLET}/pkgconfig:/usr/share/pkgconfig)

# Tests run under qemu-user, called explicitly (binfmt_misc may be absent); it
# finds the target's libc in /usr/lib/<triplet>. add_test(COMMAND <target>)
# prepends this; tests/CMakeLists.txt wraps the programs that test scripts run
# (nk_test_program) with it too.
if(EXISTS ${NK_CROSS_EXTRA}/usr/lib/${NK_TRIPLET})
  # scripts/cross-test's fallback: the whole target library set, with its
  # dynamic loader, unpacked there (apt could not install it multiarch).
  list(APPEND CMAKE_FIND_ROOT_PATH ${NK_CROSS_EXTRA})
  set(ENV{PKG_CONFIG_LIBDIR} ${NK_CROSS_EXTRA}/usr/lib/${NK_TRIPLET}/pkgconfig:${NK_CROSS_EXTRA}/usr/lib/pkgconfig:${NK_CROSS_EXTRA}/usr/share/pkgconfig)
  set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES ${NK_CROSS_EXTRA}/usr/include/${NK_TRIPLET} ${NK_CROSS_EXTRA}/usr/include)
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT
    " -Wl,-rpath-link,${NK_CROSS_EXTRA}/usr/lib/${NK_TRIPLET} -Wl,-rpath-link,${NK_CROSS_EXTRA}/lib/${NK_TRIPLET}"
    " -Wl,-rpath-link,${NK_CROSS_EXTRA}/usr/lib/${NK_TRIPLET}/pulseaudio")
  set(CMAKE_CROSSCOMPILING_EMULATOR ${NK_QEMU} -L ${NK_CROSS_EXTRA} -E
    LD_LIBRARY_PATH=${NK_CROSS_EXTRA}/usr/lib/${NK_TRIPLET}:${NK_CROSS_EXTRA}/lib/${NK_TRIPLET}:${NK_CROSS_EXTRA}/usr/lib/${NK_TRIPLET}/pulseaudio:${NK_CROSS_EXTRA}/usr/lib)
elseif(EXISTS ${NK_CROSS_EXTRA}/usr/lib)
  list(APPEND CMAKE_FIND_ROOT_PATH ${NK_CROSS_EXTRA})
  set(CMAKE_CROSSCOMPILING_EMULATOR ${NK_QEMU} -E LD_LIBRARY_PATH=${NK_CROSS_EXTRA}/usr/lib)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR ${NK_QEMU})
endif()
