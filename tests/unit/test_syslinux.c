#include "bootcfg/bootcfg.h"
#include "syslinux/syslinux.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct boot_list l;
static char warnings[16384];

static void collect(void *ctx, const char *msg)
{
	size_t have = strlen(warnings);

	snprintf(warnings + have, sizeof(warnings) - have, "%s\n", msg);
}

/* Parses TEXT as the configuration CFG on a filesystem at ROOT (NULL: none). */
static int parse_at(const char *root, const char *cfg, const char *text)
{
	boot_list_init(&l);
	warnings[0] = '\0';
	return syslinux_parse(text, strlen(text), root, cfg, &l, collect, NULL);
}

static int parse(const char *text)
{
	return parse_at(NULL, "/boot/syslinux/syslinux.cfg", text);
}

static const struct boot_entry *entry(const char *id)
{
	for (unsigned i = 0; i < l.n; i++)
		if (strcmp(l.entries[i].id, id) == 0)
			return &l.entries[i];
	ut_fail(__FILE__, __LINE__, "no entry '%s'", id);
	return &l.entries[BOOT_MAX_ENTRIES - 1];
}

static int has_warning(const struct boot_entry *e, const char *part)
{
	for (unsigned i = 0; i < e->n_warnings && i < BOOT_MAX_WARNINGS; i++)
		if (strstr(e->warnings[i], part))
			return 1;
	return 0;
}

static int default_count(void)
{
	int n = 0;

	for (unsigned i = 0; i < l.n; i++)
		n += l.entries[i].is_default;
	return n;
}

static void mkdirs(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", ut_tmpdir(), rel);
	UT_EQ_INT(system(cmd), 0);
}

static void write_text(const char *name, const char *text)
{
	ut_write_file(name, text, strlen(text));
}

UT_TEST(syslinux_label_fields_and_relative_paths)
{
	const char *f = "# syslinux.cfg\n"
			"DEFAULT linux\n"
			"LABEL linux\n"
			"  KERNEL vmlinuz\n"
			"  APPEND root=/dev/sda1 ro\n"
			"  INITRD initrd.img\n";

	UT_EQ_INT(parse(f), 1);
	UT_EQ_INT(l.n, 1);
	UT_EQ_STR(l.entries[0].id, "linux");
	UT_EQ_STR(l.entries[0].title, "linux");
	UT_EQ_STR(l.entries[0].kernel, "/boot/syslinux/vmlinuz");
	UT_EQ_INT(l.entries[0].n_initrds, 1);
	UT_EQ_STR(l.entries[0].initrds[0], "/boot/syslinux/initrd.img");
	UT_EQ_STR(l.entries[0].cmdline, "root=/dev/sda1 ro");
	UT_EQ_STR(l.entries[0].source, "/boot/syslinux/syslinux.cfg");
	UT_EQ_INT(l.entries[0].line, 3);
	UT_EQ_INT(l.entries[0].format, BOOT_FORMAT_SYSLINUX);
	UT_EQ_INT(l.entries[0].is_default, 1);
	UT_EQ_STR(l.entries[0].unbootable, "");
	UT_EQ_STR(warnings, "");
}

UT_TEST(syslinux_keywords_ignore_case_and_need_a_blank)
{
	const char *f = "lAbEl A\n"
			"\tKeRnEl /k\n"
			"  kernelx /not-a-keyword\n"
			"labelx B\n"
			"Append\tx=1\n";

	UT_EQ_INT(parse(f), 1);
	UT_EQ_STR(entry("A")->kernel, "/k");
	UT_EQ_STR(entry("A")->cmdline, "x=1");
}

UT_TEST(syslinux_paths_absolute_dotdot_and_network)
{
	const char *f = "label up\n kernel ../vmlinuz-linux\n"
			"label abs\n kernel ::/images/linux\n"
			"label colons\n kernel ::images/linux\n"
			"label clamp\n kernel ../../../../../x\n"
			"label dots\n kernel ./a/./b//c\n"
			"label host\n kernel 192.0.2.1::/linux\n"
			"label url\n kernel http://example.org/linux\n"
			"label rd\n kernel /k\n initrd tftp://h/i.gz\n";

	UT_EQ_INT(parse_at(NULL, "/boot/extlinux/extlinux.conf", f), 8);
	UT_EQ_STR(entry("up")->kernel, "/boot/vmlinuz-linux");
	UT_EQ_STR(entry("abs")->kernel, "/images/linux");
	UT_EQ_STR(entry("colons")->kernel, "/images/linux");
	UT_EQ_STR(entry("clamp")->kernel, "/x");
	UT_EQ_STR(entry("dots")->kernel, "/boot/extlinux/a/b/c");
	UT_CHECK(strstr(entry("host")->unbootable, "on another server") != NULL);
	UT_EQ_STR(entry("host")->kernel, "");
	UT_CHECK(strstr(entry("url")->unbootable, "on another server") != NULL);
	UT_CHECK(strstr(entry("rd")->unbootable, "initrd tftp://h/i.gz: on another server") != NULL);
	UT_EQ_STR(entry("up")->unbootable, "");
}

