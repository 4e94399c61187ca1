"""Temporal values: Date, LocalTime, Time, LocalDateTime, DateTime and Duration."""

from __future__ import annotations
