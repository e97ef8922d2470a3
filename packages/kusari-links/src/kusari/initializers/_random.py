"""Drawing random numbers into arrays, in the order Chainer drew them."""

from __future__ import annotations

from typing import Any

import numpy

from kusari.devices import Array, copyto, get_array_module, get_device_from_array, using_device

from ._base import RandomGenerator

__all__ = ["fill_normal", "fill_uniform"]

_SINGLE = (numpy.dtype(numpy.float16), numpy.dtype(numpy.float32))


def fill_normal(
    array: Array,
    scale: float,
    rng: RandomGenerator | None,
    declared_dtype: numpy.dtype[Any] | None = None,
) -> None:
    """Fill ``array`` with draws from ``N(0, scale**2)``.

    Without ``rng`` the global generator of the array's module is used with the call
    ``xp.random.normal(loc=0.0, scale=scale, size=array.shape)``, so that a seeded
    ``numpy.random`` reproduces Chainer's values.  On CuPy, single-precision draws are
    requested when the initializer declared ``float16``/``float32`` (cuRAND has no half).
    """
    if rng is not None:
        _copy_draw(array, rng.normal(loc=0.0, scale=scale, size=array.shape))
        return
    xp = get_array_module(array)
    if xp is numpy:
        # The legacy global generator on purpose: seeded runs must match Chainer's.
        array[...] = numpy.random.normal(loc=0.0, scale=scale, size=array.shape)  # noqa: NPY002
        return
    with using_device(get_device_from_array(array)):
        if declared_dtype in _SINGLE:
            drawn = xp.random.normal(loc=0.0, scale=scale, size=array.shape, dtype=numpy.float32)
        else:
            drawn = xp.random.normal(loc=0.0, scale=scale, size=array.shape)
        array[...] = drawn


def fill_uniform(array: Array, scale: float, rng: RandomGenerator | None) -> None:
    """Fill ``array`` with draws from ``U(-scale, scale)``.

    Without ``rng`` this is ``xp.random.uniform(low=-scale, high=scale, size=array.shape)``
    on the global generator of the array's module.
    """
    if rng is not None:
        _copy_draw(array, rng.uniform(low=-scale, high=scale, size=array.shape))
        return
    xp = get_array_module(array)
    if xp is numpy:
        array[...] = numpy.random.uniform(low=-scale, high=scale, size=array.shape)  # noqa: NPY002
        return
    with using_device(get_device_from_array(array)):
        array[...] = xp.random.uniform(low=-scale, high=scale, size=array.shape)


def _copy_draw(array: Array, drawn: Any) -> None:
    # A generator may live on another device than the array (numpy rng, cupy array).
    copyto(array, drawn.astype(array.dtype, copy=False))
