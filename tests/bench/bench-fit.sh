#!/bin/bash
# bench-fit: the time `embark verify` takes for a signed FIT holding a 64 MiB kernel, as a
# user runs it (file in tmpfs, best of 5), for embedded and external (mkimage -E) data.
#   tests/bench/bench-fit.sh [BUILD_DIR]     (run by `make bench`; never part of make check)
# The fixture is made here with openssl and mkimage. Exits non-zero only when a tool fails or
# the image does not verify.
set -euo pipefail
B=${1:-build}
EMBARK=$(realpath "$B/embark")
dir=/dev/shm
[ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
work=$(mktemp -d "$dir/embark-bench-fit.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dev.key 2>/dev/null
openssl req -batch -new -x509 -key dev.key -out dev.crt -subj /CN=dev 2>/dev/null
head -c 64M /dev/urandom > kernel.bin
head -c 8M /dev/urandom > ramdisk.bin
cat > bench.its <<'ITS'
/dts-v1/;
/ {
	description = "embark bench: 64 MiB kernel, 8 MiB ramdisk";
	images {
		kernel { data = /incbin/("kernel.bin"); type = "kernel"; arch = "x86_64";
			 os = "linux"; compression = "none"; hash-1 { algo = "sha256"; }; };
		ramdisk { data = /incbin/("ramdisk.bin"); type = "ramdisk"; arch = "x86_64";
			  os = "linux"; compression = "none"; hash-1 { algo = "sha256"; }; };
	};
	configurations {
		default = "conf-1";
		conf-1 { kernel = "kernel"; ramdisk = "ramdisk";
			 signature-1 { algo = "sha256,rsa2048"; key-name-hint = "dev";
				       sign-images = "kernel", "ramdisk"; }; };
	};
};
ITS
printf '/dts-v1/; / { signature { }; };\n' > ctl.dts
dtc -I dts -O dtb -o ctl.dtb ctl.dts 2>/dev/null
mkimage -f bench.its -k . -K ctl.dtb -r embedded.itb >/dev/null
mkimage -E -f bench.its -k . -r external.itb >/dev/null

best_of() {
	local best=999999 t0 t1 ms
	for _ in 1 2 3 4 5; do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || { echo "bench-fit: '$*' failed" >&2; "$@" >&2; exit 1; }
		t1=$EPOCHREALTIME
		ms=$(awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (e - s) * 1000 }')
		[ "$ms" -lt "$best" ] && best=$ms
	done
	echo "$best"
}
size=$(stat -c %s embedded.itb)
emb=$(best_of "$EMBARK" verify --keyring ctl.dtb embedded.itb)
ext=$(best_of "$EMBARK" verify --keyring ctl.dtb external.itb)
mbed=$(EMBARK_HASH_NO_SHANI=1 best_of "$EMBARK" verify --keyring ctl.dtb embedded.itb)
backend=$("$EMBARK" hash --backend kernel.bin 2>&1 >/dev/null | sed 's/.*backend: //')
printf 'bench-fit: embark verify, signed FIT of %d MiB (64 MiB kernel + 8 MiB ramdisk), best of 5\n' \
	$((size / 1048576))
awk -v e="$emb" -v x="$ext" -v m="$mbed" -v s="$size" -v b="$backend" 'BEGIN {
	printf "  %-52s %6d ms  %6.0f MB/s\n", "embedded data (" b ")", e, s / e / 1000
	printf "  %-52s %6d ms  %6.0f MB/s\n", "external data, mkimage -E (" b ")", x, s / x / 1000
	printf "  %-52s %6d ms  %6.0f MB/s\n", "embedded, EMBARK_HASH_NO_SHANI=1 (mbedtls)", m, s / m / 1000
}'
