#!/usr/bin/env python3
"""End-to-end: signed FIT images on a disk, a keyring in the initramfs.

mkimage signs a FIT holding Debian's kernel, the target initramfs and a signed `bootargs`;
the board's initramfs is rebuilt with the control DTB as /etc/embark/keys/. embark must
refuse a tampered copy (one flipped byte in the kernel data) with the rule named, then boot
the good one with exactly the signed command line. TAP output.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import (KERNEL, TARGET_INITRD, WORK, boot, expect_lines,  # noqa: E402
                     initramfs_with_keyring, mkbootdisk, run, tap, text_file)

FIT = os.path.join(WORK, "fit")
BOOTARGS = "console=ttyS0,115200 panic=-1 quiet embark.e2e=signed-fit"


def sh(*cmd, cwd=FIT):
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def make_signed_fit():
    shutil.rmtree(FIT, ignore_errors=True)
    os.makedirs(FIT)
    sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
       "-out", "fw.key")
    sh("openssl", "req", "-batch", "-new", "-x509", "-key", "fw.key", "-out", "fw.crt",
       "-subj", "/CN=embark-e2e")
    text_file("fit/ctl.dts", "/dts-v1/; / { signature { }; };\n")
    sh("dtc", "-I", "dts", "-O", "dtb", "-o", "ctl.dtb", "ctl.dts")
    text_file("fit/boot.its", f"""/dts-v1/;
/ {{
    description = "embark e2e: Debian kernel + target initramfs";
    images {{
        kernel {{
            data = /incbin/("{KERNEL}");
            type = "kernel"; arch = "x86_64"; os = "linux"; compression = "none";
            hash-1 {{ algo = "sha256"; }};
        }};
        initrd {{
            data = /incbin/("{TARGET_INITRD}");
            type = "ramdisk"; arch = "x86_64"; os = "linux"; compression = "none";
            hash-1 {{ algo = "sha256"; }};
        }};
    }};
    configurations {{
        default = "conf-1";
        conf-1 {{
            kernel = "kernel"; ramdisk = "initrd";
            bootargs = "{BOOTARGS}";
            signature-1 {{ algo = "sha256,rsa2048"; key-name-hint = "fw";
                          sign-images = "kernel", "ramdisk"; }};
        }};
    }};
}};
""")
    sh("mkimage", "-E", "-f", "boot.its", "-k", ".", "-K", "ctl.dtb", "-r", "good.itb")
    # Tampered copy: one byte of the (external) kernel data, near the end of the file.
    with open(os.path.join(FIT, "good.itb"), "rb") as f:
        blob = bytearray(f.read())
    blob[-len(open(TARGET_INITRD, "rb").read()) - 4096] ^= 0x01
    with open(os.path.join(FIT, "tampered.itb"), "wb") as f:
        f.write(blob)


def test_signed_fit():
    make_signed_fit()
    initrd = initramfs_with_keyring(os.path.join(FIT, "board"), os.path.join(FIT, "ctl.dtb"))
    disk = mkbootdisk("fit.img", "--label", "FIT-BOOT",
                      "--add", f"{FIT}/tampered.itb:/boot/a-tampered.itb",
                      "--add", f"{FIT}/good.itb:/boot/b-good.itb")
    with boot([disk], initrd=initrd, log="fit.log") as con:
        checks = [
            ("keyring from the initramfs", r"keyring: 1 key from /etc/embark/keys"),
            ("FIT files on the disk become entries", r"/dev/vda: ext4 .* 2 boot entries"),
            ("tampered FIT refused, rule named",
             r"error: FIT /run/embark/media/vda/boot/a-tampered.itb: refused: "
             r"/images/kernel/hash-1: sha256 of the image data does not match"),
            ("good FIT verified with the keyring's key",
             r"FIT /run/embark/media/vda/boot/b-good.itb: configuration 'conf-1' verified, "
             r"signed by fw"),
            ("signed bootargs used as the command line",
             r"kexec_file_load: FIT kernel 'kernel' \(\d+ bytes\), 1 ramdisk, cmdline \""
             + BOOTARGS.replace(".", r"\.") + '"'),
            ("target runs with exactly the signed command line",
             r"EMBARK-TARGET-CMDLINE\[" + BOOTARGS.replace(".", r"\.") + r"\]"),
        ]
        for name, pattern in checks:
            ok, why = expect_lines(con, [pattern])
            tap(ok, name, why)


if __name__ == "__main__":
    sys.exit(run([test_signed_fit]))
