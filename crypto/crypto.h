/* crypto — public keys and signature checks over mbedTLS, for FIT verification.
 * Keyrings come from U-Boot's control-DTB form (/signature/key-<name>, as `mkimage -K` writes
 * it) or from PEM public keys and X.509 certificates. Verification takes a digest computed by
 * the caller (hash/) and checks it with one key; which keys must verify is the caller's
 * policy (fit/), using the `required` flags kept here.
 * Every mbedTLS return value is checked for exact success (== 0). */
#ifndef EMBARK_CRYPTO_H
#define EMBARK_CRYPTO_H

#include "hash/hash.h"

#include <stddef.h>
#include <stdint.h>

#define KEYRING_MAX_KEYS 16
#define KEY_NAME_MAX 64
#define CRYPTO_ERR_MAX 256

enum key_kind { KEY_RSA = 1, KEY_ECDSA };
enum key_required { KEY_OPTIONAL = 0, KEY_REQUIRED_CONF, KEY_REQUIRED_IMAGE };

struct key {
	char name[KEY_NAME_MAX];   /* key-name-hint / node name without "key-"; PEM: file stem */
	enum key_kind kind;
	unsigned bits;             /* RSA modulus bits, or 256/384 for ECDSA P-256/P-384 */
	enum key_required required;
	char algo[32];             /* the key node's "algo" ("sha256,rsa2048"), "" if none */
	void *pk;                  /* mbedTLS context, owned by the keyring */
};

struct keyring {
	struct key keys[KEYRING_MAX_KEYS];
	unsigned n;
	int required_all; /* /signature required-mode: 1 = "all" (U-Boot's default), 0 = "any" */
};

void keyring_init(struct keyring *kr);
void keyring_free(struct keyring *kr); /* frees every key's context; KR may be reused */

/* Adds the keys of a control DTB (buffer of LEN bytes, fdt_check_full'd first). Returns the
 * count added or -EINVAL / -E2BIG / -ENOMEM with ERR naming the node and the rule broken. */
int keyring_add_dtb(struct keyring *kr, const void *buf, size_t len, char *err, size_t errlen);
/* Adds one PEM public key ("BEGIN PUBLIC KEY", "BEGIN RSA PUBLIC KEY") or certificate
 * ("BEGIN CERTIFICATE"), named NAME; REQUIRED as given. Returns 1 or -errno with ERR. */
int keyring_add_pem(struct keyring *kr, const void *buf, size_t len, const char *name,
		    enum key_required required, char *err, size_t errlen);
/* Reads PATH (a .dtb, or PEM) and adds its keys; a PEM key is named after the file's stem
 * and is optional. Returns the count added or -errno with ERR. */
int keyring_add_file(struct keyring *kr, const char *path, char *err, size_t errlen);

/* Parses U-Boot's "algo" value of a signature node: "sha256,rsa2048", "sha384,ecdsa384", ...
 * Returns 0 and the hash, key kind and bits, or -EINVAL for an unknown name. */
int sig_algo_parse(const char *algo, enum hash_algo *hash, enum key_kind *kind, unsigned *bits);

/* Checks SIG over DIGEST (made with HASH) with KEY, for the signature algorithm ALGO (as
 * above) and PADDING (NULL or "pkcs-1.5" or "pss"; RSA only). RSA PKCS#1 v1.5 is checked by
 * building the expected encoding and comparing; PSS accepts any salt length (mkimage 2023.01
 * uses the maximum, newer ones 32); ECDSA signatures are raw r||s as U-Boot writes them.
 * Returns 0 when the signature is valid; -EKEYREJECTED when it is not; -EINVAL when ALGO or
 * PADDING is unknown, or names another key kind or size than KEY (a key never verifies a
 * signature made for a different algorithm); -EBADMSG for a signature of the wrong length. */
int sig_verify_digest(const struct key *key, const char *algo, const char *padding,
		      const uint8_t *digest, size_t digest_len, const uint8_t *sig, size_t sig_len);

#endif
