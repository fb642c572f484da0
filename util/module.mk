LIB_SRCS += util/dir.c util/errno_name.c util/io.c util/json.c util/memfd.c util/text.c
UNIT_SRCS += tests/unit/test_util.c
