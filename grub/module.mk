LIB_SRCS += grub/lex.c grub/parse.c grub/expand.c grub/env.c grub/test.c grub/exec.c \
            grub/cmds.c grub/menu.c grub/blscfg.c grub/common.c grub/scan.c
UNIT_SRCS += tests/unit/test_grub.c
FUZZ_TARGETS += grub
