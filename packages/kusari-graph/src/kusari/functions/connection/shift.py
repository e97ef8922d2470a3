"""The shift operation of shift networks (:func:`shift`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..array import _shape_check

__all__ = ["Shift", "shift"]

# (first channel, end channel, rows down, columns right)
_Group = tuple[int, int, int, int]


def _groups(channels: int, ksize: int, dilate: int) -> tuple[_Group, ...]:
    """Chainer's channel groups: one per kernel position, the centre moved to the end."""
    positions = ksize * ksize
    size = channels // positions
    radius = ksize // 2
    order = list(range(positions))
    centre = positions // 2
    order[centre], order[-1] = order[-1], order[centre]
    groups = []
    for g, position in enumerate(order):
        ky, kx = divmod(position, ksize)
        groups.append((g * size, (g + 1) * size, (ky - radius) * dilate, (kx - radius) * dilate))
    # The channels left over stay where they are (the centre's shift).
    groups.append((positions * size, channels, 0, 0))
    return tuple(g for g in groups if g[0] < g[1])


def _shift_array(x: Array, groups: tuple[_Group, ...]) -> Array:
    xp = _shape_check.xp_of(x)
    height, width = x.shape[2:]
    y = xp.zeros_like(x)
    for first, end, dy, dx in groups:
        if abs(dy) >= height or abs(dx) >= width:
            continue
        y[:, first:end, max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = x[
            :, first:end, max(-dy, 0) : height - max(dy, 0), max(-dx, 0) : width - max(dx, 0)
        ]
    return y  # type: ignore[no-any-return]


@final
class Shift(FunctionNode):
    """Move each channel group of ``(N, C, H, W)`` images by its own offset, zero filled.

    Args:
        groups: ``(first, end, dy, dx)`` per channel group: ``y[:, c, i, j]`` is
            ``x[:, c, i - dy, j - dx]`` (zero outside the image).
        ksize: The kernel size the groups came from (``None`` for a gradient node).
    """

    __slots__ = ("groups", "ksize")

    def __init__(self, groups: tuple[_Group, ...], ksize: int | None) -> None:
        self.groups = groups
        self.ksize = ksize

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Floating point ``(N, C, H, W)`` images with at least ``ksize ** 2`` channels."""
        type_check.argname(in_types, ("x",))
        (x,) = in_types
        type_check.expect(x.dtype.kind == "f", x.ndim == 4)
        if self.ksize is not None:
            type_check.expect(x.shape[1] >= self.ksize * self.ksize)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Copy each group to its shifted place."""
        return (_shift_array(inputs[0], self.groups),)

    def _inverse(self) -> tuple[_Group, ...]:
        return tuple((first, end, -dy, -dx) for first, end, dy, dx in self.groups)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Shift the gradient back (the opposite offsets, zero filled)."""
        gy = _utils.first_grad(grad_outputs)
        return Shift(self._inverse(), None).apply((gy,))

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Shift the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_shift_array(gy, self._inverse()),)


def shift(x: VariableOrArray, ksize: int = 3, dilate: int = 1) -> Variable:
    """Shift groups of channels to the positions of a ``ksize x ksize`` kernel (Wu et al., 2017).

    The ``C`` channels are split into ``ksize ** 2`` groups of ``C // ksize ** 2``; each
    group is moved by one kernel offset ``((ky - r) * dilate, (kx - r) * dilate)`` with
    ``r = ksize // 2`` (``y[:, c, i, j] = x[:, c, i - dy, j - dx]``, zero where that is
    outside the image).  The groups follow the kernel positions in row-major order, except
    that the centre (no shift) comes last, with the channels left over: Chainer's layout.

    Args:
        x: The ``(N, C, H, W)`` images (floating point), ``C >= ksize ** 2``.
        ksize: The kernel size, a positive odd int.
        dilate: The distance between kernel positions, a positive int.

    Returns:
        The shifted images, of ``x``'s shape and dtype.

    Raises:
        TypeError: If ``ksize`` or ``dilate`` is not an int.
        ValueError: If ``ksize`` is not positive and odd or ``dilate`` is not positive.
        kusari.graph.type_check.InvalidType: If ``x`` is not 4-D floating point with enough
            channels.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((1, 9, 3, 3))
        >>> x[:, :, 1, 1] = 1.0
        >>> y = F.shift(x)
        >>> y.array[0, 0].tolist()  # the first group moves up and to the left
        [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    k = _shape_check.as_int(ksize, "ksize")
    d = _shape_check.as_int(dilate, "dilate")
    if k <= 0 or k % 2 == 0:
        raise ValueError(f"ksize must be a positive odd int, got {k}")
    if d <= 0:
        raise ValueError(f"dilate must be positive, got {d}")
    channels = x.shape[1] if len(x.shape) > 1 else 0
    return Shift(_groups(channels, k, d), k).apply((x,))[0]
