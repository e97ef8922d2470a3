"""negative_sampling and black_out: forward, Chainer's values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    scalar,
    uniform,
)

X = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
W = numpy.array(
    [[0.1, 0.2, 0.3], [-0.5, 0.4, 0.1], [0.9, -0.3, 0.2], [0.0, 0.7, -0.6], [0.3, 0.3, 0.3]],
    numpy.float32,
)
T = numpy.array([1, 3], numpy.int32)
SAMPLES = numpy.array([[0, 2], [4, 4]], numpy.int32)


def _fixed(ids: npt.NDArray[Any]) -> Any:
    def sampler(shape: tuple[int, int]) -> npt.NDArray[Any]:
        assert shape == ids.shape
        return ids.copy()

    return sampler


def _softplus(v: Any) -> Any:
    return numpy.logaddexp(0, v)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduce", ["sum", "no"])
def test_negative_sampling_forward(dtype: Any, reduce: Any) -> None:
    x, w = uniform(0, (4, 3), dtype), uniform(1, (6, 3), dtype)
    t = numpy.array([1, -1, 5, 0])
    ids = numpy.random.default_rng(2).integers(0, 6, (4, 3))
    loss, samples = F.negative_sampling(x, t, w, _fixed(ids), 2, reduce, return_samples=True)
    expected_ids = ids.copy()
    expected_ids[:, 0] = t
    numpy.testing.assert_array_equal(samples, expected_ids)
    scores = numpy.einsum(
        "bd,bkd->bk", x.astype("d"), w.astype("d")[numpy.where(t[:, None] >= 0, expected_ids, 0)]
    )
    per = _softplus(-scores[:, 0]) + _softplus(scores[:, 1:]).sum(axis=1)
    per[t == -1] = 0
    assert_forward(loss, per if reduce == "no" else per.sum(), dtype, scale=3.0)


def test_negative_sampling_chainer_values() -> None:
    # Chainer 7.8.1 (which draws (B, sample_size + 1) ids and puts t in the first column).
    ids = numpy.concatenate((numpy.zeros((2, 1), numpy.int32), SAMPLES[:, 1:]), axis=1)
    assert scalar(F.negative_sampling(X, T, W, _fixed(ids), 1)) == pytest.approx(
        3.762491, abs=1e-5
    )
    numpy.testing.assert_allclose(
        data(F.negative_sampling(X, T, W, _fixed(ids), 1, "no")), [2.463833, 1.298659], atol=1e-5
    )
    x = Variable(X)
    F.negative_sampling(x, T, W, _fixed(ids), 1).backward()
    numpy.testing.assert_allclose(
        grad_array(x), [[1.008011, -0.482883, 0.091111], [0.174528, -0.06873, 0.383034]], atol=1e-5
    )


def test_negative_sampling_gradients() -> None:
    ids = numpy.random.default_rng(3).integers(0, 5, (3, 4))
    t = numpy.array([2, -1, 4])
    check_grads(
        lambda x, w: F.negative_sampling(x, t, w, _fixed(ids), 3, "no"),
        [uniform(0, (3, 2), "d"), uniform(1, (5, 2), "d")],
    )
    check_grads_float16(
        lambda x, w: F.negative_sampling(x, t, w, _fixed(ids), 3),
        [uniform(0, (3, 2), "e"), uniform(1, (5, 2), "e")],
    )


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"sample_size": 0}, ValueError, "sample_size must be positive, got 0"),
        ({"sample_size": 1.5}, TypeError, "sample_size must be an int, got float"),
        ({"reduce": "mean"}, ValueError, "only 'sum' and 'no' are valid for 'reduce'"),
        (
            {"sampler": lambda shape: numpy.zeros((2, 2), numpy.int32)},
            ValueError,
            r"sampler must return an integer array of shape \(2, 3\)",
        ),
        (
            {"sampler": lambda shape: numpy.zeros(shape)},
            ValueError,
            "sampler must return an integer array",
        ),
        (
            {"t": numpy.array([0.0, 1.0])},
            InvalidType,
            r"NegativeSampling \(Forward\)\n\nExpect: t.dtype.kind in 'iu'",
        ),
        (
            {"W": numpy.zeros((5, 2), numpy.float32)},
            InvalidType,
            r"Expect: W.shape\[1\] == x.shape\[1\]",
        ),
        ({"W": numpy.zeros((5, 3))}, InvalidType, r"Expect: W.dtype == x.dtype"),
    ],
)
def test_negative_sampling_invalid_arguments(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {
        "x": X,
        "t": T,
        "W": W,
        "sampler": _fixed(numpy.zeros((2, 3), numpy.int32)),
        "sample_size": 2,
    }
    arguments.update(options)
    with pytest.raises(error, match=message):
        F.negative_sampling(**arguments)


def _black_out_reference(x: Any, t: Any, w: Any, samples: Any) -> Any:
    x, w = x.astype("d"), w.astype("d")
    pos = (x * w[t]).sum(axis=1)
    neg = numpy.einsum("bd,bkd->bk", x, w[samples])
    log_z = numpy.logaddexp.reduce(numpy.concatenate((pos[:, None], neg), axis=1), axis=1)
    return -((pos - log_z) + numpy.log(1 - numpy.exp(neg - log_z[:, None])).sum(axis=1))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_black_out_forward(dtype: Any, reduce: Any) -> None:
    x, w = uniform(0, (4, 3), dtype), uniform(1, (6, 3), dtype)
    t = numpy.array([1, 2, 5, 0])
    samples = numpy.random.default_rng(2).integers(0, 6, (4, 3))
    per = _black_out_reference(x, t, w, samples)
    assert_forward(
        F.black_out(x, t, w, samples, reduce),
        per if reduce == "no" else per.mean(),
        dtype,
        scale=3.0,
    )


def test_black_out_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    assert scalar(F.black_out(X, T, W, SAMPLES)) == pytest.approx(2.561412, abs=1e-5)
    numpy.testing.assert_allclose(
        data(F.black_out(X, T, W, SAMPLES, reduce="no")), [3.504779, 1.618044], atol=1e-5
    )


def test_black_out_gradients() -> None:
    samples = numpy.array([[0, 3], [4, 1], [2, 2]])
    t = numpy.array([1, 2, 0])
    check_grads(
        lambda x, w: F.black_out(x, t, w, samples),
        [uniform(0, (3, 2), "d"), uniform(1, (5, 2), "d")],
    )
    check_grads_float16(
        lambda x, w: F.black_out(x, t, w, samples),
        [uniform(0, (3, 2), "e"), uniform(1, (5, 2), "e")],
    )


def test_black_out_invalid_arguments() -> None:
    with pytest.raises(
        InvalidType, match=r"BlackOut \(Forward\)\n\nExpect: samples.dtype.kind in 'iu'"
    ):
        F.black_out(X, T, W, SAMPLES.astype(numpy.float32))
    with pytest.raises(InvalidType, match=r"Expect: samples.shape\[0\] == x.shape\[0\]"):
        F.black_out(X, T, W, SAMPLES[:1])
    with pytest.raises(ValueError, match="only 'mean' and 'no' are valid for 'reduce'"):
        F.black_out(X, T, W, SAMPLES, "sum")  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    ids = numpy.random.default_rng(3).integers(0, 5, (3, 4))
    t = numpy.array([2, 0, 4])
    xs = [uniform(0, (3, 2), numpy.float32), uniform(1, (5, 2), numpy.float32)]
    check_on_gpu(lambda x, w, labels, s: F.black_out(x, labels, w, s), [*xs, t, ids[:, 1:]])
