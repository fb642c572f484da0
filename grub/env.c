/* Variables, contexts and positional parameters, with GRUB's rules (grub-core/kern/env.c,
 * normal/context.c): a new context (submenu, configfile) starts with copies of the exported
 * variables only; a menu entry body runs on a full copy (GRUB runs it in the live context,
 * but only once, at boot: a copy gives every entry the same starting point). Names and
 * values of one context live in one fixed pool, compacted when it fills up.
 * Also the grubenv reader: "# GRUB Environment Block" then name=value lines, a backslash
 * escaping the next byte, '#' lines as padding (grub-core/lib/envblk.c). */
#include "grub/grub_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct grub_env *grub_env_cur(struct grub_interp *in)
{
	return &in->env[in->n_env - 1];
}

static int find(const struct grub_env *env, const char *name, size_t n)
{
	for (unsigned i = 0; i < env->n; i++)
		if (env->vars[i].name_len == n && memcmp(env->pool + env->vars[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

const char *grub_env_get(const struct grub_env *env, const char *name, size_t n, size_t *vlen)
{
	int i = find(env, name, n);

	if (i < 0)
		return NULL;
	*vlen = env->vars[i].val_len;
	return env->pool + env->vars[i].val;
}

/* Moves every live name and value to the front of the pool. */
static void compact(struct grub_env *env)
{
	static char tmp[GRUB_ENV_POOL];
	unsigned used = 0;

	for (unsigned i = 0; i < env->n; i++) {
		struct grub_var *v = &env->vars[i];

		memcpy(tmp + used, env->pool + v->name, v->name_len);
		v->name = (uint16_t)used;
		used += v->name_len;
		memcpy(tmp + used, env->pool + v->val, v->val_len);
		v->val = (uint16_t)used;
		used += v->val_len;
	}
	memcpy(env->pool, tmp, used);
	env->used = used;
}

static int room(struct grub_env *env, size_t need)
{
	if (need <= GRUB_ENV_POOL - env->used)
		return 0;
	compact(env);
	return need <= GRUB_ENV_POOL - env->used ? 0 : -ENOSPC;
}

/* VAL must not point into ENV's pool (compaction moves it). */
int grub_env_set(struct grub_env *env, const char *name, size_t n, const char *val, size_t vlen)
{
	int i = find(env, name, n);
	struct grub_var *v;

	if (n == 0 || n >= GRUB_NAME_MAX)
		return -EINVAL;
	if (vlen > GRUB_VALUE_MAX)
		return -E2BIG;
	if (i >= 0 && vlen <= env->vars[i].val_len) {
		v = &env->vars[i];
		memcpy(env->pool + v->val, val, vlen);
		v->val_len = (uint16_t)vlen;
		return 0;
	}
	if (i < 0 && env->n >= GRUB_MAX_VARS)
		return -ENOSPC;
	if (room(env, vlen + (i < 0 ? n : 0)) < 0)
		return -ENOSPC;
	if (i < 0) {
		v = &env->vars[env->n++];
		v->exported = 0;
		memcpy(env->pool + env->used, name, n);
		v->name = (uint16_t)env->used;
		v->name_len = (uint16_t)n;
		env->used += n;
	} else {
		v = &env->vars[i];
	}
	memcpy(env->pool + env->used, val, vlen);
	v->val = (uint16_t)env->used;
	v->val_len = (uint16_t)vlen;
	env->used += vlen;
	return 0;
}

void grub_env_unset(struct grub_env *env, const char *name, size_t n)
{
	int i = find(env, name, n);

	if (i < 0)
		return;
	env->vars[i] = env->vars[--env->n];
}

int grub_env_export(struct grub_env *env, const char *name, size_t n)
{
	int i = find(env, name, n), r;

	if (i < 0) {
		r = grub_env_set(env, name, n, "", 0);
		if (r < 0)
			return r;
		i = find(env, name, n);
	}
	env->vars[i].exported = 1;
	return 0;
}

int grub_env_push(struct grub_interp *in, int full)
{
	struct grub_env *cur, *next;

	if (in->n_env >= GRUB_MAX_CONTEXTS)
		return -ENOSPC;
	cur = grub_env_cur(in);
	next = &in->env[in->n_env];
	if (full) {
		memcpy(next, cur, sizeof(*next));
	} else {
		next->n = 0;
		next->used = 0;
		for (unsigned i = 0; i < cur->n; i++) {
			const struct grub_var *v = &cur->vars[i];

			if (!v->exported)
				continue;
			/* The parent's pool cannot overflow a fresh one of the same size. */
			grub_env_set(next, cur->pool + v->name, v->name_len, cur->pool + v->val,
				     v->val_len);
			next->vars[next->n - 1].exported = 1;
		}
	}
	in->n_env++;
	return 0;
}

void grub_env_pop(struct grub_interp *in)
{
	if (in->n_env > 1)
		in->n_env--;
}

#define ENVBLK_SIGNATURE "# GRUB Environment Block\n"

int grub_envblk_parse(const char *buf, size_t len, char *valbuf, size_t valcap,
		      int (*set)(void *arg, const char *name, size_t n, const char *val,
				 size_t vlen),
		      void *arg, char *err, size_t errlen)
{
	size_t sig = sizeof(ENVBLK_SIGNATURE) - 1, p = sig;
	int count = 0;

	if (len < sig || memcmp(buf, ENVBLK_SIGNATURE, sig) != 0) {
		snprintf(err, errlen, "not a GRUB environment block (it must start with "
				      "'# GRUB Environment Block')");
		return -EINVAL;
	}
	while (p < len && buf[p] != '\0') {
		size_t name = p, name_end, v = 0;

		if (buf[p] == '#' || buf[p] == '\n') {
			while (p < len && buf[p] != '\n')
				p++;
			p++;
			continue;
		}
		while (p < len && buf[p] != '=' && buf[p] != '\n')
			p++;
		if (p >= len || buf[p] != '=') {
			p++; /* a line without '=': GRUB ignores it too */
			continue;
		}
		name_end = p++;
		while (p < len && buf[p] != '\n' && buf[p] != '\0') {
			if (buf[p] == '\\' && p + 1 < len)
				p++;
			if (v + 1 < valcap)
				valbuf[v++] = buf[p];
			p++;
		}
		p++;
		if (name_end > name && set(arg, buf + name, name_end - name, valbuf, v) == 0)
			count++;
	}
	return count;
}

struct grub_params *grub_params_cur(struct grub_interp *in)
{
	return in->n_params ? &in->params[in->n_params - 1] : NULL;
}

const char *grub_param(const struct grub_params *p, unsigned i)
{
	return p->buf + p->off[p->shift + i];
}

int grub_params_set(struct grub_params *p, unsigned argc, char *const *argv)
{
	static char tmp[GRUB_PARAMS_MAX];
	uint16_t off[GRUB_MAX_PARAMS];
	unsigned used = 0;

	/* ARGV may point into P itself ("setparams $2 $1"): build aside, then copy. */
	if (argc > GRUB_MAX_PARAMS)
		return -E2BIG;
	for (unsigned i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (n + 1 > GRUB_PARAMS_MAX - used)
			return -E2BIG;
		memcpy(tmp + used, argv[i], n + 1);
		off[i] = (uint16_t)used;
		used += (unsigned)n + 1;
	}
	memcpy(p->buf, tmp, used);
	memcpy(p->off, off, argc * sizeof(off[0]));
	p->argc = argc;
	p->shift = 0;
	p->used = used;
	return 0;
}

int grub_params_push(struct grub_interp *in, unsigned argc, char *const *argv)
{
	int r;

	if (in->n_params >= GRUB_MAX_SCOPES)
		return -ENOSPC;
	r = grub_params_set(&in->params[in->n_params], argc, argv);
	if (r < 0)
		return r;
	in->n_params++;
	return 0;
}

void grub_params_pop(struct grub_interp *in)
{
	if (in->n_params)
		in->n_params--;
}
