/* embark parse --root DIR [--format auto|bls|grub|syslinux|fit] [--json]
 * Treats DIR as the root of one boot filesystem and prints its entries in the order PID 1
 * would offer them. Exit: 0 entries found, 1 none found, 2 usage or I/O error. */
#include "bootcfg/bootcfg.h"
#include "cli/cli.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void print_warning(void *ctx, const char *msg)
{
	fprintf(stderr, "embark parse: warning: %s\n", msg);
}

static const char *const device_keys[] = { [BOOT_DEVICE_UUID] = "uuid",
					    [BOOT_DEVICE_LABEL] = "label",
					    [BOOT_DEVICE_FILE] = "file",
					    [BOOT_DEVICE_PARTUUID] = "partuuid" };

static void put_str_list(const char (*v)[BOOT_PATH_MAX], unsigned n)
{
	putchar('[');
	for (unsigned k = 0; k < n; k++) {
		printf("%s", k ? "," : "");
		json_put_str(stdout, v[k]);
	}
	putchar(']');
}

/* The schema README.md documents; paths are absolute within the scanned filesystem. */
static void print_json(const struct boot_list *l)
{
	printf("{\"entries\":[");
	for (unsigned i = 0; i < l->n; i++) {
		const struct boot_entry *e = &l->entries[i];
		unsigned nw = e->n_warnings < BOOT_MAX_WARNINGS ? e->n_warnings : BOOT_MAX_WARNINGS;

		printf("%s{\"title\":", i ? "," : "");
		json_put_str(stdout, e->title);
		printf(",\"id\":");
		json_put_str(stdout, e->id);
		printf(",\"kernel\":");
		json_put_str(stdout, e->kernel);
		printf(",\"initrd\":");
		put_str_list(e->initrds, e->n_initrds);
		printf(",\"cmdline\":");
		json_put_str(stdout, e->cmdline);
		printf(",\"devicetree\":");
		if (e->devicetree[0])
			json_put_str(stdout, e->devicetree);
		else
			printf("null");
		printf(",\"overlays\":");
		put_str_list(e->overlays, e->n_overlays);
		printf(",\"default\":%s,\"format\":\"%s\",\"source\":",
		       e->is_default ? "true" : "false", boot_format_name(e->format));
		json_put_str(stdout, e->source);
		printf(",\"line\":%u,\"device\":", e->line);
		if (e->device == BOOT_DEVICE_SELF) {
			printf("null");
		} else {
			printf("{\"%s\":", device_keys[e->device]);
			json_put_str(stdout, e->device_value);
			putchar('}');
		}
		printf(",\"bootable\":%s", e->unbootable[0] ? "false" : "true");
		if (e->unbootable[0]) {
			printf(",\"unbootable\":");
			json_put_str(stdout, e->unbootable);
		}
		if (e->tries_left >= 0)
			printf(",\"tries_left\":%d,\"tries_done\":%d", e->tries_left,
			       e->tries_done < 0 ? 0 : e->tries_done);
		printf(",\"warnings\":[");
		for (unsigned w = 0; w < nw; w++) {
			printf("%s", w ? "," : "");
			json_put_str(stdout, e->warnings[w]);
		}
		printf("]}");
	}
	printf("]");
	if (l->timeout_s >= 0 || l->timeout_s == BOOT_TIMEOUT_WAIT)
		printf(",\"timeout\":%d", l->timeout_s >= 0 ? l->timeout_s : -1); /* -1: wait */
	printf("}\n");
}

static void print_text(const struct boot_list *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		const struct boot_entry *e = &l->entries[i];

		printf("%u%s %s  [%s %s%s%s]\n", i + 1, e->is_default ? "*" : " ", e->title,
		       boot_format_name(e->format), e->source, e->unbootable[0] ? "; not bootable: " : "",
		       e->unbootable);
		printf("     linux   %s\n", e->kernel);
		for (unsigned k = 0; k < e->n_initrds; k++)
			printf("     initrd  %s\n", e->initrds[k]);
		printf("     options %s\n", e->cmdline);
	}
}

static int format_known(const char *name)
{
	for (int f = BOOT_FORMAT_BLS; f <= BOOT_FORMAT_SYSLINUX; f++)
		if (strcmp(boot_format_name((enum boot_format)f), name) == 0)
			return 1;
	return 0;
}

int cmd_parse(int argc, char **argv)
{
	static struct boot_list list;
	const char *root = NULL, *format = "auto";
	int json = 0, n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return cli_usage("parse", "unexpected argument '%s'; usage: embark parse "
						  "--root DIR [--format auto|bls|grub|syslinux|fit] [--json]",
					 argv[i]);
	}
	if (!root)
		return cli_usage("parse", "--root DIR is required");
	if (strcmp(format, "auto") != 0 && !format_known(format))
		return cli_usage("parse", "unknown --format '%s' (auto, bls, grub, syslinux or fit)",
				 format);
	boot_list_init(&list);
	n = bootcfg_scan(root, &list, print_warning, NULL);
	if (n < 0) {
		fprintf(stderr, "embark parse: %s: %s (%s)\n", root, errno_name(n), strerror(-n));
		return 2;
	}
	/* --format keeps one format's entries, in the order the full scan gave them. */
	if (strcmp(format, "auto") != 0) {
		unsigned kept = 0;

		for (unsigned i = 0; i < list.n; i++)
			if (strcmp(boot_format_name(list.entries[i].format), format) == 0)
				list.entries[kept++] = list.entries[i];
		list.n = kept;
	}
	if (json)
		print_json(&list);
	else
		print_text(&list);
	if (list.n == 0)
		fprintf(stderr, "embark parse: %s: no boot entries found (looked for BLS entries, "
				"grub.cfg, syslinux/extlinux configs and *.itb FIT images)\n",
			root);
	return list.n ? 0 : 1;
}
