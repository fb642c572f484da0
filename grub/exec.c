/* The executor. GRUB runs a script by recursion over its parse tree; here every running
 * construct is a frame on one bounded stack (GRUB_MAX_FRAMES), so no input, however nested or
 * recursive, can exhaust the C stack:
 *   FR_SCRIPT  reads the next statement of a text and pushes it as a list
 *   FR_LIST    runs the commands of a list, honouring && and ||
 *   FR_IF, FR_FOR, FR_WHILE   one per running compound command
 *   FR_CALL    a function call: positional parameters and loop depth of the caller
 *   FR_MENU    turns the recorded items of a menu into boot entries (menu.c)
 * `return` and `boot` unwind to the frame they end; `break`/`continue` count down through
 * the loops as GRUB's active_breaks does. Everything stops after GRUB_MAX_STEPS commands. */
#include "grub/grub_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int grub_push_frame(struct grub_interp *in, enum grub_frame_kind kind, struct grub_frame **out)
{
	struct grub_frame *f;

	if (in->n_frames >= GRUB_MAX_FRAMES)
		return -ENOSPC;
	f = &in->frames[in->n_frames++];
	memset(f, 0, sizeof(*f));
	f->kind = (uint8_t)kind;
	f->cur = f->node = f->clause = f->default_item = -1;
	*out = f;
	return 0;
}

const struct grub_frame *grub_cur_script(const struct grub_interp *in)
{
	for (unsigned i = in->n_frames; i-- > 0;)
		if (in->frames[i].kind == FR_SCRIPT)
			return &in->frames[i];
	return NULL;
}

int grub_push_script(struct grub_interp *in, enum grub_script_kind kind, const char *text,
		     size_t len, unsigned line, unsigned file, int owns_buffer)
{
	struct grub_frame *f;
	int r = grub_push_frame(in, FR_SCRIPT, &f);

	if (r < 0)
		return r;
	f->script_kind = (uint8_t)kind;
	f->text = text;
	f->len = len;
	f->line = line;
	f->file = file;
	f->owns_buffer = owns_buffer;
	f->node_mark = in->n_nodes;
	f->span_mark = in->n_spans;
	/* Entry, submenu and configfile bodies start with no loop to break out of. */
	f->saved_loops = in->active_loops;
	if (kind == SK_ENTRY || kind == SK_SUBMENU || kind == SK_CONFIGFILE)
		in->active_loops = 0;
	return 0;
}

static int push_list(struct grub_interp *in, const char *text, int head)
{
	struct grub_frame *f;
	int r = grub_push_frame(in, FR_LIST, &f);

	if (r < 0)
		return r;
	f->text = text;
	f->cur = head;
	return 0;
}


/* Removes the top frame, undoing what it holds. FR_MENU frames are closed by menu.c. */
static void pop_frame(struct grub_interp *in)
{
	struct grub_frame *f = &in->frames[in->n_frames - 1];

	switch (f->kind) {
	case FR_SCRIPT:
		in->n_nodes = f->node_mark;
		in->n_spans = f->span_mark;
		if (f->owns_buffer && in->n_source)
			in->n_source--;
		if (f->script_kind == SK_ENTRY || f->script_kind == SK_SUBMENU ||
		    f->script_kind == SK_CONFIGFILE)
			in->active_loops = f->saved_loops;
		in->n_frames--;
		if (f->script_kind == SK_SOURCE) {
			const struct grub_frame *s = grub_cur_script(in);

			if (s)
				grub_set_config_vars(in, s->file); /* GRUB restores them after `source` */
		}
		return;
	case FR_FOR:
		in->arena_used = f->arena_mark;
		/* fall through */
	case FR_WHILE:
		if (in->active_loops)
			in->active_loops--;
		break;
	case FR_CALL:
		in->active_loops = f->saved_loops;
		grub_params_pop(in);
		if (in->calls)
			in->calls--;
		if (f->invert)
			in->status = !in->status;
		break;
	default:
		break;
	}
	in->n_frames--;
}

