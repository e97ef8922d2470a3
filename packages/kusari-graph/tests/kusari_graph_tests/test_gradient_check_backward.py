from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari import testing
from kusari.graph import FunctionNode, Variable
from kusari.graph.gradient_check import (
    NondifferentiableError,
    assert_allclose,
    check_backward,
    default_tolerance,
)

from . import test_gradient_check_nodes as nodes

Arr = npt.NDArray[Any]


def _uniform(shape: tuple[int, ...], dtype: Any = numpy.float64, low: float = -1.0) -> Arr:
    return numpy.random.uniform(low, 1.0, shape).astype(dtype)  # noqa: NPY002


@testing.fix_random()
class TestPassing:
    @pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
    def test_mul(self, dtype: Any) -> None:
        x, y, gz = (_uniform((3, 2), dtype) for _ in range(3))
        tol = default_tolerance(dtype)
        check_backward(nodes.mul, (x, y), gz, atol=tol.atol, rtol=tol.rtol, dtype=numpy.float64)

    def test_float16_with_a_float64_numerical_side(self) -> None:
        x, gy = _uniform((4,), numpy.float16), _uniform((4,), numpy.float16)
        tol = default_tolerance(numpy.float16)
        check_backward(nodes.sin, x, gy, dtype=numpy.float64, atol=tol.atol, rtol=tol.rtol)

    def test_composite(self) -> None:
        def f(a: Variable, b: Variable) -> Variable:
            return nodes.add(nodes.mul(nodes.sin(a), b), nodes.exp(nodes.scale(a, 0.5)))

        check_backward(f, (_uniform((5,)), _uniform((5,))), _uniform((5,)))

    def test_same_input_used_twice(self) -> None:
        check_backward(lambda v: nodes.mul(v, v), _uniform((3,)), _uniform((3,)))

    def test_identity_returning_the_input(self) -> None:
        check_backward(lambda v: v, _uniform((3,)), _uniform((3,)))

    def test_two_outputs_and_a_none_grad_output(self) -> None:
        x, y = _uniform((2, 2)), _uniform((2, 2))
        g_mul, g_add = _uniform((2, 2)), _uniform((2, 2))
        two = nodes.TwoOutputs
        check_backward(lambda a, b: two().apply((a, b)), (x, y), (g_mul, g_add))
        check_backward(lambda a, b: two().apply((a, b)), (x, y), (None, g_add))

    def test_scalar_output_without_y_grad(self) -> None:
        check_backward(lambda v: nodes.apply(nodes.Sum(), nodes.sin(v)), _uniform((3, 2)), None)

    def test_zero_sized_input(self) -> None:
        check_backward(nodes.sin, numpy.zeros((0, 3)), numpy.zeros((0, 3)))

    def test_loss_scale(self) -> None:
        check_backward(nodes.exp, _uniform((3,)), _uniform((3,)), loss_scale=1024.0)

    def test_dtype_casts_only_the_numerical_side(self) -> None:
        seen: list[Any] = []

        def f(v: Variable) -> Variable:
            seen.append(v.dtype)
            return nodes.sin(v)

        x, gy = _uniform((3,), numpy.float32), _uniform((3,), numpy.float32)
        check_backward(f, x, gy, dtype=numpy.float64)
        # Two backward runs (recording and on arrays), then the two numerical evaluations.
        assert seen == [numpy.float32, numpy.float32, numpy.float64, numpy.float64]

    def test_inputs_are_not_modified(self) -> None:
        x, gy = _uniform((3,)), _uniform((3,))
        x_before, gy_before = x.copy(), gy.copy()
        check_backward(nodes.sin, x, gy, detect_nondifferentiable=True)
        assert numpy.array_equal(x, x_before)
        assert numpy.array_equal(gy, gy_before)


