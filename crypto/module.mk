# crypto — keyrings (U-Boot control DTB, PEM, X.509) and signature checks over mbedTLS
LIB_SRCS += crypto/algo.c crypto/key.c crypto/keyring_dtb.c crypto/keyring_pem.c crypto/verify.c
UNIT_SRCS += tests/unit/test_crypto.c
FUZZ_TARGETS += keyring_dtb
