/* The iPXE script subset (ipxe/ipxe.h): a line at a time, variables expanded first, then
 * split into words and run; `goto` searches the script for its label. No recursion, no
 * allocation; every loop is bounded by LEN or a named limit. */
#include "ipxe/ipxe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SIGNATURE "#!ipxe"
#define WARN_MAX 256

enum { CMD_OK = 0, CMD_FAIL, CMD_JUMP, CMD_STOP };

struct run {
	const char *buf;
	size_t len;
	struct ipxe_state *st;
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
	unsigned lineno;
	size_t jump;          /* CMD_JUMP: where the label's line starts */
	int result;           /* CMD_STOP: the enum ipxe_result */
};

static void warnf(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(struct run *r, const char *fmt, ...)
{
	char msg[WARN_MAX];
	va_list ap;
	int w;

	r->st->warnings++;
	if (!r->warn)
		return;
	w = snprintf(msg, sizeof(msg), "line %u: ", r->lineno);
	if (w < 0 || (size_t)w >= sizeof(msg))
		return;
	va_start(ap, fmt);
	vsnprintf(msg + w, sizeof(msg) - (size_t)w, fmt, ap);
	va_end(ap);
	r->warn(r->ctx, msg);
}

/* "net0/ip", "net0.dhcp/ip:ipv4" -> "ip". */
static void base_name(const char *s, size_t n, const char **out, size_t *out_n)
{
	for (size_t i = n; i > 0; i--) {
		if (s[i - 1] == '/') {
			n -= i;
			s += i;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':') {
			n = i;
			break;
		}
	}
	*out = s;
	*out_n = n;
}

static struct ipxe_var *find_var(struct ipxe_state *st, const char *name, size_t n)
{
	for (unsigned i = 0; i < st->n_vars && i < IPXE_VARS_MAX; i++)
		if (strlen(st->vars[i].name) == n && memcmp(st->vars[i].name, name, n) == 0)
			return &st->vars[i];
	return NULL;
}

void ipxe_state_init(struct ipxe_state *st)
{
	memset(st, 0, sizeof(*st));
	st->default_item = -1;
}

int ipxe_set(struct ipxe_state *st, const char *name, const char *value)
{
	struct ipxe_var *v;
	const char *b;
	size_t n, vn = strlen(value);

	base_name(name, strlen(name), &b, &n);
	if (n == 0)
		return -EINVAL;
	if (n >= IPXE_NAME_MAX || vn >= IPXE_VALUE_MAX)
		return -ENAMETOOLONG;
	v = find_var(st, b, n);
	if (!v) {
		if (st->n_vars >= IPXE_VARS_MAX)
			return -ENOSPC;
		v = &st->vars[st->n_vars++];
		memcpy(v->name, b, n);
		v->name[n] = '\0';
	}
	memcpy(v->value, value, vn + 1);
	return 0;
}

const char *ipxe_get(const struct ipxe_state *st, const char *name)
{
	const char *b;
	size_t n;
	struct ipxe_var *v;

	base_name(name, strlen(name), &b, &n);
	v = find_var((struct ipxe_state *)st, b, n);
	return v ? v->value : NULL;
}

static void clear_var(struct ipxe_state *st, const char *name)
{
	const char *b;
	size_t n;
	struct ipxe_var *v;

	base_name(name, strlen(name), &b, &n);
	v = find_var(st, b, n);
	if (!v)
		return;
	*v = st->vars[--st->n_vars];
}

int ipxe_is_script(const char *buf, size_t len)
{
	size_t k = sizeof(SIGNATURE) - 1;

	return len >= k && memcmp(buf, SIGNATURE, k) == 0 &&
	       (len == k || buf[k] == '\n' || buf[k] == '\r' || buf[k] == ' ' || buf[k] == '\t');
}

/* Expands ${NAME} in S[0..N) into ST->line. Returns 0 or -E2BIG. */
static int expand(struct ipxe_state *st, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		const char *end, *name, *val;
		size_t k, vl;
		struct ipxe_var *v;

		if (s[i] == '$' && i + 2 < n && s[i + 1] == '{' &&
		    (end = memchr(s + i + 2, '}', n - i - 2)) != NULL) {
			base_name(s + i + 2, (size_t)(end - (s + i + 2)), &name, &k);
			v = find_var(st, name, k);
			val = v ? v->value : "";
			vl = strlen(val);
			if (o + vl >= IPXE_LINE_MAX)
				return -E2BIG;
			memcpy(st->line + o, val, vl);
			o += vl;
			i = (size_t)(end - s);
			continue;
		}
		if (o + 1 >= IPXE_LINE_MAX)
			return -E2BIG;
		st->line[o++] = s[i];
	}
	st->line[o] = '\0';
	return 0;
}

