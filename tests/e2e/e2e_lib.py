"""Helpers shared by the end-to-end tests: TAP output, disks, QEMU boots, console waits."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.dirname(HERE))
import serial_console as sc  # noqa: E402
from taplib import tap  # noqa: E402,F401 (the tests import it from here)

B = os.path.join(REPO, os.environ.get("B", "build"))
# EMBARK_E2E_FIRMWARE=1: boot the board's firmware image (make firmware: a LinuxBoot kernel
# with embark's initramfs built in, no modules) instead of Debian's kernel + the board's
# initramfs; what a test adds (a keyring) comes as an initrd the kernel unpacks over the
# built-in one. The kernel the tests kexec INTO (KERNEL) is Debian's either way.
FIRMWARE = os.environ.get("EMBARK_E2E_FIRMWARE", "") not in ("", "0")
BOARD = os.environ.get("BOARD", sc.DEFAULT_BOARD)
FIRMWARE_IMAGE = os.path.join(B, BOARD, "firmware.bzImage")
WORK = os.path.join(B, "tests", "e2e-firmware" if FIRMWARE else "e2e")
KERNEL = os.path.join(B, "kernel", "vmlinuz")
TARGET_INITRD = os.path.join(B, "tests", "target-initramfs.cpio")
MKBOOTDISK = os.path.join(REPO, "tools", "mkbootdisk")
BOOT_TIMEOUT = 150  # TCG: about 2 s to /init, 10-15 s for a whole kexec round trip
PANIC = [r"Kernel panic", r"Attempted to kill init"]


def mkbootdisk(name, *args):
    out = os.path.join(WORK, name)
    subprocess.run([MKBOOTDISK, "--out", out, *args], check=True, stderr=subprocess.DEVNULL)
    return out


def text_file(name, content):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(content)
    return path


def boot(disks, append=None, log=None, initrd=None, monitor=False, **kwargs):
    """Boots the board of $B with DISKS (the firmware image under EMBARK_E2E_FIRMWARE=1,
    INITRD then unpacked over its built-in initramfs); monitor=True gives con.monitor("...")
    (hot-plug). Other keyword arguments go to SerialConsole (nic, qemu, ...)."""
    mon = None
    if monitor:
        mon = os.path.join(WORK, (log or "qemu") + ".monitor")
        if os.path.exists(mon):
            os.unlink(mon)
    kwargs.setdefault("echo", None)
    kwargs.setdefault("stderr", False)
    if FIRMWARE:
        kwargs.update(board=BOARD, kernel=FIRMWARE_IMAGE, firmware=True)
    else:  # the board built in $B
        kwargs.update(board=BOARD, kernel=os.path.join(B, BOARD, "vmlinuz"))
        initrd = initrd or os.path.join(B, BOARD, "initramfs.cpio.xz")
    return sc.SerialConsole.boot(disks=list(disks), append=append, initrd=initrd, monitor=mon,
                                 log=os.path.join(WORK, log) if log else None, **kwargs)


def initramfs_with_keyring(out_dir, keyring):
    """An initrd for boot() whose /etc/embark/keys holds KEYRING. The Debian-kernel path: the
    board's whole initramfs, rebuilt by tools/board-initramfs --keyring. The firmware image:
    only the key, for the kernel to unpack over the built-in initramfs."""
    os.makedirs(out_dir, exist_ok=True)
    if not FIRMWARE:
        subprocess.run([os.path.join(REPO, "tools", "board-initramfs"), "--board", BOARD,
                        "--embark", os.path.join(B, "embark"), "--kernel-dir",
                        os.path.join(B, "kernel"), "--out", out_dir, "--keyring", keyring],
                       check=True, capture_output=True)
        return os.path.join(out_dir, "initramfs.cpio.xz")
    spec = os.path.join(out_dir, "keys.spec")
    with open(spec, "w") as f:
        f.write("dir /etc 0755 0 0\ndir /etc/embark 0755 0 0\n"
                "dir /etc/embark/keys 0755 0 0\n"
                f"file /etc/embark/keys/{os.path.basename(keyring)} {keyring} 0644 0 0\n")
    out = os.path.join(out_dir, "keys.cpio")
    subprocess.run([os.path.join(B, "embark"), "mkinitramfs", spec, out], check=True,
                   capture_output=True)
    return out


def expect_lines(con, patterns, timeout=BOOT_TIMEOUT):
    """Waits for each pattern in order; returns (True, "") or (False, why)."""
    try:
        for p in patterns:
            con.wait_for(p, timeout=timeout, fail=PANIC)
        return True, ""
    except sc.ConsoleError as e:
        return False, str(e)


def fixtures_present(*extra):
    board_image = FIRMWARE_IMAGE if FIRMWARE else os.path.join(B, "qemu-x86_64",
                                                                 "initramfs.cpio.xz")
    missing = [p for p in (KERNEL, TARGET_INITRD, board_image, *extra)
               if not os.path.exists(p)]
    if missing:
        tap(False, "e2e fixtures present", f"missing {missing}: run 'make check'"
            + (" (EMBARK_E2E_FIRMWARE=1: 'make firmware')" if FIRMWARE else ""))
    return not missing


def run(tests):
    os.makedirs(WORK, exist_ok=True)
    if not fixtures_present():
        return 1
    for t in tests:
        try:
            t()
        except Exception as e:  # a broken fixture is a failed test, not a crashed suite
            tap(False, f"{t.__name__} raised {type(e).__name__}", e)
    return tap.status()
