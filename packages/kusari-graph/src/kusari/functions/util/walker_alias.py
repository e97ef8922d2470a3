"""Sampling integers with given probabilities in constant time (:class:`WalkerAlias`)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, Final, final

import numpy
import numpy.typing as npt

from kusari.devices import Array, DeviceResident, DeviceResidentsVisitor, is_array, to_cpu

__all__ = ["WalkerAlias"]

_FLOAT32_MAX: Final = float(numpy.finfo(numpy.float32).max)


def _probabilities(probs: object) -> npt.NDArray[numpy.float32]:
    """``probs`` normalized to sum to one, in float32, after checking they can be."""
    raw: Any = probs
    if is_array(raw):  # a CuPy array: numpy.asarray would refuse it
        raw = to_cpu(raw)
    try:
        values = numpy.asarray(raw, dtype=numpy.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"WalkerAlias: probs must be a sequence of numbers, got {type(probs).__name__}"
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"WalkerAlias: probs must be a non-empty 1-D sequence, got shape {values.shape}"
        )
    if values.size > numpy.iinfo(numpy.int32).max // 2:
        raise ValueError(f"WalkerAlias: at most 2**30 - 1 entries, got {values.size}")
    if not numpy.isfinite(values).all():
        raise ValueError("WalkerAlias: probs must be finite, got inf or nan")
    if (values < 0).any():
        index = int(numpy.flatnonzero(values < 0)[0])
        raise ValueError(
            f"WalkerAlias: probs must be non-negative, got {values[index]} at index {index}"
        )
    total64 = float(values.sum())
    single = values.astype(numpy.float32) if total64 <= _FLOAT32_MAX else values
    total = single.sum()
    if not 0 < total64 <= _FLOAT32_MAX or not total > 0:
        raise ValueError(
            f"WalkerAlias: probs must sum to a positive float32 number, got {total64}"
        )
    # Chainer normalizes in float32 and builds the table in float64 from there; doing the
    # same gives its tables bit for bit, so a seeded generator draws Chainer's samples.
    normalized: npt.NDArray[numpy.float32] = single / total
    return normalized


def _alias_table(
    probs: npt.NDArray[numpy.float32],
) -> tuple[npt.NDArray[numpy.float32], npt.NDArray[numpy.int32]]:
    """Walker's table: slot ``k`` keeps ``values[2k]`` below ``threshold[k]``, else its alias.

    The entries are placed in increasing order of probability.  Before an entry takes its
    own slot, while it still has more than one slot's worth of mass, it fills the unused
    part of the earliest slot that has no alias yet.  A slot that is never given an alias
    (its threshold is 1 up to rounding) aliases its own entry.
    """
    n = len(probs)
    scaled = (probs.astype(numpy.float64) * n).tolist()
    order = numpy.argsort(probs, kind="stable").tolist()
    threshold = [0.0] * n
    values = [0] * (2 * n)
    open_slot = 0
    for slot, entry in enumerate(order):
        mass: float = scaled[entry]
        while mass > 1.0 and open_slot < slot:
            values[2 * open_slot + 1] = entry
            mass -= 1.0 - threshold[open_slot]
            open_slot += 1
        # Stored in float32: the later subtractions read the rounded value back.
        threshold[slot] = float(numpy.float32(mass))
        values[2 * slot] = entry
    for slot in range(open_slot, n):
        values[2 * slot + 1] = values[2 * slot]
    return numpy.array(threshold, numpy.float32), numpy.array(values, numpy.int32)


@final
class WalkerAlias(DeviceResident):
    """Draw integer ids ``0 .. n - 1`` with given probabilities, in O(1) time per draw.

    Walker's alias method: an ``O(n)`` table built once turns every draw into one uniform
    random number, one comparison and one lookup, faster than
    :func:`numpy.random.choice` for repeated sampling.  It is the sampler of
    :class:`kusari.links.NegativeSampling` and :class:`kusari.links.BlackOut`, and its
    :meth:`sample` is what :func:`~kusari.functions.negative_sampling` takes.

    The uniform numbers come from the array module's global generator
    (``numpy.random.uniform``, ``cupy.random.uniform`` on a GPU), and the table equals
    Chainer's, so seeding ``numpy.random`` draws the same ids as Chainer 7.  Move the table
    with :meth:`to_device` (a link that owns a sampler moves it with its parameters).

    Args:
        probs: The non-negative weights of the ids; they are normalized by their sum (in
            float32, as Chainer does).

    Attributes:
        threshold: The ``(n,)`` float32 thresholds of the table's slots.
        values: The ``(2 * n,)`` int32 ids: ``values[2 * k]`` is slot ``k``'s own id and
            ``values[2 * k + 1]`` its alias.

    Raises:
        TypeError: If ``probs`` is not a sequence of numbers.
        ValueError: If ``probs`` is empty, not 1-D, negative, not finite or sums to zero.

    Example:
        >>> import numpy
        >>> from kusari.functions import WalkerAlias
        >>> sampler = WalkerAlias([0.0, 3.0, 1.0])
        >>> ids = sampler.sample((2, 1000))
        >>> ids.shape, ids.dtype, bool((ids != 0).all())
        ((2, 1000), dtype('int32'), True)
        >>> bool(abs((ids == 1).mean() - 0.75) < 0.05)
        True
    """

    threshold: Array
    values: Array

    def __init__(self, probs: Sequence[float] | Array) -> None:
        super().__init__()
        self.threshold, self.values = _alias_table(_probabilities(probs))

    def __len__(self) -> int:
        """The number of ids, ``n``."""
        return len(self.threshold)

    @property
    def use_gpu(self) -> bool:
        """Whether the table is on a GPU (Chainer's name; see :attr:`device`)."""
        return self.xp is not numpy

    def sample(self, shape: int | tuple[int, ...]) -> Array:
        """Draw ids with the table's probabilities.

        Args:
            shape: The shape of the result.

        Returns:
            An int32 array of ``shape`` on the table's device.

        Raises:
            TypeError: If ``shape`` is not an int or a tuple of ints.
            ValueError: If a dimension is negative.
        """
        dims = _shape(shape)
        xp: Any = self.xp
        scaled = xp.random.uniform(0.0, 1.0, dims) * len(self.threshold)
        index = scaled.astype(numpy.int32)
        take_alias = self.threshold[index] < scaled - index
        index *= 2
        index += take_alias
        return self.values[index]  # type: ignore[no-any-return]

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Describe the table (``threshold`` and ``values``) to a device visitor.

        Args:
            visitor: The visitor (see :class:`kusari.devices.DeviceResidentsVisitor`).
        """
        super().device_resident_accept(visitor)
        self.threshold = visitor.visit_array(self.threshold)
        self.values = visitor.visit_array(self.values)

    def __repr__(self) -> str:
        return f"WalkerAlias(n={len(self)}, device={self.device})"


def _shape(shape: object) -> tuple[int, ...]:
    items = shape if isinstance(shape, tuple) else (shape,)
    dims = []
    for item in items:
        if isinstance(item, bool):
            raise TypeError("WalkerAlias.sample: shape must hold ints, got bool")
        try:
            dim = operator.index(item)
        except TypeError:
            raise TypeError(
                f"WalkerAlias.sample: shape must be an int or a tuple of ints, got "
                f"{type(item).__name__}"
            ) from None
        if dim < 0:
            raise ValueError(f"WalkerAlias.sample: shape must not be negative, got {shape}")
        dims.append(dim)
    return tuple(dims)