UT_TEST(syslinux_pxelinux_paths_are_relative_to_the_tftp_root)
{
	const char *f = "label install\n kernel debian-installer/amd64/linux\n"
			" append initrd=debian-installer/amd64/initrd.gz --- quiet\n";

	UT_EQ_INT(parse_at(NULL, "/pxelinux.cfg/default", f), 1);
	UT_EQ_STR(l.entries[0].kernel, "/debian-installer/amd64/linux");
	UT_EQ_STR(l.entries[0].initrds[0], "/debian-installer/amd64/initrd.gz");
	UT_EQ_INT(parse_at(NULL, "/srv/tftp/pxelinux.cfg/01-88-99-aa-bb-cc-dd", f), 1);
	UT_EQ_STR(l.entries[0].kernel, "/srv/tftp/debian-installer/amd64/linux");
	UT_EQ_INT(parse_at(NULL, "/extlinux.conf", f), 1);
	UT_EQ_STR(l.entries[0].kernel, "/debian-installer/amd64/linux");
}

UT_TEST(syslinux_append_precedence_and_append_dash)
{
	const char *f = "APPEND global=1\n"
			"label inherits\n kernel /k\n"
			"label own\n kernel /k\n append own=1\n"
			"label cleared\n kernel /k\n append -\n"
			"label empty\n kernel /k\n append\n"
			"label late\n kernel /k\n"
			" APPEND belongs=to-late\n"
			"MENU SEPARATOR\n"
			"APPEND global=2\n"
			"label after\n kernel /k\n";

	UT_EQ_INT(parse(f), 6);
	UT_EQ_STR(entry("inherits")->cmdline, "global=1");
	UT_EQ_STR(entry("own")->cmdline, "own=1");
	UT_EQ_STR(entry("cleared")->cmdline, "");
	UT_EQ_STR(entry("empty")->cmdline, "");
	UT_EQ_STR(entry("late")->cmdline, "belongs=to-late");
	UT_EQ_STR(entry("after")->cmdline, "global=2");
}

UT_TEST(syslinux_global_append_in_force_when_the_label_ends)
{
	/* syslinux takes the global APPEND when the label is recorded, which is when the next
	 * LABEL, MENU BEGIN/END or the end of the file comes */
	const char *f = "label a\n kernel /k\n"
			"menu end\n"
			"append later\n";

	UT_EQ_INT(parse(f), 1);
	UT_EQ_STR(entry("a")->cmdline, "");
	UT_CHECK(strstr(warnings, "MENU END without MENU BEGIN") != NULL);
}

UT_TEST(syslinux_initrd_option_in_append)
{
	const char *f = "label one\n kernel /k\n append vga=788 initrd=rd1.gz,/rd2.gz --- quiet\n"
			"label both\n kernel /k\n append initrd=/from-append.gz q\n initrd /a,/b\n"
			"label two\n kernel /k\n append initrd=/first initrd=/second\n"
			"label comma\n kernel /k\n initrd /a,,/b, \n";

	UT_EQ_INT(parse(f), 4);
	UT_EQ_INT(entry("one")->n_initrds, 2);
	UT_EQ_STR(entry("one")->initrds[0], "/boot/syslinux/rd1.gz");
	UT_EQ_STR(entry("one")->initrds[1], "/rd2.gz");
	UT_EQ_STR(entry("one")->cmdline, "vga=788 initrd=rd1.gz,/rd2.gz --- quiet");
	UT_EQ_INT(entry("both")->n_initrds, 2);
	UT_EQ_STR(entry("both")->initrds[0], "/a");
	UT_EQ_STR(entry("both")->cmdline, "initrd=/from-append.gz q");
	UT_CHECK(has_warning(entry("both"), "INITRD used"));
	UT_EQ_INT(entry("two")->n_initrds, 1);
	UT_EQ_STR(entry("two")->initrds[0], "/first");
	UT_CHECK(has_warning(entry("two"), "2 initrd= options"));
	UT_EQ_INT(entry("comma")->n_initrds, 2);
	UT_EQ_STR(entry("comma")->initrds[1], "/b");
}

