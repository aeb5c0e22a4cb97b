include $(sort $(wildcard $(BR2_EXTERNAL_NEWSKIOSK_PATH)/package/*/*.mk))
