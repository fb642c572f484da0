LIB_SRCS += loader/kexec_file.c loader/initrd.c
UNIT_SRCS += tests/unit/test_loader.c
