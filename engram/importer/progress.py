"""The import's progress bar (rich): input read with rate and time left, then the commit.

`Progress` is a no-op unless it is shown, so the loader reports progress the same way
whether it runs under the command line (bars on standard error) or from Python (quiet
unless asked).
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.filesize import decimal
from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

__all__ = ["Progress"]


def _amount(value: float, unit: str) -> str:
    return decimal(int(value)) if unit == "bytes" else f"{int(value):,}"


class _SizeColumn(ProgressColumn):
    """Done / total, in bytes or in records."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        total = _amount(task.total or 0, unit)
        suffix = "" if unit == "bytes" else f" {unit}"
        return Text(f"{_amount(task.completed, unit)} / {total}{suffix}")


class _RateColumn(ProgressColumn):
    """Speed of the task, and the records created per second while reading."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("")
        unit = task.fields.get("unit", "")
        text = f"{decimal(int(speed))}/s" if unit == "bytes" else f"{speed:,.0f} {unit}/s"
        records = task.fields.get("records")
        if records:
            text += f" ({records})"
        return Text(text)


class Progress:
    """Two bars: reading the input, then writing the commit."""

    def __init__(self, total: int, *, unit: str = "bytes", show: bool = False) -> None:
        self._show = show
        self._bar: RichProgress | None = None
        self._read: TaskID | None = None
        self._write: TaskID | None = None
        self._total = total
        self._unit = unit
        self.console = Console(stderr=True)

    def __enter__(self) -> Progress:
        if self._show:
            self._bar = RichProgress(
                TextColumn("{task.description:<10}"),
                BarColumn(bar_width=24),
                _SizeColumn(),
                _RateColumn(),
                TimeRemainingColumn(compact=True),
                TextColumn("left"),
                console=self.console,
            )
            self._bar.start()
            self._read = self._bar.add_task(
                "reading", total=self._total, unit=self._unit, records=""
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def read(self, position: int, records: int, seconds: float) -> None:
        """The input has been read up to `position`; `records` created so far."""
        if self._bar is not None and self._read is not None:
            rate = f"{records / seconds:,.0f} rec/s" if seconds > 0 else ""
            self._bar.update(self._read, completed=position, records=rate)

    def finish_reading(self) -> None:
        """Mark the input as fully read."""
        if self._bar is not None and self._read is not None:
            self._bar.update(self._read, completed=self._total)

    def start_writing(self, records: int) -> None:
        """A commit of `records` nodes and relationships begins."""
        if self._bar is not None:
            if self._write is not None:
                self._bar.remove_task(self._write)
            self._write = self._bar.add_task(
                "committing", total=max(records, 1), unit="records", records=""
            )

    def wrote(self, records: int) -> None:
        """`records` more records are in the commit batch."""
        if self._bar is not None and self._write is not None:
            self._bar.advance(self._write, records)

    def finish_writing(self) -> None:
        """The commit is durable."""
        if self._bar is not None and self._write is not None:
            task = self._bar.tasks[-1]
            self._bar.update(self._write, completed=task.total)

    def print(self, text: str) -> None:
        """A message above the bars (bad rows as they are found)."""
        if self._show:
            self.console.print(text, markup=False, highlight=False, soft_wrap=True)
