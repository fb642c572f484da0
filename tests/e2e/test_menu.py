#!/usr/bin/env python3
"""End-to-end: the boot menu and what an operator does with it, over the serial console.

Autoboot of the default after the countdown; a key that stops it and a number that picks the
second entry; editing the command line and seeing it in the target; editing forbidden by the
policy; a disk hot-added through QEMU's monitor that resolves a grub `search --fs-uuid`
entry waiting for it; no bootable media leading to the menu and the recovery shell. TAP output.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import (KERNEL, TARGET_INITRD, WORK, boot, expect_lines,  # noqa: E402
                     mkbootdisk, run, tap, text_file)

BASE = "console=ttyS0,115200 panic=-1 quiet"
FIRST = BASE + " embark.e2e=menu-first"
SECOND = BASE + " embark.e2e=menu-second"
LATE_UUID = "3a1c0f52-6b7e-4d0c-9a55-2f1e8d7c6b5a"


def two_entry_disk():
    return mkbootdisk("menu.img", "--label", "MENU",
                      "--entry", "b-first", "--title", "First entry", "--kernel", KERNEL,
                      "--initrd", TARGET_INITRD, "--cmdline", FIRST,
                      "--entry", "a-second", "--title", "Second entry", "--kernel", KERNEL,
                      "--initrd", TARGET_INITRD, "--cmdline", SECOND)


def target_cmdline(cmdline):
    return re.escape(f"EMBARK-TARGET-CMDLINE[{cmdline}]")


def test_autoboot_default():
    with boot([two_entry_disk()], log="menu-auto.log") as con:
        ok, why = expect_lines(con, [r"embark boot menu", r"1\) First entry  \[bls\]",
                                     r"2\) Second entry  \[bls\]",
                                     r"booting 'First entry' in \d s; any key stops"])
        tap(ok, "menu lists both entries with a countdown for the default", why)
        ok, why = expect_lines(con, [r"booting 'First entry'", target_cmdline(FIRST)])
        tap(ok, "the default boots when the countdown runs out", why)


def test_choose_second():
    with boot([two_entry_disk()], append="embark.timeout=30", log="menu-choose.log") as con:
        ok, why = expect_lines(con, [r"booting 'First entry' in \d+ s"])
        if ok:
            con.send(b"2")
            ok, why = expect_lines(con, [r"countdown stopped"], timeout=30)
        tap(ok, "a key stops the countdown", why)
        con.send(b"\r")
        ok, why = expect_lines(con, [r"booting 'Second entry'", target_cmdline(SECOND)])
        tap(ok, "a number and Enter boot the second entry", why)


def test_edit_cmdline():
    with boot([two_entry_disk()], append="embark.timeout=30", log="menu-edit.log") as con:
        ok, why = expect_lines(con, [r"booting 'First entry' in \d+ s"])
        if ok:
            con.send(b"e")
            ok, why = expect_lines(con, [r"edit the command line; Enter boots"], timeout=30)
        if ok:
            con.send(b" edited=yes\r")
            ok, why = expect_lines(con, [r"command line edited on the console",
                                         target_cmdline(FIRST + " edited=yes")])
        tap(ok, "'e' edits the command line and the target sees the edit", why)


def test_edit_forbidden():
    with boot([two_entry_disk()], append="embark.timeout=-1 embark.allow_edit=no",
              log="menu-noedit.log") as con:
        ok, why = expect_lines(con, [r"Enter: boot"])
        if ok:
            con.send(b"e")
            ok, why = expect_lines(con, [r"editing the command line is disabled by the policy "
                                         r"\(allow_edit = no\)"], timeout=30)
        tap(ok, "policy allow_edit = no: 'e' is refused with the reason", why)
        con.send(b"\r")
        ok, why = expect_lines(con, [target_cmdline(FIRST)])
        tap(ok, "the unedited entry still boots", why)


def test_late_disk_resolves_grub_search():
    grub_cfg = text_file("late-grub.cfg", f"""set timeout=30
menuentry 'Late kernel' --id late {{
    search --no-floppy --fs-uuid --set=root {LATE_UUID}
    linux /late/linux {BASE} embark.e2e=late-disk
    initrd /late/initrd
}}
""")
    first = mkbootdisk("late-cfg.img", "--label", "GRUBCFG",
                       "--add", f"{grub_cfg}:/boot/grub/grub.cfg")
    second = mkbootdisk("late-kernel.img", "--label", "LATE", "--uuid", LATE_UUID,
                        "--add", f"{KERNEL}:/late/linux", "--add", f"{TARGET_INITRD}:/late/initrd")
    with boot([first], append="embark.device_timeout=3 embark.timeout=-1", monitor=True,
              log="menu-late.log") as con:
        ok, why = expect_lines(con, [r"1\) Late kernel  \[grub\]  -- waiting for UUID=" + LATE_UUID])
        tap(ok, "a grub entry on a disk not yet present is listed as waiting", why)
        out = con.monitor(f"drive_add 0 if=none,id=late,format=raw,snapshot=on,file={second}")
        out += con.monitor("device_add virtio-blk-pci,drive=late,bus=hotplug0,id=latedisk")
        ok, why = expect_lines(con, [r"/dev/vdb: ext4 LABEL=LATE UUID=" + LATE_UUID],
                               timeout=60)
        tap(ok, "the hot-added disk is found and mounted", why + "\n" + out)
        ok, why = expect_lines(con, [r"1\) Late kernel  \[grub\](\x1b\[0m)?\r*\n"], timeout=30)
        tap(ok, "the waiting entry becomes bootable", why)
        con.send(b"1\r")
        ok, why = expect_lines(con, [target_cmdline(BASE + " embark.e2e=late-disk")])
        tap(ok, "it boots from the late disk", why)


def test_nothing_bootable_menu_and_shell():
    empty = mkbootdisk("shell-empty.img", "--label", "NOTHING")
    with boot([empty], append="embark.device_timeout=2", log="menu-shell.log") as con:
        ok, why = expect_lines(con, [r"embark boot menu: no boot entries yet", r"s: shell"])
        tap(ok, "no bootable media: the menu says so and offers the shell", why)
        con.send(b"s")
        ok, why = expect_lines(con, [r"embark# "], timeout=30)
        tap(ok, "'s' opens the recovery shell", why)
        con.send(b"blkid\r")
        ok, why = expect_lines(con, [r'/dev/vda: .*LABEL="NOTHING"'], timeout=30)
        tap(ok, "recovery shell: blkid shows the disk", why)
        con.send(b"events\r")
        ok, why = expect_lines(con, [r'"kind":"entries".*"detail":"none"'], timeout=30)
        tap(ok, "recovery shell: events shows the JSON event log", why)
        con.send(b"exit\r")
        ok, why = expect_lines(con, [r"embark boot menu"], timeout=30)
        tap(ok, "exit returns to the menu", why)


if __name__ == "__main__":
    sys.exit(run([test_autoboot_default, test_choose_second, test_edit_cmdline,
                  test_edit_forbidden, test_late_disk_resolves_grub_search,
                  test_nothing_bootable_menu_and_shell]))
