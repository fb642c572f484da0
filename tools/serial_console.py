"""serial_console — boot a kernel in QEMU and talk to its serial console (ttyS0).

Python 3 standard library only. Used by tools/embark-qemu and by tests, which load it by path:

    sys.path.insert(0, os.path.join(REPO, "tools"))
    import serial_console

    with serial_console.SerialConsole.boot(disks=["disk.img"], append="quiet") as con:
        con.wait_for(r"embark> ", timeout=60)          # returns the re.Match
        con.send("boot 1\\r")                           # bytes to the guest's serial input
        con.wait_for(r"Linux version", timeout=60)
    # leaving the block (or con.close()) stops QEMU: SIGTERM, then SIGKILL after 5 s

What it runs (see qemu_command): qemu-system-x86_64 with TCG (never KVM: /dev/kvm hangs on
these machines), q35, -cpu max, one CPU, no default devices, no display, no monitor, and the
first serial port on QEMU's stdin/stdout, which are pipes: QEMU never touches a terminal.
Disks are virtio-blk, raw, snapshot=on (the image file is never written).

wait_for(regex) searches the console text (UTF-8, undecodable bytes replaced, carriage
returns kept: the kernel writes "\\r\\n") from the end of the previous match, so successive
wait_for calls must match in order. It raises ConsoleTimeout, ConsoleExited or
ConsoleFailure (all ConsoleError) instead of returning None, so a test fails loudly with the
reason and the last console lines in the message.
"""

import codecs
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time

__all__ = [
    "REPO_ROOT", "DEFAULT_BOARD", "DEFAULT_MEMORY_MB", "SetupError", "ConsoleError",
    "ConsoleTimeout", "ConsoleExited", "ConsoleFailure", "board_cmdline", "boot_config",
    "find_qemu", "qemu_command", "SerialConsole",
]

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BOARD = "qemu-x86_64"
DEFAULT_MEMORY_MB = 1024
DEFAULT_CMDLINE = "console=ttyS0"
QEMU_BINARY = "qemu-system-x86_64"
TERM_GRACE_S = 5.0


class SetupError(Exception):
    """Something needed to start QEMU is missing (a file, the QEMU binary). str() says what
    to do about it."""


class ConsoleError(Exception):
    """wait_for / wait_exit did not get what it waited for. Attributes: pattern (the regex
    text or None), elapsed (s since QEMU started), returncode (QEMU's, or None while it runs),
    tail (last console lines), qemu_stderr (what QEMU wrote on stderr, when it exited).
    str() adds QEMU's messages and the console tail to reason (the one-line summary)."""

    def __init__(self, message, pattern=None, elapsed=0.0, returncode=None, tail="",
                 qemu_stderr=""):
        super().__init__(message)
        self.reason = message
        self.pattern = pattern
        self.elapsed = elapsed
        self.returncode = returncode
        self.tail = tail
        self.qemu_stderr = qemu_stderr

    def __str__(self):
        s = self.reason
        if self.qemu_stderr.strip():
            s += "\n--- QEMU said ---\n" + self.qemu_stderr.rstrip("\n")
        if self.tail:
            s += "\n--- last console lines ---\n" + self.tail
        return s


class ConsoleTimeout(ConsoleError):
    """The timeout passed before the pattern appeared."""


class ConsoleExited(ConsoleError):
    """QEMU exited before the pattern appeared, or send() found it gone. (wait_exit does not
    raise it: it returns QEMU's exit code.)"""


class ConsoleFailure(ConsoleError):
    """One of the fail= patterns appeared. Attribute match: its re.Match."""

    match = None


# --- building the command ---------------------------------------------------------------------

def _pattern_text(p):
    return p.pattern if hasattr(p, "pattern") else str(p)


def _compile(p):
    return p if hasattr(p, "search") else re.compile(p)


def board_cmdline(board=DEFAULT_BOARD, root=REPO_ROOT):
    """The first line of board/<board>/cmdline without its newline, or 'console=ttyS0' when
    the file does not exist."""
    path = os.path.join(root, "board", board, "cmdline")
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().rstrip("\r\n")
    except FileNotFoundError:
        return DEFAULT_CMDLINE


