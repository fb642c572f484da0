/* DNS messages (RFC 1035 section 4): the A query embark sends and the parser for the answer.
 * The answer is hostile input (any host that can guess a port can send one), so every
 * length is checked against the message, and compression pointers must point strictly
 * before the run of labels that holds them: each jump then goes further back than the last,
 * which rules out loops whatever the hop limit. Names are compared in wire form, ASCII
 * case-insensitively (RFC 4343). */
#include "net/net.h"

#include <errno.h>
#include <string.h>

#define DNS_HDR_LEN 12
#define DNS_LABEL_MAX 63
#define QR 0x8000
#define TC 0x0200
#define RD 0x0100
#define TYPE_A 1
#define TYPE_CNAME 5
#define CLASS_IN 1
#define RR_FIXED_LEN 10   /* type, class, ttl, rdlength */
#define RCODE_SERVFAIL 2
#define RCODE_NXDOMAIN 3
#define RCODE_REFUSED 5

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Dotted NAME to wire form in OUT (DNS_NAME_MAX): its length, or -EINVAL. */
static int name_encode(const char *name, uint8_t *out)
{
	size_t n = 0, label_at = 0, len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len + 2 > DNS_NAME_MAX)
		return -EINVAL;
	out[n++] = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (n - label_at - 1 == 0)
				return -EINVAL;
			out[n++] = 0;
			label_at = n - 1;
			continue;
		}
		if (c <= ' ' || c >= 0x7f || n - label_at - 1 == DNS_LABEL_MAX)
			return -EINVAL;
		out[label_at]++;
		out[n++] = c;
	}
	if (n - label_at - 1 == 0)
		return -EINVAL;
	out[n++] = 0;
	return (int)n;
}

int dns_build_query(void *buf, size_t cap, uint16_t id, const char *qname)
{
	uint8_t name[DNS_NAME_MAX], *p = buf;
	int nlen = qname ? name_encode(qname, name) : -EINVAL;

	if (nlen < 0)
		return nlen;
	if (!buf || cap < DNS_HDR_LEN + (size_t)nlen + 4)
		return -EMSGSIZE;
	memset(p, 0, DNS_HDR_LEN);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = RD >> 8; /* a stub resolver asks for recursion */
	p[5] = 1;       /* QDCOUNT */
	memcpy(p + DNS_HDR_LEN, name, (size_t)nlen);
	p += DNS_HDR_LEN + nlen;
	p[0] = 0;
	p[1] = TYPE_A;
	p[2] = 0;
	p[3] = CLASS_IN;
	return DNS_HDR_LEN + nlen + 4;
}

/* Reads the name at OFF into OUT (wire form, uncompressed, DNS_NAME_MAX) and sets *OUT_LEN
 * and *NEXT (the offset after the name where it sits). 0 or -EBADMSG. */
static int name_read(const uint8_t *m, size_t len, size_t off, uint8_t *out, size_t *out_len,
		     size_t *next)
{
	size_t pos = off, limit = off, n = 0;
	unsigned hops = 0;
	int jumped = 0;

	/* every step appends a label (the name's length bounds those) or takes a hop */
	for (unsigned step = 0; step < DNS_NAME_MAX + DNS_PTR_HOPS_MAX; step++) {
		uint8_t b;

		if (pos >= len)
			return -EBADMSG;
		b = m[pos];
		if ((b & 0xc0) == 0xc0) {
			size_t target;

			if (len - pos < 2)
				return -EBADMSG;
			target = (size_t)(b & 0x3f) << 8 | m[pos + 1];
			if (!jumped)
				*next = pos + 2;
			jumped = 1;
			if (++hops > DNS_PTR_HOPS_MAX || target < DNS_HDR_LEN || target >= limit)
				return -EBADMSG;
			pos = limit = target;
			continue;
		}
		if (b & 0xc0)
			return -EBADMSG; /* 0x40 and 0x80: extended label types, unused */
		if (b > len - pos - 1 || n + 1 + b > DNS_NAME_MAX)
			return -EBADMSG;
		memcpy(out + n, m + pos, 1 + (size_t)b);
		n += 1 + (size_t)b;
		pos += 1 + (size_t)b;
		if (b == 0) {
			if (!jumped)
				*next = pos;
			*out_len = n;
			return 0;
		}
	}
	return -EBADMSG;
}

static int name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return 0;
	/* length bytes are below 64 and so unchanged by the case folding */
	for (size_t i = 0; i < alen; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return 0;
	}
	return 1;
}

struct rr {
	uint8_t owner[DNS_NAME_MAX];
	size_t owner_len;
	uint16_t type, class;
	size_t rdata, rdlen;
};

