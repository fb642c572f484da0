#!/usr/bin/env bash
# The same inputs give the same initramfs bytes: build the board's initramfs twice into fresh
# directories (different paths, different times, same SOURCE_DATE_EPOCH as make uses) and
# compare them.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
B=${B:-build}
board=${BOARD:-qemu-x86_64}
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

ref=$B/$board/initramfs.cpio.xz
if [ ! -f "$ref" ] || [ ! -x "$B/embark" ]; then
	echo "not ok 1 - reproducible initramfs: $ref missing (run make)"; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ok=0
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
for i in 1 2; do
	sleep 1
	tools/board-initramfs --board "$board" --embark "$B/embark" --kernel-dir "$B/kernel" \
		--out "$work/out$i" >/dev/null 2>&1 || ok=1
done
cmp -s "$work/out1/initramfs.cpio.xz" "$work/out2/initramfs.cpio.xz" || ok=1
tap $ok "board $board: initramfs.cpio.xz is byte-identical across builds"
file "$B/embark" | grep -q 'statically linked'
tap $? "build/embark is a statically linked binary"
"$B/embark" version | grep -q '^embark '
tap $? "embark version answers on the host"
[ $ok = 0 ]
