CLI_SRCS += cli/main.c
CLI_SRCS += cli/usage.c
CLI_SRCS += cli/cmd_vercmp.c
