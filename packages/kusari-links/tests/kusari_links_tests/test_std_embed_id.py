"""EmbedID: lookup, ignore_label, gradients, serialization, errors."""

from __future__ import annotations

import numpy
import pytest

from kusari import initializers
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType
from kusari.links import EmbedID

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_to_numpy,
    data,
    rand,
)


def test_parameters_and_default_initializer() -> None:
    embed = EmbedID(5, 3)
    assert [p for p, _ in embed.namedparams()] == ["/W"]
    assert embed.W.shape == (5, 3)
    assert isinstance(embed.W.initializer, initializers.Normal)
    with chainer_seed(0):
        seeded = EmbedID(3, 2)
    expected = [[1.7640524, 0.4001572], [0.978738, 2.2408931], [1.867558, -0.9772779]]
    numpy.testing.assert_allclose(data(seeded.W), expected, rtol=1e-6)  # Chainer 7.8.1


def test_lookup_and_ignore_label() -> None:
    table = rand(0, (4, 3), numpy.float32)
    embed = EmbedID(4, 3, initialW=table, ignore_label=-1)
    ids = numpy.array([[0, 3], [-1, 2]], numpy.int32)
    expected = numpy.zeros((2, 2, 3), numpy.float32)
    expected[0, 0], expected[0, 1], expected[1, 1] = table[0], table[3], table[2]
    numpy.testing.assert_array_equal(data(embed(ids)), expected)


def test_gradient_accumulates_per_id_and_skips_ignored() -> None:
    embed = EmbedID(3, 2, initialW=rand(0, (3, 2), numpy.float32), ignore_label=2)
    ids = numpy.array([0, 0, 2, 1], numpy.int32)
    gy = rand(1, (4, 2), numpy.float32)
    y = embed(ids)
    y.grad = gy
    embed.cleargrads()
    y.backward()
    grad = data(embed.W.grad)
    numpy.testing.assert_allclose(grad[0], gy[0] + gy[1], rtol=1e-6)
    numpy.testing.assert_allclose(grad[1], gy[3], rtol=1e-6)
    assert grad[2].tolist() == [0.0, 0.0]


def test_copies_serialization_and_device() -> None:
    ids = numpy.array([1, 2], numpy.int32)
    check_npz_round_trip(lambda: EmbedID(3, 2), lambda link: link(ids))
    check_copies(EmbedID(3, 2))
    check_to_numpy(EmbedID(3, 2))
    assert str(EmbedID(3, 2, ignore_label=0)) == "EmbedID(in_size=3, out_size=2, ignore_label=0)"


def test_bad_input() -> None:
    embed = EmbedID(3, 2)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind"):
        embed(numpy.zeros(2, numpy.float32))
    with pytest.raises(ValueError, match=r"0 <= id < len\(W\) = 3, got 3"):
        embed(numpy.array([3], numpy.int32))
    with pytest.raises(ValueError, match="in_size must be a positive int"):
        EmbedID(0, 2)
    assert isinstance(embed(Variable(numpy.array([0], numpy.int32))), Variable)
