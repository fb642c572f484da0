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

/* Both directories, one order: systemd-boot's, where ids without sort-keys go newest first
 * (by strverscmp, descending). */
UT_TEST(bls_scan_both_directories_in_systemd_boot_order)
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
	boot_list_init(&l);
	UT_EQ_INT(bootcfg_scan(d, &l, NULL, NULL), 3);
	UT_EQ_INT(l.n, 3);
	UT_EQ_STR(l.entries[0].title, "C");
	UT_EQ_STR(l.entries[1].title, "B");
	UT_EQ_STR(l.entries[2].title, "A");
	UT_EQ_STR(l.entries[0].source, "/boot/loader/entries/c.conf");
	UT_EQ_INT(l.entries[0].is_default, 1);
	UT_EQ_STR(l.entries[0].root, d);
	UT_EQ_INT(bootcfg_scan("/nonexistent-root", &l, NULL, NULL), -ENOENT);
}

static const char *other_arch(void)
{
	return strcmp(bls_machine_arch(), "aa64") == 0 ? "x64" : "aa64";
}

UT_TEST(bls_machine_arch_uses_uapi_names)
{
#if defined(__x86_64__)
	UT_EQ_STR(bls_machine_arch(), "x64");
#elif defined(__aarch64__)
	UT_EQ_STR(bls_machine_arch(), "aa64");
#endif
	UT_CHECK(bls_machine_arch()[0] != '\0');
}

