"""NegativeSampling, BlackOut, CRF1d and BinaryHierarchicalSoftmax.

``data/chainer_loss_links_v7.npz`` holds a Chain of the four links saved by Chainer 7.8.1
(``ns = NegativeSampling(3, COUNTS, 2)``, ``bo = BlackOut(3, COUNTS, 3)``,
``crf = CRF1d(4)``, ``hsm = BinaryHierarchicalSoftmax(3, HUFFMAN)``, built after
``numpy.random.seed(0)``; then ``ns/W``, ``bo/W`` set to ``RandomState(1).uniform(-1, 1)``
draws and ``crf/cost`` to normal draws).  ``data/chainer_loss_links_v7_io.npz`` holds the
inputs and Chainer's results: ``hsm_init`` (the HSM weights drawn at construction), the
NegativeSampling loss, samples and input gradient after ``numpy.random.seed(10)``, the
BlackOut loss and samples after ``numpy.random.seed(11)``, the CRF1d losses and Viterbi
results for three batch-major sequences (``transpose=True``; Chainer orders the
per-sequence losses and scores longest first), and the HSM loss and gradients.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.devices import Array, DeviceResidentsVisitor
from kusari.functions import BinaryTree
from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType
from kusari.links import (
    BinaryHierarchicalSoftmax,
    BlackOut,
    Chain,
    CRF1d,
    Link,
    NegativeSampling,
)
from kusari.serializers import load_npz

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_to_numpy,
    data,
    gpu_module,
    rand,
)

DATA = pathlib.Path(__file__).parent / "data"
COUNTS = [5, 1, 3, 0, 7, 2]
HUFFMAN: BinaryTree = BinaryHierarchicalSoftmax.create_huffman_tree(
    {0: 5, 1: 1, 2: 3, 3: 1, 4: 7, 5: 2}
)


class Losses(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.ns = NegativeSampling(3, COUNTS, 2)
            self.bo = BlackOut(3, COUNTS, 3)
            self.crf = CRF1d(4)
            self.hsm = BinaryHierarchicalSoftmax(3, HUFFMAN)


@pytest.fixture(scope="module")
def chainer_io() -> dict[str, Any]:
    with numpy.load(DATA / "chainer_loss_links_v7_io.npz") as npz:
        return {key: npz[key] for key in npz.files}


@pytest.fixture
def model() -> Losses:
    loaded = Losses()
    load_npz(DATA / "chainer_loss_links_v7.npz", loaded)
    return loaded


# -- Chainer's results ----------------------------------------------------------------------


def test_initial_values_equal_chainers(chainer_io: dict[str, Any]) -> None:
    with chainer_seed(0):
        fresh = Losses()
    numpy.testing.assert_array_equal(data(fresh.hsm.W), chainer_io["hsm_init"])
    assert data(fresh.ns.W).tolist() == [[0.0] * 3] * 6
    assert data(fresh.crf.cost).tolist() == [[0.0] * 4] * 4
    # Chainer's BlackOut W starts as NaN; kusari's at zeros (see the class docstring).
    assert data(fresh.bo.W).tolist() == [[0.0] * 3] * 6
    assert HUFFMAN == (4, (0, (2, ((1, 3), 5))))  # Chainer's tree for these counts


def test_negative_sampling_equals_chainer(model: Losses, chainer_io: dict[str, Any]) -> None:
    x = Variable(chainer_io["x"])
    with chainer_seed(10):
        loss, samples = model.ns(x, chainer_io["t_ns"], return_samples=True)
    numpy.testing.assert_array_equal(samples, chainer_io["ns_samples"])
    numpy.testing.assert_allclose(data(loss), chainer_io["ns_sum"], rtol=1e-6)
    loss.backward()
    assert x.grad is not None
    numpy.testing.assert_allclose(x.grad, chainer_io["ns_gx"], rtol=1e-5, atol=1e-6)
    with chainer_seed(10):
        per_sample = model.ns(chainer_io["x"], chainer_io["t_ns"], reduce="no")
    numpy.testing.assert_allclose(data(per_sample), chainer_io["ns_no"], rtol=1e-6)
    assert float(data(per_sample)[1]) == 0.0  # t == -1


def test_black_out_equals_chainer(model: Losses, chainer_io: dict[str, Any]) -> None:
    with chainer_seed(11):
        loss = model.bo(chainer_io["x"], chainer_io["t"])
    numpy.testing.assert_allclose(data(loss), chainer_io["bo"], rtol=1e-6)
    with chainer_seed(11):
        numpy.testing.assert_array_equal(model.bo.sampler.sample((4, 3)), chainer_io["bo_samples"])


def _crf_sequences(chainer_io: dict[str, Any]) -> tuple[list[Array], list[Array]]:
    xs = [chainer_io[f"crf_x{i}"] for i in range(3)]
    ys = [chainer_io[f"crf_y{i}"] for i in range(3)]
    return xs, ys


def test_crf1d_equals_chainer(model: Losses, chainer_io: dict[str, Any]) -> None:
    xs, ys = _crf_sequences(chainer_io)
    loss = model.crf(xs, ys, transpose=True)
    numpy.testing.assert_allclose(data(loss), chainer_io["crf_mean"], rtol=1e-6)
    # Lengths 2, 4, 3: Chainer lists sequences 1, 2, 0; kusari keeps the given order.
    given_order = [2, 0, 1]
    per_sequence = model.crf(xs, ys, reduce="no", transpose=True)
    numpy.testing.assert_allclose(
        data(per_sequence), chainer_io["crf_no_sorted"][given_order], rtol=1e-6
    )
    score, path = model.crf.argmax(xs, transpose=True)
    assert not score.requires_grad
    numpy.testing.assert_allclose(
        data(score), chainer_io["crf_score_sorted"][given_order], rtol=1e-6
    )
    for i in range(3):
        numpy.testing.assert_array_equal(path[i], chainer_io[f"crf_path{i}"])


def test_hierarchical_softmax_equals_chainer(model: Losses, chainer_io: dict[str, Any]) -> None:
    x = Variable(chainer_io["x"])
    model.hsm.cleargrads()
    loss = model.hsm(x, chainer_io["t"])
    numpy.testing.assert_allclose(data(loss), chainer_io["hsm"], rtol=1e-6)
    loss.backward()
    assert x.grad is not None
    numpy.testing.assert_allclose(x.grad, chainer_io["hsm_gx"], rtol=1e-5, atol=1e-6)
    assert model.hsm.W.grad is not None
    numpy.testing.assert_allclose(model.hsm.W.grad, chainer_io["hsm_gW"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("counts", "tree"),
    [  # Chainer 7.8.1's create_huffman_tree for these dictionaries.
        ({3: 1, 0: 1, 1: 1, 2: 1}, ((3, 0), (1, 2))),
        ({0: 8, 1: 5, 2: 6, 3: 4}, ((3, 1), (2, 0))),
        ({"a": 3, "b": 1, "c": 2, "d": 5}, ("d", ("a", ("b", "c")))),
        ({5: 2.5, 2: 2.5, 9: 5.0, 1: 1, 4: 4}, ((2, (1, 5)), (4, 9))),
        ({7: 3}, 7),
        ({"x": 1, "y": 1}, ("x", "y")),
        ({0: 2, 1: 2, 2: 1, 3: 1}, ((2, 3), (0, 1))),
        ({0: 5, 1: 1, 2: 3, 3: 1, 4: 7, 5: 2}, (4, (0, (2, ((1, 3), 5))))),
    ],
)
def test_huffman_trees_equal_chainers(counts: dict[Any, float], tree: object) -> None:
    assert BinaryHierarchicalSoftmax.create_huffman_tree(counts) == tree


def test_huffman_tree_of_nothing() -> None:
    with pytest.raises(ValueError, match="word_counts is empty"):
        BinaryHierarchicalSoftmax.create_huffman_tree({})


# -- structure and options ------------------------------------------------------------------


def test_structure() -> None:
    model = Losses()
    shapes = {path: param.shape for path, param in model.namedparams()}
    assert shapes == {"/bo/W": (6, 3), "/crf/cost": (4, 4), "/hsm/W": (5, 3), "/ns/W": (6, 3)}
    assert model.ns.sample_size == 2
    assert model.bo.sample_size == 3
    assert len(model.ns.sampler) == len(model.bo.sampler) == 6
    assert str(model.crf) == "CRF1d(n_label=4)"
    assert str(model.hsm) == "BinaryHierarchicalSoftmax(in_size=3, n_nodes=5)"


def test_negative_sampling_weights() -> None:
    # counts ** power, normalized: id 3 (count 0) is never drawn.
    link = NegativeSampling(2, COUNTS, 4, power=0.5)
    with chainer_seed(0):
        ids = link.sampler.sample(100_000)
    frequencies = numpy.bincount(ids, minlength=6) / len(ids)
    expected = numpy.sqrt(COUNTS) / numpy.sqrt(COUNTS).sum()
    numpy.testing.assert_allclose(frequencies, expected, atol=0.01)
    assert frequencies[3] == 0.0


def test_dtypes() -> None:
    # NegativeSampling's dtype is that of counts ** power (Chainer's meaning); W follows
    # config.dtype.  BinaryHierarchicalSoftmax's dtype is W's (Chainer ignores it for W).
    ns = NegativeSampling(2, COUNTS, 1, dtype=numpy.float16)
    assert ns.W.dtype == numpy.float32
    # Chainer 7.8.1's thresholds with dtype=float16 (the power is taken in float16).
    numpy.testing.assert_array_equal(
        NegativeSampling(2, [1, 2, 3, 4, 5], 1, dtype=numpy.float16).sampler.threshold,
        numpy.array([0.44912282, 0.7552632, 0.47280705, 0.4982457, 1.0], numpy.float32),
    )
    hsm = BinaryHierarchicalSoftmax(2, ((0, 1), 2), dtype=numpy.float64)
    assert hsm.W.dtype == numpy.float64
    x = numpy.ones((1, 2))
    assert hsm(x, numpy.array([2])).dtype == numpy.float64
    with using_config("dtype", numpy.float16):
        assert BinaryHierarchicalSoftmax(2, ((0, 1), 2)).W.dtype == numpy.float16
        assert CRF1d(3).cost.dtype == numpy.float16


def test_initializers() -> None:
    crf = CRF1d(2, initial_cost=numpy.array([[1.0, 2.0], [3.0, 4.0]], numpy.float32))
    assert data(crf.cost).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert data(CRF1d(2, initial_cost=0.5).cost).tolist() == [[0.5, 0.5], [0.5, 0.5]]
    assert data(BlackOut(2, [1, 1], 1, initialW=1.0).W).tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_crf1d_batch_major_matches_one_sequence_at_a_time() -> None:
    with chainer_seed(3):
        crf = CRF1d(3, initial_cost=numpy.random.standard_normal((3, 3)))  # noqa: NPY002
    lengths = [3, 5, 1, 5]
    xs = [rand(i, (n, 3), numpy.float32) for i, n in enumerate(lengths)]
    ys: list[Array] = [numpy.arange(n) % 3 for n in lengths]
    per_sequence = data(crf(xs, ys, reduce="no", transpose=True))
    scores, paths = crf.argmax(xs, transpose=True)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        alone = crf([row[None] for row in x], [label[None] for label in y], reduce="no")
        numpy.testing.assert_allclose(per_sequence[i], data(alone)[0], rtol=1e-6)
        best, path = crf.argmax([row[None] for row in x])
        numpy.testing.assert_allclose(data(scores)[i], data(best)[0], rtol=1e-6)
        assert paths[i].tolist() == [int(p[0]) for p in path]
    numpy.testing.assert_allclose(
        data(crf(xs, ys, transpose=True)), per_sequence.mean(), rtol=1e-6
    )
    # The constructor's transpose makes batch-major the default.
    batch_major = CRF1d(3, initial_cost=data(crf.cost), transpose=True)
    numpy.testing.assert_allclose(data(batch_major(xs, ys, reduce="no")), per_sequence)
    assert [p.tolist() for p in batch_major.argmax(xs)[1]] == [p.tolist() for p in paths]


# -- gradients, copies, serialization, devices ----------------------------------------------


def _seeded(link: Link, t: Array, **kwargs: Any) -> Callable[[Variable], Variable]:
    """``link(x, t)`` with the same negative samples at every call."""

    def call(x: Variable) -> Variable:
        with chainer_seed(5):
            out: Variable = link(x, t, **kwargs)
        return out

    return call


def _negative_sampling() -> Link:
    link = NegativeSampling(3, COUNTS, 2)
    link.W.array = rand(7, (6, 3)).astype(link.W.dtype)  # W starts at zero: a dull check
    return link


FACTORIES: dict[str, tuple[Callable[[], Link], Callable[[Link], Callable[[Variable], Variable]]]]
FACTORIES = {
    "ns": (
        _negative_sampling,
        lambda link: _seeded(link, numpy.array([0, 4, -1, 2]), reduce="no"),
    ),
    "bo": (
        lambda: BlackOut(3, COUNTS, 3, initialW=rand(8, (6, 3))),
        lambda link: _seeded(link, numpy.array([0, 4, 1, 2]), reduce="no"),
    ),
    "hsm": (
        lambda: BinaryHierarchicalSoftmax(3, HUFFMAN),
        lambda link: _seeded(link, numpy.array([0, 4, 1, 3])),
    ),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_gradients_copies_serialization_and_device(name: str) -> None:
    factory, caller = FACTORIES[name]
    with chainer_seed(1), using_config("dtype", numpy.float64):
        link = factory()
    x = rand(0, (4, 3))
    call = caller(link)
    gy = rand(9, call(Variable(x)).shape)
    gc.check_backward(call, (x,), gy, params=tuple(link.params()), atol=1e-6, rtol=1e-5)
    x32 = x.astype(numpy.float32)

    def forward(link: Link) -> Variable:
        return caller(link)(Variable(x32))

    with chainer_seed(2):
        check_npz_round_trip(factory, forward)
    link32 = factory()
    check_copies(link32)
    check_to_numpy(link32)


def test_crf1d_gradients() -> None:
    with using_config("dtype", numpy.float64):
        crf = CRF1d(3, initial_cost=rand(0, (3, 3)))
    xs = [rand(i + 1, (n, 3)) for i, n in enumerate([2, 4, 3])]
    ys = [numpy.arange(n) % 3 for n in (2, 4, 3)]

    def loss(*arrays: Variable) -> Variable:
        return crf(list(arrays), ys, reduce="no", transpose=True)

    gc.check_backward(loss, tuple(xs), rand(9, (3,)), params=(crf.cost,), atol=1e-6, rtol=1e-5)
    check_npz_round_trip(
        lambda: CRF1d(3, initial_cost=rand(0, (3, 3), numpy.float32)),
        lambda link: link([x.astype(numpy.float32) for x in xs], ys, transpose=True),
    )
    check_copies(CRF1d(3))
    check_to_numpy(crf)


class _Collect(DeviceResidentsVisitor):
    def __init__(self) -> None:
        self.arrays: list[Array] = []

    def visit_array(self, array: Array) -> Array:
        self.arrays.append(array)
        return array


def test_samplers_and_trees_move_with_their_links() -> None:
    model = Losses()
    visitor = _Collect()
    model.device_resident_accept(visitor)
    visited = {id(a) for a in visitor.arrays}
    for owner in (model.ns.sampler, model.bo.sampler):
        assert id(owner.threshold) in visited
        assert id(owner.values) in visited
    for array in (model.hsm.paths.nodes, model.hsm.paths.codes, model.hsm.paths.begins):
        assert id(array) in visited


@pytest.mark.gpu
def test_on_a_gpu() -> None:
    cupy = gpu_module()
    model = Losses().to_device("@cupy:0")
    assert isinstance(model.ns.sampler.threshold, cupy.ndarray)
    assert isinstance(model.hsm.paths.nodes, cupy.ndarray)
    x = cupy.asarray(rand(0, (4, 3), numpy.float32))
    t = cupy.asarray(numpy.array([0, 4, 2, 5]))
    for loss in (model.ns(x, t), model.bo(x, t), model.hsm(x, t)):
        assert isinstance(loss.array, cupy.ndarray)
        loss.backward()
    xs = [cupy.asarray(rand(i, (n, 4), numpy.float32)) for i, n in enumerate([2, 3])]
    ys = [cupy.asarray(numpy.arange(n) % 4) for n in (2, 3)]
    assert isinstance(model.crf(xs, ys, transpose=True).array, cupy.ndarray)
    _, path = model.crf.argmax(xs, transpose=True)
    assert [len(p) for p in path] == [2, 3]


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: NegativeSampling(0, COUNTS, 2), ValueError, "in_size must be a positive int"),
        (
            lambda: NegativeSampling(3, COUNTS, 0),
            ValueError,
            "NegativeSampling: sample_size must be a positive int, got 0",
        ),
        (
            lambda: NegativeSampling(3, [], 2),
            ValueError,
            r"counts must be a non-empty 1-D sequence \(one count per word id\), got shape",
        ),
        (
            lambda: NegativeSampling(3, [1, -2], 2),
            ValueError,
            "counts must be finite and non-negative, got -2.0 for word id 1",
        ),
        (lambda: NegativeSampling(3, [0, 0], 2), ValueError, "counts must not be all zero"),
        (
            lambda: NegativeSampling(3, ["a"], 2),  # type: ignore[list-item]
            TypeError,
            "NegativeSampling: counts must be a sequence of numbers, got list",
        ),
        (
            lambda: BlackOut(3, [[1, 2]], 2),  # type: ignore[list-item]
            ValueError,
            r"BlackOut: counts must be a non-empty 1-D sequence .* got shape \(1, 2\)",
        ),
        (
            lambda: BlackOut(3, COUNTS, 1.5),  # type: ignore[arg-type]
            ValueError,
            "BlackOut: sample_size must be a positive",
        ),
        (lambda: CRF1d(0), ValueError, "n_label must be a positive int, got 0"),
        (
            lambda: BinaryHierarchicalSoftmax(3, ((0, 1), 1)),
            ValueError,
            "word id 1 appears more than once",
        ),
        (lambda: BinaryHierarchicalSoftmax(-1, 0), ValueError, "in_size must be a positive int"),
    ],
)
def test_invalid_construction(
    make: Callable[[], Link], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


def test_invalid_calls_leave_the_links_as_they_were() -> None:
    model = Losses()
    before = {path: data(p).copy() for path, p in model.namedparams()}
    x = numpy.ones((2, 3), numpy.float32)
    with pytest.raises(InvalidType, match=r"Expect: W.shape\[1\] == x.shape\[1\]"):
        model.ns(numpy.ones((2, 4), numpy.float32), numpy.array([0, 1]))
    with pytest.raises(ValueError, match="only 'sum' and 'no' are valid for 'reduce'"):
        model.ns(x, numpy.array([0, 1]), reduce="mean")  # type: ignore[call-overload]
    with pytest.raises(InvalidType, match=r"Expect: W.dtype == x.dtype"):
        model.bo(x.astype(numpy.float64), numpy.array([0, 1]))
    with pytest.raises(ValueError, match="t holds 9, which is not a word id of the tree"):
        model.hsm(x, numpy.array([0, 9]))
    xs = [numpy.ones((2, 4), numpy.float32), numpy.ones((1, 4), numpy.float32)]
    with pytest.raises(ValueError, match=r"xs and ys must hold one sequence each .* got 2 and 1"):
        model.crf(xs, [numpy.array([0, 1])], transpose=True)
    with pytest.raises(
        ValueError, match=r"ys\[1\] must have one label per step of xs\[1\], got 2"
    ):
        model.crf(xs, [numpy.array([0, 1]), numpy.array([0, 1])], transpose=True)
    with pytest.raises(
        ValueError, match=r"xs\[1\] must be a non-empty sequence, got shape \(0, 4\)"
    ):
        model.crf.argmax([xs[0], numpy.ones((0, 4), numpy.float32)], transpose=True)
    after = {path: data(p) for path, p in model.namedparams()}
    for path, value in before.items():
        numpy.testing.assert_array_equal(after[path], value, err_msg=path)
