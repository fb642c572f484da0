/* embark verify --keyring KEYS IMAGE [--config NAME] [--json] [--allow-sha1]
 *   exit 0: the configuration verifies; 1: refused (one line on stderr: node and rule);
 *   2: usage or I/O error.
 * embark fit list IMAGE [--json]          images, configurations, hashes, signatures
 * embark fit extract IMAGE --keyring KEYS [--config NAME] --out DIR
 *   verifies, then writes DIR/<role> (kernel, ramdisk, fdt, ...) unpacked. */
#include "cli/cli.h"
#include "crypto/crypto.h"
#include "fit/fit.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIT_FILE_MAX ((size_t)2 << 30)
#define KEYRING_FILES_MAX 8

static struct fit fit;

/* Maps PATH read-only. Returns 0 or -errno; -EFBIG over FIT_FILE_MAX, -ENODATA when empty. */
static int map_file(const char *path, const uint8_t **buf, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (st.st_size == 0 || (size_t)st.st_size > FIT_FILE_MAX) {
		r = st.st_size == 0 ? -ENODATA : -EFBIG;
		goto out;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	*buf = p;
	*len = (size_t)st.st_size;
out:
	close(fd);
	return r;
}

static int io_error(const char *verb, const char *path, int r)
{
	fprintf(stderr, "embark %s: %s: %s (%s)\n", verb, path, errno_name(r),
		r == -ENODATA ? "empty file" : strerror(-r));
	return 2;
}

static int load_keyrings(const char *verb, struct keyring *kr, const char **files, int n)
{
	char err[CRYPTO_ERR_MAX];

	for (int i = 0; i < n; i++) {
		int r = keyring_add_file(kr, files[i], err, sizeof(err));

		if (r < 0) {
			fprintf(stderr, "embark %s: keyring %s: %s\n", verb, files[i], err);
			return 2;
		}
	}
	return 0;
}

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

int cmd_verify(int argc, char **argv)
{
	const char *keyfiles[KEYRING_FILES_MAX], *image = NULL, *config = NULL;
	struct fit_policy pol = { .allow_sha1 = false };
	static struct keyring kr;
	struct fit_verdict v;
	char err[FIT_ERR_MAX];
	const uint8_t *buf;
	size_t len;
	int nkeys = 0, json = 0, r, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--keyring") == 0 && i + 1 < argc) {
			if (nkeys == KEYRING_FILES_MAX)
				return cli_usage("verify", "at most %d --keyring files",
						 KEYRING_FILES_MAX);
			keyfiles[nkeys++] = argv[++i];
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--allow-sha1") == 0) {
			pol.allow_sha1 = true;
		} else if (argv[i][0] != '-' && !image) {
			image = argv[i];
		} else {
			return cli_usage("verify", "unexpected '%s'; usage: embark verify --keyring "
						   "KEYS IMAGE [--config NAME] [--json]",
					 argv[i]);
		}
	}
	if (!image || nkeys == 0)
		return cli_usage("verify", "usage: embark verify --keyring KEYS IMAGE [--config "
					   "NAME] [--json] [--allow-sha1]");
	keyring_init(&kr);
	rc = load_keyrings("verify", &kr, keyfiles, nkeys);
	if (rc)
		goto out;
	r = map_file(image, &buf, &len);
	if (r < 0) {
		rc = io_error("verify", image, r);
		goto out;
	}
	r = fit_parse(buf, len, &fit, err, sizeof(err));
	if (r == 0)
		r = fit_verify_config(&fit, config, &kr, &pol, &v, err, sizeof(err));
	rc = r == 0 ? 0 : 1;
	if (json) {
		printf("{\"image\":");
		json_put_str(stdout, image);
		printf(",\"config\":");
		if (r == 0 || v.config)
			json_put_str(stdout, v.config ? v.config->name : "");
		else
			printf("null");
		printf(",\"verified\":%s", r == 0 ? "true" : "false");
		if (r == 0) {
			printf(",\"signed_by\":");
			json_put_str(stdout, v.signed_by);
			printf(",\"images\":[");
			for (unsigned i = 0; i < v.config->n_refs; i++) {
				const struct fit_image *img = v.config->refs[i].image;

				printf("%s{\"role\":\"%s\",\"name\":", i ? "," : "",
				       v.config->refs[i].role);
				json_put_str(stdout, img->name);
				printf(",\"size\":%zu,\"hash\":", img->size);
				json_put_str(stdout, v.image_hash[i]);
				printf("}");
			}
			printf("]");
		} else {
			printf(",\"error\":");
			json_put_str(stdout, err);
		}
		printf("}\n");
	} else if (r == 0) {
		printf("%s: configuration '%s' verified (signed by %s)\n", image, v.config->name,
		       v.signed_by);
		for (unsigned i = 0; i < v.config->n_refs; i++)
			printf("  %-8s %-20s %10zu bytes  %s ok\n", v.config->refs[i].role,
			       v.config->refs[i].image->name, v.config->refs[i].image->size,
			       v.image_hash[i]);
	}
	if (r != 0)
		fprintf(stderr, "embark verify: %s: refused: %s\n", image, err);
	munmap((void *)buf, len);
