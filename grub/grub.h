/* grub — boot entries from a GRUB 2 grub.cfg, by interpreting it as GRUB's normal mode does.
 *
 * grub.cfg is a program, not a list: grub-mkconfig writes functions, conditionals on
 * feature_* variables, `search` commands that pick the device, `load_env` from grubenv and,
 * on Fedora/RHEL, `blscfg`. The interpreter runs it with GRUB's rules (quoting and word
 * splitting, exported variables and the contexts submenus and configfile open, menu entry
 * bodies run after the whole file with `setparams title args...`, `default` matched by
 * number, title, id or "a>b" path) and records, for every menu entry whose body loads a Linux
 * kernel, the kernel, initrds, command line (quoted as GRUB's loader quotes it) and the device
 * the paths live on.
 *
 * Nothing is ever written (save_env is ignored) and no allocation is made: all state is one
 * static, bounded structure (see the limits in grub_int.h), so the functions are not
 * reentrant. Input depth never becomes C recursion: nesting is kept on explicit stacks.
 *
 * Differences from GRUB, all reported through WARN or an entry warning: `&&` and `||` are
 * run as a shell would (GRUB rejects them); several `initrd` commands in one entry accumulate
 * (GRUB keeps the last); `configfile` adds that file's entries instead of replacing the
 * menu; a statement that does not parse is skipped and reading goes on at the next line that
 * starts in column 0 or with menuentry/submenu. An entry made by `blscfg` replaces, in place,
 * the entry the BLS scanner made from the same file under the same root (it is the same
 * entry, with its $variables expanded), and is then not counted as added. */
#ifndef EMBARK_GRUB_H
#define EMBARK_GRUB_H

#include "bootcfg/bootcfg.h"

#include <stddef.h>

/* Interprets the grub.cfg text BUF (LEN bytes) found at CFG_PATH (absolute within the
 * filesystem mounted at ROOT, e.g. "/boot/grub/grub.cfg") and appends its menu entries to
 * LIST. ROOT is used to read `source`/`configfile` targets, grubenv (`load_env`) and `blscfg`
 * entry directories on the same filesystem (bounded reads). WARN(ctx,msg) gets every skipped
 * statement/file with file:line and why. Returns entries added (>=0) or -errno. */
int grub_parse(const char *buf, size_t len, const char *root, const char *cfg_path,
	       struct boot_list *list, void (*warn)(void *ctx, const char *msg), void *ctx);

/* Finds the grub.cfg of the filesystem at ROOT (search order: /boot/grub/grub.cfg,
 * /boot/grub2/grub.cfg, /grub/grub.cfg, /grub2/grub.cfg, /EFI/<dir>/grub.cfg (sorted),
 * /boot/efi/EFI/<dir>/grub.cfg) and interprets the first one found. Returns entries added, 0
 * when there is none, -errno when ROOT is unreadable. */
int grub_scan(const char *root, struct boot_list *list,
	      void (*warn)(void *ctx, const char *msg), void *ctx);

#endif
