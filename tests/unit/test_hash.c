/* hash: known answers (FIPS 180-4 examples, RFC 3174/6234 one-million-'a', CRC "123456789")
 * on every path, incremental updates against one-shot, coreutils/zlib cross-checks on
 * random data, and `embark hash` against sha256sum byte for byte. */
#include "cli/cli.h"
#include "hash/hash.h"
#include "hash/internal.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define M448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define M896                                                                             \
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq" \
	"klmnopqrlmnopqrsmnopqrstnopqrstu"

/* Expected digests of "", "abc", M448, M896 and one million 'a', in that order. */
static const char *const kat_sha1[5] = {
	"da39a3ee5e6b4b0d3255bfef95601890afd80709",
	"a9993e364706816aba3e25717850c26c9cd0d89d",
	"84983e441c3bd26ebaae4aa1f95129e5e54670f1",
	"a49b2446a02c645bf419f995b67091253a04a259",
	"34aa973cd4c4daa4f61eeb2bdbad27316534016f",
};
static const char *const kat_sha256[5] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	"cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
};
static const char *const kat_sha384[5] = {
	"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
	"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
	"3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b",
	"09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
	"9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
};
static const char *const kat_sha512[5] = {
	"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
	"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	"204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
	"8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
	"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
};
/* zlib.crc32 of the same messages (FIT's big-endian byte order). */
static const char *const kat_crc32[5] = {
	"00000000", "352441c2", "171a3f5f", "191f3349", "dc25bfbc",
};

static const char *hex(const uint8_t *p, size_t n)
{
	static char s[2 * HASH_MAX_DIGEST + 1];

	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * n] = 0;
	return s;
}

static const char *digest_hex(enum hash_algo algo, const void *buf, size_t len)
{
	uint8_t out[HASH_MAX_DIGEST];

	UT_EQ_INT(hash_buffer(algo, buf, len, out), 0);
	return hex(out, hash_digest_size(algo));
}

/* Deterministic filler, different for each SEED. */
static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

/* Selects a SHA-256 path for what follows; 0 when this CPU cannot run it (test skipped). */
static int use_path(enum sha256_impl impl)
{
	if (hash_force_backend(impl) == -ENOTSUP) {
		printf("# SHA-NI not on this CPU: that path is skipped\n");
		return 0;
	}
	return 1;
}

static const enum sha256_impl sha256_paths[] = { SHA256_IMPL_SHANI, SHA256_IMPL_MBEDTLS };

static void check_kat(enum hash_algo algo, const char *const want[5])
{
	static const char *const msgs[4] = { "", "abc", M448, M896 };
	struct hash_ctx ctx;
	uint8_t out[HASH_MAX_DIGEST];
	char block[1000];

	for (int i = 0; i < 4; i++)
		UT_EQ_STR(digest_hex(algo, msgs[i], strlen(msgs[i])), want[i]);
	/* One million 'a' as 1000 updates of 1000, the way the RFCs' test programs feed it. */
	memset(block, 'a', sizeof(block));
	UT_EQ_INT(hash_init(&ctx, algo), 0);
	for (int i = 0; i < 1000; i++)
		hash_update(&ctx, block, sizeof(block));
	hash_final(&ctx, out);
	UT_EQ_STR(hex(out, hash_digest_size(algo)), want[4]);
}

UT_TEST(hash_names_and_sizes)
{
	static const char *const names[] = { "crc32", "sha1", "sha256", "sha384", "sha512" };
	static const size_t sizes[] = { 4, 20, 32, 48, 64 };
	enum hash_algo a;
	uint8_t out[HASH_MAX_DIGEST];
	struct hash_ctx ctx;

	for (size_t i = 0; i < 5; i++) {
		UT_EQ_INT(hash_algo_from_name(names[i], &a), 0);
		UT_EQ_STR(hash_algo_name(a), names[i]);
		UT_EQ_INT(hash_digest_size(a), sizes[i]);
	}
	UT_EQ_INT(hash_algo_from_name("md5", &a), -EINVAL);
	UT_EQ_INT(hash_algo_from_name("SHA256", &a), -EINVAL);
	UT_EQ_INT(hash_digest_size((enum hash_algo)0), 0);
	UT_CHECK(hash_algo_name((enum hash_algo)99) == NULL);
	UT_EQ_INT(hash_init(&ctx, (enum hash_algo)99), -EINVAL);
	UT_EQ_INT(hash_buffer((enum hash_algo)0, "", 0, out), -EINVAL);
	UT_EQ_STR(hash_backend(HASH_CRC32), "zlib");
	UT_EQ_STR(hash_backend(HASH_SHA1), "mbedtls");
	UT_EQ_STR(hash_backend(HASH_SHA512), "mbedtls");
}