UT_TEST(syslinux_kernel_kinds_by_keyword_and_extension)
{
	const char *f = "label hdt\n kernel hdt.c32\n"
			"label forced\n linux menu.C32\n"
			"label com32\n com32 reboot.c32\n"
			"label bin\n kernel memtest.bin\n"
			"label pxe\n kernel vmlinuz-6.1.0\n"
			"label linux0\n linux vmlinuz-6.1.0\n"
			"label img\n kernel floppy.IMG\n"
			"label bss\n kernel x.bss\n"
			"label com\n kernel dos.com\n"
			"label cbt\n kernel x.cbt\n"
			"label local\n localboot 0x80\n append ignored\n"
			"label cfg\n config other.cfg /other\n"
			"label memdisk\n kernel memdisk\n append initrd=dos.img\n"
			"label noname\n append root=/dev/sda\n"
			"label boot\n boot bootsect.bs\n";

	UT_EQ_INT(parse(f), 15);
	UT_EQ_STR(entry("hdt")->unbootable, "COM32 module hdt.c32, not a Linux kernel");
	UT_EQ_STR(entry("hdt")->kernel, "/boot/syslinux/hdt.c32");
	UT_EQ_STR(entry("forced")->unbootable, "COM32 module menu.C32, not a Linux kernel");
	UT_EQ_STR(entry("com32")->unbootable, "COM32 module reboot.c32, not a Linux kernel");
	UT_CHECK(strstr(entry("bin")->unbootable, "boot sector file memtest.bin") != NULL);
	UT_CHECK(strstr(entry("pxe")->unbootable, "PXE boot program vmlinuz-6.1.0") != NULL);
	UT_CHECK(strstr(entry("pxe")->unbootable, "LINUX would load it") != NULL);
	UT_EQ_STR(entry("linux0")->unbootable, "");
	UT_CHECK(strstr(entry("img")->unbootable, "floppy disk image") != NULL);
	UT_CHECK(strstr(entry("bss")->unbootable, "boot sector file x.bss") != NULL);
	UT_CHECK(strstr(entry("com")->unbootable, "COMBOOT program dos.com") != NULL);
	UT_CHECK(strstr(entry("cbt")->unbootable, "COMBOOT program x.cbt") != NULL);
	UT_EQ_STR(entry("local")->unbootable, "LOCALBOOT: boot from local disk, not a Linux entry");
	UT_EQ_STR(entry("local")->kernel, "");
	UT_CHECK(strstr(entry("cfg")->unbootable, "CONFIG other.cfg") != NULL);
	UT_CHECK(strstr(entry("memdisk")->unbootable, "MEMDISK memdisk") != NULL);
	/* no KERNEL line: syslinux runs the label's name */
	UT_EQ_STR(entry("noname")->kernel, "/boot/syslinux/noname");
	UT_EQ_STR(entry("noname")->cmdline, "root=/dev/sda");
	UT_EQ_STR(entry("noname")->unbootable, "");
	UT_CHECK(strstr(entry("boot")->unbootable, "boot sector file bootsect.bs") != NULL);
}

UT_TEST(syslinux_linux_c32_loads_its_first_argument)
{
	const char *f = "label l\n kernel linux.c32\n append vmlinuz root=/dev/sda initrd=rd.gz\n"
			"label bare\n com32 linux.c32\n";

	UT_EQ_INT(parse(f), 2);
	UT_EQ_STR(entry("l")->kernel, "/boot/syslinux/vmlinuz");
	UT_EQ_STR(entry("l")->cmdline, "root=/dev/sda initrd=rd.gz");
	UT_EQ_STR(entry("l")->initrds[0], "/boot/syslinux/rd.gz");
	UT_EQ_STR(entry("l")->unbootable, "");
	UT_EQ_STR(entry("bare")->unbootable, "linux.c32 without a kernel file to load");
}

UT_TEST(syslinux_kernel_line_words_go_before_append)
{
	UT_EQ_INT(parse("label a\n kernel /vmlinuz one=1\n append two=2\n"), 1);
	UT_EQ_STR(l.entries[0].kernel, "/vmlinuz");
	UT_EQ_STR(l.entries[0].cmdline, "one=1 two=2");
}

UT_TEST(syslinux_default_label_beats_menu_default)
{
	const char *cli = "label a\n kernel /a\n menu default\nlabel b\n kernel /b\ndefault b\n";
	const char *ui = "ui menu.c32\ndefault b\nlabel a\n kernel /a\n menu default\n"
			 "label b\n kernel /b\n";

	UT_EQ_INT(parse(cli), 2);
	UT_EQ_INT(entry("b")->is_default, 1);
	UT_EQ_INT(default_count(), 1);
	UT_EQ_INT(parse(ui), 2);
	UT_EQ_INT(entry("b")->is_default, 1);
	UT_EQ_INT(default_count(), 1);
}

UT_TEST(syslinux_default_menu_module_leaves_menu_default)
{
	/* the Debian installer's way: "default vesamenu.c32" starts the menu */
	const char *f = "default installgui\n"
			"label installgui\n menu default\n kernel /install.amd/vmlinuz\n"
			"label install\n kernel /install.amd/vmlinuz\n"
			"default debian-installer/amd64/boot-screens/vesamenu.c32\n";

	UT_EQ_INT(parse(f), 2);
	UT_EQ_INT(entry("installgui")->is_default, 1);
	UT_EQ_INT(default_count(), 1);
	UT_EQ_INT(l.n, 2);
}

