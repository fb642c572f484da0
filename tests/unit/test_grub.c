/* grub.cfg interpreter: quoting and expansion, conditionals, loops, functions, contexts,
 * menus and default selection, search/device, grubenv, source/configfile, blscfg, limits,
 * and recovery from malformed input. Each case is a small config with the one rule it
 * checks; files it reads are made in the test's own directory. */
#include "grub/grub.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct boot_list list;
static char warnings[16384];
static unsigned n_warnings;

static void collect(void *ctx, const char *msg)
{
	size_t have = strlen(warnings);

	(void)ctx;
	snprintf(warnings + have, sizeof(warnings) - have, "%s\n", msg);
	n_warnings++;
}

static int run_in(const char *root, const char *cfg)
{
	boot_list_init(&list);
	warnings[0] = '\0';
	n_warnings = 0;
	return grub_parse(cfg, strlen(cfg), root, "/boot/grub/grub.cfg", &list, collect, NULL);
}

static int run(const char *cfg)
{
	return run_in("/nonexistent-embark-root", cfg);
}

static const struct boot_entry *entry(const char *title)
{
	for (unsigned i = 0; i < list.n; i++)
		if (strcmp(list.entries[i].title, title) == 0)
			return &list.entries[i];
	return NULL;
}

static int warned(const char *needle)
{
	return strstr(warnings, needle) != NULL;
}

static int count_warned(const char *needle)
{
	int n = 0;

	for (const char *p = warnings; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The index of the entry marked default, or -1 (and -2 when several are). */
static int default_index(void)
{
	int d = -1;

	for (unsigned i = 0; i < list.n; i++)
		if (list.entries[i].is_default)
			d = d == -1 ? (int)i : -2;
	return d;
}

static void mkfile(const char *path, const char *text)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"", ut_tmpdir(), path);
	UT_EQ_INT(system(cmd), 0);
	ut_write_file(path, text, strlen(text));
}

/* ---- lexing, quoting, expansion ----------------------------------------------------- */

UT_TEST(grub_quoting_and_loader_cmdline)
{
	const char *cfg = "set v='one two'\n"
			  "menuentry 'A b' {\n"
			  "\tlinux /k 'x y' \"q\\\"z\" a\\ b '$v' \"$v\" $v c\\\\d \"s\\$t\"\n"
			  "}\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].title, "A b");
	UT_EQ_STR(list.entries[0].kernel, "/k");
	/* GRUB's loader quotes arguments with a space and escapes " ' \ */
	UT_EQ_STR(list.entries[0].cmdline,
		  "\"x y\" q\\\"z \"a b\" $v \"one two\" one two c\\\\d s$t");
	UT_EQ_INT(n_warnings, 0);
}

UT_TEST(grub_comments_continuations_and_separators)
{
	const char *cfg = "# a comment\n"
			  "set a=1 # trailing comment\n"
			  "set b=x#y; set c=3\n"
			  "menuentry \"T\" { linux /k \\\n"
			  "   a=$a b=$b c=$c \\\n"
			  "   d;  initrd /i1\n"
			  "initrd /i2 # two initrd lines\n"
			  "}\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "a=1 b=x#y c=3 d");
	UT_EQ_INT(list.entries[0].n_initrds, 2);
	UT_EQ_STR(list.entries[0].initrds[1], "/i2");
	UT_CHECK(strstr(list.entries[0].warnings[0], "second initrd") != NULL);
}

UT_TEST(grub_word_splitting_follows_grub)
{
	const char *cfg = "set e=\n"
			  "set two='a  b'\n"
			  "set lead=' x'\n"
			  "menuentry T {\n"
			  "  linux /k $e \"$e\" ${two} pre$e/post \"${two}\" $lead\n"
			  "}\n";

	UT_EQ_INT(run(cfg), 1);
	/* unquoted empty: no argument; quoted empty: one; unquoted value split at spaces;
	 * a leading space starts an empty argument first, as in GRUB */
	UT_EQ_STR(list.entries[0].cmdline, " a b pre/post \"a  b\"  x");
}

UT_TEST(grub_positional_parameters_of_entries)
{
	const char *cfg = "menuentry 'My title' extra 'two words' {\n"
			  "  linux /k n=$# one=\"$1\" two=$2 all=\"$*\"\n"
			  "  initrd \"/$3\"\n"
			  "}\n"
			  "menuentry P --class os x y {\n"
			  "  setparams a b c\n"
			  "  shift\n"
			  "  linux /k \"$@\" $9\n"
			  "}\n";

	UT_EQ_INT(run(cfg), 2);
	UT_EQ_STR(list.entries[0].cmdline,
		  "n=3 \"one=My title\" two=extra \"all=My title extra two words\"");
	UT_EQ_STR(list.entries[0].initrds[0], "/two words");
	UT_EQ_STR(list.entries[1].cmdline, "b c");
}