void grub_set_config_vars(struct grub_interp *in, unsigned file)
{
	struct grub_env *env = grub_env_cur(in);
	char val[BOOT_PATH_MAX + BOOT_ID_MAX + 4], *slash;
	size_t rlen;
	const char *root = grub_env_get(env, "root", 4, &rlen);
	int n;

	if (file >= in->n_files)
		return;
	n = snprintf(val, sizeof(val), "(%.*s)%s", root ? (int)rlen : 0, root ? root : "",
		     in->files[file]);
	if (n < 0 || (size_t)n >= sizeof(val))
		return;
	grub_env_set(env, "config_file", 11, val, (size_t)n);
	grub_env_export(env, "config_file", 11);
	slash = strrchr(val, '/');
	if (slash)
		*slash = '\0';
	grub_env_set(env, "config_directory", 16, val, strlen(val));
	grub_env_export(env, "config_directory", 16);
}

int grub_start_source(struct grub_interp *in, enum grub_script_kind kind, const char *text,
		      size_t len, unsigned file)
{
	int r = grub_push_script(in, kind, text, len, 1, file, 1);

	if (r < 0)
		return r;
	in->n_source++;
	grub_set_config_vars(in, file);
	return 0;
}

static void end_script(struct grub_interp *in, struct grub_frame *f)
{
	enum grub_script_kind kind = (enum grub_script_kind)f->script_kind;
	unsigned menu = f->menu;

	pop_frame(in);
	if (kind == SK_FILE)
		grub_menu_finish(in, 0);
	else if (kind == SK_CONFIGFILE)
		grub_menu_finish(in, menu);
}

static void step_script(struct grub_interp *in, struct grub_frame *f)
{
	struct grub_parse_result res;
	struct grub_lexer lx;
	int root = -1, r;

	if (in->breaks || f->pos >= f->len) {
		end_script(in, f);
		return;
	}
	in->n_nodes = f->node_mark;
	in->n_spans = f->span_mark;
	grub_lex_init(&lx, f->text, f->len, f->line);
	lx.pos = f->pos;
	r = grub_parse_statement(in, &lx, &root, &res);
	if (r < 0) {
		/* Recovery may resume inside the statement that failed, which then fails on the
		 * same line again: that is said once. */
		if (res.err_line != f->last_err_line)
			grub_warn(in, f->file, res.err_line, "%s; statement skipped", res.err);
		f->last_err_line = res.err_line;
		in->n_nodes = f->node_mark;
		in->n_spans = f->span_mark;
		grub_parse_recover(&lx, &res);
	}
	f->pos = lx.pos;
	f->line = lx.line;
	if (r == 0) {
		f->pos = f->len;
		end_script(in, f);
		return;
	}
	if (r == 1 && res.andor_line)
		grub_warn(in, f->file, res.andor_line, "'&&' and '||' are not GRUB syntax (GRUB skips "
			  "this statement); embark runs it as a shell would");
	if (r == 1 && push_list(in, f->text, root) < 0) {
		grub_warn(in, f->file, res.start_line, "more than %d frames in use; stopped",
			  GRUB_MAX_FRAMES);
		in->halted = 1;
	}
}

