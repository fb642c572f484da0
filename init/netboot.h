/* Shared by init/netboot.c and init/netboot_ipxe.c only (the rest of PID 1 sees
 * init/internal.h): the lease, the download helper and the entry helpers. */
#ifndef EMBARK_INIT_NETBOOT_H
#define EMBARK_INIT_NETBOOT_H

#include "bootcfg/bootcfg.h"
#include "net/net.h"

#include <stddef.h>
#include <stdint.h>

extern struct net_lease nb_lease;        /* the lease network entries came from */
extern uint32_t nb_tftp_server;          /* its next-server, host order */
extern char nb_cfg_buf[BOOT_CONFIG_MAX + 1]; /* a config or script being parsed */

/* Downloads URL to the end of MEMFD; WHAT (not NULL) shows a progress bar on the console.
 * The size or -errno with ERR filled (the URL, the server, what to do). */
long long nb_download(const char *url, int memfd, const char *what, char *err, size_t errlen);
/* Marks LIST's entries from FIRST on as network entries under ROOT, grouped by the lease's
 * interface. */
void nb_mark_entries(struct boot_list *list, unsigned first, const char *root);
/* One FIT entry for URL whose bytes are the sealed memfd FD (kept for the boot: not
 * downloaded twice; the entry takes FD). Returns 1, 0 when LIST is full, or -EINVAL. */
int nb_add_fit_entry(struct boot_list *list, const char *url, int fd);
/* URL's "scheme://host:port" in ROOT and its path in PATH. 0 or -errno. */
int nb_url_split(const char *url, char *root, size_t rcap, char *path, size_t pcap);
/* The iPXE script in the sealed memfd FD (from URL; closed here): the entries it leads to
 * added to LIST. Returns how many, having logged why none. */
int nb_scan_ipxe(struct boot_list *list, const char *url, int fd);

#endif
