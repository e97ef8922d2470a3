"""The ready-made link hooks of kusari.links.hooks.

Reference numbers marked "Chainer 7.8.1" were produced by running chainer.link_hooks of
Chainer 7.8.1 (NumPy 1.26) on the same weights, vectors and inputs.
"""

from __future__ import annotations

import io
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.links import (
    Chain,
    Convolution2D,
    Deconvolution2D,
    EmbedID,
    Linear,
    Link,
    Parameter,
    get_link_hooks,
)
from kusari.links.hooks import SpectralNormalization, TimerHook, WeightStandardization
from kusari.serializers import load_npz, save_npz

from ._util import arr

Arr = npt.NDArray[Any]

W0 = numpy.array([[1.0, 2.0, -1.0], [0.5, -3.0, 2.0]], numpy.float32)
X0 = numpy.array([[1.0, 0.5, -2.0]], numpy.float32)
U0 = numpy.array([0.6, -0.8], numpy.float32)
GY0 = numpy.array([[1.0, -2.0]], numpy.float32)
W_CONV = (numpy.arange(2 * 3 * 2 * 2, dtype=numpy.float32).reshape(2, 3, 2, 2) ** 1.5) / 10


def u_of(link: Link, name: str = "W_u") -> Arr:
    value: Arr = getattr(link, name)
    return value


def bias(layer: Linear) -> Parameter:
    assert layer.b is not None
    return layer.b


def sn_linear(**kwargs: Any) -> tuple[Linear, SpectralNormalization]:
    layer = Linear(3, 2, initialW=W0)
    hook = SpectralNormalization(**kwargs)
    layer.add_hook(hook)
    u_of(layer)[...] = U0
    return layer, hook


# -- SpectralNormalization: values -------------------------------------------------------------


def test_spectral_normalization_matches_chainer_in_training() -> None:
    layer, hook = sn_linear()
    layer.cleargrads()
    y = layer(X0)
    # Chainer 7.8.1
    numpy.testing.assert_allclose(
        arr(y.array), [[0.9442072510719299, -1.1802589893341064]], rtol=1e-6
    )
    numpy.testing.assert_allclose(
        u_of(layer), [0.5365136861801147, -0.8438913226127625], rtol=1e-6
    )
    numpy.testing.assert_allclose(
        arr(hook.v), [0.04735136404633522, 0.8523245453834534, -0.5208649635314941], rtol=1e-5
    )
    y.grad = GY0
    y.backward()
    numpy.testing.assert_allclose(
        arr(layer.W.grad),
        [
            [0.2162339836359024, -0.238694965839386, -0.2541075646877289],
            [-0.4409318268299103, 0.32504040002822876, 0.6013176441192627],
        ],
        rtol=1e-5,
    )
    numpy.testing.assert_array_equal(arr(bias(layer).grad), [1.0, -2.0])


def test_spectral_normalization_keeps_u_in_test_mode() -> None:
    layer, _ = sn_linear()
    layer(X0)
    u_after_training = u_of(layer).copy()
    with using_config("train", False):
        y = layer(X0)
        y_again = layer(X0)
    # Chainer 7.8.1: one more power iteration step is run, but u is not stored.
    numpy.testing.assert_allclose(
        arr(y.array), [[0.9439886808395386, -1.1799858808517456]], rtol=1e-6
    )
    numpy.testing.assert_array_equal(u_of(layer), u_after_training)
    numpy.testing.assert_array_equal(y_again.array, y.array)


