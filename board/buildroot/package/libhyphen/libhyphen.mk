################################################################################
#
# libhyphen
#
################################################################################

# The version Debian 12 ships (libhyphen0 2.8.8), which newskiosk is tested
# with; the source as Debian archived it (hash from hyphen_2.8.8-7.dsc).
LIBHYPHEN_VERSION = 2.8.8
LIBHYPHEN_SOURCE = hyphen_$(LIBHYPHEN_VERSION).orig.tar.gz
LIBHYPHEN_SITE = http://deb.debian.org/debian/pool/main/h/hyphen
LIBHYPHEN_LICENSE = GPL-2.0+ or LGPL-2.1+ or MPL-1.1
LIBHYPHEN_LICENSE_FILES = COPYING COPYING.LGPL COPYING.MPL
LIBHYPHEN_INSTALL_STAGING = YES

# The American English patterns are installed as
# /usr/share/hyphen/hyph_en_US.dic (hyphdir), where the kiosk looks for them.

$(eval $(autotools-package))
