# Cross-build for 32-bit Arm boards (32-bit Raspberry Pi OS, Debian armhf:
# ARMv7-A, hard float) with Debian 12's cross compiler and the multiarch :armhf
# -dev packages. Tests run under qemu-user, called explicitly.
# scripts/cross-test armhf installs all of this and runs the tests.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(NK_TRIPLET arm-linux-gnueabihf)

set(CMAKE_C_COMPILER ${NK_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${NK_TRIPLET})

# 64-bit file offsets (off_t, struct stat), as libarchive and glibc's own
# large-file interfaces use them: files over 2 GiB are read correctly.
# NOT -D_TIME_BITS=64: Debian 12's armhf libraries are built with a 32-bit
# time_t, and some pass it through their ABI (libarchive's archive_entry_mtime,
# archive_entry_stat); mixing the two would corrupt those calls. The firmware
# keeps dates in int64_t itself and hands time_t only to libc; the 2038 limit is
# that of the Debian 12 armhf system as a whole (Debian 13 moves it to 64 bits).
set(CMAKE_C_FLAGS_INIT "-D_FILE_OFFSET_BITS=64")

set(CMAKE_FIND_ROOT_PATH /usr/${NK_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

unset(ENV{PKG_CONFIG_PATH})


# Libraries Debian cannot install for two architectures at once (not
# Multi-Arch: same), unpacked here by scripts/cross-test.
get_filename_component(NK_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
set(NK_CROSS_EXTRA ${NK_SOURCE_DIR}/build/cross-extra/armhf)

# pkg-config reads the target's .pc files only.
set(PKG_CONFIG_EXECUTABLE pkg-config CACHE FILEPATH "pkg-config, pointed at the target's .pc files")
set(ENV{PKG_CONFIG_LIBDIR}
    ${NK_CROSS_EXTRA}/usr/lib/pkgconfig:/usr/lib/${NK_TRIPLET}/pkgconfig:/usr/share/pkgconfig)

# Tests run under qemu-user, called explicitly (binfmt_misc may be absent);
# it finds the target's libc in /usr/lib/${NK_TRIPLET}.
if(EXISTS ${NK_CROSS_EXTRA}/usr/lib)
  list(APPEND CMAKE_FIND_ROOT_PATH ${NK_CROSS_EXTRA})
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static -E LD_LIBRARY_PATH=${NK_CROSS_EXTRA}/usr/lib)
else()
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static)
endif()
