/* The grub.cfg parser: one statement at a time, as GRUB's normal mode reads a config file
 * (grub-core/script/parser.y). Grammar, with GRUB's rules:
 *
 *   statement := and_or              (&& and || are an embark extension; see grub.h)
 *   and_or    := command { (&& | ||) newlines command }
 *   command   := simple | if | for | while | until | function
 *   simple    := word { word } [ '{' text '}' ]     the block must end the command
 *   if        := if list then list { elif list then list } [ else list ] fi
 *   for       := for NAME in { word } (; | newline) newlines do list done
 *   while     := (while | until) list do list done
 *   function  := function NAME newlines '{' text '}'
 *
 * Keywords count only where a command starts; elsewhere they are words. Blocks and function
 * bodies stay text: GRUB keeps a menu entry's body as source and runs it later, and parsing it
 * then means a mistake inside one entry loses that entry only. Open constructs are kept on an
 * explicit stack of GRUB_MAX_NESTING, never on the C stack. */
#include "grub/grub_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { PO_IF, PO_FOR, PO_WHILE };
enum { PH_COND, PH_THEN, PH_ELSE, PH_BODY };

struct open_construct {
	uint8_t kind, phase;
	int node, clause;
	int head, last;          /* the list being built */
	unsigned line;
	const char *name;        /* "if", "for", "while" or "until" */
};

struct pstate {
	struct grub_interp *in;
	struct grub_lexer *lx;
	struct grub_parse_result *res;
	struct open_construct st[GRUB_MAX_NESTING];
	unsigned depth;
	int root_head, root_last;
	int pending_conn;        /* the last command ended with && or ||: one must follow */
};

static int fail(struct pstate *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct pstate *ps, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->res->err, sizeof(ps->res->err), fmt, ap);
	va_end(ap);
	ps->res->err_line = line;
	return -EINVAL;
}

static int is_kw(const struct grub_lexer *lx, const struct grub_token *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->type == GT_WORD && t->end - t->start == n && memcmp(lx->buf + t->start, kw, n) == 0;
}