UT_TEST(grub_bad_dollar_and_unclosed_quote_are_reported)
{
	const char *cfg = "set x=$\n"
			  "set y='never closed\n"
			  "menuentry z { linux /z }\n";

	/* reading resumes at the next statement line, even inside the unclosed quote */
	UT_EQ_INT(run(cfg), 1);
	UT_CHECK(warned("grub.cfg:1: '$' is not followed by a variable name"));
	UT_CHECK(warned("grub.cfg:2: quote ' is never closed"));
}

/* ---- conditionals and tests --------------------------------------------------------- */

UT_TEST(grub_if_elif_else_and_test_operators)
{
	const char *cfg =
		"set n=10\n"
		"if [ x$feature_platform_search_hint = xy ]; then set a=hint; else set a=no; fi\n"
		"if [ -z \"$unset\" -a -n \"$n\" ]; then set b=1; fi\n"
		"if [ $n -gt 9 -o $n -lt 0 ]; then set c=1; else set c=0; fi\n"
		"if test ! 0x10 -eq 16; then set d=no; elif [ \"a\" != \"a\" ]; then set d=no2;\n"
		"else set d=yes; fi\n"
		"if [ ( a = b ) -o ( 1 -le 1 ) ]; then set e=1; fi\n"
		"if [ \"\" ]; then set f=1; else set f=0; fi\n"
		"if [ a \"<\" b ]; then set g=1; fi\n"
		"if false; then set h=1; elif true; then set h=2; fi\n"
		"menuentry T { linux /k $a $b $c $d $e $f $g $h }\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "hint 1 1 yes 1 0 1 2");
}

UT_TEST(grub_file_tests_look_under_root)
{
	const char *root = ut_tmpdir();
	const char *cfg = "if [ -e /boot/grub/grubenv ]; then set e=1; fi\n"
			  "if [ -f ($root)/boot/grub ]; then set f=dir; else set f=notfile; fi\n"
			  "if [ -d ${prefix} ]; then set d=1; fi\n"
			  "if [ -s /empty ]; then set s=1; else set s=empty; fi\n"
			  "if [ -e /../../boot/grub/grubenv ]; then set up=clamped; fi\n"
			  "if ! [ -e /missing ]; then set m=missing; fi\n"
			  "menuentry T { linux /k $e $f $d $s $up $m }\n";

	mkfile("boot/grub/grubenv", "# GRUB Environment Block\n");
	mkfile("empty", "");
	UT_EQ_INT(run_in(root, cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "1 notfile 1 empty clamped missing");
}

UT_TEST(grub_test_needs_closing_bracket)
{
	UT_EQ_INT(run("if [ a = a ; then set x=1; fi\nmenuentry T { linux /k $x }\n"), 1);
	UT_CHECK(warned("grub.cfg:1: [: '[' without a closing ']'"));
	UT_EQ_STR(list.entries[0].cmdline, "");
}

/* ---- functions, loops, && || -------------------------------------------------------- */

UT_TEST(grub_functions_with_parameters_and_return)
{
	const char *cfg = "function f {\n"
			  "  set got=\"$1-$2\"\n"
			  "  if [ \"$1\" = stop ]; then return 3; fi\n"
			  "  set after=1\n"
			  "}\n"
			  "f stop x\n"
			  "set st=$?\n"
			  "f go y\n"
			  "menuentry T { linux /k $got $st $after }\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "go-y 1 1");
}

UT_TEST(grub_functions_are_global_and_called_from_entries)
{
	const char *cfg = "menuentry T { load_video; gfxmode keep; linux /k $vt_handoff $gfxpayload }\n"
			  "function gfxmode {\n"
			  "\tset gfxpayload=\"${1}\"\n"
			  "\tif [ \"${1}\" = \"keep\" ]; then set vt_handoff=vt.handoff=7; fi\n"
			  "}\n";

	/* the entry runs after the whole file, so a function defined later is there */
	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "vt.handoff=7 keep");
}

UT_TEST(grub_recursion_is_bounded)
{
	UT_EQ_INT(run("function f { f; }\nf\nmenuentry T { linux /k }\n"), 1);
	UT_CHECK(warned("calls nested deeper than 16"));
}

