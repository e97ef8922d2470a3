"""Helpers of the array and loss function tests.

* :func:`uniform`, :data:`FLOATS`: seeded inputs and the floating dtypes.
* :func:`assert_forward`: an output against a float64 NumPy reference, dtype included.
* :func:`check_grads`: first- and second-order gradients against numerical ones (float64).
* :func:`check_grads_float16`: a loose first-order check of a float16 computation.
* :func:`check_on_gpu`: forward and backward on CuPy against the NumPy run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy
import numpy.typing as npt
import pytest

from kusari.devices import cuda
from kusari.graph import Variable, backward
from kusari.graph import gradient_check as gc

__all__ = [
    "FLOATS",
    "as_tuple",
    "assert_forward",
    "check_grads",
    "check_grads_float16",
    "check_on_gpu",
    "data",
    "gpu",
    "grad_array",
    "grads_of",
    "scalar",
    "uniform",
]

_F = TypeVar("_F", bound=Callable[..., Any])
Arr = npt.NDArray[Any]

FLOATS = (numpy.float16, numpy.float32, numpy.float64)

_FORWARD_TOLERANCE = {
    numpy.dtype(numpy.float16): (1e-3, 5e-3),
    numpy.dtype(numpy.float32): (1e-6, 1e-5),
    numpy.dtype(numpy.float64): (1e-12, 1e-10),
}


def uniform(
    seed: int, shape: tuple[int, ...], dtype: Any, low: float = -1.0, high: float = 1.0
) -> Arr:
    """Uniform values in ``[low, high)`` of ``dtype``, from a generator seeded with ``seed``."""
    values: Arr = numpy.random.default_rng(seed).uniform(low, high, shape)
    return numpy.asarray(values.astype(dtype))


def assert_forward(y: object, expected: npt.ArrayLike, dtype: Any, *, scale: float = 1.0) -> None:
    """``y`` is a Variable of ``dtype`` and of ``expected``'s shape, close to its values.

    The tolerance depends on ``dtype``; ``scale`` widens it.
    """
    assert isinstance(y, Variable), f"expected a Variable, got {type(y).__name__}"
    expected = numpy.asarray(expected, numpy.float64)
    assert y.dtype == numpy.dtype(dtype), f"dtype {y.dtype} != {numpy.dtype(dtype)}"
    assert y.shape == expected.shape, f"shape {y.shape} != {expected.shape}"
    atol, rtol = _FORWARD_TOLERANCE[numpy.dtype(dtype)]
    numpy.testing.assert_allclose(
        numpy.asarray(data(y), numpy.float64), expected, atol=atol * scale, rtol=rtol * scale
    )


def _random_output_grads(fn: Callable[..., Any], inputs: Sequence[Arr], rng: Any) -> list[Arr]:
    ys = as_tuple(fn(*[Variable(x) if x.dtype.kind == "f" else x for x in inputs]))
    return [numpy.asarray(rng.uniform(-1, 1, y.shape)).astype(y.dtype) for y in ys]


def check_grads(
    fn: Callable[..., Any],
    inputs: Sequence[Arr],
    *,
    seed: int = 0,
    double: bool = True,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> None:
    """``check_backward`` and (unless ``double`` is false) ``check_double_backward``.

    The output gradients and second-order gradients are random, from ``seed``.  Inputs
    that are not floating point get no gradient.
    """
    rng = numpy.random.default_rng(seed)
    inputs = [numpy.asarray(x) for x in inputs]
    gys = _random_output_grads(fn, inputs, rng)
    gc.check_backward(fn, tuple(inputs), tuple(gys), atol=atol, rtol=rtol)
    if not double:
        return
    ggxs = tuple(
        numpy.asarray(rng.uniform(-1, 1, x.shape)).astype(x.dtype) if x.dtype.kind == "f" else None
        for x in inputs
    )
    gc.check_double_backward(fn, tuple(inputs), tuple(gys), ggxs, atol=atol * 10, rtol=rtol * 10)


def check_grads_float16(fn: Callable[..., Any], inputs: Sequence[Arr], *, seed: int = 0) -> None:
    """A loose first-order check of a float16 computation (numerical side in float64)."""
    rng = numpy.random.default_rng(seed)
    inputs = [numpy.asarray(x) for x in inputs]
    gys = _random_output_grads(fn, inputs, rng)
    tol = gc.default_tolerance(numpy.float16)
    gc.check_backward(
        fn, tuple(inputs), tuple(gys), atol=tol.atol, rtol=tol.rtol, dtype=numpy.float64
    )


def gpu(test: _F) -> _F:
    """Mark a test as a GPU test, skipped without CuPy and a CUDA device."""
    marked = pytest.mark.gpu(test)
    return pytest.mark.skipif(not cuda.available, reason="needs CuPy and a CUDA device")(marked)  # type: ignore[no-any-return]


def data(v: Variable) -> Arr:
    """The array of ``v`` (which must be initialized)."""
    array = v.array
    assert array is not None
    return array


def grad_array(v: Variable) -> Arr:
    """The gradient of ``v`` (which must have one)."""
    g = v.grad
    assert g is not None
    return g


def scalar(v: Variable) -> float:
    """The value of a one-element Variable as a float."""
    return float(data(v))


def as_tuple(outputs: Variable | Sequence[Variable]) -> tuple[Variable, ...]:
    """One Variable or several, as a tuple."""
    return (outputs,) if isinstance(outputs, Variable) else tuple(outputs)


def grads_of(
    fn: Callable[..., Any], inputs: Sequence[Any], gys: Sequence[Any] | None = None
) -> tuple[list[Any], list[Any]]:
    """Run ``fn`` on Variables of ``inputs`` and backward; return outputs and input grads.

    Integer inputs are passed as plain arrays.  Without ``gys`` the output gradients are
    ones.
    """
    xs = [Variable(x) if x.dtype.kind == "f" else x for x in inputs]
    ys = as_tuple(fn(*xs))
    if gys is None:
        gys = [y.xp.ones(y.shape, y.dtype) for y in ys]
    backward(list(ys), list(gys))
    grads = [x.grad if isinstance(x, Variable) else None for x in xs]
    return [y.array for y in ys], grads


def check_on_gpu(
    fn: Callable[..., Any],
    inputs: Sequence[Arr],
    *,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    seed: int = 0,
) -> None:
    """Run ``fn`` forward and backward on CuPy copies of ``inputs`` and compare with NumPy.

    Outputs must come back as CuPy arrays and match the NumPy run, as must the gradients.
    """
    cupy = cuda.cupy
    ys_cpu = as_tuple(fn(*[Variable(x) if x.dtype.kind == "f" else x for x in inputs]))
    rng = numpy.random.default_rng(seed)
    gys = [rng.uniform(-1, 1, y.shape).astype(y.dtype) for y in ys_cpu]
    outs_cpu, grads_cpu = grads_of(fn, inputs, gys)
    outs_gpu, grads_gpu = grads_of(
        fn, [cupy.asarray(x) for x in inputs], [cupy.asarray(g) for g in gys]
    )
    for cpu, dev in zip(outs_cpu + grads_cpu, outs_gpu + grads_gpu, strict=True):
        if cpu is None:
            assert dev is None
            continue
        assert isinstance(dev, cupy.ndarray)
        numpy.testing.assert_allclose(cupy.asnumpy(dev), cpu, atol=atol, rtol=rtol)