UT_TEST(syslinux_last_top_level_menu_default_wins)
{
	const char *f = "label a\n kernel /a\n menu default\n"
			"menu begin sub\n label s\n  kernel /s\n  menu default\nmenu end\n"
			"label b\n kernel /b\n menu default\n"
			"label c\n kernel /c\n";

	UT_EQ_INT(parse(f), 4);
	UT_EQ_INT(entry("b")->is_default, 1);
	UT_EQ_INT(default_count(), 1);
	/* only a submenu's own default: not what boots */
	UT_EQ_INT(parse("menu begin sub\n label s\n  kernel /s\n  menu default\nmenu end\n"), 1);
	UT_EQ_INT(default_count(), 0);
}

UT_TEST(syslinux_ontimeout_needs_a_timeout)
{
	const char *with = "timeout 50\nontimeout b\ndefault a\n"
			   "label a\n kernel /a\nlabel b\n kernel /b\n menu hide\n";
	const char *without = "timeout 0\nontimeout b\ndefault a\n"
			      "label a\n kernel /a\nlabel b\n kernel /b\n";
	const char *total = "totaltimeout 100\nontimeout b\ndefault a\n"
			    "label a\n kernel /a\nlabel b\n kernel /b\n";

	UT_EQ_INT(parse(with), 2);
	UT_EQ_INT(entry("b")->is_default, 1); /* a hidden label is fine for ONTIMEOUT */
	UT_EQ_INT(default_count(), 1);
	UT_EQ_INT(l.timeout_s, 5);
	UT_EQ_INT(parse(without), 2);
	UT_EQ_INT(entry("a")->is_default, 1);
	UT_EQ_INT(default_count(), 1);
	UT_EQ_INT(l.timeout_s, -1);
	UT_EQ_INT(parse(total), 2);
	UT_EQ_INT(entry("b")->is_default, 1);
	UT_EQ_INT(l.timeout_s, 10);
}

UT_TEST(syslinux_default_command_line_becomes_an_entry)
{
	const char *f = "append ignored=1\ndefault vmlinuz root=/dev/sda1 initrd=rd.img\n"
			"label other\n kernel /other\n";

	UT_EQ_INT(parse(f), 2);
	UT_EQ_STR(l.entries[1].id, "default");
	UT_EQ_STR(l.entries[1].title, "vmlinuz root=/dev/sda1 initrd=rd.img");
	UT_EQ_STR(l.entries[1].kernel, "/boot/syslinux/vmlinuz");
	/* syslinux 6 runs a command line as typed: no global APPEND */
	UT_EQ_STR(l.entries[1].cmdline, "root=/dev/sda1 initrd=rd.img");
	UT_EQ_STR(l.entries[1].initrds[0], "/boot/syslinux/rd.img");
	UT_EQ_INT(l.entries[1].is_default, 1);
	UT_EQ_INT(l.entries[1].line, 2);
	UT_CHECK(has_warning(&l.entries[1], "DEFAULT names no LABEL"));
	UT_EQ_INT(default_count(), 1);

	/* the menu ignores a DEFAULT that names no label */
	UT_EQ_INT(parse("ui vesamenu.c32\ndefault nosuch\nlabel a\n kernel /a\n"), 1);
	UT_EQ_INT(default_count(), 0);
	UT_CHECK(strstr(warnings, "syslinux.cfg:2: DEFAULT nosuch names no LABEL: with UI") != NULL);
	UT_EQ_INT(parse("implicit 0\ndefault nosuch\nlabel a\n kernel /a\n"), 1);
	UT_CHECK(strstr(warnings, "IMPLICIT 0") != NULL);
	/* a non-label ONTIMEOUT runs as typed too, and wins when the timeout can expire */
	UT_EQ_INT(parse("timeout 300\nontimeout /install.amd/vmlinuz speakup.synth=soft\n"
			"label a\n kernel /a\n menu default\n"), 2);
	UT_EQ_STR(l.entries[1].id, "ontimeout");
	UT_EQ_STR(l.entries[1].cmdline, "speakup.synth=soft");
	UT_EQ_INT(l.entries[1].is_default, 1);
	UT_EQ_INT(default_count(), 1);
}

UT_TEST(syslinux_default_with_words_after_the_label)
{
	UT_EQ_INT(parse("default a single\nlabel a\n kernel /a\n"), 1);
	UT_EQ_INT(l.entries[0].is_default, 1);
	UT_CHECK(strstr(warnings, "words after the label name are not applied") != NULL);
}

