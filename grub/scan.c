/* Entry points: grub_parse runs one grub.cfg text; grub_scan finds the grub.cfg of a
 * filesystem the way installed systems place it. The interpreter state is one static
 * structure (about 1 MiB, all bounded), reset at every call. */
#include "grub/grub.h"
#include "grub/grub_int.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct grub_interp interp;

/* GRUB's own name for the device it was loaded from, as $root and $prefix hold it. The name
 * is arbitrary: paths "(device)/..." are read on the scanned filesystem whatever it is. */
#define GRUB_SELF_DEVICE "hd0,gpt1"

#if defined(__x86_64__)
#define GRUB_CPU "x86_64"
#elif defined(__i386__)
#define GRUB_CPU "i386"
#elif defined(__aarch64__)
#define GRUB_CPU "arm64"
#elif defined(__riscv)
#define GRUB_CPU "riscv64"
#else
#define GRUB_CPU "unknown"
#endif

static void reset(struct grub_interp *in, const char *root, struct boot_list *list,
		  void (*warn)(void *ctx, const char *msg), void *ctx)
{
	in->root = root;
	in->list = list;
	in->warn = warn;
	in->warn_ctx = ctx;
	in->added = 0;
	in->steps = 0;
	in->halted = 0;
	in->n_files = in->n_source = 0;
	in->n_env = 1;
	in->env[0].n = in->env[0].used = 0;
	in->n_params = in->n_nodes = in->n_spans = 0;
	in->arena_used = 0;
	in->n_frames = 0;
	in->unwind_to = -1;
	in->active_loops = in->breaks = in->calls = 0;
	in->is_continue = 0;
	in->status = 0;
	in->n_funcs = 0;
	in->text_used = 0;
	in->n_items = in->n_menus = 0;
	in->building = -1;
	in->n_searches = 0;
}

static void set_exported(struct grub_env *env, const char *name, const char *value)
{
	grub_env_set(env, name, strlen(name), value, strlen(value));
	grub_env_export(env, name, strlen(name));
}

/* The variables GRUB's normal mode has before it reads grub.cfg. */
static void initial_env(struct grub_interp *in, const char *cfg)
{
	static const char *const features[] = {
		"feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
		"feature_default_font_path", "feature_all_video_module", "feature_menuentry_id",
		"feature_menuentry_options", "feature_200_final", "feature_nativedisk_cmd",
		"feature_timeout_style",
	};
	struct grub_env *env = &in->env[0];
	char prefix[BOOT_PATH_MAX + 16];
	const char *slash = strrchr(cfg, '/');

	snprintf(prefix, sizeof(prefix), "(" GRUB_SELF_DEVICE ")%.*s",
		 slash ? (int)(slash - cfg) : 0, cfg);
	set_exported(env, "root", GRUB_SELF_DEVICE);
	set_exported(env, "prefix", prefix);
	/* LinuxBoot firmware stands where UEFI would: configs that test for "efi" get what a
	 * UEFI machine would (and "pc" configs still work: linux16 is linux). */
	set_exported(env, "grub_platform", "efi");
	set_exported(env, "grub_cpu", GRUB_CPU);
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		set_exported(env, features[i], "y");
}

int grub_parse(const char *buf, size_t len, const char *root, const char *cfg_path,
	       struct boot_list *list, void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct grub_interp *in = &interp;
	char path[BOOT_PATH_MAX], dev[BOOT_ID_MAX];
	unsigned file;

	if (!buf || !root || !cfg_path || !list)
		return -EINVAL;
	reset(in, root, list, warn, ctx);
	if (grub_split_path(cfg_path, dev, sizeof(dev), path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	file = grub_file_index(in, path);
	if (len > BOOT_CONFIG_MAX) {
		grub_warn(in, file, 0, "skipped: larger than 64 KiB");
		return -EFBIG;
	}
	initial_env(in, path);
	if (grub_params_push(in, 0, NULL) < 0 || grub_menu_push(in, 0, 0, 1, 1, "") < 0 ||
	    grub_push_script(in, SK_FILE, buf, len, 1, file, 0) < 0)
		return -ENOSPC; /* cannot happen: every stack is empty here */
	grub_set_config_vars(in, file);
	grub_run(in);
	return in->added;
}

/* Reads ROOT/PATH if it exists. Returns 1 when it was there (parsed, or reported), else 0;
 * *RESULT gets grub_parse's result. */
static int try_cfg(const char *root, const char *path, struct boot_list *list,
		   void (*warn)(void *ctx, const char *msg), void *ctx, int *result)
{
	static char cfg[BOOT_CONFIG_MAX + 1];
	char host[BOOT_PATH_MAX * 2];
	ssize_t n;

	if (path_join(host, sizeof(host), root, path + 1) < 0)
		return 0;
	n = read_file_bounded(host, cfg, BOOT_CONFIG_MAX);
	if (n == -ENOENT || n == -ENOTDIR)
		return 0;
	if (n < 0) {
		/* The first grub.cfg found is GRUB's; another one would be a stale copy. */
		bootcfg_warn(warn, ctx, "%s: skipped: %s", host,
		      n == -EFBIG ? "larger than 64 KiB" : errno_name((int)-n));
		*result = 0;
		return 1;
	}
	*result = grub_parse(cfg, (size_t)n, root, path, list, warn, ctx);
	return 1;
}

#define GRUB_MAX_EFI_DIRS 64

int grub_scan(const char *root, struct boot_list *list,
	      void (*warn)(void *ctx, const char *msg), void *ctx)
{
	static const char *const fixed[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg",
					     "/grub/grub.cfg", "/grub2/grub.cfg" };
	static const char *const efi[] = { "/EFI", "/boot/efi/EFI" };
	static const struct dir_names_opts all = { .scan_max = BOOT_DIR_SCAN_MAX };
	static char names[GRUB_MAX_EFI_DIRS][DIR_NAME_MAX];
	struct stat st;
	int result = 0;

	if (stat(root, &st) < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		if (try_cfg(root, fixed[i], list, warn, ctx, &result))
			return result;
	for (size_t i = 0; i < ARRAY_SIZE(efi); i++) {
		char dir[BOOT_PATH_MAX], path[BOOT_PATH_MAX];
		int n;

		if (path_join(dir, sizeof(dir), root, efi[i] + 1) < 0)
			continue;
		n = dir_names(dir, &all, names, GRUB_MAX_EFI_DIRS, NULL);
		for (int k = 0; k < n; k++) {
			snprintf(path, sizeof(path), "%s/%s/grub.cfg", efi[i], names[k]);
			if (try_cfg(root, path, list, warn, ctx, &result))
				return result;
		}
	}
	return 0;
}
