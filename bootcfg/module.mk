LIB_SRCS += bootcfg/entry.c bootcfg/bls.c bootcfg/scan.c
CLI_SRCS += cli/cmd_parse.c
UNIT_SRCS += tests/unit/test_bls.c
FUZZ_TARGETS += bls
