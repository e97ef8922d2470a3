"""The mistakes everyone makes in their first hour, and what kusari tells them.

Each error must name the problem and say what to do.  Where kusari's message does not
(yet), a strict ``xfail`` test states the message it should give; it starts passing,
and so fails as XPASS, when the message is improved, and the marker must then go.
"""

from __future__ import annotations

import numpy
import pytest

import kusari.functions as F
import kusari.links as L
from kusari.graph import Variable, as_array
from kusari.graph.type_check import InvalidType
from kusari.links import Chain, Link
from kusari.optimizers import SGD

# -- a Linear layer applied to an input of the wrong size ----------------------------------------


def test_linear_input_of_the_wrong_size_names_both_sizes() -> None:
    layer = L.Linear(3, 4)
    w_before = as_array(layer.W).copy()
    x = Variable(numpy.zeros((2, 5), numpy.float32))
    with pytest.raises(InvalidType) as info:
        layer(x)
    message = str(info.value)
    assert "Invalid operation is performed in: LinearFunction (Forward)" in message
    assert "Expect: x.shape[1] == W.shape[1]" in message
    assert "Actual: 5 != 3" in message
    # Nothing changed: the weight, and no graph was recorded on the input.
    numpy.testing.assert_array_equal(layer.W.array, w_before)
    assert x.creator is None


@pytest.mark.xfail(
    strict=True,
    reason="kusari.links.Linear.forward: the InvalidType of F.linear does not say which "
    "layer, its in_size, or that Linear(None, out_size) infers the size (proposed text in "
    "the test)",
)
def test_linear_input_of_the_wrong_size_says_what_to_do() -> None:
    # Proposed message (InvalidType, so Chainer code catching it keeps working):
    #   Invalid operation is performed in: LinearFunction (Forward)
    #
    #   Expect: x.shape[1] == W.shape[1]
    #   Actual: 5 != 3
    #
    #   Linear(in_size=3, out_size=4) got an input of shape (2, 5): 5 features per
    #   example, but it was built for 3.  Build it as Linear(5, 4), or as Linear(None, 4)
    #   to take the size from the first input.
    with pytest.raises(InvalidType) as info:
        L.Linear(3, 4)(numpy.zeros((2, 5), numpy.float32))
    message = str(info.value)
    assert "in_size=3" in message
    assert "Linear(None, 4)" in message


def test_linear_with_in_size_none_takes_the_size_from_the_first_input() -> None:
    # What the error should point to: the lazy form works for any input size.
    layer = L.Linear(None, 4)
    y = layer(numpy.ones((2, 5), numpy.float32))
    assert y.shape == (2, 4)
    assert layer.W.shape == (4, 5)


# -- float labels for softmax_cross_entropy -------------------------------------------------------


def test_softmax_cross_entropy_with_float_labels_says_labels_must_be_integers() -> None:
    x = numpy.zeros((2, 3), numpy.float32)
    t = numpy.array([0.0, 2.0], numpy.float32)
    with pytest.raises(InvalidType) as info:
        F.softmax_cross_entropy(x, t)
    message = str(info.value)
    assert "SoftmaxCrossEntropy (Forward)" in message
    assert "Expect: t.dtype.kind in 'iu'" in message
    assert "t must be an integer array of labels" in message
    assert "or a floating point array of x's shape for soft targets" in message
    assert "Actual: t.dtype = float32" in message
    # And the fix it points to works.
    loss = F.softmax_cross_entropy(x, t.astype(numpy.int32))
    assert float(loss.item()) == pytest.approx(numpy.log(3.0))


# -- reading .grad after forgetting cleargrads ----------------------------------------------------


def test_grad_of_a_lazy_parameter_before_cleargrads_says_to_call_cleargrad() -> None:
    layer = L.Linear(None, 4)
    with pytest.raises(RuntimeError) as info:
        _ = layer.W.grad
    assert str(info.value) == (
        "Cannot retrieve Variable.grad. Either it must be set manually or "
        "Variable.cleargrad() must be called beforehand."
    )
    layer.cleargrads()
    assert layer.W.grad is None


