/* The messages the client sends: DISCOVER and REQUEST (RFC 2131 table 5), with the PXE
 * options of RFC 4578 so that a PXE server answers with its boot settings. */
#include "net/net.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define BOOTP_MIN_LEN 300     /* 236 + the 64-byte vendor area of RFC 951: relays expect it */
#define BOOTREQUEST 1
#define HTYPE_ETHER 1
#define FLAG_BROADCAST 0x8000 /* answer by broadcast: the interface has no address yet */
#define DEFAULT_TIMEOUT_MS 30000

/* What the client asks for (option 55). 26 and 28 are the MTU and the broadcast address. */
static const uint8_t param_request[] = { 1, 3, 6, 12, 15, 26, 28, 51, 54, 66, 67, 209, 210 };

void dhcp_config_init(struct dhcp_config *cfg, const char *ifname)
{
	memset(cfg, 0, sizeof(*cfg));
	if (ifname)
		str_copy(cfg->ifname, sizeof(cfg->ifname), ifname);
	cfg->timeout_ms = DEFAULT_TIMEOUT_MS;
	cfg->arch = DHCP_ARCH_X86_BIOS;
	cfg->undi_major = 2;
	cfg->undi_minor = 1;
}

struct writer {
	uint8_t *p;
	size_t cap, len;
	int err;
};

static void put(struct writer *w, const void *src, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = -EINVAL;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put32(struct writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, sizeof(b));
}

static void put_opt(struct writer *w, uint8_t code, const void *val, size_t n)
{
	uint8_t hdr[2] = { code, (uint8_t)n };

	if (n > 255) {
		w->err = -EINVAL;
		return;
	}
	put(w, hdr, sizeof(hdr));
	put(w, val, n);
}

static void put_opt32(struct writer *w, uint8_t code, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put_opt(w, code, b, sizeof(b));
}

int dhcp_build(void *buf, size_t cap, const struct dhcp_config *cfg, const uint8_t mac[6],
	       uint8_t type, uint32_t xid, uint16_t secs, uint32_t requested, uint32_t server_id)
{
	struct writer w = { buf, cap, 0, 0 };
	uint8_t fixed[BOOTP_FIXED_LEN] = { 0 }, client_id[7], arch[2], undi[3], uuid[17];
	unsigned max_msg = cfg && cfg->max_msg >= 576 ? cfg->max_msg : DHCP_MAX_MSG_DEFAULT;
	uint8_t maxsize[2] = { (uint8_t)(max_msg >> 8), (uint8_t)max_msg }, t = type;
	char vclass[40];

	if (!buf || !cfg || !mac || (type != DHCP_DISCOVER && type != DHCP_REQUEST))
		return -EINVAL;
	fixed[0] = BOOTREQUEST;
	fixed[1] = HTYPE_ETHER;
	fixed[2] = 6;
	fixed[4] = (uint8_t)(xid >> 24);
	fixed[5] = (uint8_t)(xid >> 16);
	fixed[6] = (uint8_t)(xid >> 8);
	fixed[7] = (uint8_t)xid;
	fixed[8] = (uint8_t)(secs >> 8);
	fixed[9] = (uint8_t)secs;
	fixed[10] = FLAG_BROADCAST >> 8;
	memcpy(fixed + 28, mac, 6);
	put(&w, fixed, sizeof(fixed));
	put32(&w, 0x63825363u);

	put_opt(&w, 53, &t, 1);
	if (type == DHCP_REQUEST) {
		put_opt32(&w, 50, requested);
		put_opt32(&w, 54, server_id);
	}
	/* 57: what we take, counting the IP and UDP headers (RFC 2132 9.10) */
	put_opt(&w, 57, maxsize, sizeof(maxsize));
	client_id[0] = HTYPE_ETHER;
	memcpy(client_id + 1, mac, 6);
	put_opt(&w, 61, client_id, sizeof(client_id));
	put_opt(&w, 55, param_request, sizeof(param_request));
	/* PXE clients say "PXEClient:Arch:xxxxx:UNDI:yyyzzz" (RFC 4578 and the PXE spec); servers
	 * select their PXE answers on it */
	snprintf(vclass, sizeof(vclass), "PXEClient:Arch:%05u:UNDI:%03u%03u", cfg->arch,
		 cfg->undi_major, cfg->undi_minor);
	put_opt(&w, 60, vclass, strlen(vclass));
	arch[0] = (uint8_t)(cfg->arch >> 8);
	arch[1] = (uint8_t)cfg->arch;
	put_opt(&w, 93, arch, sizeof(arch));
	undi[0] = 1; /* type 1: UNDI */
	undi[1] = cfg->undi_major;
	undi[2] = cfg->undi_minor;
	put_opt(&w, 94, undi, sizeof(undi));
	if (cfg->have_uuid) {
		uuid[0] = 0; /* type 0: a 16-byte UUID */
		memcpy(uuid + 1, cfg->uuid, 16);
		put_opt(&w, 97, uuid, sizeof(uuid));
	}
	if (cfg->hostname && cfg->hostname[0]) {
		size_t n = strlen(cfg->hostname);

		if (n > 63) /* one DNS label: what a server will put in its DNS */
			return -EINVAL;
		put_opt(&w, 12, cfg->hostname, n);
	}
	put(&w, (const uint8_t[]){ 255 }, 1);
	while (!w.err && w.len < BOOTP_MIN_LEN)
		put(&w, (const uint8_t[]){ 0 }, 1);
	return w.err ? w.err : (int)w.len;
}
