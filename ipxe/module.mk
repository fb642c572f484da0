# ipxe — the iPXE script subset network boot runs (ipxe/ipxe.h).
LIB_SRCS += ipxe/ipxe.c
UNIT_SRCS += tests/unit/test_ipxe.c
FUZZ_TARGETS += ipxe