UT_TEST(syslinux_menu_hide_lists_the_entry_with_a_warning)
{
	const char *f = "ui menu.c32\ndefault secret\n"
			"label shown\n kernel /a\n menu default\n"
			"label secret\n menu label Secret\n kernel /b\n menu hide\n";

	UT_EQ_INT(parse(f), 2);
	UT_CHECK(has_warning(entry("secret"), "hidden"));
	UT_EQ_STR(entry("secret")->title, "Secret");
	/* with UI the menu ignores a DEFAULT naming a hidden label */
	UT_EQ_INT(entry("shown")->is_default, 1);
	UT_EQ_INT(default_count(), 1);
	/* without UI the boot prompt runs it */
	UT_EQ_INT(parse("default secret\nlabel secret\n kernel /b\n menu hide\n"), 1);
	UT_EQ_INT(l.entries[0].is_default, 1);
}

UT_TEST(syslinux_submenu_titles)
{
	const char *f = "menu title Installer\n"
			"menu begin advanced\n"
			"    menu label ^Advanced options\n"
			"    menu title Advanced options heading\n"
			"    label expert\n"
			"        menu label E^xpert install\n"
			"        kernel /k\n"
			"    menu begin deeper\n"
			"        menu title Deeper\n"
			"        label d\n            kernel /k\n"
			"    menu end\n"
			"    menu begin\n"
			"        label untagged\n            kernel /k\n"
			"    menu end\n"
			"menu end\n"
			"label top\n menu label ^Top\n kernel /k\n";

	UT_EQ_INT(parse(f), 4);
	UT_EQ_STR(entry("expert")->title, "Advanced options>Expert install");
	UT_EQ_STR(entry("d")->title, "Advanced options>Deeper>d");
	UT_EQ_STR(entry("untagged")->title, "Advanced options>untagged");
	UT_EQ_STR(entry("top")->title, "Top");
	UT_EQ_STR(warnings, "");
	UT_EQ_INT(parse("menu begin open\nlabel a\n kernel /a\n"), 1);
	UT_CHECK(strstr(warnings, "MENU BEGIN without MENU END") != NULL);
}

UT_TEST(syslinux_menu_nesting_limit)
{
	char f[2048] = "";

	for (int i = 0; i < SYSLINUX_MENU_DEPTH + 3; i++)
		snprintf(f + strlen(f), sizeof(f) - strlen(f), "menu begin m%d\n", i);
	strcat(f, "label deep\n kernel /k\n");
	for (int i = 0; i < SYSLINUX_MENU_DEPTH + 3; i++)
		strcat(f, "menu end\n");
	strcat(f, "label top\n kernel /k\n");
	UT_EQ_INT(parse(f), 2);
	UT_EQ_STR(entry("deep")->title, "m0>m1>m2>m3>m4>m5>m6>m7>deep");
	UT_EQ_STR(entry("top")->title, "top");
	UT_CHECK(strstr(warnings, "nested deeper than 8 menus") != NULL);
}

UT_TEST(syslinux_text_help_and_menu_moves_are_skipped)
{
	const char *f = "label mainmenu\n menu label ^Back..\n menu exit\n"
			"label help\n menu label ^Help\n text help\n"
			"   label bogus\n   kernel /bogus\n"
			" endtext\n kernel /help-kernel\n"
			"label gap\n menu disable\n"
			"label g\n menu goto other\n"
			"label q\n menu quit\n"
			"label last\n kernel /k\n text help\n never closed\n";

	UT_EQ_INT(parse(f), 2);
	UT_EQ_STR(entry("help")->kernel, "/help-kernel");
	UT_EQ_STR(entry("last")->kernel, "/k");
	UT_CHECK(strstr(warnings, "syslinux.cfg:1: LABEL mainmenu skipped: MENU EXIT") != NULL);
	UT_CHECK(strstr(warnings, "LABEL gap skipped: MENU DISABLE") != NULL);
	UT_CHECK(strstr(warnings, "MENU GOTO") != NULL);
	UT_CHECK(strstr(warnings, "MENU QUIT") != NULL);
	UT_CHECK(strstr(warnings, "syslinux.cfg:19: TEXT without ENDTEXT") != NULL);
}

