from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.graph.gradient_check import NondifferentiableError, numerical_grad

FloatArray = npt.NDArray[Any]
FLOATS = [numpy.float16, numpy.float32, numpy.float64]


def _random(shape: tuple[int, ...], dtype: Any, seed: int = 0) -> FloatArray:
    rng = numpy.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, size=shape).astype(dtype)


@pytest.mark.parametrize(
    ("function", "derivative"),
    [
        (numpy.sin, numpy.cos),
        (lambda x: x**3, lambda x: 3 * x**2),
        (numpy.exp, numpy.exp),
        (numpy.tanh, lambda x: 1 - numpy.tanh(x) ** 2),
    ],
    ids=["sin", "cube", "exp", "tanh"],
)
@pytest.mark.parametrize("dtype", FLOATS)
def test_elementwise_functions_match_their_derivatives(
    function: Callable[[FloatArray], FloatArray],
    derivative: Callable[[FloatArray], FloatArray],
    dtype: Any,
) -> None:
    x = _random((2, 3), dtype)
    gy = _random((2, 3), numpy.float64, seed=1)
    # The function computes in float64 so that only the perturbation is in ``dtype``;
    # the realised step makes the estimate exact to O(eps**2) even for float16 inputs.
    (gx,) = numerical_grad(lambda: (function(x.astype(numpy.float64)),), (x,), (gy,))
    expected = gy * derivative(x.astype(numpy.float64))
    assert gx.dtype == dtype
    assert gx.shape == x.shape
    numpy.testing.assert_allclose(gx, expected, rtol=2e-3 if dtype == numpy.float16 else 1e-5)


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_function_computing_in_the_input_dtype(dtype: Any) -> None:
    x = _random((5,), dtype)
    (gx,) = numerical_grad(lambda: (numpy.sin(x),), (x,), (numpy.ones(5),))
    tolerance = 1e-3 if dtype == numpy.float32 else 1e-7
    numpy.testing.assert_allclose(gx, numpy.cos(x.astype(numpy.float64)), atol=tolerance)


def test_product_of_two_inputs_and_two_outputs() -> None:
    a = _random((3,), numpy.float64, seed=2)
    b = _random((3,), numpy.float64, seed=3)
    ga_out = _random((3,), numpy.float64, seed=4)
    gb_out = _random((), numpy.float64, seed=5)
    ga, gb = numerical_grad(lambda: (a * b, (a + b**2).sum()), (a, b), (ga_out, gb_out))
    # d/da <ga_out, a*b> + gb_out * sum(a + b**2) = ga_out*b + gb_out
    numpy.testing.assert_allclose(ga, ga_out * b + gb_out, rtol=1e-6)
    numpy.testing.assert_allclose(gb, ga_out * a + gb_out * 2 * b, rtol=1e-6)


def test_single_array_output_and_scalar_grad_output() -> None:
    x = numpy.array([0.3, -0.7])
    (gx,) = numerical_grad(lambda: x**2, (x,), (2.0,))
    numpy.testing.assert_allclose(gx, 4 * x, rtol=1e-7)


def test_none_grad_output_ignores_that_output() -> None:
    x = numpy.array([0.3, -0.7])
    (gx,) = numerical_grad(lambda: (x**2, numpy.exp(x)), (x,), (None, numpy.ones(2)))
    numpy.testing.assert_allclose(gx, numpy.exp(x), rtol=1e-6)


def test_inputs_are_restored_exactly() -> None:
    x = _random((4,), numpy.float32)
    before = x.copy()
    numerical_grad(lambda: (x * 3,), (x,), (numpy.ones(4),), detect_nondifferentiable=True)
    assert numpy.array_equal(x, before)


def test_inputs_are_restored_when_f_raises() -> None:
    x = numpy.array([1.0, 2.0])
    calls = []

    def f() -> tuple[FloatArray]:
        calls.append(x.copy())
        if len(calls) == 2:
            raise RuntimeError("boom")
        return (x,)

    with pytest.raises(RuntimeError, match="boom"):
        numerical_grad(f, (x,), (numpy.ones(2),))
    numpy.testing.assert_array_equal(x, [1.0, 2.0])


def test_zero_sized_input_gives_empty_gradient() -> None:
    x = numpy.zeros((0, 3))
    (gx,) = numerical_grad(lambda: (x.sum(keepdims=True),), (x,), (numpy.ones((1, 1)),))
    assert gx.shape == (0, 3)


def test_float16_outputs_are_combined_in_float64() -> None:
    # Each weighted difference (100 * 1000) overflows float16; their sum (100) does not.
    x = numpy.array([1.0], dtype=numpy.float16)
    gy1 = numpy.array([1000.0], dtype=numpy.float16)
    gy2 = numpy.array([-999.0], dtype=numpy.float16)
    (gx,) = numerical_grad(lambda: (x * 200, x * 200), (x,), (gy1, gy2), eps=0.25)
    assert gx.dtype == numpy.float16
    numpy.testing.assert_array_equal(gx, [200.0])


