"""Running the workload: one worker process per engine, the orchestrating parent, reports."""

from __future__ import annotations
