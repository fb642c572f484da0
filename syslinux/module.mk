LIB_SRCS += syslinux/text.c syslinux/path.c syslinux/label.c syslinux/parse.c \
            syslinux/scan.c syslinux/pxe.c
UNIT_SRCS += tests/unit/test_syslinux.c
FUZZ_TARGETS += syslinux
