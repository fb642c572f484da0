#!/usr/bin/env python3
"""End-to-end: the board's firmware kernel boots embark as PID 1 in QEMU (TCG), embark finds
BLS entries on virtio disks and kexecs into the target kernel; read from the serial console.

Fixtures are made here from real tools (mkfs.ext4 through tools/mkbootdisk, dd): the target
is Debian's kernel with build/tests/target-initramfs.cpio, whose /init prints
EMBARK-TARGET-BOOTED and EMBARK-TARGET-CMDLINE[<its /proc/cmdline>] and powers off.
TAP output, one line a check. Needs `make board build/tests/target-initramfs.cpio`.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import (FIRMWARE, KERNEL, PANIC, TARGET_INITRD, WORK, boot,  # noqa: E402
                     expect_lines, mkbootdisk, run, tap, text_file)


def test_happy_path():
    """One disk, one BLS entry: the target runs with exactly the entry's options."""
    cmdline = "console=ttyS0,115200 panic=-1 quiet embark.e2e=happy-path opt=a,b:c/d"
    disk = mkbootdisk("happy.img", "--entry", "happy", "--title", "Happy path",
                      "--kernel", KERNEL, "--initrd", TARGET_INITRD, "--cmdline", cmdline)
    with boot([disk], log="happy.log") as con:
        ok, why = expect_lines(con, [r"embark: .* starting as PID 1"])
        tap(ok, "embark runs as PID 1 on the board's kernel", why)
        if FIRMWARE:
            tap.skip("board modules load without errors",
                     "firmware image: every driver is built in, there are no modules")
        else:
            ok, why = expect_lines(con, [r"loaded \d+ kernel modules"])
            tap(ok and "some failed" not in con.text, "board modules load without errors",
                why or con.tail())
        ok, why = expect_lines(con, [r"/dev/vda: ext4 LABEL=EMBARK-BOOT UUID=[0-9a-f-]{36} "
                                     r"mounted read-only on /run/embark/media/vda, 1 boot entry"])
        tap(ok, "disk found, probed and mounted read-only", why)
        ok, why = expect_lines(con, [r"booting 'Happy path'", r"EMBARK-TARGET-BOOTED"])
        tap(ok, "kexec into the target kernel and its initrd", why)
        ok, why = expect_lines(con, [re.escape(f"EMBARK-TARGET-CMDLINE[{cmdline}]")], timeout=20)
        tap(ok, "target sees exactly the entry's cmdline", why)


def test_bad_media_and_fallback():
    """Every kind of bad input gives one clear line; PID 1 goes on to the entry that works."""
    good_cmdline = "console=ttyS0,115200 panic=-1 quiet embark.e2e=fallback"
    readme = text_file("readme.txt", "nothing to boot here")
    empty = mkbootdisk("empty.img", "--label", "NO-ENTRIES", "--add", f"{readme}:/readme.txt")
    corrupt = mkbootdisk("corrupt.img", "--label", "CORRUPT", "--entry", "x",
                         "--kernel", TARGET_INITRD)
    # Zero the group descriptors (block 1 of a 4 KiB-block filesystem; mkfs.ext4 -d picks
    # 1 KiB blocks for small images, so zero from 2 KiB to 64 KiB to cover either): the
    # superblock still says ext4, the mount must fail.
    with open(corrupt, "r+b") as f:
        f.seek(2048)
        f.write(bytes(62 * 1024))
    raw = os.path.join(WORK, "raw.img")
    with open(raw, "wb") as f:
        f.write(bytes(4 * 1024 * 1024))
    bogus = text_file("bogus-kernel", "this is not a kernel\n" * 100)
    # systemd-boot order puts entries with a sort-key first: the two broken entries come
    # before the good one, which must be reached by falling back.
    conf_missing = text_file("a.conf", "title Missing kernel\nsort-key a\nlinux /no/such/vmlinuz\n")
    conf_bogus = text_file("b.conf", "title Not a kernel\nsort-key b\nlinux /bogus/linux\n")
    conf_bad = text_file("bad.conf", "title No linux key\n")
    entries = mkbootdisk(
        "entries.img", "--label", "ENTRIES",
        "--entry", "c-good", "--title", "Good", "--kernel", KERNEL,
        "--initrd", TARGET_INITRD, "--cmdline", good_cmdline,
        "--add", f"{bogus}:/bogus/linux",
        "--add", f"{conf_missing}:/loader/entries/a-missing.conf",
        "--add", f"{conf_bogus}:/loader/entries/b-notkernel.conf",
        "--add", f"{conf_bad}:/loader/entries/0-bad.conf")
    with boot([empty, corrupt, raw, entries], log="bad-media.log") as con:
        checks = [
            ("disk without entries says so", r"/dev/vda: ext4 LABEL=NO-ENTRIES .* 0 boot entries"),
            ("damaged filesystem: device, type, errno and what to do",
             r"error: /dev/vdb: ext4 filesystem \(UUID [0-9a-f-]+\) did not mount read-only on "
             r"/run/embark/media/vdb: E[A-Z]+ \([^)]*\); it may be damaged: check it with fsck"),
            ("no filesystem at all", r"/dev/vdc: no filesystem embark reads"),
            ("malformed entry skipped with file and rule",
             r"/dev/vdd: /run/embark/media/vdd/loader/entries/0-bad.conf: skipped: no 'linux' key"),
            ("entry whose kernel is missing: file and errno",
             r"error: entry 'Missing kernel' \(/loader/entries/a-missing.conf\): kernel "
             r"/run/embark/media/vdd/no/such/vmlinuz: ENOENT \(No such file or directory\)"),
            ("kexec_file_load refusal: errno name and meaning",
             r"error: entry 'Not a kernel': kexec_file_load failed: ENOEXEC \([^)]*\): the running "
             r"kernel cannot load this file"),
            ("falls back to the next entry and boots it",
             re.escape(f"EMBARK-TARGET-CMDLINE[{good_cmdline}]")),
        ]
        for name, pattern in checks:
            ok, why = expect_lines(con, [pattern])
            tap(ok, name, why)


def test_nothing_bootable_keeps_running():
    """No entries anywhere: one clear line, and PID 1 stays up (no panic, QEMU keeps running)."""
    empty = mkbootdisk("empty2.img", "--label", "NO-ENTRIES")
    with boot([empty], append="embark.device_timeout=2", log="nothing.log") as con:
        ok, why = expect_lines(con, [r"policy: device_timeout=2s",
                                     r"no boot entries found within 2s"])
        tap(ok, "no entries: says what it looked for", why)
        time.sleep(5)
        alive = con.returncode is None and not any(re.search(p, con.text) for p in PANIC)
        tap(alive, "PID 1 keeps running after finding nothing", con.tail())


if __name__ == "__main__":
    sys.exit(run([test_happy_path, test_bad_media_and_fallback,
                  test_nothing_bootable_keeps_running]))
