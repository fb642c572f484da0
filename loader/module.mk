# loader — kexec_file_load, and embark's own kexec_load path: bzImage probe, memory map,
# placement, boot_params, the segment list and its validator, and the purgatory.
LIB_SRCS += loader/kexec_file.c loader/initrd.c loader/select.c loader/bzimage.c \
	loader/memmap.c loader/place.c loader/bootparams.c loader/segments.c loader/validate.c \
	loader/plan_json.c loader/fwinfo.c loader/kexec_load.c loader/purgatory_blob.c
CLI_SRCS += cli/cmd_segments.c
# The purgatory's checker and SHA-256 are plain C: the unit tests run them on the host too.
UNIT_SRCS += tests/unit/test_loader.c tests/unit/test_segments.c \
	tests/unit/test_segments_plan.c loader/purgatory/verify.c loader/purgatory/sha256.c
FUZZ_TARGETS += bzimage segplan

# --- the purgatory -------------------------------------------------------------------------
# Built with the product's compiler, freestanding: no libc, no SSE (kexec enters it with
# CR4.OSFXSR clear), no stack protector (no TLS), no red zone, position independent and
# hidden (every reference RIP-relative, checked below). Linked at 0 to a flat image with
# objcopy, then embedded in embark as a byte array ($(B)/gen/purgatory_image.inc, included by
# loader/purgatory_blob.c). Other architectures get an empty image: the segment path then
# says it has no purgatory for them.
PURG_DIR  := $(B)/gen/purgatory
PURG_OBJS := $(PURG_DIR)/entry.o $(PURG_DIR)/main.o $(PURG_DIR)/verify.o $(PURG_DIR)/sha256.o
PURG_CFLAGS = -std=gnu11 -I. $(WARN) -O2 -ffreestanding -fno-builtin -nostdlib \
	-fno-tree-loop-distribute-patterns -fpie -fvisibility=hidden -mno-red-zone \
	-mgeneral-regs-only -mno-mmx -mno-sse -fno-stack-protector -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-jump-tables -DEMBARK_PURGATORY
OBJCOPY ?= objcopy
READELF ?= readelf
ldr_is_x86_64 = $(filter x86_64-%,$(shell $(1) -dumpmachine 2>/dev/null))

$(PURG_DIR)/%.o: loader/purgatory/%.c loader/purgatory/purgatory.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  PURGCC  $@")
	$(Q)$(MUSL_CC) $(PURG_CFLAGS) -c $< -o $@
$(PURG_DIR)/%.o: loader/purgatory/%.S loader/purgatory/purgatory.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  PURGAS  $@")
	$(Q)$(MUSL_CC) $(PURG_CFLAGS) -c $< -o $@
# An absolute relocation would point into the link address 0, not where the image runs.
$(PURG_DIR)/purgatory.elf: $(PURG_OBJS) loader/purgatory/purgatory.lds
	@$(if $(Q),echo "  PURGLD  $@")
	$(Q)if $(READELF) -rW $(PURG_OBJS) | grep -E 'R_X86_64_(64|32|32S|16|8) '; then \
		echo "purgatory: absolute relocations above: the image must be position independent" >&2; \
		exit 1; fi
	$(Q)$(MUSL_CC) -nostdlib -static -no-pie -Wl,-T,loader/purgatory/purgatory.lds \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -o $@ $(PURG_OBJS)
$(PURG_DIR)/purgatory.bin: $(PURG_DIR)/purgatory.elf
	$(Q)$(OBJCOPY) -O binary -j .image $< $@

ifneq ($(call ldr_is_x86_64,$(MUSL_CC)),)
$(B)/gen/purgatory_image.inc: $(PURG_DIR)/purgatory.bin
	@mkdir -p $(@D)
	$(Q)od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' > $@.tmp && mv $@.tmp $@
else
$(B)/gen/purgatory_image.inc:
	@mkdir -p $(@D)
	$(Q): > $@
endif
$(B)/musl/loader/purgatory_blob.o $(B)/host/loader/purgatory_blob.o: $(B)/gen/purgatory_image.inc
