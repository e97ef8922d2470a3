"""``TimerHook``: wall-clock time of every link call."""

from __future__ import annotations

import sys
import time
from typing import TextIO, TypedDict

from .._link import Link
from .._link_hook import ForwardPostprocessArgs, ForwardPreprocessArgs, LinkHook

__all__ = ["LinkTime", "TimerHook"]

_UNITS = {"sec": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


class LinkTime(TypedDict):
    """One row of :meth:`TimerHook.summary`: the time and the number of calls of a link class."""

    elapsed_time: float
    occurrence: int


class TimerHook(LinkHook):
    """Measure the wall-clock time of every link call.

    Register it for all links with ``with TimerHook() as hook:``, or for one link with
    :meth:`~kusari.links.Link.add_hook`.  A call's time includes the calls of the links it
    runs, so :meth:`total_time` adds up the outermost calls only.  On a GPU the current
    stream is synchronized around each call, so the times are real.

    Attributes:
        call_history: ``(link class name, seconds)`` for every finished call, in the order
            the calls finished (inner links before the chain that runs them).
        table: The units :meth:`print_report` knows, with their factor from seconds.

    Example:
        >>> import numpy
        >>> from kusari.links import Linear
        >>> from kusari.links.hooks import TimerHook
        >>> layer = Linear(3, 2)
        >>> with TimerHook() as timer:
        ...     _ = layer(numpy.ones((1, 3), numpy.float32))
        ...     _ = layer(numpy.ones((1, 3), numpy.float32))
        >>> timer.summary()["Linear"]["occurrence"]
        2
        >>> timer.total_time() > 0
        True
    """

    name = "TimerHook"
    table = _UNITS

    call_history: list[tuple[str, float]]

    def __init__(self) -> None:
        self.call_history = []
        self._starts: list[float] = []
        self._total_time = 0.0

    def forward_preprocess(self, args: ForwardPreprocessArgs) -> None:
        """Start timing a call."""
        _synchronize(args.link)
        self._starts.append(time.perf_counter())

    def forward_postprocess(self, args: ForwardPostprocessArgs) -> None:
        """Record the time of a finished call."""
        _synchronize(args.link)
        elapsed = time.perf_counter() - self._starts.pop()
        self.call_history.append((type(args.link).__name__, elapsed))
        if not self._starts:
            self._total_time += elapsed

    def deleted(self, link: Link | None) -> None:
        """Forget the calls left unfinished (a forward that raised)."""
        self._starts.clear()

    def total_time(self) -> float:
        """Return the total time of the outermost calls, in seconds."""
        return self._total_time

    def summary(self) -> dict[str, LinkTime]:
        """Return the total time and the number of calls of each link class.

        Returns:
            ``{class name: {"elapsed_time": seconds, "occurrence": calls}}``, in the order
            the classes first appear in :attr:`call_history`.
        """
        result: dict[str, LinkTime] = {}
        for label, elapsed in self.call_history:
            entry = result.get(label)
            if entry is None:
                result[label] = {"elapsed_time": elapsed, "occurrence": 1}
            else:
                entry["elapsed_time"] += elapsed
                entry["occurrence"] += 1
        return result

    def print_report(self, unit: str = "auto", file: TextIO | None = None) -> None:
        """Print a table of the total time and the number of calls of each link class.

        Args:
            unit: ``'sec'``, ``'ms'``, ``'us'``, ``'ns'``, or ``'auto'`` (the largest unit
                in which the longest time is at least 1).
            file: Where to write; ``sys.stdout`` when omitted.

        Raises:
            ValueError: If ``unit`` is none of those.

        Example:
            >>> import io
            >>> from kusari.links.hooks import TimerHook
            >>> timer = TimerHook()
            >>> timer.call_history = [("Linear", 0.002), ("Linear", 0.001), ("MLP", 0.004)]
            >>> timer.print_report()
            LinkName  ElapsedTime  Occurrence
              Linear       3.00ms           2
                 MLP       4.00ms           1
        """
        if unit != "auto" and unit not in _UNITS:
            raise ValueError(f"unit must be 'auto', 'sec', 'ms', 'us' or 'ns', got {unit!r}")
        summary = self.summary()
        if unit == "auto":
            longest = max((entry["elapsed_time"] for entry in summary.values()), default=0.0)
            unit = next((u for u, f in _UNITS.items() if longest * f >= 1), "ns")
        factor = _UNITS[unit]
        rows = [("LinkName", "ElapsedTime", "Occurrence")]
        rows += [
            (label, f"{entry['elapsed_time'] * factor:.2f}{unit}", str(entry["occurrence"]))
            for label, entry in summary.items()
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        stream = sys.stdout if file is None else file
        for row in rows:
            stream.write(
                "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
                + "\n"
            )


def _synchronize(link: Link) -> None:
    xp = link.xp
    if xp.__name__ == "cupy":
        xp.cuda.get_current_stream().synchronize()
