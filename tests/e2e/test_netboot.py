#!/usr/bin/env python3
"""End-to-end: network boot entries, QEMU against dnsmasq, all inside one network namespace.

  namespace embark-nb-PID: tap ebk-nb-PID 10.99.0.1/24, dnsmasq (DHCP + TFTP, bound to the tap
  only), a Python HTTP server on 10.99.0.1:8080, and QEMU itself (a wrapper runs it with
  `ip netns exec`), whose virtio NIC is that tap. Nothing leaves the namespace.

Scenarios: pxelinux.cfg/01-<MAC> over TFTP boots the target with its APPEND; another MAC gets
pxelinux.cfg/default; a signed FIT as the HTTP bootfile is verified and booted (board initramfs
rebuilt with the keyring), a tampered one is refused with the rule named; no DHCP server: the
DHCP timeout is logged and the disk entry boots. Needs root, ip, dnsmasq, mkimage (else the
scenario fails, saying what is missing). TAP output.
"""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_lib import (KERNEL, TARGET_INITRD, WORK, expect_lines,  # noqa: E402
                     initramfs_with_keyring, mkbootdisk, run, sc, tap, text_file)
from e2e_lib import boot as e2e_boot  # noqa: E402

NS = f"embark-nb-{os.getpid()}"
TAP = f"ebk-nb-{os.getpid() % 100000}"
ROOT = os.path.join(WORK, "netboot")
TFTP = os.path.join(ROOT, "tftp")
HTTP = os.path.join(ROOT, "http")
MAC_PXE = "52:54:00:99:00:07"
MAC_DEFAULT = "52:54:00:99:00:08"
MAC_FIT = "52:54:00:99:00:09"
MAC_TAMPERED = "52:54:00:99:00:0a"
MAC_IPXE = "52:54:00:99:00:0b"
MAC_DEAD = "52:54:00:99:00:0c"
BASE = "console=ttyS0,115200 panic=-1 quiet"
PXE_APPEND = BASE + " embark.e2e=pxe-mac"
DEFAULT_APPEND = BASE + " embark.e2e=pxe-default"
FIT_BOOTARGS = BASE + " embark.e2e=net-fit"
IPXE_SCRIPT = """#!ipxe
dhcp
set base http://${next-server}:8080
menu Network boot
item --gap Systems
item other Other entry
item target Target over HTTP
choose --default target sel || exit
goto ${sel}
:target
kernel ${base}/vmlinuz %s embark.e2e=ipxe ip=${net0/ip}
initrd target.cpio
boot
:other
isset ${nothing} || kernel tftp://${next-server}/vmlinuz other=1
boot
""" % BASE
FALLBACK_APPEND = BASE + " embark.e2e=net-fallback"
DEAD_SCRIPT = """#!ipxe
menu Dead server first
item dead Dead server
item good Good server
choose --default dead sel
goto ${sel}
:dead
kernel http://10.99.0.2:8080/vmlinuz
boot
:good
kernel http://10.99.0.1:8080/vmlinuz %s
initrd http://10.99.0.1:8080/target.cpio
boot
""" % FALLBACK_APPEND
NET = "embark.network=on embark.network_timeout=8 embark.device_timeout=1"


def sh(*argv, check=True, cwd=None):
    r = subprocess.run(list(argv), capture_output=True, text=True, cwd=cwd, timeout=120)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


def qemu_wrapper():
    path = os.path.join(ROOT, "qemu-in-ns")
    with open(path, "w") as f:
        f.write(f"#!/bin/sh\nexec ip netns exec {NS} {sc.find_qemu()} \"$@\"\n")
    os.chmod(path, 0o755)
    return path


def nic(mac):
    return f"tap,ifname={TAP},script=no,downscript=no,model=virtio-net-pci,mac={mac}"


