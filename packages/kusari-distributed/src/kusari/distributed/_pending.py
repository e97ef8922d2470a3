"""A gradient mean in flight: what ``start_allreduce_grad`` returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kusari.devices import Array
from kusari.links import Link

from ._packing import Plan, collect_grads, plan_for

if TYPE_CHECKING:
    from ._communicator import CommunicatorBase

__all__ = ["PendingGradMean"]


class PendingGradMean:
    """A gradient averaging started by :meth:`CommunicatorBase.start_allreduce_grad`."""

    __slots__ = ("_buffers", "_comm", "_plan", "_waits", "_zero_fill")

    def __init__(
        self,
        comm: CommunicatorBase,
        plan: Plan,
        buffers: list[Array],
        waits: list[Callable[[], None]],
        zero_fill: bool,
    ) -> None:
        self._comm = comm
        self._plan = plan
        self._buffers = buffers
        self._waits = waits
        self._zero_fill = zero_fill

    def discard(self) -> None:
        """Wait for the reduction to finish and throw the result away."""
        waits, self._waits = self._waits, []
        for wait in waits:
            wait()

    def wait(self, model: Link) -> None:
        """Wait for the sums and write the means into ``model``'s current gradients.

        Args:
            model: The link the averaging was started for.

        Raises:
            RuntimeError: If the model's gradient layout changed since the start, or the
                handle was waited on already.
        """
        if not self._waits:
            raise RuntimeError("this gradient averaging was waited on already")
        waits, self._waits = self._waits, []
        for wait in waits:
            wait()
        entries = collect_grads(model, self._zero_fill)
        if plan_for(entries, self._comm._plans, self._comm._wire_dtype) is not self._plan:
            raise RuntimeError(
                "the model's gradients changed layout while their mean was being computed; "
                "averaged gradients can only be written back into the same parameters"
            )
        scale = 1.0 / self._comm.size
        for bucket, buffer in zip(self._plan.buckets, self._buffers, strict=True):
            bucket.unpack_grads(entries, buffer, scale)
