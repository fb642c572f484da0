# embark — one non-recursive Makefile. Every module lists its files in <dir>/module.mk:
#   LIB_SRCS     product code (built twice: musl for the binary, host clang for tests/fuzzing)
#   CLI_SRCS     command-line edges (built into the binary only, plus the host test driver)
#   UNIT_SRCS    unit tests (tests/unit/*.c), linked with the host LIB_SRCS objects
#   FUZZ_TARGETS names N with a libFuzzer entry point in tests/fuzz/fuzz_N.c
# Everything is written below build/ (B); nothing is written into the source tree.

BOARD   ?= qemu-x86_64
B       ?= build
MUSL_CC ?= musl-gcc
HOST_CC ?= clang
export B
# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

MUSL_DEPS    := $(B)/deps/musl
HOST_DEPS    := $(B)/deps/host
LIB_SRCS     :=
CLI_SRCS     :=
UNIT_SRCS    :=
FUZZ_TARGETS :=
include board/$(BOARD)/board.mk
include $(sort $(wildcard */module.mk))

SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

WARN   := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2 \
          -Wno-unused-parameter -Werror=implicit-function-declaration
COMMON := -std=gnu11 -D_GNU_SOURCE $(WARN) -I. -I$(B)/gen

DEP_LIBS   := -lmbedtls -lmbedx509 -lmbedcrypto -lfdt -lz
MUSL_CFLAGS := $(COMMON) -I$(MUSL_DEPS)/include -Os -ffunction-sections -fdata-sections \
               -fno-asynchronous-unwind-tables -fstack-protector-strong
MUSL_LDFLAGS := -static -Wl,--gc-sections -s -L$(MUSL_DEPS)/lib
# Host objects serve the unit tests and the fuzzers alike: ASan+UBSan, no recovery, and
# coverage instrumentation for libFuzzer (harmless for the unit tests).
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := $(COMMON) -I$(HOST_DEPS)/include -O1 -g $(SAN) -fsanitize=fuzzer-no-link \
               -DEMBARK_HOST_TEST
HOST_LDFLAGS := $(SAN) -L$(HOST_DEPS)/lib

MUSL_OBJS := $(patsubst %.c,$(B)/musl/%.o,$(LIB_SRCS) $(CLI_SRCS))
HOST_LIB_OBJS := $(patsubst %.c,$(B)/host/%.o,$(LIB_SRCS))
HOST_CLI_OBJS := $(patsubst %.c,$(B)/host/%.o,$(filter-out cli/main.c,$(CLI_SRCS)))
UNIT_OBJS := $(patsubst %.c,$(B)/host/%.o,$(UNIT_SRCS))
FUZZ_BINS := $(patsubst %,$(B)/fuzz/fuzz-%,$(FUZZ_TARGETS))

.PHONY: all deps embark board check check-unit check-fuzz check-e2e check-e2e-firmware check-tools fuzz demo bench clean distclean help
all: embark board

help:
	@echo "make            build build/embark and board $(BOARD) (runs 'deps' when needed)"
	@echo "make deps       install Debian packages, fetch pinned sources, build mbedTLS/libfdt/zlib"
	@echo "make demo       boot board $(BOARD) in QEMU end to end"
	@echo "make firmware   build $(B)/$(BOARD)/firmware.bzImage: LinuxBoot kernel + embark, with a size report"
	@echo "make check      every test (unit, fuzz smoke, QEMU end to end)"
	@echo "make fuzz       longer fuzzing runs (FUZZ_SECONDS=$(FUZZ_SECONDS) a target)"
	@echo "make bench      speed and size figures"

# --- dependencies ------------------------------------------------------------------------
DEPS_INPUTS := tools/deps.sh crypto/mbedtls_config.h
deps:
	tools/deps.sh packages
	$(MAKE) $(MUSL_DEPS)/.stamp $(HOST_DEPS)/.stamp

# A first build on a fresh machine installs the packages too ("make" runs deps when needed).
$(MUSL_DEPS)/.stamp: $(DEPS_INPUTS)
	tools/deps.sh packages
	tools/deps.sh build musl
$(HOST_DEPS)/.stamp: $(DEPS_INPUTS)
	tools/deps.sh packages
	tools/deps.sh build host

# The version string lives in one generated header, rewritten only when it changes, so that
# two builds of one commit are byte-identical and an unchanged tree rebuilds nothing.
$(B)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@v=$$(git describe --always --dirty 2>/dev/null || echo unknown); \
	 printf '#define EMBARK_VERSION "%s"\n' "$$v" > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

# --- the product -------------------------------------------------------------------------
embark: $(B)/embark
$(B)/musl/%.o: %.c $(MUSL_DEPS)/.stamp $(B)/gen/version.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) -MMD -MP -c $< -o $@
$(B)/embark: $(MUSL_OBJS) $(MUSL_DEPS)/.stamp
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(MUSL_CC) $(MUSL_LDFLAGS) -o $@ $(MUSL_OBJS) $(DEP_LIBS)

# --- host build for tests and fuzzing ----------------------------------------------------
$(B)/host/%.o: %.c $(HOST_DEPS)/.stamp $(B)/gen/version.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/host/unit-tests: $(HOST_LIB_OBJS) $(HOST_CLI_OBJS) $(UNIT_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(DEP_LIBS)
$(B)/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(HOST_LIB_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HOST_LDFLAGS) $(DEP_LIBS)

-include $(MUSL_OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(HOST_CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)

# --- tests -------------------------------------------------------------------------------
FUZZ_SECONDS ?= 300
E2E_INPUTS := $(B)/tests/target-initramfs.cpio
check: embark board firmware $(B)/host/unit-tests $(FUZZ_BINS) $(E2E_INPUTS)
	tests/run-check all
check-unit: $(B)/host/unit-tests
	tests/run-check unit
check-fuzz: $(FUZZ_BINS)
	tests/run-check fuzz
check-e2e: embark board $(E2E_INPUTS)
	tests/run-check e2e
check-e2e-firmware: firmware $(E2E_INPUTS)
	tests/run-check e2e-firmware
check-tools: embark board
	tests/run-check tools
fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run-check fuzz-long

demo: embark board $(E2E_INPUTS)
	tools/demo --board $(BOARD)

bench: $(BENCH_TARGETS)

clean:
	rm -rf $(B)/musl $(B)/host $(B)/fuzz $(B)/gen $(B)/embark $(B)/$(BOARD) $(B)/tests
distclean:
	rm -rf $(B)