def test_spectral_normalization_gamma_and_factor_match_chainer() -> None:
    layer, hook = sn_linear(use_gamma=True, factor=2.0, n_power_iteration=3)
    gamma = getattr(layer, "gamma")  # noqa: B009 (added by the hook)
    assert isinstance(gamma, Parameter)
    assert gamma.shape == ()
    # Chainer 7.8.1: gamma starts at the largest singular value of W.
    numpy.testing.assert_allclose(arr(gamma.array), 4.237346, rtol=1e-6)
    assert sorted(name for name, _ in layer.namedparams()) == ["/W", "/b", "/gamma"]
    u_of(layer)[...] = U0
    y = layer(X0)
    numpy.testing.assert_allclose(
        arr(y.array), [[8.000003814697266, -10.000004768371582]], rtol=1e-6
    )
    numpy.testing.assert_allclose(
        u_of(layer), [0.5314542651176453, -0.8470866680145264], rtol=1e-6
    )
    layer.delete_hook(hook.name)
    assert not hasattr(layer, "gamma")
    assert sorted(name for name, _ in layer.namedparams()) == ["/W", "/b"]


def test_spectral_normalization_of_a_deconvolution_uses_axis_1() -> None:
    layer = Deconvolution2D(2, 3, 2, initialW=W_CONV, nobias=True)
    hook = SpectralNormalization(n_power_iteration=2)
    layer.add_hook(hook)
    assert hook.axis == 1
    assert u_of(layer).shape == (3,)
    u_of(layer)[...] = [0.3, -0.5, 0.8]
    x = numpy.linspace(-1, 1, 8, dtype=numpy.float32).reshape(1, 2, 2, 2)
    y = layer(x)
    # Chainer 7.8.1
    numpy.testing.assert_allclose(
        arr(y.array)[0, :, 0].ravel(),
        [
            0.021595148369669914, 0.08549897372722626, 0.07045256346464157,
            0.004155989270657301, 0.07471968978643417, 0.08019845187664032,
            -0.03581899777054787, 0.032429780811071396, 0.07984810322523117,
        ],
        rtol=1e-5,
        atol=1e-7,
    )  # fmt: skip
    numpy.testing.assert_allclose(
        u_of(layer), [0.35913410782814026, 0.5442380905151367, 0.7581737637519836], rtol=1e-6
    )


def test_spectral_normalization_axis_0_for_convolution_and_embed_id() -> None:
    conv = Convolution2D(3, 4, 2)
    conv_hook = SpectralNormalization()
    conv.add_hook(conv_hook)
    embed = EmbedID(5, 3)
    embed_hook = SpectralNormalization()
    embed.add_hook(embed_hook)
    assert (conv_hook.axis, u_of(conv).shape) == (0, (4,))
    assert (embed_hook.axis, u_of(embed).shape) == (0, (5,))
    y = embed(numpy.array([0, 4], numpy.int32))
    sigma = numpy.linalg.svd(arr(embed.W.array), compute_uv=False)[0]
    # After one step the estimate is at most the true sigma, so the rows grow.
    assert numpy.all(numpy.abs(arr(y.array)) >= numpy.abs(arr(embed.W.array)[[0, 4]]) / sigma)


def test_converged_spectral_normalization_has_unit_spectral_norm() -> None:
    rng = numpy.random.default_rng(0)
    layer = Linear(6, 4, initialW=rng.standard_normal((4, 6)), nobias=True)
    layer.add_hook(SpectralNormalization(n_power_iteration=200))
    with using_config("train", False):
        effective = layer(numpy.eye(6, dtype=numpy.float32)).array
    singular = numpy.linalg.svd(arr(effective).T, compute_uv=False)
    numpy.testing.assert_allclose(singular[0], 1.0, rtol=1e-5)


def test_spectral_normalization_gradient_is_numerically_correct() -> None:
    # With converged singular vectors, d sigma / d W = u v^T, which the hook computes on
    # the graph; test mode keeps u fixed between the calls of the numerical gradient.
    rng = numpy.random.default_rng(1)
    layer = Linear(4, 3, initialW=rng.standard_normal((3, 4)))
    layer.W.array = arr(layer.W.array).astype(numpy.float64)
    bias(layer).array = numpy.zeros(3)
    layer.add_hook(SpectralNormalization(n_power_iteration=300, eps=0.0))
    x = rng.standard_normal((2, 4))
    gy = rng.standard_normal((2, 3))
    with using_config("train", False):
        gc.check_backward(layer, (x,), gy, params=(layer.W, bias(layer)), atol=1e-5, rtol=1e-4)


