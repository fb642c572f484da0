#!/usr/bin/env python3
"""End-to-end: embark's own kexec_load path (segment list, boot_params, purgatory) boots the
target kernel in QEMU (TCG).

1. `embark.loader=segments` and a command line longer than 1000 bytes: the console shows the
   segment path loaded (segment count, addresses), the target kernel reserves its initrd at
   exactly the address embark logged (its own "RAMDISK: [mem ...]" line), runs the initrd's
   /init, and sees exactly the command line.
2. The same with `mem=768M` on the kernel embark runs on (the VM has 1024 MiB): every segment lies
   below 768 MiB, although the firmware memory map handed on still says 1 GiB, and the target
   boots.
3. No policy (loader=auto) and a kernel kexec_file_load refuses (XLF_CAN_BE_LOADED_ABOVE_4G
   cleared in a copy of the header): kexec_file_load fails with ENOEXEC, embark falls back to
   the segment path, and the target boots.

Runs the board built in $B (B=build-ldr tests/e2e/test_segments_boot.py), or its firmware
image with EMBARK_E2E_FIRMWARE=1. TAP output.
"""

import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import (BOOT_TIMEOUT, KERNEL, PANIC, TARGET_INITRD, WORK, boot,  # noqa: E402
                     expect_lines, mkbootdisk, run, sc, tap)

MEM_LIMIT = 768 << 20
LOADED = (r"kexec_load: (\d+) segments in (0x[0-9a-f]+)-(0x[0-9a-f]+), kernel at (0x[0-9a-f]+) "
          r"\(entry (0x[0-9a-f]+)\), initrd at (0x[0-9a-f]+), boot_params at (0x[0-9a-f]+), "
          r"purgatory at (0x[0-9a-f]+)")


def long_cmdline(tag):
    # Parameters with a dot are ignored by the kernel and not handed to /init (plain KEY=V
    # words would become init's environment, which the kernel caps at 32).
    words = ["console=ttyS0,115200", "panic=-1", "loglevel=7", f"embark.e2e={tag}"]
    words += [f"e2e.pad{i}=" + (f"{i:x}" * 200)[:230] for i in range(5)]
    cmdline = " ".join(words)
    assert 1000 < len(cmdline) < 2047, len(cmdline)
    return cmdline


def wait_match(con, pattern, timeout=BOOT_TIMEOUT):
    try:
        return con.wait_for(pattern, timeout=timeout, fail=PANIC), ""
    except sc.ConsoleError as e:
        return None, str(e)


def ramdisk_line(initrd_addr):
    """The target kernel's own record of where its initrd is (arch/x86/kernel/setup.c,
    which rounds the end up to a page)."""
    size = (os.path.getsize(TARGET_INITRD) + 4095) & ~4095
    return re.escape(f"RAMDISK: [mem {initrd_addr:#010x}-{initrd_addr + size - 1:#010x}]")


def check_segment_boot(con, cmdline, name):
    """The checks both segment-path boots share; returns the loaded-line match or None."""
    ok, why = expect_lines(con, [r"policy: .*loader=segments"])
    tap(ok, f"{name}: the policy says loader=segments (embark.loader= on the command line)",
        why)
    ok, why = expect_lines(con, [r"kexec_load: kernel \S+, 1 initrd, cmdline"])
    tap(ok, f"{name}: the segment path is the one tried", why)
    m, why = wait_match(con, LOADED)
    tap(m is not None and "kexec_file_load" not in con.text,
        f"{name}: loaded by kexec_load with embark's segments, never kexec_file_load",
        why or con.tail())
    if m is None:
        return None
    nseg, kernel, entry, initrd = int(m[1]), int(m[4], 16), int(m[5], 16), int(m[6], 16)
    tap(nseg == 4 and kernel == 0x1000000 and entry == kernel + 0x200,
        f"{name}: 4 segments, kernel at pref_address 16 MiB, entry startup_64 = +0x200",
        m[0])
    ok, why = expect_lines(con, [ramdisk_line(initrd)])
    tap(ok, f"{name}: the target reserves its initrd exactly where embark put it", why)
    ok, why = expect_lines(con, [r"EMBARK-TARGET-BOOTED"])
    tap(ok, f"{name}: the target runs /init from that initrd", why)
    ok, why = expect_lines(con, [re.escape(f"EMBARK-TARGET-CMDLINE[{cmdline}]")], timeout=30)
    tap(ok, f"{name}: the target sees exactly the {len(cmdline)}-byte command line", why)
    return m


