/* TFTP packets (RFC 1350 section 5, RFC 2347 for options): the parser every received
 * datagram goes through, and the builders of the few packets a reading client sends. */
#include "fetch/fetch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The NUL-terminated string at *POS inside LEN; advances *POS past its NUL. NULL when the
 * NUL is missing (the string would run past the datagram). */
static const char *take_string(const uint8_t *p, size_t len, size_t *pos)
{
	const uint8_t *nul = *pos < len ? memchr(p + *pos, 0, len - *pos) : NULL;
	const char *s = (const char *)p + *pos;

	if (!nul)
		return NULL;
	*pos = (size_t)(nul - p) + 1;
	return s;
}

/* name/value pairs from POS to the end of the datagram. */
static int take_options(const uint8_t *p, size_t len, size_t pos, struct tftp_pkt *out)
{
	while (pos < len) {
		const char *name, *value;

		if (out->n_options == TFTP_OPTIONS_MAX)
			return -EBADMSG;
		name = take_string(p, len, &pos);
		if (!name || !name[0])
			return -EBADMSG;
		value = take_string(p, len, &pos);
		if (!value)
			return -EBADMSG;
		out->options[out->n_options].name = name;
		out->options[out->n_options].value = value;
		out->n_options++;
	}
	return 0;
}

int tftp_parse(const void *buf, size_t len, struct tftp_pkt *out)
{
	const uint8_t *p = buf;
	size_t pos = 4;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -EBADMSG;
	out->opcode = (enum tftp_opcode)get16(p);
	/* DATA, ACK and ERROR carry a 2-byte block number or error code after the opcode. */
	if ((out->opcode == TFTP_DATA || out->opcode == TFTP_ACK || out->opcode == TFTP_ERROR) &&
	    len < 4)
		return -EBADMSG;
	switch (out->opcode) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		pos = 2;
		out->filename = take_string(p, len, &pos);
		out->mode = out->filename ? take_string(p, len, &pos) : NULL;
		if (!out->mode || !out->filename[0] || !out->mode[0])
			return -EBADMSG;
		return take_options(p, len, pos, out);
	case TFTP_DATA:
		out->block = get16(p + 2);
		out->data = p + 4;
		out->data_len = len - 4;
		return out->data_len > TFTP_BLKSIZE_MAX ? -EBADMSG : 0;
	case TFTP_ACK:
		out->block = get16(p + 2);
		return len == 4 ? 0 : -EBADMSG;
	case TFTP_ERROR:
		/* Bytes after the message's NUL are tolerated: the code and message are what
		 * matter, and some servers pad. */
		out->error_code = get16(p + 2);
		out->error_msg = take_string(p, len, &pos);
		return out->error_msg ? 0 : -EBADMSG;
	case TFTP_OACK:
		return take_options(p, len, 2, out);
	}
	return -ENOTSUP;
}

const char *tftp_option_get(const struct tftp_pkt *pkt, const char *name)
{
	for (unsigned i = 0; i < pkt->n_options && i < TFTP_OPTIONS_MAX; i++)
		if (strcasecmp(pkt->options[i].name, name) == 0)
			return pkt->options[i].value;
	return NULL;
}

int tftp_option_number(const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!value[0])
		return -EINVAL;
	for (i = 0; value[i]; i++) {
		if (value[i] < '0' || value[i] > '9' || i >= 20)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(value[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(value[i] - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Appends S and its NUL at *POS; -ENAMETOOLONG when CAP is reached. */
static int put_string(uint8_t *p, size_t cap, size_t *pos, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > cap - *pos)
		return -ENAMETOOLONG;
	memcpy(p + *pos, s, n);
	*pos += n;
	return 0;
}

int tftp_build_rrq(void *buf, size_t cap, const char *filename, unsigned blksize,
		   unsigned timeout_s, int with_options)
{
	char blk[12], tmo[12];
	uint8_t *p = buf;
	size_t pos = 2;
	int ret;

	if (cap > TFTP_REQUEST_MAX)
		cap = TFTP_REQUEST_MAX;
	if (cap < 2 || !filename[0])
		return -EINVAL;
	put16(p, TFTP_RRQ);
	snprintf(blk, sizeof(blk), "%u", blksize);
	snprintf(tmo, sizeof(tmo), "%u", timeout_s);
	ret = put_string(p, cap, &pos, filename);
	if (ret == 0)
		ret = put_string(p, cap, &pos, "octet");
	if (ret == 0 && with_options) {
		const char *opts[] = { "blksize", blk, "tsize", "0", "timeout", tmo };

		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]) && ret == 0; i++)
			ret = put_string(p, cap, &pos, opts[i]);
	}
	return ret < 0 ? ret : (int)pos;
}

int tftp_build_ack(void *buf, size_t cap, unsigned block)
{
	if (cap < 4)
		return -EMSGSIZE;
	put16(buf, TFTP_ACK);
	put16((uint8_t *)buf + 2, block & 0xffff);
	return 4;
}

int tftp_build_error(void *buf, size_t cap, unsigned code, const char *msg)
{
	size_t pos = 4;
	int ret;

	if (cap < 4)
		return -EMSGSIZE;
	put16(buf, TFTP_ERROR);
	put16((uint8_t *)buf + 2, code);
	ret = put_string(buf, cap, &pos, msg);
	return ret < 0 ? -EMSGSIZE : (int)pos;
}
