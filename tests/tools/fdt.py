"""A small flattened-device-tree reader and writer for crafting FIT test cases.

Independent of embark's C code on purpose: it re-implements, from the U-Boot documentation
and the facts in shared/debian12-facts.md, which bytes a configuration signature covers, so
fixtures signed with openssl over these bytes (ECDSA-384, which Debian's mkimage refuses)
cross-check embark's own walk. Parsing keeps the original strings block so that writing an
unmodified tree gives back the same bytes; new property names are appended.
"""

import struct

FDT_MAGIC = 0xD00DFEED
BEGIN_NODE, END_NODE, PROP, NOP, END = 1, 2, 3, 4, 9
UNSIGNED_PROPS = {"data", "data-size", "data-offset", "data-position"}


def _align4(n):
    return (n + 3) & ~3


class Node:
    def __init__(self, name):
        self.name = name
        self.props = []  # [name, bytes]
        self.children = []

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def get(self, name):
        for p in self.props:
            if p[0] == name:
                return p[1]
        return None

    def set(self, name, value):
        for p in self.props:
            if p[0] == name:
                p[1] = value
                return
        self.props.append([name, value])

    def remove(self, name):
        self.props = [p for p in self.props if p[0] != name]


def node_at(root, path):
    node = root
    for part in [p for p in path.split("/") if p]:
        node = node.child(part)
        if node is None:
            raise KeyError(path)
    return node


class Fdt:
    def __init__(self, blob):
        (magic, self.totalsize, off_struct, off_strings, off_rsv, self.version,
         self.last_comp, self.boot_cpu, size_strings, size_struct) = struct.unpack_from(
            ">10I", blob, 0)
        assert magic == FDT_MAGIC
        self.rsvmap = blob[off_rsv:off_struct]
        self.strings = bytearray(blob[off_strings:off_strings + size_strings])
        self.trailer = blob[self.totalsize:]  # external data (mkimage -E)
        self.root = None
        stack = []
        pos = off_struct
        while True:
            tag = struct.unpack_from(">I", blob, pos)[0]
            pos += 4
            if tag == BEGIN_NODE:
                end = blob.index(b"\0", pos)
                node = Node(blob[pos:end].decode())
                pos = _align4(end + 1)
                if stack:
                    stack[-1].children.append(node)
                else:
                    self.root = node
                stack.append(node)
            elif tag == END_NODE:
                stack.pop()
            elif tag == PROP:
                length, nameoff = struct.unpack_from(">II", blob, pos)
                pos += 8
                name = self.strings[nameoff:self.strings.index(b"\0", nameoff)].decode()
                stack[-1].props.append([name, bytes(blob[pos:pos + length])])
                pos = _align4(pos + length)
            elif tag == NOP:
                continue
            elif tag == END:
                break
            else:
                raise ValueError(f"bad tag {tag}")

    def _nameoff(self, name):
        key = name.encode() + b"\0"
        i = 0
        while True:  # first occurrence that starts a string, as dtc shares suffixes too
            i = self.strings.find(key, i)
            if i < 0:
                break
            return i
        off = len(self.strings)
        self.strings += key
        return off

    def struct_block(self):
        out = bytearray()

        def emit(node):
            out.extend(struct.pack(">I", BEGIN_NODE))
            nb = node.name.encode() + b"\0"
            out.extend(nb + b"\0" * (_align4(len(nb)) - len(nb)))
            for name, value in node.props:
                out.extend(struct.pack(">III", PROP, len(value), self._nameoff(name)))
                out.extend(value + b"\0" * (_align4(len(value)) - len(value)))
            for c in node.children:
                emit(c)
            out.extend(struct.pack(">I", END_NODE))

        # An explicit stack would do too; test trees are shallow except the deep-nesting
        # case, which stays far below Python's recursion limit.
        emit(self.root)
        out.extend(struct.pack(">I", END))
        return bytes(out)

    def to_bytes(self, keep_trailer=True):
        st = self.struct_block()
        off_rsv = 40
        off_struct = off_rsv + len(self.rsvmap)
        off_strings = off_struct + len(st)
        total = off_strings + len(self.strings)
        hdr = struct.pack(">10I", FDT_MAGIC, total, off_struct, off_strings, off_rsv,
                          self.version, self.last_comp, self.boot_cpu, len(self.strings),
                          len(st))
        blob = hdr + bytes(self.rsvmap) + st + bytes(self.strings)
        if keep_trailer and self.trailer:
            blob += b"\0" * (_align4(len(blob)) - len(blob)) + self.trailer
        return blob


def signed_bytes(blob, inc):
    """The bytes a configuration signature covers, for the node paths in INC."""
    (_, _, off_struct, off_strings, _, _, _, _, size_strings, size_struct) = struct.unpack_from(
        ">10I", blob, 0)
    strings = blob[off_strings:off_strings + size_strings]
    out = bytearray()
    pos = off_struct
    path = []
    wants = []
    want = 0
    prev_in = False
    while True:
        start = pos
        tag = struct.unpack_from(">I", blob, pos)[0]
        pos += 4
        if tag == BEGIN_NODE:
            end = blob.index(b"\0", pos)
            name = blob[pos:end].decode()
            pos = _align4(end + 1)
            path.append(name)
            p = "/" + "/".join(path[1:])
            wants.append(want)
            want = 2 if p in inc else max(want - 1, 0)
            now_in = want > 0
        elif tag == PROP:
            length, nameoff = struct.unpack_from(">II", blob, pos)
            pos = _align4(pos + 8 + length)
            pname = strings[nameoff:strings.index(b"\0", nameoff)].decode()
            now_in = want >= 2 and pname not in UNSIGNED_PROPS
        elif tag == NOP:
            now_in = want >= 2
        elif tag == END_NODE:
            # in when wanted, or when the tag before was in (the run ends after it)
            if want > 0 or prev_in:
                out += blob[start:pos]
            prev_in = want > 0
            want = wants.pop()
            path.pop()
            continue
        elif tag == END:
            out += blob[start:pos]
            break
        if now_in:
            out += blob[start:pos]
        prev_in = now_in
    return bytes(out) + strings


def stringlist(*items):
    return b"".join(s.encode() + b"\0" for s in items)


def u32(*values):
    return struct.pack(">%dI" % len(values), *values)