UT_TEST(syslinux_timeout_rounding_and_limits)
{
	UT_EQ_INT(parse("timeout 51\nlabel a\n kernel /a\n"), 1);
	UT_EQ_INT(l.timeout_s, 6);
	UT_EQ_INT(parse("TIMEOUT 50 # five seconds\n"), 0);
	UT_EQ_INT(l.timeout_s, 5);
	UT_EQ_INT(parse("timeout 99999999999999999999999\n"), 0);
	UT_EQ_INT(l.timeout_s, SYSLINUX_TIMEOUT_MAX / 10);
	UT_CHECK(strstr(warnings, "more than 36000 tenths") != NULL);
	UT_EQ_INT(parse("timeout 5s\n"), 0);
	UT_EQ_INT(l.timeout_s, -1);
	UT_CHECK(strstr(warnings, "syslinux.cfg:1: timeout '5s' is not a number") != NULL);
	/* the last TIMEOUT wins; a list that has a timeout keeps it */
	UT_EQ_INT(parse("timeout 300\ntimeout 0\n"), 0);
	UT_EQ_INT(l.timeout_s, -1);
	boot_list_init(&l);
	l.timeout_s = 2;
	UT_EQ_INT(syslinux_parse("timeout 50\n", 11, NULL, "/syslinux.cfg", &l, NULL, NULL), 0);
	UT_EQ_INT(l.timeout_s, 2);
}

UT_TEST(syslinux_ipappend_and_passwd_warnings)
{
	const char *f = "ipappend 2\n"
			"label a\n kernel /a\n"
			"label b\n kernel /b\n sysappend 0\n"
			"label c\n kernel /c\n menu passwd $1$x$y\n";

	UT_EQ_INT(parse_at(NULL, "/pxelinux.cfg/default", f), 3);
	UT_CHECK(has_warning(entry("a"), "IPAPPEND/SYSAPPEND 2"));
	UT_EQ_INT(entry("b")->n_warnings, 0);
	UT_CHECK(has_warning(entry("c"), "password"));
	UT_EQ_INT(parse("ipappend x\n"), 0);
	UT_CHECK(strstr(warnings, "ipappend 'x' is not a number") != NULL);
}

UT_TEST(syslinux_uboot_devicetree_keywords)
{
	const char *f = "label fdt\n kernel /boot/Image.img\n fdt dtbs/board.dtb\n"
			" fdtoverlays /o/a.dtbo  b.dtbo\n fdt /second.dtb\n"
			"label dir\n linux /boot/vmlinuz\n fdtdir /usr/lib/linux-image-6.12.6-arm64/\n"
			"label dir2\n linux /boot/vmlinuz\n devicetreedir /dtbs\n devicetree /x.dtb\n";

	UT_EQ_INT(parse_at(NULL, "/boot/extlinux/extlinux.conf", f), 3);
	/* a label with fdt keywords is U-Boot's: KERNEL is a kernel whatever its name */
	UT_EQ_STR(entry("fdt")->unbootable, "");
	UT_EQ_STR(entry("fdt")->devicetree, "/boot/extlinux/dtbs/board.dtb");
	UT_EQ_INT(entry("fdt")->n_overlays, 2);
	UT_EQ_STR(entry("fdt")->overlays[0], "/o/a.dtbo");
	UT_EQ_STR(entry("fdt")->overlays[1], "/boot/extlinux/b.dtbo");
	UT_CHECK(strstr(warnings, "extlinux.conf:5: second fdt in LABEL fdt: ignored") != NULL);
	UT_EQ_STR(entry("dir")->devicetree, "/usr/lib/linux-image-6.12.6-arm64/");
	UT_CHECK(has_warning(entry("dir"), "FDTDIR /usr/lib/linux-image-6.12.6-arm64/"));
	UT_EQ_STR(entry("dir2")->devicetree, "/x.dtb");
}

UT_TEST(syslinux_malformed_lines_are_reported_and_skipped)
{
	char f[6000];
	int n;

	n = snprintf(f, sizeof(f), "kernel /early\ninitrd /early\nmenu label early\n"
				   "menu hide\nfdt /x\nLABEL\n kernel /nameless\nlabel ok\n");
	memset(f + n, 'x', 4100);
	memcpy(f + n, " append ", 8);
	n += 4100;
	n += snprintf(f + n, sizeof(f) - (size_t)n, "\n kernel /ok\r\n append a=1\rjunk\n");
	boot_list_init(&l);
	UT_EQ_INT(syslinux_parse(f, (size_t)n, NULL, "/syslinux.cfg", &l, collect, NULL), 1);
	UT_EQ_STR(entry("ok")->kernel, "/ok");
	UT_EQ_STR(entry("ok")->cmdline, "a=1");
	UT_CHECK(strstr(warnings, "/syslinux.cfg:1: kernel outside a LABEL: ignored") != NULL);
	UT_CHECK(strstr(warnings, "/syslinux.cfg:2: initrd outside a LABEL") != NULL);
	UT_CHECK(strstr(warnings, "/syslinux.cfg:3: MENU LABEL outside a LABEL") != NULL);
	UT_CHECK(strstr(warnings, "/syslinux.cfg:4: MENU HIDE outside a LABEL") != NULL);
	UT_CHECK(strstr(warnings, "/syslinux.cfg:5: fdt outside a LABEL") != NULL);
	UT_CHECK(strstr(warnings, "/syslinux.cfg:6: LABEL without a name") != NULL);
	UT_CHECK(strstr(warnings, "/syslinux.cfg:9: line longer than 4096 bytes") != NULL);
	{
		static const char nul[] = "label a\n kernel /k\0b\n";

		boot_list_init(&l);
		UT_EQ_INT(syslinux_parse(nul, sizeof(nul) - 1, NULL, "/s.cfg", &l, collect, NULL), 1);
		/* the KERNEL line was dropped: the label's name is the file */
		UT_EQ_STR(l.entries[0].kernel, "/a");
	}
	UT_CHECK(strstr(warnings, "/s.cfg:2: NUL byte") != NULL);
}

