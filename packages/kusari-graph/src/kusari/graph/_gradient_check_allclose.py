"""Array comparison with readable failure messages, and per-dtype default tolerances."""

from __future__ import annotations

from typing import Any, NamedTuple, cast

import numpy
import numpy.typing as npt

from kusari.devices import Array, Scalar, is_array, to_cpu

from ._variable import Variable

__all__ = ["Tolerance", "assert_allclose", "default_tolerance"]


class Tolerance(NamedTuple):
    """An absolute and a relative tolerance, as used by the gradient checks.

    Attributes:
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Example:
        >>> from kusari.graph.gradient_check import Tolerance
        >>> Tolerance(atol=1e-5, rtol=1e-4).atol
        1e-05
    """

    atol: float
    rtol: float


_DEFAULT_TOLERANCES = {
    numpy.dtype(numpy.float16): Tolerance(atol=5e-3, rtol=5e-2),
    numpy.dtype(numpy.float32): Tolerance(atol=1e-4, rtol=1e-3),
    numpy.dtype(numpy.float64): Tolerance(atol=1e-5, rtol=1e-4),
}


def default_tolerance(dtype: npt.DTypeLike) -> Tolerance:
    """Return the tolerance a gradient check of a function computing in ``dtype`` should use.

    ============ ========= ========
    dtype        atol      rtol
    ============ ========= ========
    float16      ``5e-3``  ``5e-2``
    float32      ``1e-4``  ``1e-3``
    float64      ``1e-5``  ``1e-4``
    ============ ========= ========

    The float64 row is the default of :func:`~kusari.graph.gradient_check.check_backward`.
    The float16 and float32 rows assume that the numerical side runs in float64
    (``dtype=numpy.float64`` in the check), so that they measure the error of the backward
    computation, not the rounding noise of finite differences: in float32, with the usual
    ``eps=1e-3``, that noise alone reaches ``1e-3`` on arrays of a hundred elements, and
    float16 has only about three significant digits. For
    :func:`~kusari.graph.gradient_check.check_double_backward` multiply both by 10.

    Args:
        dtype: A floating-point dtype (``numpy.float16``, ``'float32'``, ...).

    Returns:
        The tolerance.

    Raises:
        ValueError: If ``dtype`` is not float16, float32 or float64.

    Example:
        >>> import numpy
        >>> from kusari.graph.gradient_check import default_tolerance
        >>> default_tolerance(numpy.float32)
        Tolerance(atol=0.0001, rtol=0.001)
    """
    resolved = numpy.dtype(dtype)
    try:
        return _DEFAULT_TOLERANCES[resolved]
    except KeyError:
        raise ValueError(
            f"default_tolerance expects float16, float32 or float64, got {resolved}"
        ) from None


