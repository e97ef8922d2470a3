"""Log-gamma, digamma, polygamma and Hurwitz zeta on arrays, without SciPy (private).

Everything is evaluated in float64 (the callers cast back) with array code that runs on
NumPy and CuPy alike; each element is evaluated on its own branch only.

* ``lgamma`` (``log|Gamma(x)|``): Stirling's series for ``x >= 8``; below, the argument
  is moved into ``[0.5, 2.5)`` by the recurrence ``lgamma(x + 1) = lgamma(x) + log(x)``
  (exact shifts, one logarithm of their product) and evaluated by the Taylor series of
  ``lgamma(2 + z)`` in ``z`` (coefficients ``(-1)**k (zeta(k) - 1) / k``, ``|z| <= 0.5``),
  which keeps the relative accuracy next to the zeros at 1 and 2.  ``x < 0.5`` uses the
  reflection formula with ``sin(pi * x)`` reduced exactly to ``|x - round(x)| <= 0.5``.
* ``digamma``: the asymptotic series for ``x >= 10``, else ten steps of the recurrence
  ``psi(x) = psi(x + 1) - 1 / x``; within 0.3 of its positive zero ``x0`` the Taylor series
  around ``x0`` (``x0`` held as two doubles) keeps the relative accuracy; ``x <= 0`` by
  reflection (``psi(1 - x) - pi / tan(pi * x)``).
* ``zeta(s, q) = sum((q + k) ** -s)`` (Hurwitz): ten terms summed directly and the rest by
  the Euler-Maclaurin formula (twelve Bernoulli terms).  Negative ``q`` (only meaningful
  for integer ``s``) is first shifted above zero term by term, so its cost grows with
  ``|q|``.  ``polygamma(n, x) = (-1)**(n + 1) n! zeta(n + 1, x)`` for ``n >= 1``.

The relative error is about 1e-15 where the functions are well-conditioned (checked
against SciPy in the tests).  Poles give ``inf`` and points outside the domain NaN, as in
:mod:`scipy.special`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Final

import numpy

from kusari.devices import Array

from . import _helpers
from ._erf_impl import Poly, horner

__all__ = ["digamma_array", "lgamma_array", "polygamma_array", "zeta_array"]

_BERNOULLI: Final = (
    Fraction(1, 6),
    Fraction(-1, 30),
    Fraction(1, 42),
    Fraction(-1, 30),
    Fraction(5, 66),
    Fraction(-691, 2730),
    Fraction(7, 6),
    Fraction(-3617, 510),
    Fraction(43867, 798),
    Fraction(-174611, 330),
    Fraction(854513, 138),
    Fraction(-236364091, 2730),
)
"""``B_2, B_4, ..., B_24``."""

_STIRLING: Final[Poly] = tuple(
    float(b / ((2 * k + 2) * (2 * k + 1))) for k, b in enumerate(_BERNOULLI[:9])
)
"""``lgamma(x) - ((x - 0.5) log(x) - x + log(2 pi) / 2) = (1 / x) P(1 / x**2)``."""

_DIGAMMA_ASYMPTOTIC: Final[Poly] = tuple(
    float(b / (2 * k + 2)) for k, b in enumerate(_BERNOULLI[:8])
)
"""``log(x) - 1 / (2 x) - psi(x) = P(1 / x**2) / x**2``."""

_EULER_MACLAURIN: Final = tuple(
    float(b / math.factorial(2 * k + 2)) for k, b in enumerate(_BERNOULLI)
)
"""``B_2j / (2j)!`` for the Euler-Maclaurin tail of the zeta sum."""

_LGAMMA_AT_2: Final[Poly] = (
    0.42278433509846713,
    0.3224670334241132,
    -0.0673523010531981,
    0.020580808427784546,
    -0.007385551028673986,
    0.0028905103307415234,
    -0.001192753911703261,
    0.0005096695247430425,
    -0.00022315475845357939,
    9.945751278180853e-05,
    -4.492623673813314e-05,
    2.050721277567069e-05,
    -9.439488275268397e-06,
    4.374866789907488e-06,
    -2.039215753801366e-06,
    9.55141213040742e-07,
    -4.492469198764566e-07,
    2.1207184805554665e-07,
    -1.0043224823968099e-07,
    4.7698101693639804e-08,
    -2.2711094608943164e-08,
    1.0838659214896955e-08,
    -5.183475041970047e-09,
    2.4836745438024785e-09,
    -1.1921401405860912e-09,
    5.731367241678862e-10,
    -2.7595228851242334e-10,
    1.330476437424449e-10,
    -6.4229645638381e-11,
    3.1044247747322276e-11,
)
"""``lgamma(2 + z) / z`` as a polynomial in ``z``: ``1 - gamma``, then
``(-1)**k (zeta(k) - 1) / k`` for ``k = 2..30`` (computed with mpmath at 40 digits)."""

_DIGAMMA_ROOT_HI: Final = 1.4616321449683622
_DIGAMMA_ROOT_LO: Final = 9.549995429965697e-17
"""The positive zero of ``psi`` is ``_HI + _LO`` (to about 1e-32)."""

_DIGAMMA_AT_ROOT: Final[Poly] = (
    0.9676722454476212,
    -0.4427631689835921,
    0.258499760955651,
    -0.16394270544240652,
    0.10782405069126237,
    -0.07219956125645471,
    0.04880428816414311,
    -0.03316112647484736,
    0.022597648232218104,
    -0.01542476590494896,
    0.010538791616612175,
    -0.007204534386356869,
    0.004926781395729853,
    -0.003369801655439328,
    0.002305126326734928,
    -0.0015769367714301972,
    0.0010788252019162967,
    -0.0007380709389960052,
    0.000504953265834602,
    -0.0003454680251063077,
    0.00023635601564027053,
    -0.00016170622091974803,
    0.0001106337276874741,
    -7.569179582195066e-05,
    5.178575795222081e-05,
    -3.5430070947659604e-05,
    2.424006611860132e-05,
    -1.6584242271854135e-05,
    1.134638458466385e-05,
    -7.762817668462094e-06,
    5.3110609208898636e-06,
    -3.6336507898010456e-06,
)
"""``psi(x0 + h) / h`` as a polynomial in ``h``: ``(-1)**(k + 1) zeta(k + 1, x0)``, ``k >= 1``."""

_HALF_LOG_2PI: Final = 0.5 * math.log(2.0 * math.pi)
_LOG_PI: Final = math.log(math.pi)
_ZETA_DIRECT_TERMS: Final = 10
_FACTORIALS: Final = tuple(float(math.factorial(k)) for k in range(171))


def _flat64(x: Array) -> tuple[Any, Any]:
    xp = _helpers.array_module(x)
    return xp, xp.asarray(x, dtype=numpy.float64).ravel()


def _back(y: Any, x: Array) -> Array:
    return y.reshape(x.shape).astype(x.dtype, copy=False)  # type: ignore[no-any-return]


def _abs_sinpi(x: Any, xp: Any) -> Any:
    """``|sin(pi * x)|`` with the argument reduced exactly (0 at the integers)."""
    r = x - xp.round(x)
    r *= math.pi
    return abs(xp.sin(r))


def _lgamma_positive(x: Any, xp: Any) -> Any:
    """``lgamma(x)`` for ``x >= 0.5`` (a 1-d float64 array)."""
    out = xp.empty_like(x)
    big = x >= 8.0
    b = x[big]
    inv = 1.0 / b
    tail = horner(_STIRLING, inv * inv)
    tail *= inv
    value = (b - 0.5) * xp.log(b)
    value -= b
    value += _HALF_LOG_2PI
    value += tail
    out[big] = xp.where(b == math.inf, math.inf, value)
    rest = ~big
    r = x[rest]
    t = r.copy()
    product = xp.ones_like(r)
    for _ in range(6):  # [2.5, 8) down to [1.5, 2.5), one exact step at a time
        down = t >= 2.5
        t -= down
        product *= xp.where(down, t, 1.0)
    low = r < 1.5
    z = xp.where(low, r - 1.0, t - 2.0)  # exact differences, |z| <= 0.5
    value = horner(_LGAMMA_AT_2, z)
    value *= z
    value += xp.where(low, -xp.log1p(z), xp.log(product))
    out[rest] = value
    return out


def lgamma_array(x: Array) -> Array:
    """``log|Gamma(x)|`` elementwise, in the dtype of ``x`` (``inf`` at the poles)."""
    xp, flat = _flat64(x)
    with numpy.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = flat.copy()  # keeps NaN
        positive = flat >= 0.5
        out[positive] = _lgamma_positive(flat[positive], xp)
        negative = flat < 0.5
        v = flat[negative]
        sine = _abs_sinpi(v, xp)
        reflected = _LOG_PI - xp.log(sine)
        reflected -= _lgamma_positive(1.0 - v, xp)
        reflected = xp.where(sine == 0.0, math.inf, reflected)  # the poles 0, -1, -2, ...
        out[negative] = xp.where(v == -math.inf, -math.inf, reflected)
    return _back(out, x)


def _digamma_positive(x: Any, xp: Any) -> Any:
    """``psi(x)`` for ``x > 0`` (a 1-d float64 array)."""
    small = x < 10.0
    t = xp.where(small, x + 10.0, x)
    inv = 1.0 / t
    inv2 = inv * inv
    out = xp.log(t)
    out -= 0.5 * inv
    out -= horner(_DIGAMMA_ASYMPTOTIC, inv2) * inv2
    xs = x[small]
    shift = xp.zeros_like(xs)
    for k in range(9, -1, -1):  # smallest terms first
        shift += 1.0 / (xs + k)
    out[small] -= shift
    h = x - _DIGAMMA_ROOT_HI
    near = abs(h) < 0.3
    hn = h[near] - _DIGAMMA_ROOT_LO
    out[near] = horner(_DIGAMMA_AT_ROOT, hn) * hn
    return out


def digamma_array(x: Array) -> Array:
    """``psi(x) = d/dx lgamma(x)`` elementwise, in the dtype of ``x``.

    ``-inf`` at ``+0``, ``inf`` at ``-0`` and NaN at the negative integers and ``-inf``.
    """
    xp, flat = _flat64(x)
    with numpy.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = flat.copy()
        positive = flat > 0.0
        out[positive] = _digamma_positive(flat[positive], xp)
        other = flat <= 0.0
        v = flat[other]
        r = v - xp.round(v)
        reflected = _digamma_positive(1.0 - v, xp) - math.pi / xp.tan(math.pi * r)
        reflected = xp.where(r == 0.0, math.nan, reflected)
        reflected = xp.where(v == 0.0, -xp.copysign(math.inf, v), reflected)
        out[other] = reflected
    return _back(out, x)


def _zeta_positive(s: Any, q: Any, xp: Any) -> Any:
    """``zeta(s, q)`` for ``s > 1`` and ``q > 0`` (1-d float64 arrays of one shape)."""
    a = q + _ZETA_DIRECT_TERMS
    a_pow = xp.power(a, 1.0 - s)  # the leading term, without underflowing a ** -s first
    total = a_pow / (s - 1.0)
    a_pow /= a
    inv2 = 1.0 / (a * a)
    factor = s * a_pow / a
    correction = _EULER_MACLAURIN[0] * factor
    for j, coefficient in enumerate(_EULER_MACLAURIN[1:], start=2):
        factor *= (s + (2 * j - 3)) * (s + (2 * j - 2)) * inv2
        correction += coefficient * factor
    total += correction
    total += 0.5 * a_pow
    for k in range(_ZETA_DIRECT_TERMS - 1, -1, -1):  # smallest terms first
        total += xp.power(q + k, -s)
    return total


def _zeta_flat(s: Any, q: Any, xp: Any) -> Any:
    """``zeta(s, q)`` on 1-d float64 arrays of one shape, with SciPy's special values."""
    out = xp.full_like(q, math.nan)
    out[s == 1.0] = math.inf
    valid = s > 1.0
    pole = valid & (q <= 0.0) & (q == xp.floor(q))
    out[pole] = math.inf
    shifted = valid & (q < 0.0) & ~pole & (s == xp.floor(s)) & (q != -math.inf)
    ok = valid & (q > 0.0)
    out[ok] = _zeta_positive(s[ok], q[ok], xp)
    if bool(shifted.any()):
        sv, qv = s[shifted], q[shifted]
        count = xp.ceil(-qv)
        head = xp.zeros_like(qv)
        for k in range(int(count.max())):
            head += xp.where(k < count, xp.power(qv + k, -sv), 0.0)
        out[shifted] = _zeta_positive(sv, qv + count, xp) + head
    return out