/* Splits S in place into words (blanks separate; "double quotes" group). Returns the count or
 * -E2BIG. */
static int split(char *s, char **words, unsigned max)
{
	unsigned n = 0;
	char *p = s;

	for (size_t guard = 0; *p && guard < IPXE_LINE_MAX; guard++) {
		char *o;
		int quoted = 0;
		char c;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == max)
			return -E2BIG;
		words[n++] = o = p;
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			*o++ = *p++;
		}
		c = *p;
		*o = '\0';
		if (c)
			p++;
	}
	return (int)n;
}

/* Joins W[0..N) with single spaces into DST. 0 or -ENAMETOOLONG. */
static int join(char *dst, size_t cap, char **w, unsigned n)
{
	size_t o = 0;

	dst[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		size_t k = strlen(w[i]);

		if (o + k + (i ? 1 : 0) >= cap)
			return -ENAMETOOLONG;
		if (i)
			dst[o++] = ' ';
		memcpy(dst + o, w[i], k);
		o += k;
		dst[o] = '\0';
	}
	return 0;
}

static int copy(char *dst, size_t cap, const char *src)
{
	size_t k = strlen(src);

	if (k >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, src, k + 1);
	return 0;
}

static int is_opt(const char *w, const char *long_name, const char *short_name)
{
	return strcmp(w, long_name) == 0 || (short_name && strcmp(w, short_name) == 0);
}

/* Index of the first word of W[1..N) that is no option; options taking a value skip it. */
static unsigned skip_options(char **w, unsigned n)
{
	unsigned i = 1;

	while (i < n && w[i][0] == '-' && w[i][1] == '-') {
		if (is_opt(w[i], "--name", NULL) || is_opt(w[i], "--timeout", NULL) ||
		    is_opt(w[i], "--key", NULL) || is_opt(w[i], "--menu", NULL) ||
		    is_opt(w[i], "--default", NULL))
			i++;
		i++;
	}
	return i;
}

/* Finds the line ":LABEL" and sets R->jump to its start. */
static int find_label(struct run *r, const char *label)
{
	size_t pos = 0, k = strlen(label);

	while (pos < r->len) {
		const char *eol = memchr(r->buf + pos, '\n', r->len - pos);
		size_t end = eol ? (size_t)(eol - r->buf) : r->len, p = pos;

		while (p < end && (r->buf[p] == ' ' || r->buf[p] == '\t'))
			p++;
		if (p < end && r->buf[p] == ':' && end - p - 1 >= k &&
		    memcmp(r->buf + p + 1, label, k) == 0 &&
		    (p + 1 + k == end || r->buf[p + 1 + k] == ' ' || r->buf[p + 1 + k] == '\t' ||
		     r->buf[p + 1 + k] == '\r')) {
			r->jump = pos;
			return 0;
		}
		pos = end + 1;
	}
	return -ENOENT;
}

static int cmd_image(struct run *r, char **w, unsigned n)
{
	struct ipxe_state *st = r->st;
	unsigned i = skip_options(w, n);

	if (i >= n) {
		warnf(r, "%s: no URL", w[0]);
		return CMD_FAIL;
	}
	if (strcmp(w[0], "initrd") == 0 || strcmp(w[0], "module") == 0 ||
	    strcmp(w[0], "imgfetch") == 0) {
		if (st->n_initrds >= IPXE_INITRDS_MAX ||
		    copy(st->initrds[st->n_initrds], IPXE_URL_MAX, w[i]) < 0) {
			warnf(r, "%s %s: more than %d initrds or too long", w[0], w[i],
			      IPXE_INITRDS_MAX);
			return CMD_FAIL;
		}
		st->n_initrds++;
		return CMD_OK;
	}
	if (copy(strcmp(w[0], "chain") == 0 ? st->url : st->kernel, IPXE_URL_MAX, w[i]) < 0 ||
	    join(st->args, IPXE_ARGS_MAX, w + i + 1, n - i - 1) < 0) {
		warnf(r, "%s: URL or arguments too long", w[0]);
		return CMD_FAIL;
	}
	if (strcmp(w[0], "chain") == 0) {
		r->result = IPXE_CHAIN;
		return CMD_STOP;
	}
	return CMD_OK;
}