UT_TEST(syslinux_limits)
{
	static char big[BOOT_CONFIG_MAX + 1];
	char f[BOOT_CONFIG_MAX];
	size_t n = 0;

	memset(big, '#', sizeof(big));
	UT_EQ_INT(syslinux_parse(big, sizeof(big), NULL, "/s.cfg", &l, NULL, NULL), -EFBIG);
	UT_EQ_INT(syslinux_parse(big, BOOT_CONFIG_MAX, NULL, "/s.cfg", &l, NULL, NULL), 0);
	UT_EQ_INT(syslinux_parse(NULL, 0, NULL, "/s.cfg", &l, NULL, NULL), -EINVAL);

	for (int i = 0; i < BOOT_MAX_ENTRIES + 5; i++)
		n += (size_t)snprintf(f + n, sizeof(f) - n, "label l%d\n kernel /k\n", i);
	UT_EQ_INT(parse(f), BOOT_MAX_ENTRIES);
	UT_EQ_INT(l.dropped, 5);
	UT_CHECK(strstr(warnings, "syslinux.cfg:257: LABEL l128 skipped: more than 128 boot entries") !=
		 NULL);

	memset(f, 'n', 200);
	memcpy(f, "label ", 6);
	strcpy(f + 200, "\n kernel /k\nlabel short\n kernel /k\n");
	UT_EQ_INT(parse(f), 1);
	UT_CHECK(strstr(warnings, "LABEL name longer than 127 bytes") != NULL);

	UT_EQ_INT(parse("label many\n kernel /k\n initrd 1,2,3,4,5,6,7,8,9\n"), 1);
	UT_EQ_INT(l.entries[0].n_initrds, BOOT_MAX_INITRDS);
	UT_EQ_STR(l.entries[0].unbootable, "more than 8 initrd files");

	n = (size_t)snprintf(f, sizeof(f), "label long\n kernel /k ");
	memset(f + n, 'a', 3000);
	n += 3000;
	n += (size_t)snprintf(f + n, sizeof(f) - n, "\n append ");
	memset(f + n, 'b', 3000);
	n += 3000;
	f[n] = '\0';
	UT_EQ_INT(parse(f), 1);
	UT_EQ_STR(l.entries[0].unbootable, "command line longer than 4095 bytes");
	UT_EQ_STR(l.entries[0].cmdline, "");
}

UT_TEST(syslinux_default_lookup_stays_within_this_config)
{
	boot_list_init(&l);
	boot_entry_init(&l.entries[0], BOOT_FORMAT_BLS);
	strcpy(l.entries[0].id, "linux");
	l.n = 1;
	static const char f[] = "default linux\nlabel linux\n kernel /k\n";

	UT_EQ_INT(syslinux_parse(f, strlen(f), NULL, "/syslinux.cfg", &l, NULL, NULL), 1);
	UT_EQ_INT(l.n, 2);
	UT_EQ_INT(l.entries[0].is_default, 0);
	UT_EQ_INT(l.entries[1].is_default, 1);
}

