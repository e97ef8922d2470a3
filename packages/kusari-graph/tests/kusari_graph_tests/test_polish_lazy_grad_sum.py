"""``config.lazy_grad_sum``: one ``F.add`` per node in double backprop, no effect otherwise."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.devices import Array
from kusari.functions.math.add import Add, MultiAdd
from kusari.graph import FunctionNode, Variable, _backprop_engine, grad, using_config
from kusari.graph._backprop_grads import LazyGradTable

Arr = npt.NDArray[Any]

N_BRANCHES = 50


def _arr(v: Variable | None) -> Arr:
    assert v is not None
    array = v.array
    assert isinstance(array, numpy.ndarray)
    return array


def _wide(x: Variable) -> Variable:
    """sum_i (x * x * c_i): x receives 2 * N_BRANCHES gradient contributions."""
    s = x * x * numpy.float32(0.5)
    for i in range(1, N_BRANCHES):
        s = s + x * x * numpy.float32(0.5 + i / 64)
    return F.sum(s)


def _x() -> Variable:
    return Variable(numpy.linspace(-1.0, 1.0, 8, dtype=numpy.float32))


def _first_order(lazy: bool, double: bool) -> Variable:
    x = _x()
    with using_config("lazy_grad_sum", lazy):
        _wide(x).backward(enable_double_backprop=double)
    assert x.grad_var is not None
    return x.grad_var


@pytest.mark.parametrize("double", [False, True])
def test_gradients_are_bit_identical_to_the_eager_sum(double: bool) -> None:
    eager = _arr(_first_order(False, double))
    lazy = _arr(_first_order(True, double))
    numpy.testing.assert_array_equal(lazy, eager)
    # d/dx sum_i c_i x^2 = 2 x sum_i c_i
    c = sum(0.5 + i / 64 for i in range(N_BRANCHES))
    numpy.testing.assert_allclose(lazy, 2 * c * _arr(_x()), rtol=1e-5)


def test_double_backprop_sums_each_node_with_one_multi_add() -> None:
    eager = _first_order(False, True)
    lazy = _first_order(True, True)
    assert isinstance(eager.creator, Add)  # a chain of 2 * N_BRANCHES - 1 binary additions
    creator = lazy.creator
    assert isinstance(creator, MultiAdd)
    assert len(creator.inputs) == 2 * N_BRANCHES


def test_gradient_of_the_gradient_matches_the_eager_graph() -> None:
    results = []
    for lazy in (False, True):
        x = _x()
        with using_config("lazy_grad_sum", lazy):
            (gx,) = grad([_wide(x)], [x], enable_double_backprop=True)
            assert gx is not None
            F.sum(gx * gx).backward()
        results.append(numpy.asarray(x.grad))
    c = sum(0.5 + i / 64 for i in range(N_BRANCHES))
    # sum((2 c x)^2) differentiates to 8 c^2 x.
    numpy.testing.assert_allclose(results[1], 8 * c * c * _arr(_x()), rtol=1e-5)
    numpy.testing.assert_allclose(results[1], results[0], rtol=1e-6)


def test_array_mode_does_not_collect(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[LazyGradTable] = []

    class Spy(LazyGradTable):
        def __init__(self, initial: Any = None) -> None:
            super().__init__(initial)
            made.append(self)

    monkeypatch.setattr(_backprop_engine, "LazyGradTable", Spy)
    _first_order(True, False)
    assert made == []
    _first_order(True, True)
    assert len(made) == 1
    assert len(made[0]) == 0  # every gradient was taken out, summed


def test_existing_leaf_gradient_comes_first_and_stays_out_of_place() -> None:
    x = _x()
    start = numpy.full(8, 100.0, numpy.float32)
    x.grad = start
    eager_x = _x()
    eager_x.grad = start.copy()
    _wide(eager_x).backward(enable_double_backprop=True)
    with using_config("lazy_grad_sum", True):
        _wide(x).backward(enable_double_backprop=True)
    numpy.testing.assert_array_equal(_arr(x.grad_var), _arr(eager_x.grad_var))
    numpy.testing.assert_array_equal(start, 100.0)  # the old gradient was not written to


def test_grad_with_grad_inputs_retain_grad_and_set_grad() -> None:
    for lazy in (False, True):
        x = _x()
        with using_config("lazy_grad_sum", lazy):
            h = x * x
            y = F.sum(h * 2 + h * 3)
            (gx,) = grad(
                [y],
                [x],
                grad_inputs=[numpy.ones(8, numpy.float32)],
                retain_grad=True,
                set_grad=True,
                enable_double_backprop=True,
            )
        # h receives 2 + 3 = 5 per element; x gets 2 x * 5 + 1.
        numpy.testing.assert_allclose(_arr(gx), 10 * _arr(x) + 1, rtol=1e-6)
        numpy.testing.assert_allclose(_arr(h.grad_var), 5.0)
        assert x.grad_var is gx


def test_backward_accumulate_receives_the_summed_gradient() -> None:
    seen: list[tuple[Arr, str]] = []

    class Triple(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 3,)

        def backward_accumulate(
            self,
            target_input_indexes: tuple[int, ...],
            grad_outputs: tuple[Variable | None, ...],
            grad_inputs: tuple[Variable | None, ...],
        ) -> tuple[Variable | None, ...]:
            g_in = grad_inputs[0]
            assert g_in is not None
            seen.append((_arr(g_in).copy(), type(g_in.creator).__name__))
            gy = grad_outputs[0]
            assert gy is not None
            return (gy * 3 + g_in,)

    grads = []
    for lazy in (False, True):
        x = Variable(numpy.array(2.0))
        with using_config("lazy_grad_sum", lazy):
            h = x * 1.0
            (t,) = Triple().apply((h,))
            # The three products (rank 2, like Triple) run before Triple (FIFO on ties).
            y = t * 1.0 + h * 5 + h * 6 + h * 4
            y.backward(enable_double_backprop=True)
        grads.append(_arr(x.grad_var))
    # Eager: a chain of Adds has summed 5 + 6 + 4; lazy: one MultiAdd, when Triple runs.
    assert [(float(g), creator) for g, creator in seen] == [(15.0, "Add"), (15.0, "MultiAdd")]
    numpy.testing.assert_array_equal(grads[0], 18.0)
    numpy.testing.assert_array_equal(grads[1], 18.0)
