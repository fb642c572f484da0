/* bootcfg_vercmp against results taken from `systemd-analyze compare-versions` (systemd 252);
 * tests/tools/test_vercmp.py compares the two programs directly on a larger table. */
#include "bootcfg/bootcfg.h"
#include "tests/unit/harness.h"

#include <string.h>

static const struct {
	const char *a, *b;
	int want;
} pairs[] = {
	{ "1", "2", -1 },
	{ "1", "1", 0 },
	{ "", "", 0 },
	{ "", "0", -1 },
	{ "", "a", -1 },
	{ "~", "", -1 },
	{ "1.0", "1", 1 },
	{ "1.2", "1.10", -1 },
	{ "1.02", "1.2", 0 },
	{ "001", "1", 0 },
	{ "00", "0", 0 },
	{ "99999999999999999999", "100000000000000000000", -1 },
	{ "1~rc1", "1", -1 },
	{ "1~rc1", "1~rc2", -1 },
	{ "1~rc1", "1-1", -1 },
	{ "1.0~beta", "1.0~alpha", 1 },
	{ "1~~", "1~", 1 },
	{ "1-rc1", "1", 1 },
	{ "6.6.0-rc1", "6.6.0", 1 },
	{ "6.6.0~rc1", "6.6.0", -1 },
	{ "1-1", "1.1", -1 },
	{ "1-1", "1^1", -1 },
	{ "1^post1", "1", 1 },
	{ "1^post1", "1.1", -1 },
	{ "1^post1", "1-1", 1 },
	{ "1^", "1", 1 },
	{ "1.a", "1.1", -1 },
	{ "1a", "1.1", 1 },
	{ "1a", "1.a", 1 },
	{ "abc", "abcd", -1 },
	{ "ABC", "abc", -1 },
	{ "a1", "1a", -1 },
	{ "a", "1", -1 },
	{ "1_a", "1a", 0 },
	{ "1..2", "1.2", -1 },
	{ "1.-2", "1-2", 1 },
	{ "1-_a", "1-a", -1 },
	{ "123~rc1-1", "122.1", 1 },
	{ "123-a.1", "123-a", 1 },
	{ "123.a-1", "123^post1", 1 },
	{ "124-1", "123a-1", 1 },
	{ "6.5.6-300.fc39.x86_64", "6.5.12-300.fc39.x86_64", -1 },
	{ "6.1.0-13-amd64", "6.1.0-9-amd64", 1 },
	{ "5.14.0-362.8.1.el9_3.x86_64", "5.14.0-284.11.1.el9_2.x86_64", 1 },
	{ "a.conf", "a-1.conf", 1 },
	{ "2:1.0", "1:2.0", 1 },
};

UT_TEST(vercmp_matches_systemd_table)
{
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		int got = bootcfg_vercmp(pairs[i].a, pairs[i].b);

		if (got != pairs[i].want)
			ut_fail(__FILE__, __LINE__, "vercmp(\"%s\", \"%s\") == %d, expected %d",
				pairs[i].a, pairs[i].b, got, pairs[i].want);
		/* The order is antisymmetric, and the boot variant agrees on ASCII. */
		UT_EQ_INT(bootcfg_vercmp(pairs[i].b, pairs[i].a), -pairs[i].want);
		UT_EQ_INT(bootcfg_vercmp_boot(pairs[i].a, pairs[i].b), pairs[i].want);
	}
}

UT_TEST(vercmp_results_are_minus_one_zero_one_and_null_is_empty)
{
	UT_EQ_INT(bootcfg_vercmp("12345", "1"), 1);
	UT_EQ_INT(bootcfg_vercmp("a", "zzzz"), -1);
	UT_EQ_INT(bootcfg_vercmp(NULL, ""), 0);
	UT_EQ_INT(bootcfg_vercmp(NULL, "1"), -1);
	UT_EQ_INT(bootcfg_vercmp("~", NULL), -1);
}

UT_TEST(vercmp_high_bytes_after_tilde_differ_between_analyze_and_boot)
{
	/* systemd-analyze (signed char on x86): "~\xc3\xa9" is older than "~"; systemd-boot
	 * (UTF-16, unsigned): newer. Elsewhere such bytes are ignored like any separator. */
	UT_EQ_INT(bootcfg_vercmp("~", "~\xc3\xa9"), 1);
	UT_EQ_INT(bootcfg_vercmp_boot("~", "~\xc3\xa9"), -1);
	UT_EQ_INT(bootcfg_vercmp("1\xc3\xa9", "1"), 0);
	UT_EQ_INT(bootcfg_vercmp_boot("1\xc3\xa9", "1"), 0);
}

UT_TEST(vercmp_sorts_systemd_documented_sequence)
{
	/* The order systemd's own documentation lists, oldest first. */
	static const char *const seq[] = { "122.1",   "123~rc1-1", "123",     "123-a",
					   "123-a.1", "123-1",     "123-1.1", "123^post1",
					   "123.a-1", "123.1-1",   "123a-1",  "124-1" };

	for (size_t i = 0; i + 1 < sizeof(seq) / sizeof(seq[0]); i++)
		for (size_t k = i + 1; k < sizeof(seq) / sizeof(seq[0]); k++)
			if (bootcfg_vercmp(seq[i], seq[k]) != -1)
				ut_fail(__FILE__, __LINE__, "\"%s\" not older than \"%s\"", seq[i],
					seq[k]);
}
