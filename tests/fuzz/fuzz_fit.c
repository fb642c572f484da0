/* Fuzzes what `embark verify` runs on an untrusted image: fit_parse, then fit_verify_config
 * on every configuration (with and without sha1 allowed), then fit_image_unpack of every
 * image into a bounded buffer. The keyring is fixed and built here from public constants,
 * so no key material is committed: an ECDSA P-256 key whose point is the curve's generator
 * G (SEC 2), required for configurations, and an RSA-2048 key whose modulus is 2^2048 - 1.
 * Nothing fuzzed can carry a valid signature for them, but every step before the signature
 * check (hashed-nodes, the signed-bytes walk, the key match) and the refusals run. */
#include "crypto/crypto.h"
#include "fit/fit.h"

#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define UNPACK_CAP (1u << 20)

static const uint8_t p256_gx[32] = {
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
	0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
};
static const uint8_t p256_gy[32] = {
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
	0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};

static struct keyring keyring;
static uint8_t unpack_buf[UNPACK_CAP];

/* A control DTB as mkimage -K writes it, made with libfdt's sequential writer. */
static void build_keyring(void)
{
	static uint8_t dtb[4096];
	uint8_t modulus[256];
	char err[CRYPTO_ERR_MAX];
	int r = 0;

	memset(modulus, 0xff, sizeof(modulus));
	r |= fdt_create(dtb, sizeof(dtb));
	r |= fdt_finish_reservemap(dtb);
	r |= fdt_begin_node(dtb, "");
	r |= fdt_begin_node(dtb, "signature");
	r |= fdt_begin_node(dtb, "key-ec");
	r |= fdt_property_string(dtb, "algo", "sha256,ecdsa256");
	r |= fdt_property_string(dtb, "required", "conf");
	r |= fdt_property_string(dtb, "ecdsa,curve", "prime256v1");
	r |= fdt_property(dtb, "ecdsa,x-point", p256_gx, sizeof(p256_gx));
	r |= fdt_property(dtb, "ecdsa,y-point", p256_gy, sizeof(p256_gy));
	r |= fdt_end_node(dtb);
	r |= fdt_begin_node(dtb, "key-rsa");
	r |= fdt_property_string(dtb, "algo", "sha256,rsa2048");
	r |= fdt_property_u32(dtb, "rsa,num-bits", 2048);
	r |= fdt_property(dtb, "rsa,modulus", modulus, sizeof(modulus));
	r |= fdt_property_u64(dtb, "rsa,exponent", 65537);
	r |= fdt_end_node(dtb);
	r |= fdt_end_node(dtb);
	r |= fdt_end_node(dtb);
	r |= fdt_finish(dtb);
	keyring_init(&keyring);
	if (r != 0 || keyring_add_dtb(&keyring, dtb, fdt_totalsize(dtb), err, sizeof(err)) != 2)
		abort(); /* the harness itself is broken: say so loudly */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fit fit;
	static struct fit_verdict verdict;
	char err[FIT_ERR_MAX];
	struct fit_policy pol = { 0 };

	if (keyring.n == 0)
		build_keyring();
	err[0] = '\0';
	if (fit_parse(data, size, &fit, err, sizeof(err)) < 0) {
		if (err[0] == '\0')
			abort(); /* every refusal must say why */
		return 0;
	}
	for (int sha1 = 0; sha1 < 2; sha1++) {
		pol.allow_sha1 = sha1;
		for (unsigned c = 0; c < fit.n_configs; c++) {
			err[0] = '\0';
			if (fit_verify_config(&fit, fit.configs[c].name, &keyring, &pol, &verdict, err,
					      sizeof(err)) == 0)
				abort(); /* nothing here is signed by these keys */
			if (err[0] == '\0')
				abort();
		}
		(void)fit_verify_config(&fit, NULL, &keyring, &pol, &verdict, err, sizeof(err));
	}
	for (unsigned i = 0; i < fit.n_images; i++) {
		(void)fit_image_unpacked_hint(&fit.images[i]);
		(void)fit_image_unpack(&fit.images[i], unpack_buf, sizeof(unpack_buf), err,
				       sizeof(err));
	}
	return 0;
}
