"""The wheel's package list in pyproject.toml covers every package directory."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAPPING = {
    "engram": "engram",
    "engram.server": "server",
    "engram.repl": "repl",
    "engram.grammar": "grammar",
}


def _package_dirs() -> set[str]:
    found = set()
    for name, folder in MAPPING.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            relative = init.parent.relative_to(base)
            parts = [] if str(relative) == "." else list(relative.parts)
            if any(part.startswith((".", "__")) for part in parts):
                continue
            dotted = ".".join([name, *parts])
            # subfolders of engram that are mapped elsewhere are not nested here
            found.add(dotted)
    return found


def test_every_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    missing = _package_dirs() - listed
    assert not missing, f"add these to [tool.setuptools] packages: {sorted(missing)}"


def test_listed_packages_exist():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    stale = listed - _package_dirs()
    assert not stale, f"listed but not present: {sorted(stale)}"
