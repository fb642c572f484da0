/* The boot policy: /etc/embark/policy in the initramfs (the board's file), then embark.KEY=V
 * words on the kernel command line. Format: "key = value" lines, '#' comments.
 * Keys (README.md documents them):
 *   device_timeout  seconds to wait for boot media before giving up (default 10)
 *   settle_ms       once some entry exists, milliseconds to wait for more devices (default 500)
 *   require_signatures  yes: boot only what verifies with /etc/embark/keys (default no; a FIT
 *                   must verify whenever keys are present)
 *   loader          auto (default): kexec_file_load, then embark's kexec_load path where the
 *                   kernel lacks the call or cannot probe the image; file; segments
 *   network         auto (default: DHCP when no disk entry appeared), on, off
 *   network_interfaces  "eth0,eth1": DHCP order (default every Ethernet link, ifindex order)
 *   network_timeout seconds of DHCP on one interface (default 10)
 */
#include "init/internal.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_LINE_MAX 256
#define POLICY_CMDLINE_WORDS 256

void policy_defaults(struct policy *p)
{
	p->device_timeout_ms = 10000;
	p->settle_ms = 500;
	p->require_signatures = false;
	p->timeout_s = POLICY_TIMEOUT_CONFIG;
	p->default_entry[0] = '\0';
	p->allow_edit = true;
	p->allow_writes = false;
	p->shell = SHELL_ON;
	p->shell_password_sha256[0] = '\0';
	p->fallback = FALLBACK_NEXT;
	p->locked = false;
	p->loader = LOADER_AUTO;
	snprintf(p->keyring_dir, sizeof(p->keyring_dir), "%s", KEYS_DIR);
	snprintf(p->sources, sizeof(p->sources), "%s", POLICY_SOURCES_DEFAULT);
	p->network = NETWORK_AUTO;
	p->network_interfaces[0] = '\0';
	p->network_timeout_ms = 10000;
}

/* "bls,grub": known format names, comma-separated, each at most once. */
static int valid_sources(const char *v, size_t n)
{
	static const char *const names[] = { "bls", "grub", "syslinux", "fit" };
	unsigned seen = 0;
	size_t pos = 0;

	if (n == 0 || v[n - 1] == ',')
		return 0;
	while (pos < n) {
		size_t k = 0;
		unsigned i;

		while (pos + k < n && v[pos + k] != ',')
			k++;
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == k && memcmp(names[i], v + pos, k) == 0)
				break;
		if (i == ARRAY_SIZE(names) || (seen & (1u << i)))
			return 0;
		seen |= 1u << i;
		pos += k + 1;
	}
	return 1;
}

