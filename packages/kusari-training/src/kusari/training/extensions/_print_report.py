"""Printing the log as a table: :class:`PrintReport`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from kusari.serializers import AbstractSerializer

from .._extension import Extension
from ._log_report import LogReport

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["PrintReport"]


class PrintReport(Extension):
    r"""Prints each new entry of a :class:`LogReport` as a row of a table.

    The header (the entry names) is printed at the first call.  Each column is as wide
    as its name, at least 10 characters, columns are separated by two spaces, and
    numbers are printed with ``'{:g}'`` (6 significant digits), as Chainer does.  Before
    each row the rest of the terminal line is erased with ``ESC [J`` (not on Windows).

    Args:
        entries: The keys to print, such as ``['epoch', 'main/loss', 'elapsed_time']``.
        log_report: The :class:`LogReport`, or the name of one registered in the trainer.
        out: Where to write; ``sys.stdout`` (at the time of writing) when omitted.

    Example:
        >>> import io
        >>> from kusari.training.extensions import PrintReport
        >>> out = io.StringIO()
        >>> printer = PrintReport(["epoch", "main/loss"], out=out)
        >>> printer._print({"epoch": 1, "main/loss": 0.25})
        >>> out.getvalue()
        '1           0.25        \n'
    """

    def __init__(
        self,
        entries: Sequence[str],
        log_report: str | LogReport = "LogReport",
        out: TextIO | None = None,
    ) -> None:
        if isinstance(entries, str):
            raise TypeError("entries must be a sequence of keys, not a single string")
        self._entries = list(entries)
        self._log_report = log_report
        self._out = out
        self._log_len = 0
        widths = [max(10, len(entry)) for entry in self._entries]
        self._header: str | None = (
            "  ".join(
                f"{entry:{width}}" for entry, width in zip(self._entries, widths, strict=True)
            )
            + "\n"
        )
        self._templates = [
            (entry, f"{{:<{width}g}}  ", " " * (width + 2))
            for entry, width in zip(self._entries, widths, strict=True)
        ]

    @property
    def out(self) -> TextIO:
        """Where the table goes."""
        return sys.stdout if self._out is None else self._out

    def __call__(self, trainer: Trainer) -> None:
        """Print the header at the first call, then the entries logged since the last call."""
        out = self.out
        if self._header is not None:
            out.write(self._header)
            self._header = None
        log_report = self._log_report
        if isinstance(log_report, str):
            found = trainer.get_extension(log_report)
            if not isinstance(found, LogReport):
                raise TypeError(
                    f"the extension {log_report!r} is a {type(found).__name__}, not a LogReport"
                )
            log_report = found
        else:
            log_report(trainer)
        log = log_report.log
        while len(log) > self._log_len:
            if os.name != "nt":
                out.write("\033[J")
            self._print(log[self._log_len])
            self._log_len += 1

    def _print(self, entry: dict[str, Any]) -> None:
        out = self.out
        for key, template, empty in self._templates:
            out.write(template.format(entry[key]) if key in entry else empty)
        out.write("\n")
        out.flush()

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the LogReport this printer owns (when it was given as an object).

        Args:
            serializer: The serializer or deserializer.
        """
        if isinstance(self._log_report, LogReport):
            self._log_report.serialize(serializer["_log_report"])