static int new_node(struct pstate *ps, enum grub_node_kind kind, unsigned line)
{
	struct grub_interp *in = ps->in;
	struct grub_node *n;

	if (in->n_nodes >= GRUB_MAX_NODES)
		return -1;
	n = &in->nodes[in->n_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->line = line;
	n->next = n->a = n->b = -1;
	n->word = in->n_spans;
	return (int)in->n_nodes++;
}

static int add_span(struct pstate *ps, const struct grub_token *t)
{
	struct grub_interp *in = ps->in;

	if (in->n_spans >= GRUB_MAX_SPANS)
		return -1;
	in->spans[in->n_spans].off = (uint32_t)t->start;
	in->spans[in->n_spans].len = (uint32_t)(t->end - t->start);
	in->n_spans++;
	return 0;
}

static int *cur_head(struct pstate *ps)
{
	return ps->depth ? &ps->st[ps->depth - 1].head : &ps->root_head;
}

static int *cur_last(struct pstate *ps)
{
	return ps->depth ? &ps->st[ps->depth - 1].last : &ps->root_last;
}

static void append(struct pstate *ps, int node)
{
	int *head = cur_head(ps), *last = cur_last(ps);

	if (*last < 0)
		*head = node;
	else
		ps->in->nodes[*last].next = node;
	*last = node;
	ps->pending_conn = 0;
}

/* Captures the text of a block whose '{' ended at lx->pos, up to the matching '}'. */
static int capture_block(struct pstate *ps, unsigned open_line, struct grub_node *n)
{
	struct grub_lexer *lx = ps->lx;
	size_t start = lx->pos;
	unsigned depth = 1;
	struct grub_token t;

	n->body_line = lx->line;
	for (;;) {
		grub_lex_next(lx, &t);
		if (t.type == GT_EOF)
			return fail(ps, open_line, "'{' opened here is never closed");
		if (t.type == GT_LBRACE) {
			depth++;
		} else if (t.type == GT_RBRACE && --depth == 0) {
			n->body = (uint32_t)start;
			n->body_len = (uint32_t)(t.start - start);
			n->has_block = 1;
			return 0;
		}
	}
}

/* After a command: T must end it. Returns 1 when the statement is complete, 0 to go on. */
static int after_command(struct pstate *ps, const struct grub_token *t, const char *what)
{
	int last = *cur_last(ps);

	switch (t->type) {
	case GT_AND:
	case GT_OR:
		ps->in->nodes[last].conn = t->type == GT_AND ? GC_AND : GC_OR;
		ps->pending_conn = 1;
		if (!ps->res->andor_line)
			ps->res->andor_line = t->line;
		return 0;
	case GT_SEMI:
	case GT_NEWLINE:
	case GT_EOF:
		return ps->depth == 0 ? 1 : 0;
	case GT_RBRACE:
		return fail(ps, t->line, "'}' without a matching '{'");
	case GT_BAD:
		return fail(ps, t->line, "%s", t->why);
	default:
		return fail(ps, t->line, "';' or a newline must follow %s", what);
	}
}

static int push_construct(struct pstate *ps, int kind, int node, unsigned line, const char *name)
{
	struct open_construct *o;

	if (ps->depth >= GRUB_MAX_NESTING)
		return fail(ps, line, "if/for/while nested deeper than %d", GRUB_MAX_NESTING);
	o = &ps->st[ps->depth++];
	o->kind = (uint8_t)kind;
	o->phase = kind == PO_FOR ? PH_BODY : PH_COND;
	o->node = node;
	o->clause = -1;
	o->head = o->last = -1;
	o->line = line;
	o->name = name;
	ps->pending_conn = 0;
	return 0;
}

/* fi or done: the innermost construct's last list goes into *BODY (a node field) and the
 * construct, now complete, becomes one command of the list around it. */
static void close_construct(struct pstate *ps, int *body)
{
	const struct open_construct *o = &ps->st[ps->depth - 1];
	int node = o->node;

	*body = o->head;
	ps->depth--;
	append(ps, node);
}

/* A closing or middle keyword: then, elif, else, fi, do, done. Returns 1 when it completed a
 * command (fi, done), 0 otherwise. */
static int keyword(struct pstate *ps, const struct grub_token *t, const char *kw)
{
	struct grub_interp *in = ps->in;
	struct open_construct *o = ps->depth ? &ps->st[ps->depth - 1] : NULL;
	int node;

	if (ps->pending_conn)
		return fail(ps, t->line, "a command must follow '&&' or '||', not '%s'", kw);
	if (!o)
		return fail(ps, t->line, "'%s' outside if/for/while", kw);
	if (o->head < 0)
		return fail(ps, t->line, "'%s' with no command before it (the '%s' at line %u)",
			    kw, o->name, o->line);
	if (strcmp(kw, "then") == 0) {
		if (o->kind != PO_IF || o->phase != PH_COND)
			return fail(ps, t->line, "'then' without 'if' or 'elif'");
		in->nodes[o->clause].a = o->head;
		o->phase = PH_THEN;
	} else if (strcmp(kw, "elif") == 0 || strcmp(kw, "else") == 0) {
		if (o->kind != PO_IF || o->phase != PH_THEN)
			return fail(ps, t->line, "'%s' without 'if ... then'", kw);
		in->nodes[o->clause].b = o->head;
		if (strcmp(kw, "elif") == 0) {
			node = new_node(ps, GN_CLAUSE, t->line);
			if (node < 0)
				return fail(ps, t->line, "statement larger than %d nodes", GRUB_MAX_NODES);
			in->nodes[o->clause].next = node;
			o->clause = node;
			o->phase = PH_COND;
		} else {
			o->phase = PH_ELSE;
		}
	} else if (strcmp(kw, "fi") == 0) {
		if (o->kind != PO_IF || o->phase == PH_COND)
			return fail(ps, t->line, "'fi' without 'if ... then'");
		close_construct(ps, o->phase == PH_THEN ? &in->nodes[o->clause].b
						       : &in->nodes[o->node].b);
		return 1;
	} else if (strcmp(kw, "do") == 0) {
		if (o->kind != PO_WHILE || o->phase != PH_COND)
			return fail(ps, t->line, "'do' without 'while' or 'until'");
		in->nodes[o->node].a = o->head;
		o->phase = PH_BODY;
	} else { /* done */
		if ((o->kind != PO_WHILE && o->kind != PO_FOR) || o->phase != PH_BODY)
			return fail(ps, t->line, "'done' without 'do'");
		close_construct(ps, o->kind == PO_FOR ? &in->nodes[o->node].a
						      : &in->nodes[o->node].b);
		return 1;
	}
	o->head = o->last = -1;
	return 0;
}

static int parse_for(struct pstate *ps, const struct grub_token *kw_tok)
{
	struct grub_lexer *lx = ps->lx;
	struct grub_token t;
	int node = new_node(ps, GN_FOR, kw_tok->line);

	if (node < 0)
		return fail(ps, kw_tok->line, "statement larger than %d nodes", GRUB_MAX_NODES);
	grub_lex_next(lx, &t);
	if (t.type != GT_WORD || !grub_is_name(lx->buf + t.start, t.end - t.start))
		return fail(ps, t.line, "'for' must be followed by a variable name");
	if (add_span(ps, &t) < 0)
		return fail(ps, t.line, "statement larger than %d words", GRUB_MAX_SPANS);
	grub_lex_next(lx, &t);
	if (!is_kw(lx, &t, "in"))
		return fail(ps, t.line, "'in' must follow 'for NAME'");
	for (;;) {
		grub_lex_next(lx, &t);
		if (t.type != GT_WORD)
			break;
		if (ps->in->nodes[node].nwords >= GRUB_MAX_TOKENS)
			return fail(ps, t.line, "more than %d words in one command", GRUB_MAX_TOKENS);
		if (add_span(ps, &t) < 0)
			return fail(ps, t.line, "statement larger than %d words", GRUB_MAX_SPANS);
		ps->in->nodes[node].nwords++;
	}
	ps->in->nodes[node].nwords++; /* the name */
	if (t.type == GT_BAD)
		return fail(ps, t.line, "%s", t.why);
	if (t.type != GT_SEMI && t.type != GT_NEWLINE)
		return fail(ps, t.line, "';' or a newline must end the words of 'for'");
	do
		grub_lex_next(lx, &t);
	while (t.type == GT_NEWLINE);
	if (!is_kw(lx, &t, "do"))
		return fail(ps, t.line, "'do' must follow 'for NAME in WORDS;'");
	return push_construct(ps, PO_FOR, node, kw_tok->line, "for");
}

static int parse_function(struct pstate *ps, const struct grub_token *kw_tok)
{
	struct grub_lexer *lx = ps->lx;
	struct grub_token t;
	int node = new_node(ps, GN_FUNC, kw_tok->line);
	int r;

	if (node < 0)
		return fail(ps, kw_tok->line, "statement larger than %d nodes", GRUB_MAX_NODES);
	grub_lex_next(lx, &t);
	if (t.type != GT_WORD || !grub_is_name(lx->buf + t.start, t.end - t.start))
		return fail(ps, t.line, "'function' must be followed by a name");
	if (add_span(ps, &t) < 0)
		return fail(ps, t.line, "statement larger than %d words", GRUB_MAX_SPANS);
	ps->in->nodes[node].nwords = 1;
	do
		grub_lex_next(lx, &t);
	while (t.type == GT_NEWLINE || t.type == GT_SEMI);
	if (t.type != GT_LBRACE)
		return fail(ps, t.line, "'{' must follow 'function NAME'");
	r = capture_block(ps, t.line, &ps->in->nodes[node]);
	if (r < 0)
		return r;
	append(ps, node);
	return 0;
}

/* A simple command whose first word is T. Leaves its terminator in *T. */
static int parse_simple(struct pstate *ps, struct grub_token *t)
{
	struct grub_lexer *lx = ps->lx;
	int node = new_node(ps, GN_CMD, t->line);
	struct grub_node *n;
	int r;

	if (node < 0)
		return fail(ps, t->line, "statement larger than %d nodes", GRUB_MAX_NODES);
	n = &ps->in->nodes[node];
	while (t->type == GT_WORD) {
		if (n->nwords >= GRUB_MAX_TOKENS)
			return fail(ps, t->line, "more than %d words in one command", GRUB_MAX_TOKENS);
		if (add_span(ps, t) < 0)
			return fail(ps, t->line, "statement larger than %d words", GRUB_MAX_SPANS);
		n->nwords++;
		grub_lex_next(lx, t);
	}
	if (t->type == GT_LBRACE) {
		r = capture_block(ps, t->line, n);
		if (r < 0)
			return r;
		grub_lex_next(lx, t);
		if (t->type == GT_WORD || t->type == GT_LBRACE)
			return fail(ps, t->line, "a command must end after its '{ }' block");
	}
	append(ps, node);
	return 0;
}

int grub_parse_statement(struct grub_interp *in, struct grub_lexer *lx, int *root,
			 struct grub_parse_result *res)
{
	struct pstate ps = { .in = in, .lx = lx, .res = res, .root_head = -1, .root_last = -1 };
	struct grub_token t;
	int started = 0, r;

	res->err[0] = '\0';
	res->err_line = 0;
	res->andor_line = 0;
	for (;;) {
		grub_lex_next(lx, &t);
		if (!started && t.type != GT_NEWLINE) {
			started = 1;
			res->start = t.start;
			res->start_line = t.line;
		}
		switch (t.type) {
		case GT_NEWLINE:
			continue;
		case GT_EOF:
			if (ps.depth) {
				struct open_construct *o = &ps.st[ps.depth - 1];

				return fail(&ps, o->line, "'%s' opened here is never closed ('%s' missing)",
					    o->name, o->kind == PO_IF ? "fi" : "done");
			}
			if (ps.pending_conn)
				return fail(&ps, t.line, "a command must follow '&&' or '||'");
			return 0;
		case GT_SEMI:
			return fail(&ps, t.line, "';' with no command before it");
		case GT_AND:
		case GT_OR:
			return fail(&ps, t.line, "'%s' with no command before it",
				    t.type == GT_AND ? "&&" : "||");
		case GT_LBRACE:
			return fail(&ps, t.line, "'{' must follow a command such as menuentry");
		case GT_RBRACE:
			return fail(&ps, t.line, "'}' without a matching '{'");
		case GT_BAD:
			return fail(&ps, t.line, "%s", t.why);
		case GT_WORD:
			break;
		}
		if (is_kw(lx, &t, "if")) {
			int node = new_node(&ps, GN_IF, t.line), clause = new_node(&ps, GN_CLAUSE, t.line);

			if (node < 0 || clause < 0)
				return fail(&ps, t.line, "statement larger than %d nodes", GRUB_MAX_NODES);
			in->nodes[node].a = clause;
			r = push_construct(&ps, PO_IF, node, t.line, "if");
			if (r < 0)
				return r;
			ps.st[ps.depth - 1].clause = clause;
			continue;
		}
		if (is_kw(lx, &t, "while") || is_kw(lx, &t, "until")) {
			int until = is_kw(lx, &t, "until");
			int node = new_node(&ps, until ? GN_UNTIL : GN_WHILE, t.line);

			if (node < 0)
				return fail(&ps, t.line, "statement larger than %d nodes", GRUB_MAX_NODES);
			r = push_construct(&ps, PO_WHILE, node, t.line, until ? "until" : "while");
			if (r < 0)
				return r;
			continue;
		}
		if (is_kw(lx, &t, "for")) {
			r = parse_for(&ps, &t);
			if (r < 0)
				return r;
			continue;
		}
		if (is_kw(lx, &t, "then") || is_kw(lx, &t, "elif") || is_kw(lx, &t, "else") ||
		    is_kw(lx, &t, "fi") || is_kw(lx, &t, "do") || is_kw(lx, &t, "done")) {
			char kw[8];
			size_t n = t.end - t.start;

			memcpy(kw, lx->buf + t.start, n);
			kw[n] = '\0';
			r = keyword(&ps, &t, kw);
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			grub_lex_next(lx, &t);
			r = after_command(&ps, &t, kw[0] == 'f' ? "'fi'" : "'done'");
		} else if (is_kw(lx, &t, "function")) {
			r = parse_function(&ps, &t);
			if (r < 0)
				return r;
			grub_lex_next(lx, &t);
			r = after_command(&ps, &t, "a function's '}'");
		} else if (is_kw(lx, &t, "case") || is_kw(lx, &t, "esac") || is_kw(lx, &t, "select") ||
			   is_kw(lx, &t, "in") || is_kw(lx, &t, "time") || is_kw(lx, &t, "[[") ||
			   is_kw(lx, &t, "]]")) {
			return fail(&ps, t.line, "'%.*s' is a GRUB keyword that no GRUB command accepts",
				    (int)(t.end - t.start), lx->buf + t.start);
		} else {
			r = parse_simple(&ps, &t);
			if (r < 0)
				return r;
			r = after_command(&ps, &t, "a command");
		}
		if (r < 0)
			return r;
		if (r == 1) {
			*root = ps.root_head;
			return 1;
		}
	}
}

static int line_starts_with(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	return n >= w && memcmp(s, word, w) == 0 &&
	       (n == w || s[w] == ' ' || s[w] == '\t' || s[w] == ';' || s[w] == '\r');
}

void grub_parse_recover(struct grub_lexer *lx, const struct grub_parse_result *res)
{
	static const char *const closing[] = { "fi", "done", "}", "else", "elif", "then", "do" };
	static const char *const entries[] = { "menuentry", "submenu", "hiddenentry" };
	const char *b = lx->buf;
	size_t p = res->start;
	unsigned line = res->start_line;

	for (;;) {
		size_t s, e, k;
		int resume;

		while (p < lx->len && b[p] != '\n')
			p++;
		if (p >= lx->len)
			break;
		p++;
		line++;
		s = p;
		for (e = s; e < lx->len && b[e] != '\n'; e++)
			;
		k = s;
		while (k < e && (b[k] == ' ' || b[k] == '\t'))
			k++;
		if (k == e || b[k] == '#' || b[k] == '\r')
			continue;
		resume = 0;
		if (k == s) {
			resume = 1;
			for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++)
				if (line_starts_with(b + k, e - k, closing[i]))
					resume = 0;
		}
		for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
			if (line_starts_with(b + k, e - k, entries[i]))
				resume = 1;
		if (resume) {
			lx->pos = s;
			lx->line = line;
			return;
		}
	}
	lx->pos = lx->len;
	lx->line = line;
}