static int is_hex_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int parse_bool(const char *s, size_t n, bool *out)
{
	if ((n == 3 && memcmp(s, "yes", 3) == 0) || (n == 1 && s[0] == '1') ||
	    (n == 4 && memcmp(s, "true", 4) == 0))
		*out = true;
	else if ((n == 2 && memcmp(s, "no", 2) == 0) || (n == 1 && s[0] == '0') ||
		 (n == 5 && memcmp(s, "false", 5) == 0))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* Parses a decimal in [0, MAX]; returns 0 or -EINVAL. */
static int parse_uint(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 9)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Sets KEY to VALUE; returns 0, -ENOENT for an unknown key, -EINVAL for a bad value. */
static int policy_set(struct policy *p, const char *k, size_t kn, const char *v, size_t vn,
		      const char **rule)
{
	unsigned u;

#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
	if (KEY("device_timeout")) {
		if (parse_uint(v, vn, 3600, &u) < 0) {
			*rule = "device_timeout takes whole seconds from 0 to 3600";
			return -EINVAL;
		}
		p->device_timeout_ms = u * 1000;
		return 0;
	}
	if (KEY("settle_ms")) {
		if (parse_uint(v, vn, 60000, &u) < 0) {
			*rule = "settle_ms takes milliseconds from 0 to 60000";
			return -EINVAL;
		}
		p->settle_ms = u;
		return 0;
	}
	if (KEY("require_signatures")) {
		if (parse_bool(v, vn, &p->require_signatures) < 0) {
			*rule = "require_signatures takes yes or no";
			return -EINVAL;
		}
		return 0;
	}
	if (KEY("loader")) {
		if (loader_mode_parse(v, vn, &p->loader) < 0) {
			*rule = "loader takes auto, file or segments";
			return -EINVAL;
		}
		return 0;
	}
	if (KEY("timeout")) {
		if (vn == 2 && memcmp(v, "-1", 2) == 0) {
			p->timeout_s = -1;
		} else if (vn == 6 && memcmp(v, "config", 6) == 0) {
			p->timeout_s = POLICY_TIMEOUT_CONFIG;
		} else if (parse_uint(v, vn, 3600, &u) == 0) {
			p->timeout_s = (int)u;
		} else {
			*rule = "timeout takes seconds from 0 to 3600, -1 (wait for a key) or config";
			return -EINVAL;
		}
		return 0;
	}
	if (KEY("default")) {
		if (vn >= sizeof(p->default_entry)) {
			*rule = "default is longer than 127 bytes";
			return -EINVAL;
		}
		memcpy(p->default_entry, v, vn);
		p->default_entry[vn] = '\0';
		return 0;
	}
	if (KEY("allow_edit") || KEY("allow_writes") || KEY("locked")) {
		bool *b = KEY("allow_edit") ? &p->allow_edit
			  : KEY("allow_writes") ? &p->allow_writes : &p->locked;

		if (parse_bool(v, vn, b) < 0) {
			*rule = "this key takes yes or no";
			return -EINVAL;
		}
		return 0;
	}
	if (KEY("shell")) {
		if (vn == 3 && memcmp(v, "yes", 3) == 0)
			p->shell = SHELL_ON;
		else if (vn == 2 && memcmp(v, "no", 2) == 0)
			p->shell = SHELL_OFF;
		else if (vn == 8 && memcmp(v, "password", 8) == 0)
			p->shell = SHELL_PASSWORD;
		else {
			*rule = "shell takes yes, no or password";
			return -EINVAL;
		}
		return 0;
	}
	if (KEY("shell_password_sha256")) {
		if (vn != 64 || !is_hex_lower(v, vn)) {
			*rule = "shell_password_sha256 takes 64 lowercase hex digits (sha256sum of "
				"the password, without a newline)";
			return -EINVAL;
		}
		memcpy(p->shell_password_sha256, v, 64);
		p->shell_password_sha256[64] = '\0';
		return 0;
	}
	if (KEY("keyring")) {
		if (vn == 0 || vn >= sizeof(p->keyring_dir) || v[0] != '/') {
			*rule = "keyring takes an absolute directory in the initramfs (at most 127 "
				"bytes)";
			return -EINVAL;
		}
		memcpy(p->keyring_dir, v, vn);
		p->keyring_dir[vn] = '\0';
		return 0;
	}
	if (KEY("network")) {
		if (vn == 4 && memcmp(v, "auto", 4) == 0)
			p->network = NETWORK_AUTO;
		else if (vn == 2 && memcmp(v, "on", 2) == 0)
			p->network = NETWORK_ON;
		else if (vn == 3 && memcmp(v, "off", 3) == 0)
			p->network = NETWORK_OFF;
		else {
			*rule = "network takes auto, on or off";
			return -EINVAL;
		}
		return 0;
	}
	if (KEY("network_interfaces")) {
		if (vn >= sizeof(p->network_interfaces) || (vn && (v[0] == ',' || v[vn - 1] == ','))) {
			*rule = "network_interfaces takes interface names separated by commas "
				"(at most 127 characters)";
			return -EINVAL;
		}
		memcpy(p->network_interfaces, v, vn);
		p->network_interfaces[vn] = '\0';
		return 0;
	}
	if (KEY("network_timeout")) {
		if (parse_uint(v, vn, 3600, &u) < 0 || u == 0) {
			*rule = "network_timeout takes whole seconds from 1 to 3600";
			return -EINVAL;
		}
		p->network_timeout_ms = u * 1000;
		return 0;
	}
	if (KEY("sources")) {
		if (vn >= sizeof(p->sources) || !valid_sources(v, vn)) {
			*rule = "sources takes a comma-separated list of bls, grub, syslinux, fit "
				"(each once)";
			return -EINVAL;
		}
		memcpy(p->sources, v, vn);
		p->sources[vn] = '\0';
		return 0;
	}
	if (KEY("fallback")) {
		if (vn == 4 && memcmp(v, "next", 4) == 0)
			p->fallback = FALLBACK_NEXT;
		else if (vn == 4 && memcmp(v, "menu", 4) == 0)
			p->fallback = FALLBACK_MENU;
		else {
			*rule = "fallback takes next or menu";
			return -EINVAL;
		}
		return 0;
	}
#undef KEY
	*rule = "unknown key (README.md lists the policy keys)";
	return -ENOENT;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

int policy_parse(const char *buf, size_t len, struct policy *p, char *err, size_t errlen)
{
	const char *rule = NULL;
	size_t pos = 0;
	unsigned line = 0;

	if (len > POLICY_MAX_BYTES) {
		snprintf(err, errlen, "larger than %d bytes", POLICY_MAX_BYTES);
		return -EINVAL;
	}
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos), *eq, *v;
		size_t n = nl ? (size_t)(nl - s) : len - pos, kn, vn;

		pos += n + (nl ? 1 : 0);
		line++;
		trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		if (n > POLICY_LINE_MAX) {
			rule = "line longer than 256 bytes";
			goto bad;
		}
		eq = memchr(s, '=', n);
		if (!eq) {
			rule = "expected 'key = value'";
			goto bad;
		}
		kn = (size_t)(eq - s);
		v = eq + 1;
		vn = n - kn - 1;
		trim(&s, &kn);
		trim(&v, &vn);
		if (policy_set(p, s, kn, v, vn, &rule) < 0)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "line %u: %s", line, rule);
	return -EINVAL;
}

int policy_apply_cmdline(struct policy *p, const char *cmdline)
{
	const char *s = cmdline;
	int applied = 0;

	for (int words = 0; *s && words < POLICY_CMDLINE_WORDS; words++) {
		size_t n;
		const char *eq, *rule = NULL;

		while (*s == ' ' || *s == '\n')
			s++;
		n = strcspn(s, " \n");
		if (n > 7 && strncmp(s, "embark.", 7) == 0 && (eq = memchr(s, '=', n)) != NULL) {
			bool was_required = p->require_signatures;

			if (p->locked) {
				elog(LOG_WARN, "kernel command line: ignored '%.*s': the policy file "
					       "says locked = yes", (int)n, s);
			} else if (policy_set(p, s + 7, (size_t)(eq - s - 7), eq + 1,
					      n - (size_t)(eq - s) - 1, &rule) == 0 &&
				   was_required && !p->require_signatures) {
				/* The command line may make the policy stricter, never weaker. */
				p->require_signatures = true;
				elog(LOG_WARN, "kernel command line: ignored '%.*s': signatures are "
					       "required by the policy file", (int)n, s);
			} else if (!rule)
				applied++;
			else
				elog(LOG_WARN, "kernel command line: ignored '%.*s': %s", (int)n, s,
				     rule);
		}
		s += n;
	}
	return applied;
}
