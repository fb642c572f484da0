/* Command lines into words, in place: a word is never longer than the text it came from, so
 * the words are written over the line as it is read. The quoting is the familiar subset of
 * sh: enough to name a file with a blank in it or pass a kernel command line as one word,
 * nothing that expands. */
#include "init/shell.h"

#include <errno.h>
#include <stdbool.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int shell_split(char *line, char **words, unsigned max, const char **why)
{
	char *in = line, *out = line;
	unsigned n = 0;

	*why = "";
	for (;;) {
		while (is_blank(*in))
			in++;
		if (!*in)
			return (int)n;
		if (n == max) {
			*why = "too many words";
			return -E2BIG;
		}
		words[n++] = out;
		/* One word: ends at a blank or the end, outside quotes. IN only moves forward,
		 * so the loop ends at the line's NUL. */
		while (*in && !is_blank(*in)) {
			if (*in == '\'') {
				for (in++; *in && *in != '\''; )
					*out++ = *in++;
				if (!*in) {
					*why = "a ' quote is not closed";
					return -EINVAL;
				}
				in++;
			} else if (*in == '"') {
				for (in++; *in && *in != '"'; ) {
					if (*in == '\\' && (in[1] == '"' || in[1] == '\\'))
						in++;
					*out++ = *in++;
				}
				if (!*in) {
					*why = "a \" quote is not closed";
					return -EINVAL;
				}
				in++;
			} else if (*in == '\\') {
				if (!in[1]) {
					*why = "a \\ at the end of the line escapes nothing";
					return -EINVAL;
				}
				in++;
				*out++ = *in++;
			} else {
				*out++ = *in++;
			}
		}
		/* OUT never passes IN: the NUL lands on the blank that ended the word (or on
		 * what was already copied), never on text not read yet. */
		if (*in)
			in++;
		*out++ = '\0';
	}
}
