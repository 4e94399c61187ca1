"""Memory sizes as people write them (`--memory-limit`, the server's `memory_limit`)."""

from __future__ import annotations

import pytest

from engram.execution.memory import parse_bytes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1048576", 1048576),
        ("512MiB", 512 * 1024**2),
        ("512 mib", 512 * 1024**2),
        ("2GB", 2 * 1000**3),
        ("1.5g", int(1.5 * 1024**3)),
        ("64k", 64 * 1024),
        ("1_000_000", 1_000_000),
        ("1e6", 1_000_000),
        (" 3 TiB ", 3 * 1024**4),
    ],
)
def test_sizes(text, expected):
    assert parse_bytes(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "5 xb", "0", "-5m", "0.1", "nan", "inf", "MiB"])
def test_bad_sizes_are_refused_with_examples(text):
    with pytest.raises(ValueError, match="size"):
        parse_bytes(text)