def boot_config(board=DEFAULT_BOARD, kernel=None, initrd=None, append=None, disks=(),
                root=REPO_ROOT, check=True, firmware=False):
    """Resolve the defaults the way embark-qemu does and check that every file exists.

    kernel: default build/<board>/vmlinuz; initrd: default build/<board>/initramfs.cpio.xz
    (pass initrd="" for none); the kernel command line is board_cmdline(board) followed by
    append. firmware=True boots the board's firmware image instead (`make firmware`): kernel
    default build/<board>/firmware.bzImage, which carries embark's initramfs and the board's
    command line itself, so there is no default initrd and the command line is append alone
    (the kernel puts it after its built-in one); an initrd given is unpacked by the kernel
    over the built-in initramfs (extra files: a test keyring, a policy), as a loader that
    passes one would have it. Relative paths are
    taken from the current directory, defaults from root. Returns a dict with keys kernel,
    initrd, cmdline, disks (absolute paths) suitable as keyword arguments of SerialConsole.
    Raises SetupError naming what to run.
    """
    made = []
    if firmware:
        if initrd is None:
            initrd = ""
        if kernel is None:
            kernel = os.path.join(root, "build", board, "firmware.bzImage")
            made.append("firmware")
    if kernel is None:
        kernel = os.path.join(root, "build", board, "vmlinuz")
        made.append("kernel")
    if initrd is None:
        initrd = os.path.join(root, "build", board, "initramfs.cpio.xz")
        made.append("initrd")
    cmdline = "" if firmware else board_cmdline(board, root)
    if append:
        cmdline = (cmdline + " " + append).strip() if cmdline else append
    if check:
        for what, path in (("kernel", kernel), ("initramfs", initrd)):
            if not path:
                continue
            if not os.path.isfile(path):
                key = "kernel" if what == "kernel" else "initrd"
                if what == "kernel" and "firmware" in made:
                    raise SetupError(
                        "firmware image %s not found: run 'make firmware BOARD=%s' to build "
                        "it, or pass --kernel FILE" % (_rel(path), board))
                if key in made:
                    raise SetupError(
                        "%s %s not found: run 'make' (BOARD=%s) to build the kernel and "
                        "initramfs, or pass --%s FILE" % (what, _rel(path), board, key))
                raise SetupError("%s %s not found (--%s)" % (what, path, key))
            if not os.access(path, os.R_OK):
                raise SetupError("%s %s is not readable" % (what, path))
        for d in disks:
            if not os.path.isfile(d) and not _is_block_device(d):
                raise SetupError("disk image %s not found (--disk)" % d)
            if not os.access(d, os.R_OK):
                raise SetupError("disk image %s is not readable" % d)
    return {
        "kernel": os.path.abspath(kernel),
        "initrd": os.path.abspath(initrd) if initrd else None,
        "cmdline": cmdline,
        "disks": [os.path.abspath(d) for d in disks],
    }


def _rel(path):
    try:
        r = os.path.relpath(path)
    except ValueError:
        return path
    return path if r.startswith("../../") else r


def _is_block_device(path):
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def find_qemu(qemu=None):
    """The QEMU binary to run: qemu, else $EMBARK_QEMU, else qemu-system-x86_64 on PATH.
    Raises SetupError (run 'make deps') when it cannot be found."""
    name = qemu or os.environ.get("EMBARK_QEMU") or QEMU_BINARY
    if os.sep in name:
        if os.path.isfile(name) and os.access(name, os.X_OK):
            return name
        raise SetupError("QEMU binary %s not found or not executable: run 'make deps' to "
                         "install QEMU (Debian package qemu-system-x86)" % name)
    found = shutil.which(name)
    if not found:
        raise SetupError("%s not found in PATH: run 'make deps' to install QEMU (Debian "
                         "package qemu-system-x86)" % name)
    return found


def _qemu_escape(value):
    """A value inside a QEMU -opt a=b,c=d list: commas are doubled."""
    return value.replace(",", ",,")


