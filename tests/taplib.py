"""TAP output for the Python tests ("ok N - name", "not ok N - name" with "#" detail lines,
"ok N - name # SKIP why"); tests/run-check counts these lines."""

import sys


class Tap:
    def __init__(self, detail_lines=25):
        self.n = 0
        self.failed = 0
        self.detail_lines = detail_lines

    def __call__(self, ok, name, detail=""):
        """One check; on failure the last lines of DETAIL follow as comments. Returns OK."""
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}", flush=True)
        if not ok and detail:
            for line in str(detail).rstrip().splitlines()[-self.detail_lines:]:
                print(f"#   {line}", flush=True)
        return ok

    def skip(self, name, why):
        self.n += 1
        print(f"ok {self.n} - {name} # SKIP {why}", flush=True)

    def plan(self):
        """The trailing plan line, "1..N"."""
        print(f"1..{self.n}", flush=True)

    def status(self):
        """The exit status: 0 when nothing failed."""
        return 1 if self.failed else 0


tap = Tap()
skip = tap.skip

if __name__ == "__main__":
    sys.exit("taplib is a module for the tests, not a command")