def test_backward_without_cleargrads_gives_nan_gradients() -> None:
    # Chainer's signal, kept: a new parameter's gradient is NaN until cleared, so a
    # forgotten cleargrads() shows up as NaN instead of silently accumulating.
    layer = L.Linear(3, 4)
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    grad = layer.W.grad
    assert grad is not None
    assert numpy.isnan(grad).all()
    # With cleargrads() first, the gradient is the real one: d sum(x W^T) / dW = 2.
    layer.cleargrads()
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    numpy.testing.assert_array_equal(layer.W.grad, numpy.full((4, 3), 2.0, numpy.float32))


def test_optimizer_update_with_a_lossfun_clears_the_gradients_itself() -> None:
    layer = L.Linear(3, 4)
    optimizer = SGD(lr=0.1).setup(layer)
    x = numpy.ones((2, 3), numpy.float32)
    optimizer.update(lambda: F.sum(layer(x)))
    assert numpy.isfinite(as_array(layer.W)).all()


@pytest.mark.xfail(
    strict=True,
    reason="kusari.optimizers.GradientMethod.update: NaN gradients left by a forgotten "
    "cleargrads() silently turn every weight into NaN (proposed RuntimeError in the test)",
)
def test_update_after_backward_without_cleargrads_says_to_call_cleargrads() -> None:
    # Proposed: GradientMethod.update() without a loss function checks a per-parameter
    # flag set while the gradient still holds the NaN it was created with (cheap: no
    # scan of the array) and raises, leaving every parameter as it was:
    #   RuntimeError: the gradient of parameter '/W' is the NaN it starts with plus what
    #   backward() added: its gradients were never cleared.  Call model.cleargrads()
    #   before loss.backward(), or let the optimizer do both: optimizer.update(lossfun,
    #   *args).
    layer = L.Linear(3, 4)
    w_before = as_array(layer.W).copy()
    optimizer = SGD(lr=0.1).setup(layer)
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    with pytest.raises(RuntimeError, match=r"cleargrads\(\)"):
        optimizer.update()
    numpy.testing.assert_array_equal(layer.W.array, w_before)


# -- a Link used before super().__init__() -----------------------------------------------------


def test_init_scope_before_super_init_says_to_call_it_first() -> None:
    class Model(Chain):
        def __init__(self) -> None:
            with self.init_scope():
                self.fc = L.Linear(3, 2)
            super().__init__()

    with pytest.raises(RuntimeError) as info:
        Model()
    assert str(info.value) == (
        "Model.init_scope() was used before Link.__init__() ran; "
        "call super().__init__() first in __init__"
    )


class _ForgotSuper(Link):
    def __init__(self) -> None:  # no super().__init__()
        self.scale = 2.0

    def forward(self, x: numpy.typing.NDArray[numpy.float32]) -> object:
        return x * self.scale


@pytest.mark.xfail(
    strict=True,
    raises=AttributeError,
    reason="kusari.links.Link.__call__ raises AttributeError: '_ForgotSuper' object has no "
    "attribute '_local_link_hooks' (Chainer 7 says 'Link.__init__() has not been called.'); "
    "proposed RuntimeError in the test",
)
def test_calling_a_link_whose_init_skipped_super_init_says_to_call_it() -> None:
    # Proposed (found with a try/except AttributeError around the first attribute that
    # Link.__init__ sets, so the normal call path costs nothing more):
    #   RuntimeError: _ForgotSuper.__init__() did not call super().__init__(); call it
    #   first in __init__, before registering parameters or links
    with pytest.raises(RuntimeError, match=r"did not call super\(\).__init__\(\)"):
        _ForgotSuper()(numpy.ones(3, numpy.float32))


@pytest.mark.xfail(
    strict=True,
    raises=AttributeError,
    reason="kusari.links.Link.params (and namedparams, links, ...) raise AttributeError: "
    "'_params' when super().__init__() was skipped; proposed RuntimeError as for __call__",
)
def test_params_of_a_link_whose_init_skipped_super_init_says_to_call_it() -> None:
    with pytest.raises(RuntimeError, match=r"did not call super\(\).__init__\(\)"):
        list(_ForgotSuper().params())
