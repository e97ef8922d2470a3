from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import (
    FunctionNode,
    Variable,
    force_backprop_mode,
    no_backprop_mode,
    type_check,
    using_config,
)
from kusari.graph.type_check import InputSpec, InvalidType

from ._numeric import present


class Square(FunctionNode):
    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        self.retain_inputs((0,))
        return (inputs[0] * inputs[0],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        (x,) = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        return (2 * x * gy,)


class SplitSum(FunctionNode):
    """Two outputs: (a + b, a - b)."""

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        a, b = inputs
        return (a + b, a - b)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        g_sum, g_diff = grad_outputs
        ga = gb = None
        if g_sum is not None:
            ga, gb = g_sum, g_sum
        if g_diff is not None:
            ga = g_diff if ga is None else ga + g_diff
            gb = -g_diff if gb is None else gb - g_diff
        return ga, gb


def test_apply_links_the_graph() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    f = Square()
    (y,) = f.apply((x,))
    assert y.creator_node is f
    assert f.inputs == (x.node,)
    assert f.outputs[0]() is y.node
    assert f.rank == 0
    assert y.rank == 1
    (z,) = Square().apply([y])
    assert z.rank == 2
    numpy.testing.assert_array_equal(z.array, [1.0, 16.0])


def test_outputs_require_grad_if_any_input_does() -> None:
    a = Variable(numpy.ones(2), requires_grad=False)
    b = Variable(numpy.ones(2))
    (s, _) = SplitSum().apply((a, a))
    assert not s.requires_grad
    (s, _) = SplitSum().apply((a, b))
    assert s.requires_grad
    (s, _) = SplitSum().apply((numpy.ones(2), numpy.ones(2)))
    assert not s.requires_grad


def test_raw_arrays_become_constant_nodes() -> None:
    c = numpy.array(3.0)
    x = Variable(numpy.array(2.0))
    f = F.mul  # Mul retains both inputs, including the constant
    y = f(x, c)
    func = y.creator_node
    assert func is not None
    assert len(func.inputs) == 2
    const = func.inputs[1]
    assert not const.requires_grad
    assert const.data is c
    assert const.get_variable_or_none() is None
    y.backward()
    numpy.testing.assert_array_equal(x.grad, 3.0)


def test_no_backprop_mode_builds_no_graph_but_keeps_requires_grad() -> None:
    x = Variable(numpy.ones(2))
    with no_backprop_mode():
        y = x * 2
        assert y.creator is None
        assert y.requires_grad
        with force_backprop_mode():
            z = x * 2
    assert z.creator is not None
    f = Square()
    with no_backprop_mode():
        f.apply((x,))
    assert f.inputs == ()
    assert f.outputs == ()
    assert f.rank == 0


def test_apply_rejects_bad_inputs() -> None:
    with pytest.raises(TypeError, match=r"Square: inputs must be Variables or arrays, got list"):
        Square().apply(([1.0],))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="Square: input Variable 'w' is uninitialized"):
        Square().apply((Variable(name="w"),))


def test_forward_must_return_a_tuple() -> None:
    class Bad(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return inputs[0]  # type: ignore[return-value]

    with pytest.raises(TypeError, match=r"Bad.forward must return a tuple of arrays, got numpy"):
        Bad().apply((numpy.ones(1),))

    class BadItem(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return ([1.0],)  # type: ignore[return-value]

    with pytest.raises(TypeError, match="got a list among them"):
        BadItem().apply((numpy.ones(1),))


def test_numpy_scalar_outputs_are_wrapped() -> None:
    class Total(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0].sum(),)

    (y,) = Total().apply((numpy.ones(3, numpy.float32),))
    assert isinstance(y.array, numpy.ndarray)
    assert y.array.shape == ()
    assert y.dtype == numpy.float32


def test_forward_dispatches_to_forward_cpu() -> None:
    class Cpu(FunctionNode):
        def forward_cpu(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] + 1,)

    (y,) = Cpu().apply((numpy.zeros(1),))
    numpy.testing.assert_array_equal(y.array, [1.0])

    class Nothing(FunctionNode):
        pass

    with pytest.raises(NotImplementedError, match="Nothing implements neither forward"):
        Nothing().apply((numpy.zeros(1),))


def test_calling_a_function_node_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"use Square\(\)\.apply"):
        Square()(numpy.zeros(1))