@testing.fix_random()
class TestFailing:
    def test_wrong_backward(self) -> None:
        x, gy = _uniform((3,), low=0.5), _uniform((3,), low=0.5)
        with pytest.raises(AssertionError) as info:
            check_backward(lambda v: nodes.apply(nodes.WrongSquare(), v), x, gy)
        message = str(info.value)
        lines = message.splitlines()
        assert lines[0] == (
            "check_backward failed for TestFailing.test_wrong_backward.<locals>.<lambda>: "
            "the gradients from backward (on arrays) do not match numerical differentiation."
        )
        numerical = float(lines[2].split(":")[1])
        backward = float(lines[3].split(":")[1])
        # The wrong backward is exactly 1.5 times the right one.
        assert backward == pytest.approx(1.5 * numerical, rel=1e-6)
        assert "> atol + rtol * |numerical| = 1e-05 + 0.0001 * " in lines[4]
        assert "(eps=0.001, dtype=None)" in lines[5]
        assert lines[7].startswith("  x_data[0]: ")
        assert lines[7].endswith("<-- mismatch")
        assert "Inputs:\n  x_data[0] = [" in message
        assert "Output gradients:\n  y_grad[0] = [" in message
        assert "Gradients from backward:\n  x_data[0] = [" in message

    def test_breakdown_points_at_the_wrong_input(self) -> None:
        x, y, gz = _uniform((4,)), _uniform((4,)), _uniform((4,))
        with pytest.raises(AssertionError) as info:
            check_backward(lambda a, b: nodes.apply(nodes.MulWrongSecondInput(), a, b), (x, y), gz)
        breakdown = [line for line in str(info.value).splitlines() if line.startswith("  x_data[")]
        assert breakdown[0].startswith("  x_data[0]: ")
        assert not breakdown[0].endswith("mismatch")
        assert breakdown[1].startswith("  x_data[1]: ")
        assert breakdown[1].endswith("<-- mismatch")

    def test_wrong_backward_arrays_fast_path(self) -> None:
        with pytest.raises(AssertionError, match=r"backward \(on arrays\) do not match"):
            check_backward(
                lambda v: nodes.apply(nodes.SquareWrongArrays(), v),
                _uniform((3,), low=0.5),
                _uniform((3,), low=0.5),
            )

    def test_wrong_gradient_shape(self) -> None:
        with pytest.raises(
            AssertionError,
            match=r"the gradient of x_data\[0\] has shape \(1,\) and dtype float64, but "
            r"x_data\[0\] has shape \(2, 2\)",
        ):
            check_backward(
                lambda v: nodes.apply(nodes.WrongShapeGrad(), v),
                _uniform((2, 2)),
                _uniform((2, 2)),
            )

    def test_failing_with_loss_scale_reports_unscaled_values(self) -> None:
        x, gy = _uniform((3,), low=0.5), _uniform((3,), low=0.5)
        with pytest.raises(AssertionError) as info:
            check_backward(lambda v: nodes.apply(nodes.WrongSquare(), v), x, gy, loss_scale=128.0)
        lines = str(info.value).splitlines()
        assert float(lines[3].split(":")[1]) == pytest.approx(
            1.5 * float(lines[2].split(":")[1]), rel=1e-6
        )


@testing.fix_random()
class TestParams:
    def test_param_gradient_is_checked_and_left_in_grad(self) -> None:
        x, gy = _uniform((3,)), _uniform((3,))
        w = Variable(_uniform((3,)), name="W")
        w_before = w.array
        check_backward(lambda v: nodes.mul(nodes.sin(v), w), x, gy, params=w)
        assert w.array is w_before
        assert_allclose(w.grad, gy * numpy.sin(x))

    def test_wrong_param_gradient_is_reported(self) -> None:
        x, gy = _uniform((3,)), _uniform((3,))
        w = Variable(_uniform((3,)), name="W")
        w_before = w.array.copy()  # type: ignore[union-attr]
        with pytest.raises(AssertionError) as info:
            check_backward(
                lambda v: nodes.apply(nodes.MulWrongSecondInput(), v, w), x, gy, params=(w,)
            )
        breakdown = [line for line in str(info.value).splitlines() if line.startswith("  ")]
        assert any(
            line.startswith("  params[0] (W): ") and line.endswith("<-- mismatch")
            for line in breakdown
        )
        assert any(
            line.startswith("  x_data[0]: ") and not line.endswith("mismatch")
            for line in breakdown
        )
        numpy.testing.assert_array_equal(w.array, w_before)

    def test_params_are_restored_when_func_raises(self) -> None:
        w = Variable(_uniform((2,)))
        original = w.array
        calls = []

        def f(v: Variable) -> Variable:
            calls.append(1)
            if len(calls) == 3:  # the first numerical evaluation
                raise RuntimeError("boom")
            return nodes.mul(v, w)

        with pytest.raises(RuntimeError, match="boom"):
            check_backward(f, _uniform((2,)), _uniform((2,)), params=[w])
        assert w.array is original


