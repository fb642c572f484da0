#!/usr/bin/env python3
"""`embark verify` / `embark fit` against FITs made at test time by the real tools.

Valid matrix (must verify): mkimage-signed configurations with sha256/384/512 and
RSA-2048/3072/4096 (PKCS#1 v1.5 and PSS), ECDSA P-256 by mkimage, ECDSA P-384 signed with
openssl over the bytes tests/tools/fdt.py computes (Debian's mkimage refuses ecdsa384), image
signatures, several configurations, external data (-E), a gzip kernel.
Attack matrix (must be refused, each with the rule named): see ATTACKS below.
TAP output, one line a case. Uses build/embark (the musl product).
"""

import gzip
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fdt as F  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import tap  # noqa: E402

B = os.path.join(REPO, os.environ.get("B", "build"))
EMBARK = os.path.join(B, "embark")
WORK = os.path.join(B, "tests", "fit")
KEYS = os.path.join(WORK, "keys")


def sh(*cmd, cwd=WORK):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def embark(*args):
    r = subprocess.run([EMBARK, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def w(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def r(path):
    with open(path, "rb") as f:
        return f.read()


def setup():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(KEYS)
    for name, bits in (("dev", 2048), ("dev3k", 3072), ("dev4k", 4096), ("other", 2048)):
        sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}",
           "-out", f"{KEYS}/{name}.key")
        sh("openssl", "req", "-batch", "-new", "-x509", "-key", f"{KEYS}/{name}.key",
           "-out", f"{KEYS}/{name}.crt", "-subj", f"/CN={name}")
        sh("openssl", "pkey", "-in", f"{KEYS}/{name}.key", "-pubout", "-out",
           f"{KEYS}/{name}.pub.pem")
    sh("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
       f"{KEYS}/ec256.pem")
    sh("openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out",
       f"{KEYS}/ec384.key")
    sh("openssl", "ec", "-in", f"{KEYS}/ec384.key", "-pubout", "-out", f"{KEYS}/ec384.pub.pem")
    w(f"{WORK}/kernel.bin", os.urandom(300 * 1024))
    w(f"{WORK}/ramdisk.bin", os.urandom(100 * 1024))
    w(f"{WORK}/kernel.gz", gzip.compress(r(f"{WORK}/kernel.bin"), 9, mtime=0))
    w(f"{WORK}/board.dts", '/dts-v1/; / { model = "embark-test"; };\n')
    sh("dtc", "-I", "dts", "-O", "dtb", "-o", "board.dtb", "board.dts")
    w(f"{WORK}/ctl.dts", "/dts-v1/; / { signature { }; };\n")
    sh("dtc", "-I", "dts", "-O", "dtb", "-o", "ctl-empty.dtb", "ctl.dts")


def its(sig=None, padding=None, hash_algo="sha256", sign_images='"kernel", "ramdisk", "fdt"',
        kernel="kernel.bin", compression="none", image_sig=None, conf2=False, key="dev"):
    """An .its with kernel, ramdisk and fdt images and configuration conf-1 (default)."""
    def image(name, typ, data, comp="none"):
        s = f"""
        {name} {{
            description = "{name} for embark tests";
            data = /incbin/("{data}");
            type = "{typ}"; arch = "x86_64"; os = "linux"; compression = "{comp}";
            load = <0x01000000>; entry = <0x01000000>;
            hash-1 {{ algo = "{hash_algo}"; }};"""
        if image_sig:
            s += f"""
            signature-1 {{ algo = "{image_sig}"; key-name-hint = "{key}"; }};"""
        return s + "\n        };"
    conf_sig = ""
    if sig:
        conf_sig = f"""
            signature-1 {{
                algo = "{sig}"; key-name-hint = "{key}";
                {f'padding = "{padding}";' if padding else ''}
                {f'sign-images = {sign_images};' if sign_images else ''}
            }};"""
    second = """
        conf-2 { description = "second"; kernel = "kernel"; bootargs = "console=ttyS0 conf=2"; };""" \
        if conf2 else ""
    return f"""/dts-v1/;
/ {{
    description = "embark test FIT";
    #address-cells = <1>;
    images {{{image("kernel", "kernel", kernel, compression)}{image("ramdisk", "ramdisk", "ramdisk.bin")}{image("fdt-1", "flat_dt", "board.dtb")}
    }};
    configurations {{
        default = "conf-1";
        conf-1 {{
            description = "signed configuration";
            kernel = "kernel"; ramdisk = "ramdisk"; fdt = "fdt-1";
            bootargs = "console=ttyS0 quiet";{conf_sig}
        }};{second}
    }};
}};
"""


def build(name, its_text, external=False, keydir=KEYS, ctl="ctl-empty.dtb", required=True):
    """mkimage a FIT; returns (itb path, control dtb path with the public key)."""
    w(f"{WORK}/{name}.its", its_text)
    ctl_out = f"{WORK}/{name}.ctl.dtb"
    shutil.copy(f"{WORK}/{ctl}", ctl_out)
    cmd = ["mkimage", "-f", f"{name}.its", "-k", keydir, "-K", ctl_out]
    if required:
        cmd.append("-r")
    if external:
        cmd.append("-E")
    sh(*cmd, f"{name}.itb")
    return f"{WORK}/{name}.itb", ctl_out


def der_to_raw(der, size):
    """openssl's ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) to U-Boot's raw r||s."""
    assert der[0] == 0x30
    pos = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert der[pos] == 0x02
        ln = der[pos + 1]
        v = der[pos + 2:pos + 2 + ln].lstrip(b"\0")
        out += v.rjust(size, b"\0")
        pos += 2 + ln
    return out


def sign_with_openssl(itb_unsigned, out, keyfile, algo, curve_bytes, dgst):
    """Adds /configurations/conf-1/signature-1 and signs it with openssl over the bytes
    fdt.py computes (an implementation independent of embark's)."""
    t = F.Fdt(r(itb_unsigned))
    conf = F.node_at(t.root, "/configurations/conf-1")
    nodes = ["/", "/configurations/conf-1"]
    for role in ("kernel", "ramdisk", "fdt"):
        img = conf.get(role)[:-1].decode()
        nodes.append(f"/images/{img}")
        for c in F.node_at(t.root, f"/images/{img}").children:
            if c.name.startswith("hash"):
                nodes.append(f"/images/{img}/{c.name}")
    sig = F.Node("signature-1")
    sig.props = [["algo", algo.encode() + b"\0"], ["key-name-hint", b"ec384\0"],
                 ["hashed-nodes", F.stringlist(*nodes)], ["hashed-strings", F.u32(0, 0)],
                 ["value", bytes(2 * curve_bytes)]]
    conf.children.append(sig)
    t.to_bytes()  # adds every new property name to the strings block
    sig.set("hashed-strings", F.u32(0, len(t.strings)))
    blob = t.to_bytes()
    w(f"{WORK}/tosign.bin", F.signed_bytes(blob, set(nodes)))
    der = subprocess.run(["openssl", "dgst", f"-{dgst}", "-sign", keyfile, f"{WORK}/tosign.bin"],
                         capture_output=True, check=True).stdout
    sig.set("value", der_to_raw(der, curve_bytes))
    w(out, t.to_bytes())
    return out


def expect_ok(name, itb, keyring, *extra):
    rc, out, err = embark("verify", "--keyring", keyring, itb, *extra)
    tap(rc == 0 and "verified" in out, f"valid: {name}", f"rc={rc}\n{out}\n{err}")


def expect_refused(name, itb, keyring, rule, *extra):
    rc, out, err = embark("verify", "--keyring", keyring, itb, *extra)
    ok = rc == 1 and re.search(rule, err) is not None and len(err.strip().splitlines()) == 1
    tap(ok, f"refused: {name}", f"rc={rc} wanted /{rule}/\n{out}\n{err}")


def mutate(base, name, fn, keep_trailer=True):
    t = F.Fdt(r(base))
    fn(t)
    return w(f"{WORK}/attack-{name}.itb", t.to_bytes(keep_trailer))


def main():
    if not os.access(EMBARK, os.X_OK):
        tap(False, "build/embark exists", "run make")
        return 1
    setup()

    # --- valid matrix ------------------------------------------------------------------
    base, ctl = build("rsa2048", its(sig="sha256,rsa2048"))
    expect_ok("sha256,rsa2048 PKCS#1 v1.5 configuration signature", base, ctl)
    for name, sig, key, pad in (("rsa2048-pss", "sha256,rsa2048", "dev", "pss"),
                                ("rsa3072", "sha384,rsa3072", "dev3k", None),
                                ("rsa4096-pss", "sha512,rsa4096", "dev4k", "pss")):
        itb, c = build(name, its(sig=sig, key=key, padding=pad))
        expect_ok(f"{sig}{' pss' if pad else ''}", itb, c)
    itb, c = build("ec256", its(sig="sha256,ecdsa256", key="ec256"), required=False)
    expect_ok("sha256,ecdsa256 by mkimage (control DTB key without 'required')", itb, c)
    unsigned, _ = build("unsigned", its())
    ec384 = sign_with_openssl(unsigned, f"{WORK}/ec384.itb", f"{KEYS}/ec384.key",
                              "sha384,ecdsa384", 48, "sha384")
    expect_ok("sha384,ecdsa384 signed by openssl over fdt.py's bytes, PEM keyring", ec384,
              f"{KEYS}/ec384.pub.pem")
    itb, c = build("imagesig", its(image_sig="sha256,rsa2048"))
    expect_ok("image signatures on every image, no configuration signature", itb, c)
    multi, c = build("multi", its(sig="sha256,rsa2048", conf2=False) .replace(
        "    };\n};", "        conf-2 { description = \"alt\"; kernel = \"kernel\"; ramdisk = \"ramdisk\";"
        " signature-1 { algo = \"sha256,rsa2048\"; key-name-hint = \"dev\";"
        " sign-images = \"kernel\", \"ramdisk\"; }; };\n    };\n};"))
    expect_ok("second signed configuration by --config", multi, c, "--config", "conf-2")
    ext, c = build("external", its(sig="sha256,rsa2048"), external=True)
    expect_ok("external data (mkimage -E)", ext, c)
    gz, c = build("gzip", its(sig="sha256,rsa2048", kernel="kernel.gz", compression="gzip"))
    expect_ok("gzip-compressed kernel", gz, c)
    sha1, c1 = build("sha1", its(sig="sha1,rsa2048", hash_algo="sha256"))
    expect_refused("sha1 signature without --allow-sha1", sha1, c1, r"sha1 signatures are refused")
    expect_ok("sha1 signature with --allow-sha1", sha1, c1, "--allow-sha1")

    # --- CLI output ----------------------------------------------------------------------
    rc, out, err = embark("verify", "--keyring", ctl, base, "--json")
    tap(rc == 0 and '"verified":true' in out and '"role":"ramdisk"' in out,
        "verify --json reports the verified images", out + err)
    rc, out, err = embark("fit", "list", base)
    tap(rc == 0 and "configuration conf-1 (default)" in out and "sha256" in out
        and "signature-1: sha256,rsa2048" in out, "fit list shows images, hashes, signatures",
        out + err)
    outdir = f"{WORK}/extract"
    rc, out, err = embark("fit", "extract", gz, "--keyring", c, "--out", outdir)
    tap(rc == 0 and r(f"{outdir}/kernel") == r(f"{WORK}/kernel.bin")
        and r(f"{outdir}/ramdisk") == r(f"{WORK}/ramdisk.bin"),
        "fit extract writes the verified, decompressed images", out + err)
    rc, out, err = embark("verify", "--keyring", ctl, f"{WORK}/nonexistent.itb")
    tap(rc == 2 and "ENOENT" in err, "missing image: exit 2 with errno name", err)

    # --- attack matrix -------------------------------------------------------------------
    def flip_data(t):
        k = F.node_at(t.root, "/images/kernel")
        d = bytearray(k.get("data"))
        d[1000] ^= 1
        k.set("data", bytes(d))
    expect_refused("flipped kernel data byte", mutate(base, "flip", flip_data), ctl,
                   r"/images/kernel/hash-1: sha256 of the image data does not match")

    def change_prop(t):
        F.node_at(t.root, "/images/kernel").set("load", F.u32(0x02000000))
    expect_refused("changed property in a signed node", mutate(base, "prop", change_prop), ctl,
                   r"no key in the keyring verifies it")

    def extra_hash(t):
        k = F.node_at(t.root, "/images/kernel")
        h = F.Node("hash-2")
        h.props = [["algo", b"crc32\0"], ["value", b"\0\0\0\0"]]
        k.children.append(h)
    expect_refused("unsigned extra hash node under a signed image",
                   mutate(base, "extrahash", extra_hash), ctl,
                   r"/images/kernel/hash-2 is not covered by the signature")

    def extra_conf_node(t):
        F.node_at(t.root, "/configurations/conf-1").children.append(F.Node("evil"))
    expect_refused("unsigned extra node in the signed configuration",
                   mutate(base, "extranode", extra_conf_node), ctl, r"no key in the keyring")

    def drop_hashed(t):
        s = F.node_at(t.root, "/configurations/conf-1/signature-1")
        items = [x for x in s.get("hashed-nodes").split(b"\0") if x and b"ramdisk" not in x]
        s.set("hashed-nodes", F.stringlist(*[x.decode() for x in items]))
    expect_refused("hashed-nodes edited (ramdisk dropped)", mutate(base, "hashednodes", drop_hashed),
                   ctl, r"/images/ramdisk is not covered")

    def add_hashed(t):
        s = F.node_at(t.root, "/configurations/conf-1/signature-1")
        s.set("hashed-nodes", s.get("hashed-nodes") + b"/images/other\0")
    expect_refused("hashed-nodes edited (extra node)", mutate(base, "hashedextra", add_hashed),
                   ctl, r"lists /images/other, which configuration 'conf-1' does not use")

    def at_name(t):
        F.node_at(t.root, "/images/ramdisk").name = "ramdisk@1"
        F.node_at(t.root, "/configurations/conf-1").set("ramdisk", b"ramdisk@1\0")
    expect_refused("node renamed with '@'", mutate(base, "at", at_name), ctl, r"'@' in a node name")

    def dup_node(t):
        images = F.node_at(t.root, "/images")
        evil = F.Node("kernel")
        evil.props = [["data", b"evil"], ["type", b"kernel\0"]]
        images.children.append(evil)
    expect_refused("duplicated node name", mutate(base, "dup", dup_node), ctl,
                   r"two sibling nodes named 'kernel'")

    def swap_config(t):
        confs = F.node_at(t.root, "/configurations")
        evil = F.Node("conf-evil")
        evil.props = [["kernel", b"kernel\0"], ["bootargs", b"init=/bin/sh\0"]]
        confs.children.append(evil)
        confs.set("default", b"conf-evil\0")
    expect_refused("default swapped to an unsigned configuration", mutate(base, "swap", swap_config),
                   ctl, r"conf-evil: required key dev did not verify it")
    expect_refused("unsigned configuration named explicitly", mutate(base, "swap2", swap_config),
                   ctl, r"conf-evil", "--config", "conf-evil")

    def oob(t):
        F.node_at(t.root, "/images/kernel").set("data-size", F.u32(0x7FFFFFF0))
    expect_refused("external data past the end of the file", mutate(ext, "oob", oob), ctl.replace(
        "rsa2048", "external"), r"runs past the end of the file")

    def overlap(t):
        F.node_at(t.root, "/images/kernel").remove("data-offset")
        F.node_at(t.root, "/images/kernel").set("data-position", F.u32(0))
    expect_refused("external data overlapping the tree", mutate(ext, "overlap", overlap),
                   ctl.replace("rsa2048", "external"), r"overlaps the tree")

    def strings_huge(t):
        F.node_at(t.root, "/configurations/conf-1/signature-1").set("hashed-strings",
                                                                   F.u32(0, 0xFFFFFFFF))
    expect_refused("hashed-strings size 0xFFFFFFFF", mutate(base, "strings", strings_huge), ctl,
                   r"hashed-strings must be <0 N> with N at most")

    def strings_short(t):
        F.node_at(t.root, "/configurations/conf-1/signature-1").set("hashed-strings",
                                                                   F.u32(0, 8))
    expect_refused("hashed-strings shorter than the signed names",
                   mutate(base, "stringsshort", strings_short), ctl,
                   r"name lies outside hashed-strings")

    def version16(t):
        t.version = 16
    expect_refused("FDT version 16", mutate(base, "v16", version16), ctl, r"version 16")

    def deep(t):
        node = F.node_at(t.root, "/images/fdt-1")
        for i in range(40):
            c = F.Node(f"n{i}")
            node.children.append(c)
            node = c
    expect_refused("deep nesting", mutate(base, "deep", deep), ctl, r"deeper than 32 levels")

    blob = r(base)
    expect_refused("truncated file", w(f"{WORK}/attack-trunc.itb", blob[:len(blob) // 2]), ctl,
                   r"truncated")
    expect_refused("wrong key", base, f"{KEYS}/other.pub.pem", r"no key in the keyring verifies it")
    # A control DTB where both dev and other are required: other never signed this image.
    _, both = build("other-signer", its(sig="sha256,rsa2048", key="other"), ctl=os.path.relpath(
        ctl, WORK))
    expect_refused("required key missing", base, both, r"required key other did not verify it")
    nosign, c = build("default-sign-images", its(sig="sha256,rsa2048", sign_images=None))
    expect_refused("ramdisk left out of sign-images (mkimage's default)", nosign, c,
                   r"/images/ramdisk is not covered by the signature")
    expect_refused("image signatures only, one image tampered",
                   mutate(f"{WORK}/imagesig.itb", "imgsig", flip_data),
                   f"{WORK}/imagesig.ctl.dtb", r"required key dev did not sign the image|does not match")
    return tap.status()


if __name__ == "__main__":
    try:
        rc = main()
    except Exception as e:  # a fixture that cannot be built is a failure, not a crash
        tap(False, f"fixtures: {type(e).__name__}", e)
        rc = 1
    sys.exit(rc)
