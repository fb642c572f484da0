/* The BOOTP/DHCP message parser (RFC 2131 section 2 and 4.1, RFC 2132, RFC 3396). Hostile
 * input: anyone on the segment can send it. The options may live in three areas: the
 * options field after the magic cookie, then - when option 52 says so - the file field and
 * the sname field; RFC 3396 concatenates every instance of an option in that order. All three
 * areas are checked whole before any value is read, so a lookup never meets a broken one. */
#include "net/net.h"

#include <errno.h>
#include <string.h>

#define OFF_OP 0
#define OFF_HTYPE 1
#define OFF_HLEN 2
#define OFF_XID 4
#define OFF_SECS 8
#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_SIADDR 20
#define OFF_GIADDR 24
#define OFF_CHADDR 28
#define OFF_SNAME 44
#define SNAME_LEN 64
#define OFF_FILE 108
#define FILE_LEN 128
#define OFF_COOKIE 236
#define DHCP_COOKIE 0x63825363u

#define OPT_PAD 0
#define OPT_END 255
#define OPT_OVERLOAD 52

struct opt_areas {
	const uint8_t *p[3];
	size_t len[3];
	unsigned n;
	uint8_t overload;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Checks that every option in P[0..LEN) fits. NEED_END: the area must hold an END option
 * (the options field); the file and sname fields may simply run out. Each step moves at least
 * one byte, so the walk ends within LEN steps. */
static int area_check(const uint8_t *p, size_t len, int need_end)
{
	size_t off = 0;

	while (off < len) {
		uint8_t code = p[off];

		if (code == OPT_END)
			return 0;
		if (code == OPT_PAD) {
			off++;
			continue;
		}
		if (len - off < 2 || p[off + 1] > len - off - 2)
			return -EBADMSG;
		off += 2 + (size_t)p[off + 1];
	}
	return need_end ? -EBADMSG : 0;
}

/* Appends every instance of CODE in one area to DST (*DLEN bytes so far, CAP at most).
 * Returns 1 when found, 0 when not, -EOVERFLOW. The area was checked by area_check. */
static int area_collect(const uint8_t *p, size_t len, uint8_t code, uint8_t *dst, size_t cap,
			size_t *dlen)
{
	size_t off = 0;
	int found = 0;

	while (off < len && p[off] != OPT_END) {
		size_t olen;

		if (p[off] == OPT_PAD) {
			off++;
			continue;
		}
		olen = p[off + 1];
		if (p[off] == code) {
			found = 1;
			if (olen > cap - *dlen)
				return -EOVERFLOW;
			memcpy(dst + *dlen, p + off + 2, olen);
			*dlen += olen;
		}
		off += 2 + olen;
	}
	return found;
}

static int areas_collect(const struct opt_areas *a, uint8_t code, uint8_t *dst, size_t cap,
			 size_t *dlen)
{
	int found = 0;

	*dlen = 0;
	for (unsigned i = 0; i < a->n; i++) {
		int r = area_collect(a->p[i], a->len[i], code, dst, cap, dlen);

		if (r < 0)
			return r;
		found |= r;
	}
	return found;
}

/* The fixed header, the cookie and the option areas of BUF. */
static int areas_find(const uint8_t *b, size_t len, struct opt_areas *a)
{
	uint8_t ov[4];
	size_t ovlen = 0;
	int r;

	if (len < DHCP_OPTIONS_OFFSET || get32(b + OFF_COOKIE) != DHCP_COOKIE)
		return -EBADMSG;
	if (b[OFF_HLEN] > 16)
		return -EBADMSG;
	memset(a, 0, sizeof(*a));
	a->p[0] = b + DHCP_OPTIONS_OFFSET;
	a->len[0] = len - DHCP_OPTIONS_OFFSET;
	a->n = 1;
	r = area_check(a->p[0], a->len[0], 1);
	if (r < 0)
		return r;
	/* Option 52 counts in the options field only (RFC 2131 4.1): it says where else to look */
	r = area_collect(a->p[0], a->len[0], OPT_OVERLOAD, ov, sizeof(ov), &ovlen);
	if (r < 0)
		return -EBADMSG;
	if (r == 1) {
		if (ovlen != 1 || ov[0] < 1 || ov[0] > 3)
			return -EBADMSG;
		a->overload = ov[0];
	}
	if (a->overload & 1) {
		a->p[a->n] = b + OFF_FILE;
		a->len[a->n++] = FILE_LEN;
	}
	if (a->overload & 2) {
		a->p[a->n] = b + OFF_SNAME;
		a->len[a->n++] = SNAME_LEN;
	}
	for (unsigned i = 1; i < a->n; i++) {
		r = area_check(a->p[i], a->len[i], 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int dhcp_option_find(const void *buf, size_t len, uint8_t code, void *val, size_t cap)
{
	struct opt_areas a;
	size_t vlen;
	int r;

	if (!buf || code == OPT_PAD || code == OPT_END)
		return -EINVAL;
	r = areas_find(buf, len, &a);
	if (r < 0)
		return r;
	r = areas_collect(&a, code, val, cap, &vlen);
	if (r < 0)
		return r;
	return r ? (int)vlen : -ENOENT;
}

/* A string option into DST (NET_STR_MAX): cut at the first NUL, refused when longer. */
static int take_string(const uint8_t *v, size_t vlen, char *dst)
{
	const uint8_t *nul = memchr(v, 0, vlen);

	if (nul)
		vlen = (size_t)(nul - v);
	if (vlen > NET_STR_MAX - 1)
		return -EOVERFLOW;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
	return 0;
}

/* A fixed NUL-padded header field (sname, file) into DST of FIELD_LEN + 1 bytes. */
static void take_field(const uint8_t *p, size_t field_len, char *dst)
{
	const uint8_t *nul = memchr(p, 0, field_len);
	size_t n = nul ? (size_t)(nul - p) : field_len;

	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* Stores the address list V into OUT (at most MAX); the rest are dropped. */
static int take_addrs(const uint8_t *v, size_t vlen, uint32_t *out, unsigned max, unsigned *n)
{
	if (vlen == 0 || vlen % 4 != 0)
		return -EBADMSG;
	*n = 0;
	for (size_t off = 0; off < vlen && *n < max; off += 4)
		out[(*n)++] = get32(v + off);
	return 0;
}

/* Decodes one option of interest; V holds its concatenated value. */
static int take_option(struct dhcp_msg *m, uint8_t code, const uint8_t *v, size_t vlen)
{
	switch (code) {
	case 1:
	case 28:
	case 51:
	case 54:
		if (vlen != 4)
			return -EBADMSG;
		if (code == 1)
			m->netmask = get32(v);
		else if (code == 28)
			m->broadcast = get32(v);
		else if (code == 51)
			m->lease_s = get32(v);
		else
			m->server_id = get32(v);
		return 0;
	case 26:
		if (vlen != 2)
			return -EBADMSG;
		m->mtu = get16(v);
		return 0;
	case 53:
		if (vlen != 1)
			return -EBADMSG;
		m->type = v[0];
		return 0;
	case 3:
		return take_addrs(v, vlen, m->routers, DHCP_ROUTERS_MAX, &m->n_routers);
	case 6:
		return take_addrs(v, vlen, m->dns, NET_DNS_MAX, &m->n_dns);
	case 12:
		return take_string(v, vlen, m->hostname);
	case 15:
		return take_string(v, vlen, m->domain);
	case 60:
		return take_string(v, vlen, m->vendor_class);
	case 66:
		return take_string(v, vlen, m->tftp_server);
	case 67:
		return take_string(v, vlen, m->bootfile);
	case 209:
		return take_string(v, vlen, m->pxeconffile);
	case 210:
		return take_string(v, vlen, m->pathprefix);
	}
	return 0;
}

static const uint8_t wanted[] = { 1, 3, 6, 12, 15, 26, 28, 51, 53, 54, 60, 66, 67, 209, 210 };

/* Marks every option code present in one checked area. */
static void area_mark(const uint8_t *p, size_t len, uint8_t seen[32])
{
	size_t off = 0;

	while (off < len && p[off] != OPT_END) {
		if (p[off] == OPT_PAD) {
			off++;
			continue;
		}
		seen[p[off] / 8] |= (uint8_t)(1u << (p[off] % 8));
		off += 2 + (size_t)p[off + 1];
	}
}

int dhcp_parse(const void *buf, size_t len, struct dhcp_msg *out)
{
	const uint8_t *b = buf;
	uint8_t val[DHCP_OPTION_CONCAT_MAX];
	struct opt_areas a;
	int r;

	if (!buf || !out)
		return -EINVAL;
	r = areas_find(b, len, &a);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->op = b[OFF_OP];
	out->htype = b[OFF_HTYPE];
	out->hlen = b[OFF_HLEN];
	out->xid = get32(b + OFF_XID);
	out->secs = get16(b + OFF_SECS);
	out->flags = get16(b + OFF_FLAGS);
	out->ciaddr = get32(b + OFF_CIADDR);
	out->yiaddr = get32(b + OFF_YIADDR);
	out->siaddr = get32(b + OFF_SIADDR);
	out->giaddr = get32(b + OFF_GIADDR);
	memcpy(out->chaddr, b + OFF_CHADDR, sizeof(out->chaddr));
	out->overload = a.overload;
	if (!(a.overload & 2))
		take_field(b + OFF_SNAME, SNAME_LEN, out->sname);
	if (!(a.overload & 1))
		take_field(b + OFF_FILE, FILE_LEN, out->file);
	for (unsigned i = 0; i < a.n; i++)
		area_mark(a.p[i], a.len[i], out->seen);
	for (size_t i = 0; i < sizeof(wanted); i++) {
		size_t vlen;

		if (!dhcp_msg_has(out, wanted[i]))
			continue;
		r = areas_collect(&a, wanted[i], val, sizeof(val), &vlen);
		if (r < 0)
			return r;
		r = take_option(out, wanted[i], val, vlen);
		if (r < 0)
			return r;
	}
	return 0;
}
