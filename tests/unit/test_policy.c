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

UT_TEST(policy_menu_shell_and_fallback_keys)
{
	struct policy p;
	char err[160] = "";
	const char *f = "timeout = -1\ndefault = Debian*\nallow_edit = no\nallow_writes = yes\n"
			"shell = password\nshell_password_sha256 = "
			"2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b\n"
			"fallback = menu\n";

	policy_defaults(&p);
	UT_EQ_INT(p.timeout_s, POLICY_TIMEOUT_CONFIG);
	UT_CHECK(p.allow_edit && !p.allow_writes && p.shell == SHELL_ON);
	UT_EQ_INT(policy_parse(f, strlen(f), &p, err, sizeof(err)), 0);
	UT_EQ_INT(p.timeout_s, -1);
	UT_EQ_STR(p.default_entry, "Debian*");
	UT_CHECK(!p.allow_edit && p.allow_writes);
	UT_EQ_INT(p.shell, SHELL_PASSWORD);
	UT_EQ_INT(strlen(p.shell_password_sha256), 64);
	UT_EQ_INT(p.fallback, FALLBACK_MENU);
	UT_EQ_INT(policy_parse("timeout = config\n", 17, &p, err, sizeof(err)), 0);
	UT_EQ_INT(p.timeout_s, POLICY_TIMEOUT_CONFIG);
	UT_EQ_INT(policy_parse("timeout = 3601\n", 15, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "line 1") && strstr(err, "timeout takes seconds"));
	UT_EQ_INT(policy_parse("shell = maybe\n", 14, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "shell takes yes, no or password") != NULL);
	UT_EQ_INT(policy_parse("shell_password_sha256 = ABC\n", 28, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "64 lowercase hex digits") != NULL);
	UT_EQ_INT(policy_parse("fallback = retry\n", 17, &p, err, sizeof(err)), -22);
	UT_EQ_INT(policy_parse("allow_edit = maybe\n", 19, &p, err, sizeof(err)), -22);
}

UT_TEST(policy_cmdline_cannot_weaken_signatures_or_a_locked_file)
{
	struct policy p;
	char err[160] = "";

	policy_defaults(&p);
	UT_EQ_INT(policy_parse("require_signatures = yes\n", 25, &p, err, sizeof(err)), 0);
	policy_apply_cmdline(&p, "quiet embark.require_signatures=no embark.timeout=7");
	UT_CHECK(p.require_signatures);
	UT_EQ_INT(p.timeout_s, 7);
	policy_defaults(&p);
	UT_EQ_INT(policy_parse("locked = yes\n", 13, &p, err, sizeof(err)), 0);
	UT_EQ_INT(policy_apply_cmdline(&p, "embark.timeout=7 embark.shell=no"), 0);
	UT_EQ_INT(p.timeout_s, POLICY_TIMEOUT_CONFIG);
	UT_EQ_INT(p.shell, SHELL_ON);
	policy_defaults(&p);
	UT_EQ_INT(policy_apply_cmdline(&p, "embark.require_signatures=yes embark.fallback=menu"), 2);
	UT_CHECK(p.require_signatures);
	UT_EQ_INT(p.fallback, FALLBACK_MENU);
}

UT_TEST(policy_keyring_and_sources)
{
	struct policy p;
	char err[160] = "";
	const char *f = "keyring = /etc/embark/fleet-keys\nsources = fit,bls\n";

	policy_defaults(&p);
	UT_EQ_STR(p.keyring_dir, "/etc/embark/keys");
	UT_EQ_STR(p.sources, "bls,grub,syslinux,fit");
	UT_EQ_INT(policy_parse(f, strlen(f), &p, err, sizeof(err)), 0);
	UT_EQ_STR(p.keyring_dir, "/etc/embark/fleet-keys");
	UT_EQ_STR(p.sources, "fit,bls");
	UT_EQ_INT(policy_parse("keyring = keys\n", 15, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "absolute directory") != NULL);
	UT_EQ_INT(policy_parse("sources = bls,bls\n", 18, &p, err, sizeof(err)), -22);
	UT_CHECK(strstr(err, "each once") != NULL);
	UT_EQ_INT(policy_parse("sources = bls,uefi\n", 19, &p, err, sizeof(err)), -22);
	UT_EQ_INT(policy_parse("sources = bls,\n", 15, &p, err, sizeof(err)), -22);
	UT_EQ_INT(policy_parse("sources = \n", 11, &p, err, sizeof(err)), -22);
	UT_EQ_STR(p.sources, "fit,bls");
}

UT_TEST(policy_network_keys)
{
	struct policy p;
	char err[160] = "";
	const char *f = "network = on\nnetwork_interfaces = eth1,eth0\nnetwork_timeout = 3\n";

	policy_defaults(&p);
	UT_EQ_INT(p.network, NETWORK_AUTO);
	UT_EQ_STR(p.network_interfaces, "");
	UT_EQ_INT(p.network_timeout_ms, 10000);
	UT_EQ_INT(policy_parse(f, strlen(f), &p, err, sizeof(err)), 0);
	UT_EQ_INT(p.network, NETWORK_ON);
	UT_EQ_STR(p.network_interfaces, "eth1,eth0");
	UT_EQ_INT(p.network_timeout_ms, 3000);
	UT_EQ_INT(policy_apply_cmdline(&p, "embark.network=off embark.network_timeout=0"), 1);
	UT_EQ_INT(p.network, NETWORK_OFF);
	UT_EQ_INT(p.network_timeout_ms, 3000);
	UT_CHECK(policy_parse("network = maybe\n", 16, &p, err, sizeof(err)) < 0);
	UT_CHECK(strstr(err, "network takes auto, on or off") != NULL);
	UT_CHECK(policy_parse("network_interfaces = eth0,\n", 27, &p, err, sizeof(err)) < 0);
}
