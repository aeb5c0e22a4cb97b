################################################################################
#
# md4c
#
################################################################################

# The version Debian 12 ships (libmd4c0 0.4.8), which newskiosk is tested
# with; the source as Debian archived it (hash from md4c_0.4.8-1.dsc).
MD4C_VERSION = 0.4.8
MD4C_SOURCE = md4c_$(MD4C_VERSION).orig.tar.gz
MD4C_SITE = http://deb.debian.org/debian/pool/main/m/md4c
MD4C_LICENSE = MIT
MD4C_LICENSE_FILES = LICENSE.md
MD4C_INSTALL_STAGING = YES

$(eval $(cmake-package))