def test_segments_long_cmdline():
    cmdline = long_cmdline("segments")
    disk = mkbootdisk("segments.img", "--entry", "seg", "--title", "Segment path",
                      "--kernel", KERNEL, "--initrd", TARGET_INITRD, "--cmdline", cmdline)
    with boot([disk], "embark.loader=segments", "segments.log") as con:
        check_segment_boot(con, cmdline, "segments")


def test_segments_respect_mem_limit():
    cmdline = long_cmdline("segments-mem")
    disk = mkbootdisk("segments-mem.img", "--entry", "seg", "--title", "Segment path mem=",
                      "--kernel", KERNEL, "--initrd", TARGET_INITRD, "--cmdline", cmdline)
    with boot([disk], "embark.loader=segments mem=768M", "segments-mem.log") as con:
        m = check_segment_boot(con, cmdline, "mem=768M")
        if m is None:
            return
        low, end = int(m[2], 16), int(m[3], 16)
        addrs = [int(m[i], 16) for i in (4, 6, 7, 8)]
        tap(end <= MEM_LIMIT and all(a < MEM_LIMIT for a in addrs) and low >= 1 << 20,
            f"mem=768M: every segment below 768 MiB (0x{low:x}-0x{end:x})", m[0])
        tap("within the running kernel's RAM" in con.text,
            "mem=768M: placement used the running kernel's RAM, not only the firmware map",
            con.tail())


def test_auto_falls_back_for_a_kernel_kexec_file_load_refuses():
    # The same kernel with XLF_CAN_BE_LOADED_ABOVE_4G cleared: kexec_file_load's probe
    # refuses it (ENOEXEC), embark's places it below 4 GiB.
    below4g = os.path.join(WORK, "vmlinuz-below-4g")
    with open(KERNEL, "rb") as f:
        image = bytearray(f.read())
    xlf = struct.unpack_from("<H", image, 0x236)[0]
    struct.pack_into("<H", image, 0x236, xlf & ~0x2)
    with open(below4g, "wb") as f:
        f.write(image)
    cmdline = "console=ttyS0,115200 panic=-1 quiet embark.e2e=fallback"
    disk = mkbootdisk("fallback.img", "--entry", "fb", "--title", "Below 4G only",
                      "--kernel", below4g, "--initrd", TARGET_INITRD, "--cmdline", cmdline)
    with boot([disk], None, "segments-fallback.log") as con:
        ok, why = expect_lines(con, [r"policy: .*loader=auto",
                                     r"kexec_file_load: kernel \S+, 1 initrd"])
        tap(ok, "auto: kexec_file_load is tried first", why)
        m, why = wait_match(con, LOADED + r".*\(after kexec_file_load: ENOEXEC\)")
        tap(m is not None, "auto: after ENOEXEC from kexec_file_load, embark's kexec_load "
            "path loads the kernel", why)
        ok, why = expect_lines(con, [re.escape(f"EMBARK-TARGET-CMDLINE[{cmdline}]")])
        tap(ok, "auto: the target boots with its command line", why)


if __name__ == "__main__":
    sys.exit(run([test_segments_long_cmdline, test_segments_respect_mem_limit,
                  test_auto_falls_back_for_a_kernel_kexec_file_load_refuses]))
