LIB_SRCS += fit/parse.c fit/signed_bytes.c fit/verify.c fit/unpack.c
CLI_SRCS += cli/cmd_fit.c
FUZZ_TARGETS += fit

# make bench: time to verify a signed 64 MiB FIT end to end
BENCH_TARGETS += bench-fit
.PHONY: bench-fit
bench-fit: $(B)/embark
	tests/bench/bench-fit.sh $(B)
