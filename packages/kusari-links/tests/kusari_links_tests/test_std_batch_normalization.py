"""BatchNormalization: training and test modes, running averages, finetune, lazy init."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, using_config
from kusari.graph.type_check import InvalidType
from kusari.links import BatchNormalization

from ._std_support import (
    Arr,
    check_copies,
    check_npz_round_trip,
    check_params_backward,
    check_to_numpy,
    data,
    rand,
    state,
)


def _normalize(x: Arr, axes: tuple[int, ...], mean: Arr, var: Arr, eps: float) -> Arr:
    kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
    out: Arr = (x - mean.reshape(kept)) / numpy.sqrt(var.reshape(kept) + eps)
    return out


def test_parameters_and_persistents_have_chainers_names() -> None:
    bn = BatchNormalization(3)
    assert [p for p, _ in bn.namedparams()] == ["/beta", "/gamma"]
    assert sorted(state(bn)) == ["N", "avg_mean", "avg_var", "beta", "gamma"]
    assert data(bn.gamma).tolist() == [1.0] * 3
    assert data(bn.beta).tolist() == [0.0] * 3
    assert bn.avg_mean is not None
    assert bn.avg_var is not None
    assert (bn.avg_mean.tolist(), bn.avg_var.tolist(), bn.N) == ([0.0] * 3, [1.0] * 3, 0)
    assert bn.avg_mean.dtype == numpy.float32
    plain = BatchNormalization(3, use_gamma=False, use_beta=False)
    assert (plain.gamma, plain.beta) == (None, None)
    assert list(plain.namedparams()) == []
    wide = BatchNormalization((3, 2), dtype=numpy.float64, initial_avg_var=2.0)
    assert wide.gamma is not None
    assert wide.gamma.shape == (3, 2)
    assert wide.gamma.dtype == numpy.float64
    assert wide.avg_var is not None
    assert wide.avg_var.tolist() == [[2.0, 2.0]] * 3


@pytest.mark.parametrize(
    ("shape", "size", "axis", "axes"),
    [
        ((5, 3), 3, None, (0,)),
        ((4, 3, 2, 2), 3, None, (0, 2, 3)),
        ((4, 3, 2), (3,), (0, 2), (0, 2)),
    ],
)
def test_training_mode_normalizes_and_updates_the_averages(
    shape: tuple[int, ...], size: Any, axis: Any, axes: tuple[int, ...]
) -> None:
    gamma, beta = rand(0, (3,), numpy.float32), rand(1, (3,), numpy.float32)
    bn = BatchNormalization(size, decay=0.8, initial_gamma=gamma, initial_beta=beta, axis=axis)
    x = rand(2, shape, numpy.float32) * 2 + 1
    y = bn(x)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
    expected = _normalize(x, axes, mean, var, 2e-5) * gamma.reshape(kept) + beta.reshape(kept)
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-4, atol=1e-5)
    m = x.size // 3
    numpy.testing.assert_allclose(data(bn.avg_mean), 0.2 * mean, rtol=1e-5, atol=1e-7)
    numpy.testing.assert_allclose(data(bn.avg_var), 0.8 + 0.2 * var * m / (m - 1), rtol=1e-5)


def test_test_mode_uses_the_averages_and_changes_nothing() -> None:
    bn = BatchNormalization(3, initial_avg_mean=rand(0, (3,)), initial_avg_var=2.0)
    before = state(bn)
    x = rand(1, (4, 3), numpy.float32)
    with using_config("train", False):
        y = bn(x)
    expected = _normalize(x, (0,), data(bn.avg_mean), data(bn.avg_var), 2e-5)
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-5, atol=1e-6)
    for key, value in state(bn).items():
        numpy.testing.assert_array_equal(value, before[key])


def test_finetune_averages_the_calls() -> None:
    bn = BatchNormalization(2)
    xs = [rand(i, (4, 2), numpy.float32) for i in range(3)]
    for x in xs:
        bn(x, finetune=True)
    assert bn.N == 3
    expected = numpy.mean([x.mean(axis=0) for x in xs], axis=0)
    numpy.testing.assert_allclose(data(bn.avg_mean), expected, rtol=1e-5, atol=1e-7)
    bn.start_finetuning()
    assert bn.N == 0


def test_recomputation_in_forget_updates_the_averages_once() -> None:
    bn = BatchNormalization(2)
    x = Variable(rand(0, (4, 2), numpy.float32))
    y = F.forget(bn, x)
    after_forward = data(bn.avg_mean).copy()
    F.sum(y * y).backward()
    numpy.testing.assert_array_equal(data(bn.avg_mean), after_forward)
    assert x.grad is not None


def test_lazy_initialization_from_axis() -> None:
    bn = BatchNormalization(axis=(0, 2))
    assert bn.avg_mean is None
    assert bn.gamma is not None
    assert bn.gamma.array is None
    bn(rand(0, (4, 3, 2), numpy.float32))
    assert bn.gamma.shape == (3,)
    assert data(bn.avg_mean).shape == (3,)
    with pytest.raises(RuntimeError, match="size or axis"):
        BatchNormalization()


def test_gradients_with_the_parameters() -> None:
    with using_config("dtype", numpy.float64):
        bn = BatchNormalization(3)
    check_params_backward(bn, [rand(0, (5, 3, 2))])
    with using_config("train", False):
        check_params_backward(bn, [rand(1, (5, 3, 2))])


def test_float16_input_with_float32_parameters() -> None:
    bn = BatchNormalization(3)
    y = bn(rand(0, (4, 3), numpy.float16))
    assert y.dtype == numpy.float16
    assert data(bn.avg_mean).dtype == numpy.float32


def test_copies_serialization_and_device() -> None:
    x = rand(0, (4, 3), numpy.float32)
    check_npz_round_trip(lambda: BatchNormalization(3), lambda bn: bn(x))
    check_npz_round_trip(lambda: BatchNormalization(axis=0), lambda bn: bn(x))
    bn = BatchNormalization(3)
    bn(x)
    check_copies(bn)
    check_to_numpy(bn)
    shared = bn.copy("share")
    assert shared.avg_mean is bn.avg_mean


def test_bad_input() -> None:
    bn = BatchNormalization(3)
    before = state(bn)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        bn(numpy.ones((4, 5), numpy.float32))
    with pytest.raises(InvalidType, match=r"x.ndim >= gamma.ndim \+ 1"):
        bn(numpy.ones(3, numpy.float32))
    for key, value in state(bn).items():
        numpy.testing.assert_array_equal(value, before[key])
    lazy = BatchNormalization(axis=5)
    with pytest.raises(ValueError, match="axis 5 is out of bounds"):
        lazy(numpy.ones((2, 3), numpy.float32))
    assert lazy.avg_mean is None
