"""DecorrelatedBatchNormalization: Chainer's outputs and statistics, modes, serialization.

``data/chainer_dbn_v7.npz`` is ``DecorrelatedBatchNormalization(6, groups=3)`` saved by
Chainer 7.8.1 after two training calls (on ``x0`` and ``x1``); ``data/chainer_dbn_v7_io.npz``
holds the inputs (``RandomState(4)`` normals with per-channel scales), the output of the
first training call, the test-mode output on ``x2`` of the saved link, and the averages and
``N`` of a fresh link after two fine-tuning calls.
"""

from __future__ import annotations

import pathlib
from typing import Any

import numpy
import pytest

from kusari.graph import Variable, force_backprop_mode, using_config
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType
from kusari.links import DecorrelatedBatchNormalization
from kusari.serializers import load_npz

from ._std_support import check_copies, check_npz_round_trip, check_to_numpy, data, rand, state

DATA = pathlib.Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def chainer_io() -> dict[str, Any]:
    with numpy.load(DATA / "chainer_dbn_v7_io.npz") as npz:
        return {key: npz[key] for key in npz.files}


def test_training_statistics_and_outputs_equal_chainers(chainer_io: dict[str, Any]) -> None:
    layer = DecorrelatedBatchNormalization(6, groups=3)
    assert layer.avg_projection.tolist() == [numpy.eye(2).tolist()] * 3
    y = layer(chainer_io["x0"])
    numpy.testing.assert_allclose(data(y), chainer_io["y_train0"], rtol=1e-4, atol=1e-5)
    layer(chainer_io["x1"])
    saved = DecorrelatedBatchNormalization(6, groups=3)
    load_npz(DATA / "chainer_dbn_v7.npz", saved)
    for key, value in state(saved).items():
        numpy.testing.assert_allclose(state(layer)[key], value, rtol=1e-4, atol=1e-5)
    with using_config("train", False):
        numpy.testing.assert_allclose(
            data(saved(chainer_io["x2"])), chainer_io["y_test"], rtol=1e-4, atol=1e-5
        )


def test_finetuning_equals_chainer(chainer_io: dict[str, Any]) -> None:
    layer = DecorrelatedBatchNormalization(6, groups=3)
    layer(chainer_io["x0"], finetune=True)
    layer(chainer_io["x1"], finetune=True)
    assert layer.N == int(chainer_io["ft_N"]) == 2
    numpy.testing.assert_allclose(layer.avg_mean, chainer_io["ft_mean"], rtol=1e-4, atol=1e-6)
    numpy.testing.assert_allclose(
        layer.avg_projection, chainer_io["ft_projection"], rtol=1e-4, atol=1e-5
    )
    layer.start_finetuning()
    assert layer.N == 0


def test_whitens_each_group() -> None:
    x = rand(0, (500, 4)) @ numpy.array(
        [[2.0, 1.0, 0, 0], [0, 1.0, 0, 0], [0, 0, 3.0, 0], [0, 0, 1, 1]]
    )
    layer = DecorrelatedBatchNormalization(4, groups=2, eps=0.0, dtype=numpy.float64)
    y = data(layer(x))
    for group in (y[:, :2], y[:, 2:]):
        numpy.testing.assert_allclose(group.T @ group / len(y), numpy.eye(2), atol=1e-9)


def test_test_mode_leaves_the_statistics_alone() -> None:
    layer = DecorrelatedBatchNormalization(4, groups=2)
    layer(rand(0, (10, 4), numpy.float32))
    before = {key: value.copy() for key, value in state(layer).items()}
    with using_config("train", False):
        layer(rand(1, (10, 4), numpy.float32))
    for key, value in state(layer).items():
        numpy.testing.assert_array_equal(value, before[key])


def test_gradients() -> None:
    layer = DecorrelatedBatchNormalization(4, groups=2, dtype=numpy.float64)
    x = rand(0, (6, 4, 2))
    gc.check_backward(lambda v: layer(v), (x,), rand(1, x.shape), atol=1e-5, rtol=1e-4)
    with using_config("train", False), force_backprop_mode():
        gc.check_backward(lambda v: layer(v), (x,), rand(2, x.shape), atol=1e-6, rtol=1e-5)


def test_serialization_copies_and_device() -> None:
    x = rand(0, (8, 4), numpy.float32)

    def trained() -> DecorrelatedBatchNormalization:
        link = DecorrelatedBatchNormalization(4, groups=2)
        link(x)  # moves the statistics away from their initial values
        return link

    def call(link: Any) -> Variable:
        with using_config("train", False):
            out: Variable = link(x * 0.5)
        return out

    check_npz_round_trip(trained, call)
    layer = DecorrelatedBatchNormalization(4, groups=2, dtype=numpy.float64)
    assert layer.avg_mean.dtype == numpy.float64
    assert str(layer) == "DecorrelatedBatchNormalization(size=4, groups=2, decay=0.9, eps=2e-05)"
    check_copies(layer)
    check_to_numpy(layer)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"size": 5, "groups": 2}, r"groups \(2\) must divide size \(5\)"),
        ({"size": 0}, "size must be a positive int, got 0"),
        ({"size": 4, "groups": 0}, "groups must be a positive int, got 0"),
    ],
)
def test_invalid_construction(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DecorrelatedBatchNormalization(**options)


def test_wrong_channels() -> None:
    layer = DecorrelatedBatchNormalization(4, groups=2)
    before = layer.avg_mean.copy()
    with pytest.raises((InvalidType, ValueError)):
        layer(numpy.ones((3, 6), numpy.float32))
    numpy.testing.assert_array_equal(layer.avg_mean, before)
