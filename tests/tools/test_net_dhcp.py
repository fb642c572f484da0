#!/usr/bin/env python3
"""`embark dhcp` and `embark resolve` against a real dnsmasq, all inside two network namespaces
joined by a veth pair, so the host's own network is never touched and no packet leaves them:

  namespace embark-srv-PID: ebk-srv 10.99.0.1/24, dnsmasq (DHCP + DNS, bound to ebk-srv only)
  namespace embark-cli-PID: ebk-cli (left down: embark brings it up), where embark runs

dnsmasq hands client id 01:52:54:00:99:00:05 the address 10.99.0.57 with PXE settings (file
pxelinux.0 for a BIOS PXE client, next-server, options 66, 209, 210), an MTU and the domain; its DNS knows boot.test and a CNAME
www.boot.test, and answers NXDOMAIN for other names under test. The test checks the lease
embark prints, the address, route and MTU it configured (`ip -n`), its resolver (through a
CNAME, NXDOMAIN, a port nobody listens on), --flush, the automatic interface choice, and the
errors for a missing interface and a silent network. Needs root, ip and dnsmasq (else SKIP);
tools/deps.sh installs dnsmasq-base, the binary without the dnsmasq package's system service.
TAP output; B selects the build directory (default build). Namespaces and dnsmasq are
removed even when a check fails or the test is interrupted.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EMBARK = os.path.join(REPO, os.environ.get("B", "build"), "embark")

NS_SRV = f"embark-srv-{os.getpid()}"
NS_CLI = f"embark-cli-{os.getpid()}"
SRV_IF, CLI_IF = "ebk-srv", "ebk-cli"
CLI_MAC = "52:54:00:99:00:05"
LEASE_ADDR = "10.99.0.57"


def sh(*argv, check=True, timeout=30):
    r = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


def in_cli(*argv, timeout=60):
    return sh("ip", "netns", "exec", NS_CLI, *argv, check=False, timeout=timeout)


def setup(tmp):
    sh("ip", "netns", "add", NS_SRV)
    sh("ip", "netns", "add", NS_CLI)
    # Created inside the server namespace with its peer moved straight into the client's:
    # the pair never exists in the host's namespace.
    sh("ip", "-n", NS_SRV, "link", "add", SRV_IF, "type", "veth", "peer", "name", CLI_IF,
       "netns", NS_CLI)
    sh("ip", "-n", NS_SRV, "addr", "add", "10.99.0.1/24", "dev", SRV_IF)
    sh("ip", "-n", NS_SRV, "link", "set", SRV_IF, "up")
    sh("ip", "-n", NS_SRV, "link", "set", "lo", "up")
    sh("ip", "-n", NS_CLI, "link", "set", CLI_IF, "address", CLI_MAC)
    sh("ip", "-n", NS_CLI, "link", "set", "lo", "up")
    log = os.path.join(tmp, "dnsmasq.log")
    argv = ["ip", "netns", "exec", NS_SRV, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
            f"--interface={SRV_IF}", "--bind-interfaces", "--except-interface=lo",
            "--no-resolv", "--no-hosts", "--no-ping", "--user=root", "--pid-file=",
            f"--dhcp-leasefile={os.path.join(tmp, 'leases')}", f"--log-facility={log}",
            "--log-dhcp", "--log-queries",
            "--dhcp-range=10.99.0.50,10.99.0.99,255.255.255.0,1h",
            # the reservation is by client identifier (option 61: type 1 + MAC), and the PXE
            # answer is chosen on option 93 (arch 0: BIOS) and option 60 (PXEClient), as a
            # real PXE server chooses between BIOS and EFI clients
            f"--dhcp-host=id:01:{CLI_MAC},{LEASE_ADDR},client1",
            "--dhcp-match=set:bios,option:client-arch,0",
            "--dhcp-vendorclass=set:pxe,PXEClient",
            "--dhcp-boot=tag:bios,tag:pxe,pxelinux.0",
            "--dhcp-option=66,boot.test",
            "--dhcp-option=209,pxelinux.cfg/default",
            "--dhcp-option=210,/tftpboot/",
            "--dhcp-option=option:mtu,1400",
            "--domain=boot.test", "--local=/test/",
            "--host-record=boot.test,10.99.0.1",
            "--cname=www.boot.test,boot.test"]
    srv = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # ready when it has said which range it serves
    for _ in range(100):
        if srv.poll() is not None:
            raise RuntimeError(f"dnsmasq exited {srv.returncode}: {srv.stderr.read()}")
        if os.path.exists(log) and "DHCP, IP range" in open(log).read():
            return srv, log
        time.sleep(0.05)
    raise RuntimeError("dnsmasq did not start within 5 s")


def teardown(srv):
    if srv and srv.poll() is None:
        srv.terminate()
        try:
            srv.wait(timeout=5)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    for ns in (NS_CLI, NS_SRV):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def check_lease(r):
    try:
        lease = json.loads(r.stdout)
    except ValueError as e:
        tap(False, "embark dhcp --json prints a JSON lease", f"{e}\n{r.stdout}")
        return None
    want = {
        "interface": CLI_IF, "mac": CLI_MAC, "address": LEASE_ADDR, "netmask": "255.255.255.0",
        "prefix": 24, "router": "10.99.0.1", "dns": ["10.99.0.1"], "hostname": "client1",
        "domain": "boot.test", "mtu": 1400, "lease_s": 3600, "server_id": "10.99.0.1",
        "next_server": "10.99.0.1", "tftp_server": "boot.test", "bootfile": "pxelinux.0",
        "pxeconffile": "pxelinux.cfg/default", "pathprefix": "/tftpboot/", "configured": True,
    }
    wrong = {k: (v, lease.get(k)) for k, v in want.items() if lease.get(k) != v}
    tap(not wrong, "lease fields: address, mask, router, DNS, PXE options, MTU, lease time",
           "\n".join(f"{k}: want {w!r}, got {g!r}" for k, (w, g) in wrong.items()))
    return lease


def run_tests(log):
    r = in_cli(EMBARK, "dhcp", "--interface", CLI_IF, "--timeout", "20", "--configure", "--json",
               "--resolve", "www.boot.test", "--verbose")
    tap(r.returncode == 0, "embark dhcp --configure --json --resolve exits 0",
           f"exit {r.returncode}\n{r.stderr}")
    lease = check_lease(r)
    steps = [s for s in ("DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPACK") if s in r.stderr]
    tap(len(steps) == 4, "--verbose shows DISCOVER, OFFER, REQUEST, ACK", r.stderr)
    tap(lease is not None and lease.get("resolved") == "10.99.0.1",
           "--resolve www.boot.test follows the CNAME with the lease's DNS server",
           f"{lease and lease.get('resolved')}\n{r.stderr}")
    dl = open(log).read()
    tags = [l for l in dl.splitlines() if " tags: " in l]
    tap("vendor class: PXEClient:Arch:00000:UNDI:002001" in dl and len(tags) >= 2
           and all("bios" in t and "pxe" in t and "known" in t for t in tags),
           "dnsmasq matched options 60 (PXE class), 61 (client id) and 93 (arch)", dl[-3000:])

    a = sh("ip", "-n", NS_CLI, "-4", "addr", "show", "dev", CLI_IF, check=False).stdout
    tap(f"inet {LEASE_ADDR}/24 brd 10.99.0.255" in a, "address configured with prefix and "
           "broadcast", a)
    rt = sh("ip", "-n", NS_CLI, "-4", "route", "show", "default", check=False).stdout
    tap(f"default via 10.99.0.1 dev {CLI_IF} proto dhcp" in rt, "default route via the "
           "router, protocol dhcp", rt)
    ln = sh("ip", "-n", NS_CLI, "link", "show", "dev", CLI_IF, check=False).stdout
    tap("mtu 1400" in ln and ",UP" in ln, "link brought up, MTU 1400 from option 26", ln)

    r = in_cli(EMBARK, "resolve", "boot.test", "--server", "10.99.0.1")
    tap(r.returncode == 0 and r.stdout.strip() == "10.99.0.1", "embark resolve boot.test",
           f"exit {r.returncode}\n{r.stdout}{r.stderr}")
    r = in_cli(EMBARK, "resolve", "10.1.2.3")
    tap(r.returncode == 0 and r.stdout.strip() == "10.1.2.3",
           "a dotted quad needs no server and no query", f"{r.stdout}{r.stderr}")
    r = in_cli(EMBARK, "resolve", "nothing.test", "--server", "10.99.0.1")
    tap(r.returncode == 1 and "NXDOMAIN" in r.stderr and "10.99.0.1" in r.stderr,
           "NXDOMAIN: exit 1, says so and names the server", f"exit {r.returncode}\n{r.stderr}")
    # Our own address: nothing listens on port 53 there, the kernel answers port unreachable.
    r = in_cli(EMBARK, "resolve", "boot.test", "--server", LEASE_ADDR, "--timeout", "3")
    tap(r.returncode == 1 and "refused" in r.stderr, "no name server there: refused",
           f"exit {r.returncode}\n{r.stderr}")

    r = in_cli(EMBARK, "dhcp", "--interface", CLI_IF, "--flush")
    a = sh("ip", "-n", NS_CLI, "-4", "addr", "show", "dev", CLI_IF, check=False).stdout
    rt = sh("ip", "-n", NS_CLI, "-4", "route", "show", check=False).stdout
    tap(r.returncode == 0 and "inet " not in a and not rt.strip(),
           "--flush removes the address and so the routes", f"{r.stderr}\n{a}\n{rt}")

    # Without --interface the only Ethernet link there is chosen; without --configure nothing
    # is set.
    r = in_cli(EMBARK, "dhcp", "--timeout", "20")
    a = sh("ip", "-n", NS_CLI, "-4", "addr", "show", "dev", CLI_IF, check=False).stdout
    tap(r.returncode == 0 and f"address     {LEASE_ADDR}/24 (not configured" in r.stdout
           and f"interface   {CLI_IF}" in r.stdout and "inet " not in a,
           "interface chosen from /sys/class/net; text output; nothing configured",
           f"exit {r.returncode}\n{r.stdout}{r.stderr}\n{a}")

    r = in_cli(EMBARK, "dhcp", "--interface", "nosuch0", "--timeout", "2")
    tap(r.returncode == 1 and "nosuch0" in r.stderr, "a missing interface is named",
           f"exit {r.returncode}\n{r.stderr}")
    r = in_cli(EMBARK, "dhcp", "--interface", CLI_IF, "--bogus")
    tap(r.returncode == 2 and "--bogus" in r.stderr, "a bad option is a usage error",
           f"exit {r.returncode}\n{r.stderr}")


# A scripted DHCP server for what dnsmasq will not do on request: it NAKs the first REQUEST,
# and its ACK carries a bootfile split over three pieces (RFC 3396) in the options, file and
# sname fields (option 52 = 3). Raw frames on an AF_PACKET socket in the server namespace;
# it records what it saw as JSON lines in argv[1] and exits after the ACK or 20 s.
SCRIPTED_SERVER = r"""
import json, socket, struct, sys, time
out = open(sys.argv[1], "w")
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return s
def ip(a): return socket.inet_aton(a)
def opt(c, v): return bytes([c, len(v)]) + v
def options(b):
    o, i = {}, 240
    while i < len(b) and b[i] != 255:
        if b[i] == 0: i += 1; continue
        o.setdefault(b[i], b""); o[b[i]] += b[i + 2:i + 2 + b[i + 1]]; i += 2 + b[i + 1]
    return o