out:
	keyring_free(&kr);
	return rc;
}

static void list_text(const char *path)
{
	printf("FIT %s (%zu bytes, tree %zu bytes)\n", path, fit.len, fit.tree_size);
	if (fit.description)
		printf("  description: %s\n", fit.description);
	for (unsigned i = 0; i < fit.n_images; i++) {
		const struct fit_image *img = &fit.images[i];

		printf(" image %s\n", img->name);
		if (img->description)
			printf("  description: %s\n", img->description);
		printf("  type: %s  arch: %s  os: %s  compression: %s\n",
		       img->type ? img->type : "-", img->arch ? img->arch : "-",
		       img->os ? img->os : "-", img->compression);
		printf("  data: %zu bytes (%s, file offset %zu)\n", img->size, img->data_where,
		       img->file_offset);
		if (img->has_load)
			printf("  load: 0x%llx\n", (unsigned long long)img->load);
		if (img->has_entry)
			printf("  entry: 0x%llx\n", (unsigned long long)img->entry);
		for (unsigned h = 0; h < img->n_hashes; h++) {
			printf("  %s: %s ", img->hashes[h].node, img->hashes[h].algo_name);
			print_hex(stdout, img->hashes[h].value, img->hashes[h].value_len);
			printf("\n");
		}
		for (unsigned s = 0; s < img->n_sigs; s++)
			printf("  %s: %s%s%s\n", img->sigs[s].node, img->sigs[s].algo,
			       img->sigs[s].key_hint ? " key " : "",
			       img->sigs[s].key_hint ? img->sigs[s].key_hint : "");
	}
	for (unsigned c = 0; c < fit.n_configs; c++) {
		const struct fit_config *conf = &fit.configs[c];
		int is_default = fit.default_config && strcmp(fit.default_config, conf->name) == 0;

		printf(" configuration %s%s\n", conf->name, is_default ? " (default)" : "");
		if (conf->description)
			printf("  description: %s\n", conf->description);
		for (unsigned i = 0; i < conf->n_refs; i++)
			printf("  %s: %s\n", conf->refs[i].role, conf->refs[i].image->name);
		if (conf->bootargs)
			printf("  bootargs: %s\n", conf->bootargs);
		for (unsigned s = 0; s < conf->n_sigs; s++)
			printf("  %s: %s%s%s%s%s\n", conf->sigs[s].node, conf->sigs[s].algo,
			       conf->sigs[s].padding ? " padding " : "",
			       conf->sigs[s].padding ? conf->sigs[s].padding : "",
			       conf->sigs[s].key_hint ? " key " : "",
			       conf->sigs[s].key_hint ? conf->sigs[s].key_hint : "");
	}
}

static void json_opt(const char *key, const char *v, int comma)
{
	printf("%s\"%s\":", comma ? "," : "", key);
	if (v)
		json_put_str(stdout, v);
	else
		printf("null");
}

static void list_json(void)
{
	printf("{");
	json_opt("description", fit.description, 0);
	json_opt("default", fit.default_config, 1);
	printf(",\"images\":[");
	for (unsigned i = 0; i < fit.n_images; i++) {
		const struct fit_image *img = &fit.images[i];

		printf("%s{", i ? "," : "");
		json_opt("name", img->name, 0);
		json_opt("description", img->description, 1);
		json_opt("type", img->type, 1);
		json_opt("arch", img->arch, 1);
		json_opt("os", img->os, 1);
		json_opt("compression", img->compression, 1);
		printf(",\"size\":%zu,\"data\":\"%s\",\"hashes\":[", img->size, img->data_where);
		for (unsigned h = 0; h < img->n_hashes; h++) {
			printf("%s{", h ? "," : "");
			json_opt("algo", img->hashes[h].algo_name, 0);
			printf(",\"value\":\"");
			print_hex(stdout, img->hashes[h].value, img->hashes[h].value_len);
			printf("\"}");
		}
		printf("],\"signatures\":%u}", img->n_sigs);
	}
	printf("],\"configurations\":[");
	for (unsigned c = 0; c < fit.n_configs; c++) {
		const struct fit_config *conf = &fit.configs[c];

		printf("%s{", c ? "," : "");
		json_opt("name", conf->name, 0);
		json_opt("description", conf->description, 1);
		printf(",\"images\":{");
		for (unsigned i = 0; i < conf->n_refs; i++) {
			printf("%s", i ? "," : "");
			json_put_str(stdout, conf->refs[i].role);
			printf(":");
			json_put_str(stdout, conf->refs[i].image->name);
		}
		printf("},\"signatures\":[");
		for (unsigned s = 0; s < conf->n_sigs; s++) {
			printf("%s{", s ? "," : "");
			json_opt("algo", conf->sigs[s].algo, 0);
			json_opt("padding", conf->sigs[s].padding, 1);
			json_opt("key", conf->sigs[s].key_hint, 1);
			printf("}");
		}
		printf("]}");
	}
	printf("]}\n");
}