@testing.fix_random()
class TestNoGrads:
    def test_integer_input_is_skipped_by_default(self) -> None:
        x = _uniform((5,))
        indices = numpy.array([0, 2, 2, 4])
        take = nodes.Take
        check_backward(lambda v, i: nodes.apply(take(), v, i), (x, indices), _uniform((4,)))

    def test_gradient_for_an_integer_input_fails(self) -> None:
        x = _uniform((5,))
        indices = numpy.array([1, 3])
        with pytest.raises(
            AssertionError,
            match=r"backward gave x_data\[1\], an int64 input, a gradient; inputs that are "
            "not floating point must get None",
        ):
            check_backward(
                lambda v, i: nodes.apply(nodes.Take(leak_int_grad=True), v, i),
                (x, indices),
                _uniform((2,)),
            )

    def test_float_input_can_be_skipped(self) -> None:
        # The wrong gradient of the second input goes unnoticed when it is skipped...
        x, y, gz = _uniform((3,)), _uniform((3,)), _uniform((3,))
        wrong = nodes.MulWrongSecondInput
        check_backward(lambda a, b: nodes.apply(wrong(), a, b), (x, y), gz, no_grads=[False, True])
        # ... and is caught otherwise.
        with pytest.raises(AssertionError):
            check_backward(
                lambda a, b: nodes.apply(wrong(), a, b), (x, y), gz, no_grads=[False, False]
            )


class TestNondifferentiable:
    def test_abs_at_zero(self) -> None:
        x = numpy.array([0.5, 0.0, -0.3])
        with pytest.raises(
            NondifferentiableError,
            match="func is not differentiable at x_data along the random direction of the "
            r"check: output 0 at index \(1,\) has left derivative",
        ):
            check_backward(
                lambda v: nodes.apply(nodes.Abs(), v),
                x,
                numpy.ones(3),
                detect_nondifferentiable=True,
            )

    @testing.fix_random()
    def test_abs_away_from_zero(self) -> None:
        check_backward(
            lambda v: nodes.apply(nodes.Abs(), v),
            numpy.array([0.5, -0.3]),
            numpy.ones(2),
            detect_nondifferentiable=True,
        )


