"""Function hooks that need CuPy: NVTX ranges and memory-pool accounting (private).

Re-exported by :mod:`kusari.graph.function_hooks`.  Both hooks check for a usable CUDA
device when constructed and import CuPy only then.
"""

from __future__ import annotations

import sys
from typing import Any, Final, TextIO

from kusari.devices import Array, cuda

from ._function_hook import FunctionHook
from ._function_node import FunctionNode

__all__ = ["CUDAProfileHook", "CupyMemoryProfileHook"]


class CUDAProfileHook(FunctionHook):
    """Mark every forward and backward as an NVTX range, for Nsight Systems and nvprof.

    The ranges are named ``"<label>.forward"`` and ``"<label>.backward"``, so a profile of
    the GPU timeline shows which function launched which kernels.

    Raises:
        RuntimeError: When constructed without CuPy and a CUDA device, or with a CuPy built
            without NVTX.

    Example:
        >>> from kusari.graph.function_hooks import CUDAProfileHook
        >>> try:
        ...     hook = CUDAProfileHook()
        ... except RuntimeError:
        ...     hook = None  # no CUDA device here
    """

    name = "CUDAProfileHook"

    def __init__(self) -> None:
        cuda.check_cuda_available()
        nvtx = cuda.cupy.cuda.nvtx
        if not getattr(nvtx, "available", True):
            raise RuntimeError("CUDAProfileHook needs NVTX, which this CuPy build lacks")
        self._nvtx: Any = nvtx

    def forward_preprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Open the forward's range."""
        self._nvtx.RangePush(f"{function.label}.forward")

    def forward_postprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Close the forward's range."""
        self._nvtx.RangePop()

    def backward_preprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Open the backward's range."""
        self._nvtx.RangePush(f"{function.label}.backward")

    def backward_postprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Close the backward's range."""
        self._nvtx.RangePop()


def _make_recorder() -> Any:
    """A ``cupy.cuda.memory_hook.MemoryHook`` that adds up what the pool hands out.

    ``used_bytes`` counts the blocks the pool gives to arrays (``malloc``);
    ``acquired_bytes`` counts what the pool itself takes from the device (``alloc``).
    The class is built on first use because its base class lives in CuPy.
    """
    base: Any = cuda.cupy.cuda.memory_hook.MemoryHook

    class _PoolRecorder(base):  # type: ignore[misc]
        name = "KusariPoolRecorder"

        def __init__(self) -> None:
            super().__init__()
            self.used_bytes = 0
            self.acquired_bytes = 0

        def alloc_postprocess(self, **kwargs: Any) -> None:
            self.acquired_bytes += int(kwargs["mem_size"])

        def malloc_postprocess(self, **kwargs: Any) -> None:
            self.used_bytes += int(kwargs["mem_size"])

    return _PoolRecorder()


_UNITS: Final = ("B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB")


def _unit_for(size: float) -> tuple[float, str]:
    """The largest unit in which ``size`` bytes is at least 1 (bytes for 0)."""
    scale = 1.0
    for unit in _UNITS[:-1]:
        if size < scale * 1024:
            return scale, unit
        scale *= 1024
    return scale, _UNITS[-1]


