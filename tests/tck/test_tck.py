"""Anchor of the openCypher TCK run: `tests/tck/conftest.py` collects the scenarios here.

Node ids read `tests/tck/test_tck.py::clauses/match/Match1.feature::[1]`. Run the whole
suite with `pytest tests/tck`, a directory with `-m clauses_match`, and the per-directory
report with `python -m tests.tck.report` (see docs/testing.md).
"""

from __future__ import annotations