UT_TEST(grub_for_while_until_break_continue)
{
	const char *cfg = "set out=\n"
			  "for x in a b c d; do\n"
			  "  if [ $x = b ]; then continue; fi\n"
			  "  if [ $x = d ]; then break; fi\n"
			  "  set out=\"$out$x\"\n"
			  "done\n"
			  "set i=\n"
			  "while [ \"$i\" != xxx ]; do set i=\"${i}x\"; done\n"
			  "until true; do set never=1; done\n"
			  "for a in 1 2; do for b in 1 2; do break 2; done; set n=no; done\n"
			  "menuentry T { linux /k $out $i $never $n }\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "ac xxx");
}

UT_TEST(grub_loops_are_capped)
{
	UT_EQ_INT(run("while true; do set a=1; done\nmenuentry T { linux /k }\n"), 1);
	UT_CHECK(warned("grub.cfg:1: while: more than 1000 iterations; loop ended"));
}

UT_TEST(grub_runaway_work_stops_with_a_message)
{
	const char *cfg = "function f { for a in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do "
			  "for b in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do "
			  "for c in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do true; done; done; done; }\n"
			  "menuentry early { linux /early }\n"
			  "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 "
			  "27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 "
			  "52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 "
			  "77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 100 "
			  "101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 "
			  "119 120 121 122 123 124 125; do f; done\n";

	UT_EQ_INT(run(cfg), 0);
	UT_CHECK(warned("more than 100000 commands run"));
}

UT_TEST(grub_and_or_run_as_shell_but_warn)
{
	const char *cfg = "true && set a=1 || set a=2\n"
			  "false && set b=1 || set b=2\n"
			  "false || false || set c=3\n"
			  "menuentry T { linux /k $a $b $c }\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].cmdline, "1 2 3");
	UT_CHECK(warned("grub.cfg:1: '&&' and '||' are not GRUB syntax"));
}

/* ---- contexts ----------------------------------------------------------------------- */

UT_TEST(grub_submenus_see_exported_variables_only)
{
	const char *cfg = "set local=L\n"
			  "set shared=S\n"
			  "export shared\n"
			  "submenu Sub {\n"
			  "  menuentry In { linux /k l=$local s=$shared t=$1 }\n"
			  "}\n"
			  "menuentry Out { linux /k l=$local late=$late }\n"
			  "set late=yes\n";

	UT_EQ_INT(run(cfg), 2);
	UT_EQ_STR(entry("Sub>In")->cmdline, "l= s=S t=In");
	/* bodies run after the file with its final variables, as at GRUB's boot time */
	UT_EQ_STR(entry("Out")->cmdline, "l=L late=yes");
	UT_EQ_STR(entry("Sub>In")->id, "Sub>In");
}

UT_TEST(grub_entry_bodies_do_not_leak_into_each_other)
{
	const char *cfg = "menuentry A { set x=from-a; linux /a }\n"
			  "menuentry B { linux /b x=$x }\n";

	UT_EQ_INT(run(cfg), 2);
	UT_EQ_STR(list.entries[1].cmdline, "x=");
}

/* ---- menu entries ------------------------------------------------------------------- */

UT_TEST(grub_menuentry_options_and_ids)
{
	const char *cfg = "menuentry_id_option=\"--id\"\n"
			  "menuentry 'A' --class debian --class os --unrestricted "
			  "$menuentry_id_option 'gnulinux-simple-1' { linux /a }\n"
			  "menuentry --hotkey=x 'B' --id=bee --users admin { linux /b $2 }\n"
			  "menuentry --source='linux /c from-source' C\n";

	UT_EQ_INT(run(cfg), 3);
	UT_EQ_STR(list.entries[0].id, "gnulinux-simple-1");
	UT_EQ_STR(list.entries[0].source, "/boot/grub/grub.cfg");
	UT_EQ_INT(list.entries[0].line, 2);
	UT_EQ_INT(list.entries[0].format, BOOT_FORMAT_GRUB);
	UT_EQ_STR(list.entries[0].root, "/nonexistent-embark-root");
	UT_EQ_STR(list.entries[1].id, "bee");
	/* --users takes a value only as --users=x: "admin" is an argument, as in GRUB */
	UT_EQ_STR(list.entries[1].cmdline, "admin");
	UT_EQ_STR(list.entries[2].cmdline, "from-source");
}

UT_TEST(grub_entries_without_linux_are_reported)
{
	const char *cfg = "menuentry 'Windows Boot Manager (on /dev/sda1)' { chainloader /EFI/x }\n"
			  "menuentry 'UEFI Firmware Settings' { fwsetup }\n"
			  "menuentry 'Nothing' { echo hi }\n"
			  "menuentry 'No body'\n"
			  "menuentry 'Linux' { linux /vmlinuz }\n";

	UT_EQ_INT(run(cfg), 1);
	UT_CHECK(warned("grub.cfg:1: menuentry 'Windows Boot Manager (on /dev/sda1)' loads no "
			"Linux kernel (it uses chainloader): not added"));
	UT_CHECK(warned("grub.cfg:2: menuentry 'UEFI Firmware Settings' loads no Linux kernel "
			"(it uses fwsetup: firmware setup)"));
	UT_CHECK(warned("grub.cfg:3: menuentry 'Nothing' loads no Linux kernel: not added"));
	UT_CHECK(warned("grub.cfg:4: menuentry: 'No body' has no { } body; not added"));
}

