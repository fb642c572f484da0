#!/usr/bin/env python3
"""`embark segments` (the kexec_load planner and validator) against the real thing.

1. kexec-tools (Debian's, `kexec -d -c -l`) plans the same kernel, initrd and command line on
   this machine. kexec -d prints its segment list before it calls kexec_load; the call itself
   is made to fail (CAP_SYS_BOOT is dropped from the bounding set with setpriv, so kexec_load
   returns EPERM, or ENOSYS where the kernel has no kexec), so nothing is ever loaded.
   What must agree: the flags (KEXEC_ARCH_X86_64), the kernel segment (the bzImage after its
   setup sectors as bufsz, init_size page-aligned as memsz, at kernel_alignment), the initrd
   segment (its bytes, page-aligned), a parameters segment holding boot_params and the
   command line, an entry point inside a segment, and both lists pass embark's validator.
   What differs, on purpose:
   - placement: kexec-tools puts everything at the top of RAM, above 4 GiB when the kernel
     allows it; embark puts the kernel at pref_address (16 MiB, where the kernel would move
     itself anyway) and the rest top-down below 4 GiB (initrd below initrd_addr_max), which
     also works for kernels without XLF_CAN_BE_LOADED_ABOVE_4G;
   - kexec-tools adds a fifth, 0x30-byte segment at 1 MiB for its own use; the boot protocol
     needs nothing there, embark has 4 segments (3 without an initrd);
   - the purgatories differ (kexec-tools' is a relocatable ELF with its own console code and
     stack, placed and relocated by kexec-tools; embark's is a position-independent flat
     image of about 7 KiB), and so do the parameter segments' sizes (kexec-tools reserves
     room for its purgatory's command line and EDD/EFI data; embark appends setup_data nodes:
     the RNG seed, and e820 entries past 128).
2. The validator through the CLI: exit codes, the errno name first, --memmap/--ram-bytes/
   --crash-region; the planner's --json output checked back with --check.
TAP output. Uses $B/embark (the musl product) and $B/kernel/vmlinuz.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import skip, tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
B = os.path.join(REPO, os.environ.get("B", "build"))
EMBARK = os.path.join(B, "embark")
KERNEL = os.path.join(B, "kernel", "vmlinuz")
INITRD = os.path.join(B, "tests", "target-initramfs.cpio")
WORK = os.path.join(B, "tests", "segments")
CMDLINE = "console=ttyS0,115200 panic=-1 embark.compare=kexec-tools"


def embark(*args):
    return subprocess.run([EMBARK, "segments", *args], capture_output=True, text=True)


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def memmap_dir(name, entries):
    """A directory laid out like /sys/firmware/memmap."""
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    for i, (start, last, kind) in enumerate(entries):
        os.makedirs(os.path.join(d, str(i)))
        for f, v in (("start", hex(start)), ("end", hex(last)), ("type", kind)):
            with open(os.path.join(d, str(i), f), "w") as fp:
                fp.write(v + "\n")
    return d


def kernel_facts():
    with open(KERNEL, "rb") as f:
        head = f.read(0x270)
    setup_sects = head[0x1f1] or 4
    return {
        "size": os.path.getsize(KERNEL),
        "setup_bytes": (setup_sects + 1) * 512,
        "init_size": struct.unpack_from("<I", head, 0x260)[0],
        "alignment": struct.unpack_from("<I", head, 0x230)[0],
    }


def page_up(v):
    return (v + 4095) & ~4095


def kexec_tools_plan():
    """kexec-tools' segment list, or (None, why)."""
    kexec = shutil.which("kexec") or ("/usr/sbin/kexec" if os.path.exists("/usr/sbin/kexec")
                                      else None)
    if not kexec:
        return None, "kexec-tools is not installed (make deps installs it)"
    cmd = [kexec, "-d", "-c", "-l", f"--initrd={INITRD}", f"--command-line={CMDLINE}", KERNEL]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            return None, "running as root without setpriv: kexec could really load"
        cmd = ["setpriv", "--bounding-set", "-sys_boot", "--inh-caps", "-sys_boot", "--"] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    out = r.stdout + r.stderr
    if r.returncode == 0:
        return None, "kexec -l succeeded: it must not be able to load here"
    m = re.search(r"kexec_load: entry = (0x[0-9a-f]+) flags = (0x[0-9a-f]+)\s*\n"
                  r"nr_segments = (\d+)\n", out)
    if not m:
        return None, "no segment list in kexec -d output:\n" + out[-800:]
    plan = {"entry": int(m[1], 16), "flags": int(m[2], 16), "segments": []}
    for i in range(int(m[3])):
        seg = {}
        for k in ("bufsz", "mem", "memsz"):
            mm = re.search(rf"segment\[{i}\]\.{k}\s*= (0x[0-9a-f]+)", out[m.end():])
            if not mm:
                return None, f"segment {i} {k} missing in kexec -d output"
            seg[k] = int(mm[1], 16)
        plan["segments"].append(seg)
    return plan, ""


