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
from kusari.links import Chain, Link, Parameter
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


def test_linear_input_of_the_wrong_size_says_what_to_do() -> None:
    layer = L.Linear(3, 4)
    w_before = as_array(layer.W).copy()
    with pytest.raises(InvalidType) as info:  # InvalidType: Chainer code catching it works
        layer(numpy.zeros((2, 5), numpy.float32))
    assert str(info.value) == (
        "Invalid operation is performed in: LinearFunction (Forward)\n"
        "\n"
        "Expect: x.shape[1] == W.shape[1]\n"
        "Actual: 5 != 3\n"
        "\n"
        "Linear(in_size=3, out_size=4) got an input of shape (2, 5): 5 features per example, "
        "but it was built for 3. Build it as Linear(5, 4), or as Linear(None, 4) to take the "
        "size from the first input."
    )
    assert (info.value.expect, info.value.actual) == ("x.shape[1] == W.shape[1]", "5 != 3")
    numpy.testing.assert_array_equal(layer.W.array, w_before)


def test_linear_counts_the_features_of_all_axes_after_the_batch_axes() -> None:
    layer = L.Linear(3, 4, nobias=True)
    with pytest.raises(InvalidType) as info:
        layer(numpy.zeros((2, 5, 2), numpy.float32))
    assert str(info.value).endswith(
        "Linear(in_size=3, out_size=4, nobias=True) got an input of shape (2, 5, 2): 10 "
        "features per example, but it was built for 3. Build it as Linear(10, 4, "
        "nobias=True), or as Linear(None, 4, nobias=True) to take the size from the first "
        "input."
    )
    # Two batch axes: 2 features per example, and the suggested layer takes the input.
    with pytest.raises(InvalidType, match=r"\(2, 5, 2\): 2 features per example"):
        layer(numpy.zeros((2, 5, 2), numpy.float32), n_batch_axes=2)
    assert L.Linear(2, 4)(numpy.ones((2, 5, 2), numpy.float32), n_batch_axes=2).shape == (2, 5, 4)


def test_linear_with_the_right_size_but_wrong_dtype_gets_no_size_hint() -> None:
    with pytest.raises(InvalidType) as info:
        L.Linear(3, 4)(numpy.zeros((2, 3), numpy.float64))
    assert str(info.value) == (
        "Invalid operation is performed in: LinearFunction (Forward)\n"
        "\n"
        "Expect: W.dtype == x.dtype\n"
        "Actual: float32 != float64"
    )


# -- a convolution applied to an input with the wrong number of channels -------------------------


def test_convolution_input_with_the_wrong_channel_count_says_what_to_do() -> None:
    conv = L.Convolution2D(3, 8, 3)
    w_before = as_array(conv.W).copy()
    x = Variable(numpy.zeros((2, 5, 7, 7), numpy.float32))
    with pytest.raises(InvalidType) as info:
        conv(x)
    assert str(info.value) == (
        "Invalid operation is performed in: Convolution2DFunction (Forward)\n"
        "\n"
        "Expect: x.shape[1] == W.shape[1] * 1\n"
        "Actual: 5 != 3\n"
        "\n"
        "Convolution2D(in_channels=3, out_channels=8, ksize=(3, 3)) got an input of shape "
        "(2, 5, 7, 7): 5 channels, but it was built for 3. Build it with in_channels=5, or "
        "with in_channels=None to take the count from the first input."
    )
    numpy.testing.assert_array_equal(conv.W.array, w_before)
    assert x.creator is None
    # The suggestions work.
    assert L.Convolution2D(5, 8, 3)(x).shape == (2, 8, 5, 5)
    assert L.Convolution2D(None, 8, 3)(x).shape == (2, 8, 5, 5)