UT_TEST(syslinux_include_relative_to_the_working_directory)
{
	const char *d = ut_tmpdir();
	const char *main_cfg = "include sub.cfg\n"
			       "label main\n"
			       "  include more/cont.cfg\n"
			       "include missing.cfg\n"
			       "include sub.cfg Sub menu\n"
			       "label after\n kernel /after\n";

	mkdirs("boot/syslinux/more");
	write_text("boot/syslinux/sub.cfg", "# sub\nlabel sub\n kernel vmlinuz-sub\n"
					    "include more/deeper.cfg\n");
	/* relative to syslinux's working directory, not to the including file's */
	write_text("boot/syslinux/more/deeper.cfg", "label deeper\n kernel more/vmlinuz\n");
	write_text("boot/syslinux/more/cont.cfg", "  kernel /continued\n  append from=include\n");
	UT_EQ_INT(parse_at(d, "/boot/syslinux/syslinux.cfg", main_cfg), 6);
	UT_EQ_STR(l.entries[0].id, "sub");
	UT_EQ_STR(l.entries[0].source, "/boot/syslinux/sub.cfg");
	UT_EQ_INT(l.entries[0].line, 2);
	UT_EQ_STR(l.entries[0].kernel, "/boot/syslinux/vmlinuz-sub");
	UT_EQ_STR(l.entries[0].root, d);
	UT_EQ_STR(l.entries[1].id, "deeper");
	UT_EQ_STR(l.entries[1].kernel, "/boot/syslinux/more/vmlinuz");
	UT_EQ_STR(l.entries[1].source, "/boot/syslinux/more/deeper.cfg");
	/* a LABEL goes on in an INCLUDEd file: syslinux's state is global */
	UT_EQ_STR(l.entries[2].id, "main");
	UT_EQ_STR(l.entries[2].kernel, "/continued");
	UT_EQ_STR(l.entries[2].cmdline, "from=include");
	UT_EQ_STR(l.entries[2].source, "/boot/syslinux/syslinux.cfg");
	UT_EQ_STR(l.entries[3].title, "Sub menu>sub");
	UT_EQ_STR(l.entries[4].title, "Sub menu>deeper");
	UT_EQ_STR(l.entries[5].title, "after");
	UT_CHECK(strstr(warnings, "/boot/syslinux/syslinux.cfg:4: INCLUDE /boot/syslinux/missing.cfg: "
				  "skipped: ENOENT") != NULL);
	UT_EQ_INT(parse_at(NULL, "/boot/syslinux/syslinux.cfg", main_cfg), 2);
	UT_CHECK(strstr(warnings, "INCLUDE sub.cfg: no filesystem root") != NULL);
}

UT_TEST(syslinux_include_depth_limit)
{
	const char *d = ut_tmpdir();

	mkdirs("syslinux");
	write_text("syslinux/self.cfg", "label s\n kernel /s\ninclude self.cfg\n");
	UT_EQ_INT(parse_at(d, "/syslinux/syslinux.cfg", "include self.cfg\n"), SYSLINUX_INCLUDE_DEPTH);
	UT_CHECK(strstr(warnings, "/syslinux/self.cfg:3: INCLUDE self.cfg: skipped: INCLUDE nested "
				  "deeper than 4 files") != NULL);
}

UT_TEST(syslinux_scan_takes_the_first_config_found)
{
	static struct boot_list sl;
	const char *d = ut_tmpdir();

	boot_list_init(&sl);
	UT_EQ_INT(syslinux_scan(d, &sl, collect, NULL), 0);
	mkdirs("pxelinux.cfg");
	write_text("pxelinux.cfg/default", "label pxe\n kernel linux\n");
	UT_EQ_INT(syslinux_scan(d, &sl, collect, NULL), 1);
	UT_EQ_STR(sl.entries[0].source, "/pxelinux.cfg/default");
	UT_EQ_STR(sl.entries[0].kernel, "/linux");
	mkdirs("boot/extlinux");
	write_text("syslinux.cfg", "label s\n kernel /s\n");
	write_text("boot/extlinux/extlinux.conf", "timeout 30\nlabel e\n linux /e\n");
	boot_list_init(&sl);
	UT_EQ_INT(syslinux_scan(d, &sl, collect, NULL), 1);
	UT_EQ_STR(sl.entries[0].id, "e");
	UT_EQ_STR(sl.entries[0].source, "/boot/extlinux/extlinux.conf");
	UT_EQ_INT(sl.timeout_s, 3);
	UT_EQ_INT(syslinux_scan("/nonexistent-embark-root", &sl, NULL, NULL), -ENOENT);
}

UT_TEST(syslinux_pxe_candidate_order)
{
	/* doc/pxelinux.txt: MAC 88:99:AA:BB:CC:DD, IP 192.168.2.91 */
	static const uint8_t mac[6] = { 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd };
	static const char *const want[] = { "01-88-99-aa-bb-cc-dd", "C0A8025B", "C0A8025", "C0A802",
					    "C0A80", "C0A8", "C0A", "C0", "C", "default" };
	char out[SYSLINUX_PXE_CANDIDATES + 2][SYSLINUX_PXE_NAME_MAX];

	UT_EQ_INT(syslinux_pxe_candidates(mac, 0xC0A8025BU, out, sizeof(out) / sizeof(out[0])), 10);
	for (int i = 0; i < 10; i++)
		UT_EQ_STR(out[i], want[i]);
	UT_EQ_INT(syslinux_pxe_candidates(mac, 0xC0A8025BU, out, 3), 3);
	UT_EQ_STR(out[2], "C0A8025");
	UT_EQ_INT(syslinux_pxe_candidates(NULL, 0x0A000001U, out, sizeof(out) / sizeof(out[0])), 9);
	UT_EQ_STR(out[0], "0A000001");
	UT_EQ_STR(out[8], "default");
	UT_EQ_INT(syslinux_pxe_candidates(NULL, 0, out, sizeof(out) / sizeof(out[0])), 1);
	UT_EQ_STR(out[0], "default");
}