def fixtures():
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(os.path.join(TFTP, "pxelinux.cfg"))
    os.makedirs(HTTP)
    shutil.copy(KERNEL, os.path.join(TFTP, "vmlinuz"))
    shutil.copy(TARGET_INITRD, os.path.join(TFTP, "target.cpio"))
    os.link(os.path.join(TFTP, "vmlinuz"), os.path.join(HTTP, "vmlinuz"))
    os.link(os.path.join(TFTP, "target.cpio"), os.path.join(HTTP, "target.cpio"))
    with open(os.path.join(HTTP, "boot.ipxe"), "w") as f:
        f.write(IPXE_SCRIPT)
    with open(os.path.join(HTTP, "dead.ipxe"), "w") as f:
        f.write(DEAD_SCRIPT)
    with open(os.path.join(TFTP, "pxelinux.0"), "wb") as f:
        f.write(b"\xfa\x31\xc0 not a real pxelinux.0")
    with open(os.path.join(TFTP, "pxelinux.cfg", "01-" + MAC_PXE.replace(":", "-")), "w") as f:
        f.write(f"DEFAULT netmac\nLABEL netmac\n  MENU LABEL PXE by MAC\n  KERNEL vmlinuz\n"
                f"  INITRD target.cpio\n  APPEND {PXE_APPEND}\n")
    with open(os.path.join(TFTP, "pxelinux.cfg", "default"), "w") as f:
        f.write(f"DEFAULT second\nLABEL first\n  KERNEL vmlinuz\n  APPEND {BASE} wrong=1\n"
                f"LABEL second\n  MENU LABEL PXE default\n  KERNEL /vmlinuz\n"
                f"  INITRD ::target.cpio\n  APPEND {DEFAULT_APPEND}\n")


def setup():
    sh("ip", "netns", "add", NS)
    sh("ip", "-n", NS, "tuntap", "add", "dev", TAP, "mode", "tap")
    sh("ip", "-n", NS, "addr", "add", "10.99.0.1/24", "dev", TAP)
    sh("ip", "-n", NS, "link", "set", TAP, "up")
    sh("ip", "-n", NS, "link", "set", "lo", "up")


def start_dnsmasq():
    log = os.path.join(ROOT, "dnsmasq.log")
    argv = ["ip", "netns", "exec", NS, "/usr/sbin/dnsmasq", "--no-daemon",
            "--conf-file=/dev/null", f"--interface={TAP}", "--bind-interfaces",
            "--except-interface=lo", "--port=0", "--no-resolv", "--no-hosts", "--no-ping",
            "--user=root", "--pid-file=", f"--dhcp-leasefile={os.path.join(ROOT, 'leases')}",
            f"--log-facility={log}", "--log-dhcp", "--enable-tftp", f"--tftp-root={TFTP}",
            "--dhcp-range=10.99.0.50,10.99.0.99,255.255.255.0,1h",
            f"--dhcp-host={MAC_FIT},set:fit", f"--dhcp-host={MAC_TAMPERED},set:tampered",
            f"--dhcp-host={MAC_IPXE},set:ipxe", f"--dhcp-host={MAC_DEAD},set:dead",
            "--dhcp-boot=tag:dead,http://10.99.0.1:8080/dead.ipxe,,10.99.0.1",
            "--dhcp-boot=tag:ipxe,http://10.99.0.1:8080/boot.ipxe,,10.99.0.1",
            "--dhcp-boot=tag:fit,http://10.99.0.1:8080/boot.itb,,10.99.0.1",
            "--dhcp-boot=tag:tampered,http://10.99.0.1:8080/tampered.itb,,10.99.0.1",
            "--dhcp-boot=tag:!fit,tag:!tampered,tag:!ipxe,tag:!dead,pxelinux.0,,10.99.0.1"]
    srv = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if srv.poll() is not None:
            raise RuntimeError(f"dnsmasq exited {srv.returncode}: {srv.stderr.read()}")
        if os.path.exists(log) and "DHCP, IP range" in open(log).read():
            return srv
        time.sleep(0.05)
    raise RuntimeError("dnsmasq did not start within 5 s")