UT_TEST(hash_kat_sha256_shani)
{
	if (use_path(SHA256_IMPL_SHANI)) {
		UT_EQ_STR(hash_backend(HASH_SHA256), "sha-ni");
		check_kat(HASH_SHA256, kat_sha256);
	}
}

UT_TEST(hash_kat_sha256_mbedtls)
{
	use_path(SHA256_IMPL_MBEDTLS);
	UT_EQ_STR(hash_backend(HASH_SHA256), "mbedtls");
	check_kat(HASH_SHA256, kat_sha256);
}

UT_TEST(hash_kat_sha1)
{
	check_kat(HASH_SHA1, kat_sha1);
}

UT_TEST(hash_kat_sha384)
{
	check_kat(HASH_SHA384, kat_sha384);
}

UT_TEST(hash_kat_sha512)
{
	check_kat(HASH_SHA512, kat_sha512);
}

UT_TEST(hash_kat_crc32)
{
	check_kat(HASH_CRC32, kat_crc32);
	UT_EQ_STR(digest_hex(HASH_CRC32, "123456789", 9), "cbf43926");
}

/* The SHA-NI path's choice follows CPUID and EMBARK_HASH_NO_SHANI=1, read once. */
UT_TEST(hash_backend_env_override)
{
	const char *fast = cpu_x86_sha_ni() ? "sha-ni" : "mbedtls";

	unsetenv("EMBARK_HASH_NO_SHANI");
	UT_EQ_INT(hash_force_backend(SHA256_IMPL_AUTO), 0);
	UT_EQ_STR(hash_backend(HASH_SHA256), fast);
	setenv("EMBARK_HASH_NO_SHANI", "1", 1);
	UT_EQ_STR(hash_backend(HASH_SHA256), fast); /* already chosen: the env is read once */
	UT_EQ_INT(hash_force_backend(SHA256_IMPL_AUTO), 0);
	UT_EQ_STR(hash_backend(HASH_SHA256), "mbedtls");
	UT_EQ_STR(digest_hex(HASH_SHA256, "abc", 3), kat_sha256[1]);
	setenv("EMBARK_HASH_NO_SHANI", "0", 1);
	UT_EQ_INT(hash_force_backend(SHA256_IMPL_AUTO), 0);
	UT_EQ_STR(hash_backend(HASH_SHA256), fast);
	UT_EQ_INT(hash_force_backend((enum sha256_impl)7), -EINVAL);
	if (!cpu_x86_sha_ni())
		UT_EQ_INT(hash_force_backend(SHA256_IMPL_SHANI), -ENOTSUP);
}

/* A context keeps the path it started with even when the choice changes under it. */
UT_TEST(hash_context_keeps_its_path)
{
	struct hash_ctx a, b;
	uint8_t out[32];

	if (!use_path(SHA256_IMPL_SHANI))
		return;
	UT_EQ_INT(hash_init(&a, HASH_SHA256), 0);
	use_path(SHA256_IMPL_MBEDTLS);
	UT_EQ_INT(hash_init(&b, HASH_SHA256), 0);
	hash_update(&a, "ab", 2);
	hash_update(&b, "ab", 2);
	use_path(SHA256_IMPL_SHANI);
	hash_update(&a, "c", 1);
	hash_update(&b, "c", 1);
	hash_final(&a, out);
	UT_EQ_STR(hex(out, 32), kat_sha256[1]);
	hash_final(&b, out);
	UT_EQ_STR(hex(out, 32), kat_sha256[1]);
}

