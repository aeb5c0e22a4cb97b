################################################################################
#
# newskiosk-fonts
#
################################################################################

NEWSKIOSK_FONTS_VERSION = 20201225-1
NEWSKIOSK_FONTS_SOURCE = fonts-noto-core_$(NEWSKIOSK_FONTS_VERSION)_all.deb
NEWSKIOSK_FONTS_SITE = http://deb.debian.org/debian/pool/main/f/fonts-noto
NEWSKIOSK_FONTS_LICENSE = OFL-1.1
NEWSKIOSK_FONTS_FACES = NotoSerif-Regular NotoSerif-Italic NotoSerif-Bold NotoSerif-BoldItalic \
	NotoSans-Regular NotoSans-Bold

# A .deb is an ar archive holding data.tar.xz (ar: binutils, a Buildroot host
# requirement).
define NEWSKIOSK_FONTS_EXTRACT_CMDS
	cd $(@D) && ar x $(NEWSKIOSK_FONTS_DL_DIR)/$(NEWSKIOSK_FONTS_SOURCE) data.tar.xz
	$(XZCAT) $(@D)/data.tar.xz | $(TAR) -C $(@D) $(TAR_OPTIONS) -
endef
NEWSKIOSK_FONTS_EXTRACT_DEPENDENCIES = $(BR2_XZCAT_HOST_DEPENDENCY)

define NEWSKIOSK_FONTS_INSTALL_TARGET_CMDS
	for f in $(NEWSKIOSK_FONTS_FACES); do \
		$(INSTALL) -D -m 0644 $(@D)/usr/share/fonts/truetype/noto/$$f.ttf \
			$(TARGET_DIR)/usr/share/fonts/truetype/noto/$$f.ttf || exit 1; \
	done
endef

$(eval $(generic-package))
