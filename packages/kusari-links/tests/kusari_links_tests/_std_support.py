"""Checks shared by the tests of the standard links (``test_std_*.py``)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.devices import cuda, to_cpu
from kusari.graph import Variable
from kusari.graph import gradient_check as gc
from kusari.links import Link, Parameter, Sequential
from kusari.serializers import load_npz, save_npz

Arr = npt.NDArray[Any]


def rand(seed: int, shape: tuple[int, ...], dtype: npt.DTypeLike = numpy.float64) -> Arr:
    """Standard normal values from a seeded generator."""
    return numpy.random.default_rng(seed).standard_normal(shape).astype(dtype)


def data(value: object) -> Arr:
    """The NumPy array of a Variable or an array."""
    if isinstance(value, Variable):
        value = value.array
    assert value is not None
    return numpy.asarray(to_cpu(value))  # type: ignore[call-overload]


def state(link: Link) -> dict[str, Arr]:
    """Every parameter and persistent array of ``link``, by npz key."""
    out = io.BytesIO()
    save_npz(out, link)
    out.seek(0)
    with numpy.load(out) as npz:
        return {key: npz[key] for key in npz.files}


def check_params_backward(
    link: Link, inputs: Sequence[Arr], *, seed: int = 0, tol: float = 1e-6, **kwargs: Any
) -> None:
    """``check_backward`` of ``link(*inputs)`` with its initialized params, in float64."""
    params = tuple(link.params(include_uninit=False))
    y = link(*[Variable(x) for x in inputs], **kwargs)
    gy = numpy.random.default_rng(seed).standard_normal(y.shape)
    with chainer_seed(seed):  # the random direction of the check
        gc.check_backward(
            lambda *xs: link(*xs, **kwargs),
            tuple(inputs),
            gy,
            params=params,
            atol=tol,
            rtol=tol * 10,
        )


def check_npz_round_trip(factory: Callable[[], Link], call: Callable[[Link], Any]) -> None:
    """Save a used link, load it into a fresh one: same state and same outputs."""
    source = factory()
    first = call(source)
    buffer = io.BytesIO()
    save_npz(buffer, source)
    buffer.seek(0)
    target = factory()
    load_npz(buffer, target)
    expected = state(source)
    got = state(target)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        numpy.testing.assert_array_equal(got[key], value, err_msg=key)
    second = call(target)
    numpy.testing.assert_allclose(data(second), data(first), rtol=1e-6)


def check_copies(link: Link) -> None:
    """``copy`` share/copy/init and ``repeat`` keep the structure with Chainer's semantics."""
    params = dict(link.namedparams(include_uninit=False))
    shared = link.copy("share")
    assert type(shared) is type(link)
    for path, param in shared.namedparams(include_uninit=False):
        assert param is not params[path]
        assert param.array is params[path].array
    deep = link.copy("copy")
    for path, param in deep.namedparams(include_uninit=False):
        assert param.array is not params[path].array
        numpy.testing.assert_array_equal(data(param), data(params[path]))
    init = link.copy("init")
    for path, param in init.namedparams(include_uninit=False):
        assert param.shape == params[path].shape
        assert param.dtype == params[path].dtype
    repeated = link.repeat(2, mode="copy")
    assert isinstance(repeated, Sequential)
    assert len(repeated) == 2
    assert all(type(child) is type(link) for child in repeated)


def check_to_numpy(link: Link) -> None:
    """``to_device('@numpy')`` returns the link and keeps the (NumPy) arrays in place."""
    arrays = {path: param.array for path, param in link.namedparams()}
    assert link.to_device("@numpy") is link
    assert link.device.xp is numpy
    for path, param in link.namedparams():
        assert param.array is arrays[path]


def param_arrays(link: Link) -> dict[str, Arr]:
    """Copies of the initialized parameter arrays, by path."""
    return {path: data(p).copy() for path, p in link.namedparams(include_uninit=False)}


def uninitialized(link: Link) -> list[str]:
    """The paths of the uninitialized parameters."""
    return [path for path, p in link.namedparams() if p.array is None]


@contextlib.contextmanager
def chainer_seed(seed: int) -> Iterator[None]:
    """Seed the global ``numpy.random`` (as Chainer's initializers use it), then restore it."""
    saved = numpy.random.get_state()  # noqa: NPY002
    numpy.random.seed(seed)  # noqa: NPY002  (Chainer draws from the global generator)
    try:
        yield
    finally:
        numpy.random.set_state(saved)  # noqa: NPY002


def gpu_module() -> Any:
    """CuPy, or skip without it or without a device."""
    if not cuda.available:
        pytest.skip("needs CuPy and a CUDA device")
    return pytest.importorskip("cupy")


__all__ = [
    "Arr",
    "Parameter",
    "chainer_seed",
    "check_copies",
    "check_npz_round_trip",
    "check_params_backward",
    "check_to_numpy",
    "data",
    "gpu_module",
    "param_arrays",
    "rand",
    "state",
    "uninitialized",
]