UT_TEST(grub_hidden_entries_are_added_with_a_warning)
{
	UT_EQ_INT(run("hiddenentry 'Text mode' --hotkey 't' { linux /k textmode=1 }\n"), 1);
	UT_EQ_STR(list.entries[0].warnings[0], "hidden entry: GRUB lists it only under its hotkey");
}

UT_TEST(grub_linux_resets_initrds_and_initrd_needs_linux)
{
	const char *cfg = "menuentry T {\n"
			  "  initrd /too-early\n"
			  "  linux16 /first\n"
			  "  initrd16 /old\n"
			  "  linuxefi (hd0,gpt2)/second a\n"
			  "  initrdefi /new1 ($root)/new2\n"
			  "  devicetree /dtb\n"
			  "}\n";

	UT_EQ_INT(run(cfg), 1);
	UT_EQ_STR(list.entries[0].kernel, "/second");
	UT_EQ_INT(list.entries[0].n_initrds, 2);
	UT_EQ_STR(list.entries[0].initrds[1], "/new2");
	UT_EQ_STR(list.entries[0].devicetree, "/dtb");
	UT_CHECK(strstr(list.entries[0].warnings[0], "'initrd' before 'linux' is ignored") != NULL);
	UT_CHECK(strstr(list.entries[0].warnings[1], "device (hd0,gpt2), taken to be this "
						     "filesystem") != NULL);
}

UT_TEST(grub_relative_paths_become_absolute)
{
	UT_EQ_INT(run("menuentry T { linux vmlinuz; initrd ./a/../initrd.img }\n"), 1);
	UT_EQ_STR(list.entries[0].kernel, "/vmlinuz");
	UT_EQ_STR(list.entries[0].initrds[0], "/initrd.img");
}

UT_TEST(grub_boot_ends_the_entry)
{
	UT_EQ_INT(run("menuentry T { linux /a; boot; linux /b }\n"), 1);
	UT_EQ_STR(list.entries[0].kernel, "/a");
}

UT_TEST(grub_menuentry_inside_an_entry_is_ignored)
{
	UT_EQ_INT(run("menuentry A { linux /a; menuentry B { linux /b } }\n"), 1);
	UT_CHECK(warned("inside a menu entry body: ignored"));
}

/* ---- default and timeout ------------------------------------------------------------ */

static const char *const menu_cfg =
	"menuentry 'Linux' --id lin { linux /a }\n"
	"submenu 'Advanced options' --id adv {\n"
	"  menuentry 'Linux 6.1' --id l61 { linux /b }\n"
	"  menuentry 'Linux 6.1 (recovery mode)' --id l61r { linux /c }\n"
	"  menuentry 'Odd>name' { linux /d }\n"
	"}\n"
	"menuentry 'Windows' { chainloader +1 }\n";

static int default_with(const char *line)
{
	char cfg[2048];

	snprintf(cfg, sizeof(cfg), "%s\n%s", line, menu_cfg);
	UT_EQ_INT(run(cfg), 4);
	return default_index();
}

UT_TEST(grub_default_by_number_title_id_and_path)
{
	UT_EQ_INT(default_with(""), 0);
	UT_EQ_INT(default_with("set default=0"), 0);
	UT_EQ_INT(default_with("set default=1"), 1); /* a submenu: its first entry */
	UT_EQ_INT(default_with("set default=\"1>1\""), 2);
	UT_EQ_INT(default_with("set default='Advanced options>Linux 6.1 (recovery mode)'"), 2);
	UT_EQ_INT(default_with("set default='adv>l61'"), 1);
	UT_EQ_INT(default_with("set default='adv>Odd>>name'"), 3);
	UT_EQ_INT(default_with("set default=lin"), 0);
	UT_EQ_INT(default_with("set default=9"), 0);   /* out of range: the first */
	UT_EQ_INT(default_with("set default=0x1"), 1); /* strtoul base 0 */
	UT_EQ_INT(default_with("set default=nosuch"), 0);
	UT_CHECK(warned("default 'nosuch' names no menu entry"));
	UT_EQ_INT(default_with("set default=2"), -1); /* Windows: no Linux default */
	UT_CHECK(warned("GRUB's default is 'Windows', which is not a Linux entry"));
}

