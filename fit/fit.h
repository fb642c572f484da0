/* fit — U-Boot Flattened Image Tree images: parsing, verification, image data.
 *
 * The rules, stricter than U-Boot's (each refusal names its rule in the message):
 *  - fdt_check_full() passes, version >= 17, totalsize <= file size, depth <= FIT_MAX_DEPTH;
 *  - no '@' in any node name under /images and /configurations, no duplicate sibling names;
 *  - image data is either embedded (`data`) or external (`data-offset` from the end of the
 *    tree rounded to 4, or absolute `data-position`, with `data-size`), inside the file, never
 *    overlapping the tree, sizes checked for overflow;
 *  - a configuration signature must list in `hashed-nodes` exactly the nodes embark computes
 *    itself from the configuration (/, the configuration, each image it references and their
 *    hash nodes); `hashed-strings` must start at 0 and cover the name of every signed
 *    property; the signed bytes are computed from the tree, never from sizes or offsets the
 *    image states;
 *  - every image the configuration references must be covered, and its data must match a
 *    sha256/sha384/sha512 hash node (crc32 and sha1 nodes are checked but never count).
 * Parsers and verifiers do not allocate: struct fit and struct fit_verdict are the caller's,
 * and every pointer in them points into the caller's buffer, which must outlive them. */
#ifndef EMBARK_FIT_H
#define EMBARK_FIT_H

#include "crypto/crypto.h"
#include "hash/hash.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIT_MAX_IMAGES 32
#define FIT_MAX_CONFIGS 32
#define FIT_MAX_HASHES 4      /* hash nodes under one image */
#define FIT_MAX_SIGS 4        /* signature nodes under one image or configuration */
#define FIT_MAX_REFS 16       /* images one configuration references */
#define FIT_MAX_DEPTH 32      /* node nesting */
#define FIT_MAX_NODES 4096    /* nodes in the whole tree */
#define FIT_MAX_HASHED_NODES 64
#define FIT_PATH_MAX 256
#define FIT_ERR_MAX 320

struct fit_hash {
	const char *node;          /* "hash-1" */
	const char *algo_name;     /* as written */
	enum hash_algo algo;       /* 0 when the algorithm is unknown */
	const uint8_t *value;
	size_t value_len;
};

struct fit_sig {
	const char *node;          /* "signature-1" */
	int offset;                /* node offset in the tree */
	const char *algo;          /* "sha256,rsa2048" */
	const char *padding;       /* NULL, "pkcs-1.5" or "pss" */
	const char *key_hint;      /* key-name-hint, or NULL */
	const uint8_t *value;
	size_t value_len;
};

struct fit_image {
	const char *name;
	int offset;
	const char *description, *type, *arch, *os, *compression;
	uint64_t load, entry;
	bool has_load, has_entry;
	const uint8_t *data;       /* into the file buffer */
	size_t size;
	size_t file_offset;        /* where the data starts in the file */
	const char *data_where;    /* "embedded", "data-offset" or "data-position" */
	struct fit_hash hashes[FIT_MAX_HASHES];
	unsigned n_hashes;
	struct fit_sig sigs[FIT_MAX_SIGS];
	unsigned n_sigs;
};

/* One image a configuration uses, and in which role ("kernel", "fdt", "ramdisk", ...). */
struct fit_ref {
	const char *role;
	const struct fit_image *image;
};

struct fit_config {
	const char *name;
	int offset;
	const char *description;
	const char *bootargs;      /* embark reads a kernel command line from here (signed) */
	struct fit_ref refs[FIT_MAX_REFS];
	unsigned n_refs;
	struct fit_sig sigs[FIT_MAX_SIGS];
	unsigned n_sigs;
};

struct fit {
	const uint8_t *buf;
	size_t len;
	size_t tree_size;          /* fdt_totalsize */
	const char *description;
	const char *default_config;
	struct fit_image images[FIT_MAX_IMAGES];
	unsigned n_images;
	struct fit_config configs[FIT_MAX_CONFIGS];
	unsigned n_configs;
};

/* Parses and checks the structure of the FIT in BUF. Returns 0, or -EINVAL (-E2BIG for a
 * limit) with ERR naming the node and the rule broken. */
int fit_parse(const void *buf, size_t len, struct fit *fit, char *err, size_t errlen);

const struct fit_config *fit_find_config(const struct fit *fit, const char *name);
const struct fit_image *fit_find_image(const struct fit *fit, const char *name);
/* The first image of ROLE in CONF ("kernel", "ramdisk", "fdt", "setup"), or NULL. */
const struct fit_image *fit_config_image(const struct fit_config *conf, const char *role);

struct fit_policy {
	bool allow_sha1;           /* sha1 signatures (never hash-node policy) */
};

struct fit_verdict {
	const struct fit_config *config;
	uint32_t conf_keys;                    /* keyring bits that verified the configuration */
	uint32_t image_keys[FIT_MAX_REFS];     /* per reference: keys that verified the image */
	const char *image_hash[FIT_MAX_REFS];  /* the sha2 hash node that matched */
	char signed_by[KEY_NAME_MAX * 2];      /* for messages: "dev" or "dev, prod" */
};

/* Verifies configuration NAME (NULL: the default) against KEYRING and POLICY. Returns 0 when
 * it may be booted, -EKEYREJECTED when a signature or hash rule refuses it, -ENOENT when the
 * configuration does not exist, -EINVAL for a structural rule; ERR says which node and rule. */
int fit_verify_config(const struct fit *fit, const char *name, const struct keyring *keyring,
		      const struct fit_policy *policy, struct fit_verdict *verdict, char *err,
		      size_t errlen);

/* Digest of the bytes a configuration signature covers, as U-Boot computes them: the tree's
 * structure block walked with the nodes INC[0..N) "included" (their properties but `data`,
 * `data-size`, `data-offset`, `data-position`), their direct subnodes' names, the FDT_END
 * tag, then the strings block's first STRINGS_LEN bytes. Returns 0, -EINVAL, or -ERANGE
 * when a signed property's name is not within those bytes. */
int fit_signed_digest(const void *fdt, const char *const *inc, unsigned n_inc,
		      uint32_t strings_len, enum hash_algo algo, uint8_t *digest);

/* Decompresses IMG's data into OUT (CAP bytes) per its `compression`: "none" copies,
 * "gzip" inflates. Returns the size, -EFBIG when it does not fit, -ENOTSUP ("unsupported
 * compression X in image Y" in ERR) for other values, -EBADMSG for corrupt data. */
long fit_image_unpack(const struct fit_image *img, uint8_t *out, size_t cap, char *err,
		      size_t errlen);
/* Upper bound of the unpacked size: data size for "none", the gzip trailer's ISIZE (mod 4 GiB,
 * so only a hint) otherwise; 0 when unknown. */
size_t fit_image_unpacked_hint(const struct fit_image *img);

#endif
