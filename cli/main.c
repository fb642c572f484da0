/* embark: one binary, two faces. As PID 1 it is the boot loader (init/); otherwise it is a
 * host command-line tool whose verbs run each step of the boot on a workstation. */
#include "cli/cli.h"
#include "init/init.h"
#include "version.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *help;
};

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct verb verbs[] = {
	{ "help", cmd_help, "", "this list" },
	{ "version", cmd_version, "", "print the version" },
	{ "mkinitramfs", cmd_mkinitramfs, "SPEC OUT",
	  "write a reproducible newc cpio from a gen_init_cpio list" },
	{ "cpio", cmd_cpio, "list FILE", "list the members of a newc cpio archive" },
	{ "parse", cmd_parse, "--root DIR [--format auto|bls|grub|syslinux|fit] [--json]",
	  "list the boot entries found under DIR, in boot order" },
	{ "hash", cmd_hash, "[--algo A] FILE...", "print digests like sha256sum" },
	{ "verify", cmd_verify, "--keyring KEYS IMAGE [--config NAME] [--json]",
	  "verify a signed FIT configuration (exit 0 verified, 1 refused)" },
	{ "fit", cmd_fit, "list IMAGE [--json] | extract IMAGE --keyring KEYS --out DIR",
	  "show a FIT's images and configurations; write a verified one's images" },
	{ "segments", cmd_segments,
	  "--kernel BZIMAGE [--initrd F]... [--cmdline S] [--json] | --check PLAN.json",
	  "the kexec_load segment list embark would load; check a plan against the kernel's rules" },
	{ "vercmp", cmd_vercmp, "VERSION1 [OP] VERSION2",
	  "compare versions as systemd-analyze compare-versions does" },
	{ "fetch", cmd_fetch, "URL --out FILE [--ca FILE] [--blksize N] [--timeout S] [--max BYTES]",
	  "download a tftp://, http:// or https:// URL as the boot loader does" },
	{ "dhcp", cmd_dhcp, "[--interface IF] [--timeout S] [--json] [--configure] [--resolve HOST]",
	  "run a DHCP exchange on IF and print the lease (root; --configure sets it)" },
	{ "resolve", cmd_resolve, "HOST --server IP [--timeout S]",
	  "look HOST up as the boot loader's DNS resolver does" },
};

static int cmd_help(int argc, char **argv)
{
	printf("embark %s — LinuxBoot boot loader (PID 1) and its host tool\n\n", EMBARK_VERSION);
	printf("usage: embark VERB [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char use[96];

		snprintf(use, sizeof(use), "%s %s", verbs[i].name, verbs[i].args);
		if (strlen(use) > 26)
			printf("  %s\n  %-26s %s\n", use, "", verbs[i].help);
		else
			printf("  %-26s %s\n", use, verbs[i].help);
	}
	printf("\nAs /init with PID 1, embark boots the machine; see README.md.\n");
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	printf("embark %s\n", EMBARK_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		return pid1_main(argc, argv); /* never returns */
	if (argc < 2) {
		cmd_help(0, NULL);
		return 2;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(0, NULL);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(0, NULL);
	fprintf(stderr, "embark: unknown verb '%s'; 'embark help' lists them\n", argv[1]);
	return 2;
}