UT_TEST(grub_default_from_grubenv_saved_and_next_entry)
{
	const char *root = ut_tmpdir();
	char cfg[2048];

	mkfile("boot/grub/grubenv", "# GRUB Environment Block\nsaved_entry=l61r\n"
				    "next_entry=\nkernelopts=root=/dev/sda1 ro\\\\x\n"
				    "################");
	snprintf(cfg, sizeof(cfg),
		 "if [ -s $prefix/grubenv ]; then\n  set have_grubenv=true\n  load_env\nfi\n"
		 "if [ \"${next_entry}\" ] ; then\n   set default=\"${next_entry}\"\nelse\n"
		 "   set default=\"adv>${saved_entry}\"\nfi\n%s"
		 "menuentry K { linux /k $kernelopts }\n", menu_cfg);
	UT_EQ_INT(run_in(root, cfg), 5);
	UT_EQ_INT(default_index(), 2);
	UT_EQ_STR(entry("K")->cmdline, "root=/dev/sda1 ro\\\\x");
	mkfile("boot/grub/grubenv", "# GRUB Environment Block\nsaved_entry=l61r\nnext_entry=1\n");
	UT_EQ_INT(run_in(root, cfg), 5);
	UT_EQ_INT(default_index(), 1);
	/* GRUB Legacy's "saved": embark reads saved_entry, and says so */
	mkfile("boot/grub/grubenv", "# GRUB Environment Block\nsaved_entry=lin\n");
	snprintf(cfg, sizeof(cfg), "load_env saved_entry\nset default=saved\n%s", menu_cfg);
	UT_EQ_INT(run_in(root, cfg), 4);
	UT_EQ_INT(default_index(), 0);
	UT_CHECK(warned("default=saved is GRUB Legacy syntax"));
}

UT_TEST(grub_default_ids_starting_with_digits_are_ids)
{
	const char *cfg = "set default=8f5a-5.14\n"
			  "menuentry A --id 8f5a-6.1 { linux /a }\n"
			  "menuentry B --id 8f5a-5.14 { linux /b }\n"
			  "menuentry C { linux /c }\n";

	/* "8f5a-..." is not the number 8: Fedora's GRUB matches it as an id */
	UT_EQ_INT(run(cfg), 3);
	UT_EQ_INT(default_index(), 1);
	UT_EQ_INT(run("set default=' 2 '\nmenuentry A { linux /a }\nmenuentry B { linux /b }\n"
		      "menuentry C { linux /c }\n"), 3);
	UT_EQ_INT(default_index(), 2);
}

UT_TEST(grub_timeout_is_the_first_said)
{
	UT_EQ_INT(run("set timeout=7\nmenuentry T { linux /k }\n"), 1);
	UT_EQ_INT(list.timeout_s, 7);
	UT_EQ_INT(run("set timeout=x\nmenuentry T { linux /k }\n"), 1);
	UT_EQ_INT(list.timeout_s, -1);
#ifdef BOOT_TIMEOUT_WAIT
	UT_EQ_INT(run("set timeout=-1\nmenuentry T { linux /k }\n"), 1);
	UT_EQ_INT(list.timeout_s, BOOT_TIMEOUT_WAIT);
#endif
	boot_list_init(&list);
	list.timeout_s = 3;
	grub_parse("set timeout=9\n", 14, "/x", "/boot/grub/grub.cfg", &list, NULL, NULL);
	UT_EQ_INT(list.timeout_s, 3);
}

/* ---- search and devices ------------------------------------------------------------- */

UT_TEST(grub_search_sets_the_entry_device)
{
	const char *cfg =
		"menuentry U { search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 "
		"--hint-efi=hd0,gpt2 1111-2222; linux /u }\n"
		"menuentry L { search --label --set BOOT; linux ($root)/l }\n"
		"menuentry F { search.file /vmlinuz-6 dev; linux ($dev)/vmlinuz-6 }\n"
		"menuentry S { search.fs_uuid 3333 ; linux /s }\n"
		"menuentry N { set root='hd0,msdos1'; linux /n }\n";

	UT_EQ_INT(run(cfg), 5);
	UT_EQ_INT(entry("U")->device, BOOT_DEVICE_UUID);
	UT_EQ_STR(entry("U")->device_value, "1111-2222");
	UT_EQ_INT(entry("L")->device, BOOT_DEVICE_LABEL);
	UT_EQ_STR(entry("L")->device_value, "BOOT");
	UT_EQ_INT(entry("F")->device, BOOT_DEVICE_FILE);
	UT_EQ_STR(entry("F")->device_value, "/vmlinuz-6");
	UT_EQ_INT(entry("S")->device, BOOT_DEVICE_SELF); /* no variable named: nothing set */
	UT_EQ_INT(entry("N")->device, BOOT_DEVICE_SELF);
	UT_EQ_INT(entry("N")->n_warnings, 0);
}

