"""Helpers shared by the built-in update rules."""

from __future__ import annotations

import types
from typing import Any

import numpy

from kusari.devices import Array

from ._protocols import UpdatableParameter

__all__ = [
    "all_contiguous",
    "arrays_to_update",
    "loss_scale_of",
    "check_eps_representable",
    "intermediate_dtype",
    "zeros_state",
]


def arrays_to_update(param: UpdatableParameter) -> tuple[Array, Array] | None:
    """Return ``(param.array, param.grad)``, or ``None`` when either is missing."""
    grad = param.grad
    if grad is None:
        return None
    array = param.array
    if array is None:
        return None
    return array, grad


def zeros_state(param: UpdatableParameter) -> Array:
    """Return a zero array shaped and typed like ``param``, on its device."""
    array = param.array
    if array is None:
        raise RuntimeError(f"cannot create optimizer state for uninitialized {param.name!r}")
    xp: types.ModuleType = param.device.xp
    zeros: Array = xp.zeros_like(array)
    return zeros


def intermediate_dtype(dtype: numpy.dtype[Any]) -> numpy.dtype[Any]:
    """Return the dtype the update is computed in: float32 for float16, else ``dtype``."""
    return numpy.dtype(numpy.float32) if dtype == numpy.float16 else dtype


def check_eps_representable(optimizer: str, eps: float, dtype: numpy.dtype[Any]) -> None:
    """Raise if a non-zero ``eps`` rounds to zero in ``dtype`` (it would divide by zero).

    Raises:
        ValueError: Naming the optimizer, the dtype and the value.
    """
    if eps != 0 and dtype.type(eps) == 0:
        raise ValueError(
            f"eps of {optimizer} is too small for {dtype.name} ({eps!r}): it rounds to 0; "
            "use a larger eps or use_fp32_update()"
        )


def loss_scale_of(param: UpdatableParameter) -> float | None:
    """Return the loss scale the last backward pass applied to ``param``'s gradient."""
    scale: float | None = getattr(param, "_loss_scale", None)
    return scale


def all_contiguous(*arrays: Array | None) -> bool:
    """Return whether every array is C-contiguous (what the fused CUDA kernels update)."""
    return all(array is None or bool(array.flags.c_contiguous) for array in arrays)