@pytest.mark.parametrize(
    ("link", "shape", "hint"),
    [
        (
            L.Deconvolution2D(3, 8, 3),
            (2, 5, 7, 7),
            "Deconvolution2D(in_channels=3, out_channels=8, ksize=(3, 3)) got an input of "
            "shape (2, 5, 7, 7): 5 channels, but it was built for 3. Build it with "
            "in_channels=5, or with in_channels=None to take the count from the first input.",
        ),
        (
            L.ConvolutionND(1, 3, 8, 3),
            (2, 5, 7),
            "ConvolutionND(in_channels=3, out_channels=8, ksize=(3,)) got an input of shape "
            "(2, 5, 7): 5 channels, but it was built for 3. Build it with in_channels=5, or "
            "with in_channels=None to take the count from the first input.",
        ),
        (
            L.Convolution2D(4, 8, 3, groups=2),
            (2, 6, 7, 7),
            "Convolution2D(in_channels=4, out_channels=8, ksize=(3, 3), groups=2) got an input "
            "of shape (2, 6, 7, 7): 6 channels, but it was built for 4. Build it with "
            "in_channels=6, or with in_channels=None to take the count from the first input.",
        ),
        (
            L.Convolution2D(4, 8, 3, groups=2),
            (2, 5, 7, 7),
            "Convolution2D(in_channels=4, out_channels=8, ksize=(3, 3), groups=2) got an input "
            "of shape (2, 5, 7, 7): 5 channels, but it was built for 4. 5 is not divisible by "
            "groups=2, so no Convolution2D with groups=2 takes this input: change groups or "
            "the input.",
        ),
    ],
    ids=["deconvolution", "convolution-1d", "groups", "groups-indivisible"],
)
def test_other_convolutions_name_the_channel_counts(
    link: Link, shape: tuple[int, ...], hint: str
) -> None:
    with pytest.raises(InvalidType) as info:
        link(numpy.zeros(shape, numpy.float32))
    assert str(info.value).endswith("\n\n" + hint)


def test_convolution_input_of_the_wrong_rank_gets_no_channel_hint() -> None:
    # (2, 5, 7) lacks a spatial axis: its axis 1 is not a channel count worth discussing.
    with pytest.raises(InvalidType) as info:
        L.Convolution2D(3, 8, 3)(numpy.zeros((2, 5, 7), numpy.float32))
    assert str(info.value) == (
        "Invalid operation is performed in: Convolution2DFunction (Forward)\n"
        "\n"
        "Expect: x.ndim == 4\n"
        "Actual: 3 != 4"
    )


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


def bias(layer: L.Linear) -> Parameter:
    assert layer.b is not None
    return layer.b


NEVER_CLEARED = (
    "the gradient of parameter '/W' is the NaN it starts with plus what backward() added: "
    "its gradients were never cleared. Call model.cleargrads() before loss.backward(), or "
    "let the optimizer do both: optimizer.update(lossfun, *args)."
)


def test_update_after_backward_without_cleargrads_says_to_call_cleargrads() -> None:
    layer = L.Linear(3, 4)
    w_before = as_array(layer.W).copy()
    b_before = as_array(bias(layer)).copy()
    optimizer = SGD(lr=0.1).setup(layer)
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    with pytest.raises(RuntimeError) as info:
        optimizer.update()
    assert str(info.value) == NEVER_CLEARED
    # Nothing changed: no parameter, and the update was not counted.
    numpy.testing.assert_array_equal(layer.W.array, w_before)
    numpy.testing.assert_array_equal(as_array(bias(layer)), b_before)
    assert optimizer.t == 0
    # The fix it names works: the real gradient (2 for every weight) is applied.
    layer.cleargrads()
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    optimizer.update()
    numpy.testing.assert_allclose(as_array(layer.W), w_before - 0.1 * 2.0, rtol=1e-6)
    assert optimizer.t == 1


def test_a_forgotten_cleargrads_is_named_by_its_path_in_the_model() -> None:
    class Model(Chain):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.fc = L.Linear(None, 2)

    model = Model()
    optimizer = SGD().setup(model)
    F.sum(model.fc(numpy.ones((1, 3), numpy.float32))).backward()  # W created lazily, NaN
    with pytest.raises(RuntimeError, match=r"^the gradient of parameter '/fc/W' is the NaN"):
        optimizer.update()


def test_gradients_accumulated_over_two_backwards_after_cleargrads_are_applied() -> None:
    # Accumulating over several backward passes after one cleargrads() is legitimate
    # (gradient accumulation); only the NaN a parameter starts with is refused.
    layer = L.Linear(3, 4)
    optimizer = SGD(lr=0.1).setup(layer)
    layer.cleargrads()
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    F.sum(layer(numpy.ones((2, 3), numpy.float32))).backward()
    w_before = as_array(layer.W).copy()
    optimizer.update()
    numpy.testing.assert_allclose(as_array(layer.W), w_before - 0.1 * 4.0, rtol=1e-6)