def assert_allclose(
    x: object, y: object, atol: float = 1e-5, rtol: float = 1e-4, verbose: bool = True
) -> None:
    """Assert that ``|x - y| <= atol + rtol * |y|`` holds element-wise.

    ``x`` and ``y`` may be NumPy or CuPy arrays, :class:`~kusari.graph.Variable` objects
    (their data is compared), scalars or nested sequences; they must have broadcastable
    shapes. NaNs compare equal to NaNs and infinities to infinities of the same sign. The
    comparison is done in float64 (complex128 for complex inputs), so float16 values do
    not overflow while being subtracted.

    Args:
        x: The actual value.
        y: The expected value.
        atol: Absolute tolerance.
        rtol: Relative tolerance, relative to ``|y|``.
        verbose: Whether the error message also shows both arrays in full.

    Raises:
        AssertionError: If some element differs by more than the tolerance (or the shapes do
            not broadcast). The message gives the tolerance, the number of mismatched
            elements, the largest absolute and relative errors with the index where each
            occurs, and both shapes and dtypes.

    Example:
        >>> import numpy
        >>> from kusari.graph.gradient_check import assert_allclose
        >>> assert_allclose(numpy.array([1.0, 2.0]), numpy.array([1.0, 2.0 + 1e-7]))
        >>> try:
        ...     assert_allclose(numpy.array([1.0, 2.0]), numpy.array([1.0, 2.5]), verbose=False)
        ... except AssertionError as error:
        ...     print(str(error).splitlines()[0])
        Not equal to tolerance (atol=1e-05, rtol=0.0001)
    """
    actual = _as_host_array(x)
    expected = _as_host_array(y)
    try:
        shape = numpy.broadcast_shapes(actual.shape, expected.shape)
    except ValueError:
        raise AssertionError(
            f"Shapes do not match: x has shape {actual.shape} ({actual.dtype}), "
            f"y has shape {expected.shape} ({expected.dtype})"
        ) from None
    kind = numpy.complex128 if "c" in (actual.dtype.kind, expected.dtype.kind) else numpy.float64
    a = numpy.broadcast_to(actual.astype(kind), shape)
    b = numpy.broadcast_to(expected.astype(kind), shape)
    with numpy.errstate(invalid="ignore", over="ignore"):
        abs_error = numpy.abs(a - b)
        allowed = atol + rtol * numpy.abs(b)
        close = numpy.isfinite(a) & numpy.isfinite(b) & (abs_error <= allowed)
        same_special = (numpy.isnan(a) & numpy.isnan(b)) | (numpy.isinf(a) & (a == b))
        mismatch = ~(close | same_special)
    if not mismatch.any():
        return
    raise AssertionError(
        _mismatch_message(actual, expected, a, b, abs_error, mismatch, atol, rtol, verbose)
    )


def _as_host_array(value: object) -> npt.NDArray[Any]:
    data = value.array if isinstance(value, Variable) else value
    if is_array(data):
        return to_cpu(cast(Array, data))
    if data is None:
        raise TypeError(
            "assert_allclose cannot compare None (a Variable without data or a missing grad?)"
        )
    return numpy.asarray(data)


def _mismatch_message(
    actual: npt.NDArray[Any],
    expected: npt.NDArray[Any],
    a: npt.NDArray[Any],
    b: npt.NDArray[Any],
    abs_error: npt.NDArray[Any],
    mismatch: npt.NDArray[numpy.bool_],
    atol: float,
    rtol: float,
    verbose: bool,
) -> str:
    count = int(mismatch.sum())
    total = mismatch.size
    with numpy.errstate(divide="ignore", invalid="ignore"):
        rel_error = abs_error / numpy.abs(b)
    # Rank NaN (a NaN against a number) above every finite error.
    abs_rank = numpy.where(mismatch, numpy.nan_to_num(abs_error, nan=numpy.inf), -1.0)
    rel_rank = numpy.where(mismatch, numpy.nan_to_num(rel_error, nan=numpy.inf), -1.0)
    worst_abs = _unravel(int(numpy.argmax(abs_rank)), mismatch.shape)
    worst_rel = _unravel(int(numpy.argmax(rel_rank)), mismatch.shape)
    lines = [
        f"Not equal to tolerance (atol={atol!r}, rtol={rtol!r})",
        f"Mismatched elements: {count} / {total} ({100.0 * count / total:.3g}%)",
        f"Max absolute error: {_scalar(abs_error[worst_abs])} at index {worst_abs}: "
        f"x={_scalar(a[worst_abs])}, y={_scalar(b[worst_abs])}",
        f"Max relative error: {_scalar(rel_error[worst_rel])} at index {worst_rel}: "
        f"x={_scalar(a[worst_rel])}, y={_scalar(b[worst_rel])}",
        f"x: shape {actual.shape}, dtype {actual.dtype}",
        f"y: shape {expected.shape}, dtype {expected.dtype}",
    ]
    if verbose:
        with numpy.printoptions(precision=8, threshold=200, edgeitems=5):
            lines.append(f"x = {actual!r}")
            lines.append(f"y = {expected!r}")
    return "\n".join(lines)


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in numpy.unravel_index(flat, shape))


def _scalar(value: Scalar | Array) -> str:
    return f"{value.item() if isinstance(value, numpy.generic | numpy.ndarray) else value:.6g}"
