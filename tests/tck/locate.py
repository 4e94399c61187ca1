"""Find the TCK feature files and named graphs: `$ENGRAM_TCK_DIR`, else `../shared/tck`.

The default is `../shared/tck/features` relative to the repository root (for a linked git
worktree, the main checkout's root is tried too, since the worktree sits elsewhere); named
graphs live
beside the features directory, in `graphs/<name>/<name>.cypher` (the upstream layout), or in
`$ENGRAM_TCK_GRAPHS` when that is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "ENV_FEATURES",
    "ENV_GRAPHS",
    "REPO_ROOT",
    "TckLocation",
    "default_feature_dirs",
    "directory_marker",
    "feature_files",
    "locate",
]

ENV_FEATURES: Final = "ENGRAM_TCK_DIR"
ENV_GRAPHS: Final = "ENGRAM_TCK_GRAPHS"
REPO_ROOT: Final = Path(__file__).resolve().parents[2]
_SHARED_FEATURES: Final = Path("shared") / "tck" / "features"


@dataclass(frozen=True, slots=True)
class TckLocation:
    """Where the features are (None when missing) and why, for the skip message."""

    features: Path | None
    graphs: Path
    description: str


def locate() -> TckLocation:
    """Resolve the feature and graph directories from the environment and the defaults."""
    configured = os.environ.get(ENV_FEATURES)
    if configured:
        features = Path(configured).expanduser().resolve()
        source = f"${ENV_FEATURES}={configured}"
    else:
        candidates = default_feature_dirs()
        features = next((path for path in candidates if path.is_dir()), candidates[0])
        source = "the default " + " or ".join(str(path) for path in candidates)
    graphs_setting = os.environ.get(ENV_GRAPHS)
    graphs = (
        Path(graphs_setting).expanduser().resolve()
        if graphs_setting
        else features.parent / "graphs"
    )
    if not features.is_dir():
        return TckLocation(
            None,
            graphs,
            f"no openCypher TCK feature directory at {source}; set {ENV_FEATURES} to a "
            "directory of .feature files to run the TCK",
        )
    return TckLocation(features, graphs, source)


def default_feature_dirs() -> list[Path]:
    """`../shared/tck/features` beside the repository root, and beside the main checkout."""
    roots = [REPO_ROOT]
    git = REPO_ROOT / ".git"
    if git.is_file():
        # a linked worktree: ".git" holds "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(git.read_text(encoding="utf-8").partition("gitdir:")[2].strip())
        if gitdir.parent.name == "worktrees" and gitdir.parent.parent.name == ".git":
            roots.append(gitdir.parent.parent.parent)
    return [root.parent / _SHARED_FEATURES for root in roots]


def feature_files(features: Path) -> list[Path]:
    """Every `.feature` file under `features`, in a stable order."""
    return sorted(
        features.rglob("*.feature"), key=lambda path: path.relative_to(features).as_posix()
    )


def directory_marker(directory: str) -> str:
    """The pytest marker of a feature directory (non-alphanumerics become `_`).

    >>> directory_marker("expressions/typeConversion")
    'expressions_typeConversion'
    """
    cleaned = "".join(char if char.isalnum() else "_" for char in directory)
    return cleaned.strip("_") or "root"