def test_retained_inputs_and_outputs() -> None:
    class Keep(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            self.retain_inputs((1,))
            self.retain_outputs((0,))
            return (inputs[0] + inputs[1], inputs[0] - inputs[1])

    a = Variable(numpy.array([1.0]))
    b = Variable(numpy.array([2.0]))
    f = Keep()
    y0, _y1 = f.apply((a, b))
    assert f.get_retained_inputs() == (b,)
    assert f.get_retained_outputs() == (y0,)
    assert f.retained_input_array(1) is b.array
    assert f.output_data[0] is y0.array
    assert f.output_data[1] is None
    with pytest.raises(ValueError, match="input #0 was not retained"):
        f.retained_input_array(0)


def test_get_retained_outputs_rebuilds_a_collected_output() -> None:
    x = Variable(numpy.array([0.5]))
    y = F.tanh(x)
    f = y.creator_node
    assert f is not None
    y_array = y.array
    del y
    gc.collect()
    assert f.outputs[0]() is None
    (rebuilt,) = f.get_retained_outputs()
    assert rebuilt.array is y_array
    assert rebuilt.creator_node is f
    assert f.outputs[0]() is rebuilt.node
    rebuilt.grad = numpy.ones(1)
    rebuilt.backward()
    numpy.testing.assert_allclose(present(x.grad), 1 - numpy.tanh(0.5) ** 2)


def test_get_retained_inputs_rebuilds_from_retained_data() -> None:
    x_array = numpy.array([3.0])
    f = Square()
    (_y,) = f.apply((Variable(x_array),))
    gc.collect()
    (x,) = f.get_retained_inputs()
    assert x.array is x_array
    assert Square().get_retained_inputs() == ()
    assert Square().get_retained_outputs() == ()


def test_backward_may_return_one_gradient_per_input_or_per_target() -> None:
    class PerInput(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 2 + inputs[1],)

        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            gy = grad_outputs[0]
            assert gy is not None
            return (gy * 2, gy)  # always one per input

    a = Variable(numpy.ones(()))
    b = Variable(numpy.ones(()), requires_grad=False)
    (y,) = PerInput().apply((a, b))
    y.backward()
    numpy.testing.assert_array_equal(a.grad, 2.0)
    assert b.grad is None

    class Wrong(PerInput):
        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            return (None, None, None)

    (y,) = Wrong().apply((a, b))
    with pytest.raises(ValueError, match="returned 3 gradients; expected one per input"):
        y.backward()


def test_default_backward_gives_no_gradient() -> None:
    class Opaque(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] + 0,)

    x = Variable(numpy.ones(()))
    (y,) = Opaque().apply((x,))
    y.backward()
    assert x.grad is None


def test_backward_accumulate_is_used() -> None:
    calls: list[tuple[Any, ...]] = []

    class Acc(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 3,)

        def backward_accumulate(
            self,
            indexes: tuple[int, ...],
            grad_outputs: tuple[Variable | None, ...],
            grad_inputs: tuple[Variable | None, ...],
        ) -> tuple[Variable | None, ...]:
            copies = [None if g is None else present(g.array).copy() for g in grad_inputs]
            calls.append(tuple(copies))
            gy = grad_outputs[0]
            assert gy is not None
            g = gy * 3
            return (g if grad_inputs[0] is None else g + grad_inputs[0],)

    x = Variable(numpy.ones(()), grad=numpy.array(10.0))
    (y,) = Acc().apply((x,))
    y.backward()
    numpy.testing.assert_array_equal(x.grad, 13.0)
    assert len(calls) == 1
    assert calls[0][0] is not None
    numpy.testing.assert_array_equal(calls[0][0], 10.0)


def test_unchain_label_and_repr() -> None:
    x = Variable(numpy.ones(1))
    y = F.tanh(x)
    f = y.creator_node
    assert f is not None
    assert f.label == "Tanh"
    assert repr(f) == "<Tanh rank=0>"
    f.unchain()
    assert y.creator is None
    assert f.inputs == ()


# -- type checking -------------------------------------------------------------------------


class Linearish(FunctionNode):
    def check_type_forward(self, in_types: type_check.TypeInfoTuple) -> None:
        type_check.expect(in_types.size() == 2)
        x_type, w_type = in_types
        type_check.argname(in_types, ("x", "W"))
        type_check.expect(
            x_type.dtype.kind == "f",
            x_type.ndim == 2,
            x_type.shape[1] == w_type.shape[1],
        )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        return (inputs[0] @ inputs[1].T,)


def test_check_type_forward_passes_in_light_mode() -> None:
    (y,) = Linearish().apply((numpy.ones((2, 3)), numpy.ones((4, 3))))
    assert y.shape == (2, 4)


