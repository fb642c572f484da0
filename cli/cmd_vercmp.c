/* embark vercmp A B | embark vercmp A OP B
 * What `systemd-analyze compare-versions` (systemd 252) prints and exits with, checked against
 * it by tests/tools/test_vercmp.py:
 * - A B: prints "A < B", "A == B" or "A > B" (an empty version shown as ''); exits 12 when A
 *   is older, 11 when newer, 0 when equal (the convention of rpmdev-vercmp).
 * - A OP B, OP one of lt le eq ne ge gt < <= == != >= > (also = for ==, <> for !=): prints
 *   nothing; exits 0 when true, 1 when false. Another OP: `Unknown operator "X".` on stderr,
 *   X being what follows the first known operator OP starts with (all of OP if none), exit 1.
 * Arguments are versions, taken literally; one "--" is dropped, so a script that needed it for
 * systemd-analyze (before a version starting with '-') works unchanged. A wrong number of
 * arguments is a usage error: exit 2 (systemd-analyze exits 1). */
#include "bootcfg/bootcfg.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#define USAGE "usage: embark vercmp VERSION1 [OP] VERSION2 (OP: lt le eq ne ge gt < <= == != >= >)"

enum vercmp_op { OP_LT, OP_LE, OP_EQ, OP_NE, OP_GE, OP_GT };

/* systemd's operator table, in its order: the first whose text starts OP wins. */
static const struct {
	const char *text;
	enum vercmp_op op;
} operators[] = {
	{ "<>", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "<", OP_LT },  { ">", OP_GT },
	{ "==", OP_EQ }, { "=", OP_EQ },  { "!=", OP_NE }, { "lt", OP_LT }, { "le", OP_LE },
	{ "eq", OP_EQ }, { "ne", OP_NE }, { "ge", OP_GE }, { "gt", OP_GT },
};

static int holds(enum vercmp_op op, int r)
{
	switch (op) {
	case OP_LT:
		return r < 0;
	case OP_LE:
		return r <= 0;
	case OP_EQ:
		return r == 0;
	case OP_NE:
		return r != 0;
	case OP_GE:
		return r >= 0;
	case OP_GT:
		return r > 0;
	}
	return 0;
}

static const char *shown(const char *v)
{
	return v[0] ? v : "''";
}

int cmd_vercmp(int argc, char **argv)
{
	const char *args[3];
	int n = 0, dropped_dashes = 0, r;

	for (int i = 1; i < argc; i++) {
		if (!dropped_dashes && strcmp(argv[i], "--") == 0) {
			dropped_dashes = 1;
			continue;
		}
		if (n == 3)
			return cli_usage("vercmp", "too many arguments; " USAGE);
		args[n++] = argv[i];
	}
	if (n < 2)
		return cli_usage("vercmp", "too few arguments; " USAGE);
	if (n == 2) {
		r = bootcfg_vercmp(args[0], args[1]);
		printf("%s %s %s\n", shown(args[0]), r < 0 ? "<" : r > 0 ? ">" : "==", shown(args[1]));
		return r < 0 ? 12 : r > 0 ? 11 : 0;
	}
	for (size_t k = 0; k < sizeof(operators) / sizeof(operators[0]); k++) {
		size_t len = strlen(operators[k].text);
		const char *rest = args[1] + len;

		if (strncmp(args[1], operators[k].text, len) != 0)
			continue;
		if (*rest) {
			fprintf(stderr, "Unknown operator \"%s\".\n", rest);
			return 1;
		}
		return holds(operators[k].op, bootcfg_vercmp(args[0], args[2])) ? 0 : 1;
	}
	fprintf(stderr, "Unknown operator \"%s\".\n", args[1]);
	return 1;
}