def embark_plan(*extra):
    r = embark("--kernel", KERNEL, "--initrd", INITRD, "--cmdline", CMDLINE, "--json", *extra)
    if r.returncode != 0:
        return None, r.stderr
    p = json.loads(r.stdout)
    p["entry"] = int(p["entry"], 16)
    p["flags"] = int(p["flags"], 16)
    for s in p["segments"]:
        for k in ("mem", "memsz", "bufsz"):
            s[k] = int(s[k], 16)
    return p, ""


def as_json(plan):
    return json.dumps({"entry": plan["entry"], "flags": plan["flags"],
                       "segments": [{k: s[k] for k in ("mem", "memsz", "bufsz")}
                                    for s in plan["segments"]]})


def entry_inside(plan):
    return any(s["mem"] <= plan["entry"] < s["mem"] + s["memsz"] for s in plan["segments"])


def test_compare_with_kexec_tools():
    k = kernel_facts()
    ours, why = embark_plan()
    tap(ours is not None, "embark plans the Debian kernel on this machine", why)
    theirs, why = kexec_tools_plan()
    if theirs is None:
        skip("compare with kexec -d -c -l", why)
        return
    if ours is None:
        return
    tap(ours["flags"] == theirs["flags"] == 0x3e0000,
        "flags agree: KEXEC_ARCH_X86_64 (0x3e0000)", f"{ours['flags']:#x} {theirs['flags']:#x}")
    want_kernel = k["size"] - k["setup_bytes"]
    ok_k = [s for s in theirs["segments"] if s["bufsz"] == want_kernel]
    mine = [s for s in ours["segments"] if s["role"] == "kernel"]
    tap(len(ok_k) == 1 and len(mine) == 1 and mine[0]["bufsz"] == ok_k[0]["bufsz"] and
        mine[0]["memsz"] == ok_k[0]["memsz"] == page_up(k["init_size"]) and
        mine[0]["mem"] % k["alignment"] == 0 and ok_k[0]["mem"] % k["alignment"] == 0,
        "kernel segment agrees: bytes after the setup sectors, init_size, kernel_alignment",
        f"ours {mine} theirs {ok_k}")
    isz = os.path.getsize(INITRD)
    ok_i = [s for s in theirs["segments"] if s["bufsz"] == isz]
    mine_i = [s for s in ours["segments"] if s["role"] == "initrd"]
    tap(len(ok_i) == 1 and len(mine_i) == 1 and mine_i[0]["memsz"] == ok_i[0]["memsz"] ==
        page_up(isz), "initrd segment agrees: its bytes, page-aligned", f"{mine_i} {ok_i}")
    need = 4096 + len(CMDLINE) + 1
    tap(any(s["bufsz"] >= need for s in theirs["segments"] if s not in ok_k + ok_i) and
        [s for s in ours["segments"] if s["role"] == "bootparams"][0]["bufsz"] >= need,
        "both carry boot_params and the command line in a parameters segment")
    tap(entry_inside(ours) and entry_inside(theirs),
        "both enter a purgatory inside their own segments")
    tap(len(theirs["segments"]) == len(ours["segments"]) + 1,
        "kexec-tools has one segment more (its 0x30 bytes at 1 MiB)",
        f"{len(theirs['segments'])} against {len(ours['segments'])}")
    r = embark("--check", write("kexec-tools.json", as_json(theirs)))
    tap(r.returncode == 0 and r.stdout.strip() == "OK",
        "kexec-tools' segment list passes embark's validator", r.stdout + r.stderr)
    r = embark("--check", write("embark.json", as_json(ours)))
    tap(r.returncode == 0 and r.stdout.strip() == "OK",
        "embark's own segment list passes it too", r.stdout + r.stderr)
    top = max(s["mem"] + s["memsz"] for s in ours["segments"])
    tap(top <= 1 << 32, "embark keeps every segment below 4 GiB", hex(top))


QEMU_MAP = [(0x0, 0x9fbff, "System RAM"), (0x9fc00, 0x9ffff, "Reserved"),
            (0xf0000, 0xfffff, "Reserved"), (0x100000, 0x3ffdffff, "System RAM"),
            (0x3ffe0000, 0x3fffffff, "Reserved"), (0xfeffc000, 0xfeffffff, "Reserved")]


