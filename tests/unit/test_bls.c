#include "bootcfg/bootcfg.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct boot_entry e;

UT_TEST(bls_parse_fedora_style_entry)
{
	const char *f = "# comment\n"
			"title Fedora Linux (6.5.6-300.fc39.x86_64) 39\r\n"
			"version 6.5.6-300.fc39.x86_64\n"
			"machine-id 8bd2fe4f3c1b4c6b9a1b0c2d3e4f5a6b\n"
			"sort-key fedora\n"
			"linux /vmlinuz-6.5.6-300.fc39.x86_64\n"
			"initrd /initramfs-6.5.6.img\n"
			"initrd   /extra.img  \n"
			"options root=UUID=1234 ro\n"
			"options  rhgb quiet\n"
			"unknown-key is ignored\n";
	char err[160];

	UT_EQ_INT(bls_parse(f, strlen(f), "fedora-6.5", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.title, "Fedora Linux (6.5.6-300.fc39.x86_64) 39");
	UT_EQ_STR(e.kernel, "/vmlinuz-6.5.6-300.fc39.x86_64");
	UT_EQ_INT(e.n_initrds, 2);
	UT_EQ_STR(e.initrds[1], "/extra.img");
	UT_EQ_STR(e.cmdline, "root=UUID=1234 ro rhgb quiet");
	UT_EQ_STR(e.sort_key, "fedora");
	UT_EQ_STR(e.id, "fedora-6.5");
}

UT_TEST(bls_parse_refusals_name_the_rule)
{
	char err[160], big[5000];

	UT_EQ_INT(bls_parse("title x\n", 8, "a", &e, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "no 'linux' key") != NULL);
	UT_EQ_INT(bls_parse("linux /a\0b\n", 11, "a", &e, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "line 1: NUL") != NULL);
	memset(big, 'x', sizeof(big));
	memcpy(big, "options ", 8);
	UT_EQ_INT(bls_parse(big, sizeof(big), "a", &e, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "longer than 4096") != NULL);
	{
		char nine[400] = "linux /k\n";

		for (int i = 0; i < 9; i++)
			strcat(nine, "initrd /i\n");
		UT_EQ_INT(bls_parse(nine, strlen(nine), "a", &e, err, sizeof(err)), -EINVAL);
		UT_CHECK(strstr(err, "line 10: more initrd") != NULL);
	}
}

UT_TEST(bls_title_defaults_to_id_and_last_value_wins)
{
	const char *f = "linux /a\nlinux /b\n";
	char err[160];

	UT_EQ_INT(bls_parse(f, strlen(f), "entry-1", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.title, "entry-1");
	UT_EQ_STR(e.kernel, "/b");
}

UT_TEST(bls_scan_both_directories_in_name_order)
{
	static struct boot_list l;
	char cmd[600];
	const char *d = ut_tmpdir();

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p loader/entries boot/loader/entries && "
		 "printf 'title B\\nlinux /b\\n' > loader/entries/b.conf && "
		 "printf 'title A\\nlinux /a\\n' > loader/entries/a.conf && "
		 "printf 'title bad\\n' > loader/entries/c.conf && "
		 "printf 'linux /x\\n' > loader/entries/notconf.txt && "
		 "printf 'title C\\nlinux /boot/c\\n' > boot/loader/entries/c.conf",
		 d);
	UT_EQ_INT(system(cmd), 0);
	UT_EQ_INT(bootcfg_scan(d, &l, NULL, NULL), 3);
	UT_EQ_INT(l.n, 3);
	UT_EQ_STR(l.entries[0].title, "A");
	UT_EQ_STR(l.entries[1].title, "B");
	UT_EQ_STR(l.entries[2].title, "C");
	UT_EQ_STR(l.entries[2].source, "/boot/loader/entries/c.conf");
	UT_EQ_STR(l.entries[0].root, d);
	UT_EQ_INT(bootcfg_scan("/nonexistent-root", &l, NULL, NULL), -ENOENT);
}
