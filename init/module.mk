LIB_SRCS += init/log.c init/early.c init/policy.c init/modules.c init/media.c init/keys.c \
	init/fitboot.c init/pid1.c
UNIT_SRCS += tests/unit/test_policy.c