def test_check_type_forward_failure_message() -> None:
    with pytest.raises(InvalidType) as info:
        Linearish().apply((numpy.ones((2, 3)), numpy.ones((4, 5))))
    assert str(info.value) == (
        "Invalid operation is performed in: Linearish (Forward)\n\n"
        "Expect: x.shape[1] == W.shape[1]\nActual: 3 != 5"
    )
    assert info.value.expect == "x.shape[1] == W.shape[1]"
    assert info.value.actual == "3 != 5"
    with pytest.raises(InvalidType, match=r"Expect: in_types.size\(\) == 2\nActual: 1 != 2"):
        Linearish().apply((numpy.ones((2, 3)),))
    with pytest.raises(InvalidType, match=r"Expect: x.dtype.kind == 'f'\nActual: i != f"):
        Linearish().apply((numpy.ones((2, 3), numpy.int32), numpy.ones((4, 3))))


def test_type_check_can_be_turned_off() -> None:
    with using_config("type_check", False), pytest.raises(ValueError, match="matmul"):
        Linearish().apply((numpy.ones((2, 3)), numpy.ones((4, 5))))


def test_input_spec_failure_messages() -> None:
    class Spec(FunctionNode):
        input_spec = InputSpec("x", "y", kinds="f", same_dtype=True, broadcast=True)

        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] + inputs[1],)

    a = numpy.ones((2, 3), numpy.float32)
    with pytest.raises(InvalidType, match=r"Expect: in_types.size\(\) == 2\nActual: 1 != 2"):
        Spec().apply((a,))
    with pytest.raises(InvalidType, match=r"Expect: x.dtype.kind == 'f'\nActual: i != f"):
        Spec().apply((numpy.ones(3, numpy.int32), numpy.ones(3, numpy.int32)))
    with pytest.raises(
        InvalidType, match=r"Expect: x.dtype == y.dtype\nActual: float32 != float64"
    ):
        Spec().apply((a, numpy.ones(3)))
    with pytest.raises(InvalidType) as info:
        Spec().apply((a, numpy.ones(4, numpy.float32)))
    assert str(info.value).endswith(
        "cannot broadcast inputs of the following shapes:\nx.shape = (2, 3)\ny.shape = (4,)"
    )
    (y,) = Spec().apply((a, numpy.ones(3, numpy.float32)))
    assert y.shape == (2, 3)


def test_input_spec_arity_only() -> None:
    class One(FunctionNode):
        input_spec = InputSpec("x")

        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0],)

    with pytest.raises(InvalidType, match=r"in_types.size\(\) == 1\nActual: 2 != 1"):
        One().apply((numpy.ones(1), numpy.ones(1)))


# -- debug mode ----------------------------------------------------------------------------


def test_debug_mode_records_stack_and_detects_nan() -> None:
    x = Variable(numpy.array([1.0]))
    with using_config("debug", True):
        y = F.tanh(x)
        f = y.creator_node
        assert f is not None
        assert f.stack is not None
        assert any("test_debug_mode_records_stack" in frame.name for frame in f.stack)
        with (
            numpy.errstate(invalid="ignore"),
            pytest.raises(RuntimeError, match="NaN is detected on forward computation of Log"),
        ):
            F.log(Variable(numpy.array([-1.0])))
    assert F.tanh(x).creator_node.stack is None  # type: ignore[union-attr]


def test_debug_mode_checks_backward_results_and_appends_the_forward_stack() -> None:
    class BadGrad(FunctionNode):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 1,)

        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            return (Variable(numpy.ones(5)),)

    x = Variable(numpy.ones(2))
    with using_config("debug", True):
        (y,) = BadGrad().apply((x,))
        y.grad = numpy.ones(2)
        with pytest.raises(
            ValueError, match=r"BadGrad.backward returned a gradient of shape \(5,\)"
        ) as info:
            y.backward()
    assert any("applied at" in note for note in info.value.__notes__)

    class NanGrad(BadGrad):
        def backward(
            self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
        ) -> tuple[Variable | None, ...]:
            return (Variable(numpy.full(2, numpy.nan)),)

    with using_config("debug", True):
        (y,) = NanGrad().apply((x,))
        y.grad = numpy.ones(2)
        with pytest.raises(
            RuntimeError, match="NaN is detected on backward computation of NanGrad"
        ):
            y.backward()


def test_function_node_is_weakly_referenceable_and_hashable() -> None:
    f = Square()
    assert weakref.ref(f)() is f
    assert {f: 1}[f] == 1
