"""The NumPy twins of the fused kernels against plain NumPy formulas, and the registry."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.devices import kernels
from kusari.devices.kernels import (
    CudaSource,
    Kernel,
    adagrad_update,
    adam_update,
    get_kernel,
    lstm_backward,
    lstm_forward,
    momentum_sgd_update,
    relu_backward,
    relu_forward,
    rmsprop_update,
    sigmoid_grad,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
    tanh_grad,
)

from . import _fake_cupy

F64 = npt.NDArray[numpy.float64]
DTYPES = [numpy.float16, numpy.float32, numpy.float64]
TOLERANCE: dict[type, tuple[float, float]] = {
    numpy.float16: (1e-2, 1e-2),
    numpy.float32: (1e-5, 1e-6),
    numpy.float64: (1e-12, 1e-12),
}
EXPECTED_KERNELS = [
    "adagrad_update",
    "adam_update",
    "lstm_backward",
    "lstm_forward",
    "momentum_sgd_update",
    "relu_backward",
    "relu_forward",
    "rmsprop_update",
    "sigmoid_grad",
    "softmax_cross_entropy_backward",
    "softmax_cross_entropy_forward",
    "tanh_grad",
]


def random(
    shape: tuple[int, ...], dtype: type, seed: int, low: float = -2, high: float = 2
) -> Any:
    rng = numpy.random.default_rng(seed)
    return rng.uniform(low, high, size=shape).astype(dtype)


def assert_close(actual: Any, expected: Any, dtype: type) -> None:
    assert actual.dtype == dtype
    numpy.testing.assert_allclose(
        actual.astype(numpy.float64), expected, rtol=TOLERANCE[dtype][0], atol=TOLERANCE[dtype][1]
    )


def sigmoid64(x: F64) -> F64:
    result: F64 = 1.0 / (1.0 + numpy.exp(-x))
    return result


# ---------------------------------------------------------------------------- registry


class TestRegistry:
    def test_all_kernels_registered(self) -> None:
        assert [k.name for k in kernels.kernels()] == EXPECTED_KERNELS
        for name in EXPECTED_KERNELS:
            assert get_kernel(name) is getattr(kernels, name)

    def test_entries_follow_the_naming_rule(self) -> None:
        assert adam_update.entries == (
            "kusari_adam_float16",
            "kusari_adam_float32",
            "kusari_adam_float64",
        )
        assert relu_forward.entries[2] == "kusari_relu_forward_float64"

    def test_entries_exist_in_their_sources(self) -> None:
        for kernel in kernels.kernels():
            text = kernel.source.read_text()
            for entry in kernel.entries:
                stem, _, suffix = entry.rpartition("_")
                assert f"void {stem}_##S(" in text, entry
                assert f"ENTRIES({suffix}," in text, entry

    def test_sources(self) -> None:
        names = [source.filename for source in kernels.cuda_sources()]
        assert names == ["activation.cu", "lstm.cu", "optimizer.cu", "softmax_cross_entropy.cu"]
        assert repr(kernels.cuda_sources()[0]) == "CudaSource('activation.cu')"

    def test_kernel_looks_like_its_numpy_twin(self) -> None:
        assert relu_forward.__name__ == "relu_forward"
        assert relu_forward.__doc__ is not None
        assert relu_forward.__doc__.startswith("Return ``max(x, 0)``")
        assert repr(relu_forward) == "<Kernel 'relu_forward' (activation.cu)>"

    def test_unknown_name(self) -> None:
        with pytest.raises(
            KeyError, match=r"no kernel named 'gelu'; registered kernels: adagrad_update, "
        ):
            get_kernel("gelu")

    def test_duplicate_registration(self) -> None:
        with pytest.raises(
            ValueError, match="a kernel named 'relu_forward' is already registered"
        ):
            kernels.register(
                Kernel(
                    "relu_forward",
                    cpu=relu_forward.cpu,
                    cuda=relu_forward.cuda,
                    source=CudaSource("activation.cu"),
                    entries=(),
                )
            )
        assert get_kernel("relu_forward") is relu_forward

    def test_elementwise_grid(self) -> None:
        assert kernels.elementwise_grid(0) == (1,)
        assert kernels.elementwise_grid(1) == (1,)
        assert kernels.elementwise_grid(256) == (1,)
        assert kernels.elementwise_grid(257) == (2,)
        assert kernels.elementwise_grid(10**12) == (65535 * 32,)
        assert kernels.BLOCK_SIZE == 256

    def test_dtype_suffix(self) -> None:
        assert kernels.dtype_suffix("k", numpy.dtype(numpy.float16)) == "float16"
        with pytest.raises(
            TypeError, match="k: unsupported dtype int32; expected float16, float32 or float64"
        ):
            kernels.dtype_suffix("k", numpy.dtype(numpy.int32))


class TestDispatch:
    def test_rejects_non_array(self) -> None:
        with pytest.raises(
            TypeError,
            match=(
                r"kernel 'relu_forward' expects a numpy\.ndarray or "
                r"cupy\.ndarray as its first argument, got builtins\.list"
            ),
        ):
            relu_forward([1.0, 2.0])  # type: ignore[arg-type]

    def test_rejects_no_argument(self) -> None:
        with pytest.raises(TypeError, match=r"got builtins\.NoneType"):
            relu_forward()  # type: ignore[call-arg]

    def test_mixed_devices(self, fake_cupy: types.ModuleType) -> None:
        y = numpy.ones(2)
        with pytest.raises(ValueError, match="the first argument is on the CPU, another on GPU 0"):
            relu_backward(y, _fake_cupy.gpu_array([1.0, 1.0], 0))
        with pytest.raises(ValueError, match="the first argument is on GPU 1, another on the CPU"):
            relu_backward(_fake_cupy.gpu_array([1.0, 1.0], 1), y)
        with pytest.raises(ValueError, match="the first argument is on GPU 0, another on GPU 1"):
            relu_backward(_fake_cupy.gpu_array([1.0], 0), gy=_fake_cupy.gpu_array([1.0], 1))


# ---------------------------------------------------------------------------- activations


@pytest.mark.parametrize("dtype", DTYPES)
class TestActivations:
    def test_relu_forward(self, dtype: type) -> None:
        x = random((4, 5), dtype, 0)
        x[0, 0] = 0
        x[0, 1] = numpy.nan
        y = relu_forward(x)
        expected = numpy.where(x > 0, x, 0).astype(numpy.float64)
        expected[0, 1] = numpy.nan
        assert_close(y, expected, dtype)
        assert y is not x
        assert numpy.isnan(y[0, 1])

    def test_relu_backward(self, dtype: type) -> None:
        y = numpy.maximum(random((3, 7), dtype, 1), 0)
        y[0, :2] = 0
        gy = random((3, 7), dtype, 2)
        gy[0, 0] = numpy.nan  # a NaN gradient is not hidden by the mask
        expected = gy.astype(numpy.float64) * (y > 0)
        gx = relu_backward(y, gy)
        assert gx.dtype == dtype
        rtol, atol = TOLERANCE[dtype]
        numpy.testing.assert_allclose(gx, expected, rtol=rtol, atol=atol, equal_nan=True)
        assert numpy.isnan(gx[0, 0])
        assert gx[0, 1] == 0

    def test_sigmoid_grad(self, dtype: type) -> None:
        y = random((6,), dtype, 3, 0, 1)
        gy = random((6,), dtype, 4)
        y64, gy64 = y.astype(numpy.float64), gy.astype(numpy.float64)
        assert_close(sigmoid_grad(y, gy), gy64 * y64 * (1 - y64), dtype)

    def test_tanh_grad(self, dtype: type) -> None:
        y = random((2, 3, 4), dtype, 5, -1, 1)
        gy = random((2, 3, 4), dtype, 6)
        y64, gy64 = y.astype(numpy.float64), gy.astype(numpy.float64)
        assert_close(tanh_grad(y, gy), gy64 * (1 - y64 * y64), dtype)

    def test_non_contiguous(self, dtype: type) -> None:
        x = random((4, 6), dtype, 7)[:, ::2]
        assert_close(relu_forward(x), numpy.maximum(x, 0).astype(numpy.float64), dtype)


class TestActivationErrors:
    def test_dtype_mismatch(self) -> None:
        with pytest.raises(
            TypeError, match="tanh_grad: gy has dtype float32, expected float64 like y"
        ):
            tanh_grad(numpy.zeros(2), numpy.zeros(2, dtype=numpy.float32))

    def test_shape_mismatch(self) -> None:
        with pytest.raises(
            ValueError, match=r"sigmoid_grad: gy has shape \(3,\), expected \(2,\) like y"
        ):
            sigmoid_grad(numpy.zeros(2), numpy.zeros(3))

    def test_integer_input(self) -> None:
        with pytest.raises(TypeError, match="relu_forward: x: unsupported dtype int64"):
            relu_forward(numpy.arange(3))


# ---------------------------------------------------------------------------- softmax CE


def sce_reference(x: Any, t: Any, ignore_label: int) -> tuple[F64, F64]:
    x64 = x.astype(numpy.float64)
    log_z = numpy.log(numpy.exp(x64).sum(axis=1))
    loss = numpy.zeros(len(x))
    for row, label in enumerate(t):
        if label != ignore_label:
            loss[row] = log_z[row] - x64[row, label]
    return loss, log_z


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ignore_label", [-1, 2])
class TestSoftmaxCrossEntropy:
    def test_forward(self, dtype: type, ignore_label: int) -> None:
        x = random((6, 5), dtype, 10, -3, 3)
        t = numpy.array([0, 4, ignore_label, 1, 3, ignore_label], dtype=numpy.int32)
        loss, log_z = softmax_cross_entropy_forward(x, t, ignore_label)
        expected_loss, expected_log_z = sce_reference(x, t, ignore_label)
        assert_close(loss, expected_loss, dtype)
        compute = numpy.float32 if dtype == numpy.float16 else dtype
        assert log_z.dtype == compute
        numpy.testing.assert_allclose(
            log_z, expected_log_z, rtol=TOLERANCE[compute][0], atol=TOLERANCE[compute][1]
        )
        assert loss[2] == 0
        assert loss[5] == 0

    def test_backward(self, dtype: type, ignore_label: int) -> None:
        x = random((5, 4), dtype, 11, -3, 3)
        t = numpy.array([3, ignore_label, 0, 1, 3], dtype=numpy.int64)
        gloss = random((5,), dtype, 12)
        _, log_z = softmax_cross_entropy_forward(x, t, ignore_label)
        gx = softmax_cross_entropy_backward(x, t, log_z, gloss, ignore_label)
        x64 = x.astype(numpy.float64)
        softmax = numpy.exp(x64) / numpy.exp(x64).sum(axis=1, keepdims=True)
        onehot = numpy.zeros_like(softmax)
        expected = numpy.zeros_like(softmax)
        for row, label in enumerate(t):
            if label != ignore_label:
                onehot[row, label] = 1
                expected[row] = (softmax[row] - onehot[row]) * gloss[row]
        assert_close(gx, expected, dtype)
        assert (gx[1] == 0).all()


def test_softmax_cross_entropy_backward_matches_numerical_gradient() -> None:
    x = random((3, 4), numpy.float64, 13)
    t = numpy.array([1, -1, 3])
    weights = random((3,), numpy.float64, 14)

    def objective(values: F64) -> float:
        return float((sce_reference(values, t, -1)[0] * weights).sum())

    numeric = numpy.zeros_like(x)
    for index in numpy.ndindex(x.shape):
        step = numpy.zeros_like(x)
        step[index] = 1e-6
        numeric[index] = (objective(x + step) - objective(x - step)) / 2e-6
    _, log_z = softmax_cross_entropy_forward(x, t)
    analytic = softmax_cross_entropy_backward(x, t, log_z, weights)
    numpy.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_softmax_cross_entropy_large_logits_do_not_overflow() -> None:
    x = numpy.array([[1000.0, 0.0], [-1000.0, 0.0]], dtype=numpy.float32)
    loss, log_z = softmax_cross_entropy_forward(x, numpy.array([0, 0]))
    numpy.testing.assert_allclose(loss, [0.0, 1000.0])
    numpy.testing.assert_allclose(log_z, [1000.0, 0.0])


class TestSoftmaxCrossEntropyErrors:
    def test_label_out_of_range(self) -> None:
        with pytest.raises(
            ValueError,
            match=r"label 5 at row 1 is out of range for 3 classes \(and is not ignore_label=-1\)",
        ):
            softmax_cross_entropy_forward(numpy.zeros((2, 3)), numpy.array([0, 5]))
        with pytest.raises(ValueError, match="label -2 at row 0 is out of range"):
            softmax_cross_entropy_backward(
                numpy.zeros((1, 3)), numpy.array([-2]), numpy.zeros(1), numpy.ones(1)
            )

    def test_shapes(self) -> None:
        with pytest.raises(ValueError, match=r"x must be 2-D \(rows, classes\), got shape \(3,\)"):
            softmax_cross_entropy_forward(numpy.zeros(3), numpy.array([0]))
        with pytest.raises(
            ValueError, match=r"x must have at least one class, got shape \(2, 0\)"
        ):
            softmax_cross_entropy_forward(numpy.zeros((2, 0)), numpy.array([0, 0]))
        with pytest.raises(ValueError, match=r"t must have shape \(2,\) to match x, got \(3,\)"):
            softmax_cross_entropy_forward(numpy.zeros((2, 3)), numpy.array([0, 0, 0]))

    def test_label_dtype(self) -> None:
        with pytest.raises(TypeError, match="t must hold integer labels, got dtype float64"):
            softmax_cross_entropy_forward(numpy.zeros((1, 3)), numpy.array([0.0]))

    def test_backward_inputs(self) -> None:
        x = numpy.zeros((2, 3), dtype=numpy.float16)
        t = numpy.array([0, 1])
        with pytest.raises(
            ValueError,
            match=(
                r"log_z must be the \(2,\) float32 array the forward pass "
                r"returned, got shape \(2,\) and dtype float16"
            ),
        ):
            softmax_cross_entropy_backward(
                x, t, numpy.zeros(2, dtype=numpy.float16), numpy.zeros(2, dtype=numpy.float16)
            )
        with pytest.raises(
            ValueError,
            match=(
                r"gloss must have shape \(2,\) and dtype float16, "
                r"got shape \(2,\) and dtype float64"
            ),
        ):
            softmax_cross_entropy_backward(
                x, t, numpy.zeros(2, dtype=numpy.float32), numpy.zeros(2)
            )


# ---------------------------------------------------------------------------- LSTM


def lstm_reference(c_prev: F64, x: F64) -> tuple[F64, F64]:
    a = numpy.tanh(x[:, 0::4])
    i = sigmoid64(x[:, 1::4])
    f = sigmoid64(x[:, 2::4])
    o = sigmoid64(x[:, 3::4])
    c = a * i + f * c_prev
    return c, o * numpy.tanh(c)


@pytest.mark.parametrize("dtype", DTYPES)
class TestLstm:
    def test_forward(self, dtype: type) -> None:
        c_prev = random((3, 5), dtype, 20)
        x = random((3, 20), dtype, 21, -3, 3)
        c, h = lstm_forward(c_prev, x)
        expected_c, expected_h = lstm_reference(
            c_prev.astype(numpy.float64), x.astype(numpy.float64)
        )
        assert_close(c, expected_c, dtype)
        assert_close(h, expected_h, dtype)

    def test_backward_against_float64(self, dtype: type) -> None:
        c_prev = random((2, 3), dtype, 22)
        x = random((2, 12), dtype, 23, -3, 3)
        gc = random((2, 3), dtype, 24)
        gh = random((2, 3), dtype, 25)
        c, _ = lstm_forward(c_prev, x)
        gc_prev, gx = lstm_backward(c_prev, x, c, gc, gh)
        expected = lstm_backward(
            *(array.astype(numpy.float64) for array in (c_prev, x, c, gc, gh))
        )
        assert gx.shape == x.shape
        assert_close(gc_prev, expected[0], dtype)
        assert_close(gx, expected[1], dtype)


@pytest.mark.parametrize(("use_gc", "use_gh"), [(True, True), (True, False), (False, True)])
def test_lstm_backward_matches_numerical_gradient(use_gc: bool, use_gh: bool) -> None:
    c_prev = random((2, 3), numpy.float64, 26)
    x = random((2, 12), numpy.float64, 27, -3, 3)
    wc = random((2, 3), numpy.float64, 28) if use_gc else numpy.zeros((2, 3))
    wh = random((2, 3), numpy.float64, 29) if use_gh else numpy.zeros((2, 3))

    def objective(c_prev_: F64, x_: F64) -> float:
        c, h = lstm_reference(c_prev_, x_)
        return float((c * wc).sum() + (h * wh).sum())

    def numeric(which: int) -> F64:
        base = (c_prev, x)[which]
        grad: F64 = numpy.zeros_like(base)
        for index in numpy.ndindex(base.shape):
            step = numpy.zeros_like(base)
            step[index] = 1e-6
            args_plus = [c_prev, x]
            args_minus = [c_prev, x]
            args_plus[which] = base + step
            args_minus[which] = base - step
            grad[index] = (objective(*args_plus) - objective(*args_minus)) / 2e-6
        return grad

    c, _ = lstm_forward(c_prev, x)
    gc_prev, gx = lstm_backward(c_prev, x, c, wc if use_gc else None, wh if use_gh else None)
    numpy.testing.assert_allclose(gc_prev, numeric(0), rtol=1e-6, atol=1e-8)
    numpy.testing.assert_allclose(gx, numeric(1), rtol=1e-6, atol=1e-8)


class TestLstmErrors:
    def test_x_shape(self) -> None:
        with pytest.raises(
            ValueError,
            match=(
                r"x must have shape \(2, 12\) = \(batch, 4 \* units\) for "
                r"c_prev of shape \(2, 3\), got \(2, 11\)"
            ),
        ):
            lstm_forward(numpy.zeros((2, 3)), numpy.zeros((2, 11)))

    def test_c_prev_ndim(self) -> None:
        with pytest.raises(
            ValueError, match=r"c_prev must be 2-D \(batch, units\), got shape \(3,\)"
        ):
            lstm_forward(numpy.zeros(3), numpy.zeros((1, 12)))

    def test_dtype(self) -> None:
        with pytest.raises(
            TypeError, match="lstm_forward: x has dtype float32, expected float64 like c_prev"
        ):
            lstm_forward(numpy.zeros((1, 1)), numpy.zeros((1, 4), dtype=numpy.float32))

    def test_gradient_shape(self) -> None:
        with pytest.raises(
            ValueError, match=r"lstm_backward: gh has shape \(1, 2\), expected \(1, 1\) like c"
        ):
            lstm_backward(
                numpy.zeros((1, 1)),
                numpy.zeros((1, 4)),
                numpy.zeros((1, 1)),
                None,
                numpy.zeros((1, 2)),
            )


# ---------------------------------------------------------------------------- optimizers


def states(dtype: type, seed: int, count: int, shape: tuple[int, ...] = (4, 3)) -> list[Any]:
    return [random(shape, dtype, seed + k, 0.1, 1.0) for k in range(count)]


@pytest.mark.parametrize("dtype", DTYPES)
class TestOptimizers:
    def test_momentum_sgd(self, dtype: type) -> None:
        param, v = states(dtype, 30, 2)
        grad = random((4, 3), dtype, 33)
        p64, v64, g64 = (a.astype(numpy.float64) for a in (param, v, grad))
        ids = id(param), id(v)
        assert momentum_sgd_update(param, grad, v, lr=0.05, momentum=0.9) is None
        expected_v = 0.9 * v64 - 0.05 * g64
        assert_close(v, expected_v, dtype)
        assert_close(param, p64 + expected_v, dtype)
        assert (id(param), id(v)) == ids

    @pytest.mark.parametrize("amsgrad", [False, True])
    @pytest.mark.parametrize("weight_decay_rate", [0.0, 0.01])
    def test_adam(self, dtype: type, amsgrad: bool, weight_decay_rate: float) -> None:
        param, m, v, vhat = states(dtype, 40, 4)
        grad = random((4, 3), dtype, 45)
        p64, m64, v64, vh64, g64 = (a.astype(numpy.float64) for a in (param, m, v, vhat, grad))
        alpha, beta1, beta2, eps, eta, t = 0.01, 0.9, 0.999, 1e-3, 0.5, 3
        alpha_t = alpha * numpy.sqrt(1 - beta2**t) / (1 - beta1**t)
        adam_update(
            param,
            grad,
            m,
            v,
            vhat if amsgrad else None,
            alpha_t=alpha_t,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            eta=eta,
            weight_decay_rate=weight_decay_rate,
            amsgrad=amsgrad,
        )
        m64 = m64 + (1 - beta1) * (g64 - m64)
        v64 = v64 + (1 - beta2) * (g64**2 - v64)
        vh64 = numpy.maximum(vh64, v64)
        denominator = numpy.sqrt(vh64 if amsgrad else v64) + eps
        p64 = p64 - eta * (alpha_t * m64 / denominator + weight_decay_rate * p64)
        assert_close(m, m64, dtype)
        assert_close(v, v64, dtype)
        assert_close(param, p64, dtype)
        if amsgrad:
            assert_close(vhat, vh64, dtype)

    @pytest.mark.parametrize("eps_inside_sqrt", [False, True])
    def test_rmsprop(self, dtype: type, eps_inside_sqrt: bool) -> None:
        param, ms = states(dtype, 50, 2)
        grad = random((4, 3), dtype, 53)
        p64, ms64, g64 = (a.astype(numpy.float64) for a in (param, ms, grad))
        rmsprop_update(
            param, grad, ms, lr=0.01, alpha=0.99, eps=1e-2, eps_inside_sqrt=eps_inside_sqrt
        )
        ms64 = 0.99 * ms64 + 0.01 * g64**2
        denominator = numpy.sqrt(ms64 + 1e-2) if eps_inside_sqrt else numpy.sqrt(ms64) + 1e-2
        assert_close(ms, ms64, dtype)
        assert_close(param, p64 - 0.01 * g64 / denominator, dtype)

    def test_adagrad(self, dtype: type) -> None:
        param, h = states(dtype, 60, 2)
        grad = random((4, 3), dtype, 63)
        p64, h64, g64 = (a.astype(numpy.float64) for a in (param, h, grad))
        adagrad_update(param, grad, h, lr=0.1, eps=1e-3)
        h64 = h64 + g64**2
        assert_close(h, h64, dtype)
        assert_close(param, p64 - 0.1 * g64 / (numpy.sqrt(h64) + 1e-3), dtype)


class TestOptimizerErrors:
    def test_bad_input_leaves_state_untouched(self) -> None:
        param, m = numpy.ones(3), numpy.zeros(3)
        with pytest.raises(
            ValueError, match=r"adam_update: v has shape \(2,\), expected \(3,\) like param"
        ):
            adam_update(
                param, numpy.ones(3), m, numpy.zeros(2), alpha_t=0.1, beta1=0.9, beta2=0.9, eps=0.0
            )
        numpy.testing.assert_array_equal(param, [1.0, 1.0, 1.0])
        numpy.testing.assert_array_equal(m, [0.0, 0.0, 0.0])

    def test_amsgrad_needs_vhat(self) -> None:
        param = numpy.ones(2)
        with pytest.raises(
            ValueError, match="adam_update: amsgrad=True needs the vhat state array"
        ):
            adam_update(
                param,
                numpy.ones(2),
                numpy.zeros(2),
                numpy.zeros(2),
                alpha_t=0.1,
                beta1=0.9,
                beta2=0.9,
                eps=0.0,
                amsgrad=True,
            )
        numpy.testing.assert_array_equal(param, [1.0, 1.0])

    def test_dtype_mismatch(self) -> None:
        with pytest.raises(
            TypeError,
            match="momentum_sgd_update: grad has dtype float32, expected float64 like param",
        ):
            momentum_sgd_update(
                numpy.ones(2),
                numpy.ones(2, dtype=numpy.float32),
                numpy.zeros(2),
                lr=0.1,
                momentum=0.9,
            )

    @pytest.mark.parametrize(
        ("function", "arguments", "keywords"),
        [
            (rmsprop_update, 3, {"lr": 0.1, "alpha": 0.9, "eps": 1e-8}),
            (adagrad_update, 3, {"lr": 0.1, "eps": 1e-8}),
        ],
    )
    def test_shape_mismatch(
        self, function: Callable[..., None], arguments: int, keywords: dict[str, float]
    ) -> None:
        arrays = [numpy.ones(2)] * (arguments - 1) + [numpy.ones(3)]
        with pytest.raises(ValueError, match=r"has shape \(3,\), expected \(2,\) like param"):
            function(*arrays, **keywords)
