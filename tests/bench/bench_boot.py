#!/usr/bin/env python3
"""bench-boot: how long the firmware image takes from power-on to the kexec of the next kernel,
with embark as /init and, for comparison, with the classic LinuxBoot-style /init: a busybox
shell script that mounts the disk, reads the BLS entry and runs Debian's kexec-tools.

    tests/bench/bench_boot.py [BUILD_DIR [BOARD]]     (make bench; never part of make check)

Both run on the same kernel (BUILD_DIR/BOARD/firmware.bzImage, from `make firmware`) with the
same disk (one BLS entry: Debian's kernel and the e2e target initramfs). The comparison
initramfs is built here from the Debian packages busybox-static and kexec-tools (kexec is
dynamically linked: its libraries are copied as ldd lists them) and given to QEMU as -initrd:
the kernel unpacks it over its built-in initramfs, so its /init replaces embark. Figures:

  kernel start -> /init     the timestamp of /init's first console line: embark's own
                            "[  s.us] embark: ... starting as PID 1" (CLOCK_MONOTONIC) and the
                            script's line written to /dev/kmsg (printk time); both count from
                            the kernel's own start (0.000000), after the bzImage decompression
  /init -> kexec            from that line to "loaded; rebooting" (embark) or the script's
                            line just before `kexec -e`; split at the kexec_file_load call:
                            before it, finding the disk and reading the entry; in it, the
                            kernel reads, places and hashes the segments (the same work for
                            both: kexec -s is kexec_file_load too)
  QEMU start -> /init       host clock: adds QEMU's start-up and the decompression
  kexec -> target           host clock, until the target's /init prints EMBARK-TARGET-BOOTED

embark runs with embark.timeout=0 embark.settle_ms=0 (boot the first entry at once, as the
script does); the board's policy would add its menu countdown. QEMU is TCG (no KVM), so the
absolute figures are those of an emulated CPU; the comparison is what counts. Median of
BENCH_BOOT_RUNS boots each (default 5). Exits non-zero only when a boot fails.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
import serial_console as sc  # noqa: E402

B = os.path.join(REPO, sys.argv[1] if len(sys.argv) > 1 else os.environ.get("B", "build"))
BOARD = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BOARD", sc.DEFAULT_BOARD)
RUNS = int(os.environ.get("BENCH_BOOT_RUNS", "5"))
FIRMWARE = os.path.join(B, BOARD, "firmware.bzImage")
TARGET_KERNEL = os.path.join(B, "kernel", "vmlinuz")
TARGET_INITRD = os.path.join(B, "tests", "target-initramfs.cpio")
EMBARK = os.path.join(B, "embark")
WORK = os.path.join(B, "bench", "boot")
BUSYBOX = "/bin/busybox"
KEXEC = "/usr/sbin/kexec"
TIMEOUT = 240
TARGET_CMDLINE = "console=ttyS0,115200 panic=-1 quiet embark.bench=boot"
TS = r"\[\s*(\d+\.\d+)\] "

# The busybox /init: what a LinuxBoot initramfs without embark does, in the fewest steps.
BUSYBOX_INIT = r"""#!/bin/sh
export PATH=/bin:/sbin
mount -t devtmpfs devtmpfs /dev
echo "<2>bbinit: starting as PID 1" > /dev/kmsg
mount -t proc proc /proc
mount -t sysfs sysfs /sys
n=0
while [ ! -b /dev/vda ]; do
	n=$((n + 1))
	if [ $n -gt 2000 ]; then echo "<2>bbinit: no /dev/vda" > /dev/kmsg; exec sh; fi
	usleep 5000
