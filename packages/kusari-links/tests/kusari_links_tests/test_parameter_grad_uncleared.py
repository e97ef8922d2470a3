"""``Parameter.grad_uncleared``: whether the gradient is still the NaN it started with.

The flag lets ``GradientMethod.update()`` refuse the NaN gradient of a forgotten
``cleargrads()`` without scanning any array.  It must follow the gradient through every way
of setting it: backward accumulates onto it (flag kept); clearing, zero-filling and
assigning replace it (flag reset); copies and pickles keep it.
"""

from __future__ import annotations

import copy
import pickle

import numpy
import pytest

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, grad
from kusari.initializers import One
from kusari.links import Link, Parameter


def grad_of(param: Parameter) -> Array:
    gradient = param.grad
    assert gradient is not None
    return gradient


def nan_param() -> Parameter:
    return Parameter(One(), (2,))


def backward_once(param: Parameter, double: bool = False) -> None:
    F.sum(param * param).backward(enable_double_backprop=double)


def test_a_new_parameter_starts_uncleared_and_backward_keeps_it_so() -> None:
    param = nan_param()
    assert param.grad_uncleared
    backward_once(param)
    assert param.grad_uncleared
    assert numpy.isnan(grad_of(param)).all()
    backward_once(param, double=True)  # the gradient is then held as a Variable
    assert param.grad_uncleared


def test_parameters_without_a_nan_gradient_are_not_uncleared() -> None:
    assert not Parameter(numpy.ones(2, numpy.float32)).grad_uncleared  # an array: no grad
    assert not Parameter(One(dtype=numpy.int32), (2,)).grad_uncleared  # ints: no NaN
    lazy = Parameter(One())
    assert not lazy.grad_uncleared


def test_lazy_initialization_gives_the_nan_gradient_unless_cleared_or_zeroed() -> None:
    lazy = Parameter(One())
    lazy.initialize((3,))
    assert lazy.grad_uncleared
    cleared = Parameter(One())
    cleared.cleargrad()
    cleared.initialize((3,))
    assert not cleared.grad_uncleared
    assert cleared.grad is None
    zeroed = Parameter(One())
    with pytest.warns(DeprecationWarning, match="zerograd"):
        zeroed.zerograd()
    zeroed.initialize((3,))
    assert not zeroed.grad_uncleared
    numpy.testing.assert_array_equal(zeroed.grad, numpy.zeros(3, numpy.float32))


def test_clearing_zeroing_and_assigning_reset_the_flag() -> None:
    param = nan_param()
    param.cleargrad()
    assert not param.grad_uncleared
    backward_once(param)
    assert not param.grad_uncleared
    numpy.testing.assert_array_equal(param.grad, numpy.full(2, 2.0, numpy.float32))

    param = nan_param()
    with pytest.warns(DeprecationWarning, match="zerograd"):
        param.zerograd()
    assert not param.grad_uncleared
    numpy.testing.assert_array_equal(param.grad, numpy.zeros(2, numpy.float32))

    param = nan_param()
    param.grad = numpy.ones(2, numpy.float32)
    assert not param.grad_uncleared
    numpy.testing.assert_array_equal(param.grad, numpy.ones(2, numpy.float32))

    param = nan_param()
    param.grad_var = Variable(numpy.full(2, 3.0, numpy.float32))
    assert not param.grad_uncleared
    numpy.testing.assert_array_equal(param.grad, numpy.full(2, 3.0, numpy.float32))


def test_a_rejected_assignment_leaves_the_flag_as_it_was() -> None:
    param = nan_param()
    with pytest.raises(ValueError, match=r"the gradient has shape \(3,\)"):
        param.grad = numpy.ones(3, numpy.float32)
    assert param.grad_uncleared


def test_grad_with_set_grad_replaces_the_gradient() -> None:
    param = nan_param()
    (gx,) = grad([F.sum(param * param)], [param], set_grad=True)
    assert gx is not None
    assert not param.grad_uncleared
    numpy.testing.assert_array_equal(param.grad, numpy.full(2, 2.0, numpy.float32))


def test_addgrad_keeps_the_flag_of_either_side() -> None:
    def cleared_with(value: float) -> Parameter:
        param = nan_param()
        param.grad = numpy.full(2, value, numpy.float32)
        return param

    dst, src = cleared_with(1.0), cleared_with(2.0)
    dst.addgrad(src)
    assert not dst.grad_uncleared
    numpy.testing.assert_array_equal(dst.grad, numpy.full(2, 3.0, numpy.float32))

    dst = nan_param()  # never cleared: NaN + 2 is still the NaN
    dst.addgrad(cleared_with(2.0))
    assert dst.grad_uncleared
    assert numpy.isnan(grad_of(dst)).all()

    dst = cleared_with(1.0)
    dst.addgrad(nan_param())  # adding a never-cleared gradient
    assert dst.grad_uncleared

    lazy = Parameter(One())  # initialized by addgrad, with its NaN gradient
    lazy.addgrad(cleared_with(2.0))
    assert lazy.grad_uncleared
    cleared_lazy = Parameter(One())
    cleared_lazy.cleargrad()
    cleared_lazy.addgrad(cleared_with(2.0))
    assert not cleared_lazy.grad_uncleared
    numpy.testing.assert_array_equal(cleared_lazy.grad, numpy.full(2, 2.0, numpy.float32))

    nothing = nan_param()
    nothing.cleargrad()
    nothing.addgrad(Variable(numpy.zeros(2, numpy.float32)))  # no gradient: no change
    assert not nothing.grad_uncleared
    assert nothing.grad is None


def test_copies_pickles_and_device_moves_keep_the_flag() -> None:
    param = nan_param()
    backward_once(param)
    assert copy.copy(param).grad_uncleared
    assert copy.deepcopy(param).grad_uncleared
    restored = pickle.loads(pickle.dumps(param))
    assert restored.grad_uncleared
    assert numpy.isnan(restored.grad).all()
    param.to_device("@numpy")
    assert param.grad_uncleared
    param.cleargrad()
    assert not pickle.loads(pickle.dumps(param)).grad_uncleared


class _OneParameter(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.W = nan_param()


def test_link_copies() -> None:
    link = _OneParameter()
    assert link.copy("copy").W.grad_uncleared  # a deep copy: the same NaN gradient
    assert not link.copy("share").W.grad_uncleared  # gradients start as None
    assert not link.copy("init").W.grad_uncleared  # re-initialized: gradient None
