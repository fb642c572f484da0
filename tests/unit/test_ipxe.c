/* The iPXE script subset (ipxe/ipxe.h). */
#include "ipxe/ipxe.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct ipxe_state st;
static unsigned n_warn;
static char last_warn[256];

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	n_warn++;
	snprintf(last_warn, sizeof(last_warn), "%s", msg);
}

static int run(const char *script, const char *choice)
{
	ipxe_state_init(&st);
	ipxe_set(&st, "net0/ip", "10.99.0.57");
	ipxe_set(&st, "mac", "52:54:00:99:00:05");
	ipxe_set(&st, "next-server", "10.99.0.1");
	snprintf(st.choice, sizeof(st.choice), "%s", choice ? choice : "");
	n_warn = 0;
	last_warn[0] = '\0';
	return ipxe_run(script, strlen(script), &st, on_warn, NULL);
}

UT_TEST(ipxe_kernel_initrd_boot_with_variables)
{
	UT_EQ_INT(run("#!ipxe\r\ndhcp\r\nset base http://${next-server}:8080\r\n"
		      "kernel --name k ${base}/vmlinuz ip=${net0/ip:ipv4} \"a b\"\r\n"
		      "initrd ${base}/one.cpio\r\nmodule ${base}/two.cpio\r\nboot\r\n", NULL),
		  IPXE_BOOT);
	UT_EQ_STR(st.kernel, "http://10.99.0.1:8080/vmlinuz");
	UT_EQ_STR(st.args, "ip=10.99.0.57 a b");
	UT_EQ_INT(st.n_initrds, 2);
	UT_EQ_STR(st.initrds[1], "http://10.99.0.1:8080/two.cpio");
	UT_EQ_INT(n_warn, 0);
}

UT_TEST(ipxe_imgargs_replaces_args_and_boot_needs_a_kernel)
{
	UT_EQ_INT(run("#!ipxe\nkernel vmlinuz a=1\nimgargs vmlinuz b=2 ${mac}\nboot\n", NULL),
		  IPXE_BOOT);
	UT_EQ_STR(st.args, "b=2 52:54:00:99:00:05");
	UT_EQ_INT(run("#!ipxe\nboot\n", NULL), IPXE_END);
	UT_EQ_INT(n_warn, 1);
	UT_CHECK(strstr(last_warn, "line 2: boot: no kernel") != NULL);
}

static const char menu_script[] =
	"#!ipxe\n"
	"menu Pick one\n"
	"item --gap Systems\n"
	"item --key d debian Debian stable\n"
	"item rescue\n"
	"choose --default rescue --timeout 3000 target || goto cancel\n"
	"goto ${target}\n"
	":debian\n"
	"kernel http://s/deb/vmlinuz quiet\n"
	"boot\n"
	":rescue\n"
	"chain http://s/rescue.ipxe\n"
	":cancel\n"
	"exit\n";

UT_TEST(ipxe_menu_items_and_default)
{
	UT_EQ_INT(run(menu_script, NULL), IPXE_CHOOSE);
	UT_EQ_STR(st.menu_title, "Pick one");
	UT_EQ_INT(st.n_items, 2);
	UT_EQ_STR(st.items[0].label, "debian");
	UT_EQ_STR(st.items[0].text, "Debian stable");
	UT_EQ_STR(st.items[1].text, "rescue");
	UT_EQ_INT(st.default_item, 1);
}

UT_TEST(ipxe_choose_with_a_choice_goes_on)
{
	UT_EQ_INT(run(menu_script, "debian"), IPXE_BOOT);
	UT_EQ_STR(st.kernel, "http://s/deb/vmlinuz");
	UT_EQ_STR(ipxe_get(&st, "target"), "debian");
	UT_EQ_INT(run(menu_script, "rescue"), IPXE_CHAIN);
	UT_EQ_STR(st.url, "http://s/rescue.ipxe");
}

UT_TEST(ipxe_isset_or_and)
{
	UT_EQ_INT(run("#!ipxe\nisset ${nothing} || goto none\nkernel wrong\nboot\n"
		      ":none\nisset ${mac} && kernel right\nboot\n", NULL),
		  IPXE_BOOT);
	UT_EQ_STR(st.kernel, "right");
	UT_EQ_INT(run("#!ipxe\nisset ${mac} || kernel wrong\niseq ${mac} x && kernel wrong2\n"
		      "kernel ok\nboot\n", NULL),
		  IPXE_BOOT);
	UT_EQ_STR(st.kernel, "ok");
}

UT_TEST(ipxe_unknown_commands_warn_and_fail)
{
	UT_EQ_INT(run("#!ipxe\nsanboot iscsi:x || kernel fallback\nboot\n", NULL), IPXE_BOOT);
	UT_EQ_STR(st.kernel, "fallback");
	UT_EQ_INT(n_warn, 1);
	UT_CHECK(strstr(last_warn, "line 2: 'sanboot' is not supported") != NULL);
}

UT_TEST(ipxe_goto_loops_are_bounded)
{
	UT_EQ_INT(run("#!ipxe\n:top\ngoto top\n", NULL), -ELOOP);
	UT_EQ_INT(run("#!ipxe\ngoto nowhere\nexit\nkernel x\nboot\n", NULL), IPXE_END);
	UT_CHECK(strstr(last_warn, "line 2: goto nowhere: no such label") != NULL);
}

UT_TEST(ipxe_rejects_non_scripts_and_long_lines)
{
	static char big[IPXE_VALUE_MAX * 12];
	static const char long_line[] = "#!ipxe\nkernel ${v}${v}${v}${v}${v}${v}${v}${v}${v}${v}\n"
					"boot\n";

	UT_EQ_INT(run("#!/bin/sh\nkernel x\n", NULL), -EINVAL);
	UT_EQ_INT(run("", NULL), -EINVAL);
	UT_CHECK(ipxe_is_script("#!ipxe", 6));
	UT_CHECK(!ipxe_is_script("#!ipxeX\n", 8));
	/* A value expanded ten times overflows the line: skipped with a warning. */
	memset(big, 'v', IPXE_VALUE_MAX - 1);
	ipxe_state_init(&st);
	UT_EQ_INT(ipxe_set(&st, "v", big), 0);
	n_warn = 0;
	UT_EQ_INT(ipxe_run(long_line, strlen(long_line), &st, on_warn, NULL), IPXE_END);
	UT_EQ_INT(n_warn, 2); /* the kernel line, then boot without a kernel */
	UT_EQ_STR(st.kernel, "");
	big[IPXE_VALUE_MAX - 1] = 'v';
	UT_EQ_INT(ipxe_set(&st, "w", big), -ENAMETOOLONG);
}

UT_TEST(ipxe_script_reads_no_further_than_len)
{
	/* LEN cuts "boot" off: the run ends without booting. */
	const char s[] = "#!ipxe\nkernel k\nboot\n";

	ipxe_state_init(&st);
	UT_EQ_INT(ipxe_run(s, 16, &st, NULL, NULL), IPXE_END);
	UT_EQ_STR(st.kernel, "k");
}
