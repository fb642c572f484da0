LIB_SRCS += fsprobe/fsprobe.c
UNIT_SRCS += tests/unit/test_fsprobe.c
FUZZ_TARGETS += fsprobe