def reply(req, typ, opts, file=b"", sname=b""):
    m = bytearray(236); m[0:3] = b"\x02\x01\x06"; m[4:8] = req[4:8]; m[10:12] = req[10:12]
    if typ != 6: m[16:20] = ip("10.99.0.77")
    m[20:24] = ip("10.99.0.1"); m[28:44] = req[28:44]; m[44:44 + len(sname)] = sname
    m[108:108 + len(file)] = file
    body = bytes(m) + b"\x63\x82\x53\x63" + opt(53, bytes([typ])) + opt(54, ip("10.99.0.1")) + opts + b"\xff"
    ulen = 8 + len(body)
    iph = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0, 64, 17, 0, ip("10.99.0.1"), ip("255.255.255.255")))
    iph[10:12] = struct.pack(">H", 0xffff ^ csum(bytes(iph)))
    udp = bytearray(struct.pack(">HHHH", 67, 68, ulen, 0)) + body
    c = 0xffff ^ csum(ip("10.99.0.1") + ip("255.255.255.255") + struct.pack(">BBH", 0, 17, ulen) + bytes(udp))
    udp[6:8] = struct.pack(">H", c or 0xffff)
    return b"\xff" * 6 + s.getsockname()[4] + b"\x08\x00" + bytes(iph) + bytes(udp)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("ebk-srv", 0x0800))
