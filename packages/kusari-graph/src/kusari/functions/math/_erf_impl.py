"""Error function and its inverse on arrays, without SciPy (private).

NumPy has no ``erf``.  These evaluate it in float64 (for any input dtype; the result is
cast back) with polynomials fitted, in Chebyshev form, to the correctly rounded values of
:func:`math.erf` and :func:`math.erfc`:

* ``|x| <= 0.5``: ``erf(x) = x * P(x**2)``;
* ``0.5 < |x| <= 4``: ``erfc(x) = exp(-x**2) * Q_k(x)`` on five pieces (``Q_k``
  approximates ``exp(x**2) * erfc(x)``);
* ``|x| > 4``: ``erfc(x) = exp(-x**2) / (x * sqrt(pi)) * R(1 / x**2)``.

The relative error is below 1e-14 for ``erf`` and ``erfc`` (checked against :mod:`math` on
a dense grid in the tests).  Each element is evaluated on its own piece only, with Horner's
rule in place, so a million elements take a few tens of milliseconds.  ``erfc`` of negative
arguments is ``2 - erfc(-x)``.  ``erfinv`` starts from M. Giles' single-precision
approximation and takes four Newton steps: on ``erf`` near 0, on ``log(erfc)`` beyond 0.5
(nearly quadratic there, and ``1 - y`` keeps its digits).  Everything works on NumPy and
CuPy arrays alike.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Final

import numpy

from kusari.devices import Array

from . import _helpers

__all__ = [
    "erf_array",
    "erfc_array",
    "erfc_flat",
    "erfcinv_array",
    "erfcinv_flat",
    "erfcx_array",
    "erfcx_flat",
    "erfinv_array",
    "horner",
]

Poly = tuple[float, ...]

_SMALL: Final[Poly] = (
    1.0830752376761714,
    -0.043642058886697976,
    0.0016130716680614714,
    -4.7623369344951034e-05,
    1.1516037804515942e-06,
    -2.347229003635301e-08,
    4.127009978793615e-10,
    -6.376841177254775e-12,
    8.861182987223431e-14,
)
"""``erf(x) / x`` as a polynomial in ``u = 8 * x**2 - 1`` (``|x| <= 0.5``)."""

_MID: Final[tuple[tuple[float, float, Poly], ...]] = (
    (
        0.5,
        1.0,
        (
            0.506937650293145,
            -0.09199317291394765,
            0.014434883221954572,
            -0.0020286884686982086,
            0.0002609005567582062,
            -3.1149669761289875e-05,
            3.4885738633097368e-06,
            -3.6935684162086726e-07,
            3.719545330050728e-08,
            -3.579176009157099e-09,
            3.3060908610119667e-10,
            -3.013462676499735e-11,
            2.5831357445156506e-12,
        ),
    ),
    (
        1.0,
        1.5,
        (
            0.3678229164523609,
            -0.052205468991152346,
            0.006674723218549017,
            -0.0007846605374410204,
            8.598189146891682e-05,
            -8.868776950571395e-06,
            8.674590515204527e-07,
            -8.09194707696439e-08,
            7.231102330639303e-09,
            -6.214973232127914e-10,
            5.252938628641329e-11,
            -4.232820163172236e-12,
        ),
    ),
    (
        1.5,
        2.0,
        (
            0.2849722347374362,
            -0.032744086378621154,
            0.0034852268804443382,
            -0.0003478124256502405,
            3.282937188542576e-05,
            -2.950170536686566e-06,
            2.537121233544236e-07,
            -2.0967665909592933e-08,
            1.6707560549543198e-09,
            -1.2870400462511036e-10,
            9.766014343185874e-12,
            -7.27974618908956e-13,
        ),
    ),
    (
        2.0,
        2.75,
        (
            0.22050569220490673,
            -0.030366423420826714,
            0.003963517107140618,
            -0.0004935139133485421,
            5.89168820638192e-05,
            -6.7710183176008245e-06,
            7.515827560747526e-07,
            -8.079909577250809e-08,
            8.432474000845234e-09,
            -8.557068287869999e-10,
            8.465346788191689e-11,
            -8.423077294190521e-12,
            7.925530125218473e-13,
        ),
    ),
    (
        2.75,
        4.0,
        (
            0.16063106812654443,
            -0.027574660775836184,
            0.004581210912898323,
            -0.0007385733974364542,
            0.00011580362637286227,
            -1.769278367421853e-05,
            2.6383583237005777e-06,
            -3.8455867468677776e-07,
            5.485855438056005e-08,
            -7.667628421487539e-09,
            1.049563277575042e-09,
            -1.4115002230323105e-10,
            1.9807954549990466e-11,
            -2.603683415210661e-12,
        ),
    ),
)
"""``(low, high, Q)``: ``exp(x**2) * erfc(x)`` as a polynomial in ``x`` mapped to ``[-1, 1]``."""

_TAIL: Final[Poly] = (
    0.9850557060634578,
    -0.014310447062395776,
    0.0005912853104977396,
    -3.87477464043039e-05,
    3.393739476631431e-06,
    -3.6586822005070486e-07,
    4.626684150733342e-08,
    -6.653239362107459e-09,
    1.0600923535194628e-09,
    -1.7736464978847855e-10,
    3.901782511367971e-11,
    -1.9131349107819034e-11,
    -1.2269894786449343e-12,
    8.170634482794676e-12,
    8.571314061347386e-13,
    -2.4011420897884113e-12,
)
"""``x * sqrt(pi) * exp(x**2) * erfc(x)`` as a polynomial in ``u = 32 / x**2 - 1``."""

_TWO_OVER_SQRT_PI: Final = 2.0 / math.sqrt(math.pi)
_INV_SQRT_PI: Final = 1.0 / math.sqrt(math.pi)
_NEWTON_STEPS: Final = 4
_ERFCX_OVERFLOW: Final = -math.sqrt(math.log(sys.float_info.max / 2.0))  # 2 exp(x**2) overflows


def horner(p: Poly, u: Any) -> Any:
    """``sum(p[k] * u**k)``, computed in place on a new array."""
    r = u * p[-1]
    r += p[-2]
    for c in p[-3::-1]:
        r *= u
        r += c
    return r


def _mapped(p: Poly, t: Any, low: float, high: float) -> Any:
    u = t - (low + high) / 2
    u *= 2 / (high - low)
    return horner(p, u)


def _erf_small(x: Any) -> Any:
    """``erf(x)`` for ``|x| <= 0.5``."""
    u = x * x
    u *= 8.0
    u -= 1.0
    r = horner(_SMALL, u)
    r *= x
    return r


def _erfcx_large(a: Any, xp: Any) -> Any:
    """``exp(a**2) * erfc(a)`` for ``a > 0.5`` (a 1-d array)."""
    scaled = xp.empty_like(a)
    for low, high, p in _MID:
        piece = (a > low) & (a <= high)
        scaled[piece] = _mapped(p, a[piece], low, high)
    far = a > 4.0
    b = a[far]
    r = horner(_TAIL, 32.0 / b / b - 1.0)  # b * b would overflow beyond 1e154
    r *= _INV_SQRT_PI
    r /= b
    scaled[far] = r
    return scaled


def _erfc_large(a: Any, xp: Any) -> Any:
    """``erfc(a)`` for ``a > 0.5`` (a 1-d array); 0 where ``exp(-a**2)`` underflows."""
    e = a * a
    e *= -1.0
    e = xp.exp(e, out=e)
    e *= _erfcx_large(a, xp)
    return e


def _split(x: Array) -> tuple[Any, Any, Any, Any]:
    """The module, ``x`` as flat float64, and the masks of ``|x| <= 0.5`` and the rest."""
    xp = _helpers.array_module(x)
    flat = xp.asarray(x, dtype=numpy.float64).ravel()
    small = abs(flat) <= 0.5
    return xp, flat, small, ~small


def erf_array(x: Array) -> Array:
    """``erf(x)`` elementwise, in the dtype of ``x``."""
    xp, flat, small, large = _split(x)
    y = xp.empty_like(flat)
    y[small] = _erf_small(flat[small])
    rest = flat[large]
    y[large] = xp.copysign(1.0 - _erfc_large(abs(rest), xp), rest)
    return y.reshape(x.shape).astype(x.dtype, copy=False)  # type: ignore[no-any-return]


def erfc_flat(flat: Any, xp: Any) -> Any:
    """``erfc`` of a 1-d float64 array."""
    small = abs(flat) <= 0.5
    large = ~small
    y = xp.empty_like(flat)
    y[small] = 1.0 - _erf_small(flat[small])
    rest = flat[large]
    tail = _erfc_large(abs(rest), xp)
    y[large] = xp.where(rest > 0, tail, 2.0 - tail)
    return y


def erfc_array(x: Array) -> Array:
    """``erfc(x) = 1 - erf(x)`` elementwise, accurate also where it is tiny."""
    xp = _helpers.array_module(x)
    y = erfc_flat(xp.asarray(x, dtype=numpy.float64).ravel(), xp)
    return y.reshape(x.shape).astype(x.dtype, copy=False)  # type: ignore[no-any-return]


def erfcx_flat(flat: Any, xp: Any) -> Any:
    """``erfcx(x) = exp(x**2) * erfc(x)`` of a 1-d float64 array (``inf`` below about -26.63)."""
    y = xp.full_like(flat, math.inf)  # also where exp(x**2) overflows
    small = abs(flat) <= 0.5
    s = flat[small]
    y[small] = xp.exp(s * s) * (1.0 - _erf_small(s))
    large = flat > 0.5
    y[large] = _erfcx_large(flat[large], xp)
    negative = (flat < -0.5) & (flat > _ERFCX_OVERFLOW)
    n = -flat[negative]
    y[negative] = 2.0 * xp.exp(n * n) - _erfcx_large(n, xp)
    y[flat != flat] = math.nan
    return y


def erfcx_array(x: Array) -> Array:
    """``exp(x**2) * erfc(x)`` elementwise: ``1 / (x sqrt(pi))`` for large ``x``, no underflow."""
    xp = _helpers.array_module(x)
    y = erfcx_flat(xp.asarray(x, dtype=numpy.float64).ravel(), xp)
    return y.reshape(x.shape).astype(x.dtype, copy=False)  # type: ignore[no-any-return]


_GILES_CENTRAL: Final[Poly] = (
    1.50140941,
    0.246640727,
    -0.00417768164,
    -0.00125372503,
    0.00021858087,
    -4.39150654e-06,
    -3.5233877e-06,
    3.43273939e-07,
    2.81022636e-08,
)
_GILES_TAIL: Final[Poly] = (
    2.83297682,
    1.00167406,
    0.00943887047,
    -0.0076224613,
    0.00573950773,
    -0.00367342844,
    0.00134934322,
    0.000100950558,
    -0.000200214257,
)


def _erfinv_start(a: Any, c: Any, xp: Any) -> Any:
    """A start for ``x >= 0`` with ``erf(x) = a``, ``erfc(x) = c`` (``a + c = 1``).

    M. Giles' single-precision approximation (about 1e-7) while ``-log(1 - a**2) < 25``;
    beyond, where it was never fitted, the asymptotic ``erfc(x) ~ exp(-x**2) / (x sqrt(pi))``
    solved once (a few percent, so the Newton steps converge).
    """
    w = -xp.log(c * (1.0 + a))
    central = horner(_GILES_CENTRAL, w - 2.5)
    tail = horner(_GILES_TAIL, xp.sqrt(xp.maximum(w, 5.0)) - 3.0)
    t = xp.maximum(-xp.log(c), 1.0)
    far = xp.sqrt(xp.maximum(t - 0.5 * xp.log(t * math.pi), 1.0))
    return xp.where(w < 5.0, central * a, xp.where(w < 25.0, tail * a, far))


def _erfinv_core(a: Any, c: Any, log_c: Any, xp: Any) -> Any:
    """``x >= 0`` with ``erf(x) = a`` and ``log(erfc(x)) = log_c`` (``0 <= a < 1``, ``c > 0``).

    Newton on ``erf`` near 0, on ``log(erfc)`` beyond 0.5, where it is nearly quadratic
    (``-x**2``) and keeps the digits of ``c = 1 - a``.
    """
    x = _erfinv_start(a, c, xp)
    for _ in range(_NEWTON_STEPS):
        central = x <= 0.5
        xc = x[central]
        x[central] = xc - (_erf_small(xc) - a[central]) / (_TWO_OVER_SQRT_PI * xp.exp(-(xc * xc)))
        far = ~central
        xf = x[far]
        scaled = _erfcx_large(xf, xp)
        residual = xp.log(scaled) - xf * xf - log_c[far]
        x[far] = xf + residual * scaled / _TWO_OVER_SQRT_PI
    return x


def erfinv_array(y: Array) -> Array:
    """``erfinv(y)`` elementwise: ``+-inf`` at ``+-1`` and NaN outside ``[-1, 1]``."""
    xp = _helpers.array_module(y)
    flat = xp.asarray(y, dtype=numpy.float64).ravel()
    a = abs(flat)
    inside = a < 1.0
    a_in = a[inside]
    x = _erfinv_core(a_in, 1.0 - a_in, xp.log1p(-a_in), xp)
    out = xp.where(a == 1.0, math.inf, math.nan)
    out[inside] = x
    out = xp.copysign(out, flat)
    return out.reshape(y.shape).astype(y.dtype, copy=False)  # type: ignore[no-any-return]


def erfcinv_flat(flat: Any, xp: Any) -> Any:
    """``erfcinv`` of a 1-d float64 array: ``inf`` at 0, ``-inf`` at 2, NaN outside."""
    out = xp.where(flat == 0.0, math.inf, xp.where(flat == 2.0, -math.inf, math.nan))
    inside = (flat > 0.0) & (flat < 2.0)
    v = flat[inside]
    upper = v > 1.0
    c = xp.where(upper, 2.0 - v, v)  # exact: erfcinv(2 - c) = -erfcinv(c)
    x = _erfinv_core(1.0 - c, c, xp.log(c), xp)
    out[inside] = xp.where(upper, -x, x)
    return out


def erfcinv_array(y: Array) -> Array:
    """``erfcinv(y) = erfinv(1 - y)`` elementwise, accurate also for tiny ``y``."""
    xp = _helpers.array_module(y)
    out = erfcinv_flat(xp.asarray(y, dtype=numpy.float64).ravel(), xp)
    return out.reshape(y.shape).astype(y.dtype, copy=False)  # type: ignore[no-any-return]