def qemu_command(kernel, initrd=None, cmdline="", disks=(), memory=DEFAULT_MEMORY_MB,
                 nic=None, qemu_args=(), qemu=QEMU_BINARY, snapshot=True, machine="q35",
                 monitor=None):
    """The argv list that boots kernel+initrd with the serial console on stdin/stdout.
    monitor: a path for QEMU's human monitor as a unix socket (SerialConsole.monitor()),
    with a hot-pluggable PCIe root port "hotplug0" for device_add; None: no monitor."""
    argv = [
        qemu,
        "-accel", "tcg",               # never KVM: /dev/kvm hangs on these machines
        "-machine", machine,
        "-cpu", "max",
        "-smp", "1",
        "-m", str(int(memory)),
        "-nodefaults", "-no-user-config",
        "-display", "none",
        # No monitor on stdio ever: every byte on stdin is the guest's.
        "-monitor", "unix:%s,server=on,wait=off" % monitor if monitor else "none",
        "-chardev", "stdio,id=console0,signal=off",
        "-serial", "chardev:console0",
        "-no-reboot",                  # a guest reboot (or a panic's reboot) ends QEMU
        "-kernel", kernel,
    ]
    if initrd:
        argv += ["-initrd", initrd]
    argv += ["-append", cmdline]
    for d in disks:
        opts = "file=%s,if=virtio,format=raw,readonly=off" % _qemu_escape(d)
        if snapshot:
            opts += ",snapshot=on"
        argv += ["-drive", opts]
    argv += ["-nic", nic or "none"]
    if monitor:
        argv += ["-device", "pcie-root-port,id=hotplug0,chassis=1,slot=1"]
    argv += list(qemu_args)
    return argv


# --- the running machine ------------------------------------------------------------------------

