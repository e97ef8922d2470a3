"""Helpers of the array and loss function tests: the GPU comparison and a few shortcuts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy
import numpy.typing as npt
import pytest

from kusari.devices import cuda
from kusari.graph import Variable, backward

__all__ = ["as_tuple", "check_on_gpu", "data", "gpu", "grad_array", "grads_of", "scalar"]

_F = TypeVar("_F", bound=Callable[..., Any])
Arr = npt.NDArray[Any]


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
