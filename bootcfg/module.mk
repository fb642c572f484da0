LIB_SRCS += bootcfg/entry.c bootcfg/bls.c bootcfg/scan.c
LIB_SRCS += bootcfg/vercmp.c bootcfg/bls_order.c
CLI_SRCS += cli/cmd_parse.c
UNIT_SRCS += tests/unit/test_bls.c tests/unit/test_vercmp.c
FUZZ_TARGETS += bls
