/* embark parse --root DIR [--format auto|bls] [--json]
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

static void print_json(const struct boot_list *l)
{
	printf("{\"entries\":[");
	for (unsigned i = 0; i < l->n; i++) {
		const struct boot_entry *e = &l->entries[i];

		printf("%s{\"title\":", i ? "," : "");
		json_put_str(stdout, e->title);
		printf(",\"id\":");
		json_put_str(stdout, e->id);
		printf(",\"kernel\":");
		json_put_str(stdout, e->kernel);
		printf(",\"initrd\":[");
		for (unsigned k = 0; k < e->n_initrds; k++) {
			printf("%s", k ? "," : "");
			json_put_str(stdout, e->initrds[k]);
		}
		printf("],\"cmdline\":");
		json_put_str(stdout, e->cmdline);
		printf(",\"devicetree\":");
		if (e->devicetree[0])
			json_put_str(stdout, e->devicetree);
		else
			printf("null");
		printf(",\"default\":%s,\"format\":\"%s\",\"source\":", i == 0 ? "true" : "false",
		       boot_format_name(e->format));
		json_put_str(stdout, e->source);
		printf(",\"device\":null,\"bootable\":true,\"warnings\":[]}");
	}
	printf("]}\n");
}

static void print_text(const struct boot_list *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		const struct boot_entry *e = &l->entries[i];

		printf("%u%s %s  [%s %s]\n", i + 1, i == 0 ? "*" : " ", e->title,
		       boot_format_name(e->format), e->source);
		printf("     linux   %s\n", e->kernel);
		for (unsigned k = 0; k < e->n_initrds; k++)
			printf("     initrd  %s\n", e->initrds[k]);
		printf("     options %s\n", e->cmdline);
	}
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
						  "--root DIR [--format auto|bls] [--json]",
					 argv[i]);
	}
	if (!root)
		return cli_usage("parse", "--root DIR is required");
	if (strcmp(format, "auto") == 0 || strcmp(format, "bls") == 0)
		n = bootcfg_scan_bls(root, &list, print_warning, NULL);
	else
		return cli_usage("parse", "unknown --format '%s' (auto or bls)", format);
	if (n < 0) {
		fprintf(stderr, "embark parse: %s: %s (%s)\n", root, errno_name(n), strerror(-n));
		return 2;
	}
	if (json)
		print_json(&list);
	else
		print_text(&list);
	if (list.n == 0)
		fprintf(stderr, "embark parse: %s: no boot entries found (looked for "
				"loader/entries/*.conf and boot/loader/entries/*.conf)\n",
			root);
	return list.n ? 0 : 1;
}
