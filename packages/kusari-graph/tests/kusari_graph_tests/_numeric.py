"""A small, independent central-difference gradient for testing the engine itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy
import numpy.typing as npt

Array = npt.NDArray[Any]


def numerical_grad(
    f: Callable[[], Array], inputs: Sequence[Array], grad_output: Array, eps: float = 1e-6
) -> list[Array]:
    """d(sum(f() * grad_output)) / d(input) for every input, by central differences.

    ``f`` reads the arrays in ``inputs`` (which are perturbed in place) and returns an
    array; the inputs should be float64 for accuracy.
    """
    grads = []
    for x in inputs:
        g = numpy.zeros_like(x, dtype=numpy.float64)
        flat = x.reshape(-1)
        gflat = g.reshape(-1)
        for i in range(flat.size):
            orig = flat[i].copy()
            flat[i] = orig + eps
            plus = float(numpy.sum(numpy.asarray(f(), numpy.float64) * grad_output))
            flat[i] = orig - eps
            minus = float(numpy.sum(numpy.asarray(f(), numpy.float64) * grad_output))
            flat[i] = orig
            gflat[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def present(array: Array | None) -> Array:
    """``array``, asserting that it is not ``None`` (a gradient that must exist)."""
    assert array is not None
    return array
