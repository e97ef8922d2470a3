"""pad and pad_sequence: forward against NumPy, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    gpu,
    uniform,
)

MODES = ["constant", "edge", "reflect", "symmetric", "wrap"]
WIDTHS: list[Any] = [1, (2, 1), ((0, 1), (2, 0)), 0]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pad_width", WIDTHS)
def test_pad_forward(dtype: Any, mode: str, pad_width: Any) -> None:
    x = uniform(0, (2, 3), numpy.float64, -5, 5).astype(dtype)
    y = F.pad(x, pad_width, mode)
    assert y.dtype == x.dtype
    numpy_mode: Any = mode
    numpy.testing.assert_array_equal(y.array, numpy.pad(x, pad_width, numpy_mode))


@pytest.mark.parametrize("values", [5, (1, 2), ((1, 2), (3, 4))])
def test_pad_constant_values(values: Any) -> None:
    x = uniform(0, (2, 3), numpy.float32)
    y = F.pad(x, 1, "constant", constant_values=values)
    numpy.testing.assert_array_equal(y.array, numpy.pad(x, 1, "constant", constant_values=values))


def test_pad_reflect_type_even() -> None:
    x = uniform(0, (4,), numpy.float32)
    y = F.pad(x, 2, "reflect", reflect_type="even")
    numpy.testing.assert_array_equal(y.array, numpy.pad(x, 2, "reflect"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pad_width", WIDTHS[:3])
def test_pad_gradients(mode: str, pad_width: Any) -> None:
    check_grads(lambda v: F.pad(v, pad_width, mode), [uniform(1, (2, 3), numpy.float64)])


def test_pad_gradients_float16() -> None:
    check_grads_float16(lambda v: F.pad(v, 1, "reflect"), [uniform(1, (2, 3), numpy.float16)])


def test_pad_gradient_of_copies_adds_up() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    F.sum(F.pad(x, 2, "edge")).backward()
    numpy.testing.assert_array_equal(x.grad, [3.0, 3.0])


@pytest.mark.parametrize(
    ("args", "keywords", "error", "message"),
    [
        ((1, "mean"), {}, ValueError, "pad: mode must be one of 'constant', 'edge'"),
        ((-1, "constant"), {}, ValueError, "pad_width must not be negative"),
        ((1.5, "constant"), {}, TypeError, "pad_width must be an int, a pair of ints or one pair"),
        (((1, 2, 3), "constant"), {}, TypeError, r"one pair per axis \(2 axes\)"),
        (
            (1, "edge"),
            {"constant_values": 1},
            TypeError,
            "unexpected keyword argument 'constant_values' for mode 'edge'",
        ),
        (
            (1, "reflect"),
            {"reflect_type": "odd"},
            ValueError,
            "only reflect_type='even' is supported",
        ),
    ],
)
def test_pad_invalid_arguments(
    args: tuple[Any, ...], keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.pad(numpy.zeros((2, 3)), *args, **keywords)


# --- pad_sequence ------------------------------------------------------------------------


def _pad_sequence_reference(xs: list[Any], length: int | None, padding: float) -> Any:
    n = max(len(x) for x in xs) if length is None else length
    out = numpy.full((len(xs), n, *xs[0].shape[1:]), padding, xs[0].dtype)
    for i, x in enumerate(xs):
        out[i, : len(x)] = x
    return out


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(
    ("lengths", "item", "length", "padding"),
    [((2, 3), (2,), None, 0), ((3, 1, 0), (), 4, -1), ((1,), (2, 2), None, 7)],
)
def test_pad_sequence_forward(
    dtype: Any, lengths: tuple[int, ...], item: tuple[int, ...], length: int | None, padding: float
) -> None:
    xs = [
        uniform(i, (n, *item), numpy.float64, -5, 5).astype(dtype) for i, n in enumerate(lengths)
    ]
    y = F.pad_sequence(xs, length, padding)
    assert y.dtype == numpy.dtype(dtype)
    numpy.testing.assert_array_equal(y.array, _pad_sequence_reference(xs, length, padding))


def test_pad_sequence_gradients() -> None:
    xs = [uniform(i, (n, 2), numpy.float64) for i, n in enumerate((3, 1, 2))]
    check_grads(lambda *vs: F.pad_sequence(vs, length=4, padding=1.5), xs)
    check_grads_float16(lambda *vs: F.pad_sequence(vs), [x.astype(numpy.float16) for x in xs])


@pytest.mark.parametrize(
    ("xs", "length", "message"),
    [
        ([], None, r"PadSequence \(Forward\)\n\nExpect: in_types.size\(\) > 0"),
        ([numpy.zeros(())], None, r"Expect: x0.ndim > 0\nActual: 0 <= 0"),
        (
            [numpy.zeros((2, 2)), numpy.zeros((3, 3))],
            None,
            r"Expect: x1.shape\[1:\] == x0.shape\[1:\]",
        ),
        ([numpy.zeros(2), numpy.zeros(2, numpy.float32)], None, r"Expect: x1.dtype == x0.dtype"),
        ([numpy.zeros(2), numpy.zeros(3)], 2, r"Expect: x1.shape\[0\] <= 2\nActual: 3 > 2"),
    ],
)
def test_pad_sequence_invalid_inputs(xs: list[Any], length: int | None, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.pad_sequence(xs, length)


def test_pad_sequence_length_must_be_int() -> None:
    with pytest.raises(TypeError, match="length must be an int, got float"):
        F.pad_sequence([numpy.zeros(2)], 2.0)  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    x = uniform(0, (2, 3), numpy.float32)
    for mode in MODES:
        check_on_gpu(lambda v, m=mode: F.pad(v, 1, m), [x])
    check_on_gpu(lambda a, b: F.pad_sequence([a, b]), [x, uniform(1, (1, 3), numpy.float32)])
