from __future__ import annotations

import numpy
import pytest

from kusari.graph.gradient_check import Tolerance, assert_allclose, default_tolerance


def test_equal_within_tolerance_passes() -> None:
    x = numpy.array([1.0, 2.0, 3.0])
    assert_allclose(x, x + 1e-6)
    assert_allclose(x, x * (1 + 5e-5), atol=0.0)


def test_relative_tolerance_is_relative_to_y() -> None:
    # |x - y| = 1, atol + rtol*|y| = 0 + 0.1*10 = 1 -> passes; swapped: 0.1*9 < 1 -> fails.
    assert_allclose(numpy.array([9.0]), numpy.array([10.0]), atol=0.0, rtol=0.1)
    with pytest.raises(AssertionError):
        assert_allclose(numpy.array([10.0]), numpy.array([9.0]), atol=0.0, rtol=0.1)


def test_nan_and_inf_compare_equal_to_themselves() -> None:
    x = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 1.0])
    assert_allclose(x, x.copy())
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 4"):
        assert_allclose(x, numpy.array([numpy.nan, -numpy.inf, -numpy.inf, 1.0]))


def test_message_names_worst_elements_shapes_and_dtypes() -> None:
    x = numpy.zeros((2, 3), dtype=numpy.float32)
    y = numpy.zeros((2, 3))
    y[1, 2] = 0.5
    y[0, 1] = 1e-3
    with pytest.raises(AssertionError) as info:
        assert_allclose(x, y)
    message = str(info.value)
    assert message.splitlines()[:6] == [
        "Not equal to tolerance (atol=1e-05, rtol=0.0001)",
        "Mismatched elements: 2 / 6 (33.3%)",
        "Max absolute error: 0.5 at index (1, 2): x=0, y=0.5",
        "Max relative error: 1 at index (0, 1): x=0, y=0.001",
        "x: shape (2, 3), dtype float32",
        "y: shape (2, 3), dtype float64",
    ]
    assert "x = array([[0., 0., 0.]," in message


def test_verbose_false_leaves_out_the_arrays() -> None:
    with pytest.raises(AssertionError) as info:
        assert_allclose(numpy.zeros(3), numpy.ones(3), verbose=False)
    assert "x = " not in str(info.value)
    assert "Max absolute error: 1 at index (0,)" in str(info.value)


def test_shape_mismatch() -> None:
    with pytest.raises(
        AssertionError, match=r"Shapes do not match: x has shape \(3,\) \(float64\), y has shape"
    ):
        assert_allclose(numpy.zeros(3), numpy.zeros(4))


def test_scalars_and_broadcasting() -> None:
    assert_allclose(numpy.full((2, 2), 0.5), 0.5)
    assert_allclose(numpy.float16(0.1), 0.1, atol=1e-4)
    with pytest.raises(AssertionError, match="x: shape \\(\\), dtype float16"):
        assert_allclose(numpy.float16(0.1), 0.1, atol=1e-6, rtol=0.0)


def test_float16_is_compared_without_overflow() -> None:
    big = numpy.array([60000.0], dtype=numpy.float16)
    with pytest.raises(AssertionError, match="Max absolute error: 120000"):
        assert_allclose(big, -big)


def test_none_is_rejected_with_a_hint() -> None:
    with pytest.raises(TypeError, match="cannot compare None"):
        assert_allclose(None, numpy.zeros(1))


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (numpy.float16, Tolerance(5e-3, 5e-2)),
        ("float32", Tolerance(1e-4, 1e-3)),
        (numpy.dtype(numpy.float64), Tolerance(1e-5, 1e-4)),
    ],
)
def test_default_tolerance(dtype: object, expected: Tolerance) -> None:
    assert default_tolerance(dtype) == expected  # type: ignore[arg-type]


def test_default_tolerance_rejects_other_dtypes() -> None:
    with pytest.raises(ValueError, match="expects float16, float32 or float64, got int32"):
        default_tolerance(numpy.int32)
