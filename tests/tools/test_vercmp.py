#!/usr/bin/env python3
"""`embark vercmp` against the real `systemd-analyze compare-versions`: for every pair in the
table, the two-argument form (stdout and exit status) and the three-argument form with every
operator (exit status, stdout and stderr), plus operators systemd refuses. TAP output, one line
a pair. B selects the build directory (default build), like test_bootcfg_corpus.py.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EMBARK = os.path.join(REPO, os.environ.get("B", "build"), "embark")

# Pairs chosen for the rules of strverscmp_improved: '~' pre-releases, '-' releases, '^'
# patch levels, '.' point releases, leading zeros, letters against digits, ignored bytes,
# empty strings, and real distro kernel and package versions.
PAIRS = [
    ("1", "2"), ("2", "1"), ("1", "1"), ("", ""), ("", "0"), ("0", ""), ("", "a"), ("a", ""),
    ("1.0", "1"), ("1.0", "1.0.0"), ("1.2", "1.10"), ("1.02", "1.2"), ("001", "1"),
    ("0001.0002", "1.2"), ("00", "0"), ("10", "9"), ("123456789012345678901234567890",
                                                    "123456789012345678901234567891"),
    ("99999999999999999999", "100000000000000000000"),
    ("1~rc1", "1"), ("1~rc1", "1~rc2"), ("1~", "1"), ("1~~", "1~"), ("~", ""), ("~1", "~"),
    ("1~rc1", "1-1"), ("1.0~beta", "1.0~alpha"), ("5.19~rc1", "5.18"),
    ("1-1", "1"), ("1-1", "1.1"), ("1-1", "1^1"), ("1-a", "1-1"), ("1-a", "1"),
    ("1^post1", "1"), ("1^post1", "1.1"), ("1^post1", "1-1"), ("1^1", "1^2"), ("1^", "1"),
    ("1.a", "1.1"), ("1a", "1.1"), ("1a", "1.a"), ("123a", "123.a"), ("1a", "1b"),
    ("abc", "abcd"), ("abc", "abd"), ("ABC", "abc"), ("a1", "1a"), ("a", "1"),
    ("1_a", "1a"), ("1+a", "1a"), ("1..2", "1.2"), ("1--2", "1-2"), ("1.-2", "1-2"),
    ("1@2", "1.2"), ("_", ""), ("1 2", "1.2"), ("1-_a", "1-a"),
    ("123~rc1-1", "122.1"), ("123", "123~rc1-1"), ("123-a", "123"), ("123-a.1", "123-a"),
    ("123-1", "123-a.1"), ("123-1.1", "123-1"), ("123^post1", "123-1.1"),
    ("123.a-1", "123^post1"), ("123.1-1", "123.a-1"), ("123a-1", "123.1-1"), ("124-1", "123a-1"),
    ("6.5.6-300.fc39.x86_64", "6.5.12-300.fc39.x86_64"),
    ("6.5.6-300.fc39.x86_64", "6.5.6-200.fc39.x86_64"),
    ("6.1.0-13-amd64", "6.1.0-9-amd64"), ("6.1.0-13-amd64", "6.1.0-13-cloud-amd64"),
    ("5.14.0-362.8.1.el9_3.x86_64", "5.14.0-284.11.1.el9_2.x86_64"),
    ("247.2-3.1.fc33.x86_64", "247.2-3.fc33.x86_64"),
    ("5.11.0-0.rc5.20210128git76c057c84d28.137.fc34", "5.11.0-0.rc5.137.fc34"),
    ("6.6.0-rc1", "6.6.0"), ("6.6.0~rc1", "6.6.0"), ("2.0.0-alpha", "2.0.0"),
    ("2:1.0", "1:2.0"), ("1.0+git20230101", "1.0"), ("v1.2", "1.2"), ("V1.2", "v1.2"),
    ("fedora-6.5.conf", "fedora-6.5-1.conf"), ("a.conf", "a-1.conf"),
    ("8bd2fe4f3c1b4c6b9a1b0c2d3e4f5a6b-6.5.6-300.fc39.x86_64.conf",
     "8bd2fe4f3c1b4c6b9a1b0c2d3e4f5a6b-6.5.12-300.fc39.x86_64.conf"),
    ("1\u00e9", "1"), ("~", "~\u00e9"), ("~\u00e9", "~"), ("1.\u00e92", "1.2"),
]

OPERATORS = ["lt", "le", "eq", "ne", "ge", "gt", "<", "<=", "==", "!=", ">=", ">", "=", "<>"]
BAD_OPERATORS = ["LT", "", "<<", "=<", "!", "lte", "!==", "===", "gtx", "eq ", "~"]


def run(argv):
    r = subprocess.run(argv, capture_output=True)
    return r.returncode, r.stdout, r.stderr


def main():
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        tap.skip("vercmp against systemd-analyze", "systemd-analyze is not installed")
        return 0
    def check(name, want, got):
        tap(want == got, f"vercmp {name}",
            f"systemd-analyze: {want!r}\nembark:          {got!r}")

    for a, b in PAIRS:
        want, got = [], []
        want.append(run([analyze, "compare-versions", "--", a, b]))
        got.append(run([EMBARK, "vercmp", a, b]))
        # Every operator for this pair: one systemd-analyze process each. The stderr of both
        # must match too (empty, since all operators are known).
        for op in OPERATORS:
            want.append(run([analyze, "compare-versions", "--", a, op, b]))
            got.append(run([EMBARK, "vercmp", a, op, b]))
        check(f"{a!r} {b!r}", want, got)
    for op in BAD_OPERATORS:
        check(f"operator {op!r}", run([analyze, "compare-versions", "1", op, "2"]),
              run([EMBARK, "vercmp", "1", op, "2"]))
    # "--" as systemd-analyze needs it before a version that starts with '-'.
    check("'--' '-1' '2'", run([analyze, "compare-versions", "--", "-1", "2"]),
          run([EMBARK, "vercmp", "--", "-1", "2"]))
    print(f"# {tap.n - tap.failed} passed, {tap.failed} failed", flush=True)
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
