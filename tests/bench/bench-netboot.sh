#!/bin/bash
# bench-netboot: peak memory (VmHWM, the peak resident set) of `embark fetch` downloading a
# 64 MiB kernel and a 16 MiB initrd from a local HTTP server, as PID 1 downloads network boot
# files: into a memfd, which is not resident memory of the process (a sealed memfd is what
# kexec reads; nothing is copied a second time). Time and MB/s are printed too.
#   tests/bench/bench-netboot.sh [BUILD_DIR]     (run by `make bench`; never part of make check)
# Exits non-zero only when a tool fails or a download does not match its source.
set -euo pipefail
B=${1:-build}
EMBARK=$(realpath "$B/embark")
dir=/dev/shm
[ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
work=$(mktemp -d "$dir/embark-bench-netboot.XXXXXX")
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
head -c 64M /dev/urandom > kernel.bin
head -c 16M /dev/urandom > initrd.bin
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
	sleep 0.1
done
for f in kernel.bin initrd.bin; do
	python3 - "$EMBARK" "http://127.0.0.1:$port/$f" "$work/out.$f" "$f" <<'PY'
import os, resource, subprocess, sys, time
embark, url, out, name = sys.argv[1:5]
t = time.monotonic()
subprocess.run([embark, "fetch", url, "--out", out], check=True)
dt = time.monotonic() - t
hwm_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
size = os.path.getsize(out)
print(f"bench-netboot: {name}: {size >> 20} MiB in {dt:.2f} s ({size / dt / 1e6:.0f} MB/s), "
      f"peak memory (VmHWM) {hwm_kib / 1024:.1f} MiB")
PY
	cmp -s "$f" "out.$f" || { echo "bench-netboot: $f: the download differs from the source" >&2; exit 1; }
	rm -f "out.$f"
done