s.settimeout(0.5)
print("ready", flush=True)
naks, end = 0, time.time() + 20
lease = opt(1, ip("255.255.255.0")) + opt(3, ip("10.99.0.1")) + opt(51, struct.pack(">I", 600))
while time.time() < end:
    try: f = s.recv(2048)
    except socket.timeout: continue
    if len(f) < 42 + 240 or f[23] != 17 or struct.unpack(">H", f[36:38])[0] != 67: continue
    b = f[14 + (f[14] & 15) * 4 + 8:]
    o = options(b)
    typ = o.get(53, b"\0")[0]
    xid = b[4:8].hex()
    out.write(json.dumps({"type": typ, "xid": xid, "requested": socket.inet_ntoa(o[50]) if 50 in o else None}) + "\n"); out.flush()
    if typ == 1:
        s.send(reply(b, 2, lease))
    elif typ == 3 and naks == 0:
        naks += 1
        s.send(reply(b, 6, b""))
    elif typ == 3:
        s.send(reply(b, 5, lease + opt(52, b"\x03") + opt(67, b"boot/"),
                     file=opt(67, b"pxelinux") + b"\xff", sname=opt(67, b".0") + opt(66, b"tftp.test") + b"\xff"))
        break
"""


def run_scripted_server(tmp):
    """NAK then ACK from the scripted server: a new xid after the NAK, options split over the
    options, file and sname fields put together."""
    seen = os.path.join(tmp, "scripted.jsonl")
    srv = subprocess.Popen(["ip", "netns", "exec", NS_SRV, sys.executable, "-c", SCRIPTED_SERVER,
                            seen], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = srv.stdout.readline().strip()
        r = in_cli(EMBARK, "dhcp", "--interface", CLI_IF, "--timeout", "20", "--json", "--verbose")
    finally:
        if srv.poll() is None:
            srv.terminate()
        srv.wait(timeout=5)
    msgs = [json.loads(l) for l in open(seen)] if os.path.exists(seen) else []
    try:
        lease = json.loads(r.stdout)
    except ValueError:
        lease = {}
    tap(ready == "ready" and r.returncode == 0 and lease.get("address") == "10.99.0.77"
           and "DHCPNAK" in r.stderr,
           "after a DHCPNAK the client starts again and gets the lease",
           f"exit {r.returncode}\n{r.stdout}{r.stderr}\n{msgs}")
    types = [m["type"] for m in msgs]
    xids = [m["xid"] for m in msgs]
    tap(types == [1, 3, 1, 3] and xids[0] == xids[1] and xids[2] == xids[3]
           and xids[0] != xids[2] and msgs[1]["requested"] == "10.99.0.77",
           "DISCOVER, REQUEST (option 50, same xid), then a new xid after the NAK", msgs)
    tap(lease.get("bootfile") == "boot/pxelinux.0" and lease.get("tftp_server") == "tftp.test"
           and lease.get("lease_s") == 600,
           "option 67 split over options, file and sname (option 52) is put together",
           json.dumps(lease))


def run_silent_network(srv):
    """With dnsmasq stopped nobody answers: a bounded wait and an error that says what to do."""
    srv.terminate()
    srv.wait(timeout=5)
    t0 = time.monotonic()
    r = in_cli(EMBARK, "dhcp", "--interface", CLI_IF, "--timeout", "3")
    took = time.monotonic() - t0
    tap(r.returncode == 1 and f"{CLI_IF}: no DHCP lease within" in r.stderr
           and "DHCP server" in r.stderr and took < 6,
           f"no server: exit 1 after the timeout ({took:.1f} s) naming the interface",
           f"exit {r.returncode}\n{r.stderr}")


def main():
    why = None
    if os.geteuid() != 0:
        why = "needs root (network namespaces)"
    elif not shutil.which("ip") or not shutil.which("dnsmasq"):
        why = "needs ip (iproute2) and dnsmasq (tools/deps.sh packages)"
    elif not os.access(EMBARK, os.X_OK):
        why = f"{EMBARK} is not built"
    if why:
        print(f"ok 1 - embark dhcp against dnsmasq # SKIP {why}", flush=True)
        return 0
    srv = None
    # SIGTERM (a runner's timeout) must still reach the cleanup below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory(prefix="embark-net-") as tmp:
        try:
            srv, log = setup(tmp)
            run_tests(log)
            run_silent_network(srv)
            run_scripted_server(tmp)
        except Exception as e:  # setup failures and timeouts are failures, not crashes
            tap(False, "network namespace test ran to the end", repr(e))
        finally:
            teardown(srv)
    print(f"# {tap.n - tap.failed} passed, {tap.failed} failed", flush=True)
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