UT_TEST(bls_parse_overlays_quotes_and_lines_as_systemd_boot)
{
	const char *f = "title \"Quoted title\"\n"
			"linux /vmlinuz\r"   /* '\r' ends a line too */
			"devicetree /dtb/board.dtb\n"
			"devicetree-overlay /o/a.dtbo\t /o/b.dtbo\n"
			"devicetree-overlay /o/c.dtbo\n"
			"options\n"          /* a key without a value is ignored */
			"options   \n"
			"options \"\"\n"     /* "" is an empty value */
			"options quiet\n"
			"version \"\n";      /* a lone quote is empty too */
	char err[160];

	UT_EQ_INT(bls_parse(f, strlen(f), "e", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.title, "Quoted title");
	UT_EQ_STR(e.kernel, "/vmlinuz");
	UT_EQ_STR(e.devicetree, "/dtb/board.dtb");
	UT_EQ_INT(e.n_overlays, 3);
	UT_EQ_STR(e.overlays[0], "/o/a.dtbo");
	UT_EQ_STR(e.overlays[1], "/o/b.dtbo");
	UT_EQ_STR(e.overlays[2], "/o/c.dtbo");
	UT_EQ_STR(e.cmdline, "quiet");
	UT_EQ_STR(e.version, "");
	UT_EQ_STR(e.unbootable, "");
	UT_EQ_INT(e.tries_left, -1);
	UT_EQ_INT(e.n_warnings, 0);
}

UT_TEST(bls_parse_architecture_efi_and_uki_are_listed_unbootable)
{
	char f[200], err[160], want[120];

	snprintf(f, sizeof(f), "linux /k\narchitecture %s\n", other_arch());
	UT_EQ_INT(bls_parse(f, strlen(f), "a", &e, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "architecture %s, this machine is %s", other_arch(),
		 bls_machine_arch());
	UT_EQ_STR(e.unbootable, want);
	/* Matched without regard to case, as systemd-boot does. */
	snprintf(f, sizeof(f), "linux /k\narchitecture %s\n", bls_machine_arch());
	for (char *p = f; *p; p++)
		if (*p >= 'a' && *p <= 'z' && p > f + 9)
			*p = (char)(*p - 'a' + 'A');
	UT_EQ_INT(bls_parse(f, strlen(f), "a", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.unbootable, "");

	UT_EQ_INT(bls_parse("efi /EFI/tool.efi\n", 18, "t", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.kernel, "/EFI/tool.efi");
	UT_EQ_STR(e.unbootable, "EFI program: kexec cannot boot it");
	UT_EQ_INT(bls_parse("uki /EFI/Linux/a.efi\n", 21, "u", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.unbootable, "UKI: kexec cannot boot it");
	UT_EQ_INT(bls_parse("uki-url http://x/a.efi\n", 23, "u", &e, err, sizeof(err)), 0);
	UT_EQ_STR(e.unbootable, "UKI from a URL: kexec cannot boot it");

	UT_EQ_INT(bls_parse("linux /k\nefi /e.efi\n", 20, "x", &e, err, sizeof(err)), -EINVAL);
	UT_EQ_STR(err, "line 2: 'efi' in an entry that has 'linux': systemd-boot ignores such an "
		       "entry");
	UT_EQ_INT(bls_parse("title t\nversion 1\n", 18, "x", &e, err, sizeof(err)), -EINVAL);
	UT_EQ_STR(err, "no 'linux' key (nor 'efi' or 'uki'): nothing to boot");
	UT_EQ_INT(bls_parse("linux \"\"\n", 9, "x", &e, err, sizeof(err)), -EINVAL);
	UT_EQ_STR(err, "'linux' names no file");
	UT_EQ_INT(bls_parse("uki \"\nuki /u.efi\n", 17, "x", &e, err, sizeof(err)), 0);
}

UT_TEST(bls_parse_warns_about_grub_variables_in_options)
{
	const char *f = "linux /k\noptions $kernelopts\noptions ${tuned_params} x=$1\n";
	char err[160];

	UT_EQ_INT(bls_parse(f, strlen(f), "g", &e, err, sizeof(err)), 0);
	UT_EQ_INT(e.n_warnings, 1);
	UT_CHECK(strstr(e.warnings[0], "'$kernelopts'") != NULL);
	UT_EQ_INT(bls_parse("linux /k\noptions a=$1 b=$\n", 26, "g", &e, err, sizeof(err)), 0);
	UT_EQ_INT(e.n_warnings, 0);
}

UT_TEST(bls_parse_line_numbers_count_newlines_only)
{
	const char *f = "linux /k\r\ntitle x\r\n\r\ninitrd /a\0b\r\n";
	char err[160];

	UT_EQ_INT(bls_parse(f, 34, "n", &e, err, sizeof(err)), -EINVAL);
	UT_EQ_STR(err, "line 4: NUL byte in a text file");
}

UT_TEST(bls_entry_name_splits_the_boot_counter)
{
	char id[BOOT_ID_MAX];
	int left, done;

	UT_EQ_INT(bls_entry_name("fedora+3.conf", id, sizeof(id), &left, &done), 1);
	UT_EQ_STR(id, "fedora");
	UT_EQ_INT(left, 3);
	UT_EQ_INT(done, 0);
	UT_EQ_INT(bls_entry_name("a-6.5+0-12.CONF", id, sizeof(id), &left, &done), 1);
	UT_EQ_STR(id, "a-6.5");
	UT_EQ_INT(left, 0);
	UT_EQ_INT(done, 12);
	/* The last '+' is the counter's. */
	UT_EQ_INT(bls_entry_name("x+1+2-07.conf", id, sizeof(id), &left, &done), 1);
	UT_EQ_STR(id, "x+1");
	UT_EQ_INT(left, 2);
	UT_EQ_INT(done, 7);
	/* Not counters: no digits, a dangling '-', text after it, too large a number. */
	static const char *const plain[] = { "a+.conf", "a+3-.conf", "a+3x.conf", "a+b.conf",
					     "a+2147483648.conf", "a+1-2147483648.conf" };
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		UT_EQ_INT(bls_entry_name(plain[i], id, sizeof(id), &left, &done), 0);
		UT_EQ_INT(strlen(id), strlen(plain[i]) - 5);
		UT_EQ_INT(left, -1);
		UT_EQ_INT(done, -1);
	}
	UT_EQ_INT(bls_entry_name("a+2147483647-2147483647.conf", id, sizeof(id), &left, &done), 1);
	UT_EQ_INT(left, 2147483647);
	UT_EQ_INT(bls_entry_name("a.cfg", id, sizeof(id), &left, &done), -EINVAL);
	UT_EQ_INT(bls_entry_name("abcdef.conf", id, 4, &left, &done), -ENAMETOOLONG);
}

UT_TEST(bls_count_attempt_renames_as_systemd_boot)
{
	const char *d = ut_tmpdir();
	char newname[256], path[512];
	struct stat st;

	ut_write_file("fedora+3.conf", "linux /k\n", 9);
	UT_EQ_INT(bls_count_attempt(d, "fedora+3.conf", newname, sizeof(newname)), 1);
	UT_EQ_STR(newname, "fedora+2-1.conf");
	UT_EQ_INT(bls_count_attempt(d, "fedora+2-1.conf", newname, sizeof(newname)), 1);
	UT_EQ_INT(bls_count_attempt(d, "fedora+1-2.conf", newname, sizeof(newname)), 1);
	UT_EQ_INT(bls_count_attempt(d, "fedora+0-3.conf", newname, sizeof(newname)), 1);
	UT_EQ_STR(newname, "fedora+0-4.conf"); /* LEFT stays at 0, DONE keeps counting */
	snprintf(path, sizeof(path), "%s/fedora+0-4.conf", d);
	UT_EQ_INT(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/fedora+3.conf", d);
	UT_CHECK(stat(path, &st) < 0);

	ut_write_file("plain.conf", "linux /k\n", 9);
	UT_EQ_INT(bls_count_attempt(d, "plain.conf", newname, sizeof(newname)), 0);
	UT_EQ_STR(newname, "");
	/* Never over another file, never across directories, and a missing file says so. */
	ut_write_file("b+5.conf", "linux /k\n", 9);
	ut_write_file("b+4-1.conf", "linux /k\n", 9);
	UT_EQ_INT(bls_count_attempt(d, "b+5.conf", newname, sizeof(newname)), -EEXIST);
	UT_EQ_INT(bls_count_attempt(d, "../b+5.conf", newname, sizeof(newname)), -EINVAL);
	UT_EQ_INT(bls_count_attempt(d, "gone+2.conf", newname, sizeof(newname)), -ENOENT);
	UT_EQ_INT(bls_count_attempt(d, "b+5.conf", newname, 8), -ENAMETOOLONG);
	/* DONE at INT_MAX and LEFT at 0: the name does not change, nothing is renamed. */
	UT_EQ_INT(bls_count_attempt(d, "m+0-2147483647.conf", newname, sizeof(newname)), 0);
}

UT_TEST(bls_loader_conf_timeout_and_default)
{
	static struct bls_loader_conf c;
	char err[160];
	const char *f = "# systemd-boot\n"
			"timeout 3\n"
			"default fedora-*\n"
			"console-mode max\n"
			"editor no\n";

	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_INT(c.timeout_s, 3);
	UT_EQ_STR(c.default_pattern, "fedora-*");
	UT_EQ_INT(c.n_warnings, 0);

	f = "timeout menu-force\ndefault \"arch.conf\"\n";
	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_INT(c.timeout_s, BOOT_TIMEOUT_WAIT);
	UT_EQ_STR(c.default_pattern, "arch.conf");
	f = "timeout 5\ntimeout menu-hidden\n";
	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_INT(c.timeout_s, 0);
	f = "timeout 4294967295\n";
	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_INT(c.timeout_s, BOOT_TIMEOUT_WAIT);
	f = "timeout 3000000000\n";
	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_INT(c.timeout_s, 2147483647);

	/* Bad values are ignored with a warning; the earlier good value stays. */
	f = "timeout 7\ntimeout 5s\ntimeout -1\ntimeout 4294967296\ndefault a*\ndefault @bogus\n";
	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_INT(c.timeout_s, 7);
	UT_EQ_STR(c.default_pattern, "a*");
	UT_EQ_INT(c.n_warnings, 4);
	UT_CHECK(strstr(c.warnings[0], "line 2: timeout '5s'") != NULL);
	UT_CHECK(strstr(c.warnings[3], "line 6: default '@bogus'") != NULL);
	f = "default a*\ndefault @SAVED\n";
	UT_EQ_INT(bls_loader_conf_parse(f, strlen(f), &c, err, sizeof(err)), 0);
	UT_EQ_STR(c.default_pattern, "");
	UT_EQ_INT(c.n_warnings, 1);
	UT_EQ_INT(bls_loader_conf_parse("timeout 1\n\0", 11, &c, err, sizeof(err)), -EINVAL);
	UT_EQ_STR(err, "line 2: NUL byte in a text file");
}

UT_TEST(bls_id_matches_systemd_boot_globs)
{
	UT_EQ_INT(bls_id_matches("fedora-*", "fedora-6.5"), 1);
	UT_EQ_INT(bls_id_matches("fedora-*.conf", "fedora-6.5"), 1);
	UT_EQ_INT(bls_id_matches("arch.conf", "arch"), 1);   /* today's systemd-boot ids */
	UT_EQ_INT(bls_id_matches("arch", "arch"), 1);        /* older systemd-boot ids */
	UT_EQ_INT(bls_id_matches("arch", "arch-lts"), 0);
	UT_EQ_INT(bls_id_matches("ARCH*", "Arch-LTS"), 1);   /* case folded */
	UT_EQ_INT(bls_id_matches("a?c", "abc"), 1);
	UT_EQ_INT(bls_id_matches("a?c", "ac"), 0);
	UT_EQ_INT(bls_id_matches("[a-c]x", "Bx"), 1);
	UT_EQ_INT(bls_id_matches("[a-c]x", "dx"), 0);
	UT_EQ_INT(bls_id_matches("[]a]x", "]x"), 1);          /* ']' first is literal */
	UT_EQ_INT(bls_id_matches("[a-]x", "-x"), 1);          /* '-' last is literal */
	UT_EQ_INT(bls_id_matches("[!a]x", "!x"), 1);          /* no negation: '!' is literal */
	UT_EQ_INT(bls_id_matches("[!a]x", "bx"), 0);
	UT_EQ_INT(bls_id_matches("\\*x", "*x"), 1);
	UT_EQ_INT(bls_id_matches("\\*x", "ax"), 0);
	UT_EQ_INT(bls_id_matches("*-*-*", "a-b-c-d"), 1);
	UT_EQ_INT(bls_id_matches("*a*b", "xxaxxbxb"), 1);
	UT_EQ_INT(bls_id_matches("*a*b", "xxaxxbxc"), 0);
	UT_EQ_INT(bls_id_matches("*", ""), 1);
	UT_EQ_INT(bls_id_matches("[a", "a"), 0);
	UT_EQ_INT(bls_id_matches("x\\", "x"), 0);
}

/* An entry as the scanner makes it: parsed, then the counter from the file name. */
static void make_entry(struct boot_entry *out, const char *file, const char *body)
{
	char id[BOOT_ID_MAX], err[160];
	int left, done;

	UT_CHECK(bls_entry_name(file, id, sizeof(id), &left, &done) >= 0);
	UT_EQ_INT(bls_parse(body, strlen(body), id, out, err, sizeof(err)), 0);
	out->tries_left = left;
	out->tries_done = done;
}

UT_TEST(bls_entry_cmp_follows_systemd_boot_chain)
{
	static struct boot_entry a, b;

	/* No tries left goes last, whatever else. */
	make_entry(&a, "z+0-3.conf", "linux /k\nsort-key a\n");
	make_entry(&b, "a.conf", "linux /k\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 1);
	/* A sort-key goes first. */
	make_entry(&a, "a.conf", "linux /k\n");
	make_entry(&b, "b.conf", "linux /k\nsort-key zzz\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 1);
	/* Sort-keys ascending, before machine-id and version. */
	make_entry(&a, "a.conf", "linux /k\nsort-key arch\nmachine-id 2\nversion 1\n");
	make_entry(&b, "b.conf", "linux /k\nsort-key fedora\nmachine-id 1\nversion 9\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), -1);
	/* Then machine-id ascending (none first). */
	make_entry(&a, "a.conf", "linux /k\nsort-key s\nmachine-id bb\nversion 9\n");
	make_entry(&b, "b.conf", "linux /k\nsort-key s\nmachine-id aa\nversion 1\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 1);
	make_entry(&a, "a.conf", "linux /k\nsort-key s\nversion 1\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), -1);
	/* Then version descending, by strverscmp. */
	make_entry(&a, "a.conf", "linux /k\nsort-key s\nversion 6.5.12\n");
	make_entry(&b, "b.conf", "linux /k\nsort-key s\nversion 6.5.6\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), -1);
	/* Without sort-keys the version is not looked at: the id decides, descending. */
	make_entry(&a, "a-1.conf", "linux /k\nversion 1\n");
	make_entry(&b, "a-2.conf", "linux /k\nversion 9\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 1);
	/* The id is compared as "<id>.conf" in lower case: "a.conf" is newer than "a-1.conf". */
	make_entry(&a, "A.conf", "linux /k\n");
	make_entry(&b, "a-1.conf", "linux /k\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), -1);
	/* Same id: more tries left first, then fewer done; uncounted entries tie. */
	make_entry(&a, "e+2-1.conf", "linux /k\n");
	make_entry(&b, "e+3.conf", "linux /k\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 1);
	make_entry(&a, "e+3-1.conf", "linux /k\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 1);
	make_entry(&b, "e.conf", "linux /k\n");
	UT_EQ_INT(bls_entry_cmp(&a, &b), 0);
}

UT_TEST(bls_sort_is_stable_and_select_default_skips_other_arch)
{
	static struct boot_entry v[6];
	char body[120];

	make_entry(&v[0], "same.conf", "title first\nlinux /k\n");
	make_entry(&v[1], "old+0-3.conf", "linux /k\n");
	make_entry(&v[2], "same.conf", "title second\nlinux /k\n");
	snprintf(body, sizeof(body), "linux /k\narchitecture %s\nsort-key a\n", other_arch());
	make_entry(&v[3], "foreign.conf", body);
	make_entry(&v[4], "fedora-6.5.6.conf", "linux /k\nsort-key fedora\nversion 6.5.6\n");
	make_entry(&v[5], "fedora-6.5.12.conf", "linux /k\nsort-key fedora\nversion 6.5.12\n");
	bls_sort(v, 6);
	UT_EQ_STR(v[0].id, "foreign");      /* sort-key "a" */
	UT_EQ_STR(v[1].id, "fedora-6.5.12");
	UT_EQ_STR(v[2].id, "fedora-6.5.6");
	UT_EQ_STR(v[3].title, "first");     /* equal entries keep their order */
	UT_EQ_STR(v[4].title, "second");
	UT_EQ_STR(v[5].id, "old");          /* no tries left */

	/* No pattern: the first entry systemd-boot would list (not the foreign one). */
	UT_EQ_INT(bls_select_default(v, 6, NULL), 1);
	UT_EQ_INT(v[1].is_default, 1);
	UT_EQ_INT(v[0].is_default, 0);
	v[1].is_default = 0;
	UT_EQ_INT(bls_select_default(v, 6, "FEDORA-6.5.6.conf"), 2);
	v[2].is_default = 0;
	UT_EQ_INT(bls_select_default(v, 6, "old*"), 5);
	v[5].is_default = 0;
	UT_EQ_INT(bls_select_default(v, 6, "foreign"), 1); /* not listed: the first instead */
	v[1].is_default = 0;
	UT_EQ_INT(bls_select_default(v, 0, NULL), -ENOENT);
	UT_EQ_INT(bls_select_default(v, 1, NULL), -ENOENT);
}

UT_TEST(bls_scan_orders_counts_and_reads_loader_conf)
{
	static struct boot_list l;
	char cmd[1400];
	const char *d = ut_tmpdir();

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p loader/entries boot/loader/entries && "
		 "printf 'timeout 4\\ndefault *6.5.6*\\n' > loader/loader.conf && "
		 "printf 'linux /a\\nsort-key fedora\\nversion 6.5.6\\n' > "
		 "loader/entries/m-6.5.6+2-1.conf && "
		 "printf 'linux /b\\nsort-key fedora\\nversion 6.5.12\\n' > "
		 "boot/loader/entries/m-6.5.12+3.conf && "
		 "printf 'linux /c\\n' > loader/entries/rescue.Conf && "
		 "printf 'linux /d\\n' > loader/entries/auto-windows.conf && "
		 "printf 'linux /e\\n' > loader/entries/.hidden.conf",
		 d);
	UT_EQ_INT(system(cmd), 0);
	boot_list_init(&l);
	UT_EQ_INT(bootcfg_scan_bls(d, &l, NULL, NULL), 3);
	UT_EQ_STR(l.entries[0].id, "m-6.5.12");
	UT_EQ_INT(l.entries[0].tries_left, 3);
	UT_EQ_INT(l.entries[0].tries_done, 0);
	UT_EQ_STR(l.entries[0].source, "/boot/loader/entries/m-6.5.12+3.conf");
	UT_EQ_STR(l.entries[1].id, "m-6.5.6");
	UT_EQ_INT(l.entries[1].is_default, 1);
	UT_EQ_INT(l.entries[0].is_default, 0);
	UT_EQ_STR(l.entries[2].id, "rescue");
	UT_EQ_INT(l.timeout_s, 4);

	/* A timeout already set by an earlier filesystem stays. */
	boot_list_init(&l);
	l.timeout_s = 9;
	UT_EQ_INT(bootcfg_scan_bls(d, &l, NULL, NULL), 3);
	UT_EQ_INT(l.timeout_s, 9);
}