/* ---- files: source, configfile, load_env ------------------------------------------- */

UT_TEST(grub_source_reads_on_the_same_filesystem)
{
	const char *root = ut_tmpdir();

	mkfile("boot/grub/custom.cfg", "set from_custom=$config_directory\n"
				       "menuentry Custom { linux /custom $from_custom }\n");
	UT_EQ_INT(run_in(root, "if [ -f ${config_directory}/custom.cfg ]; then\n"
			       "  source ${config_directory}/custom.cfg\nfi\n"
			       "menuentry Main { linux /main $config_file }\n"),
		  2);
	UT_EQ_STR(entry("Custom")->source, "/boot/grub/custom.cfg");
	UT_EQ_INT(entry("Custom")->line, 2);
	UT_EQ_STR(entry("Custom")->cmdline, "(hd0,gpt1)/boot/grub");
	/* config_file is restored after `source` */
	UT_EQ_STR(entry("Main")->cmdline, "(hd0,gpt1)/boot/grub/grub.cfg");
	UT_EQ_INT(run_in(root, "source /boot/grub/missing.cfg\n"), 0);
	UT_CHECK(warned("grub.cfg:1: source: /boot/grub/missing.cfg: ENOENT"));
}

UT_TEST(grub_configfile_opens_a_new_context_and_menu)
{
	const char *root = ut_tmpdir();

	mkfile("other/grub.cfg", "set default=1\nmenuentry O1 { linux /o1 e=$exp l=$loc }\n"
				 "menuentry O2 { linux /o2 }\n");
	UT_EQ_INT(run_in(root, "set loc=L\nset exp=E\nexport exp\nmenuentry Before { linux /b }\n"
			       "configfile /other/grub.cfg\n"),
		  3);
	/* its entries come first and its default is GRUB's default */
	UT_EQ_STR(list.entries[0].title, "O1");
	UT_EQ_STR(list.entries[0].cmdline, "e=E l=");
	UT_EQ_INT(default_index(), 1);
	UT_CHECK(warned("GRUB would show this file's menu in place of the current one"));
}

UT_TEST(grub_configfile_to_another_filesystem_says_where)
{
	const char *cfg = "search.fs_uuid 0b64b1fb-ffff root hd0,gpt2\n"
			  "set prefix=($root)'/boot/grub'\n"
			  "configfile $prefix/grub.cfg\n";

	boot_list_init(&list);
	warnings[0] = '\0';
	UT_EQ_INT(grub_parse(cfg, strlen(cfg), "/nonexistent", "/EFI/debian/grub.cfg", &list,
			     collect, NULL), 0);
	UT_CHECK(warned("/EFI/debian/grub.cfg:3: configfile: (0b64b1fb-ffff)/boot/grub/grub.cfg: "
			"not on this filesystem (GRUB looks on the one with UUID 0b64b1fb-ffff)"));
}

UT_TEST(grub_source_depth_and_variable_count_are_bounded)
{
	const char *root = ut_tmpdir();
	static char cfg[8192];
	size_t o = 0;

	mkfile("loop.cfg", "set n=\"x$n\"\nsource /loop.cfg\n");
	UT_EQ_INT(run_in(root, "source /loop.cfg\nmenuentry T { linux /k $n }\n"), 1);
	UT_CHECK(warned("loop.cfg:2: source: /loop.cfg: source/configfile nested deeper than 4"));
	UT_EQ_STR(list.entries[0].cmdline, "xxxx");
	for (int i = 0; i < 140; i++)
		o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, "set v%d=%d\n", i, i);
	snprintf(cfg + o, sizeof(cfg) - o, "menuentry T { linux /k $v0 $v139 }\n");
	UT_EQ_INT(run(cfg), 1);
	UT_CHECK(warned("set: v1"));
	UT_CHECK(warned("not set: too many variables"));
	UT_EQ_STR(list.entries[0].cmdline, "0");
}

UT_TEST(grub_load_env_whitelist_and_bad_blocks)
{
	const char *root = ut_tmpdir();

	mkfile("env", "# GRUB Environment Block\na=1\nb=2\n#####");
	mkfile("bad", "a=1\n");
	UT_EQ_INT(run_in(root, "load_env -f /env b\nload_env --file=/bad\n"
			       "menuentry T { linux /k a=$a b=$b }\n"),
		  1);
	UT_EQ_STR(list.entries[0].cmdline, "a= b=2");
	UT_CHECK(warned("grub.cfg:2: load_env: /bad: not a GRUB environment block"));
}

