"""Ready-made function hooks (Chainer's ``chainer.function_hooks``).

:class:`TimerHook` and :class:`PrintHook` work everywhere; :class:`CUDAProfileHook` (NVTX
ranges) and :class:`CupyMemoryProfileHook` (memory-pool accounting) need CuPy and a GPU.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> from kusari.graph import Variable
    >>> from kusari.graph.function_hooks import TimerHook
    >>> x = Variable(numpy.ones(3, numpy.float32))
    >>> with TimerHook() as timer:
    ...     F.sum(F.tanh(x)).backward()
    >>> [label for label, _ in timer.call_history]
    ['Tanh', 'Sum', 'Sum', 'Tanh']
    >>> timer.total_time() > 0
    True
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from kusari.devices import Array, get_array_module

from ._cuda_function_hooks import CUDAProfileHook as CUDAProfileHook
from ._cuda_function_hooks import CupyMemoryProfileHook as CupyMemoryProfileHook
from ._function_hook import FunctionHook
from ._function_node import FunctionNode

__all__ = ["CUDAProfileHook", "CupyMemoryProfileHook", "PrintHook", "TimerHook"]


class TimerHook(FunctionHook):
    """Measure the wall-clock time of every forward and backward computation.

    Only the function's own work is timed (between the pre- and post-process callbacks).
    On a GPU the device is synchronized around each function, so the times are real.

    Attributes:
        call_history: ``(label, seconds)`` for every forward and backward, in call order.
    """

    name = "TimerHook"

    def __init__(self) -> None:
        self.call_history: list[tuple[str, float]] = []
        self._starts: list[float] = []

    def _start(self, arrays: tuple[Array | None, ...]) -> None:
        _synchronize(arrays)
        self._starts.append(time.perf_counter())

    def _stop(self, function: FunctionNode, arrays: tuple[Array | None, ...]) -> None:
        _synchronize(arrays)
        elapsed = time.perf_counter() - self._starts.pop()
        self.call_history.append((function.label, elapsed))

    def forward_preprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Start timing a forward."""
        self._start(in_data)

    def forward_postprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Record a forward's time."""
        self._stop(function, in_data)

    def backward_preprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Start timing a backward."""
        self._start(out_grad)

    def backward_postprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Record a backward's time."""
        self._stop(function, out_grad)

    def total_time(self) -> float:
        """Return the total time of all recorded calls, in seconds."""
        return sum(elapsed for _, elapsed in self.call_history)

    def summary(self) -> dict[str, dict[str, float]]:
        """Return ``{label: {"time": seconds, "occurrence": count}}`` over all calls."""
        result: dict[str, dict[str, float]] = {}
        for label, elapsed in self.call_history:
            entry = result.setdefault(label, {"time": 0.0, "occurrence": 0})
            entry["time"] += elapsed
            entry["occurrence"] += 1
        return result

    def print_report(self, unit: str = "auto", file: TextIO | None = None) -> None:
        """Print a table of the total time and the number of calls per function.

        Args:
            unit: ``"sec"``, ``"ms"``, ``"us"``, or ``"auto"`` (chosen per row).
            file: Where to write; ``sys.stdout`` when omitted.

        Raises:
            ValueError: If ``unit`` is none of those.
        """
        scales = {"sec": 1.0, "ms": 1e3, "us": 1e6}
        if unit != "auto" and unit not in scales:
            raise ValueError(f"unit must be 'sec', 'ms', 'us' or 'auto', got {unit!r}")
        stream = sys.stdout if file is None else file
        stream.write("FunctionName  ElapsedTime  Occurrence\n")
        for label, entry in self.summary().items():
            seconds = entry["time"]
            row_unit = unit if unit != "auto" else _auto_unit(seconds)
            value = seconds * scales[row_unit]
            stream.write(
                f"  {label:<12}{value:>10.3f}{row_unit:<3}{int(entry['occurrence']):>9}\n"
            )


def _auto_unit(seconds: float) -> str:
    if seconds >= 1:
        return "sec"
    if seconds >= 1e-3:
        return "ms"
    return "us"


def _synchronize(arrays: tuple[Array | None, ...]) -> None:
    present = [a for a in arrays if a is not None]
    if not present:
        return
    xp = get_array_module(*present)
    if xp.__name__ == "cupy":
        xp.cuda.get_current_stream().synchronize()


class PrintHook(FunctionHook):
    """Print the label, the inputs and the output gradients of every function call.

    Args:
        sep: Separator between the printed items (a newline by default).
        end: Text written after each call's report.
        file: Where to write; ``sys.stdout`` when omitted.
        flush: Flush ``file`` after each report.
    """

    name = "PrintHook"

    def __init__(
        self,
        sep: str | None = None,
        end: str = "\n",
        file: TextIO | None = None,
        flush: bool = True,
    ) -> None:
        self.sep = "\n" if sep is None else sep
        self.end = end
        self.file = file
        self.flush = flush

    def _print(self, items: list[str]) -> None:
        stream = sys.stdout if self.file is None else self.file
        stream.write(self.sep.join(items) + self.end)
        if self.flush:
            stream.flush()

    def forward_preprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Print the function and its inputs before its forward."""
        items = [f"function\t{function.label}", "input data"]
        items += [_describe(x) for x in in_data]
        self._print(items)

    def backward_preprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Print the function, its inputs and its output gradients before its backward."""
        items = [f"function\t{function.label}", "input data"]
        items += [_describe(x) for x in in_data]
        items.append("output gradient")
        items += [_describe(g) for g in out_grad]
        self._print(items)


def _describe(array: Any) -> str:
    if array is None:
        return "(None)"
    if array.size == 0:
        return f"shape={array.shape} dtype={array.dtype} (empty)"
    xp = get_array_module(array)
    return (
        f"shape={array.shape} dtype={array.dtype} "
        f"mean={float(xp.mean(array)):.6g} std={float(xp.std(array)):.6g}"
    )
