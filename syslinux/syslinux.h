/* syslinux — boot entries from the configuration files of the syslinux family: SYSLINUX
 * (syslinux.cfg), EXTLINUX (extlinux.conf, also U-Boot's "sysboot"/distro boot with its fdt
 * keywords), ISOLINUX (isolinux.cfg) and PXELINUX (pxelinux.cfg/<name>).
 *
 * The semantics follow syslinux 6's own parser (ldlinux.c32 and menu.c32) where they decide
 * what boots: keywords are case-insensitive and must be followed by a blank or the end of
 * the line; state is global across INCLUDEs, as if the files were concatenated; a LABEL
 * ends at the next LABEL, MENU BEGIN/END/SEPARATOR or the end of the configuration; a
 * label's APPEND replaces the global one and "APPEND -" clears it; a KERNEL file ending in
 * .c32/.0/.bin/.bs/.bss/.img/.com/.cbt is not a Linux kernel (LINUX forces one). Relative
 * paths are relative to syslinux's working directory: the configuration file's directory,
 * or for pxelinux.cfg/<name> the directory above it (where pxelinux.0 lives).
 *
 * Which entry is the default (what boots when nobody touches the keyboard):
 *   1. ONTIMEOUT, when a TIMEOUT or TOTALTIMEOUT can expire (TIMEOUT 0 waits forever);
 *   2. DEFAULT naming a LABEL (with a UI directive, not a MENU HIDE one: the menu ignores
 *      those); a DEFAULT that names no label is a kernel command line syslinux runs as
 *      typed, and becomes an entry of its own — except "DEFAULT [vesa]menu.c32", the old way
 *      to start the menu, and any non-label DEFAULT when UI is set (the menu ignores it);
 *   3. the last MENU DEFAULT of the top-level menu (a submenu's own default is not what
 *      boots).
 * Entries are listed in file order; LOCALBOOT, COM32 modules, boot sectors, CONFIG and
 * MEMDISK entries are listed with `unbootable` set. MENU EXIT/GOTO/QUIT and MENU DISABLE
 * labels boot nothing and are skipped with a warning.
 *
 * No allocation: the parser's state and the INCLUDE buffers are static (one parse at a
 * time), with the limits below. */
#ifndef EMBARK_SYSLINUX_H
#define EMBARK_SYSLINUX_H

#include "bootcfg/bootcfg.h"

#include <stddef.h>
#include <stdint.h>

#define SYSLINUX_INCLUDE_DEPTH 4        /* INCLUDE files open below the main configuration */
#define SYSLINUX_MENU_DEPTH 8           /* MENU BEGIN levels kept in titles ("A>B>entry") */
#define SYSLINUX_TIMEOUT_MAX 36000      /* tenths of a second (one hour); more is clamped */
#define SYSLINUX_PXE_NAME_MAX 64        /* one pxelinux.cfg file name, with its NUL */
#define SYSLINUX_PXE_CANDIDATES 10      /* MAC name, 8 IP prefixes, "default" */

/* Parses the syslinux-family config BUF (LEN bytes) found at CFG_PATH (absolute within the
 * filesystem at ROOT, e.g. "/boot/extlinux/extlinux.conf") and appends its entries to LIST.
 * ROOT is used for INCLUDE files (depth limit SYSLINUX_INCLUDE_DEPTH) on the same
 * filesystem; NULL means INCLUDE cannot be followed. WARN(ctx, msg) gets everything skipped
 * with file:line and why. Sets LIST->timeout_s from TIMEOUT (rounded up to seconds) if it is
 * still -1. Returns the number of entries added, -EFBIG when LEN > BOOT_CONFIG_MAX, or
 * -EINVAL for a NULL argument. */
int syslinux_parse(const char *buf, size_t len, const char *root, const char *cfg_path,
		   struct boot_list *list, void (*warn)(void *ctx, const char *msg), void *ctx);

/* Finds the configuration of the filesystem at ROOT, the first that exists of:
 * /boot/extlinux/extlinux.conf, /extlinux/extlinux.conf, /extlinux.conf,
 * /boot/syslinux/syslinux.cfg, /syslinux/syslinux.cfg, /syslinux.cfg,
 * /isolinux/isolinux.cfg, /boot/isolinux/isolinux.cfg, /isolinux.cfg, /pxelinux.cfg/default,
 * and parses it. Returns the entries added, 0 when there is none, -errno if ROOT itself
 * cannot be read. */
int syslinux_scan(const char *root, struct boot_list *list,
		  void (*warn)(void *ctx, const char *msg), void *ctx);

/* The file names PXELINUX looks for under pxelinux.cfg/, in its order: "01-" and the MAC in
 * lower-case hex with dashes (when MAC is not NULL), the IPv4 address in upper-case hex
 * ("C0A8025B" for 192.168.2.91, given as the number 0xC0A8025B; skipped when 0) and each
 * shorter prefix down to one digit, then "default". (The client UUID PXELINUX tries first
 * needs SMBIOS and is left to the caller.) Writes at most MAX names; returns how many. */
int syslinux_pxe_candidates(const uint8_t mac[6], uint32_t ipv4,
			    char out[][SYSLINUX_PXE_NAME_MAX], size_t max);

#endif
