#!/bin/bash
# bench-hash: embark's digest speed next to OpenSSL's, with the SHA-256 target (embark's
# SHA-NI path in the musl product build >= 0.9 x `openssl speed -evp sha256`).
#   tests/bench/bench-hash.sh [BUILD_DIR]     (run by `make bench`; never part of make check)
# MB/s are 10^6 bytes a second, as openssl speed counts them. Always exits 0 unless a
# program failed: MISS is a figure to look at, not a broken build.
set -euo pipefail
B=${1:-build}
TARGET=0.9

# "ALGO BACKEND MB/s" lines, best of several runs over 64 MiB in memory.
musl=$("$B/bench/hash-musl")
host=$("$B/bench/hash-host")
pick() { awk -v a="$2" -v b="$3" '$1 == a && $2 == b { print $3 }' <<<"$1"; }

# The CLI as a user runs it: a 64 MiB file in tmpfs, best of 5 (includes read(2) copies).
cli_best() {
	local best=0 t0 t1 mbps
	for _ in 1 2 3 4 5; do
		t0=$EPOCHREALTIME
		"$@" >/dev/null
		t1=$EPOCHREALTIME
		mbps=$(awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", 67108864 / (e - s) / 1e6 }')
		[ "$mbps" -gt "$best" ] && best=$mbps
	done
	echo "$best"
}
dir=/dev/shm
[ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
file=$(mktemp "$dir/embark-bench-hash.XXXXXX")
trap 'rm -f "$file"' EXIT
head -c 64M /dev/urandom >"$file"
cli_fast=$(cli_best "$B/embark" hash "$file")
cli_fast_backend=$("$B/embark" hash --backend "$file" 2>&1 >/dev/null | sed 's/.*backend: //')
cli_mbed=$(EMBARK_HASH_NO_SHANI=1 cli_best "$B/embark" hash "$file")

ossl=
if command -v openssl >/dev/null; then
	ossl=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null |
		awk '$1 == "sha256" { sub(/k$/, "", $2); printf "%.0f", $2 / 1000 }')
fi

fast=$(pick "$musl" sha256 sha-ni)
printf 'bench-hash: MB/s over 64 MiB (best of several runs)\n'
printf '  %-52s %6s\n' \
	"SHA-256 sha-ni, musl product build" "${fast:-n/a}" \
	"SHA-256 sha-ni, host clang -O2" "$(pick "$host" sha256 sha-ni || true)" \
	"SHA-256 mbedtls (EMBARK_HASH_NO_SHANI=1), musl" "$(pick "$musl" sha256 mbedtls)" \
	"SHA-256 mbedtls, host clang -O2" "$(pick "$host" sha256 mbedtls)" \
	"SHA-512 mbedtls, musl" "$(pick "$musl" sha512 mbedtls)" \
	"SHA-1 mbedtls, musl" "$(pick "$musl" sha1 mbedtls)" \
	"CRC-32 zlib, musl" "$(pick "$musl" crc32 zlib)" \
	"embark hash FILE in $dir ($cli_fast_backend)" "$cli_fast" \
	"EMBARK_HASH_NO_SHANI=1 embark hash FILE (mbedtls)" "$cli_mbed" \
	"openssl speed -evp sha256 -bytes 16384 -seconds 3" "${ossl:-n/a}"
if [ -z "$fast" ]; then
	echo "  ratio: n/a: this CPU has no SHA extensions, so the mbedTLS path is the one that runs"
elif [ -z "$ossl" ]; then
	echo "  ratio: n/a: openssl not found"
else
	awk -v e="$fast" -v o="$ossl" -v t="$TARGET" 'BEGIN {
		r = e / o
		verdict = (r >= t) ? "PASS" : "MISS"
		printf "  ratio sha-ni (musl) / openssl: %.2f  %s (target >= %.1f)\n", r, verdict, t
	}'
fi