static int cmd_item(struct run *r, char **w, unsigned n)
{
	struct ipxe_state *st = r->st;
	struct ipxe_item *it;
	int is_default = 0, gap = 0;
	unsigned i = 1;

	for (; i < n && w[i][0] == '-' && w[i][1] == '-'; i++) {
		if (is_opt(w[i], "--gap", NULL))
			gap = 1;
		else if (is_opt(w[i], "--default", NULL))
			is_default = 1;
		else if (is_opt(w[i], "--key", NULL) || is_opt(w[i], "--menu", NULL))
			i++;
	}
	if (gap)
		return CMD_OK;
	if (i >= n || st->n_items >= IPXE_ITEMS_MAX) {
		warnf(r, "item: %s", i >= n ? "no label" : "too many items");
		return CMD_FAIL;
	}
	it = &st->items[st->n_items];
	if (copy(it->label, sizeof(it->label), w[i]) < 0 ||
	    join(it->text, sizeof(it->text), w + i + 1, n - i - 1) < 0) {
		warnf(r, "item %s: label or text too long", w[i]);
		return CMD_FAIL;
	}
	if (!it->text[0])
		copy(it->text, sizeof(it->text), it->label);
	if (is_default)
		st->default_item = (int)st->n_items;
	st->n_items++;
	return CMD_OK;
}

static int cmd_choose(struct run *r, char **w, unsigned n)
{
	struct ipxe_state *st = r->st;
	const char *def = NULL, *var = NULL;

	for (unsigned i = 1; i < n; i++) {
		if (is_opt(w[i], "--default", "-d") && i + 1 < n)
			def = w[++i];
		else if ((is_opt(w[i], "--timeout", "-t") || is_opt(w[i], "--menu", "-m")) &&
			 i + 1 < n)
			i++;
		else if (w[i][0] != '-')
			var = w[i];
	}
	if (!var || st->n_items == 0) {
		warnf(r, "choose: %s", var ? "no menu items" : "no variable");
		return CMD_FAIL;
	}
	if (st->choice[0]) {
		if (ipxe_set(st, var, st->choice) < 0) {
			warnf(r, "choose %s: cannot set it", var);
			return CMD_FAIL;
		}
		return CMD_OK;
	}
	for (unsigned i = 0; def && i < st->n_items; i++)
		if (strcmp(st->items[i].label, def) == 0)
			st->default_item = (int)i;
	r->result = IPXE_CHOOSE;
	return CMD_STOP;
}

static int cmd_set(struct run *r, char **w, unsigned n)
{
	char value[IPXE_VALUE_MAX];

	if (n < 2) {
		warnf(r, "set: no variable name");
		return CMD_FAIL;
	}
	if (join(value, sizeof(value), w + 2, n - 2) < 0 || ipxe_set(r->st, w[1], value) < 0) {
		warnf(r, "set %s: name or value too long, or too many variables (%d)", w[1],
		      IPXE_VARS_MAX);
		return CMD_FAIL;
	}
	return CMD_OK;
}

static int is_noop(const char *c)
{
	static const char *const noops[] = { "dhcp", "ifopen", "ifconf", "ifclose", "ifstat",
					     "echo", "sleep", "prompt", "console", "colour",
					     "cpair", "imgfree", "imgstat", "ntp", "sync", "params",
					     "param", "login" };

	for (size_t i = 0; i < sizeof(noops) / sizeof(noops[0]); i++)
		if (strcmp(c, noops[i]) == 0)
			return 1;
	return 0;
}