# -- SpectralNormalization: life cycle ---------------------------------------------------------


class Probe(Link):
    """A link whose forward records what ``self.W`` is during the call."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[type] = []
        with self.init_scope():
            self.W = Parameter(numpy.eye(2, dtype=numpy.float32))

    def forward(self, x: Any, fail: bool = False) -> Any:
        self.seen.append(type(self.W))
        if fail:
            raise RuntimeError("forward failed")
        return x @ self.W.T


@pytest.mark.parametrize("hook_type", [SpectralNormalization, WeightStandardization])
def test_weight_is_a_variable_during_forward_and_the_parameter_after(hook_type: type) -> None:
    link = Probe()
    parameter = link.W
    link.add_hook(hook_type())
    link(numpy.ones((1, 2), numpy.float32))
    assert link.seen == [Variable]
    assert link.W is parameter


@pytest.mark.parametrize("hook_type", [SpectralNormalization, WeightStandardization])
def test_a_failed_forward_gets_its_parameter_back(hook_type: type) -> None:
    link = Probe()
    parameter = link.W
    hook = hook_type()
    link.add_hook(hook)
    with pytest.raises(RuntimeError, match="forward failed"):
        link(numpy.ones((1, 2), numpy.float32), fail=True)
    assert link.W is not parameter  # the hook's postprocess never ran
    link(numpy.ones((1, 2), numpy.float32))
    assert link.seen == [Variable, Variable]
    assert link.W is parameter
    with pytest.raises(RuntimeError, match="forward failed"):
        link(numpy.ones((1, 2), numpy.float32), fail=True)
    link.delete_hook(hook.name)
    assert link.W is parameter


def test_lazy_linear_is_initialized_at_the_first_call() -> None:
    layer = Linear(None, 2)
    hook = SpectralNormalization()
    layer.add_hook(hook)
    # A placeholder, so that loading a saved link restores u.
    assert (hook.is_initialized, getattr(layer, "W_u")) == (False, None)  # noqa: B009
    y = layer(numpy.ones((4, 3, 2), numpy.float32))
    assert hook.is_initialized
    assert y.shape == (4, 2)
    assert layer.W.shape == (2, 6)
    assert u_of(layer).shape == (2,)
    assert u_of(layer).dtype == numpy.float32


def test_a_lazy_link_loads_u_and_gamma() -> None:
    source = Linear(3, 2, initialW=W0)
    source.add_hook(SpectralNormalization(use_gamma=True))
    u_of(source)[...] = U0
    arr(getattr(source, "gamma").array)[...] = 2.5  # noqa: B009
    buffer = io.BytesIO()
    save_npz(buffer, source)
    target = Linear(None, 2)
    hook = SpectralNormalization(use_gamma=True)
    target.add_hook(hook)
    load_npz(io.BytesIO(buffer.getvalue()), target)
    numpy.testing.assert_array_equal(u_of(target), U0)
    numpy.testing.assert_array_equal(arr(getattr(target, "gamma").array), 2.5)  # noqa: B009
    numpy.testing.assert_array_equal(target(X0).array, source(X0).array)
    target.delete_hook(hook.name)
    assert not hasattr(target, "W_u")
    assert not hasattr(target, "gamma")


def test_lazy_gamma_is_the_largest_singular_value_of_the_first_weight() -> None:
    layer = Linear(None, 2, initialW=W0)
    layer.add_hook(SpectralNormalization(use_gamma=True))
    layer(X0)
    numpy.testing.assert_allclose(arr(getattr(layer, "gamma").array), 4.237346, rtol=1e-6)  # noqa: B009


def test_lazy_convolution_is_initialized_at_the_first_call() -> None:
    layer = Convolution2D(None, 4, 3)
    layer.add_hook(WeightStandardization())
    y = layer(numpy.ones((1, 2, 5, 5), numpy.float32))
    assert y.shape == (1, 4, 3, 3)
    assert layer.W.shape == (4, 2, 3, 3)


def test_u_is_drawn_from_the_global_random_state() -> None:
    numpy.random.seed(3)  # noqa: NPY002 (the hook draws from the global state, as Chainer)
    expected = numpy.random.normal(size=(2,)).astype(numpy.float32)  # noqa: NPY002
    numpy.random.seed(3)  # noqa: NPY002
    layer = Linear(3, 2, initialW=W0)
    layer.add_hook(SpectralNormalization())
    numpy.testing.assert_array_equal(u_of(layer), expected)


def test_deleting_the_hook_removes_u() -> None:
    layer, _ = sn_linear(weight_name="W")
    assert "W_u" in layer._persistent
    layer.delete_hook("SpectralNormalization")
    assert not hasattr(layer, "W_u")
    assert "W_u" not in layer._persistent
    numpy.testing.assert_array_equal(layer(X0).array, X0 @ W0.T)


def test_u_is_saved_and_loaded_with_the_link() -> None:
    source, _ = sn_linear()
    source(X0)
    buffer = io.BytesIO()
    save_npz(buffer, source)
    with numpy.load(io.BytesIO(buffer.getvalue())) as saved:
        assert sorted(saved.files) == ["W", "W_u", "b"]
    target = Linear(3, 2, initialW=numpy.zeros((2, 3), numpy.float32))
    target.add_hook(SpectralNormalization())
    load_npz(io.BytesIO(buffer.getvalue()), target)
    numpy.testing.assert_array_equal(u_of(target), u_of(source))
    numpy.testing.assert_array_equal(target(X0).array, source(X0).array)


def test_a_copied_link_has_its_own_u() -> None:
    layer, _ = sn_linear()
    copied = layer.copy(mode="copy")
    copied(X0)
    numpy.testing.assert_array_equal(u_of(layer), U0)
    numpy.testing.assert_allclose(u_of(copied), [0.5365136861801147, -0.8438913226127625])


def test_recomputation_reuses_the_vectors_of_the_first_run() -> None:
    layer, _ = sn_linear()
    first = layer(X0)
    with using_config("in_recomputing", True):
        again = layer(X0)
    numpy.testing.assert_array_equal(again.array, first.array)


@pytest.mark.parametrize("hook_type", [SpectralNormalization, WeightStandardization])
def test_weight_hooks_refuse_global_registration(hook_type: type) -> None:
    hook = hook_type()
    with pytest.raises(NotImplementedError, match=r"hook of one link: register it with link"):
        hook.__enter__()
    assert get_link_hooks() == {}


@pytest.mark.parametrize("hook_type", [SpectralNormalization, WeightStandardization])
def test_a_missing_weight_is_refused_and_the_hook_not_registered(hook_type: type) -> None:
    layer = Linear(3, 2)
    with pytest.raises(ValueError, match=r"needs a parameter named 'V', but Linear has none"):
        layer.add_hook(hook_type(weight_name="V"))
    assert layer.local_link_hooks == {}
    assert not hasattr(layer, "V_u")


def test_use_gamma_on_a_link_with_gamma_is_refused() -> None:
    class WithGamma(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.W = Parameter(numpy.eye(2, dtype=numpy.float32))
                self.gamma = Parameter(numpy.ones(2, dtype=numpy.float32))

    link = WithGamma()
    with pytest.raises(ValueError, match="adds a parameter 'gamma', but WithGamma already"):
        link.add_hook(SpectralNormalization(use_gamma=True))
    assert link.local_link_hooks == {}
    assert not hasattr(link, "W_u")


def test_an_empty_output_axis_is_refused() -> None:
    link = Linear(3, 2)
    link.W.array = numpy.zeros((0, 3), numpy.float32)
    with pytest.raises(ValueError, match=r"needs W.shape\[0\] > 0, got shape \(0, 3\)"):
        link.add_hook(SpectralNormalization())
    assert link.local_link_hooks == {}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_power_iteration": 0}, ValueError, "n_power_iteration must be at least 1, got 0"),
        ({"n_power_iteration": 1.5}, TypeError, "n_power_iteration must be an int, got float"),
        ({"eps": -1.0}, ValueError, "eps must be non-negative, got -1.0"),
        ({"factor": 0.0}, ValueError, "factor must be positive or None, got 0.0"),
        ({"weight_name": ""}, TypeError, "weight_name must be a non-empty str"),
    ],
)
def test_spectral_normalization_argument_errors(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        SpectralNormalization(**kwargs)


def test_names_and_attributes() -> None:
    hook = SpectralNormalization(weight_name="V", name="sn")
    assert (hook.name, hook.vector_name, hook.weight_name) == ("sn", "V_u", "V")
    assert SpectralNormalization().name == "SpectralNormalization"
    assert WeightStandardization().name == "WeightStandardization"
    assert WeightStandardization(name="ws").name == "ws"
    with pytest.raises(ValueError, match=r"eps must be non-negative, got -0\.5"):
        WeightStandardization(eps=-0.5)


# -- WeightStandardization ---------------------------------------------------------------------


def test_weight_standardization_matches_chainer() -> None:
    layer = Linear(3, 2, initialW=W0)
    layer.add_hook(WeightStandardization())
    layer.cleargrads()
    y = layer(X0)
    # Chainer 7.8.1
    numpy.testing.assert_allclose(
        arr(y.array), [[3.4743847846984863, -2.4264469146728516]], rtol=1e-6
    )
    y.grad = GY0
    y.backward()
    numpy.testing.assert_allclose(
        arr(layer.W.grad),
        [
            [0.6872425079345703, -0.45815402269363403, -0.22908851504325867],
            [-1.3594944477081299, 0.40784597396850586, 0.9516483545303345],
        ],
        rtol=1e-5,
    )


def test_weight_standardization_of_a_convolution_matches_chainer() -> None:
    layer = Convolution2D(3, 2, 2, initialW=W_CONV, nobias=True)
    layer.add_hook(WeightStandardization())
    x = numpy.linspace(-1, 1, 27, dtype=numpy.float32).reshape(1, 3, 3, 3)
    y = arr(layer(x).array)
    # Chainer 7.8.1
    numpy.testing.assert_allclose(y[0, :, 0, 0], [6.807287693023682, 6.879368305206299], rtol=1e-6)
    reference = W_CONV.reshape(2, -1)
    reference = (reference - reference.mean(1, keepdims=True)) / numpy.sqrt(
        reference.var(1, keepdims=True) + 1e-5
    )
    numpy.testing.assert_allclose(y[0, :, 0, 0], reference @ x[0, :, :2, :2].ravel(), rtol=1e-5)


def test_weight_standardization_gradients_are_numerically_correct() -> None:
    rng = numpy.random.default_rng(2)
    layer = Linear(4, 3, initialW=rng.standard_normal((3, 4)))
    layer.W.array = arr(layer.W.array).astype(numpy.float64)
    bias(layer).array = numpy.zeros(3)
    layer.add_hook(WeightStandardization())
    x = rng.standard_normal((2, 4))
    gy = rng.standard_normal((2, 3))
    params = (layer.W, bias(layer))
    gc.check_backward(layer, (x,), gy, params=params, atol=1e-5, rtol=1e-4)
    gc.check_double_backward(
        layer,
        (x,),
        gy,
        (rng.standard_normal((2, 4)),),
        params=params,
        params_grad_grad=(rng.standard_normal((3, 4)), rng.standard_normal(3)),
        atol=1e-4,
        rtol=1e-3,
    )


# -- TimerHook ---------------------------------------------------------------------------------


class MLP(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = Linear(3, 2)
            self.l2 = Linear(2, 2)

    def forward(self, x: Any) -> Any:
        return self.l2(self.l1(x))


def test_timer_hook_records_every_link_call() -> None:
    model = MLP()
    x = numpy.ones((1, 3), numpy.float32)
    with TimerHook() as timer:
        model(x)
        model(x)
    assert [name for name, _ in timer.call_history] == ["Linear", "Linear", "MLP"] * 2
    assert all(seconds > 0 for _, seconds in timer.call_history)
    outer = [seconds for name, seconds in timer.call_history if name == "MLP"]
    inner = [seconds for name, seconds in timer.call_history if name == "Linear"]
    # A chain's time includes its children's, and the total counts outer calls only.
    assert timer.total_time() == pytest.approx(sum(outer))
    assert outer[0] >= inner[0] + inner[1]
    summary = timer.summary()
    assert list(summary) == ["Linear", "MLP"]
    assert summary["Linear"]["occurrence"] == 4
    assert summary["Linear"]["elapsed_time"] == pytest.approx(sum(inner))
    assert summary["MLP"] == {"elapsed_time": pytest.approx(sum(outer)), "occurrence": 2}
    model(x)
    assert len(timer.call_history) == 6


def test_timer_hook_on_one_link() -> None:
    model = MLP()
    timer = TimerHook()
    model.l1.add_hook(timer)
    model(numpy.ones((1, 3), numpy.float32))
    assert [name for name, _ in timer.call_history] == ["Linear"]
    assert timer.total_time() == timer.call_history[0][1]


def test_timer_hook_recovers_from_a_failed_forward() -> None:
    link = Probe()
    with TimerHook() as timer, pytest.raises(RuntimeError, match="forward failed"):
        link(numpy.ones((1, 2), numpy.float32), fail=True)
    with timer:
        link(numpy.ones((1, 2), numpy.float32))
    assert [name for name, _ in timer.call_history] == ["Probe"]
    assert timer.total_time() == timer.call_history[0][1]


def report(timer: TimerHook, **kwargs: Any) -> str:
    out = io.StringIO()
    timer.print_report(file=out, **kwargs)
    return out.getvalue()


def test_timer_hook_report_table() -> None:
    timer = TimerHook()
    timer.call_history = [
        ("Linear", 0.000179),
        ("Linear", 0.000054),
        ("MLP", 0.000251),
        ("Linear", 0.00009),
    ]
    assert report(timer) == (
        "LinkName  ElapsedTime  Occurrence\n"
        "  Linear     323.00us           3\n"
        "     MLP     251.00us           1\n"
    )
    assert report(timer, unit="ms") == (
        "LinkName  ElapsedTime  Occurrence\n"
        "  Linear       0.32ms           3\n"
        "     MLP       0.25ms           1\n"
    )
    timer.call_history = [("ConvolutionND", 12.5)]
    assert report(timer) == (
        "     LinkName  ElapsedTime  Occurrence\nConvolutionND     12.50sec           1\n"
    )
    assert report(timer, unit="ns").splitlines()[1].split() == [
        "ConvolutionND",
        "12500000000.00ns",
        "1",
    ]


def test_timer_hook_report_of_nothing_and_bad_unit() -> None:
    timer = TimerHook()
    assert report(timer) == "LinkName  ElapsedTime  Occurrence\n"
    assert timer.total_time() == 0.0
    assert timer.summary() == {}
    with pytest.raises(
        ValueError, match=r"unit must be 'auto', 'sec', 'ms', 'us' or 'ns', got 'h'"
    ):
        timer.print_report(unit="h")


def test_timer_hook_prints_to_stdout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    timer = TimerHook()
    timer.call_history = [("Linear", 0.5)]
    timer.print_report()
    assert capsys.readouterr().out.splitlines()[1].split() == ["Linear", "500.00ms", "1"]
