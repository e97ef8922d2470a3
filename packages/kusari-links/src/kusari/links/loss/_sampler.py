"""What the sampling-loss links share: the word-count checks, the sampler on the device."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import DeviceResidentsVisitor, is_array, to_cpu
from kusari.functions import WalkerAlias

from .._link import Link

__all__ = ["SamplingLossLink", "check_sample_size", "word_counts"]


def word_counts(link: str, counts: object) -> npt.NDArray[numpy.float64]:
    """``counts`` as a float64 vector, checked: non-empty, 1-D, finite, non-negative.

    Raises:
        TypeError: If ``counts`` is not a sequence of numbers.
        ValueError: If it is empty, not 1-D, negative, not finite or all zero.
    """
    raw: Any = counts
    if is_array(raw):
        raw = to_cpu(raw)
    try:
        values = numpy.array(raw, dtype=numpy.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{link}: counts must be a sequence of numbers, got {type(counts).__name__}"
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"{link}: counts must be a non-empty 1-D sequence (one count per word id), "
            f"got shape {values.shape}"
        )
    bad = ~numpy.isfinite(values) | (values < 0)
    if bad.any():
        index = int(numpy.flatnonzero(bad)[0])
        raise ValueError(
            f"{link}: counts must be finite and non-negative, got {values[index]} for word "
            f"id {index}"
        )
    if not values.any():
        raise ValueError(f"{link}: counts must not be all zero")
    return values


def check_sample_size(link: str, sample_size: object) -> int:
    """``sample_size`` as a positive int, or a ValueError naming ``link``."""
    if isinstance(sample_size, bool) or not isinstance(sample_size, int) or sample_size <= 0:
        raise ValueError(f"{link}: sample_size must be a positive int, got {sample_size!r}")
    return sample_size


class SamplingLossLink(Link):
    """A link that owns a :class:`~kusari.functions.WalkerAlias` sampler and moves it along."""

    sampler: WalkerAlias
    sample_size: int

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Describe the parameters, then the sampler's table, to a device visitor.

        Args:
            visitor: The visitor (see :class:`kusari.devices.DeviceResidentsVisitor`).
        """
        super().device_resident_accept(visitor)
        self.sampler.device_resident_accept(visitor)
