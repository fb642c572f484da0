#!/usr/bin/env python3
"""Boot configuration corpus: every tests/bootcfg/<case>/ holds a filesystem tree `root/`
written the way a real distro or tool writes it, and `expected.json`, the exact output of
`embark parse --root <case>/root --json` (plus the arguments in `args`, one a line, if that
file exists). The case passes when the JSON is equal. TAP output, one line a case.

UPDATE=1 rewrites expected.json from embark's output: review the diff before committing it.
"""

import difflib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from taplib import Tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(REPO, "tests", "bootcfg")
EMBARK = os.path.join(REPO, os.environ.get("B", "build"), "embark")


def main():
    tap = Tap(detail_lines=40)
    cases = sorted(d for d in os.listdir(CORPUS) if os.path.isdir(os.path.join(CORPUS, d, "root")))
    for case in cases:
        d = os.path.join(CORPUS, case)
        args = []
        if os.path.exists(os.path.join(d, "args")):
            with open(os.path.join(d, "args")) as f:
                args = [a for a in f.read().splitlines() if a]
        r = subprocess.run([EMBARK, "parse", "--root", os.path.join(d, "root"), "--json", *args],
                           capture_output=True, text=True)
        detail = ""
        try:
            got = json.loads(r.stdout)
        except ValueError:
            got = None
            detail = f"not JSON (exit {r.returncode}): {r.stdout[:400]}\n{r.stderr[-800:]}"
        exp_path = os.path.join(d, "expected.json")
        if got is not None and os.environ.get("UPDATE") == "1":
            with open(exp_path, "w") as f:
                json.dump(got, f, indent=2, sort_keys=True)
                f.write("\n")
        try:
            with open(exp_path) as f:
                want = json.load(f)
        except (OSError, ValueError) as e:
            want = None
            detail = detail or f"expected.json unreadable: {e}"
        ok = got is not None and got == want
        if not ok and not detail:
            a = json.dumps(want, indent=2, sort_keys=True).splitlines()
            b = json.dumps(got, indent=2, sort_keys=True).splitlines()
            detail = "\n".join(difflib.unified_diff(a, b, "expected", "embark", lineterm=""))
            detail += "\n" + r.stderr[-600:]
        tap(ok, f"bootcfg corpus: {case}", detail)
    if tap.n == 0:
        tap(False, "bootcfg corpus: no cases under tests/bootcfg")
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