def start_http():
    return subprocess.Popen(["ip", "netns", "exec", NS, sys.executable, "-m", "http.server",
                             "8080", "--bind", "10.99.0.1", "--directory", HTTP],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(p):
    if p and p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def boot(mac, append, log, disks=(), initrd=None):
    return e2e_boot(disks, append=append, log=log, initrd=initrd, nic=nic(mac),
                    qemu=qemu_wrapper())


def cmdline_seen(cmdline):
    return r"EMBARK-TARGET-CMDLINE\[" + cmdline.replace(".", r"\.") + r"\]"


def test_pxe_by_mac():
    with boot(MAC_PXE, NET, "netboot-pxe-mac.log") as con:
        checks = [
            ("DHCP lease on eth0 logged with next-server and bootfile",
             r"eth0: lease 10\.99\.0\.\d+/24 from 10\.99\.0\.1; next-server 10\.99\.0\.1, "
             r"bootfile 'pxelinux\.0'"),
            ("pxelinux.cfg/01-<MAC> fetched over TFTP and parsed",
             r"eth0: tftp://10\.99\.0\.1/pxelinux\.cfg/01-52-54-00-99-00-07: 1 entry"),
            ("the menu groups the entry under its interface", r"\n  eth0:\r?\n"),
            ("the entry is listed", r"1\) PXE by MAC  \[syslinux\]"),
            ("kernel and initrd downloaded and loaded",
             r"kexec_file_load: kernel tftp://10\.99\.0\.1/vmlinuz, 1 initrd"),
            ("the target runs with the APPEND line", cmdline_seen(PXE_APPEND)),
        ]
        for name, pattern in checks:
            ok, why = expect_lines(con, [pattern])
            tap(ok, "pxelinux by MAC: " + name, why)


def test_pxe_default():
    with boot(MAC_DEFAULT, NET, "netboot-pxe-default.log") as con:
        ok, why = expect_lines(con, [r"eth0: tftp://10\.99\.0\.1/pxelinux\.cfg/default: 2 entries",
                                     r"booting 'PXE default'", cmdline_seen(DEFAULT_APPEND)])
        tap(ok, "pxelinux default: its DEFAULT label boots with its APPEND", why)


def test_ipxe_menu():
    with boot(MAC_IPXE, NET, "netboot-ipxe.log") as con:
        checks = [
            ("the HTTP bootfile is run as an iPXE script",
             r"eth0: bootfile http://10\.99\.0\.1:8080/boot\.ipxe is an iPXE script"),
            ("its menu items become entries",
             r"eth0: iPXE menu 'Network boot' from http://10\.99\.0\.1:8080/boot\.ipxe: "
             r"2 of 2 items listed"),
            ("listed under eth0", r"1\) Other entry  \[ipxe\]"),
            ("second item", r"2\) Target over HTTP  \[ipxe\]"),
            ("choose --default is the default", r"booting 'Target over HTTP' in \d+ s"),
            ("kernel over HTTP, initrd resolved against the script URL",
             r"kexec_file_load: kernel http://10\.99\.0\.1:8080/vmlinuz, 1 initrd"),
            ("the target runs with the expanded arguments",
             r"EMBARK-TARGET-CMDLINE\[" + BASE.replace(".", r"\.")
             + r" embark\.e2e=ipxe ip=10\.99\.0\.\d+\]"),
        ]
        for name, pattern in checks:
            ok, why = expect_lines(con, [pattern])
            tap(ok, "iPXE script: " + name, why)


def test_dead_server():
    with boot(MAC_DEAD, NET.replace("network_timeout=8", "network_timeout=4"),
              "netboot-dead.log") as con:
        ok, why = expect_lines(con, [r"booting 'Dead server' in \d+ s",
                                     r"error: entry 'Dead server': .*10\.99\.0\.2",
                                     r"falling back to entry 2 'Good server'",
                                     cmdline_seen(FALLBACK_APPEND)])
        tap(ok, "a dead server: the download times out naming it, the next entry boots", why)


def make_fits():
    d = os.path.join(ROOT, "fit")
    os.makedirs(d)
    sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
       "-out", "fw.key", cwd=d)
    sh("openssl", "req", "-batch", "-new", "-x509", "-key", "fw.key", "-out", "fw.crt",
       "-subj", "/CN=embark-e2e", cwd=d)
    with open(os.path.join(d, "ctl.dts"), "w") as f:
        f.write("/dts-v1/; / { signature { }; };\n")
    sh("dtc", "-I", "dts", "-O", "dtb", "-o", "ctl.dtb", "ctl.dts", cwd=d)
    with open(os.path.join(d, "boot.its"), "w") as f:
        f.write(f"""/dts-v1/;
/ {{
    description = "embark e2e netboot";
    images {{
        kernel {{ data = /incbin/("{KERNEL}"); type = "kernel"; arch = "x86_64"; os = "linux";
                 compression = "none"; hash-1 {{ algo = "sha256"; }}; }};
        initrd {{ data = /incbin/("{TARGET_INITRD}"); type = "ramdisk"; arch = "x86_64";
                 os = "linux"; compression = "none"; hash-1 {{ algo = "sha256"; }}; }};
    }};
    configurations {{
        default = "conf-1";
        conf-1 {{ kernel = "kernel"; ramdisk = "initrd"; bootargs = "{FIT_BOOTARGS}";
                 signature-1 {{ algo = "sha256,rsa2048"; key-name-hint = "fw";
                               sign-images = "kernel", "ramdisk"; }}; }};
    }};
}};
""")
    sh("mkimage", "-E", "-f", "boot.its", "-k", ".", "-K", "ctl.dtb", "-r",
       os.path.join(HTTP, "boot.itb"), cwd=d)
    with open(os.path.join(HTTP, "boot.itb"), "rb") as f:
        blob = bytearray(f.read())
    blob[-os.path.getsize(TARGET_INITRD) - 4096] ^= 0x01
    with open(os.path.join(HTTP, "tampered.itb"), "wb") as f:
        f.write(blob)
    return initramfs_with_keyring(os.path.join(d, "board"), os.path.join(d, "ctl.dtb"))


