"""Imports point down the pipeline only; front ends use the public API only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# a stage may import the stages listed after it (and shared modules), never those before
ORDER = [
    "builder",
    "api",
    "optimizer",
    "planner",
    "binder",
    "parser",
    "execution",
    "index",
    "storage",
    "catalog",
    "temporal",
]
SHARED = {"errors", "values", "types", "config", "grammar", "cli"}
# stage-contract exceptions written down in STYLE.md 4.4: the optimizer folds constants with
# the execution evaluator; lowering (in execution) reads the logical plan and bound trees
ALLOWED = {
    ("optimizer", "execution"),
    ("execution", "planner"),
    ("execution", "binder"),
    ("execution", "parser"),
    ("planner", "execution"),
}
FRONT_ENDS = {"server": ROOT / "server", "repl": ROOT / "repl"}
PUBLIC = {
    "engram",
    "engram.errors",
    "engram.values",
    "engram.planner.explain",
    "engram.temporal",
    "engram.builder",
    "engram.cli",
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "engram" or len(parts) < 2:
        return None
    return parts[1]


def test_stages_import_downwards():
    problems = []
    for path in (ROOT / "engram").rglob("*.py"):
        own = path.relative_to(ROOT / "engram").parts[0].removesuffix(".py")
        if own not in ORDER:
            continue
        for name in _imports(path):
            other = _stage(name)
            if other is None or other == own or other in SHARED or other not in ORDER:
                continue
            if ORDER.index(other) < ORDER.index(own) and (own, other) not in ALLOWED:
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not problems, "\n".join(problems)


def test_engram_never_imports_front_ends():
    problems = []
    for path in (ROOT / "engram").rglob("*.py"):
        if path.name == "cli.py":
            continue
        for name in _imports(path):
            if name.startswith(("engram.server", "engram.repl", "server", "repl")):
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not problems, "\n".join(problems)


def test_front_ends_use_public_api():
    problems = []
    for front, folder in FRONT_ENDS.items():
        for path in folder.rglob("*.py"):
            for name in _imports(path):
                if not name.startswith("engram"):
                    continue
                if name.startswith(f"engram.{front}") or name in PUBLIC:
                    continue
                if any(name.startswith(prefix + ".") for prefix in ("engram.temporal",)):
                    continue
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not problems, "\n".join(problems)
