"""Shared checks of the normalization and util function tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.devices import cuda, to_cpu
from kusari.graph import Variable
from kusari.graph import gradient_check as gc

Arr = npt.NDArray[Any]
Fn = Callable[..., Variable]

FLOATS = (numpy.float16, numpy.float32, numpy.float64)
_FORWARD_TOL = {
    numpy.dtype(numpy.float16): (5e-3, 5e-3),
    numpy.dtype(numpy.float32): (1e-5, 1e-5),
    numpy.dtype(numpy.float64): (1e-12, 1e-10),
}


def rand(seed: int, shape: tuple[int, ...], dtype: npt.DTypeLike = numpy.float64) -> Arr:
    """Standard normal values of ``dtype`` from a seeded generator."""
    return numpy.random.default_rng(seed).standard_normal(shape).astype(dtype)


def assert_forward(y: Variable, expected: Arr, dtype: npt.DTypeLike) -> None:
    """``y`` has ``dtype`` and the values of ``expected`` within the dtype's tolerance."""
    assert y.dtype == numpy.dtype(dtype)
    assert y.shape == expected.shape
    atol, rtol = _FORWARD_TOL[numpy.dtype(dtype)]
    array = y.array
    assert array is not None
    numpy.testing.assert_allclose(array.astype(numpy.float64), expected, atol=atol, rtol=rtol)


def check_grads(
    fn: Fn, inputs: Sequence[Arr], *, seed: int = 0, double: bool = True, tol: float = 1e-5
) -> None:
    """First- (and second-) order gradient checks of ``fn`` on float64 inputs."""
    rng = numpy.random.default_rng(seed)
    y = fn(*[Variable(x) for x in inputs])
    gy = rng.standard_normal(y.shape)
    with fix_random(seed):  # the random direction of the checks
        gc.check_backward(fn, tuple(inputs), gy, atol=tol, rtol=tol * 10)
        if double:
            ggxs = tuple(rng.standard_normal(x.shape) for x in inputs)
            gc.check_double_backward(fn, tuple(inputs), gy, ggxs, atol=tol, rtol=tol * 10)


def check_grads_float16(fn: Fn, inputs: Sequence[Arr], *, seed: int = 0) -> None:
    """A loose first-order check of a float16 computation."""
    rng = numpy.random.default_rng(seed)
    y = fn(*[Variable(x) for x in inputs])
    gy = rng.standard_normal(y.shape).astype(numpy.float16)
    with fix_random(seed):
        gc.check_backward(
            fn, tuple(inputs), gy, eps=1e-3, atol=5e-2, rtol=5e-2, dtype=numpy.float64
        )


def grads_both_paths(fn: Fn, inputs: Sequence[Arr], gy: Arr) -> tuple[list[Arr], list[Arr]]:
    """The input gradients from the array fast path and from the Variable path."""
    fast = [Variable(x) for x in inputs]
    y = fn(*fast)
    y.grad = gy
    y.backward()
    slow = [Variable(x) for x in inputs]
    y2 = fn(*slow)
    y2.grad = gy
    y2.backward(enable_double_backprop=True)
    out_fast, out_slow = [], []
    for a, b in zip(fast, slow, strict=True):
        assert a.grad is not None
        assert b.grad is not None
        out_fast.append(a.grad)
        out_slow.append(b.grad)
    return out_fast, out_slow


@contextlib.contextmanager
def fix_random(seed: int) -> Iterator[None]:
    """Seed the global ``numpy.random`` (the checks draw from it), then restore it."""
    saved = numpy.random.get_state()  # noqa: NPY002
    numpy.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        numpy.random.set_state(saved)  # noqa: NPY002


def gpu_module() -> Any:
    """CuPy, or skip the test without it or without a device."""
    if not cuda.available:
        pytest.skip("needs CuPy and a CUDA device")
    return pytest.importorskip("cupy")


def host(value: object) -> Arr:
    """The NumPy array of a Variable, a NumPy or a CuPy array."""
    if isinstance(value, Variable):
        value = value.array
    return numpy.asarray(to_cpu(value))  # type: ignore[call-overload]
