LIB_SRCS += fit/parse.c fit/signed_bytes.c fit/verify.c fit/unpack.c
CLI_SRCS += cli/cmd_fit.c
FUZZ_TARGETS += fit