static int find_function(const struct grub_interp *in, const char *name)
{
	for (unsigned i = 0; i < in->n_funcs; i++)
		if (strcmp(in->funcs[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void define_function(struct grub_interp *in, const char *text, const struct grub_node *n)
{
	const struct grub_span *sp = &in->spans[n->word];
	const struct grub_frame *s = grub_cur_script(in);
	unsigned file = s ? s->file : 0;
	char name[GRUB_NAME_MAX];
	long body;
	int i;

	in->status = 0;
	if (sp->len >= sizeof(name)) {
		grub_warn(in, file, n->line, "function name longer than %d bytes; not defined",
			  GRUB_NAME_MAX - 1);
		return;
	}
	memcpy(name, text + sp->off, sp->len);
	name[sp->len] = '\0';
	i = find_function(in, name);
	if (i < 0) {
		if (in->n_funcs >= GRUB_MAX_FUNCTIONS) {
			grub_warn(in, file, n->line, "more than %d functions; '%s' not defined",
				  GRUB_MAX_FUNCTIONS, name);
			return;
		}
		i = (int)in->n_funcs;
	}
	/* The body is copied: its file may be gone when the function runs. */
	body = grub_text_add(in, text + n->body, n->body_len);
	if (body < 0) {
		grub_warn(in, file, n->line, "more than %d bytes of bodies; function '%s' not defined",
			  GRUB_TEXT_POOL, name);
		return;
	}
	if ((unsigned)i == in->n_funcs)
		in->n_funcs++;
	memcpy(in->funcs[i].name, name, sp->len + 1);
	in->funcs[i].body = (uint32_t)body;
	in->funcs[i].body_len = n->body_len;
	in->funcs[i].file = file;
	in->funcs[i].line = n->body_line;
}

static void call_function(struct grub_interp *in, int fn, unsigned argc, char **argv, int invert,
			  unsigned line)
{
	const struct grub_frame *s = grub_cur_script(in);
	const struct grub_func *f = &in->funcs[fn];
	struct grub_frame *call;

	if (in->calls >= GRUB_MAX_CALL_DEPTH) {
		grub_warn(in, s ? s->file : 0, line,
			  "function '%s' not called: calls nested deeper than %d", f->name,
			  GRUB_MAX_CALL_DEPTH);
		in->status = 1;
		return;
	}
	if (grub_push_frame(in, FR_CALL, &call) < 0)
		goto full;
	call->saved_loops = in->active_loops;
	call->invert = (uint8_t)invert;
	if (grub_params_push(in, argc - 1, argv + 1) < 0) {
		in->n_frames--;
		grub_warn(in, s ? s->file : 0, line, "function '%s' not called: more than %d "
			  "arguments or %d bytes of them", f->name, GRUB_MAX_PARAMS, GRUB_PARAMS_MAX);
		in->status = 1;
		return;
	}
	in->calls++;
	in->active_loops = 0;
	in->status = 0;
	if (grub_push_script(in, SK_FUNC, in->text + f->body, f->body_len, f->line, f->file, 0) < 0) {
		pop_frame(in);
		goto full;
	}
	return;
full:
	grub_warn(in, s ? s->file : 0, line, "more than %d frames in use; stopped", GRUB_MAX_FRAMES);
	in->halted = 1;
}

static void exec_simple(struct grub_interp *in, const char *text, const struct grub_node *n)
{
	char *argv[GRUB_MAX_ARGS + 1], **a = argv, *eq;
	size_t mark = in->arena_used;
	const struct grub_frame *s = grub_cur_script(in);
	unsigned file = s ? s->file : 0;
	int argc, invert = 0, fn;

	if (++in->steps > GRUB_MAX_STEPS) {
		grub_warn(in, file, n->line, "more than %d commands run (a loop that never ends?); "
			  "stopped", GRUB_MAX_STEPS);
		in->halted = 1;
		return;
	}
	argc = grub_expand(in, text, n->word, n->nwords, argv, GRUB_MAX_ARGS);
	if (argc < 0) {
		grub_warn(in, file, n->line, "command longer than %d arguments or %d bytes once "
			  "expanded; not run", GRUB_MAX_ARGS, GRUB_ARENA);
		in->status = 1;
		goto out;
	}
	if (argc > 0 && strcmp(a[0], "!") == 0) {
		invert = 1;
		a++;
		argc--;
	}
	if (argc == 0) {
		in->status = invert; /* "!" alone is an error in GRUB */
		goto out;
	}
	if (grub_builtin(in, (unsigned)argc, a, n, text)) {
		/* status set by the command */
	} else if ((fn = find_function(in, a[0])) >= 0) {
		call_function(in, fn, (unsigned)argc, a, invert, n->line);
		invert = 0; /* applied when the call returns */
	} else if ((eq = strchr(a[0], '=')) != NULL) {
		int r = 0;

		/* NAME=VALUE as a command: GRUB's last resort when no command has that name. */
		if (eq > a[0] && !(a[0][0] >= '0' && a[0][0] <= '9') && !strchr("#*@", a[0][0]))
			r = grub_env_set(grub_env_cur(in), a[0], (size_t)(eq - a[0]), eq + 1,
					 strlen(eq + 1));
		if (r < 0)
			grub_warn(in, file, n->line, "%.*s not set: %s", (int)(eq - a[0]), a[0],
				  r == -E2BIG ? "value too long" : "too many variables");
		in->status = 0;
	} else if (grub_ignored_command(a[0])) {
		in->status = 0;
	} else {
		in->status = 1; /* GRUB: "can't find command"; embark needs none it does not know */
	}
	if (invert)
		in->status = !in->status;
out:
	in->arena_used = mark;
}

static void exec_node(struct grub_interp *in, const char *text, int idx)
{
	const struct grub_node *n = &in->nodes[idx];
	const struct grub_frame *s = grub_cur_script(in);
	struct grub_frame *f;
	int r = 0;

	switch (n->kind) {
	case GN_CMD:
		exec_simple(in, text, n);
		return;
	case GN_FUNC:
		define_function(in, text, n);
		return;
	case GN_IF:
		r = grub_push_frame(in, FR_IF, &f);
		break;
	case GN_FOR: {
		char *argv[GRUB_MAX_ARGS + 1];
		size_t mark = in->arena_used;
		int nv = grub_expand(in, text, n->word + 1, n->nwords - 1, argv, GRUB_MAX_ARGS);

		if (nv < 0) {
			grub_warn(in, s ? s->file : 0, n->line, "for: more than %d words or %d bytes "
				  "once expanded; loop not run", GRUB_MAX_ARGS, GRUB_ARENA);
			in->arena_used = mark;
			in->status = 1;
			return;
		}
		r = grub_push_frame(in, FR_FOR, &f);
		if (r < 0) {
			in->arena_used = mark;
			break;
		}
		f->arena_mark = mark;
		f->values = mark;
		f->nvalues = (unsigned)nv;
		in->active_loops++;
		break;
	}
	case GN_WHILE:
	case GN_UNTIL:
		r = grub_push_frame(in, FR_WHILE, &f);
		if (r == 0)
			in->active_loops++;
		break;
	default:
		return;
	}
	if (r < 0) {
		grub_warn(in, s ? s->file : 0, n->line, "more than %d frames in use; stopped",
			  GRUB_MAX_FRAMES);
		in->halted = 1;
		return;
	}
	f->text = text;
	f->node = idx;
	/* $? is left alone: `if [ "$?" = 0 ]` tests the command before the if. */
}

static void step_list(struct grub_interp *in, struct grub_frame *f)
{
	const struct grub_node *n;
	int skip, idx = f->cur;

	if (in->breaks || idx < 0) {
		pop_frame(in);
		return;
	}
	n = &in->nodes[idx];
	skip = (f->prev_conn == GC_AND && in->status != 0) ||
	       (f->prev_conn == GC_OR && in->status == 0);
	f->prev_conn = n->conn;
	f->cur = n->next;
	if (!skip)
		exec_node(in, f->text, idx);
}

/* A loop frame's view of break/continue: 1 when the loop must end. */
static int loop_breaks(struct grub_interp *in)
{
	if (!in->breaks)
		return 0;
	if (in->is_continue && in->breaks == 1) {
		in->breaks = 0;
		return 0;
	}
	in->breaks--;
	return 1;
}

static int push_child(struct grub_interp *in, struct grub_frame *f, int head)
{
	const struct grub_frame *s;

	if (push_list(in, f->text, head) == 0)
		return 0;
	s = grub_cur_script(in);
	grub_warn(in, s ? s->file : 0, in->nodes[f->node].line,
		  "more than %d frames in use; stopped", GRUB_MAX_FRAMES);
	in->halted = 1;
	return -1;
}

static void step_if(struct grub_interp *in, struct grub_frame *f)
{
	const struct grub_node *n = &in->nodes[f->node];

	if (in->breaks) {
		pop_frame(in);
		return;
	}
	switch (f->phase) {
	case 0:
		f->clause = n->a;
		f->phase = 1;
		push_child(in, f, in->nodes[f->clause].a);
		return;
	case 1:
		if (in->status == 0) {
			f->phase = 2;
			push_child(in, f, in->nodes[f->clause].b);
			return;
		}
		f->clause = in->nodes[f->clause].next;
		if (f->clause >= 0) {
			push_child(in, f, in->nodes[f->clause].a);
			return;
		}
		if (n->b >= 0) {
			f->phase = 2;
			push_child(in, f, n->b);
			return;
		}
		in->status = 0;
		pop_frame(in);
		return;
	default:
		pop_frame(in);
		return;
	}
}

static void step_for(struct grub_interp *in, struct grub_frame *f)
{
	const struct grub_node *n = &in->nodes[f->node];
	const struct grub_span *name = &in->spans[n->word];
	const char *value;
	size_t vlen;

	if (loop_breaks(in) || f->iter >= f->nvalues) {
		if (f->nvalues == 0)
			in->status = 0; /* a loop over nothing succeeds */
		pop_frame(in);
		return;
	}
	if (f->iter >= GRUB_MAX_LOOP) {
		const struct grub_frame *s = grub_cur_script(in);

		grub_warn(in, s ? s->file : 0, n->line, "for: more than %d iterations; loop ended",
			  GRUB_MAX_LOOP);
		pop_frame(in);
		return;
	}
	value = in->arena + f->values;
	vlen = strlen(value);
	f->values += vlen + 1;
	f->iter++;
	if (grub_env_set(grub_env_cur(in), f->text + name->off, name->len, value, vlen) < 0) {
		const struct grub_frame *s = grub_cur_script(in);

		grub_warn(in, s ? s->file : 0, n->line, "for: variable not set (too many "
			  "variables); loop ended");
		pop_frame(in);
		return;
	}
	push_child(in, f, n->a);
}

static void step_while(struct grub_interp *in, struct grub_frame *f)
{
	const struct grub_node *n = &in->nodes[f->node];
	int until = n->kind == GN_UNTIL;

	if (loop_breaks(in)) {
		pop_frame(in);
		return;
	}
	if (f->phase == 0) {
		if (f->iter >= GRUB_MAX_LOOP) {
			const struct grub_frame *s = grub_cur_script(in);

			grub_warn(in, s ? s->file : 0, n->line, "%s: more than %d iterations; loop "
				  "ended", until ? "until" : "while", GRUB_MAX_LOOP);
			pop_frame(in);
			return;
		}
		f->phase = 1;
		push_child(in, f, n->a);
		return;
	}
	if (until ? in->status == 0 : in->status != 0) {
		pop_frame(in);
		return;
	}
	f->iter++;
	f->phase = 0;
	push_child(in, f, n->b);
}

void grub_run(struct grub_interp *in)
{
	while (in->n_frames) {
		struct grub_frame *f = &in->frames[in->n_frames - 1];

		if (in->halted) {
			/* Nothing is finished after a stop: what was added stays added. */
			in->n_frames = 0;
			break;
		}
		if (in->unwind_to >= 0) {
			if ((int)in->n_frames - 1 > in->unwind_to) {
				pop_frame(in);
				continue;
			}
			in->unwind_to = -1;
			if (f->kind == FR_SCRIPT)
				f->pos = f->len; /* ends at its next step */
		}
		switch (f->kind) {
		case FR_SCRIPT:
			step_script(in, f);
			break;
		case FR_LIST:
			step_list(in, f);
			break;
		case FR_IF:
			step_if(in, f);
			break;
		case FR_FOR:
			step_for(in, f);
			break;
		case FR_WHILE:
			step_while(in, f);
			break;
		case FR_CALL:
			pop_frame(in);
			break;
		case FR_MENU:
			grub_menu_step(in, f);
			break;
		}
	}
}

void grub_pop_frame(struct grub_interp *in)
{
	pop_frame(in);
}

int grub_unwind(struct grub_interp *in, int to_entry)
{
	for (unsigned i = in->n_frames; i-- > 0;) {
		const struct grub_frame *f = &in->frames[i];

		if (!to_entry && f->kind == FR_CALL) {
			in->unwind_to = (int)i;
			return 0;
		}
		if (f->kind == FR_SCRIPT && f->script_kind == SK_ENTRY) {
			in->unwind_to = (int)i;
			return 0;
		}
		if (f->kind == FR_MENU ||
		    (f->kind == FR_SCRIPT && (f->script_kind == SK_FILE ||
					      f->script_kind == SK_CONFIGFILE ||
					      f->script_kind == SK_SUBMENU)))
			return -ENOENT;
	}
	return -ENOENT;
}
