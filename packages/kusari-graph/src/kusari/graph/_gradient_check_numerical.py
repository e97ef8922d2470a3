"""Numerical differentiation by central differences, with a non-differentiability check.

Every quantity that enters a difference quotient is taken in float64, whatever the dtype
the function computes in: outputs are upcast before they are subtracted, and the step is
the perturbation that the input array actually stored (``float(x + eps) - float(x)`` after
rounding to the input's dtype), not the nominal ``eps``. So rounding a float16 or float32
input does not bias the estimate; only the function's own rounding error remains.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, cast

import numpy
import numpy.typing as npt

from kusari.devices import Array, Scalar, get_array_module, is_array

__all__ = ["NondifferentiableError", "numerical_grad"]

Outputs: TypeAlias = Sequence[Array | Scalar | None] | Array
"""What the function handed to :func:`numerical_grad` returns: one array or a sequence."""

GradOutputs: TypeAlias = Sequence[Array | Scalar | None]
"""Output gradients: one per output, ``None`` where an output does not contribute."""

# float64 copies of the checked outputs at one evaluation point (None: not checked).
_Evaluated: TypeAlias = list[Array | None]

# Rounding noise of a difference quotient is about ulp(y) * |y| / h per evaluation; the
# one-sided slopes combine five evaluations with coefficient sum 8 / h, and reductions
# inside f add a few ulps more. This factor keeps the check quiet on smooth functions.
_NOISE_ULPS = 16.0


class NondifferentiableError(Exception):
    """The function is not differentiable (or not finite) at the point being checked.

    Raised by :func:`numerical_grad` and :func:`~kusari.graph.gradient_check.check_backward`
    when ``detect_nondifferentiable=True`` and the left and right derivatives of some output
    disagree by more than the tolerance, or an output is not finite near the point.

    Example:
        >>> import numpy
        >>> from kusari.graph.gradient_check import NondifferentiableError, numerical_grad
        >>> x = numpy.array([0.0])
        >>> try:
        ...     numerical_grad(lambda: (numpy.abs(x),), (x,), (numpy.ones(1),),
        ...                    detect_nondifferentiable=True)
        ... except NondifferentiableError:
        ...     print("abs has a kink at 0")
        abs has a kink at 0
    """


def numerical_grad(
    f: Callable[[], Outputs],
    inputs: Sequence[Array],
    grad_outputs: GradOutputs,
    eps: float = 1e-3,
    detect_nondifferentiable: bool = False,
    diff_atol: float = 0.0,
    diff_rtol: float = 1e-2,
    center_outputs: Outputs | None = None,
) -> tuple[Array, ...]:
    """Compute ``d(sum_j grad_outputs[j] * f()[j]) / d inputs`` by central differences.

    ``f`` takes no arguments: it reads ``inputs``, which this function perturbs *in place*,
    one element at a time, to ``x - eps`` and ``x + eps`` (and restores exactly afterwards).
    The gradient of element ``x[i]`` is ``sum_j <gy_j, f_j(x+) - f_j(x-)> / (x+ - x-)``,
    where ``x+`` and ``x-`` are the values the array really stored; the arithmetic is in
    float64, so float16 and float32 inputs get a meaningful estimate.

    With ``detect_nondifferentiable=True`` a five-point stencil ``x + k*eps``,
    ``k = -2..2``, is evaluated instead; the one-sided derivatives fitted to the left and to
    the right half must agree for every element of every output with a gradient, within
    ``diff_atol + diff_rtol * max(|left|, |right|)`` plus the rounding noise of the output
    dtype. Otherwise :class:`NondifferentiableError` is raised. The check can give false
    positives where a derivative changes fast on the scale of ``eps``.

    Args:
        f: A function with no arguments returning the outputs: an array or a sequence of
            arrays (or scalars) computed from ``inputs``.
        inputs: The floating-point arrays to differentiate with respect to; they must be
            writeable, since they are perturbed in place.
        grad_outputs: One gradient per output of ``f`` (an array of the output's shape, a
            scalar, or ``None`` to ignore that output).
        eps: The step size; must be positive.
        detect_nondifferentiable: Whether to check that ``f`` is differentiable at
            ``inputs`` (costs two more evaluations per element plus one).
        diff_atol: Absolute tolerance of the differentiability check.
        diff_rtol: Relative tolerance of the differentiability check.
        center_outputs: The outputs of ``f`` at the unperturbed ``inputs``, if already
            known; saves one evaluation when ``detect_nondifferentiable`` is set.

    Returns:
        One gradient array per input, with the input's shape and dtype, on its device.

    Raises:
        TypeError: If an input is not a floating-point array, or ``f`` returns something
            that is not an array or scalar.
        ValueError: If ``eps`` or a tolerance is out of range, an input is read-only,
            ``grad_outputs`` does not match the outputs of ``f``, or ``eps`` is too small
            to change some element in its dtype.
        NondifferentiableError: If ``detect_nondifferentiable`` is set and ``f`` is not
            differentiable (or not finite) at ``inputs``.

    Example:
        >>> import numpy
        >>> from kusari.graph.gradient_check import numerical_grad
        >>> x = numpy.array([0.5, 2.0])
        >>> (gx,) = numerical_grad(lambda: (x**3,), (x,), (numpy.ones(2),))
        >>> numpy.allclose(gx, 3 * x**2)
        True
    """
    _check_step(eps, diff_atol, diff_rtol)
    for index, x in enumerate(inputs):
        _check_input(x, f"inputs[{index}]")
    mask = _gradient_mask(grad_outputs)
    offsets = (-2, -1, 1, 2) if detect_nondifferentiable else (-1, 1)
    center: _Evaluated | None = None
    if detect_nondifferentiable:
        if center_outputs is None:
            center, _ = as_float64_outputs(f(), mask, "f")
        else:
            center, _ = as_float64_outputs(center_outputs, mask, "center_outputs")
        check_grad_outputs(grad_outputs, center, "grad_outputs", "f")

    grads: list[Array] = []
    for index, x in enumerate(inputs):
        xp = get_array_module(x)
        flat = numpy.empty(x.size, dtype=numpy.float64)
        for position, element in enumerate(numpy.ndindex(x.shape)):
            where = f"inputs[{index}][{_format_index(element)}]"
            original = x[element]
            base = float(original)
            if not math.isfinite(base):
                raise ValueError(f"{where} is {base!r}; cannot differentiate there")
            steps: list[float] = []
            values: list[_Evaluated] = []
            try:
                for k in offsets:
                    x[element] = base + k * eps
                    steps.append(float(x[element]) - base)
                    ys, out_dtypes = as_float64_outputs(f(), mask, "f")
                    values.append(ys)
            finally:
                x[element] = original
            check_steps(steps, eps, x.dtype, where)
            if center is None:
                if position == 0:
                    check_grad_outputs(grad_outputs, values[0], "grad_outputs", "f")
            else:
                check_differentiable(
                    steps,
                    values,
                    center,
                    out_dtypes,
                    diff_atol,
                    diff_rtol,
                    f"f is not differentiable at {where} = {base!r}",
                )
            lo, hi = len(offsets) // 2 - 1, len(offsets) // 2
            numerator = weighted_difference(values[hi], values[lo], grad_outputs)
            flat[position] = numerator / (steps[hi] - steps[lo])
        grads.append(xp.asarray(flat.reshape(x.shape), dtype=x.dtype))
    return tuple(grads)


def _check_step(eps: float, diff_atol: float, diff_rtol: float) -> None:
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    if not (math.isfinite(diff_atol) and diff_atol >= 0):
        raise ValueError(f"diff_atol must be a non-negative number, got {diff_atol!r}")
    if not (math.isfinite(diff_rtol) and diff_rtol >= 0):
        raise ValueError(f"diff_rtol must be a non-negative number, got {diff_rtol!r}")


def _check_input(x: Array, name: str) -> None:
    if not is_array(x):
        raise TypeError(f"{name} must be a numpy or cupy array, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(
            f"{name} has dtype {x.dtype}; only floating-point inputs can be differentiated "
            "numerically"
        )
    if not getattr(x.flags, "writeable", True):  # CuPy's flags have no "writeable"
        raise ValueError(f"{name} is read-only; numerical_grad perturbs its inputs in place")


def _gradient_mask(grad_outputs: GradOutputs) -> list[bool]:
    if is_array(grad_outputs) or not isinstance(grad_outputs, Sequence):
        raise TypeError(
            "grad_outputs must be a sequence with one entry per output, got "
            f"{type(grad_outputs).__name__}"
        )
    return [gy is not None for gy in grad_outputs]


def check_steps(steps: list[float], eps: float, dtype: numpy.dtype[Any], where: str) -> None:
    """Raise a ValueError if rounding to ``dtype`` collapsed or reordered the stencil."""
    # The stencil must stay strictly ordered around 0 after rounding to the input dtype.
    half = len(steps) // 2
    ordered = all(a < b for a, b in itertools.pairwise(steps))
    if not (ordered and steps[half - 1] < 0.0 < steps[half]):
        raise ValueError(
            f"eps={eps!r} is too small to perturb {where} in {dtype}: the perturbed values "
            "round to the same number; use a larger eps or cast the input to float64"
        )


def as_float64_outputs(
    outputs: Outputs, mask: Sequence[bool], name: str
) -> tuple[_Evaluated, list[numpy.dtype[Any] | None]]:
    """Return float64 copies of the selected outputs and their original dtypes."""
    items = (outputs,) if is_array(outputs) else outputs
    if not isinstance(items, (tuple, list)):
        raise TypeError(
            f"{name} must return an array or a tuple/list of arrays, got {type(outputs).__name__}"
        )
    if len(items) != len(mask):
        raise ValueError(
            f"{name} returned {len(items)} output(s) but grad_outputs has {len(mask)} "
            "entries; give one gradient (or None) per output"
        )
    values: _Evaluated = []
    dtypes: list[numpy.dtype[Any] | None] = []
    for position, (y, used) in enumerate(zip(items, mask, strict=True)):
        if not used:
            values.append(None)
            dtypes.append(None)
            continue
        if is_array(y):
            xp = get_array_module(y)
            dtypes.append(numpy.dtype(y.dtype))
            values.append(xp.asarray(y, dtype=numpy.float64))
        elif isinstance(y, (int, float, numpy.number, numpy.bool_)) and not isinstance(y, complex):
            dtypes.append(numpy.asarray(y).dtype)
            values.append(numpy.asarray(y, dtype=numpy.float64))
        else:
            raise TypeError(
                f"output {position} of {name} is {type(y).__name__}; expected an array or a "
                "real scalar"
            )
    return values, dtypes


def check_grad_outputs(
    grad_outputs: GradOutputs, outputs: _Evaluated, grad_name: str, name: str
) -> None:
    """Check that every non-None gradient has the shape of its output."""
    for position, (gy, y) in enumerate(zip(grad_outputs, outputs, strict=True)):
        if gy is None or y is None or not is_array(gy):
            continue
        shape = tuple(gy.shape)  # type: ignore[union-attr]
        if shape != tuple(y.shape):
            raise ValueError(
                f"{grad_name}[{position}] has shape {shape} but output {position} of {name} "
                f"has shape {tuple(y.shape)}"
            )


def weighted_difference(plus: _Evaluated, minus: _Evaluated, grad_outputs: GradOutputs) -> float:
    """Return ``sum_j <grad_outputs[j], plus[j] - minus[j]>`` in float64."""
    total = 0.0
    for hi, lo, gy in zip(plus, minus, grad_outputs, strict=True):
        if gy is None or hi is None or lo is None:
            continue
        xp = get_array_module(hi)
        difference = hi - lo
        weight = xp.asarray(gy, dtype=numpy.float64)
        total += float((difference * weight).sum())
    return total


def check_differentiable(
    steps: Sequence[float],
    values: Sequence[_Evaluated],
    center: _Evaluated,
    dtypes: Sequence[numpy.dtype[Any] | None],
    diff_atol: float,
    diff_rtol: float,
    message: str,
) -> None:
    """Compare left and right one-sided derivatives on a five-point stencil.

    Args:
        steps: The realised offsets of the points ``-2, -1, +1, +2`` from the centre.
        values: The float64 outputs at those four points.
        center: The float64 outputs at the centre.
        dtypes: The outputs' original dtypes (for the rounding-noise allowance).
        diff_atol: Absolute tolerance.
        diff_rtol: Relative tolerance.
        message: The start of the error message, naming the point.

    Raises:
        NondifferentiableError: On a mismatch or a non-finite output.
    """
    t2m, t1m, t1p, t2p = steps
    h = min(abs(t1m), t1p)
    for position, y0 in enumerate(center):
        if y0 is None:
            continue
        # The mask is the same at every point, so these are arrays wherever y0 is one.
        y2m, y1m, y1p, y2p = cast(list[Array], [v[position] for v in values])
        xp = get_array_module(y0)
        stacked = xp.stack([y2m, y1m, y0, y1p, y2p])
        finite = xp.isfinite(stacked).all(axis=0)
        if not bool(finite.all()):
            bad = _first_index(~finite)
            raise NondifferentiableError(
                f"{message}: output {position} at index {bad} is not finite near the point "
                f"(values {_format_floats(stacked[(slice(None), *bad)])} at offsets "
                f"{_format_floats([t2m, t1m, 0.0, t1p, t2p])})"
            )
        left = _slope_at_zero(t2m, y2m, t1m, y1m, y0)
        right = _slope_at_zero(t1p, y1p, t2p, y2p, y0)
        dtype = dtypes[position]
        resolution = 0.0
        if dtype is not None and dtype.kind == "f":
            resolution = float(numpy.finfo(dtype).eps)
        noise = _NOISE_ULPS * resolution * float(xp.abs(stacked).max()) / h
        tolerance = diff_atol + diff_rtol * xp.maximum(xp.abs(left), xp.abs(right)) + noise
        mismatch = xp.abs(left - right) > tolerance
        if bool(mismatch.any()):
            bad = _first_index(mismatch)
            raise NondifferentiableError(
                f"{message}: output {position} at index {bad} has left derivative "
                f"{float(left[bad]):.6g} but right derivative {float(right[bad]):.6g} "
                f"(allowed difference {float(tolerance[bad]):.3g} = diff_atol {diff_atol:g} "
                f"+ diff_rtol {diff_rtol:g} * max(|left|, |right|) + rounding noise "
                f"{noise:.3g}; step {h:.3g})"
            )


def _slope_at_zero(ta: float, ya: Array, tb: float, yb: Array, y0: Array) -> Array:
    """Derivative at 0 of the parabola through ``(ta, ya)``, ``(tb, yb)``, ``(0, y0)``."""
    first = (yb - ya) / (tb - ta)
    second = ((y0 - yb) / (0.0 - tb) - first) / (0.0 - ta)
    return first - second * (ta + tb)


def _first_index(mask: Array) -> tuple[int, ...]:
    xp = get_array_module(mask)
    flat = int(xp.argmax(mask.reshape(-1)))
    return tuple(int(i) for i in numpy.unravel_index(flat, mask.shape))


def _format_index(index: tuple[int, ...]) -> str:
    return ", ".join(str(i) for i in index) if index else "()"


def _format_floats(values: Array | Sequence[float] | npt.ArrayLike) -> str:
    array = numpy.asarray(getattr(values, "get", lambda: values)(), dtype=numpy.float64)
    return "[" + ", ".join(f"{v:.6g}" for v in array.ravel()) + "]"
