from __future__ import annotations

import copy
import pickle
import re
from typing import Any

import numpy
import pytest

from kusari import initializers as I
from kusari.graph import Variable, using_config
from kusari.links import Parameter

from ._util import arr

GRAD_MESSAGE = re.escape(
    "Cannot retrieve Variable.grad. Either it must be set manually or Variable.cleargrad() "
    "must be called beforehand."
)


class AddOne:
    """A minimal update rule (the UpdateRuleLike protocol)."""

    def __init__(self) -> None:
        self.enabled = True
        self.calls = 0

    def update(self, param: Parameter) -> None:
        self.calls += 1
        if self.enabled:
            arr(param.array)[...] += 1


# ----------------------------------------------------------------------------- construction


def test_is_a_variable() -> None:
    p = Parameter(numpy.zeros(2))
    assert isinstance(p, Variable)
    assert p.requires_grad


def test_none_initializer_with_shape_is_nan() -> None:
    p = Parameter(shape=(2, 3), name="W")
    assert p.name == "W"
    assert p.shape == (2, 3)
    assert p.array is not None
    assert p.array.dtype == numpy.float32
    assert numpy.isnan(p.array).all()
    assert isinstance(p.initializer, I.NaN)


def test_scalar_initializer_is_float32_constant() -> None:
    p = Parameter(3, (2,))
    numpy.testing.assert_array_equal(p.array, [3.0, 3.0])
    assert p.dtype == numpy.float32
    assert isinstance(p.initializer, I.Constant)
    assert p.initializer.fill_value == 3


def test_scalar_initializer_follows_config_dtype() -> None:
    with using_config("dtype", numpy.dtype(numpy.float64)):
        p = Parameter(0.5, 2)
    assert p.dtype == numpy.float64
    assert p.shape == (2,)


def test_grad_of_parameter_with_shape_is_nan() -> None:
    p = Parameter(I.Zero(), (2, 2))
    assert p.grad is not None
    assert p.grad.shape == (2, 2)
    assert p.grad.dtype == numpy.float32
    assert numpy.isnan(p.grad).all()


def test_array_initializer_without_shape_is_the_data() -> None:
    a = numpy.arange(3.0)
    p = Parameter(a)
    assert p.array is a
    assert p.grad is None
    assert p.initializer is a
    assert p.is_initialized


def test_array_initializer_with_shape_is_broadcast_into_new_array() -> None:
    a = numpy.arange(3.0)
    p = Parameter(a, (2, 3))
    assert p.array is not a
    numpy.testing.assert_array_equal(p.array, [[0, 1, 2], [0, 1, 2]])
    assert p.dtype == numpy.float32  # generate_array's default dtype
    assert isinstance(p.initializer, I.Constant)


def test_callable_initializer() -> None:
    def fill(array: Any) -> None:
        array[...] = 7

    p = Parameter(fill, (2,))
    numpy.testing.assert_array_equal(p.array, [7, 7])
    assert p.initializer is fill


def test_random_initializer_draws_from_global_numpy(seeded_numpy: None) -> None:
    p = Parameter(I.Normal(0.5), (3, 2))
    numpy.random.seed(0)  # noqa: NPY002
    expected = numpy.random.normal(0.0, 0.5, (3, 2)).astype(numpy.float32)  # noqa: NPY002
    numpy.testing.assert_array_equal(p.array, expected)


@pytest.fixture
def seeded_numpy() -> Any:
    state = numpy.random.get_state()  # noqa: NPY002
    numpy.random.seed(0)  # noqa: NPY002
    yield
    numpy.random.set_state(state)  # noqa: NPY002


@pytest.mark.parametrize("bad", ["zeros", [1.0, 2.0], object()])
def test_bad_initializer(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"Parameter initializer must be None, a scalar, .* got"):
        Parameter(bad)


def test_integer_parameter_starts_without_grad() -> None:
    p = Parameter(I.Constant(1, dtype=numpy.int32), (3,))
    assert p.dtype == numpy.int32
    assert p.grad is None


# ----------------------------------------------------------------------------- lazy initialization


def test_uninitialized_parameter_state() -> None:
    p = Parameter(I.Normal(), name="W")
    assert p.array is None
    assert p.data is None
    assert not p.is_initialized
    with pytest.raises(RuntimeError, match=GRAD_MESSAGE):
        _ = p.grad
    with pytest.raises(RuntimeError, match=r"Cannot retrieve Variable\.grad_var"):
        _ = p.grad_var


def test_initialize_gives_nan_grad_without_cleargrad() -> None:
    p = Parameter(I.One())
    p.initialize((2, 3))
    numpy.testing.assert_array_equal(p.array, numpy.ones((2, 3), numpy.float32))
    assert p.grad is not None
    assert numpy.isnan(p.grad).all()
    assert p.grad.dtype == arr(p.array).dtype


def test_cleargrad_before_initialize_gives_none_grad() -> None:
    p = Parameter(I.One())
    p.cleargrad()
    assert p.grad is None
    p.initialize(4)
    assert p.shape == (4,)
    assert p.grad is None


def test_zerograd_before_initialize_gives_zero_grad() -> None:
    p = Parameter(I.One(numpy.float64))
    with pytest.warns(DeprecationWarning, match="zerograd is deprecated"):
        p.zerograd()
    p.initialize((2,))
    assert p.grad is not None
    numpy.testing.assert_array_equal(p.grad, [0.0, 0.0])
    assert p.grad.dtype == numpy.float64


