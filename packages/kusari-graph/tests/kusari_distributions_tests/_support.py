"""Shared helpers of the distribution tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy
import numpy.typing as npt

from kusari.graph import Variable

__all__ = ["global_seed", "value"]


@contextlib.contextmanager
def global_seed(seed: int) -> Iterator[None]:
    """Seed the global ``numpy.random`` (which the samplers draw from), and restore it."""
    state = numpy.random.get_state()  # noqa: NPY002
    numpy.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        numpy.random.set_state(state)  # noqa: NPY002


def value(v: Variable) -> npt.NDArray[Any]:
    """The array of ``v`` as float64 (it must have one)."""
    array = v.array
    assert array is not None
    return numpy.asarray(array, dtype=numpy.float64)
