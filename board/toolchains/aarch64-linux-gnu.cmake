# Cross-build for 64-bit Arm boards (Raspberry Pi 3/4/5, Zero 2 W on a 64-bit
# OS) with Debian 12's cross compiler and the multiarch :arm64 -dev packages
# (headers in /usr/include, libraries and .pc files in /usr/lib/aarch64-linux-gnu).
# scripts/cross-test aarch64 installs all of this and runs the tests.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(NK_TRIPLET aarch64-linux-gnu)
set(NK_DEBARCH arm64)
set(NK_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
