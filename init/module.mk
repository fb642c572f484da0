LIB_SRCS += init/log.c init/early.c init/policy.c init/modules.c init/devices.c init/media.c init/keys.c \
	init/fitboot.c init/menu.c init/pid1.c init/netboot.c init/netboot_ipxe.c
UNIT_SRCS += tests/unit/test_policy.c tests/unit/test_menu.c
# The recovery shell (init/shell.h lists what each file does).
LIB_SRCS += init/shell.c init/line_tty.c init/shell_words.c init/shell_cmds.c \
	init/shell_sys.c init/shell_boot.c
UNIT_SRCS += tests/unit/test_shell.c
# make bench: peak memory of a 64 MiB network download (tests/bench/bench-netboot.sh)
BENCH_TARGETS += bench-netboot
.PHONY: bench-netboot
bench-netboot: $(B)/embark
	tests/bench/bench-netboot.sh $(B)