def test_zerograd_on_initialized_parameter() -> None:
    p = Parameter(1.0, (2,))
    with pytest.warns(DeprecationWarning, match="zerograd is deprecated"):
        p.zerograd()
    numpy.testing.assert_array_equal(p.grad, [0.0, 0.0])


def test_grad_dtype_follows_initializer_dtype() -> None:
    p = Parameter(I.Zero(numpy.float16))
    p.initialize((2,))
    assert p.dtype == numpy.float16
    assert p.grad is not None
    assert p.grad.dtype == numpy.float16


def test_dtype_of_uninitialized_parameter() -> None:
    assert Parameter(I.Normal(dtype=numpy.float16)).dtype == numpy.float16
    with pytest.raises(RuntimeError, match=r"dtype of the uninitialized Parameter 'b' is not"):
        _ = Parameter(I.Normal(), name="b").dtype
    with pytest.raises(RuntimeError, match="not determined yet"):
        _ = Parameter().dtype


def test_initialize_again_redraws() -> None:
    p = Parameter(I.Normal(1.0), (50,))
    before = arr(p.array).copy()
    p.initialize((50,))
    assert not numpy.array_equal(arr(p.array), before)


def test_initialize_array_initialized_parameter_copies_the_array() -> None:
    a = numpy.arange(3.0)
    p = Parameter(a)
    p.initialize((2, 3))
    numpy.testing.assert_array_equal(p.array, [[0, 1, 2], [0, 1, 2]])


def test_copydata_initializes_uninitialized_parameter() -> None:
    p = Parameter(I.Zero())
    p.copydata(Variable(numpy.arange(3, dtype=numpy.float32)))
    numpy.testing.assert_array_equal(p.array, [0, 1, 2])


def test_addgrad_initializes_then_adds_to_nan_grad() -> None:
    source = Variable(numpy.zeros(2, numpy.float32), grad=numpy.ones(2, numpy.float32))
    p = Parameter(I.Zero())
    p.cleargrad()
    p.addgrad(source)
    numpy.testing.assert_array_equal(p.array, [0, 0])
    numpy.testing.assert_array_equal(p.grad, [1, 1])
    # Without cleargrad the NaN gradient poisons the sum (Chainer's behaviour).
    q = Parameter(I.Zero())
    q.addgrad(source)
    assert numpy.isnan(arr(q.grad)).all()


# ----------------------------------------------------------------------------- update


def test_update_calls_update_rule() -> None:
    p = Parameter(numpy.zeros(2))
    p.update()  # no rule: nothing happens
    numpy.testing.assert_array_equal(p.array, [0, 0])
    rule = AddOne()
    p.update_rule = rule
    p.update()
    numpy.testing.assert_array_equal(p.array, [1, 1])
    assert rule.calls == 1


# ----------------------------------------------------------------------------- devices


def test_to_device_keeps_arrays_on_cpu() -> None:
    p = Parameter(1.0, (2,))
    array = p.array
    p.to_device("@numpy")
    assert p.array is array
    assert p.device.name == "@numpy"


def test_to_device_on_uninitialized_breaks_sharing() -> None:
    p = Parameter(I.One())
    shared = copy.copy(p)
    p.to_device(-1)
    assert p.device.name == "@numpy"
    p.initialize((2,))
    assert shared.array is None
    assert p.array is not None


def test_invalid_device() -> None:
    p = Parameter(I.One())
    with pytest.raises(ValueError, match="invalid device specifier"):
        p.to_device("@nowhere")


# ----------------------------------------------------------------------------- copies and pickling


def test_shallow_copy_shares_data_list() -> None:
    p = Parameter(I.One())
    q = copy.copy(p)
    assert q is not p
    q.initialize((3,))
    assert p.array is q.array
    p.array = numpy.zeros(3, numpy.float32)
    assert q.array is p.array


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda p: pickle.loads(pickle.dumps(p))])
def test_deepcopy_and_pickle_keep_everything(clone: Any) -> None:
    p = Parameter(I.HeNormal(scale=2.0), (3, 4), name="W")
    p.grad = numpy.full((3, 4), 0.5, numpy.float32)
    p.update_rule = AddOne()
    q = clone(p)
    assert type(q) is Parameter
    assert q.name == "W"
    numpy.testing.assert_array_equal(q.array, p.array)
    assert q.array is not p.array
    numpy.testing.assert_array_equal(q.grad, p.grad)
    assert isinstance(q.initializer, I.HeNormal)
    assert q.initializer.scale == 2.0
    assert isinstance(q.update_rule, AddOne)
    assert q.update_rule is not p.update_rule
    assert q.device == p.device


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda p: pickle.loads(pickle.dumps(p))])
def test_deepcopy_and_pickle_of_uninitialized(clone: Any) -> None:
    p = Parameter(I.One(numpy.float64), name="u")
    q = clone(p)
    assert q.array is None
    with pytest.raises(RuntimeError, match=GRAD_MESSAGE):
        _ = q.grad
    q.initialize((2,))
    assert q.dtype == numpy.float64
    assert numpy.isnan(arr(q.grad)).all()
    r = Parameter(I.One())
    r.cleargrad()
    s = clone(r)
    s.initialize((1,))
    assert s.grad is None


def test_repr_of_parameter() -> None:
    assert repr(Parameter(numpy.zeros(2, numpy.float32), name="W")) == "variable W([0., 0.])"
    assert "None" in repr(Parameter(name="u"))
