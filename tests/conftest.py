"""Test-suite hooks: the `.test` runner, its run modes and the TCK options (tests/support)."""

from __future__ import annotations

from tests.support.plugin import pytest_addoption, pytest_collect_file, pytest_configure

__all__ = ["pytest_addoption", "pytest_collect_file", "pytest_configure"]
