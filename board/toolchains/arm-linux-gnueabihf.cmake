# Cross-build for 32-bit Arm boards (32-bit Raspberry Pi OS, Debian armhf:
# ARMv7-A, hard float) with Debian 12's cross compiler and the multiarch :armhf
# -dev packages. scripts/cross-test armhf installs all of this and runs the tests.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(NK_TRIPLET arm-linux-gnueabihf)
set(NK_DEBARCH armhf)
set(NK_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)

# 64-bit file offsets (off_t, struct stat), as libarchive and glibc's own
# large-file interfaces use them: files over 2 GiB are read correctly.
# NOT -D_TIME_BITS=64: Debian 12's armhf libraries are built with a 32-bit
# time_t, and some pass it through their ABI (libarchive's archive_entry_mtime,
# archive_entry_stat); mixing the two would corrupt those calls. The firmware
# keeps dates in int64_t itself and hands time_t only to libc; the 2038 limit is
# that of the Debian 12 armhf system as a whole (Debian 13 moves it to 64 bits).
set(CMAKE_C_FLAGS_INIT "-D_FILE_OFFSET_BITS=64")
