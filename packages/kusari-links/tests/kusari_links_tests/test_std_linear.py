"""Linear: forward, lazy initialization, gradients, copies, serialization, errors."""

from __future__ import annotations

import numpy
import pytest

from kusari import initializers
from kusari.graph import using_config
from kusari.graph.type_check import InvalidType
from kusari.links import Linear

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_params_backward,
    check_to_numpy,
    data,
    rand,
    uninitialized,
)


def test_parameters_have_chainers_names_shapes_and_initializers() -> None:
    layer = Linear(3, 4)
    assert [path for path, _ in layer.namedparams()] == ["/W", "/b"]
    assert layer.W.shape == (4, 3)
    assert layer.W.dtype == numpy.float32
    assert isinstance(layer.W.initializer, initializers.LeCunNormal)
    assert data(layer.b).tolist() == [0.0] * 4
    assert Linear(3, 4, nobias=True).b is None
    assert [path for path, _ in Linear(3, 4, nobias=True).namedparams()] == ["/W"]


def test_seeded_weights_match_chainer() -> None:
    # numpy.random.seed(0); chainer.links.Linear(3, 2).W (Chainer 7.8.1)
    with chainer_seed(0):
        layer = Linear(3, 2)
    expected = [[1.0184761, 0.23103087, 0.5650746], [1.2937803, 1.0782351, -0.5642316]]
    numpy.testing.assert_allclose(data(layer.W), expected, rtol=1e-6)


@pytest.mark.parametrize("nobias", [False, True])
def test_forward_against_numpy(nobias: bool) -> None:
    w, b = rand(0, (4, 3), numpy.float32), rand(1, (4,), numpy.float32)
    layer = Linear(3, 4, nobias=nobias, initialW=w, initial_bias=b)
    x = rand(2, (5, 3), numpy.float32)
    expected = x @ w.T + (0 if nobias else b)
    numpy.testing.assert_allclose(data(layer(x)), expected, rtol=1e-6)


def test_lazy_initialization_from_the_feature_axes() -> None:
    layer = Linear(2)
    assert uninitialized(layer) == ["/W"]
    y = layer(numpy.ones((4, 3, 5), numpy.float32))
    assert y.shape == (4, 2)
    assert layer.W.shape == (2, 15)
    assert layer.in_size == 15
    layer2 = Linear(None, 2)
    y2 = layer2(numpy.ones((4, 3, 5), numpy.float32), n_batch_axes=2)
    assert y2.shape == (4, 3, 2)
    assert layer2.W.shape == (2, 5)


def test_gradients_with_the_parameters() -> None:
    with using_config("dtype", numpy.float64):
        layer = Linear(3, 2)
    check_params_backward(layer, [rand(0, (4, 3))])
    with using_config("dtype", numpy.float64):
        lazy = Linear(2, nobias=True)
        lazy(rand(1, (1, 2, 2)))
    check_params_backward(lazy, [rand(2, (3, 2, 2))])


def test_copies_and_repeat() -> None:
    check_copies(Linear(3, 2))


def test_npz_round_trip_into_a_lazy_link() -> None:
    x = rand(0, (2, 3), numpy.float32)
    check_npz_round_trip(lambda: Linear(2), lambda layer: layer(x))


def test_to_numpy() -> None:
    check_to_numpy(Linear(3, 2))


def test_printable() -> None:
    assert str(Linear(3, 2, nobias=True)) == "Linear(in_size=3, out_size=2, nobias=True)"


def test_bad_input() -> None:
    layer = Linear(3, 2)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == W.shape\[1\]|W.shape\[1\]"):
        layer(numpy.ones((4, 5), numpy.float32))
    with pytest.raises(InvalidType, match="dtype"):
        layer(numpy.ones((4, 3), numpy.float64))
    lazy = Linear(2)
    with pytest.raises(ValueError, match=r"n_batch_axes must be in \[1, x.ndim\)"):
        lazy(numpy.ones((4,), numpy.float32))
    assert lazy.W.array is None
    with pytest.raises(ValueError, match="out_size must be a positive int, got 0"):
        Linear(3, 0)
    with pytest.raises(ValueError, match="in_size must be a positive int"):
        Linear(-1, 2)


def test_the_typed_call_still_runs_link_hooks() -> None:
    from kusari.links import ForwardPostprocessArgs, ForwardPreprocessArgs, LinkHook

    seen: list[str] = []

    class Record(LinkHook):
        name = "record"

        def forward_preprocess(self, args: ForwardPreprocessArgs) -> None:
            seen.append(f"pre {type(args.link).__name__}")

        def forward_postprocess(self, args: ForwardPostprocessArgs) -> None:
            seen.append(f"post {args.out.shape}")

    layer = Linear(3, 2)
    layer.add_hook(Record())
    layer(numpy.ones((4, 3), numpy.float32))
    assert seen == ["pre Linear", "post (4, 2)"]