static const enum hash_algo all_algos[] = { HASH_CRC32, HASH_SHA1, HASH_SHA256, HASH_SHA384,
					    HASH_SHA512 };

/* Two updates split at every offset 0..200, and odd chunk sizes, equal one call. */
static void check_incremental(enum hash_algo algo)
{
	static uint8_t msg[4099];
	uint8_t one[HASH_MAX_DIGEST], out[HASH_MAX_DIGEST];
	size_t size = hash_digest_size(algo);
	static const size_t chunks[] = { 1, 3, 7, 13, 55, 56, 63, 64, 65, 111, 127, 129, 1000 };
	struct hash_ctx ctx;

	fill_random(msg, sizeof(msg), algo);
	for (size_t len = 0; len <= 200; len += 1) {
		UT_EQ_INT(hash_buffer(algo, msg, len, one), 0);
		for (size_t k = 0; k <= len; k++) {
			UT_EQ_INT(hash_init(&ctx, algo), 0);
			hash_update(&ctx, msg, k);
			hash_update(&ctx, NULL, 0);
			hash_update(&ctx, msg + k, len - k);
			hash_final(&ctx, out);
			if (memcmp(one, out, size) != 0)
				ut_fail(__FILE__, __LINE__, "%s: %zu bytes split at %zu differ",
					hash_algo_name(algo), len, k);
		}
	}
	UT_EQ_INT(hash_buffer(algo, msg, sizeof(msg), one), 0);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		UT_EQ_INT(hash_init(&ctx, algo), 0);
		for (size_t off = 0; off < sizeof(msg); off += chunks[c])
			hash_update(&ctx, msg + off,
				    sizeof(msg) - off < chunks[c] ? sizeof(msg) - off : chunks[c]);
		hash_final(&ctx, out);
		if (memcmp(one, out, size) != 0)
			ut_fail(__FILE__, __LINE__, "%s: chunks of %zu differ", hash_algo_name(algo),
				chunks[c]);
	}
}

UT_TEST(hash_incremental_equals_oneshot)
{
	for (size_t p = 0; p < 2; p++) {
		if (!use_path(sha256_paths[p]))
			continue;
		for (size_t i = 0; i < sizeof(all_algos) / sizeof(all_algos[0]); i++)
			check_incremental(all_algos[i]);
	}
}

/* Runs ARGV with stdin from IN (or /dev/null) and stdout/stderr into OUT/ERR (or inherited).
 * Returns the exit status, or -1 when it did not exit normally. */