def test_planner_cli():
    mm = memmap_dir("memmap-qemu", QEMU_MAP)
    p, why = embark_plan("--memmap", mm)
    tap(p is not None and [s["role"] for s in p["segments"]] ==
        ["kernel", "initrd", "bootparams", "purgatory"],
        "--json: kernel, initrd, bootparams, purgatory, with roles", why)
    if p:
        tap(all(s["mem"] >= 0x100000 and s["mem"] + s["memsz"] <= 0x3ffe0000 and
                s["mem"] % 4096 == 0 and s["memsz"] % 4096 == 0 for s in p["segments"]),
            "--memmap: every segment page-aligned inside the map's RAM",
            json.dumps(p["segments"]))
        tap(p["entry"] == p["segments"][3]["mem"], "the entry point is the purgatory's start")
    r = subprocess.run([EMBARK, "segments", "--kernel", KERNEL, "--initrd", INITRD, "--json",
                        "--memmap", mm], capture_output=True, text=True)
    plan = write("planned.json", r.stdout)
    r = embark("--check", plan, "--memmap", mm)
    tap(r.returncode == 0 and r.stdout == "OK\n", "the planner's JSON checks OK against the "
        "same map", r.stdout + r.stderr)
    r = embark("--kernel", INITRD, "--memmap", mm)
    tap(r.returncode == 1 and "ENOEXEC" in r.stderr and "0x1fe" in r.stderr,
        "a file that is no bzImage: exit 1, the field named", r.stderr)
    r = embark("--kernel", KERNEL, "--cmdline", "x" * 2100, "--memmap", mm)
    tap(r.returncode == 1 and "cmdline_size" in r.stderr, "a command line over cmdline_size: "
        "exit 1", r.stderr)
    tiny = memmap_dir("memmap-tiny", [(0x100000, 0x2ffffff, "System RAM")])
    r = embark("--kernel", KERNEL, "--memmap", tiny)
    tap(r.returncode == 1 and "ENOMEM" in r.stderr and "kernel: no free RAM" in r.stderr,
        "too little RAM in the map: exit 1, says what did not fit", r.stderr)
    r = embark("--kernel", KERNEL, "--check", plan)
    tap(r.returncode == 2 and "either --kernel or --check" in r.stderr, "usage errors: exit 2",
        r.stderr)


def test_check_cli():
    mm = memmap_dir("memmap-check", QEMU_MAP)
    seg = lambda mem, memsz, bufsz=0: {"mem": hex(mem), "memsz": hex(memsz), "bufsz": hex(bufsz)}  # noqa: E731
    cases = [
        ("unaligned mem", {"entry": 0x1000000, "segments": [
            seg(0x1000000, 0x1000), seg(0x2000000, 0x1000), seg(0x1001, 0x1000)]},
         [], 1, "EADDRNOTAVAIL: segment 2 mem 0x1001 is not page aligned"),
        ("over half of --ram-bytes", {"entry": 0x1000000, "segments": [
            seg(0x1000000, 0x10000000)]}, ["--ram-bytes", str(256 << 20)], 1,
         "EINVAL: segment 0 memsz 0x10000000 (65536 pages) is more than half of RAM"),
        ("outside System RAM of --memmap", {"entry": 0x3ffdf000, "segments": [
            seg(0x3ffdf000, 0x2000)]}, [], 1, "EADDRNOTAVAIL: segment 0 (0x3ffdf000-0x3ffe1000)"
         " is not all System RAM"),
        ("crash segments inside --crash-region", {"entry": 0x20000000, "flags": 1, "segments": [
            seg(0x20000000, 0x1000)]}, ["--crash-region", "20000000-27ffffff"], 0, "OK"),
        ("crash segments outside it", {"entry": 0x20000000, "flags": 1, "segments": [
            seg(0x20000000, 0x1000), seg(0x30000000, 0x1000)]},
         ["--crash-region", "0x20000000-0x27ffffff"], 1, "EADDRNOTAVAIL: segment 1"),
        ("bad flags", {"entry": 0x1000000, "flags": 0x100, "segments": [
            seg(0x1000000, 0x1000)]}, [], 1, "EINVAL: flags 0x100"),
    ]
    for name, plan, extra, code, says in cases:
        r = embark("--check", write("case.json", json.dumps(plan)), "--memmap", mm, *extra)
        tap(r.returncode == code and r.stdout.startswith(says),
            f"--check {name}: exit {code}, '{says[:40]}...'", r.stdout + r.stderr)
    r = embark("--check", write("bad.json", '{"entry": 1, "segments": [{"mem": 01}]}'))
    tap(r.returncode == 1 and "offset" in r.stderr and "leading zeros" in r.stderr,
        "--check on malformed JSON: exit 1, the byte offset named", r.stderr)
    r = embark("--check", os.path.join(WORK, "missing.json"))
    tap(r.returncode == 2 and "ENOENT" in r.stderr, "--check on a missing file: exit 2",
        r.stderr)
    r = embark("--check", write("c.json", "{}"), "--crash-region", "nonsense")
    tap(r.returncode in (1, 2), "--crash-region nonsense is refused", r.stderr)


def main():
    os.makedirs(WORK, exist_ok=True)
    missing = [p for p in (EMBARK, KERNEL, INITRD) if not os.path.exists(p)]
    if missing:
        tap(False, "fixtures present", f"missing {missing}: run 'make check'")
        return 1
    for t in (test_compare_with_kexec_tools, test_planner_cli, test_check_cli):
        try:
            t()
        except Exception as e:  # a broken fixture is a failed test, not a crashed suite
            tap(False, f"{t.__name__} raised {type(e).__name__}", e)
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
