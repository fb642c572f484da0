/* ipxe_run over arbitrary bytes (with the "#!ipxe" signature put in front so the fuzzer gets
 * past it), once to the first stop and, when that is a menu, once per item with that choice,
 * as init/netboot.c runs it. Every result must be one of the enum's, every output string
 * terminated within its field and every count within its limit. */
#include "ipxe/ipxe.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX 16384

static struct ipxe_state st;
static char buf[INPUT_MAX + 8];

static void check_str(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		abort();
}

static void check(int r)
{
	if (r != -ELOOP && (r < IPXE_END || r > IPXE_CHOOSE))
		abort();
	if (st.n_items > IPXE_ITEMS_MAX || st.n_initrds > IPXE_INITRDS_MAX ||
	    st.n_vars > IPXE_VARS_MAX || st.default_item >= (int)st.n_items)
		abort();
	check_str(st.kernel, sizeof(st.kernel));
	check_str(st.args, sizeof(st.args));
	check_str(st.url, sizeof(st.url));
	for (unsigned i = 0; i < st.n_initrds; i++)
		check_str(st.initrds[i], sizeof(st.initrds[i]));
	for (unsigned i = 0; i < st.n_items; i++) {
		check_str(st.items[i].label, sizeof(st.items[i].label));
		check_str(st.items[i].text, sizeof(st.items[i].text));
	}
	if (r == IPXE_BOOT && !st.kernel[0])
		abort();
	if (r == IPXE_CHOOSE && st.n_items == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipxe_item items[IPXE_ITEMS_MAX];
	unsigned n_items;
	size_t len;
	int r;

	if (size > INPUT_MAX)
		size = INPUT_MAX;
	memcpy(buf, "#!ipxe\n", 7);
	memcpy(buf + 7, data, size);
	len = size + 7;
	ipxe_state_init(&st);
	ipxe_set(&st, "ip", "10.99.0.57");
	ipxe_set(&st, "mac", "52:54:00:99:00:05");
	r = ipxe_run(buf, len, &st, NULL, NULL);
	check(r);
	if (r != IPXE_CHOOSE)
		return 0;
	n_items = st.n_items;
	memcpy(items, st.items, sizeof(items));
	for (unsigned i = 0; i < n_items && i < 4; i++) {
		ipxe_state_init(&st);
		memcpy(st.choice, items[i].label, sizeof(st.choice));
		check(ipxe_run(buf, len, &st, NULL, NULL));
	}
	return 0;
}