done
mount -t ext4 -o ro,noload /dev/vda /mnt
conf=$(ls /mnt/loader/entries/*.conf | head -n 1)
linux=$(sed -n 's/^linux[[:space:]]\{1,\}//p' "$conf")
initrd=$(sed -n 's/^initrd[[:space:]]\{1,\}//p' "$conf" | head -n 1)
options=$(sed -n 's/^options[[:space:]]\{1,\}//p' "$conf")
echo "<2>bbinit: kexec_file_load" > /dev/kmsg
kexec -s -l "/mnt$linux" --initrd="/mnt$initrd" --command-line="$options" ||
	{ echo "<2>bbinit: kexec -l failed" > /dev/kmsg; exec sh; }
echo "<2>bbinit: loaded; rebooting" > /dev/kmsg
kexec -e
echo "<2>bbinit: kexec -e failed" > /dev/kmsg
exec sh
"""
APPLETS = ["sh", "mount", "ls", "head", "sed", "usleep", "cat", "echo"]


def die(msg):
    sys.stderr.write("bench-boot: %s\n" % msg)
    sys.exit(1)


def need(path, how):
    if not os.path.exists(path):
        die("%s not found: %s" % (os.path.relpath(path), how))


def busybox_initramfs():
    """A gen_init_cpio list for busybox + kexec-tools, written with `embark mkinitramfs`."""
    need(BUSYBOX, "install the Debian package busybox-static (make deps does)")
    need(KEXEC, "install the Debian package kexec-tools (make deps does)")
    ldd = subprocess.run(["ldd", KEXEC], capture_output=True, text=True)
    libs = []
    for line in ldd.stdout.splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m and os.path.exists(m.group(1)):
            libs.append(m.group(1))
    if ldd.returncode != 0 or not libs:
        die("ldd %s found no libraries: %s" % (KEXEC, ldd.stderr.strip()))
    init = os.path.join(WORK, "bbinit.sh")
    with open(init, "w") as f:
        f.write(BUSYBOX_INIT)
    dirs = {"/bin", "/sbin", "/dev", "/proc", "/sys", "/mnt"}
    lines = ["nod /dev/console 0600 0 0 c 5 1",
             "file /bin/busybox %s 0755 0 0" % BUSYBOX,
             "file /sbin/kexec %s 0755 0 0" % KEXEC,
             "file /init %s 0755 0 0" % init]
    lines += ["slink /bin/%s busybox 0777 0 0" % a for a in APPLETS]
    for lib in libs:
        real = os.path.realpath(lib)
        d = os.path.dirname(lib)
        while d not in ("/", ""):
            dirs.add(d)
            d = os.path.dirname(d)
        lines.append("file %s %s 0755 0 0" % (lib, real))
    spec = os.path.join(WORK, "busybox.spec")
    with open(spec, "w") as f:
        f.write("\n".join(["dir %s 0755 0 0" % d for d in sorted(dirs)] + lines) + "\n")
    cpio = os.path.join(WORK, "busybox.cpio")
    subprocess.run([EMBARK, "mkinitramfs", spec, cpio], check=True)
    with open(cpio + ".xz", "wb") as out:
        subprocess.run(["xz", "--check=crc32", "-T1", "-9", "-c", cpio], stdout=out, check=True)
    return cpio + ".xz"


def one_boot(disk, initrd, append, first_rx, load_rx, kexec_rx, log):
    """Boots once; returns (kernel->init, init->kexec, init->load, load->kexec, qemu->init,
    kexec->target) in seconds."""
    cmdline = append  # the board's own command line is built into the firmware image
    with sc.SerialConsole(FIRMWARE, initrd, cmdline, [disk], echo=None, stderr=False,
                          log=os.path.join(WORK, log)) as con:
        try:
            m1 = con.wait_for(first_rx, timeout=TIMEOUT, fail=[r"Kernel panic"])
            host_init = con.elapsed()
            m_load = con.wait_for(load_rx, timeout=TIMEOUT, fail=[r"Kernel panic"])
            m2 = con.wait_for(kexec_rx, timeout=TIMEOUT, fail=[r"Kernel panic", r"bbinit: .*failed"])
            host_kexec = con.elapsed()
            con.wait_for(r"EMBARK-TARGET-BOOTED", timeout=TIMEOUT, fail=[r"Kernel panic"])
            host_target = con.elapsed()
        except sc.ConsoleError as e:
            die("%s (log: %s)" % (e, os.path.relpath(os.path.join(WORK, log))))
    t_init, t_load, t_kexec = float(m1.group(1)), float(m_load.group(1)), float(m2.group(1))
    return (t_init, t_kexec - t_init, t_load - t_init, t_kexec - t_load, host_init,
            host_target - host_kexec)


def main():
    need(FIRMWARE, "run 'make firmware BOARD=%s'" % BOARD)
    need(TARGET_KERNEL, "run 'make'")
    need(TARGET_INITRD, "run 'make %s'" % os.path.relpath(TARGET_INITRD, REPO))
    need(EMBARK, "run 'make'")
    os.makedirs(WORK, exist_ok=True)
    disk = os.path.join(WORK, "disk.img")
    subprocess.run([os.path.join(REPO, "tools", "mkbootdisk"), "--out", disk, "--entry", "bench",
                    "--title", "bench", "--kernel", TARGET_KERNEL, "--initrd", TARGET_INITRD,
                    "--cmdline", TARGET_CMDLINE], check=True, stderr=subprocess.DEVNULL)
    bb = busybox_initramfs()
    runs = {"embark": [], "busybox": []}
    for i in range(RUNS):
        runs["embark"].append(one_boot(
            disk, None, "embark.timeout=0 embark.settle_ms=0",
            TS + r"embark: embark \S+ starting as PID 1", TS + r"embark: kexec_file_load: kernel",
            TS + r"embark: loaded; rebooting", "embark-%d.log" % i))
        runs["busybox"].append(one_boot(
            disk, bb, "", TS + r"bbinit: starting as PID 1", TS + r"bbinit: kexec_file_load",
            TS + r"bbinit: loaded; rebooting", "busybox-%d.log" % i))

    def med(which, k):
        return statistics.median(r[k] for r in runs[which])

    kib = lambda p: (os.path.getsize(p) + 1023) // 1024  # noqa: E731
    fw_initramfs = os.path.join(B, BOARD, "firmware", "initramfs.cpio.xz")
    print("bench-boot: %s (%d KiB), QEMU TCG (no KVM), 1 CPU; median of %d boots each"
          % (os.path.relpath(FIRMWARE, REPO), kib(FIRMWARE), RUNS))
    print("  same kernel and disk (one BLS entry: Debian's kernel + the e2e target initramfs)")
    print("  %-44s %10s %26s" % ("", "embark", "busybox sh + kexec-tools"))
    rows = [("kernel start -> /init (printk time)", 0), ("/init -> kexec (printk time)", 1),
            ("  /init -> kexec_file_load call", 2), ("  in kexec_file_load (the kernel)", 3),
            ("QEMU start -> /init (host clock)", 4), ("kexec -> target /init (host clock)", 5)]
    for name, k in rows:
        print("  %-44s %8.3f s %24.3f s" % (name, med("embark", k), med("busybox", k)))
    print("  %-44s %6d KiB %22d KiB" % ("/init's initramfs (xz)",
                                         kib(fw_initramfs) if os.path.exists(fw_initramfs) else 0,
                                         kib(bb)))
    print("  (busybox runs unpack embark's built-in initramfs too, then theirs over it; embark "
          "runs with embark.timeout=0 embark.settle_ms=0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
