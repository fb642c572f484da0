# initramfs — reproducible newc cpio writer (gen_init_cpio list format) and bounds-checked reader
LIB_SRCS += initramfs/spec.c
LIB_SRCS += initramfs/spec_order.c
LIB_SRCS += initramfs/cpio_write.c
LIB_SRCS += initramfs/cpio_read.c
LIB_SRCS += initramfs/cpio_info.c
CLI_SRCS += cli/cmd_mkinitramfs.c
UNIT_SRCS += tests/unit/test_initramfs.c
FUZZ_TARGETS += cpio cpio_spec