static int run(char *const argv[], const char *in, const char *out, const char *err)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(in ? in : "/dev/null", O_RDONLY);

		dup2(fd, 0);
		if (out)
			dup2(open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
		if (err)
			dup2(open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
		if (strcmp(argv[0], "embark") == 0) {
			int argc = 0, ret;

			while (argv[argc])
				argc++;
			ret = cmd_hash(argc - 1, (char **)argv + 1);
			fflush(NULL);
			_exit(ret);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The whole of PATH, NUL-terminated (tests may allocate). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return strdup("");
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static char *tmp_path(const char *name)
{
	static char p[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", ut_tmpdir(), name);
	return p[i];
}

/* Several MiB of random data against coreutils' own sha*sum, on both SHA-256 paths. */
UT_TEST(hash_random_matches_coreutils)
{
	static const struct {
		enum hash_algo algo;
		const char *tool;
	} tools[] = {
		{ HASH_SHA256, "sha256sum" },
		{ HASH_SHA512, "sha512sum" },
		{ HASH_SHA384, "sha384sum" },
		{ HASH_SHA1, "sha1sum" },
	};
	static const size_t sizes[] = { 3 * 1024 * 1024 + 17, 5 * 1024 * 1024 };
	size_t max = 5 * 1024 * 1024;
	uint8_t *buf = malloc(max);

	for (size_t s = 0; s < 2; s++) {
		char *file, *out = tmp_path("sum.out");

		fill_random(buf, sizes[s], 1000 + s);
		file = (char *)ut_write_file("random.bin", buf, sizes[s]);
		for (size_t t = 0; t < sizeof(tools) / sizeof(tools[0]); t++) {
			char *argv[] = { (char *)tools[t].tool, file, NULL };
			char *want;

			UT_EQ_INT(run(argv, NULL, out, NULL), 0);
			want = slurp(out, NULL);
			want[2 * hash_digest_size(tools[t].algo)] = 0;
			for (size_t p = 0; p < 2; p++)
				if (use_path(sha256_paths[p]))
					UT_EQ_STR(digest_hex(tools[t].algo, buf, sizes[s]), want);
			free(want);
		}
	}
	free(buf);
}

UT_TEST(hash_crc32_matches_python_zlib)
{
	static uint8_t buf[1 << 20];
	char *file, *out = tmp_path("crc.out"), *want;
	char *argv[] = { "python3", "-c",
			 "import sys, zlib; print('%08x' % zlib.crc32(open(sys.argv[1], 'rb').read()))",
			 NULL, NULL };

	fill_random(buf, sizeof(buf), 7);
	file = (char *)ut_write_file("crc.bin", buf, sizeof(buf) - 3);
	argv[3] = file;
	UT_EQ_INT(run(argv, NULL, out, NULL), 0);
	want = slurp(out, NULL);
	want[8] = 0;
	UT_EQ_STR(digest_hex(HASH_CRC32, buf, sizeof(buf) - 3), want);
	free(want);
}

/* Test files for the CLI, in the test's directory, named as a user might. */
static const char *const cli_names[] = { "empty", "abc", "with space", "back\\slash",
					 "new\nline", "carriage\rreturn", "big.bin" };

static void make_cli_files(void)
{
	size_t big = (2 << 20) + 1; /* more than one read chunk */
	uint8_t *buf = malloc(big);

	fill_random(buf, big, 42);
	ut_write_file("empty", "", 0);
	ut_write_file("abc", "abc", 3);
	ut_write_file("with space", "x\n", 2);
	ut_write_file("back\\slash", M448, strlen(M448));
	ut_write_file("new\nline", M896, strlen(M896));
	ut_write_file("carriage\rreturn", buf, 1000);
	ut_write_file("big.bin", buf, big);
	free(buf);
	UT_EQ_INT(chdir(ut_tmpdir()), 0);
}

/* `embark hash [--algo A] FILES` and `TOOL FILES` give the same bytes and exit 0. */
static void check_cli_against(const char *algo, const char *tool)
{
	enum { N = sizeof(cli_names) / sizeof(cli_names[0]) };
	char *ours[N + 5], *theirs[N + 3], *a, *b;
	size_t la, lb;
	int k = 0;

	ours[k++] = "embark";
	ours[k++] = "hash";
	if (algo) {
		ours[k++] = "--algo";
		ours[k++] = (char *)algo;
	}
	theirs[0] = (char *)tool;
	for (int i = 0; i < N; i++)
		ours[k + i] = theirs[1 + i] = (char *)cli_names[i];
	ours[k + N] = theirs[1 + N] = NULL;
	UT_EQ_INT(run(ours, NULL, "ours.out", NULL), 0);
	UT_EQ_INT(run(theirs, NULL, "theirs.out", NULL), 0);
	a = slurp("ours.out", &la);
	b = slurp("theirs.out", &lb);
	UT_EQ_INT(la, lb);
	if (la != lb || memcmp(a, b, la) != 0)
		ut_fail(__FILE__, __LINE__, "%s output differs from %s:\n%s---\n%s", algo ? algo : "",
			tool, a, b);
	free(a);
	free(b);
}

UT_TEST(hash_cli_matches_sha256sum)
{
	make_cli_files();
	for (size_t p = 0; p < 2; p++)
		if (use_path(sha256_paths[p]))
			check_cli_against(NULL, "sha256sum");
	check_cli_against("sha512", "sha512sum");
	check_cli_against("sha384", "sha384sum");
	check_cli_against("sha1", "sha1sum");
}

UT_TEST(hash_cli_stdin)
{
	char *ours[] = { "embark", "hash", "-", NULL }, *bare[] = { "embark", "hash", NULL };
	char *theirs[] = { "sha256sum", "-", NULL }, *a, *b, *c;

	make_cli_files();
	UT_EQ_INT(run(ours, "big.bin", "ours.out", NULL), 0);
	UT_EQ_INT(run(bare, "big.bin", "bare.out", NULL), 0);
	UT_EQ_INT(run(theirs, "big.bin", "theirs.out", NULL), 0);
	a = slurp("ours.out", NULL);
	b = slurp("theirs.out", NULL);
	c = slurp("bare.out", NULL);
	UT_EQ_STR(a, b);
	UT_EQ_STR(c, b);
	free(a);
	free(b);
	free(c);
}

UT_TEST(hash_cli_crc32)
{
	char *argv[] = { "embark", "hash", "--algo=crc32", "check", NULL }, *out;

	make_cli_files();
	ut_write_file("check", "123456789", 9);
	UT_EQ_INT(run(argv, NULL, "out", NULL), 0);
	out = slurp("out", NULL);
	UT_EQ_STR(out, "cbf43926  check\n");
	free(out);
}

/* A missing file is named with its errno; the other files are still hashed; exit 2. */
UT_TEST(hash_cli_missing_file)
{
	char *argv[] = { "embark", "hash", "abc", "nonexistent", "empty", NULL }, *out, *err;

	make_cli_files();
	UT_EQ_INT(run(argv, NULL, "out", "err"), 2);
	out = slurp("out", NULL);
	err = slurp("err", NULL);
	UT_EQ_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n"
		       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n");
	UT_EQ_STR(err, "embark hash: nonexistent: ENOENT (No such file or directory)\n");
	free(out);
	free(err);
	argv[2] = ".";
	argv[3] = NULL;
	UT_EQ_INT(run(argv, NULL, "out", "err"), 2);
	err = slurp("err", NULL);
	UT_EQ_STR(err, "embark hash: .: EISDIR (Is a directory)\n");
	free(err);
}

UT_TEST(hash_cli_usage_errors)
{
	char *bad_algo[] = { "embark", "hash", "--algo", "md5", "abc", NULL };
	char *no_algo[] = { "embark", "hash", "--algo", NULL };
	char *bad_opt[] = { "embark", "hash", "-x", "abc", NULL };
	char *dashdash[] = { "embark", "hash", "--", "-x", NULL }, *err;

	make_cli_files();
	UT_EQ_INT(run(bad_algo, NULL, "out", "err"), 2);
	err = slurp("err", NULL);
	UT_CHECK(strstr(err, "embark hash: unknown algorithm 'md5'") == err);
	free(err);
	UT_EQ_INT(run(no_algo, NULL, "out", "err"), 2);
	UT_EQ_INT(run(bad_opt, NULL, "out", "err"), 2);
	err = slurp("err", NULL);
	UT_CHECK(strstr(err, "unexpected argument '-x'") != NULL);
	free(err);
	ut_write_file("-x", "abc", 3);
	UT_EQ_INT(run(dashdash, NULL, "out", "err"), 0);
	err = slurp("out", NULL);
	UT_EQ_STR(err, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -x\n");
	free(err);
}

/* --backend names the implementation on stderr; EMBARK_HASH_NO_SHANI=1 switches it. */
UT_TEST(hash_cli_backend_flag)
{
	char *argv[] = { "embark", "hash", "--backend", "abc", NULL }, *err;
	char want[64];

	make_cli_files();
	unsetenv("EMBARK_HASH_NO_SHANI");
	hash_force_backend(SHA256_IMPL_AUTO);
	UT_EQ_INT(run(argv, NULL, "out", "err"), 0);
	err = slurp("err", NULL);
	snprintf(want, sizeof(want), "embark hash: sha256 backend: %s\n",
		 cpu_x86_sha_ni() ? "sha-ni" : "mbedtls");
	UT_EQ_STR(err, want);
	free(err);
	setenv("EMBARK_HASH_NO_SHANI", "1", 1);
	hash_force_backend(SHA256_IMPL_AUTO);
	UT_EQ_INT(run(argv, NULL, "out", "err"), 0);
	err = slurp("err", NULL);
	UT_EQ_STR(err, "embark hash: sha256 backend: mbedtls\n");
	free(err);
	err = slurp("out", NULL);
	UT_EQ_STR(err, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n");
	free(err);
}