/* Reads the resource record at *OFF and moves *OFF past it. 0 or -EBADMSG. */
static int rr_read(const uint8_t *m, size_t len, size_t *off, struct rr *rr)
{
	size_t p;
	int r = name_read(m, len, *off, rr->owner, &rr->owner_len, &p);

	if (r < 0)
		return r;
	if (len - p < RR_FIXED_LEN)
		return -EBADMSG;
	rr->type = get16(m + p);
	rr->class = get16(m + p + 2);
	rr->rdlen = get16(m + p + 8);
	rr->rdata = p + RR_FIXED_LEN;
	if (rr->rdlen > len - rr->rdata)
		return -EBADMSG;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

/* The CNAME in the answers whose owner is NAME: 1 with NAME replaced by its target, 0 when
 * there is none, -EBADMSG. */
static int cname_of(const uint8_t *m, size_t len, size_t answers, unsigned an, uint8_t *name,
		    size_t *name_len)
{
	struct rr rr;
	size_t off = answers;

	for (unsigned i = 0; i < an; i++) {
		uint8_t target[DNS_NAME_MAX];
		size_t tlen, end;
		int r = rr_read(m, len, &off, &rr);

		if (r < 0)
			return r;
		if (rr.type != TYPE_CNAME || rr.class != CLASS_IN ||
		    !name_equal(rr.owner, rr.owner_len, name, *name_len))
			continue;
		r = name_read(m, len, rr.rdata, target, &tlen, &end);
		if (r < 0 || end != rr.rdata + rr.rdlen)
			return -EBADMSG; /* the name must fill the record data exactly */
		memcpy(name, target, tlen);
		*name_len = tlen;
		return 1;
	}
	return 0;
}

int dns_parse_a(const void *buf, size_t len, uint16_t id, const char *qname, uint32_t *addrs,
		unsigned max)
{
	const uint8_t *m = buf;
	uint8_t want[DNS_NAME_MAX], got[DNS_NAME_MAX];
	size_t want_len, got_len, off, answers;
	uint16_t flags, qd, an;
	unsigned rcode, count = 0;
	int r;
	struct rr rr;

	if (!buf || !qname || !addrs || max == 0)
		return -EINVAL;
	r = name_encode(qname, want);
	if (r < 0)
		return r;
	want_len = (size_t)r;
	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	flags = get16(m + 2);
	if (get16(m) != id || !(flags & QR) || ((flags >> 11) & 0xf) != 0)
		return -ENOMSG;
	rcode = flags & 0xf;
	qd = get16(m + 4);
	an = get16(m + 6);
	if (qd > 1 || (qd == 0 && rcode == 0))
		return -EBADMSG;
	off = DNS_HDR_LEN;
	if (qd == 1) {
		/* the question is echoed: an answer to another question is not ours */
		r = name_read(m, len, off, got, &got_len, &off);
		if (r < 0)
			return r;
		if (len - off < 4)
			return -EBADMSG;
		if (!name_equal(got, got_len, want, want_len) || get16(m + off) != TYPE_A ||
		    get16(m + off + 2) != CLASS_IN)
			return -ENOMSG;
		off += 4;
	}
	if (flags & TC)
		return -EMSGSIZE;
	switch (rcode) {
	case 0:
		break;
	case RCODE_NXDOMAIN:
		return -ENOENT;
	case RCODE_SERVFAIL:
		return -EAGAIN;
	case RCODE_REFUSED:
		return -ECONNREFUSED;
	default:
		return -EPROTO;
	}
	answers = off;
	/* every answer record must lie within the message before any is believed */
	for (unsigned i = 0; i < an; i++) {
		r = rr_read(m, len, &off, &rr);
		if (r < 0)
			return r;
	}
	memcpy(got, want, want_len);
	got_len = want_len;
	for (unsigned hops = 0; hops <= DNS_CNAME_MAX; hops++) {
		r = cname_of(m, len, answers, an, got, &got_len);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (hops == DNS_CNAME_MAX)
			return -ELOOP;
	}
	off = answers;
	for (unsigned i = 0; i < an; i++) {
		r = rr_read(m, len, &off, &rr);
		if (r < 0)
			return r;
		if (rr.type != TYPE_A || rr.class != CLASS_IN ||
		    !name_equal(rr.owner, rr.owner_len, got, got_len))
			continue;
		if (rr.rdlen != 4)
			return -EBADMSG;
		if (count < max)
			addrs[count++] = (uint32_t)m[rr.rdata] << 24 | (uint32_t)m[rr.rdata + 1] << 16 |
					 (uint32_t)m[rr.rdata + 2] << 8 | m[rr.rdata + 3];
	}
	return count ? (int)count : -ENODATA;
}
