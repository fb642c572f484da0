#!/usr/bin/env python3
"""`embark fetch` against real servers on 127.0.0.1, written here: a TFTP server (RFC 1350
with the options of RFCs 2347-2349; misbehaviours on request: a dropped block, a repeated
block, a stray packet from another port, a blksize larger than asked, options refused, no
answer), HTTP/1.1 servers (Content-Length, chunked, redirects, a connection cut in the middle
of the body with Range resume, malformed heads, a stall, an endless body) and HTTPS servers
with a CA made by openssl at test time (RSA and ECDSA certificates, TLS 1.2 and 1.3; a wrong
CA, a wrong host name, no CA). Downloads are compared with sha256sum.

TAP output ("ok N - ..."); exit status 0 only when everything passed. B selects the build
directory (default build). Everything listens on 127.0.0.1 only, on ports the kernel picks.
"""

import http.server
import os
import shutil
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import Tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EMBARK = os.path.join(REPO, os.environ.get("B", "build"), "embark")
MiB = 1 << 20


def sha256sum(path):
    out = subprocess.run(["sha256sum", path], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def settle(cond, seconds=3.0):
    """The servers record what they saw from their own threads: wait until COND holds."""
    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        time.sleep(0.02)
    return cond()


def fetch(*args, timeout=300):
    r = subprocess.run([EMBARK, "fetch", *args], capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stderr


# --- TFTP server ----------------------------------------------------------------------------

OP_RRQ, OP_DATA, OP_ACK, OP_ERROR, OP_OACK = 1, 3, 4, 5, 6
BEHAVIOURS = ("drop", "dup", "stray", "bigblk", "noopts", "opterr", "silent", "wrap1")


class TftpServer:
    """One thread answers requests on the well-known port; each transfer runs in its own
    thread from its own port (its transfer ID). A file name "BEHAVIOUR/NAME" serves NAME
    with that misbehaviour. What happened is kept in self.sessions."""

    def __init__(self, root):
        self.root = root
        self.sessions = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            data, peer = self.sock.recvfrom(65536)
            if len(data) > 2 and struct.unpack("!H", data[:2])[0] == OP_RRQ:
                threading.Thread(target=self.session, args=(data, peer), daemon=True).start()

    @staticmethod
    def error(sock, peer, code, msg):
        sock.sendto(struct.pack("!HH", OP_ERROR, code) + msg.encode() + b"\0", peer)

    def wait_ack(self, s, peer, want, resend, ev, behaviour):
        """Waits for ACK WANT, sending RESEND again after 1.5 s of silence (5 times)."""
        for _ in range(6):
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    pkt, src = s.recvfrom(65536)
                except socket.timeout:
                    break
                if src != peer or len(pkt) < 4:
                    continue
                op, num = struct.unpack("!HH", pkt[:4])
                if op == OP_ERROR:
                    ev["client_errors"].append((num, pkt[4:].split(b"\0")[0].decode()))
                    return False
                if op == OP_ACK and num == want:
                    ev["acks"] += 1
                    return True
                if op == OP_ACK and num == (want - 1) & 0xFFFF:
                    ev["repeated_acks"].append(num)
                    if behaviour == "drop":
                        s.sendto(resend, peer)  # the client's retransmission recovers
            s.sendto(resend, peer)
        ev["gave_up"] = True
        return False

    def session(self, data, peer):
        fields = data[2:].split(b"\0")
        filename, opts = fields[0].decode(), {}
        for i in range(2, len(fields) - 1, 2):
            opts[fields[i].decode().lower()] = fields[i + 1].decode()
        behaviour, _, name = filename.partition("/")
        if behaviour not in BEHAVIOURS:
            behaviour, name = "", filename
        ev = {"file": filename, "opts": opts, "acks": 0, "repeated_acks": [],
              "client_errors": [], "wrapped": False, "stray_reply": None, "blocks": 0}
        self.sessions.append(ev)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        try:
            self.transfer(s, peer, behaviour, name, opts, ev)
        finally:
            s.close()
            ev["finished"] = True

    def transfer(self, s, peer, behaviour, name, opts, ev):
        if behaviour == "silent":
            return
        if behaviour == "opterr" and opts:
            self.error(s, peer, 8, "options refused")
            return
        path = os.path.join(self.root, name)
        if not os.path.isfile(path):
            self.error(s, peer, 1, "File not found")
            return
        with open(path, "rb") as f:
            content = f.read()
        blksize = 512
        if opts and behaviour != "noopts":
            oack = []
            if "blksize" in opts:
                blksize = int(opts["blksize"]) + 100 if behaviour == "bigblk" else \
                    min(int(opts["blksize"]), 65464)
                oack += ["blksize", str(blksize)]
            if "tsize" in opts:
                oack += ["tsize", str(len(content))]
            if "timeout" in opts:
                oack += ["timeout", opts["timeout"]]
            pkt = struct.pack("!H", OP_OACK) + b"".join(x.encode() + b"\0" for x in oack)
            s.sendto(pkt, peer)
            if not self.wait_ack(s, peer, 0, pkt, ev, behaviour):
                return
        block, off, dropped, stray_done = 1, 0, False, False
        while True:
            num = block & 0xFFFF if behaviour != "wrap1" else (block - 1) % 0xFFFF + 1
            chunk = content[off:off + blksize]
            pkt = struct.pack("!HH", OP_DATA, num) + chunk
            if block > 0xFFFF and num <= 1:
                ev["wrapped"] = True
            if behaviour == "stray" and block == 10 and not stray_done:
                stray_done = True
                stray = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                stray.bind(("127.0.0.1", 0))
                stray.settimeout(3)
                stray.sendto(struct.pack("!HH", OP_DATA, num) + b"X" * len(chunk), peer)
                try:
                    reply, _ = stray.recvfrom(100)
                    ev["stray_reply"] = struct.unpack("!HH", reply[:4])
                except socket.timeout:
                    pass
                stray.close()
            if behaviour == "drop" and block == 100 and not dropped:
                dropped = True  # lost on the way: only a retransmission brings it
            else:
                s.sendto(pkt, peer)
            if behaviour == "dup" and block == 50:
                s.sendto(pkt, peer)
            if not self.wait_ack(s, peer, num, pkt, ev, behaviour):
                return
            ev["blocks"] = block
            off += len(chunk)
            if len(chunk) < blksize:
                ev["done"] = True
                return
            block += 1


# --- HTTP(S) servers --------------------------------------------------------------------------

class State:
    def __init__(self):
        self.files = {}
        self.requests = []
        self.lock = threading.Lock()
        self.other_url = ""  # the plain http server's base URL, for the downgrade redirect


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "embark-test"

    def log_message(self, *args):
        pass

    def raw(self, data):
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def cut(self):
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    def redirect(self, code, location):
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def serve_file(self, data, etag, ranges=True, cut_at=None):
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        start = 0
        if ranges and rng and rng.startswith("bytes=") and rng.endswith("-") and \
                (if_range is None or if_range == etag):
            start = int(rng[6:-1])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if cut_at is not None and cut_at < len(body):
            self.wfile.write(body[:cut_at])
            self.cut()
            return
        self.wfile.write(body)

    def chunked(self, data):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Trailer", "X-Checksum")
        self.end_headers()
        sizes, off, i = [1, 7, 4096, 65536, 100000, 3, 0x1ABCD], 0, 0
        while off < len(data):
            n = min(sizes[i % len(sizes)], len(data) - off)
            ext = ";i=%d" % i if i % 2 else ""
            self.wfile.write(b"%X%s\r\n" % (n, ext.encode()) + data[off:off + n] + b"\r\n")
            off, i = off + n, i + 1
        self.wfile.write(b"0;end\r\nX-Checksum: none\r\n\r\n")

    def do_GET(self):
        st = self.server.state
        with st.lock:
            st.requests.append((self.path, dict(self.headers)))
        p = self.path
        parts = p.strip("/").split("/")
        name = parts[-1]
        data = st.files.get(name)
        etag = '"%08x"' % (hash(name) & 0xFFFFFFFF)
        try:
            if p.startswith("/files/") and data is not None:
                self.serve_file(data, etag)
            elif p.startswith("/cut/") and data is not None:
                # Only the first response (from byte 0) breaks off, at half the file.
                self.serve_file(data, etag, cut_at=None if self.headers.get("Range")
                                else len(data) // 2)
            elif p.startswith("/cut-norange/") and data is not None:
                self.serve_file(data, etag, ranges=False, cut_at=len(data) // 2)
            elif p.startswith("/cut-every/") and data is not None:
                self.serve_file(data, etag, cut_at=MiB)
            elif p.startswith("/chunked/") and data is not None:
                self.chunked(data)
            elif p == "/redirect/abs":
                self.redirect(302, self.server.base_url + "/files/small.bin")
            elif p == "/redirect/rel/a/b":
                self.redirect(301, "../../../files/small.bin")
            elif p.startswith("/redirect/chain/"):
                n = int(name)
                self.redirect(307, "/redirect/chain/%d" % (n - 1)) if n > 0 else \
                    self.redirect(308, "/files/small.bin")
            elif p == "/redirect/loop":
                self.redirect(302, "/redirect/loop")
            elif p == "/redirect/downgrade":
                self.redirect(302, st.other_url + "/files/small.bin")
            elif p == "/endless":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                block = b"10000\r\n" + b"e" * 0x10000 + b"\r\n"
                while True:
                    self.wfile.write(block)
            elif p == "/dup-cl":
                self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello")
            elif p == "/te-cl":
                self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
                         b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            elif p == "/folded":
                self.raw(b"HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 5\r\n\r\nhello")
            elif p == "/informational":
                self.raw(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>"
                         b"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            elif p == "/close-delimited":
                self.raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + st.files["small.bin"])
            elif p == "/stall":
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
                self.wfile.flush()
                time.sleep(4)
                self.close_connection = True
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True


class HttpServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state, tls=None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = state
        self.tls = tls
        self.port = self.server_address[1]
        self.base_url = ("https://localhost:%d" if tls else "http://127.0.0.1:%d") % self.port
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls:
            sock.settimeout(10)
            sock = self.tls.wrap_socket(sock, server_side=True)  # a failed handshake raises
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # refused handshakes and cut connections are part of the tests


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d):
    """A CA, server certificates for DNS:localhost (RSA 2048, ECDSA P-256) and a second,
    unrelated CA."""
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n")
    for ca in ("ca", "wrong-ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
                "-out", f"{ca}.pem", "-days", "30", "-subj", f"/CN=embark test {ca}",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    for kind, newkey in (("rsa", ["-newkey", "rsa:2048"]),
                         ("ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])):
        openssl("req", *newkey, "-nodes", "-keyout", f"srv-{kind}.key", "-out",
                f"srv-{kind}.csr", "-subj", "/CN=localhost", cwd=d)
        openssl("x509", "-req", "-in", f"srv-{kind}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"srv-{kind}.pem", "-days", "30", "-sha256",
                "-extfile", "server.ext", cwd=d)


def tls_context(d, kind, version):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, f"srv-{kind}.pem"), os.path.join(d, f"srv-{kind}.key"))
    ctx.minimum_version = ctx.maximum_version = version
    return ctx


# --- the tests --------------------------------------------------------------------------------

def main():
    tap = Tap(detail_lines=15)
    if not os.access(EMBARK, os.X_OK):
        print(f"not ok 1 - {EMBARK} not built (make B=... {EMBARK})")
        return 1
    work = tempfile.mkdtemp(prefix="embark-fetch-")
    try:
        run_all(tap, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"# {tap.n - tap.failed} passed, {tap.failed} failed")
    return tap.status()


def write_random(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 4 * MiB)
            f.write(os.urandom(n))
            left -= n


def run_all(tap, work):
    root = os.path.join(work, "tftproot")
    os.makedirs(root)
    files = {"big.bin": 40 * MiB, "small.bin": 300 * 1000 + 7, "exact.bin": 1468 * 100,
             "mid.bin": 5 * MiB}
    for name, size in files.items():
        write_random(os.path.join(root, name), size)
    sums = {name: sha256sum(os.path.join(root, name)) for name in files}
    out = os.path.join(work, "out.bin")

    def same(name):
        return os.path.exists(out) and sha256sum(out) == sums[name]

    def fresh():
        if os.path.exists(out):
            os.unlink(out)

    # TFTP ---------------------------------------------------------------------------------
    tftp = TftpServer(root)
    t = "tftp://127.0.0.1:%d/" % tftp.port

    def tftp_case(path, *args):
        """Runs embark fetch; returns its exit status and stderr, the server's record of the
        (first) session once the server is done with it, the time taken, all sessions."""
        fresh()
        start = len(tftp.sessions)
        t0 = time.monotonic()
        rc, err = fetch(t + path, "--out", out, *args)
        secs = time.monotonic() - t0
        settle(lambda: len(tftp.sessions) > start and
               all(s.get("finished") for s in tftp.sessions[start:]))
        ev = tftp.sessions[start] if len(tftp.sessions) > start else {}
        return rc, err, ev, secs, tftp.sessions[start:]

    rc, err, ev, secs, _ = tftp_case("big.bin", "--blksize", "512")
    tap(rc == 0 and same("big.bin") and ev.get("opts", {}).get("blksize") == "512"
              and ev.get("wrapped") and ev.get("blocks") == 40 * MiB // 512 + 1,
              "tftp: 40 MiB at blksize 512, 81921 blocks, block numbers wrap past 65535 "
              "(%.1f s)" % secs, err + repr({k: ev.get(k) for k in ("opts", "blocks", "wrapped")}))
    rc, err, ev, secs, _ = tftp_case("big.bin")
    tap(rc == 0 and same("big.bin") and ev.get("opts") ==
              {"blksize": "1468", "tsize": "0", "timeout": "1"} and not ev.get("wrapped"),
              "tftp: 40 MiB at the default blksize 1468 with tsize and timeout (%.1f s)" % secs,
              err + repr(ev.get("opts")))
    rc, err, ev, secs, _ = tftp_case("wrap1/big.bin", "--blksize", "512")
    tap(rc == 0 and same("big.bin") and ev.get("wrapped"),
              "tftp: a server that wraps from 65535 to 1 (not 0) is followed too (%.1f s)" % secs,
              err + repr({k: ev.get(k) for k in ("blocks", "wrapped")}))
    # 100 MiB at 1468 bytes a block is 71429 blocks: the wrap at the default size too.
    wrap = os.path.join(root, "wrap.bin")
    write_random(wrap, 100 * MiB)
    wrap_sum = sha256sum(wrap)
    rc, err, ev, secs, _ = tftp_case("wrap.bin")
    tap(rc == 0 and sha256sum(out) == wrap_sum and ev.get("wrapped") and
              ev.get("blocks") == 100 * MiB // 1468 + 1,
              "tftp: 100 MiB at blksize 1468, 71429 blocks, block numbers wrap (%.1f s)" % secs,
              err + repr({k: ev.get(k) for k in ("blocks", "wrapped")}))
    os.unlink(wrap)
    rc, err, ev, secs, _ = tftp_case("drop/mid.bin")
    tap(rc == 0 and same("mid.bin") and 99 in ev.get("repeated_acks", []),
              "tftp: a lost DATA block is recovered by the client's retransmitted ACK",
              err + repr(ev.get("repeated_acks")))
    rc, err, ev, secs, _ = tftp_case("dup/mid.bin")
    tap(rc == 0 and same("mid.bin") and ev.get("repeated_acks") == [50] and
              os.path.getsize(out) == files["mid.bin"],
              "tftp: a repeated DATA block is acknowledged again, written once", err)
    rc, err, ev, secs, _ = tftp_case("stray/mid.bin")
    tap(rc == 0 and same("mid.bin") and ev.get("stray_reply") == (OP_ERROR, 5),
              "tftp: a packet from another port gets ERROR 5 and the transfer goes on",
              err + repr(ev.get("stray_reply")))
    rc, err, ev, secs, _ = tftp_case("exact.bin")
    tap(rc == 0 and same("exact.bin") and ev.get("blocks") == 101,
              "tftp: a file of exactly 100 blocks ends with an empty 101st block",
              err + repr(ev.get("blocks")))
    rc, err, ev, secs, sessions = tftp_case("noopts/small.bin")
    tap(rc == 0 and same("small.bin"),
              "tftp: a server that ignores the options gets RFC 1350 with 512-byte blocks", err)
    rc, err, ev, secs, sessions = tftp_case("opterr/small.bin")
    tap(rc == 0 and same("small.bin") and len(sessions) == 2 and sessions[1]["opts"] == {},
              "tftp: after ERROR 8 to the options, one plain request succeeds",
              err + repr([s["opts"] for s in sessions]))
    rc, err, ev, secs, _ = tftp_case("nonexistent.bin")
    tap(rc == 1 and "ERROR 1 (file not found)" in err and "nonexistent.bin" in err and
              "127.0.0.1:%d" % tftp.port in err and not os.path.exists(out),
              "tftp: ERROR 1 is reported with the server, URL and message (exit 1)", err)
    rc, err, ev, secs, _ = tftp_case("big.bin", "--max", "1M")
    tap(rc == 1 and "tsize" in err and "EFBIG" in err and
              ev.get("client_errors") == [(3, "file larger than the client's limit")] and
              ev.get("blocks") == 0,
              "tftp: a tsize above --max is refused before any block (ERROR 3 sent)",
              err + repr(ev.get("client_errors")))
    rc, err, ev, secs, _ = tftp_case("bigblk/small.bin")
    tap(rc == 2 and "blksize=1568" in err and
              [c for c, _ in ev.get("client_errors", [])] == [8],
              "tftp: an OACK blksize larger than asked is refused with ERROR 8 (RFC 2348)",
              err + repr(ev.get("client_errors")))
    rc, err, ev, secs, _ = tftp_case("silent/small.bin", "--timeout", "2")
    tap(rc == 2 and "ETIMEDOUT" in err and "no answer" in err and 1.5 < secs < 6,
              "tftp: a silent server times out after --timeout (%.1f s)" % secs, err)

    # HTTP ---------------------------------------------------------------------------------
    state = State()
    for name in files:
        with open(os.path.join(root, name), "rb") as f:
            state.files[name] = f.read()
    web = HttpServer(state)
    h = web.base_url

    def http_case(url, *args):
        fresh()
        start = len(state.requests)
        t0 = time.monotonic()
        rc, err = fetch(url, "--out", out, *args)
        return rc, err, state.requests[start:], time.monotonic() - t0

    rc, err, reqs, secs = http_case(h + "/files/big.bin")
    hdrs = reqs[0][1] if reqs else {}
    tap(rc == 0 and same("big.bin") and hdrs.get("User-Agent", "").startswith("embark/")
              and hdrs.get("Host") == "127.0.0.1:%d" % web.port and
              hdrs.get("Accept-Encoding") == "identity" and hdrs.get("Connection") == "close",
              "http: 40 MiB with Content-Length; Host, User-Agent embark/<version>, "
              "Accept-Encoding identity, Connection close (%.1f s)" % secs, err + repr(hdrs))
    rc, err, reqs, secs = http_case(h + "/chunked/big.bin")
    tap(rc == 0 and same("big.bin"),
              "http: 40 MiB chunked, sizes 1 B to 100 kB, extensions and a trailer", err)
    rc, err, reqs, secs = http_case("http://localhost:%d/redirect/abs" % web.port)
    tap(rc == 0 and same("small.bin") and [r[0] for r in reqs] ==
              ["/redirect/abs", "/files/small.bin"],
              "http: a 302 to an absolute Location (host name through getaddrinfo)", err)
    rc, err, reqs, secs = http_case(h + "/redirect/rel/a/b")
    tap(rc == 0 and same("small.bin") and reqs[-1][0] == "/files/small.bin",
              "http: a 301 to a relative Location ../../../files/small.bin", err)
    rc, err, reqs, secs = http_case(h + "/redirect/chain/4")
    tap(rc == 0 and same("small.bin") and len(reqs) == 6,
              "http: 307 and 308, five redirects (the default limit)", err)
    rc, err, reqs, secs = http_case(h + "/redirect/chain/5")
    tap(rc == 2 and "more than 5 times" in err and len(reqs) == 6,
              "http: a sixth redirect is refused", err)
    rc, err, reqs, secs = http_case(h + "/redirect/loop")
    tap(rc == 2 and "more than 5 times" in err and "/redirect/loop" in err,
              "http: a redirect loop ends at the limit", err)
    rc, err, reqs, secs = http_case(h + "/cut/big.bin")
    ranges = [r[1].get("Range") for r in reqs]
    tap(rc == 0 and same("big.bin") and len(reqs) == 2 and ranges[0] is None and
              ranges[1] == "bytes=%d-" % (20 * MiB) and reqs[1][1].get("If-Range"),
              "http: a connection cut mid-body resumes with Range: bytes=N- and If-Range "
              "(206, Content-Range checked)", err + repr(ranges))
    rc, err, reqs, secs = http_case(h + "/cut-norange/big.bin")
    tap(rc == 2 and "no byte ranges" in err and "20971520 of 41943040" in err and
              not os.path.exists(out), "http: a cut body without Accept-Ranges fails, "
              "saying how much arrived", err)
    rc, err, reqs, secs = http_case(h + "/cut-every/big.bin")
    tap(rc == 2 and len(reqs) == 4 and "too often" in err,
              "http: resuming stops after 3 attempts", err + repr(len(reqs)))
    rc, err, reqs, secs = http_case(h + "/missing.bin")
    tap(rc == 1 and "answered 404" in err and "/missing.bin" in err and
              "127.0.0.1:%d" % web.port in err, "http: 404 names URL and server (exit 1)", err)
    rc, err, reqs, secs = http_case(h + "/endless", "--max", "1M")
    tap(rc == 1 and "EFBIG" in err and "chunked" in err and not os.path.exists(out),
              "http: an endless chunked body stops at --max with EFBIG", err)
    rc, err, reqs, secs = http_case(h + "/files/big.bin", "--max", "1M")
    tap(rc == 1 and "announces 41943040 bytes" in err,
              "http: a Content-Length above --max is refused before the body", err)
    for path, rule in (("/dup-cl", "more than one Content-Length"),
                       ("/te-cl", "both Transfer-Encoding and Content-Length"),
                       ("/folded", "folded header line")):
        rc, err, reqs, secs = http_case(h + path)
        tap(rc == 2 and rule in err and "malformed response head" in err,
                  "http: %s is refused (%s)" % (path, rule), err)
    rc, err, reqs, secs = http_case(h + "/informational")
    tap(rc == 0 and open(out, "rb").read() == b"hello",
              "http: 100 and 103 heads are skipped before the 200", err)
    rc, err, reqs, secs = http_case(h + "/close-delimited")
    tap(rc == 0 and same("small.bin"),
              "http: a body without Content-Length ends with the connection", err)
    rc, err, reqs, secs = http_case(h + "/stall", "--timeout", "1")
    tap(rc == 2 and "ETIMEDOUT" in err and secs < 3.5,
              "http: a stalled body times out after --timeout (%.1f s)" % secs, err)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    cport = closed.getsockname()[1]
    closed.close()
    rc, err, reqs, secs = http_case("http://127.0.0.1:%d/x" % cport)
    tap(rc == 2 and "ECONNREFUSED" in err and "127.0.0.1:%d" % cport in err,
              "http: a closed port is reported as ECONNREFUSED", err)
    rc, err, reqs, secs = http_case("http://boot.invalid:%d/files/small.bin" % web.port,
                                    "--resolve", "boot.invalid:127.0.0.1")
    tap(rc == 0 and same("small.bin") and reqs and
              reqs[0][1].get("Host") == "boot.invalid:%d" % web.port,
              "http: --resolve HOST:ADDR goes through the resolver callback", err)

    # HTTPS --------------------------------------------------------------------------------
    pki = os.path.join(work, "pki")
    os.makedirs(pki)
    make_pki(pki)
    ca, wrong_ca = os.path.join(pki, "ca.pem"), os.path.join(pki, "wrong-ca.pem")
    servers = {}
    for kind in ("rsa", "ec"):
        for label, version in (("TLS 1.2", ssl.TLSVersion.TLSv1_2),
                               ("TLS 1.3", ssl.TLSVersion.TLSv1_3)):
            servers[(kind, label)] = HttpServer(state, tls_context(pki, kind, version))
    state.other_url = h
    for (kind, label), srv in servers.items():
        rc, err, reqs, secs = http_case(srv.base_url + "/files/mid.bin", "--ca", ca)
        tap(rc == 0 and same("mid.bin"),
                  "https: %s, %s server certificate, verified against the CA" %
                  (label, "RSA" if kind == "rsa" else "ECDSA P-256"), err)
    s12 = servers[("rsa", "TLS 1.2")]
    s13 = servers[("ec", "TLS 1.3")]
    rc, err, reqs, secs = http_case(s13.base_url + "/cut/big.bin", "--ca", ca)
    tap(rc == 0 and same("big.bin") and len(reqs) == 2,
              "https: a cut TLS 1.3 body resumes with Range (%.1f s)" % secs, err)
    rc, err, reqs, secs = http_case(s12.base_url + "/chunked/mid.bin", "--ca", ca)
    tap(rc == 0 and same("mid.bin"), "https: chunked over TLS 1.2", err)
    rc, err, reqs, secs = http_case(s13.base_url + "/redirect/rel/a/b", "--ca", ca)
    tap(rc == 0 and same("small.bin"), "https: a relative redirect stays on https", err)
    rc, err, reqs, secs = http_case(s13.base_url + "/redirect/downgrade", "--ca", ca)
    tap(rc == 1 and "https only to" in err and len(reqs) == 1,
              "https: a redirect to http is refused", err)
    for srv in (s12, s13):
        rc, err, reqs, secs = http_case(srv.base_url + "/files/mid.bin", "--ca", wrong_ca)
        tap(rc == 1 and "certificate was refused" in err and
                  "not correctly signed by the trusted CA" in err and
                  not reqs, "https: a certificate from another CA is refused (%s)" %
                  ("TLS 1.2" if srv is s12 else "TLS 1.3"), err)
    rc, err, reqs, secs = http_case("https://wrong.invalid:%d/files/mid.bin" % s13.port,
                                    "--ca", ca, "--resolve", "wrong.invalid:127.0.0.1")
    tap(rc == 1 and "certificate was refused for 'wrong.invalid'" in err and
              "Common Name" in err and not reqs,
              "https: a certificate for another host name is refused", err)
    rc, err, reqs, secs = http_case("https://127.0.0.1:%d/files/mid.bin" % s12.port, "--ca", ca)
    tap(rc == 1 and "certificate was refused for '127.0.0.1'" in err,
              "https: an IP address the certificate does not name is refused", err)
    rc, err, reqs, secs = http_case(s13.base_url + "/files/mid.bin")
    tap(rc == 1 and "needs a CA file" in err and not reqs,
              "https: no CA file, no connection (never unverified)", err)
    rc, err, reqs, secs = http_case("https://localhost:%d/files/mid.bin" % web.port, "--ca", ca)
    tap(rc == 2 and "not TLS" in err, "https: a plain http port is reported as not TLS",
              err)
    bad_ca = os.path.join(work, "bad-ca.pem")
    with open(bad_ca, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    rc, err, reqs, secs = http_case(s13.base_url + "/files/mid.bin", "--ca", bad_ca)
    tap(rc == 2 and "CA file" in err and not reqs,
              "https: a CA file without a usable certificate is refused", err)


if __name__ == "__main__":
    sys.exit(main())
