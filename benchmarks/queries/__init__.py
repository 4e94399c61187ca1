"""The workload: query texts per engine, parameter sets, answer canonicalisation and checks."""

from __future__ import annotations