class TestNondifferentiableDetection:
    @pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
    def test_abs_at_zero_is_detected(self, dtype: Any) -> None:
        x = numpy.array([0.5, 0.0, -0.5], dtype=dtype)
        with pytest.raises(
            NondifferentiableError,
            match=r"f is not differentiable at inputs\[0\]\[1\] = 0\.0: output 0 at index "
            r"\(1,\) has left derivative -1 but right derivative 1",
        ):
            numerical_grad(
                lambda: (numpy.abs(x),), (x,), (numpy.ones(3),), detect_nondifferentiable=True
            )

    def test_relu_kink_within_eps_is_detected(self) -> None:
        x = numpy.array([0.0004])
        with pytest.raises(NondifferentiableError, match="left derivative"):
            numerical_grad(
                lambda: (numpy.maximum(x, 0),),
                (x,),
                (numpy.ones(1),),
                detect_nondifferentiable=True,
            )

    def test_abs_away_from_zero_passes(self) -> None:
        x = numpy.array([0.5, -0.5])
        (gx,) = numerical_grad(
            lambda: (numpy.abs(x),), (x,), (numpy.ones(2),), detect_nondifferentiable=True
        )
        numpy.testing.assert_allclose(gx, [1.0, -1.0], rtol=1e-9)

    @pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
    def test_smooth_functions_give_no_false_positive(self, dtype: Any) -> None:
        rng = numpy.random.default_rng(7)
        for _ in range(10):
            x = (rng.standard_normal(8) * 3).astype(dtype)
            for function in (numpy.sin, numpy.tanh, numpy.exp, lambda v: v**3):
                numerical_grad(
                    lambda: (function(x),),  # noqa: B023 (called within the iteration)
                    (x,),
                    (numpy.ones(8),),
                    detect_nondifferentiable=True,
                )

    def test_non_finite_output_is_reported(self) -> None:
        x = numpy.array([0.0005])
        with (
            numpy.errstate(invalid="ignore"),
            pytest.raises(
                NondifferentiableError, match=r"output 0 at index \(0,\) is not finite near"
            ),
        ):
            numerical_grad(
                lambda: (numpy.sqrt(x),), (x,), (numpy.ones(1),), detect_nondifferentiable=True
            )

    def test_center_outputs_spare_one_evaluation(self) -> None:
        x = numpy.array([0.2, 0.4])
        calls = 0

        def f() -> tuple[FloatArray]:
            nonlocal calls
            calls += 1
            return (x**2,)

        center = (x**2,)
        numerical_grad(
            f, (x,), (numpy.ones(2),), detect_nondifferentiable=True, center_outputs=center
        )
        assert calls == 2 * 4
        calls = 0
        numerical_grad(f, (x,), (numpy.ones(2),), detect_nondifferentiable=True)
        assert calls == 2 * 4 + 1

    def test_tolerances_widen_the_check(self) -> None:
        x = numpy.array([0.0])
        # |x| has a slope jump of 2: diff_atol 2.5 accepts it.
        (gx,) = numerical_grad(
            lambda: (numpy.abs(x),),
            (x,),
            (numpy.ones(1),),
            detect_nondifferentiable=True,
            diff_atol=2.5,
        )
        numpy.testing.assert_allclose(gx, [0.0], atol=1e-12)


class TestBadInput:
    def test_integer_input(self) -> None:
        x = numpy.arange(3)
        with pytest.raises(TypeError, match=r"inputs\[0\] has dtype int64; only floating-point"):
            numerical_grad(lambda: (x,), (x,), (numpy.ones(3),))

    def test_non_array_input(self) -> None:
        with pytest.raises(
            TypeError, match=r"inputs\[0\] must be a numpy or cupy array, got list"
        ):
            numerical_grad(lambda: (), ([1.0],), ())  # type: ignore[arg-type]

    def test_read_only_input(self) -> None:
        x = numpy.ones(2)
        x.flags.writeable = False
        with pytest.raises(ValueError, match=r"inputs\[0\] is read-only"):
            numerical_grad(lambda: (x,), (x,), (numpy.ones(2),))

    @pytest.mark.parametrize("eps", [0.0, -1e-3, float("nan")])
    def test_bad_eps(self, eps: float) -> None:
        x = numpy.ones(2)
        with pytest.raises(ValueError, match="eps must be a positive finite number"):
            numerical_grad(lambda: (x,), (x,), (numpy.ones(2),), eps=eps)

    def test_bad_tolerance(self) -> None:
        x = numpy.ones(2)
        with pytest.raises(ValueError, match="diff_rtol must be a non-negative number"):
            numerical_grad(lambda: (x,), (x,), (numpy.ones(2),), diff_rtol=-1.0)

    def test_eps_too_small_for_dtype(self) -> None:
        x = numpy.array([1000.0], dtype=numpy.float16)
        with pytest.raises(
            ValueError, match=r"eps=0.001 is too small to perturb inputs\[0\]\[0\] in float16"
        ):
            numerical_grad(lambda: (x,), (x,), (numpy.ones(1),))
        assert x[0] == 1000.0

    def test_output_count_mismatch(self) -> None:
        x = numpy.ones(2)
        with pytest.raises(ValueError, match=r"f returned 2 output\(s\) but grad_outputs has 1"):
            numerical_grad(lambda: (x, x), (x,), (numpy.ones(2),))

    def test_grad_output_shape_mismatch(self) -> None:
        x = numpy.ones(2)
        with pytest.raises(
            ValueError, match=r"grad_outputs\[0\] has shape \(3,\) but output 0 of f has shape"
        ):
            numerical_grad(lambda: (x * 2,), (x,), (numpy.ones(3),))

    def test_bad_output_type(self) -> None:
        x = numpy.ones(2)
        with pytest.raises(TypeError, match="output 0 of f is str; expected an array"):
            numerical_grad(lambda: ("no",), (x,), (numpy.ones(2),))  # type: ignore[arg-type,return-value]

    def test_grad_outputs_not_a_sequence(self) -> None:
        x = numpy.ones(2)
        with pytest.raises(TypeError, match="grad_outputs must be a sequence"):
            numerical_grad(lambda: (x,), (x,), numpy.ones(2))  # type: ignore[arg-type]

    def test_nan_input(self) -> None:
        x = numpy.array([numpy.nan])
        with pytest.raises(ValueError, match=r"inputs\[0\]\[0\] is nan; cannot differentiate"):
            numerical_grad(lambda: (x,), (x,), (numpy.ones(1),))
