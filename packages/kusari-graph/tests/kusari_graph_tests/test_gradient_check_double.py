from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari import testing
from kusari.graph import Variable
from kusari.graph.gradient_check import check_backward, check_double_backward

from . import test_gradient_check_nodes as nodes

Arr = npt.NDArray[Any]


def _uniform(shape: tuple[int, ...], low: float = -1.0) -> Arr:
    return numpy.random.uniform(low, 1.0, shape)  # noqa: NPY002


@testing.fix_random()
class TestPassing:
    def test_sin(self) -> None:
        x, gy, ggx = _uniform((3, 2)), _uniform((3, 2)), _uniform((3, 2))
        check_double_backward(nodes.sin, x, gy, ggx)

    def test_exp_of_scale(self) -> None:
        x, gy, ggx = _uniform((4,)), _uniform((4,)), _uniform((4,))
        check_double_backward(lambda v: nodes.exp(nodes.scale(v, 0.7)), x, gy, ggx)

    def test_two_inputs(self) -> None:
        x, y, gz, ggx, ggy = (_uniform((3,)) for _ in range(5))
        check_double_backward(nodes.mul, (x, y), gz, (ggx, ggy))

    def test_linear_function_has_zero_second_derivative(self) -> None:
        # d(gx)/dx is None for a linear function; it counts as zero.
        x, gy, ggx = _uniform((3,)), _uniform((3,)), _uniform((3,))
        check_double_backward(lambda v: nodes.scale(v, 3.0), x, gy, ggx)

    def test_params(self) -> None:
        x, gy, ggx, ggw = _uniform((3,)), _uniform((3,)), _uniform((3,)), _uniform((3,))
        w = Variable(_uniform((3,)), name="W")
        check_double_backward(
            lambda v: nodes.mul(nodes.sin(v), w), x, gy, ggx, params=w, params_grad_grad=ggw
        )

    def test_integer_input_and_per_checked_input_grad_grad(self) -> None:
        x, gy, ggx = _uniform((5,)), _uniform((3,)), _uniform((5,))
        indices = numpy.array([0, 3, 3])

        def f(v: Variable, i: Variable) -> Variable:
            return nodes.apply(nodes.Take(), nodes.sin(v), i)

        # x_grad_grad may list only the checked inputs, or all with None for the others.
        check_double_backward(f, (x, indices), gy, ggx)
        check_double_backward(f, (x, indices), gy, (ggx, None))

    def test_scalar_output_without_y_grad(self) -> None:
        x, ggx = _uniform((2, 3)), _uniform((2, 3))
        check_double_backward(lambda v: nodes.apply(nodes.Sum(), nodes.sin(v)), x, None, ggx)


@testing.fix_random()
class TestFailing:
    def test_wrong_double_backward_passes_first_order_but_not_second(self) -> None:
        x, gy, ggx = _uniform((3,), 0.5), _uniform((3,), 0.5), _uniform((3,), 0.5)

        def square(v: Variable) -> Variable:
            return nodes.apply(nodes.SquareWrongDoubleBackward(), v)

        check_backward(square, x, gy)
        with pytest.raises(AssertionError) as info:
            check_double_backward(square, x, gy, ggx)
        message = str(info.value)
        assert message.startswith("check_backward failed for check_double_backward.")
        breakdown = [line for line in message.splitlines() if line.startswith("  x_data[")]
        # Inputs of the first-order gradient function: x, then gy.
        assert breakdown[0].startswith("  x_data[0]: ")
        assert breakdown[0].endswith("<-- mismatch")  # d(gx)/dx is wrong
        assert breakdown[1].startswith("  x_data[1]: ")
        assert not breakdown[1].endswith("mismatch")  # d(gx)/dgy is right

    def test_backward_that_is_not_differentiable(self) -> None:
        x, gy, ggx = _uniform((5,)), _uniform((3,)), _uniform((5,))
        indices = numpy.array([0, 3, 3])

        def f(v: Variable, i: Variable) -> Variable:
            return nodes.apply(nodes.Take(differentiable=False), nodes.sin(v), i)

        check_backward(f, (x, indices), gy)
        with pytest.raises(AssertionError) as info:
            check_double_backward(f, (x, indices), gy, ggx)
        mismatches = [line for line in str(info.value).splitlines() if "mismatch" in line]
        # The gradient with respect to gy (input 2 of the first-order function) is missing.
        assert [line.split(":")[0] for line in mismatches] == ["  x_data[2]"]

    def test_first_order_gradient_itself_is_not_checked(self) -> None:
        # WrongSquare's backward, 3 * x * gy, is wrong but differentiated consistently:
        # check_double_backward checks only the second order (as in Chainer), so it takes
        # check_backward to catch it.
        x, gy, ggx = _uniform((3,), 0.5), _uniform((3,), 0.5), _uniform((3,), 0.5)
        wrong = nodes.WrongSquare
        check_double_backward(lambda v: nodes.apply(wrong(), v), x, gy, ggx)
        with pytest.raises(AssertionError, match="check_backward failed"):
            check_backward(lambda v: nodes.apply(wrong(), v), x, gy)


class TestBadInput:
    def test_grad_grad_for_an_unchecked_input(self) -> None:
        with pytest.raises(
            ValueError, match=r"x_grad_grad\[1\] must be None: the gradient of x_data\[1\]"
        ):
            check_double_backward(
                lambda v, i: nodes.apply(nodes.Take(), v, i),
                (_uniform((3,)), numpy.array([0])),
                _uniform((1,)),
                (_uniform((3,)), _uniform((1,))),
            )

    def test_grad_grad_count(self) -> None:
        with pytest.raises(
            ValueError, match=r"x_grad_grad has 3 entries; give one per input \(2\)"
        ):
            check_double_backward(
                nodes.mul,
                (_uniform((3,)), _uniform((3,))),
                _uniform((3,)),
                (_uniform((3,)),) * 3,
            )

    def test_params_grad_grad_count(self) -> None:
        w = Variable(_uniform((3,)))
        with pytest.raises(
            ValueError, match="params_grad_grad has 0 entries but there are 1 params"
        ):
            check_double_backward(
                lambda v: nodes.mul(v, w), _uniform((3,)), _uniform((3,)), _uniform((3,)), params=w
            )

    def test_y_grad_count(self) -> None:
        with pytest.raises(ValueError, match=r"y_grad has 2 entries but func returned 1 output"):
            check_double_backward(
                nodes.sin, _uniform((3,)), (_uniform((3,)), _uniform((3,))), _uniform((3,))
            )


@testing.fix_random()
def test_variable_operators_pass_both_checks() -> None:
    # The same checks on kusari's own differentiable operators (kusari.functions).
    x, y = _uniform((2, 3), 0.2), _uniform((2, 3), 0.2)
    gz, ggx, ggy = _uniform((2, 3)), _uniform((2, 3)), _uniform((2, 3))

    def f(a: Variable, b: Variable) -> Variable:
        return a * b + a**3 / (b + 2.0)

    check_backward(f, (x, y), gz)
    check_double_backward(f, (x, y), gz, (ggx, ggy))
