#include "init/internal.h"
#include "tests/unit/harness.h"

#include <string.h>

UT_TEST(policy_parse_valid_file)
{
	struct policy p;
	char err[160] = "";
	const char *f = "# comment\n  device_timeout = 3 \r\n\nsettle_ms=0\n";

	policy_defaults(&p);
	UT_EQ_INT(policy_parse(f, strlen(f), &p, err, sizeof(err)), 0);
	UT_EQ_INT(p.device_timeout_ms, 3000);
	UT_EQ_INT(p.settle_ms, 0);
}

UT_TEST(policy_parse_rejects_with_line_and_rule)
{
	struct policy p;
	char err[160];

	policy_defaults(&p);
	UT_EQ_INT(policy_parse("device_timeout = 3\nbogus = 1\n", 29, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "line 2") && strstr(err, "unknown key"));
	UT_EQ_INT(policy_parse("device_timeout = -1\n", 20, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "line 1") && strstr(err, "whole seconds"));
	UT_EQ_INT(policy_parse("device_timeout = 99999\n", 23, &p, err, sizeof(err)), -22);
	UT_EQ_INT(policy_parse("device_timeout\n", 15, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "key = value") != NULL);
}

UT_TEST(policy_cmdline_overrides)
{
	struct policy p;

	policy_defaults(&p);
	UT_EQ_INT(policy_apply_cmdline(&p, "console=ttyS0 embark.device_timeout=2 quiet "
					   "embark.settle_ms=x embark.nokey=1\n"),
		  1);
	UT_EQ_INT(p.device_timeout_ms, 2000);
	UT_EQ_INT(p.settle_ms, 500);
}