class TestBadInput:
    def test_y_grad_count(self) -> None:
        with pytest.raises(ValueError, match=r"y_grad has 2 entries but func returned 1 output"):
            check_backward(nodes.sin, _uniform((2,)), (numpy.ones(2), numpy.ones(2)))

    def test_y_grad_shape(self) -> None:
        with pytest.raises(
            ValueError, match=r"y_grad\[0\] has shape \(3,\) but output 0 has shape \(2,\)"
        ):
            check_backward(nodes.sin, _uniform((2,)), numpy.ones(3))

    def test_y_grad_dtype(self) -> None:
        with pytest.raises(
            TypeError, match=r"y_grad\[0\] has dtype float32 but output 0 has dtype float64"
        ):
            check_backward(nodes.sin, _uniform((2,)), numpy.ones(2, numpy.float32))

    def test_y_grad_none_needs_scalar_outputs(self) -> None:
        with pytest.raises(
            ValueError, match=r"y_grad is None, so func must return losses with one element"
        ):
            check_backward(nodes.sin, _uniform((2,)), None)

    def test_func_must_return_variables(self) -> None:
        with pytest.raises(
            TypeError,
            match="func must return a Variable or a tuple/list of Variables, got ndarray",
        ):
            check_backward(lambda v: v.array, _uniform((2,)), numpy.ones(2))

    def test_x_data_entries_must_be_arrays(self) -> None:
        with pytest.raises(
            TypeError, match=r"x_data\[1\] must be a numpy or cupy array, got list"
        ):
            check_backward(nodes.mul, (_uniform((2,)), [1.0, 2.0]), numpy.ones(2))  # type: ignore[arg-type]

    def test_no_grads_length(self) -> None:
        with pytest.raises(ValueError, match="no_grads has 1 entries but x_data has 2"):
            check_backward(
                nodes.mul, (_uniform((2,)), _uniform((2,))), numpy.ones(2), no_grads=[True]
            )

    def test_integer_input_cannot_be_checked(self) -> None:
        with pytest.raises(
            ValueError, match=r"x_data\[1\] has dtype int64, so its gradient cannot be checked"
        ):
            check_backward(
                lambda v, i: nodes.apply(nodes.Take(), v, i),
                (_uniform((3,)), numpy.array([0])),
                numpy.ones(1),
                no_grads=[False, False],
            )

    def test_dtype_must_be_float(self) -> None:
        with pytest.raises(
            ValueError, match="dtype must be a floating-point dtype or None, got int32"
        ):
            check_backward(nodes.sin, _uniform((2,)), numpy.ones(2), dtype=numpy.int32)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"eps": 0.0}, "eps must be a positive finite number"),
            ({"atol": -1.0}, "atol must be a non-negative number"),
            ({"rtol": float("nan")}, "rtol must be a non-negative number"),
            ({"loss_scale": 0.0}, "loss_scale must be a positive finite number"),
        ],
    )
    def test_bad_numbers(self, kwargs: dict[str, float], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            check_backward(nodes.sin, _uniform((2,)), numpy.ones(2), **kwargs)  # type: ignore[arg-type]

    def test_params_must_be_variables(self) -> None:
        with pytest.raises(TypeError, match=r"params\[0\] must be a Variable, got ndarray"):
            check_backward(nodes.sin, _uniform((2,)), numpy.ones(2), params=[numpy.ones(2)])  # type: ignore[list-item]

    def test_params_must_be_initialized(self) -> None:
        with pytest.raises(ValueError, match=r"params\[0\] \('W'\) is uninitialized"):
            check_backward(nodes.sin, _uniform((2,)), numpy.ones(2), params=Variable(name="W"))

    def test_bad_y_grad_leaves_param_grads_alone(self) -> None:
        w = Variable(_uniform((2,)), grad=numpy.full(2, 7.0))
        with pytest.raises(ValueError, match=r"y_grad\[0\] has shape"):
            check_backward(lambda v: nodes.mul(v, w), _uniform((2,)), numpy.ones(3), params=w)
        assert_allclose(w.grad, [7.0, 7.0])


class _TripledExp(FunctionNode):
    """exp with a backward that is three times too large."""

    def forward(self, inputs: tuple[npt.NDArray[Any], ...]) -> tuple[npt.NDArray[Any], ...]:
        return (numpy.exp(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * 3.0,)


def test_zero_dimensional_inputs_are_checked() -> None:
    # Arithmetic on 0-d arrays yields NumPy scalars; the perturbed inputs must stay arrays.
    import kusari.functions as F
    from kusari.graph import gradient_check

    x = numpy.array(0.5)
    gradient_check.check_backward(F.exp, (x,), numpy.array(1.0))
    gradient_check.check_double_backward(
        lambda v: F.exp(v) * v, (x,), numpy.array(1.0), numpy.array(1.0)
    )
    with pytest.raises(AssertionError, match="check_backward"):
        gradient_check.check_backward(
            lambda v: _TripledExp().apply((v,))[0], (x,), numpy.array(1.0)
        )
