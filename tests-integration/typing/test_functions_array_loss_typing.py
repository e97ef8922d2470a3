"""User-style code: the array functions and losses of kusari.functions as mypy sees them."""

from __future__ import annotations

from typing import Any, assert_type

import numpy
import numpy.typing as npt

import kusari.functions as F
from kusari.graph import Variable

Array = npt.NDArray[Any]


def check_array_functions(x: Variable, a: Array) -> None:
    assert_type(F.concat([x, a], axis=0), Variable)
    assert_type(F.stack((x, x)), Variable)
    assert_type(F.split_axis(x, 2, 1), tuple[Variable, ...])
    assert_type(F.split_axis(x, [1, 3], 1, force_tuple=False), tuple[Variable, ...] | Variable)
    assert_type(F.separate(x), tuple[Variable, ...])
    assert_type(F.broadcast(x), Variable)
    assert_type(F.broadcast(x, a), tuple[Variable, ...])
    assert_type(F.squeeze(x, (0, 2)), Variable)
    assert_type(F.expand_dims(a, 1), Variable)
    assert_type(F.where(a > 0, x, 0.0), Variable)
    assert_type(F.select_item(x, numpy.array([0, 1])), Variable)
    assert_type(F.transpose_sequence([x, a]), tuple[Variable, ...])
    assert_type(F.pad(x, 1, "constant", constant_values=2.0), Variable)
    assert_type(F.resize_images(x, (4, 4), mode="nearest"), Variable)
    assert_type(F.im2col(x, 3, stride=(1, 2)), Variable)
    assert_type(F.copy(x, "@numpy"), Variable)


def check_losses(x: Variable, t: Array, w: Array) -> None:
    assert_type(F.softmax_cross_entropy(x, t, reduce="no", enable_double_backprop=True), Variable)
    assert_type(F.sigmoid_cross_entropy(x, t), Variable)
    assert_type(F.mean_squared_error(x, x), Variable)
    assert_type(F.huber_loss(x, x, delta=1.0, reduce="no"), Variable)
    assert_type(F.hinge(x, t, norm="L2"), Variable)
    assert_type(F.gaussian_kl_divergence(x, x, reduce="mean"), Variable)

    def sampler(shape: tuple[int, int]) -> Array:
        return numpy.zeros(shape, numpy.int32)

    assert_type(F.negative_sampling(x, t, w, sampler, 5), Variable)
    assert_type(
        F.negative_sampling(x, t, w, sampler, 5, return_samples=True), tuple[Variable, Array]
    )
    score, path = F.argmax_crf1d(w, [x, x])
    assert_type(score, Variable)
    assert_type(path, list[Array])
