UNIT_SRCS += tests/unit/harness.c

# The target the end-to-end tests and the demo kexec into: a static program as /init.
$(B)/tests/target-init: tests/e2e/target-init.c $(MUSL_DEPS)/.stamp
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) -static -Os -s -o $@ $<
$(B)/tests/target-initramfs.cpio: $(B)/tests/target-init $(B)/embark
	printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nfile /init %s 0755 0 0\n' $< > $@.spec
	$(B)/embark mkinitramfs $@.spec $@
