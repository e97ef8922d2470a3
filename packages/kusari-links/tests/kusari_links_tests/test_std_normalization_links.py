"""LayerNormalization, GroupNormalization and BatchRenormalization links."""

from __future__ import annotations

import numpy
import pytest

from kusari.graph import using_config
from kusari.graph.type_check import InvalidType
from kusari.links import BatchRenormalization, GroupNormalization, LayerNormalization

from ._std_support import (
    check_copies,
    check_npz_round_trip,
    check_params_backward,
    check_to_numpy,
    data,
    rand,
    state,
    uninitialized,
)


def test_layer_normalization() -> None:
    ln = LayerNormalization(3, initial_gamma=2.0, initial_beta=0.5)
    assert [p for p, _ in ln.namedparams()] == ["/beta", "/gamma"]
    assert ln.eps == 1e-6
    x = rand(0, (4, 3), numpy.float32)
    mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    expected = 2.0 * (x - mean) / numpy.sqrt(var + 1e-6) + 0.5
    numpy.testing.assert_allclose(data(ln(x)), expected, rtol=1e-5, atol=1e-5)
    lazy = LayerNormalization()
    assert uninitialized(lazy) == ["/beta", "/gamma"]
    lazy(x)
    assert lazy.gamma.shape == (3,)
    with pytest.raises(InvalidType, match=r"x.ndim == 2"):
        ln(numpy.zeros((2, 3, 1), numpy.float32))
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        ln(numpy.zeros((2, 4), numpy.float32))


def test_group_normalization() -> None:
    gn = GroupNormalization(2, 4)
    assert [p for p, _ in gn.namedparams()] == ["/beta", "/gamma"]
    x = rand(0, (2, 4, 3), numpy.float32)
    xr = x.reshape(2, 2, 6)
    expected = (xr - xr.mean(axis=2, keepdims=True)) / numpy.sqrt(
        xr.var(axis=2, keepdims=True) + 1e-5
    )
    numpy.testing.assert_allclose(data(gn(x)), expected.reshape(x.shape), rtol=1e-5, atol=1e-5)
    lazy = GroupNormalization(2)
    lazy(x)
    assert lazy.gamma.shape == (4,)
    with pytest.raises(ValueError, match=r"channels 3 is not divisible by groups \(2\)"):
        GroupNormalization(2)(numpy.zeros((1, 3, 2), numpy.float32))
    with pytest.raises(ValueError, match=r"size \(3\) must be divisible by groups \(2\)"):
        GroupNormalization(2, 3)


def test_batch_renormalization_modes() -> None:
    brn = BatchRenormalization(3, rmax=1.5, dmax=0.5, decay=0.8)
    assert sorted(state(brn)) == ["N", "avg_mean", "avg_var", "beta", "gamma"]
    x = rand(0, (6, 3), numpy.float32) * 2 + 1
    mean, var = x.mean(axis=0), x.var(axis=0)
    sigma = numpy.sqrt(var + 2e-5)
    sigma_r = numpy.sqrt(1 + 2e-5)
    r = numpy.clip(sigma / sigma_r, 1 / 1.5, 1.5)
    d = numpy.clip(mean / sigma_r, -0.5, 0.5)
    expected = (x - mean) / sigma * r + d
    numpy.testing.assert_allclose(data(brn(x)), expected, rtol=1e-4, atol=1e-5)
    numpy.testing.assert_allclose(data(brn.avg_mean), 0.2 * mean, rtol=1e-5, atol=1e-7)
    numpy.testing.assert_allclose(data(brn.avg_var), 0.8 + 0.2 * var * 6 / 5, rtol=1e-5, atol=1e-7)
    before = state(brn)
    with using_config("train", False):
        y = brn(x)
    expected_test = (x - before["avg_mean"]) / numpy.sqrt(before["avg_var"] + 2e-5)
    numpy.testing.assert_allclose(data(y), expected_test, rtol=1e-5, atol=1e-5)
    brn.start_finetuning()
    brn(x, finetune=True)
    assert brn.N == 1
    numpy.testing.assert_allclose(data(brn.avg_mean), mean, rtol=1e-5, atol=1e-7)
    assert str(brn).endswith("rmax=1.5, dmax=0.5)")


@pytest.mark.parametrize(
    "factory",
    [
        lambda: LayerNormalization(3),
        lambda: GroupNormalization(1, 3),
        lambda: BatchRenormalization(3),
    ],
)
def test_gradients_copies_serialization_and_device(factory: object) -> None:
    with using_config("dtype", numpy.float64):
        link = factory()  # type: ignore[operator]
    check_params_backward(link, [rand(0, (4, 3))])
    x = rand(1, (4, 3), numpy.float32)
    check_npz_round_trip(factory, lambda link: link(x))  # type: ignore[arg-type]
    link32 = factory()  # type: ignore[operator]
    link32(x)
    check_copies(link32)
    check_to_numpy(link32)
