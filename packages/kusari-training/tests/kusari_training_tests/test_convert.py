from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari.devices import CpuDevice, Device, get_device
from kusari.training import Converter, concat_examples, converter, to_device
from kusari.training._convert import call_converter


def test_tuples_become_a_tuple_of_stacked_arrays() -> None:
    batch = [
        (numpy.array([1.0, 2.0], numpy.float32), numpy.int32(0)),
        (numpy.array([3.0, 4.0], numpy.float32), numpy.int32(1)),
        (numpy.array([5.0, 6.0], numpy.float32), numpy.int32(2)),
    ]
    x, t = concat_examples(batch)
    assert x.dtype == numpy.float32
    numpy.testing.assert_array_equal(x, [[1, 2], [3, 4], [5, 6]])
    assert t.dtype == numpy.int32
    assert t.tolist() == [0, 1, 2]


def test_dicts_become_a_dict_of_arrays() -> None:
    batch = [{"x": numpy.zeros(2), "t": 1}, {"x": numpy.ones(2), "t": 0}]
    result = concat_examples(batch)
    assert sorted(result) == ["t", "x"]
    numpy.testing.assert_array_equal(result["x"], [[0, 0], [1, 1]])
    assert result["t"].tolist() == [1, 0]


def test_plain_arrays_and_scalars() -> None:
    arrays = concat_examples([numpy.arange(3), numpy.arange(3) + 10])
    assert arrays.tolist() == [[0, 1, 2], [10, 11, 12]]
    scalars = concat_examples([1.5, 2.5])
    assert scalars.dtype == numpy.float64
    assert scalars.tolist() == [1.5, 2.5]


def test_padding_fills_to_the_largest_shape() -> None:
    batch = [
        (numpy.array([[1, 2]]), numpy.array([7])),
        (numpy.array([[3], [4]]), numpy.array([8, 9])),
    ]
    x, t = concat_examples(batch, padding=(0, -1))
    assert x.tolist() == [[[1, 2], [0, 0]], [[3, 0], [4, 0]]]
    assert t.tolist() == [[7, -1], [8, 9]]
    same = concat_examples([numpy.array([1]), numpy.array([2, 3])], padding=-5)
    assert same.tolist() == [[1, -5], [2, 3]]
    keyed = concat_examples(
        [{"a": numpy.array([1]), "b": 1}, {"a": numpy.array([1, 2]), "b": 2}],
        padding={"a": 0, "b": None},
    )
    assert keyed["a"].tolist() == [[1, 0], [1, 2]]
    assert keyed["b"].tolist() == [1, 2]
    lists = concat_examples([[1], [2, 3]], padding=0)
    assert lists.tolist() == [[1, 0], [2, 3]]


def test_device_argument_sends_the_arrays() -> None:
    x = numpy.arange(3)
    result = concat_examples([x, x], device=-1)
    assert isinstance(result, numpy.ndarray)
    (t,) = concat_examples([(1,), (2,)], device="@numpy")
    assert t.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("batch", "padding", "error", "message"),
    [
        ([], None, ValueError, "batch is empty"),
        ([(1, 2), (1,)], None, ValueError, "example 1 of the batch is not a tuple of 2 elements"),
        (
            [(1, 2), 3],
            None,
            ValueError,
            "example 1 of the batch is not a tuple of 2 elements like the first one: a int",
        ),
        (
            [{"a": 1}, {"b": 1}],
            None,
            ValueError,
            r"example 1 of the batch does not have the keys \['a'\]",
        ),
        (
            [numpy.zeros(2), numpy.zeros(3)],
            None,
            ValueError,
            r"example 0 has shape \(2,\) but example 1 has shape \(3,\); pass padding=",
        ),
        ([(numpy.zeros(2),), (numpy.zeros(3),)], None, ValueError, "at position '0'"),
        ([(1, 2)], (0,), ValueError, "padding has 1 values but the examples are tuples of 2"),
        ([(1, 2)], {"a": 0}, TypeError, "padding is a dict but the examples are tuples"),
        ([{"a": 1}], (0,), TypeError, "padding is a tuple but the examples are dicts"),
        ([{"a": 1}], {"b": 0}, ValueError, r"padding has no value for the keys \['a'\]"),
        (
            [numpy.zeros(2)],
            (0,),
            TypeError,
            "padding is a tuple but the examples are single arrays",
        ),
        (
            [numpy.zeros(2), numpy.zeros((1, 2))],
            0,
            ValueError,
            "they do not all have 1 dimensions",
        ),
    ],
)
def test_errors(batch: list[Any], padding: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        concat_examples(batch, padding=padding)


def test_to_device() -> None:
    x = numpy.zeros(2)
    assert to_device(None, x) is x
    assert to_device(-1, x) is x
    assert to_device(CpuDevice(), [x])[0] is x
    with pytest.raises(ValueError, match="invalid device specifier"):
        to_device("@nowhere", x)


def test_converter_styles() -> None:
    seen: list[Any] = []

    @converter()
    def new_style(batch: list[int], device: Device | None = None) -> int:
        seen.append(device)
        return sum(batch)

    def old_style(batch: list[int], device: int | None = None) -> int:
        seen.append(device)
        return len(batch)

    class Custom(Converter):
        def __call__(self, batch: Any, device: Device | None = None) -> Any:
            seen.append(("custom", device))
            return batch

    cpu = get_device("@numpy")
    assert isinstance(new_style, Converter)
    assert isinstance(concat_examples, Converter)
    assert not isinstance(old_style, Converter)
    assert call_converter(new_style, [1, 2], cpu) == 3
    assert call_converter(new_style, [1, 2], None) == 3
    assert call_converter(old_style, [1, 2], cpu) == 2
    assert call_converter(old_style, [1, 2], None) == 2
    assert call_converter(Custom(), [5], cpu) == [5]
    assert seen == [cpu, None, -1, None, ("custom", cpu)]


def test_ragged_lists_without_padding() -> None:
    with pytest.raises(
        ValueError, match=r"cannot stack the examples .*inhomogeneous.*pass padding="
    ):
        concat_examples([[1], [2, 3]])