/* Runs one command W[0..N). */
static int run_cmd(struct run *r, char **w, unsigned n)
{
	const char *c = w[0];

	if (is_noop(c))
		return CMD_OK;
	if (strcmp(c, "set") == 0)
		return cmd_set(r, w, n);
	if (strcmp(c, "clear") == 0) {
		if (n >= 2)
			clear_var(r->st, w[1]);
		return CMD_OK;
	}
	if (strcmp(c, "isset") == 0)
		return n >= 2 && w[1][0] ? CMD_OK : CMD_FAIL;
	if (strcmp(c, "iseq") == 0)
		return (n >= 3 ? strcmp(w[1], w[2]) == 0 : n == 2 ? w[1][0] == '\0' : 1) ? CMD_OK
											 : CMD_FAIL;
	if (strcmp(c, "goto") == 0) {
		if (n < 2 || find_label(r, w[1]) < 0) {
			warnf(r, "goto %s: no such label", n < 2 ? "" : w[1]);
			return CMD_FAIL;
		}
		return CMD_JUMP;
	}
	if (strcmp(c, "kernel") == 0 || strcmp(c, "imgload") == 0 || strcmp(c, "imgselect") == 0 ||
	    strcmp(c, "initrd") == 0 || strcmp(c, "module") == 0 || strcmp(c, "imgfetch") == 0 ||
	    strcmp(c, "chain") == 0)
		return cmd_image(r, w, n);
	if (strcmp(c, "imgargs") == 0) {
		if (join(r->st->args, IPXE_ARGS_MAX, w + 2, n > 2 ? n - 2 : 0) < 0) {
			warnf(r, "imgargs: too long");
			return CMD_FAIL;
		}
		return CMD_OK;
	}
	if (strcmp(c, "boot") == 0) {
		if (!r->st->kernel[0]) {
			warnf(r, "boot: no kernel loaded");
			return CMD_FAIL;
		}
		r->result = IPXE_BOOT;
		return CMD_STOP;
	}
	if (strcmp(c, "menu") == 0) {
		unsigned i = skip_options(w, n);

		r->st->n_items = 0;
		r->st->default_item = -1;
		join(r->st->menu_title, IPXE_TEXT_MAX, w + i, i < n ? n - i : 0);
		return CMD_OK;
	}
	if (strcmp(c, "item") == 0)
		return cmd_item(r, w, n);
	if (strcmp(c, "choose") == 0)
		return cmd_choose(r, w, n);
	if (strcmp(c, "exit") == 0) {
		r->result = IPXE_END;
		return CMD_STOP;
	}
	warnf(r, "'%s' is not supported by embark's iPXE subset: skipped", c);
	return CMD_FAIL;
}

/* Runs the words of one line: commands joined by || and &&. */
static int run_words(struct run *r, char **w, unsigned n)
{
	int rc = CMD_OK, skip = 0;
	unsigned start = 0;

	for (unsigned i = 0; i <= n; i++) {
		int is_op = i < n && (strcmp(w[i], "||") == 0 || strcmp(w[i], "&&") == 0);

		if (i < n && !is_op)
			continue;
		if (!skip && i > start) {
			rc = run_cmd(r, w + start, i - start);
			if (rc == CMD_JUMP || rc == CMD_STOP)
				return rc;
		}
		if (is_op)
			skip = w[i][0] == '|' ? rc == CMD_OK : rc != CMD_OK;
		start = i + 1;
	}
	return rc;
}

static unsigned line_number(const char *buf, size_t pos)
{
	unsigned n = 1;

	for (size_t i = 0; i < pos; i++)
		n += buf[i] == '\n';
	return n;
}

int ipxe_run(const char *buf, size_t len, struct ipxe_state *st,
	     void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct run r = { buf, len, st, warn, ctx, 1, 0, IPXE_END };
	char *words[IPXE_WORDS_MAX];
	const char *eol;
	size_t pos;

	if (!buf || !st || !ipxe_is_script(buf, len))
		return -EINVAL;
	st->kernel[0] = st->args[0] = st->url[0] = st->menu_title[0] = '\0';
	st->n_initrds = st->n_items = st->warnings = 0;
	st->default_item = -1;
	eol = memchr(buf, '\n', len);
	pos = eol ? (size_t)(eol - buf) + 1 : len;
	for (unsigned steps = 0; pos < len; steps++) {
		size_t end, p = pos, next;
		int n, rc;

		if (steps >= IPXE_STEPS_MAX)
			return -ELOOP;
		eol = memchr(buf + pos, '\n', len - pos);
		end = eol ? (size_t)(eol - buf) : len;
		next = eol ? end + 1 : len;
		r.lineno++;
		while (p < end && (buf[p] == ' ' || buf[p] == '\t'))
			p++;
		if (end > p && buf[end - 1] == '\r')
			end--;
		pos = next;
		if (p >= end || buf[p] == '#' || buf[p] == ':')
			continue;
		if (expand(st, buf + p, end - p) < 0) {
			warnf(&r, "longer than %d bytes once expanded: skipped", IPXE_LINE_MAX);
			continue;
		}
		n = split(st->line, words, IPXE_WORDS_MAX);
		if (n < 0) {
			warnf(&r, "more than %d words: skipped", IPXE_WORDS_MAX);
			continue;
		}
		if (n == 0)
			continue;
		rc = run_words(&r, words, (unsigned)n);
		if (rc == CMD_STOP)
			return r.result;
		if (rc == CMD_JUMP) {
			pos = r.jump;
			r.lineno = line_number(buf, pos) - 1;
		}
	}
	return IPXE_END;
}