static int fit_list(int argc, char **argv)
{
	const char *image = NULL;
	char err[FIT_ERR_MAX];
	const uint8_t *buf;
	size_t len;
	int json = 0, r;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (!image && argv[i][0] != '-')
			image = argv[i];
		else
			return cli_usage("fit list", "unexpected '%s'", argv[i]);
	}
	if (!image)
		return cli_usage("fit list", "usage: embark fit list IMAGE [--json]");
	r = map_file(image, &buf, &len);
	if (r < 0)
		return io_error("fit list", image, r);
	r = fit_parse(buf, len, &fit, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "embark fit list: %s: %s\n", image, err);
		munmap((void *)buf, len);
		return 1;
	}
	if (json)
		list_json();
	else
		list_text(image);
	munmap((void *)buf, len);
	return 0;
}

static int write_out(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[1024], tmp[1100];
	int fd, r;

	if (path_join(path, sizeof(path), dir, name) < 0)
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, p, n);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int fit_extract(int argc, char **argv)
{
	const char *keyfiles[KEYRING_FILES_MAX], *image = NULL, *config = NULL, *out = NULL;
	struct fit_policy pol = { .allow_sha1 = false };
	static struct keyring kr;
	struct fit_verdict v;
	char err[FIT_ERR_MAX];
	const uint8_t *buf = NULL;
	size_t len = 0;
	int nkeys = 0, r, rc = 0;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--keyring") == 0 && i + 1 < argc && nkeys < KEYRING_FILES_MAX)
			keyfiles[nkeys++] = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (!image && argv[i][0] != '-')
			image = argv[i];
		else
			return cli_usage("fit extract", "unexpected '%s'", argv[i]);
	}
	if (!image || !out || nkeys == 0)
		return cli_usage("fit extract", "usage: embark fit extract IMAGE --keyring KEYS "
						"[--config NAME] --out DIR");
	keyring_init(&kr);
	rc = load_keyrings("fit extract", &kr, keyfiles, nkeys);
	if (rc)
		goto out;
	r = map_file(image, &buf, &len);
	if (r < 0) {
		rc = io_error("fit extract", image, r);
		goto out;
	}
	r = fit_parse(buf, len, &fit, err, sizeof(err));
	if (r == 0)
		r = fit_verify_config(&fit, config, &kr, &pol, &v, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "embark fit extract: %s: refused: %s\n", image, err);
		rc = 1;
		goto out;
	}
	if (mkdir(out, 0755) < 0 && errno != EEXIST) {
		rc = io_error("fit extract", out, -errno);
		goto out;
	}
	for (unsigned i = 0; i < v.config->n_refs && rc == 0; i++) {
		const struct fit_image *img = v.config->refs[i].image;
		size_t cap = fit_image_unpacked_hint(img);
		uint8_t *dst;
		long n;

		/* The gzip size hint is mod 4 GiB: leave room and let the inflater say so. */
		cap = cap < img->size ? img->size : cap;
		dst = malloc(cap ? cap : 1);
		if (!dst) {
			rc = io_error("fit extract", img->name, -ENOMEM);
			break;
		}
		n = fit_image_unpack(img, dst, cap, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "embark fit extract: %s: %s\n", image, err);
			rc = 1;
		} else if ((r = write_out(out, v.config->refs[i].role, dst, (size_t)n)) < 0) {
			rc = io_error("fit extract", out, r);
		} else {
			printf("%s/%s: %s (%ld bytes, verified)\n", out, v.config->refs[i].role,
			       img->name, n);
		}
		free(dst);
	}
out:
	if (buf)
		munmap((void *)buf, len);
	keyring_free(&kr);
	return rc;
}

int cmd_fit(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return fit_list(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "extract") == 0)
		return fit_extract(argc, argv);
	return cli_usage("fit", "usage: embark fit list IMAGE [--json] | embark fit extract "
				"IMAGE --keyring KEYS [--config NAME] --out DIR");
}