/* ---- blscfg ------------------------------------------------------------------------- */

UT_TEST(grub_blscfg_expands_kernelopts_and_replaces_the_bls_entry)
{
	const char *root = ut_tmpdir();
	const char *cfg = "load_env -f ($root)/grub2/grubenv\n"
			  "set default=\"${saved_entry}\"\n"
			  "search --no-floppy --fs-uuid --set=root aaaa-bbbb\n"
			  "set tuned_params=\"\"\n"
			  "insmod blscfg\nblscfg\n";
	struct boot_entry *old;

	mkfile("grub2/grubenv", "# GRUB Environment Block\nkernelopts=root=/dev/vda2 ro quiet\n"
				"saved_entry=m-5.14.0-70\n");
	mkfile("loader/entries/m-5.14.0-70.conf",
	       "title Linux (5.14.0-70)\nversion 5.14.0-70\nlinux /vmlinuz-5.14.0-70\n"
	       "initrd /initramfs-5.14.0-70.img $tuned_initrd\noptions $kernelopts $tuned_params\n");
	mkfile("loader/entries/m-5.14.0-162.conf",
	       "title Linux (5.14.0-162)\nversion 5.14.0-162\nlinux /vmlinuz-5.14.0-162\n"
	       "options root=/dev/vda2 ${extra}\n");
	mkfile("loader/entries/broken.conf", "title no kernel\n");

	/* Alone: appended, newest first, with the file's id and BLS format. */
	UT_EQ_INT(run_in(root, cfg), 2);
	UT_EQ_STR(list.entries[0].id, "m-5.14.0-162");
	UT_EQ_STR(list.entries[1].cmdline, "root=/dev/vda2 ro quiet");
	UT_EQ_INT(list.entries[1].n_initrds, 1);
	UT_EQ_STR(list.entries[1].initrds[0], "/initramfs-5.14.0-70.img");
	UT_EQ_INT(list.entries[1].format, BOOT_FORMAT_BLS);
	UT_EQ_STR(list.entries[1].source, "/loader/entries/m-5.14.0-70.conf");
	UT_EQ_STR(list.entries[1].version, "5.14.0-70");
	UT_EQ_INT(list.entries[1].device, BOOT_DEVICE_UUID);
	UT_EQ_INT(default_index(), 1);
	UT_CHECK(warned("loader/entries/broken.conf: skipped by blscfg: no 'linux' key"));

	/* After the BLS scanner: the same entries are replaced in place, not added. */
	boot_list_init(&list);
	UT_EQ_INT(bootcfg_scan_bls(root, &list, NULL, NULL), 2);
	old = &list.entries[1];
	UT_EQ_STR(old->cmdline, "$kernelopts $tuned_params");
	UT_EQ_INT(grub_parse(cfg, strlen(cfg), root, "/grub2/grub.cfg", &list, collect, NULL), 0);
	UT_EQ_INT(list.n, 2);
	UT_EQ_STR(old->cmdline, "root=/dev/vda2 ro quiet");
	UT_EQ_INT(old->n_initrds, 1);
	UT_EQ_STR(old->initrds[0], "/initramfs-5.14.0-70.img");
	UT_EQ_INT(old->is_default, 1);
	UT_EQ_INT(old->device, BOOT_DEVICE_UUID);
}

/* ---- malformed input ---------------------------------------------------------------- */

UT_TEST(grub_recovers_after_statements_that_do_not_parse)
{
	const char *cfg = "fi\n"                           /* 1 */
			  "if true; then\n"                /* 2 */
			  "  set x=1\n"                    /* 3 */
			  "menuentry 'B' { linux /b }\n"   /* 4: recovered inside the broken if */
			  "echo a | b\n"                   /* 5 */
			  "&& true\n"                      /* 6 */
			  "menuentry 'C' { linux /c } x\n" /* 7 */
			  "}\n"                            /* 8 */
			  "menuentry 'D' { linux /d; if x; then; fi }\n" /* 9 */
			  "case x in\n"                    /* 10 */
			  "menuentry 'E' { linux /e }\n"   /* 11 */
			  "menuentry 'Unclosed' {\n"       /* 12 */
			  "\tlinux /unclosed\n"            /* 13 */
			  "menuentry 'F' {\n"              /* 14 */
			  "\tlinux /f\n"                   /* 15 */
			  "}\n";                           /* 16 */

	UT_EQ_INT(run(cfg), 4);
	UT_CHECK(entry("B") && entry("D") && entry("E") && entry("F"));
	UT_CHECK(warned("grub.cfg:1: 'fi' outside if/for/while; statement skipped"));
	UT_CHECK(warned("grub.cfg:5: '|' (pipe) is not GRUB syntax; statement skipped"));
	UT_EQ_INT(count_warned("grub.cfg:5:"), 1); /* re-read after recovery: said once */
	UT_CHECK(warned("grub.cfg:6: '&&' with no command before it"));
	UT_CHECK(warned("grub.cfg:7: a command must end after its '{ }' block"));
	UT_CHECK(warned("grub.cfg:9: ';' with no command before it"));
	UT_CHECK(warned("grub.cfg:10: 'case' is a GRUB keyword that no GRUB command accepts"));
	UT_CHECK(warned("grub.cfg:12: '{' opened here is never closed; statement skipped"));
	UT_EQ_INT(run("if true; then\n  menuentry X { linux /x }\n"), 1);
	UT_CHECK(warned("grub.cfg:1: 'if' opened here is never closed ('fi' missing)"));
	UT_EQ_INT(run("menuentry X { linux /x }\n}\nmenuentry Y { linux /y }\n"), 2);
	UT_CHECK(warned("grub.cfg:2: '}' without a matching '{'"));
}