def test_fit_http():
    initrd = make_fits()
    with boot(MAC_TAMPERED, NET + " embark.fallback=menu", "netboot-fit-tampered.log",
              initrd=initrd) as con:
        ok, why = expect_lines(con, [
            r"eth0: bootfile http://10\.99\.0\.1:8080/tampered\.itb is a FIT",
            r"FIT http://10\.99\.0\.1:8080/tampered\.itb: refused: /images/kernel/hash-1: "
            r"sha256 of the image data does not match",
            r"failed: .*refused"])
        tap(ok, "tampered FIT over HTTP refused with the rule, shown in the menu", why)
    with boot(MAC_FIT, NET, "netboot-fit.log", initrd=initrd) as con:
        checks = [
            ("the HTTP bootfile becomes a FIT entry",
             r"eth0: bootfile http://10\.99\.0\.1:8080/boot\.itb is a FIT"),
            ("verified with the keyring",
             r"FIT http://10\.99\.0\.1:8080/boot\.itb: configuration 'conf-1' verified, "
             r"signed by fw"),
            ("the target runs with the signed bootargs", cmdline_seen(FIT_BOOTARGS)),
        ]
        for name, pattern in checks:
            ok, why = expect_lines(con, [pattern])
            tap(ok, "signed FIT over HTTP: " + name, why)


def test_no_server(dnsmasq):
    stop(dnsmasq)
    disk_append = BASE + " embark.e2e=netboot-disk"
    disk = mkbootdisk("netboot-disk.img", "--label", "NBDISK", "--entry", "disk",
                      "--title", "Disk entry", "--kernel", KERNEL, "--initrd", TARGET_INITRD,
                      "--cmdline", disk_append)
    with boot(MAC_PXE, "embark.network=on embark.network_timeout=3", "netboot-none.log",
              disks=[disk]) as con:
        ok, why = expect_lines(con, [r"network boot: no DHCP lease on any Ethernet interface "
                                     r"within 3 s each", r"booting 'Disk entry'",
                                     cmdline_seen(disk_append)])
        tap(ok, "no DHCP server: the timeout is logged and the disk entry boots", why)


def main():
    if os.geteuid() != 0:
        tap(False, "netboot e2e needs root (network namespace, tap device)")
        return 1
    dnsmasq = http = None
    os.makedirs(WORK, exist_ok=True)
    fixtures()
    try:
        setup()
        dnsmasq = start_dnsmasq()
        http = start_http()
        def test_no_dhcp_server():
            test_no_server(dnsmasq)

        tests = [test_pxe_by_mac, test_pxe_default, test_ipxe_menu, test_dead_server,
                 test_fit_http, test_no_dhcp_server]  # the last stops dnsmasq
        # NETBOOT_ONLY=test_a,test_b runs only those (when debugging one scenario)
        only = os.environ.get("NETBOOT_ONLY", "")
        if only:
            tests = [t for t in tests if t.__name__ in only.split(",")]
        return run(tests)
    finally:
        stop(http)
        stop(dnsmasq)
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