class SerialConsole:
    """A QEMU machine whose serial console is read by a thread and written with send().

    Arguments: kernel, initrd, cmdline, disks, memory, nic, qemu_args, qemu, snapshot, machine
    (see qemu_command; qemu defaults to find_qemu()), and:
      echo    None, a binary file object (sys.stdout.buffer) or a callable(bytes): every
              console byte is passed to it as it arrives
      log     None, a path or a binary file object: every console byte is written there too
      stderr  None (QEMU's own messages go to sys.stderr), False (kept only in
              .qemu_stderr) or a callable(str) called with each line
      die_with_parent  QEMU gets SIGTERM if the thread that started it dies (setpriv
              --pdeathsig): keep True unless you start it from a short-lived thread
    QEMU starts in the constructor. Use as a context manager or call close().
    """

    def __init__(self, kernel, initrd=None, cmdline="", disks=(), memory=DEFAULT_MEMORY_MB,
                 nic=None, qemu_args=(), qemu=None, snapshot=True, machine="q35",
                 echo=None, log=None, stderr=None, die_with_parent=True, monitor=None):
        qemu = find_qemu(qemu)
        self.monitor_path = monitor
        self.argv = qemu_command(kernel, initrd, cmdline, disks, memory, nic, qemu_args,
                                 qemu, snapshot, machine, monitor)
        self._echo = self._writer(echo)
        self._log_file, self._own_log = None, False
        if log is not None:
            if hasattr(log, "write"):
                self._log_file = log
            else:
                self._log_file, self._own_log = open(log, "wb"), True
        self._stderr_cb = stderr
        self.qemu_stderr = ""
        self._cond = threading.Condition()
        self._raw = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._decoded_upto = 0
        self._text = ""
        self._eof = False
        self._terminating = False
        self._closed = False
        self.pos = 0  # where the next wait_for starts searching in .text

        cmd = self.argv
        if die_with_parent and shutil.which("setpriv"):
            cmd = ["setpriv", "--pdeathsig", "TERM", "--"] + cmd
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                start_new_session=True,  # terminal signals (Ctrl-C) reach us, not QEMU
                close_fds=True)
        except OSError as e:
            self._close_log()
            raise SetupError("cannot run %s: %s" % (qemu, e)) from e
        self._reader = threading.Thread(target=self._read_console, name="console-reader",
                                         daemon=True)
        self._ereader = threading.Thread(target=self._read_stderr, name="qemu-stderr",
                                         daemon=True)
        self._reader.start()
        self._ereader.start()

    @classmethod
    def boot(cls, board=DEFAULT_BOARD, kernel=None, initrd=None, append=None, disks=(),
             root=REPO_ROOT, firmware=False, **kwargs):
        """Start with embark-qemu's defaults (boot_config) for board; firmware=True boots
        the board's firmware image (an initrd is unpacked over its built-in initramfs);
        other keyword arguments go to the constructor. Raises SetupError for missing
        files."""
        cfg = boot_config(board, kernel, initrd, append, disks, root, firmware=firmware)
        return cls(cfg["kernel"], cfg["initrd"], cfg["cmdline"], cfg["disks"], **kwargs)

    def monitor(self, command, timeout=30):
        """Runs one human-monitor COMMAND (needs monitor= at start); returns its output."""
        import socket
        if not self.monitor_path:
            raise SetupError("monitor(): start the machine with monitor=PATH")
        deadline = time.monotonic() + timeout
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.monitor_path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        s.settimeout(max(1.0, deadline - time.monotonic()))
        try:
            def until_prompt():
                data = b""
                while not data.endswith(b"(qemu) "):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                return data.decode("utf-8", "replace")
            until_prompt()
            s.sendall(command.encode() + b"\n")
            out = until_prompt()
        finally:
            s.close()
        # The monitor echoes the command line (with terminal escapes) before its output.
        lines = out.replace("\r", "").split("\n")
        return "\n".join(lines[1:-1])

    # -- context manager
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- output plumbing
    @staticmethod
    def _writer(target):
        if target is None:
            return None
        if callable(target):
            return target
        def write(data, f=target):
            f.write(data)
            f.flush()
        return write

    def _read_console(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            with self._cond:
                self._raw += data
                self._cond.notify_all()
            if self._echo is not None:
                try:
                    self._echo(data)
                except (BrokenPipeError, ValueError, OSError):
                    self._echo = None  # stdout went away: keep reading, stop echoing
            if self._log_file is not None:
                try:
                    self._log_file.write(data)
                    self._log_file.flush()
                except (ValueError, OSError):
                    pass
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _read_stderr(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace")
            with self._cond:
                self.qemu_stderr += line
                quiet = self._terminating
            if quiet and "terminating on signal" in line:
                continue
            cb = self._stderr_cb
            if cb is False:
                continue
            try:
                if cb is None:
                    sys.stderr.write(line)
                    sys.stderr.flush()
                else:
                    cb(line)
            except (OSError, ValueError):
                pass

    def _sync_text(self):
        """Decode what arrived since last time (call with self._cond held)."""
        if self._decoded_upto < len(self._raw):
            chunk = bytes(self._raw[self._decoded_upto:])
            self._decoded_upto = len(self._raw)
            self._text += self._decoder.decode(chunk, final=self._eof)
        elif self._eof and self._decoded_upto == len(self._raw):
            self._text += self._decoder.decode(b"", final=True)

    # -- reading
    @property
    def text(self):
        """All console text so far (str)."""
        with self._cond:
            self._sync_text()
            return self._text

    @property
    def raw(self):
        """All console bytes so far."""
        with self._cond:
            return bytes(self._raw)

    @property
    def returncode(self):
        """QEMU's exit code once it has exited (negative: killed by that signal), else None."""
        return self.proc.poll()

    def elapsed(self):
        return time.monotonic() - self.started

    def tail(self, lines=15):
        text = self.text.replace("\r", "")
        return "\n".join(text.rstrip("\n").split("\n")[-lines:])

    def _finished(self):
        """True once QEMU exited and every byte it wrote has been read."""
        if self.proc.poll() is None:
            return False
        self._reader.join(1.0)  # the pipe may still hold its last bytes
        with self._cond:
            return self._eof or not self._reader.is_alive()

    def _wait(self, check, timeout, what):
        """Call check(text) each time new console text has arrived until it returns
        something that is not None; raise ConsoleTimeout / ConsoleExited otherwise."""
        deadline = None if timeout is None else time.monotonic() + timeout
        seen = -1
        while True:
            finished = self._finished()
            with self._cond:
                if not finished and len(self._raw) == seen:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is None or left > 0:
                        self._cond.wait(0.1 if left is None else min(left, 0.1))
                    finished = self._eof and self.proc.poll() is not None
                self._sync_text()
                text, seen = self._text, len(self._raw)
            result = check(text)
            if result is not None:
                return result
            if finished or self._finished():
                # one last look: bytes may have landed between the check and the exit
                text = self.text
                result = check(text)
                if result is not None:
                    return result
                rc = self.proc.wait()
                self._ereader.join(1.0)
                raise ConsoleExited(
                    "%s not seen: QEMU exited with code %d after %.1f s"
                    % (what, rc, self.elapsed()), what, self.elapsed(), rc, self.tail(),
                    self.qemu_stderr[-2000:])
            if deadline is not None and time.monotonic() >= deadline:
                raise ConsoleTimeout(
                    "%s not seen: timeout after %s s" % (what, _fmt_s(timeout)), what,
                    self.elapsed(), None, self.tail())
            time.sleep(0.02)  # let serial bytes (often written one at a time) pile up

    def _fail_check(self, fail):
        fails = [_compile(f) for f in fail]

        def check(text):
            for f in fails:
                m = f.search(text)
                if m:
                    e = ConsoleFailure(
                        "failure pattern '%s' seen after %.1f s: %r"
                        % (f.pattern, self.elapsed(), _line_of(text, m)), f.pattern,
                        self.elapsed(), self.proc.poll(), self.tail())
                    e.match = m
                    raise e
        return check

    def wait_for(self, regex, timeout=60, fail=()):
        """Wait until regex (str or compiled) appears in the console text after the previous
        match; return the re.Match (positions index .text) and move .pos to its end.
        fail: regexes that raise ConsoleFailure as soon as they appear anywhere in the text.
        timeout: seconds, None = no limit. Raises ConsoleTimeout / ConsoleExited."""
        rx = _compile(regex)
        fail_check = self._fail_check(fail)

        def check(text):
            fail_check(text)
            return rx.search(text, self.pos)

        m = self._wait(check, timeout, "'%s'" % rx.pattern)
        self.pos = m.end()
        return m

    def wait_exit(self, timeout=60, fail=()):
        """Wait until QEMU exits (the guest powered off or rebooted) and return its exit
        code. Raises ConsoleTimeout (QEMU left running) or ConsoleFailure."""
        fail_check = self._fail_check(fail)

        def check(text):
            fail_check(text)
            return None

        try:
            self._wait(check, timeout, "QEMU exit")
        except ConsoleExited as e:
            return e.returncode
        raise AssertionError("unreachable")

    # -- writing
    def send(self, data):
        """Write str (UTF-8) or bytes to the guest's serial input. A terminal sends '\\r'
        for Enter; the guest's tty turns it into '\\n' (so does '\\n' itself)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as e:
            raise ConsoleExited("cannot send to the console: QEMU has exited (%s)" % e,
                                None, self.elapsed(), self.proc.poll(), self.tail()) from e

    def sendline(self, line):
        self.send(line + "\r")

    # -- stopping
    def close(self, grace=TERM_GRACE_S):
        """Stop QEMU if it still runs (SIGTERM, SIGKILL after grace seconds), wait for it,
        and release pipes and the log file. Returns QEMU's exit code. Safe to call twice."""
        if self._closed:
            return self.proc.returncode
        if self.proc.poll() is None:
            with self._cond:
                self._terminating = True
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            except ProcessLookupError:
                pass
        rc = self.proc.wait()
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self._reader.join(2.0)
        self._ereader.join(2.0)
        for f in (self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass
        self._close_log()
        self._closed = True
        return rc

    def _close_log(self):
        if self._own_log and self._log_file is not None:
            try:
                self._log_file.close()
            except OSError:
                pass
        elif self._log_file is not None:
            try:
                self._log_file.flush()
            except (OSError, ValueError):
                pass

    def __del__(self):
        try:
            if not self._closed and self.proc.poll() is None:
                self.proc.kill()
        except Exception:
            pass


def _fmt_s(seconds):
    return ("%d" % seconds) if float(seconds).is_integer() else ("%.1f" % seconds)


def _line_of(text, m):
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    return text[start:end if end >= 0 else len(text)].strip("\r\n")[:200]