class CupyMemoryProfileHook(FunctionHook):
    """Measure how much of CuPy's memory pool each function takes.

    For every forward and backward it records two numbers: *used bytes*, what the
    function's arrays took from the pool, and *acquired bytes*, what the pool had to take
    from the GPU for that (0 when it reused freed blocks).  Nested calls are recorded with
    their depth; the totals count only the outermost calls, so nothing is counted twice.

    Attributes:
        call_history: ``(label, used_bytes, acquired_bytes, depth)`` per call, in order.

    Raises:
        RuntimeError: When constructed without CuPy and a CUDA device.

    Example:
        >>> from kusari.graph.function_hooks import CupyMemoryProfileHook
        >>> try:
        ...     hook = CupyMemoryProfileHook()
        ... except RuntimeError:
        ...     hook = None  # no CUDA device here
    """

    name = "CupyMemoryProfileHook"

    def __init__(self) -> None:
        cuda.check_cuda_available()
        self.call_history: list[tuple[str, int, int, int]] = []
        self._recorder = _make_recorder()
        self._running: list[tuple[int, int]] = []
        self._total_used = 0
        self._total_acquired = 0

    def added(self, function: FunctionNode | None) -> None:
        """Start listening to the memory pool."""
        self._recorder.__enter__()

    def deleted(self, function: FunctionNode | None) -> None:
        """Stop listening to the memory pool."""
        self._recorder.__exit__(None, None, None)

    def _start(self) -> None:
        self._running.append((self._recorder.used_bytes, self._recorder.acquired_bytes))

    def _stop(self, function: FunctionNode) -> None:
        used0, acquired0 = self._running.pop()
        used = self._recorder.used_bytes - used0
        acquired = self._recorder.acquired_bytes - acquired0
        depth = len(self._running)
        self.call_history.append((function.label, used, acquired, depth))
        if depth == 0:
            self._total_used += used
            self._total_acquired += acquired

    def forward_preprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Note the pool's counters before a forward."""
        self._start()

    def forward_postprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Record what the forward took."""
        self._stop(function)

    def backward_preprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Note the pool's counters before a backward."""
        self._start()

    def backward_postprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Record what the backward took."""
        self._stop(function)

    def total_used_bytes(self) -> int:
        """Bytes the outermost recorded calls took from the pool."""
        return self._total_used

    def total_acquired_bytes(self) -> int:
        """Bytes the pool took from the GPU during the outermost recorded calls."""
        return self._total_acquired

    def summary(self) -> dict[str, dict[str, int]]:
        """``{label: {"used_bytes", "acquired_bytes", "occurrence"}}`` over all calls.

        Nested calls are included under their own label (and within their caller's).
        """
        result: dict[str, dict[str, int]] = {}
        for label, used, acquired, _ in self.call_history:
            entry = result.setdefault(
                label, {"used_bytes": 0, "acquired_bytes": 0, "occurrence": 0}
            )
            entry["used_bytes"] += used
            entry["acquired_bytes"] += acquired
            entry["occurrence"] += 1
        return result

    def print_report(self, unit: str = "auto", file: TextIO | None = None) -> None:
        """Print the used and acquired bytes and the number of calls per function.

        Args:
            unit: One of ``B``, ``KB``, ... ``ZB``; ``"auto"`` (one unit per column, fit
                to its largest value) or ``"auto_foreach"`` (a unit per cell).
            file: Where to write; ``sys.stdout`` when omitted.

        Raises:
            ValueError: If ``unit`` is none of those.
        """
        if unit not in (*_UNITS, "auto", "auto_foreach"):
            raise ValueError(
                f"unit must be one of {', '.join(_UNITS)}, 'auto' or 'auto_foreach', got {unit!r}"
            )
        summary = self.summary()
        fixed: dict[str, tuple[float, str]] = {}
        for column in ("used_bytes", "acquired_bytes"):
            if unit == "auto":
                fixed[column] = _unit_for(max((e[column] for e in summary.values()), default=0))
            elif unit != "auto_foreach":
                fixed[column] = (1024.0 ** _UNITS.index(unit), unit)

        def cell(column: str, size: int) -> str:
            scale, name = fixed[column] if column in fixed else _unit_for(size)
            return f"{size / scale:.2f}{name}"

        rows = [("FunctionName", "UsedBytes", "AcquiredBytes", "Occurrence")]
        for label, entry in summary.items():
            rows.append(
                (
                    label,
                    cell("used_bytes", entry["used_bytes"]),
                    cell("acquired_bytes", entry["acquired_bytes"]),
                    str(entry["occurrence"]),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        stream = sys.stdout if file is None else file
        for row in rows:
            cells = (text.rjust(width) for text, width in zip(row, widths, strict=True))
            stream.write("  ".join(cells) + "\n")
