/* cli — the command-line face of the embark binary. Each verb is one cmd_* function taking the
 * arguments after the verb name (argv[0] is the verb). Verbs return the process exit code:
 * 0 success, 1 "refused/invalid input" (the verb documents it), 2 usage or I/O error.
 * This is the edge where -errno values turn into messages and exit codes. */
#ifndef EMBARK_CLI_H
#define EMBARK_CLI_H

int cmd_mkinitramfs(int argc, char **argv);
int cmd_cpio(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_hash(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_segments(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_dhcp(int argc, char **argv);
int cmd_resolve(int argc, char **argv);

/* Prints "embark VERB: " + message to stderr; returns 2 for use as `return cli_usage(...)`. */
int cli_usage(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
