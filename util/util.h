/* util — small helpers every module may use: errno names, bounded reads, string copies.
 * Functions return 0/count or -errno, as everywhere in embark. */
#ifndef EMBARK_UTIL_H
#define EMBARK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "ENOENT" for ENOENT; "E<number>" in BUF-free static storage for unknown values. */
const char *errno_name(int err);

/* Reads at most MAX bytes of PATH into BUF and NUL-terminates it (BUF holds MAX+1 bytes).
 * Returns the byte count, or -EFBIG when the file is larger than MAX, or -errno. */
ssize_t read_file_bounded(const char *path, char *buf, size_t max);

/* Reads the whole of FD (from its current offset) into BUF of CAP bytes; returns count or
 * -errno; -EFBIG when more than CAP bytes were available. */
ssize_t read_fd_full(int fd, void *buf, size_t cap);

/* Reads exactly LEN bytes at OFF; returns 0, -EIO on a short read, or -errno. */
int pread_exact(int fd, void *buf, size_t len, off_t off);

/* Writes all of BUF (at OFF, without moving the file offset: pwrite_all); returns 0, -EIO when
 * the file takes no more bytes, or -errno. */
int write_all(int fd, const void *buf, size_t len);
int pwrite_all(int fd, const void *buf, size_t len, off_t off);

/* Copies SRC into DST of size CAP, always terminated; returns -ENAMETOOLONG on truncation. */
int str_copy(char *dst, size_t cap, const char *src);

/* Joins A "/" B into DST (no doubled slash); -ENAMETOOLONG on truncation. */
int path_join(char *dst, size_t cap, const char *a, const char *b);



#include <stdio.h>
/* Writes S as a JSON string literal (quoted, escaped; bytes >= 0x80 passed through, control
 * characters as \u00XX). */
void json_put_str(FILE *f, const char *s);
/* Sealed memfds: "the bytes verified are the bytes loaded". A file is read into a memfd once,
 * sealed against every change, and everything after that (verification, kexec) works on the
 * memfd. memfd_new: an empty memfd that can be sealed, or -errno. memfd_seal: seals FD against
 * writes, growing and shrinking, and rewinds it; 0 or -errno. memfd_from_fd: reads SRC to its
 * end into a new sealed memfd (at most MAX bytes, else -EFBIG); returns the fd, size in *SIZE. */
int memfd_new(const char *name);
int memfd_seal(int fd);
int memfd_from_fd(int src, size_t max, const char *name, size_t *size);

/* Formats a message into ERR (ERRLEN bytes; nothing when ERR is NULL or ERRLEN 0) and returns
 * CODE: `return err_fail(err, errlen, -EINVAL, "offset %zu: ...", off);`. */
int err_fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* --- dir.c ---------------------------------------------------------------------------- */
#define DIR_NAME_MAX 256 /* a file name (NAME_MAX 255) and its NUL */
struct dir_names_opts {
	unsigned scan_max;                 /* directory entries looked at, at most */
	int (*keep)(const char *name);     /* which names to take (NULL: all) */
	int (*cmp)(const void *, const void *); /* qsort over char[DIR_NAME_MAX] (NULL: strcmp) */
};
/* The names in DIR that do not start with '.' and that O->keep takes, sorted, into
 * NAMES[CAP]. Returns the count, or -errno when DIR cannot be opened; *MORE (when not NULL)
 * says that names were left out for want of room. */
int dir_names(const char *dir, const struct dir_names_opts *o, char (*names)[DIR_NAME_MAX],
	      unsigned cap, bool *more);

/* The value of hex digit C (either case), or -1. */
int hex_value(int c);
/* qsort comparators: an array of char * (strptr_cmp), of char[N] (strarr_cmp). */
int strptr_cmp(const void *a, const void *b);
int strarr_cmp(const void *a, const void *b);

#endif
