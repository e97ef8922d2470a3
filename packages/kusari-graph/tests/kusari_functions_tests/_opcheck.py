"""Shared checks for the activation, math, noise and evaluation function tests.

* :func:`assert_forward`: an output against a float64 NumPy reference, dtype included.
* :func:`check_grads`: first- and second-order gradients against numerical ones, with
  random output gradients drawn from a seeded generator.
* :func:`check_grads_float16`: a loose first-order check of the float16 computation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy
import numpy.typing as npt

from kusari.graph import Variable
from kusari.graph import gradient_check as gc

__all__ = [
    "FLOATS",
    "data",
    "grad",
    "assert_forward",
    "check_grads",
    "check_grads_float16",
    "forward_tolerance",
    "global_seed",
    "uniform",
]

FLOATS = (numpy.float16, numpy.float32, numpy.float64)

_FORWARD_TOLERANCE = {
    numpy.dtype(numpy.float16): (1e-3, 5e-3),
    numpy.dtype(numpy.float32): (1e-6, 1e-5),
    numpy.dtype(numpy.float64): (1e-12, 1e-10),
}

Fn = Callable[..., Any]


@contextlib.contextmanager
def global_seed(seed: int) -> Iterator[None]:
    """Seed the global ``numpy.random`` (which Chainer draws from), and restore it after."""
    state = numpy.random.get_state()  # noqa: NPY002
    numpy.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        numpy.random.set_state(state)  # noqa: NPY002


def data(v: Variable) -> npt.NDArray[Any]:
    """The array of ``v`` (which must have one)."""
    array = v.array
    assert array is not None
    return array


def grad(v: Variable) -> npt.NDArray[Any]:
    """The gradient array of ``v`` (which must have one)."""
    g = v.grad
    assert g is not None, "the Variable has no gradient"
    return g


def forward_tolerance(dtype: npt.DTypeLike) -> tuple[float, float]:
    """``(atol, rtol)`` for comparing a forward result in ``dtype`` with a float64 one."""
    return _FORWARD_TOLERANCE[numpy.dtype(dtype)]


def uniform(
    seed: int, shape: tuple[int, ...], dtype: npt.DTypeLike, low: float = -1.0, high: float = 1.0
) -> npt.NDArray[Any]:
    """Uniform random values of ``dtype`` from a seeded generator."""
    rng = numpy.random.default_rng(seed)
    return numpy.asarray(rng.uniform(low, high, shape), dtype)


def assert_forward(
    y: object,
    expected: npt.ArrayLike,
    dtype: npt.DTypeLike,
    *,
    scale: float = 1.0,
) -> None:
    """Check that ``y`` is a Variable of ``dtype`` equal to ``expected`` within tolerance.

    ``scale`` widens the tolerance (for functions with large condition numbers).
    """
    assert isinstance(y, Variable), f"expected a Variable, got {type(y).__name__}"
    expected = numpy.asarray(expected)
    assert y.dtype == numpy.dtype(dtype), f"dtype {y.dtype} != {numpy.dtype(dtype)}"
    assert y.shape == expected.shape, f"shape {y.shape} != {expected.shape}"
    atol, rtol = forward_tolerance(dtype)
    numpy.testing.assert_allclose(
        numpy.asarray(y.array, numpy.float64),
        expected.astype(numpy.float64),
        atol=atol * scale,
        rtol=rtol * scale,
    )


def _output_shapes(fn: Fn, inputs: Sequence[npt.NDArray[Any]]) -> list[tuple[int, ...]]:
    outputs = fn(*[Variable(x) for x in inputs])
    if isinstance(outputs, Variable):
        outputs = (outputs,)
    return [y.shape for y in outputs]


def check_grads(
    fn: Fn,
    inputs: Sequence[npt.NDArray[Any]],
    *,
    seed: int = 0,
    double: bool = True,
    no_grads: Sequence[bool] | None = None,
    eps: float = 1e-3,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    detect_nondifferentiable: bool = False,
) -> None:
    """Run ``check_backward`` (and ``check_double_backward``) on float64 ``inputs``."""
    rng = numpy.random.default_rng(seed)
    inputs = [numpy.asarray(x) for x in inputs]
    gys = [
        numpy.asarray(rng.uniform(-1, 1, s), inputs[0].dtype) for s in _output_shapes(fn, inputs)
    ]
    gc.check_backward(
        fn,
        tuple(inputs),
        tuple(gys),
        eps=eps,
        atol=atol,
        rtol=rtol,
        no_grads=no_grads,
        detect_nondifferentiable=detect_nondifferentiable,
    )
    if not double:
        return
    flags = no_grads if no_grads is not None else [x.dtype.kind != "f" for x in inputs]
    ggxs = tuple(
        None if skip else numpy.asarray(rng.uniform(-1, 1, x.shape), x.dtype)
        for x, skip in zip(inputs, flags, strict=True)
    )
    gc.check_double_backward(
        fn,
        tuple(inputs),
        tuple(gys),
        ggxs,
        eps=eps,
        atol=atol * 10,
        rtol=rtol * 10,
        no_grads=no_grads,
    )


def check_grads_float16(
    fn: Fn, inputs: Sequence[npt.NDArray[Any]], *, seed: int = 0, eps: float = 1e-3
) -> None:
    """A loose first-order check of a float16 computation (numerical side in float64)."""
    rng = numpy.random.default_rng(seed)
    inputs = [numpy.asarray(x) for x in inputs]
    gys = [numpy.asarray(rng.uniform(-1, 1, s), numpy.float16) for s in _output_shapes(fn, inputs)]
    tol = gc.default_tolerance(numpy.float16)
    gc.check_backward(
        fn,
        tuple(inputs),
        tuple(gys),
        eps=eps,
        atol=tol.atol,
        rtol=tol.rtol,
        dtype=numpy.float64,
    )
