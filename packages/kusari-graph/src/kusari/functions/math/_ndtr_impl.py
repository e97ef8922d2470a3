"""The standard normal CDF, its logarithm and its inverse on arrays (private).

Built on :mod:`._erf_impl` (float64 inside, cast back; NumPy and CuPy alike):

* ``ndtr(x) = erfc(-x / sqrt(2)) / 2``, so the lower tail keeps its relative accuracy;
* ``log_ndtr(x) = log(erfcx(-x / sqrt(2)) / 2) - x**2 / 2`` for ``x < 0``, which neither
  underflows nor needs a separate asymptotic series (``erfcx`` has it built in), and
  ``log1p(-ndtr(-x))`` for ``x >= 0``;
* ``ndtri(p) = -sqrt(2) erfcinv(2 p)``: ``2 p`` and ``2 - 2 p`` are exact, so both tails
  keep their digits.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy

from kusari.devices import Array

from . import _helpers
from ._erf_impl import erfc_flat, erfcinv_flat, erfcx_flat

__all__ = ["log_ndtr_array", "ndtr_array", "ndtri_array"]

_SQRT_HALF: Final = math.sqrt(0.5)
_SQRT_2: Final = math.sqrt(2.0)


def _flat64(x: Array) -> tuple[Any, Any]:
    xp = _helpers.array_module(x)
    return xp, xp.asarray(x, dtype=numpy.float64).ravel()


def _back(y: Any, x: Array) -> Array:
    return y.reshape(x.shape).astype(x.dtype, copy=False)  # type: ignore[no-any-return]


def ndtr_array(x: Array) -> Array:
    """``Phi(x)``, the standard normal CDF, elementwise in the dtype of ``x``."""
    xp, flat = _flat64(x)
    y = erfc_flat(flat * -_SQRT_HALF, xp)
    y *= 0.5
    return _back(y, x)


def log_ndtr_array(x: Array) -> Array:
    """``log(Phi(x))`` elementwise, in the dtype of ``x``, finite down to about ``-1e154``."""
    xp, flat = _flat64(x)
    out = xp.empty_like(flat)
    with numpy.errstate(over="ignore", divide="ignore"):
        negative = flat < 0.0
        v = flat[negative]
        lower = xp.log(0.5 * erfcx_flat(v * -_SQRT_HALF, xp))
        lower -= 0.5 * (v * v)
        out[negative] = lower
        rest = ~negative  # x >= 0 and NaN
        upper = erfc_flat(flat[rest] * _SQRT_HALF, xp)
        upper *= -0.5
        out[rest] = xp.log1p(upper)
    return _back(out, x)


def ndtri_array(p: Array) -> Array:
    """``Phi**-1(p)`` elementwise: ``-inf`` at 0, ``inf`` at 1, NaN outside ``[0, 1]``."""
    xp, flat = _flat64(p)
    y = erfcinv_flat(flat * 2.0, xp)
    y *= -_SQRT_2
    return _back(y, p)
