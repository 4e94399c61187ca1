"""`python -m engram.server PATH [--host ...] [--port ...]`: the same as `engram serve`."""

from __future__ import annotations

import sys

from engram.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
