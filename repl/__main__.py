"""`python -m engram.repl [PATH] [--demo] ...`: the same as `engram shell`."""

from __future__ import annotations

import sys

from engram.cli import main

if __name__ == "__main__":
    sys.exit(main(["shell", *sys.argv[1:]]))