def zeta_array(s: float, q: Array) -> Array:
    """The Hurwitz zeta function ``sum((q + k) ** -s for k >= 0)``, in the dtype of ``q``.

    ``inf`` for ``s == 1`` and at the poles ``q = 0, -1, ...``; NaN for ``s < 1`` and for
    negative ``q`` with a non-integer ``s``.
    """
    xp, flat = _flat64(q)
    with numpy.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = _zeta_flat(xp.full_like(flat, s), flat, xp)
    return _back(out, q)


def polygamma_array(n: Array, x: Array) -> Array:
    """``d**n / dx**n psi(x)`` elementwise, in the dtype of ``x``.

    ``n`` holds non-negative integers and broadcasts to the shape of ``x`` (the caller
    checks both); NaN where ``n`` is negative.
    """
    xp, flat = _flat64(x)
    order = xp.broadcast_to(xp.asarray(n, dtype=numpy.int64), x.shape).ravel()
    with numpy.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = xp.full_like(flat, math.nan)
        zero = order == 0
        out[zero] = digamma_array(flat[zero])
        higher = order > 0
        k = order[higher]
        s = k.astype(numpy.float64) + 1.0
        factorials = xp.asarray(_FACTORIALS)[xp.minimum(k, len(_FACTORIALS) - 1)]
        factorials = xp.where(k < len(_FACTORIALS), factorials, math.inf)
        signs = xp.where(k % 2 == 1, 1.0, -1.0)
        out[higher] = signs * factorials * _zeta_flat(s, flat[higher], xp)
    return _back(out, x)
