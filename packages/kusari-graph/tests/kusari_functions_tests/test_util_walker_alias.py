"""WalkerAlias: Chainer's tables and samples, the distribution drawn, devices, errors.

``data/chainer_walker_alias_v7.npz`` was made with Chainer 7.8.1 (NumPy 1.26): for three
weight vectors (``zipf``: 2000 draws of ``RandomState(5).zipf(1.5)``, ``power``:
``arange(1, 300) ** 0.75``, ``small``: ``[0, 1, 0, 3, 3, 0.5]``) it holds the weights,
``WalkerAlias(p).threshold``, ``.values`` and ``.sample((4, 50))`` after
``numpy.random.seed(3)``.
"""

from __future__ import annotations

import pathlib
from typing import Any

import numpy
import pytest

from kusari.devices import cuda, to_cpu
from kusari.functions import WalkerAlias

from ._opcheck import global_seed

DATA = pathlib.Path(__file__).parent / "data" / "chainer_walker_alias_v7.npz"
CASES = ("zipf", "power", "small")


@pytest.fixture(scope="module")
def chainer() -> dict[str, Any]:
    with numpy.load(DATA) as npz:
        return {key: npz[key] for key in npz.files}


@pytest.mark.parametrize("case", CASES)
def test_table_equals_chainers(chainer: dict[str, Any], case: str) -> None:
    sampler = WalkerAlias(chainer[f"{case}_probs"])
    assert sampler.threshold.dtype == numpy.float32
    assert sampler.values.dtype == numpy.int32
    numpy.testing.assert_array_equal(sampler.threshold, chainer[f"{case}_threshold"])
    expected = chainer[f"{case}_values"].copy()
    # The slots left without an alias: Chainer points them at id 0, kusari at their own id.
    own = expected[0::2]
    unaliased = numpy.flatnonzero((expected[1::2] == 0) & (own != 0))
    assert len(unaliased) >= 1
    expected[2 * unaliased + 1] = own[unaliased]
    numpy.testing.assert_array_equal(sampler.values, expected)


@pytest.mark.parametrize("case", CASES)
def test_seeded_samples_equal_chainers(chainer: dict[str, Any], case: str) -> None:
    sampler = WalkerAlias(chainer[f"{case}_probs"])
    with global_seed(3):
        ids = sampler.sample((4, 50))
    assert ids.shape == (4, 50)
    assert ids.dtype == numpy.int32
    numpy.testing.assert_array_equal(ids, chainer[f"{case}_samples"])


def test_small_table_by_hand() -> None:
    # Weights 0.1, 0.5, 0.4 scaled by n = 3: 0.3, 1.5, 1.2.  Slot 0 keeps id 0 below 0.3
    # and takes id 2 above; id 2 keeps 1.2 - 0.7 = 0.5 in slot 1, whose alias is id 1;
    # id 1 keeps 1.5 - 0.5 = 1 in slot 2, which needs no alias.
    sampler = WalkerAlias([0.1, 0.5, 0.4])
    numpy.testing.assert_allclose(sampler.threshold, [0.3, 0.5, 1.0], rtol=1e-6)
    assert sampler.values.tolist() == [0, 2, 2, 1, 1, 1]
    assert len(sampler) == 3


def test_draws_follow_the_probabilities() -> None:
    weights = numpy.array([5.0, 0.0, 1.0, 2.0, 0.0, 12.0])
    sampler = WalkerAlias(weights)
    with global_seed(0):
        ids = sampler.sample(200_000)
    counts = numpy.bincount(ids, minlength=len(weights))
    expected = weights / weights.sum() * len(ids)
    assert counts[1] == counts[4] == 0
    # Four standard deviations of a binomial count.
    assert numpy.all(numpy.abs(counts - expected) <= 4 * numpy.sqrt(expected) + 1e-9)


def test_a_single_id() -> None:
    sampler = WalkerAlias([2.5])
    assert sampler.sample((3, 2)).tolist() == [[0, 0], [0, 0], [0, 0]]


@pytest.mark.parametrize(
    ("shape", "expected"), [(5, (5,)), ((), ()), ((2, 0, 3), (2, 0, 3)), ((numpy.int64(2),), (2,))]
)
def test_sample_shapes(shape: Any, expected: tuple[int, ...]) -> None:
    assert WalkerAlias([1.0, 2.0]).sample(shape).shape == expected


def test_accepts_arrays_of_any_real_dtype() -> None:
    for probs in (numpy.array([1, 3], numpy.int32), numpy.array([1, 3], numpy.float16)):
        numpy.testing.assert_array_equal(WalkerAlias(probs).threshold, [0.5, 1.0])


@pytest.mark.parametrize(
    ("probs", "error", "message"),
    [
        ([], ValueError, r"probs must be a non-empty 1-D sequence, got shape \(0,\)"),
        ([[1.0, 2.0]], ValueError, r"non-empty 1-D sequence, got shape \(1, 2\)"),
        ([1.0, -0.5], ValueError, "probs must be non-negative, got -0.5 at index 1"),
        ([1.0, numpy.nan], ValueError, "probs must be finite, got inf or nan"),
        ([0.0, 0.0], ValueError, "probs must sum to a positive float32 number, got 0.0"),
        ([2e38, 2e38], ValueError, "must sum to a positive float32 number, got 4e"),
        ([1e-50], ValueError, "must sum to a positive float32 number, got 1e-50"),
        (["a", "b"], TypeError, "probs must be a sequence of numbers, got list"),
        (None, ValueError, r"non-empty 1-D sequence, got shape \(\)"),
    ],
)
def test_invalid_probabilities(probs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        WalkerAlias(probs)


@pytest.mark.parametrize(
    ("shape", "error", "message"),
    [
        ((2, -1), ValueError, r"shape must not be negative, got \(2, -1\)"),
        (1.5, TypeError, "shape must be an int or a tuple of ints, got float"),
        ((True,), TypeError, "shape must hold ints, got bool"),
    ],
)
def test_invalid_sample_shapes(shape: Any, error: type[Exception], message: str) -> None:
    sampler = WalkerAlias([1.0, 1.0])
    with global_seed(0):
        state = numpy.random.get_state()[1].copy()  # type: ignore[index]  # noqa: NPY002
        with pytest.raises(error, match=message):
            sampler.sample(shape)
        # Nothing was drawn.
        numpy.testing.assert_array_equal(numpy.random.get_state()[1], state)  # type: ignore[index]  # noqa: NPY002


def test_device_resident() -> None:
    sampler = WalkerAlias([1.0, 2.0, 3.0])
    threshold = sampler.threshold
    assert sampler.to_device("@numpy") is sampler
    assert sampler.threshold is threshold
    assert not sampler.use_gpu
    assert repr(sampler) == "WalkerAlias(n=3, device=@numpy)"


@pytest.mark.gpu
@pytest.mark.skipif(not cuda.available, reason="needs CuPy and a CUDA device")
def test_sampling_on_a_gpu() -> None:
    cupy = pytest.importorskip("cupy")
    weights = numpy.array([1.0, 0.0, 3.0])
    sampler = WalkerAlias(weights).to_device("@cupy:0")
    assert sampler.use_gpu
    assert isinstance(sampler.threshold, cupy.ndarray)
    cupy.random.seed(0)
    ids = sampler.sample((100_000,))
    assert isinstance(ids, cupy.ndarray)
    assert ids.dtype == numpy.int32
    counts = numpy.bincount(to_cpu(ids), minlength=3)
    assert counts[1] == 0
    assert abs(counts[2] / len(ids) - 0.75) < 0.01
    assert sampler.to_device("@numpy").sample(4).dtype == numpy.int32
