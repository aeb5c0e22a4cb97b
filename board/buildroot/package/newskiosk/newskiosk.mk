################################################################################
#
# newskiosk
#
################################################################################

# The source tree this external tree lives in (board/buildroot/../..). To
# build a release tarball instead, set NEWSKIOSK_SITE_METHOD = git and a
# NEWSKIOSK_SITE / NEWSKIOSK_VERSION (and add a newskiosk.hash).
NEWSKIOSK_VERSION = local
NEWSKIOSK_SITE = $(realpath $(BR2_EXTERNAL_NEWSKIOSK_PATH)/../..)
NEWSKIOSK_SITE_METHOD = local
NEWSKIOSK_LICENSE = Proprietary
NEWSKIOSK_DEPENDENCIES = \
	host-pkgconf \
	host-gettext \
	host-qemu \
	sdl2 \
	sdl2_ttf \
	sdl2_image \
	libarchive \
	zstd \
	xz \
	zlib \
	libyaml \
	md4c \
	libunibreak \
	libhyphen \
	libfribidi \
	harfbuzz \
	libsodium \
	nettle \
	libunistring \
	jpeg \
	libpng \
	webp \
	libxml2 \
	gumbo-parser \
	jansson \
	newskiosk-fonts

# Build-tree copies (build/, a developer's own build dirs) stay out of the rsync.
NEWSKIOSK_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = --exclude build --exclude .git

# Fonts and hyphenation patterns: the paths on the target (the host's are not
# searched when cross-building); newskiosk-fonts and libhyphen install them there.
NEWSKIOSK_CONF_OPTS = \
	-DNK_WERROR=OFF \
	-DNK_FONT_SERIF=/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf \
	-DNK_FONT_SERIF_ITALIC=/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf \
	-DNK_FONT_SERIF_BOLD=/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf \
	-DNK_FONT_SERIF_BOLD_ITALIC=/usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf \
	-DNK_FONT_SANS=/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
	-DNK_FONT_SANS_BOLD=/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf \
	-DNK_HYPHEN_DIR=/usr/share/hyphen \
	-DCMAKE_CROSSCOMPILING_EMULATOR="$(HOST_DIR)/bin/qemu-$(NEWSKIOSK_QEMU_ARCH);-L;$(STAGING_DIR)"

ifeq ($(BR2_aarch64),y)
NEWSKIOSK_QEMU_ARCH = aarch64
else ifeq ($(BR2_arm),y)
NEWSKIOSK_QEMU_ARCH = arm
else
NEWSKIOSK_QEMU_ARCH = $(ARCH)
endif

ifeq ($(BR2_PACKAGE_SYSTEMD),y)
NEWSKIOSK_DEPENDENCIES += systemd
NEWSKIOSK_CONF_OPTS += -DNK_SYSTEMD=ON
else
NEWSKIOSK_CONF_OPTS += -DNK_SYSTEMD=OFF
endif

# The board files go to absolute paths (cmake/Package.cmake): installed by
# `cmake --install` with DESTDIR=$(TARGET_DIR) like the binaries.
define NEWSKIOSK_INSTALL_INIT_SYSTEMD
	$(INSTALL) -d -m 0755 $(TARGET_DIR)/etc/systemd/system/multi-user.target.wants
	ln -sf ../../../../usr/lib/systemd/system/newskiosk.service \
		$(TARGET_DIR)/etc/systemd/system/multi-user.target.wants/newskiosk.service
endef

define NEWSKIOSK_USERS
	kiosk -1 kiosk -1 * /var/lib/newskiosk /bin/false video,input,render newskiosk kiosk
endef

define NEWSKIOSK_PERMISSIONS
	/var/lib/newskiosk d 755 kiosk kiosk - - - - -
	/var/lib/newskiosk/inbox d 755 kiosk kiosk - - - - -
endef

$(eval $(cmake-package))