def test_chainer_ways_of_clearing_and_setting_gradients_all_update() -> None:
    x = numpy.ones((2, 3), numpy.float32)

    def fresh() -> tuple[L.Linear, SGD, numpy.typing.NDArray[numpy.float32]]:
        layer = L.Linear(3, 4)
        return layer, SGD(lr=0.5).setup(layer), as_array(layer.W).copy()

    # zerograds() (deprecated) then backward.
    layer, optimizer, w = fresh()
    with pytest.warns(DeprecationWarning, match="zerograd"):
        layer.zerograds()
    F.sum(layer(x)).backward()
    optimizer.update()
    numpy.testing.assert_allclose(as_array(layer.W), w - 0.5 * 2.0, rtol=1e-6)

    # Gradients assigned by hand, with no backward at all.
    layer, optimizer, w = fresh()
    layer.W.grad = numpy.full((4, 3), 1.0, numpy.float32)
    bias(layer).grad = numpy.zeros(4, numpy.float32)
    optimizer.update()
    numpy.testing.assert_allclose(as_array(layer.W), w - 0.5, rtol=1e-6)

    # addgrads() from a copy that computed the gradients (data-parallel style).
    layer, optimizer, w = fresh()
    worker = layer.copy()  # shares the arrays, gradients start cleared
    F.sum(worker(x)).backward()
    layer.cleargrads()
    layer.addgrads(worker)
    optimizer.update()
    numpy.testing.assert_allclose(as_array(layer.W), w - 0.5 * 2.0, rtol=1e-6)

    # update(lossfun) clears by itself, even after a backward without cleargrads.
    layer, optimizer, w = fresh()
    F.sum(layer(x)).backward()
    optimizer.update(lambda: F.sum(layer(x)))
    numpy.testing.assert_allclose(as_array(layer.W), w - 0.5 * 2.0, rtol=1e-6)


def test_addgrads_onto_gradients_never_cleared_is_still_refused() -> None:
    x = numpy.ones((2, 3), numpy.float32)
    layer = L.Linear(3, 4)
    optimizer = SGD().setup(layer)
    worker = layer.copy()
    F.sum(worker(x)).backward()
    layer.addgrads(worker)  # NaN + the worker's gradient
    with pytest.raises(RuntimeError) as info:
        optimizer.update()
    assert str(info.value) == NEVER_CLEARED


class _FrozenAndTrained(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.frozen = L.Linear(3, 3)
            self.trained = L.Linear(3, 1)


def test_a_frozen_link_with_gradients_never_cleared_does_not_stop_the_update() -> None:
    # update() leaves a disabled parameter alone, so its NaN gradient harms nothing.
    model = _FrozenAndTrained()
    optimizer = SGD(lr=0.5).setup(model)
    model.frozen.disable_update()
    frozen_before = as_array(model.frozen.W).copy()
    F.sum(model.trained(model.frozen(numpy.ones((2, 3), numpy.float32)))).backward()
    model.trained.W.grad = numpy.ones((1, 3), numpy.float32)  # assigning clears the flag
    bias(model.trained).grad = numpy.ones(1, numpy.float32)
    trained_before = as_array(model.trained.W).copy()
    optimizer.update()
    numpy.testing.assert_array_equal(as_array(model.frozen.W), frozen_before)
    numpy.testing.assert_allclose(as_array(model.trained.W), trained_before - 0.5, rtol=1e-6)


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


FORGOT_SUPER = (
    "_ForgotSuper.__init__() did not call super().__init__(); call it first in __init__, "
    "before registering parameters or links"
)

# The message comes from kusari.links._link_init_error.init_not_called, raised by Link's
# __call__, params and namedparams when Link.__init__ never ran.


def test_calling_a_link_whose_init_skipped_super_init_says_to_call_it() -> None:
    with pytest.raises(RuntimeError) as info:
        _ForgotSuper()(numpy.ones(3, numpy.float32))
    assert str(info.value) == FORGOT_SUPER


def test_params_of_a_link_whose_init_skipped_super_init_says_to_call_it() -> None:
    link = _ForgotSuper()
    for walk in (link.params, link.namedparams, link.cleargrads):
        with pytest.raises(RuntimeError) as info:
            list(walk() or ())
        assert str(info.value) == FORGOT_SUPER


def test_the_message_for_a_skipped_super_init() -> None:
    # What the two tests above expect, as the helper builds it.
    from kusari.links._link_init_error import init_not_called

    error = init_not_called(_ForgotSuper())
    assert type(error) is RuntimeError
    assert str(error) == FORGOT_SUPER
