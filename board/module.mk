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

# --- make firmware: the board's LinuxBoot image ---------------------------------------------
# A kernel built from Debian's linux-source package with board/<name>/kernel.config and
# embark's initramfs (no modules) built in: $(B)/<board>/firmware.bzImage, plus a size report
# (firmware.bzImage.size). The kernel tree lives in $(B)/firmware-kernel/ and builds
# incrementally: a new embark re-links the initramfs only. See tools/build-firmware.
FIRMWARE_OUT  := $(BOARD_OUT)/firmware
FIRMWARE_IMG  := $(BOARD_OUT)/firmware.bzImage
FIRMWARE_SRC_TARBALL := $(wildcard /usr/src/$(BOARD_FIRMWARE_SOURCE).tar.xz)
.PHONY: firmware
firmware: $(FIRMWARE_IMG)
	@cat $(FIRMWARE_IMG).size

FIRMWARE_INITRAMFS_INPUTS := $(wildcard $(BOARD_DIR)/policy $(BOARD_DIR)/keys/*)
$(FIRMWARE_OUT)/initramfs.cpio: $(B)/embark $(FIRMWARE_INITRAMFS_INPUTS) tools/board-initramfs
	tools/board-initramfs --board $(BOARD) --embark $(B)/embark --no-modules --out $(FIRMWARE_OUT)

$(FIRMWARE_IMG): $(FIRMWARE_OUT)/initramfs.cpio $(BOARD_DIR)/kernel.config tools/build-firmware \
		$(wildcard $(BOARD_DIR)/cmdline) $(FIRMWARE_SRC_TARBALL)
	@test -n "$(BOARD_FIRMWARE_SOURCE)" || { echo "board $(BOARD): board/$(BOARD)/board.mk sets no BOARD_FIRMWARE_SOURCE: this board has no firmware image" >&2; exit 1; }
	tools/build-firmware --board $(BOARD) --initramfs $< --out $@ \
		--source $(BOARD_FIRMWARE_SOURCE) --arch $(BOARD_FIRMWARE_ARCH) \
		--budget-kib $(BOARD_FIRMWARE_BUDGET_KIB)

# --- make bench: bench-boot ----------------------------------------------------------------
# Boot time of the firmware image from its printk timestamps: kernel start -> /init -> kexec,
# with embark as /init and with a busybox script + kexec-tools for comparison.
BENCH_TARGETS += bench-boot
.PHONY: bench-boot
bench-boot: $(FIRMWARE_IMG) $(B)/embark $(B)/kernel/version $(B)/tests/target-initramfs.cpio
	tests/bench/bench_boot.py $(B) $(BOARD)
