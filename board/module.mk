# Generic rules for building a board's firmware kernel and initramfs; board/<name>/board.mk
# says what the board needs.
BOARD_DIR   := board/$(BOARD)
BOARD_OUT   := $(B)/$(BOARD)
BOARD_FILES := $(wildcard $(BOARD_DIR)/*)

board: $(BOARD_OUT)/vmlinuz $(BOARD_OUT)/initramfs.cpio.xz

$(B)/kernel/version: tools/deps.sh
	tools/deps.sh kernel $(B)/kernel

$(BOARD_OUT)/vmlinuz: $(B)/kernel/version
	@mkdir -p $(@D)
	cp $(B)/kernel/vmlinuz $@

$(BOARD_OUT)/initramfs.cpio.xz: $(B)/embark $(B)/kernel/version $(BOARD_FILES) tools/board-initramfs
	tools/board-initramfs --board $(BOARD) --embark $(B)/embark --kernel-dir $(B)/kernel --out $(BOARD_OUT)