UT_TEST(grub_nul_bytes_and_crlf)
{
	static const char cfg[] = "set a=1\r\nset b=\0x\r\nmenuentry T {\r\n linux /k $a\r\n}\r\n";

	boot_list_init(&list);
	warnings[0] = '\0';
	UT_EQ_INT(grub_parse(cfg, sizeof(cfg) - 1, "/x", "/boot/grub/grub.cfg", &list, collect,
			     NULL), 1);
	UT_EQ_STR(list.entries[0].cmdline, "1");
	UT_CHECK(warned("grub.cfg:2: NUL byte in a text file"));
}

UT_TEST(grub_limits_are_enforced_and_reported)
{
	static char cfg[BOOT_CONFIG_MAX + 2];
	size_t o = 0;

	for (int i = 0; i < 17; i++)
		o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, "if true; then ");
	o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, "true;");
	for (int i = 0; i < 17; i++)
		o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, " fi;");
	snprintf(cfg + o, sizeof(cfg) - o, "\nmenuentry T { linux /k }\n");
	UT_EQ_INT(run(cfg), 1);
	UT_CHECK(warned("if/for/while nested deeper than 16"));

	o = (size_t)snprintf(cfg, sizeof(cfg), "echo");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(cfg + o, sizeof(cfg) - o, " w");
	snprintf(cfg + o, sizeof(cfg) - o, "\nmenuentry T { linux /k }\n");
	UT_EQ_INT(run(cfg), 1);
	UT_CHECK(warned("grub.cfg:1: more than 256 words in one command"));

	memset(cfg, '#', sizeof(cfg) - 1);
	cfg[sizeof(cfg) - 1] = '\0';
	UT_EQ_INT(run(cfg), -EFBIG);
	UT_CHECK(warned("skipped: larger than 64 KiB"));
}

UT_TEST(grub_long_values_are_refused_not_cut)
{
	static char cfg[12000];
	size_t o = (size_t)snprintf(cfg, sizeof(cfg), "set v=");

	memset(cfg + o, 'x', 5000);
	o += 5000;
	snprintf(cfg + o, sizeof(cfg) - o, "\nmenuentry T { linux /k v=$v }\n");
	UT_EQ_INT(run(cfg), 1);
	UT_CHECK(warned("grub.cfg:1: set: v not set: value longer than 4096 bytes"));
	UT_EQ_STR(list.entries[0].cmdline, "v=");
}

/* ---- grub_scan ---------------------------------------------------------------------- */

UT_TEST(grub_scan_finds_the_first_config)
{
	const char *root = ut_tmpdir();

	UT_EQ_INT(grub_scan("/nonexistent-embark-root", &list, NULL, NULL), -ENOENT);
	boot_list_init(&list);
	UT_EQ_INT(grub_scan(root, &list, NULL, NULL), 0);
	mkfile("EFI/zz/grub.cfg", "menuentry ZZ { linux /zz }\n");
	mkfile("EFI/aa/grub.cfg", "menuentry AA { linux /aa }\n");
	UT_EQ_INT(grub_scan(root, &list, NULL, NULL), 1);
	UT_EQ_STR(list.entries[0].source, "/EFI/aa/grub.cfg");
	mkfile("grub2/grub.cfg", "menuentry G2 { linux /g2 }\n");
	mkfile("boot/grub2/grub.cfg", "menuentry BG2 { linux /bg2 }\n");
	boot_list_init(&list);
	UT_EQ_INT(grub_scan(root, &list, NULL, NULL), 1);
	UT_EQ_STR(list.entries[0].title, "BG2");
	UT_EQ_STR(list.entries[0].source, "/boot/grub2/grub.cfg");
}
