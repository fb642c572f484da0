#!/usr/bin/env python3
"""Self-test of tools/embark-qemu and tools/serial_console.py; TAP output, one line a check.

Needs neither the embark build nor a board: the boot checks use a Debian kernel
($EMBARK_TEST_KERNEL, else build/kernel/vmlinuz from 'tools/deps.sh kernel build/kernel',
else a readable /boot/vmlinuz-*) and a tiny initramfs built here whose static /init prints
HELLO-FROM-INIT and powers off. They are skipped when there is no kernel, no QEMU or no C
compiler that links statically. Exit status 0 unless a check failed.

    python3 tests/tools/test_embark_qemu.py
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(REPO, "tools")
TOOL = os.path.join(TOOLS, "embark-qemu")
sys.path.insert(0, TOOLS)
import serial_console as sc  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import skip, tap  # noqa: E402

INIT_C = r"""
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

/* Kernel command-line words without '=' or '.' reach /init as arguments. */
int main(int argc, char **argv)
{
	int hang = 0, echo = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "test-hang")) hang = 1;
		if (!strcmp(argv[i], "test-echo")) echo = 1;
	}
	if (fcntl(1, F_GETFD) < 0) { /* no /dev/console in the initramfs: make one */
		mkdir("/dev", 0755);
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0) { dup2(fd, 0); dup2(fd, 1); dup2(fd, 2); }
	}
	printf("HELLO-FROM-INIT\n");
	fflush(stdout);
	if (echo) {
		char line[256];
		if (fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\r\n")] = 0;
			printf("ECHO:[%s]\n", line);
			fflush(stdout);
		}
	}
	if (hang)
		for (;;) pause();
	sync();
	reboot(RB_POWER_OFF);
	return 1;
}
"""


def run_tool(args, env=None, tool=TOOL, timeout=180):
    t = time.monotonic()
    p = subprocess.run([sys.executable, tool] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=timeout)
    p.elapsed = time.monotonic() - t
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


def diag(p):
    return "exit %d after %.1f s\nstderr:\n%s\nstdout tail:\n%s" % (
        p.returncode, p.elapsed, p.err, p.out[-1500:])


def find_kernel():
    env = os.environ.get("EMBARK_TEST_KERNEL")
    cands = [env] if env else []
    cands.append(os.path.join(REPO, "build", "kernel", "vmlinuz"))
    cands += sorted(glob.glob("/boot/vmlinuz-*"), reverse=True)
    for k in cands:
        if k and os.path.isfile(k) and os.access(k, os.R_OK):
            return k
    return None


def build_initrd(tmp):
    """Static /init packed with cpio -H newc; returns (path, None) or (None, why not)."""
    if not shutil.which("cpio"):
        return None, "no cpio"
    src = os.path.join(tmp, "init.c")
    with open(src, "w") as f:
        f.write(INIT_C)
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    init = os.path.join(root, "init")
    errors = []
    for cc in ("musl-gcc", "gcc", "cc"):
        if not shutil.which(cc):
            continue
        r = subprocess.run([cc, "-static", "-Os", "-o", init, src], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if r.returncode == 0:
            break
        errors.append("%s: %s" % (cc, r.stdout.decode(errors="replace").strip()[-200:]))
    else:
        return None, "no C compiler links statically (%s)" % ("; ".join(errors) or "none found")
    cpio = os.path.join(tmp, "initramfs.cpio")
    with open(cpio, "wb") as out:
        r = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                           input=b"init\n", stdout=out, stderr=subprocess.PIPE)
    if r.returncode != 0:
        return None, "cpio failed: %s" % r.stderr.decode(errors="replace")
    return cpio, None


def fake_repo(tmp, cmdline=None):
    """A copy of the tool in a repo of its own with one empty board: default paths are
    under tmp, whatever the real tree has built."""
    root = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(root, "tools"))
    os.makedirs(os.path.join(root, "board", "qemu-x86_64"))
    for f in ("embark-qemu", "serial_console.py"):
        shutil.copy2(os.path.join(TOOLS, f), os.path.join(root, "tools", f))
    if cmdline is not None:
        with open(os.path.join(root, "board", "qemu-x86_64", "cmdline"), "w") as f:
            f.write(cmdline)
    return root


def static_checks(tmp):
    run = run_tool
    p = run(["--help"])
    tap(p.returncode == 0 and "--expect REGEX" in p.out and "exit status" in p.out,
        "--help exits 0 and shows the usage", diag(p))

    p = run(["--no-such-option"])
    tap(p.returncode == 2 and "usage:" in p.err, "unknown option: exit 2 with the usage", diag(p))

    p = run(["--memory", "lots"])
    tap(p.returncode == 2, "--memory lots: exit 2", diag(p))

    p = run(["--expect", "(unclosed", "--kernel", "/dev/null"])
    tap(p.returncode == 2 and "regex" in p.err, "bad --expect regex: exit 2", diag(p))

    p = run(["--board", "no-such-board"])
    tap(p.returncode == 2 and "no-such-board" in p.err, "unknown --board: exit 2", diag(p))

    missing = os.path.join(tmp, "missing-vmlinuz")
    p = run(["--kernel", missing, "--initrd", ""])
    tap(p.returncode == 2 and missing in p.err and "kernel" in p.err,
        "missing --kernel: exit 2 naming the file", diag(p))

    root = fake_repo(tmp)
    p = run([], tool=os.path.join(root, "tools", "embark-qemu"))
    tap(p.returncode == 2 and "build/qemu-x86_64/vmlinuz" in p.err and "make" in p.err,
        "missing default kernel: exit 2 telling to run make", diag(p))

    kernel = os.path.join(tmp, "fake-vmlinuz")
    with open(kernel, "wb") as f:
        f.write(b"not a kernel")
    p = run(["--kernel", kernel, "--initrd", os.path.join(tmp, "missing-initrd")])
    tap(p.returncode == 2 and "missing-initrd" in p.err, "missing --initrd: exit 2", diag(p))

    p = run(["--kernel", kernel, "--initrd", "", "--disk", os.path.join(tmp, "missing.img")])
    tap(p.returncode == 2 and "missing.img" in p.err, "missing --disk: exit 2", diag(p))

    env = dict(os.environ, EMBARK_QEMU=os.path.join(tmp, "no-qemu-here"))
    p = run(["--kernel", kernel, "--initrd", ""], env=env)
    tap(p.returncode == 2 and "make deps" in p.err, "missing QEMU: exit 2 telling to run make deps",
        diag(p))

    # The command line as built by the shared module: board cmdline + --append, TCG only.
    root2 = fake_repo(os.path.join(tmp, "b"), cmdline="console=ttyS0 loglevel=4\n")
    cfg = sc.boot_config("qemu-x86_64", kernel, "", "quiet", [kernel], root=root2)
    argv = sc.qemu_command(cfg["kernel"], cfg["initrd"], cfg["cmdline"], ["/x,y.img"])
    s = " ".join(argv)
    ok = (cfg["cmdline"] == "console=ttyS0 loglevel=4 quiet"
          and sc.board_cmdline("qemu-x86_64", root) == "console=ttyS0"
          and "-accel tcg" in s and "kvm" not in s and "-no-reboot" in s
          and "-monitor none" in s and "-nic none" in s and "-initrd" not in argv
          and "file=/x,,y.img,if=virtio,format=raw,readonly=off,snapshot=on" in argv)
    tap(ok, "QEMU command: board cmdline + --append, TCG, no monitor, snapshot disks", s)


BOOT_CMDLINE = "console=ttyS0 loglevel=7"


def boot_checks(tmp, kernel, initrd):
    # The tool runs from a copy whose board cmdline is ours, whatever the real board's says.
    root = fake_repo(os.path.join(tmp, "boot"), cmdline=BOOT_CMDLINE + "\n")
    tool = os.path.join(root, "tools", "embark-qemu")

    def run(args, **kw):
        return run_tool(args, tool=tool, **kw)

    base = ["--kernel", kernel, "--initrd", initrd]

    p = run(base + ["--expect", "HELLO-FROM-INIT"])
    tap(p.returncode == 0 and "HELLO-FROM-INIT" in p.out
        and "Command line: %s\r" % BOOT_CMDLINE in p.out
        and re.search(r"embark-qemu: matched 'HELLO-FROM-INIT' after \d+\.\d s", p.err),
        "--expect HELLO-FROM-INIT: exit 0 (%.1f s)" % p.elapsed, diag(p))

    p = run(base + ["--expect", "NEVER-PRINTED", "--timeout", "20"])
    tap(p.returncode == 1 and "'NEVER-PRINTED' not seen: QEMU exited with code 0" in p.err,
        "--expect NEVER-PRINTED --timeout 20, guest powers off: exit 1 (%.1f s)" % p.elapsed,
        diag(p))

    p = run(base + ["--append", "test-hang", "--expect", "NEVER-PRINTED", "--timeout", "20",
                    "--quiet"])
    tap(p.returncode == 1 and "'NEVER-PRINTED' not seen: timeout after 20 s" in p.err
        and 19.5 < p.elapsed < 30 and p.out == "",
        "--expect NEVER-PRINTED --timeout 20, guest hangs: exit 1 on timeout (%.1f s)"
        % p.elapsed, diag(p))

    p = run(base)
    tap(p.returncode == 0 and "QEMU exited with code 0" in p.err,
        "no --expect: exit 0 when the guest powers off (%.1f s)" % p.elapsed, diag(p))

    p = run(base + ["--expect", "HELLO-FROM-INIT", "--expect", "Linux version"])
    tap(p.returncode == 1 and "'Linux version' not seen" in p.err,
        "several --expect must appear in order (%.1f s)" % p.elapsed, diag(p))

    p = run(base + ["--append", "test-hang", "--fail", "HELLO-FROM", "--expect", "NEVER"])
    tap(p.returncode == 1 and "failure pattern 'HELLO-FROM'" in p.err and p.elapsed < 60,
        "--fail: exit 1 as soon as it appears (%.1f s)" % p.elapsed, diag(p))

    log = os.path.join(tmp, "console.log")
    p = run(base + ["--quiet", "--log", log, "--append", "test-echo", "--expect", "Run /init",
                    "--expect", "HELLO"])
    with open(log, "rb") as f:
        logged = f.read()
    tap(p.returncode == 0 and p.out == "" and b"Linux version" in logged
        and b"Command line: %s test-echo\r" % BOOT_CMDLINE.encode() in logged
        and b"HELLO-FROM-INIT" in logged,
        "--quiet --log --append: nothing on stdout, the console in the log (%.1f s)" % p.elapsed,
        diag(p))

    img = os.path.join(tmp, "disk.img")
    with open(img, "wb") as f:
        f.write(b"\0" * (1 << 20))
    before = hashlib.sha256(open(img, "rb").read()).hexdigest()
    p = run(base + ["--disk", img, "--disk", img, "--expect", "HELLO-FROM-INIT"])
    after = hashlib.sha256(open(img, "rb").read()).hexdigest()
    tap(p.returncode == 0 and before == after,
        "--disk twice: boots, image untouched (%.1f s)" % p.elapsed, diag(p))

    # The module, as later tests use it: wait, type, wait, power off.
    t = time.monotonic()
    try:
        with sc.SerialConsole(kernel, initrd, BOOT_CMDLINE + " test-echo",
                              stderr=False) as con:
            con.wait_for(r"HELLO-FROM-INIT", timeout=60)
            con.send("ping\r")
            m = con.wait_for(r"ECHO:\[(\w+)\]", timeout=20)
            code = con.wait_exit(timeout=20)
        ok, why = (m.group(1) == "ping" and code == 0), "got %r, exit %r" % (m.group(0), code)
    except sc.ConsoleError as e:
        ok, why = False, str(e)
    tap(ok, "SerialConsole: wait_for, send, wait_exit (%.1f s)" % (time.monotonic() - t), why)

    t = time.monotonic()
    try:
        with sc.SerialConsole(kernel, initrd, BOOT_CMDLINE + " test-hang",
                              stderr=False) as con:
            con.wait_for("HELLO-FROM-INIT", timeout=60)
            try:
                con.wait_for("NEVER", timeout=2)
                ok, why = False, "NEVER matched"
            except sc.ConsoleTimeout as e:
                ok, why = "timeout after 2 s" in str(e), str(e)
            rc = con.close()
            ok = ok and con.returncode is not None and time.monotonic() - t < 60
            why += "; close() -> %r" % rc
    except sc.ConsoleError as e:
        ok, why = False, str(e)
    tap(ok, "SerialConsole: ConsoleTimeout, close() stops a running guest (%.1f s)"
        % (time.monotonic() - t), why)


def tty_check(kernel, initrd):
    """On a terminal: keys reach the guest, Ctrl-C stops QEMU and restores the mode."""
    import pty
    import select
    import termios
    t = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.executable, [sys.executable, TOOL, "--board", "qemu-x86_64",
                                  "--kernel", kernel, "--initrd", initrd, "--append",
                                  "console=ttyS0 test-echo test-hang", "--timeout", "100"])
    buf = b""

    def until(pat, secs):
        nonlocal buf
        end = time.monotonic() + secs
        while pat not in buf and time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                buf += data
        return pat in buf

    before = termios.tcgetattr(fd)
    steps = [until(b"HELLO-FROM-INIT", 90)]
    os.write(fd, b"ping\r")
    steps.append(until(b"ECHO:[ping]", 30))
    os.write(fd, b"\x03")
    steps.append(until(b"interrupted by SIGINT", 30))
    end = time.monotonic() + 15
    status = None
    while time.monotonic() < end:
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid:
            status = os.waitstatus_to_exitcode(st)
            break
        time.sleep(0.1)
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    restored = termios.tcgetattr(fd) == before
    os.close(fd)
    tap(all(steps) and status == 130 and restored,
        "terminal: typed keys reach the guest, Ctrl-C stops QEMU, exit 130, mode restored "
        "(%.1f s)" % (time.monotonic() - t),
        "steps %r exit %r restored %r\n%s" % (steps, status, restored,
                                              buf[-800:].decode(errors="replace")))


def main():
    print("TAP version 13")
    with tempfile.TemporaryDirectory(prefix="embark-qemu-test.") as tmp:
        static_checks(tmp)
        boot_names = ["--expect HELLO-FROM-INIT: exit 0",
                      "--expect NEVER-PRINTED --timeout 20, guest powers off: exit 1",
                      "--expect NEVER-PRINTED --timeout 20, guest hangs: exit 1 on timeout",
                      "no --expect: exit 0 when the guest powers off",
                      "several --expect must appear in order",
                      "--fail: exit 1 as soon as it appears",
                      "--quiet --log --append",
                      "--disk twice: boots, image untouched",
                      "SerialConsole: wait_for, send, wait_exit",
                      "SerialConsole: ConsoleTimeout, close()",
                      "terminal: keys, Ctrl-C"]
        kernel = find_kernel()
        why = None
        if not kernel:
            why = "no kernel (run 'tools/deps.sh kernel build/kernel' or set EMBARK_TEST_KERNEL)"
        else:
            try:
                sc.find_qemu()
            except sc.SetupError as e:
                why = str(e)
        initrd = None
        if not why:
            initrd, why = build_initrd(tmp)
        if why:
            for name in boot_names:
                skip(name, why)
        else:
            # A copy: build/kernel may be extracted anew while the checks run.
            print("# kernel %s" % kernel)
            shutil.copyfile(kernel, os.path.join(tmp, "vmlinuz"))
            kernel = os.path.join(tmp, "vmlinuz")
            boot_checks(tmp, kernel, initrd)
            tty_check(kernel, initrd)
    tap.plan()
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
