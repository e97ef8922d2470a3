# The legacy global numpy.random is what Chainer drew from; parity tests need it.
# ruff: noqa: NPY002
from __future__ import annotations

import copy
import math
import pickle
import re
import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari import initializers as I
from kusari.graph import get_dtype, mixed16, using_config


@pytest.fixture
def seeded() -> Iterator[None]:
    state = numpy.random.get_state()
    numpy.random.seed(0)
    yield
    numpy.random.set_state(state)


def _empty(*shape: int, dtype: Any = numpy.float32) -> numpy.ndarray[Any, Any]:
    return numpy.empty(shape, dtype=dtype)


# ----------------------------------------------------------------------------- constants


def test_constant_scalar_fills_and_keeps_identity() -> None:
    a = _empty(2, 3)
    before = a
    I.Constant(2.5)(a)
    assert a is before
    numpy.testing.assert_array_equal(a, numpy.full((2, 3), 2.5, numpy.float32))


def test_constant_array_is_broadcast() -> None:
    a = _empty(2, 3)
    I.Constant(numpy.array([1.0, 2.0, 3.0]))(a)
    numpy.testing.assert_array_equal(a, [[1, 2, 3], [1, 2, 3]])


def test_constant_refuses_unbroadcastable_value_and_leaves_array() -> None:
    a = numpy.zeros((2, 3), numpy.float32)
    with pytest.raises(ValueError, match=r"shape \(2, 3\) with a fill value of shape \(2,\)"):
        I.Constant(numpy.array([1.0, 2.0]))(a)
    # A value that would broadcast the *target* up is refused too.
    with pytest.raises(ValueError, match=r"shape \(3,\) with a fill value of shape \(2, 3\)"):
        I.Constant(numpy.ones((2, 3)))(numpy.zeros(3))
    numpy.testing.assert_array_equal(a, 0)


@pytest.mark.parametrize(
    ("initializer", "value"),
    [(I.Zero(), 0.0), (I.One(), 1.0), (I.NaN(), math.nan)],
)
def test_zero_one_nan(initializer: I.Initializer, value: float) -> None:
    a = numpy.full((3,), 7.0, numpy.float64)
    initializer(a)
    numpy.testing.assert_array_equal(a, numpy.full(3, value))


def test_one_on_integer_array() -> None:
    a = numpy.zeros(2, numpy.int32)
    I.One()(a)
    assert a.tolist() == [1, 1]


@pytest.mark.parametrize(
    "initializer",
    [
        I.Constant(1.0, numpy.float16),
        I.Zero(numpy.float16),
        I.Identity(dtype=numpy.float16),
        I.Normal(dtype=numpy.float16),
        I.LeCunNormal(dtype=numpy.float16),
        I.GlorotNormal(dtype=numpy.float16),
        I.HeNormal(dtype=numpy.float16),
        I.Uniform(dtype=numpy.float16),
        I.LeCunUniform(dtype=numpy.float16),
        I.GlorotUniform(dtype=numpy.float16),
        I.HeUniform(dtype=numpy.float16),
        I.Orthogonal(dtype=numpy.float16),
    ],
    ids=lambda init: type(init).__name__,
)
def test_dtype_mismatch_names_both_dtypes_and_leaves_array(initializer: I.Initializer) -> None:
    a = numpy.full((3, 3), 5.0, numpy.float32)
    with pytest.raises(ValueError, match=r"for dtype float16, but the array .* dtype float32"):
        initializer(a)
    numpy.testing.assert_array_equal(a, 5.0)


def test_dtype_attribute_is_a_numpy_dtype() -> None:
    assert I.Zero().dtype is None
    assert I.Zero("float64").dtype == numpy.dtype(numpy.float64)
    assert isinstance(I.Normal(dtype=numpy.float16).dtype, numpy.dtype)


def test_identity() -> None:
    a = _empty(3, 3)
    I.Identity(scale=2.0)(a)
    numpy.testing.assert_array_equal(a, 2.0 * numpy.eye(3))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 2)])
def test_identity_refuses_non_square(shape: tuple[int, ...]) -> None:
    a = numpy.zeros(shape)
    expected = rf"square 2-dimensional array, got shape {re.escape(str(shape))}"
    with pytest.raises(ValueError, match=expected):
        I.Identity()(a)
    numpy.testing.assert_array_equal(a, 0)


# ----------------------------------------------------------------------------- fans


def test_get_fans() -> None:
    assert I.get_fans((10, 4)) == (4, 10)
    assert I.get_fans((8, 3, 5, 5)) == (75, 200)
    assert I.get_fans((2, 3, 0)) == (0, 0)


def test_get_fans_errors() -> None:
    with pytest.raises(ValueError, match=r"at least 2 axes .* got \(3,\)"):
        I.get_fans((3,))
    with pytest.raises(TypeError, match="shape must be a tuple of ints, got list"):
        I.get_fans([3, 4])  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- random: parity


def test_normal_matches_numpy_global_draw(seeded: None) -> None:
    a = _empty(4, 5)
    I.Normal(scale=0.3)(a)
    numpy.random.seed(0)
    expected = numpy.random.normal(loc=0.0, scale=0.3, size=(4, 5)).astype(numpy.float32)
    numpy.testing.assert_array_equal(a, expected)


def test_uniform_matches_numpy_global_draw(seeded: None) -> None:
    a = _empty(7)
    I.Uniform(scale=2.0)(a)
    numpy.random.seed(0)
    expected = numpy.random.uniform(low=-2.0, high=2.0, size=(7,)).astype(numpy.float32)
    numpy.testing.assert_array_equal(a, expected)


_SHAPE = (6, 4, 3, 3)
_FAN_IN, _FAN_OUT = 4 * 9, 6 * 9


@pytest.mark.parametrize(
    ("initializer", "kind", "scale"),
    [
        (I.LeCunNormal(), "normal", math.sqrt(1 / _FAN_IN)),
        (I.LeCunNormal(scale=2.0), "normal", 2 * math.sqrt(1 / _FAN_IN)),
        (I.GlorotNormal(), "normal", math.sqrt(2 / (_FAN_IN + _FAN_OUT))),
        (I.GlorotNormal(0.5), "normal", 0.5 * math.sqrt(2 / (_FAN_IN + _FAN_OUT))),
        (I.HeNormal(), "normal", math.sqrt(2 / _FAN_IN)),
        (I.HeNormal(fan_option="fan_out"), "normal", math.sqrt(2 / _FAN_OUT)),
        (I.HeNormal(3.0), "normal", 3.0 * math.sqrt(2 / _FAN_IN)),
        (I.LeCunUniform(), "uniform", math.sqrt(3 / _FAN_IN)),
        (I.GlorotUniform(), "uniform", math.sqrt(6 / (_FAN_IN + _FAN_OUT))),
        (I.HeUniform(), "uniform", math.sqrt(6 / _FAN_IN)),
        (I.HeUniform(fan_option="fan_out"), "uniform", math.sqrt(6 / _FAN_OUT)),
    ],
    ids=repr,
)
def test_fan_scaled_initializers_match_chainer_formula(
    seeded: None, initializer: I.Initializer, kind: str, scale: float
) -> None:
    a = _empty(*_SHAPE)
    initializer(a)
    numpy.random.seed(0)
    if kind == "normal":
        expected = numpy.random.normal(loc=0.0, scale=scale, size=_SHAPE)
    else:
        expected = numpy.random.uniform(low=-scale, high=scale, size=_SHAPE)
    numpy.testing.assert_array_equal(a, expected.astype(numpy.float32))


@pytest.mark.parametrize(
    "initializer",
    [I.LeCunNormal(), I.GlorotNormal(), I.HeNormal(), I.LeCunUniform(), I.GlorotUniform()],
    ids=repr,
)
def test_fan_scaled_initializers_refuse_vectors(initializer: I.Initializer) -> None:
    a = numpy.zeros(5)
    with pytest.raises(ValueError, match=r"at least 2 axes"):
        initializer(a)
    numpy.testing.assert_array_equal(a, 0)


def test_fan_option_is_validated() -> None:
    with pytest.raises(ValueError, match="fan_option must be 'fan_in' or 'fan_out', got 'in'"):
        I.HeNormal(fan_option="in")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fan_option must be 'fan_in' or 'fan_out'"):
        I.HeUniform(fan_option="both")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- random: statistics


@pytest.mark.parametrize(
    ("initializer", "std"),
    [
        (I.Normal(scale=0.2), 0.2),
        (I.LeCunNormal(), math.sqrt(1 / 250)),
        (I.GlorotNormal(), math.sqrt(2 / 650)),
        (I.HeNormal(), math.sqrt(2 / 250)),
        (I.Uniform(scale=0.3), 0.3 / math.sqrt(3)),
        (I.LeCunUniform(), math.sqrt(1 / 250)),
        (I.GlorotUniform(), math.sqrt(2 / 650)),
        (I.HeUniform(), math.sqrt(2 / 250)),
    ],
    ids=repr,
)
def test_large_array_statistics(seeded: None, initializer: I.Initializer, std: float) -> None:
    a = _empty(400, 250)
    initializer(a)
    assert abs(float(a.mean())) < 4 * std / math.sqrt(a.size)
    assert float(a.std()) == pytest.approx(std, rel=0.01)


def test_uniform_bounds(seeded: None) -> None:
    a = _empty(10000)
    I.Uniform(scale=0.25)(a)
    assert float(a.min()) >= -0.25
    assert float(a.max()) < 0.25
    assert float(a.min()) < -0.24
    assert float(a.max()) > 0.24


# ----------------------------------------------------------------------------- rng argument


@pytest.mark.parametrize(
    "make_rng",
    [lambda: numpy.random.default_rng(3), lambda: numpy.random.RandomState(3)],
    ids=["Generator", "RandomState"],
)
def test_rng_is_used_instead_of_global(seeded: None, make_rng: Any) -> None:
    a = _empty(5, 4)
    I.HeNormal(rng=make_rng())(a)
    expected = make_rng().normal(loc=0.0, scale=math.sqrt(2 / 4), size=(5, 4))
    numpy.testing.assert_array_equal(a, expected.astype(numpy.float32))
    b = _empty(5, 4)
    I.GlorotUniform(rng=make_rng())(b)
    s = math.sqrt(6 / 9)
    expected = make_rng().uniform(low=-s, high=s, size=(5, 4))
    numpy.testing.assert_array_equal(b, expected.astype(numpy.float32))
    # The global generator was not touched: its next draw is the first after seed(0).
    first = numpy.random.random()
    numpy.random.seed(0)
    assert first == numpy.random.random()


# ----------------------------------------------------------------------------- orthogonal


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (4, 2, 3), (6, 2, 1)])
def test_orthogonal_is_orthogonal(shape: tuple[int, ...]) -> None:
    a = numpy.empty(shape)
    I.Orthogonal(scale=2.0, rng=numpy.random.default_rng(1))(a)
    m = a.reshape(shape[0], -1)
    if m.shape[0] <= m.shape[1]:
        numpy.testing.assert_allclose(m @ m.T, 4.0 * numpy.eye(m.shape[0]), atol=1e-12)
    else:
        numpy.testing.assert_allclose(m.T @ m, 4.0 * numpy.eye(m.shape[1]), atol=1e-12)


def test_orthogonal_matches_qr_of_global_draw(seeded: None) -> None:
    a = _empty(3, 5)
    I.Orthogonal()(a)
    numpy.random.seed(0)
    drawn = numpy.random.normal(size=(3, 5))
    q, r = numpy.linalg.qr(drawn.T)
    expected = (q * numpy.copysign(1.1, numpy.diag(r))).T
    numpy.testing.assert_allclose(a, expected.astype(numpy.float32), rtol=1e-6)


def test_orthogonal_default_scale_is_chainers() -> None:
    a = numpy.empty((4, 4))
    I.Orthogonal()(a)
    numpy.testing.assert_allclose(a @ a.T, 1.21 * numpy.eye(4), atol=1e-12)


def test_orthogonal_scalar_gets_plus_or_minus_scale() -> None:
    seen = set()
    for seed in range(20):
        a = numpy.empty(())
        I.Orthogonal(scale=3.0, rng=numpy.random.default_rng(seed))(a)
        seen.add(float(a))
    assert seen == {-3.0, 3.0}
    b = numpy.empty(())
    I.Orthogonal(scale=3.0, rng=numpy.random.RandomState(0))(b)
    assert float(b) in (-3.0, 3.0)


@pytest.mark.parametrize(
    ("mode", "shape"),
    [("projection", (5, 3)), ("embedding", (3, 5)), ("basis", (3, 5)), ("basis", (5, 3))],
)
def test_orthogonal_mode_refusals(mode: Any, shape: tuple[int, ...]) -> None:
    a = numpy.zeros(shape)
    with pytest.raises(ValueError, match=rf"mode='{mode}'\) cannot fill shape"):
        I.Orthogonal(mode=mode)(a)
    numpy.testing.assert_array_equal(a, 0)


@pytest.mark.parametrize(
    ("mode", "shape"), [("projection", (3, 5)), ("embedding", (5, 3)), ("basis", (4, 2, 2))]
)
def test_orthogonal_mode_accepts(mode: Any, shape: tuple[int, ...]) -> None:
    a = numpy.zeros(shape)
    I.Orthogonal(mode=mode, scale=1.0)(a)
    assert numpy.linalg.matrix_rank(a.reshape(shape[0], -1)) == min(shape[0], a[0].size)


def test_orthogonal_errors() -> None:
    with pytest.raises(ValueError, match=r"mode must be one of .* got 'square'"):
        I.Orthogonal(mode="square")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"cannot fill an empty array \(shape \(0, 3\)\)"):
        I.Orthogonal()(numpy.empty((0, 3)))


# ----------------------------------------------------------------------------- generate_array


def test_generate_array_default_dtype_is_config_dtype() -> None:
    a = I.generate_array(I.One(), (2, 3), numpy)
    assert a.dtype == numpy.float32
    assert a.shape == (2, 3)
    numpy.testing.assert_array_equal(a, 1)
    with using_config("dtype", numpy.dtype(numpy.float64)):
        assert I.generate_array(I.One(), 4, numpy).dtype == numpy.float64
    with using_config("dtype", mixed16):
        assert I.generate_array(I.One(), 4, numpy).dtype == numpy.float16
    assert get_dtype() == numpy.float32


def test_generate_array_dtype_precedence() -> None:
    assert I.generate_array(I.One(numpy.float16), (2,), numpy).dtype == numpy.float16
    assert I.generate_array(I.One(), (2,), numpy, dtype=numpy.int64).dtype == numpy.int64
    same = I.generate_array(I.One("float64"), (2,), numpy, dtype=numpy.float64)
    assert same.dtype == numpy.float64


def test_generate_array_dtype_mismatch() -> None:
    with pytest.raises(ValueError, match=r"asked for float64, but the initializer .* float16"):
        I.generate_array(I.One(numpy.float16), (2,), numpy, dtype=numpy.float64)


def test_generate_array_device() -> None:
    a = I.generate_array(I.Zero(), (2,), numpy, device="@numpy")
    numpy.testing.assert_array_equal(a, [0, 0])
    fake_cupy = types.SimpleNamespace(__name__="cupy")
    with pytest.raises(
        ValueError, match=r"xp and device disagree: xp is cupy but device '@numpy' uses numpy"
    ):
        I.generate_array(I.Zero(), (2,), fake_cupy, device="@numpy")


def test_generate_array_with_plain_callable() -> None:
    def fill(array: Any) -> None:
        array[...] = numpy.arange(array.size).reshape(array.shape)

    numpy.testing.assert_array_equal(I.generate_array(fill, (2, 2), numpy), [[0, 1], [2, 3]])


# ----------------------------------------------------------------------------- get_initializer


def test_get_initializer() -> None:
    default = I.get_initializer(None)
    assert isinstance(default, I.LeCunNormal)
    assert default.scale == 1.0
    scalar = I.get_initializer(3)
    assert isinstance(scalar, I.Constant)
    assert scalar.fill_value == 3
    arr = numpy.arange(3.0)
    from_array = I.get_initializer(arr)
    assert isinstance(from_array, I.Constant)
    assert from_array.fill_value is arr
    normal = I.Normal()
    assert I.get_initializer(normal) is normal

    def fill(array: Any) -> None:
        array[...] = 0

    assert I.get_initializer(fill) is fill
    assert isinstance(I.get_initializer(numpy.float32(1.5)), I.Constant)


def test_get_initializer_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match=r"initializer must be None, an array, .* got str"):
        I.get_initializer("zeros")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got list"):
        I.get_initializer([1.0, 2.0])  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- misc


def test_reprs() -> None:
    assert repr(I.Normal()) == "Normal(scale=0.05)"
    assert repr(I.HeNormal(dtype=numpy.float16)) == (
        "HeNormal(scale=1.0, fan_option='fan_in', dtype='float16')"
    )
    assert repr(I.Zero()) == "Zero()"
    assert repr(I.Constant(numpy.zeros((2, 3)))) == "Constant(fill_value='<array (2, 3)>')"
    assert repr(I.Orthogonal(mode="basis")) == "Orthogonal(scale=1.1, mode='basis')"
    assert repr(I.Identity(2.0)) == "Identity(scale=2.0)"


def test_initializers_pickle_and_deepcopy() -> None:
    init = I.HeNormal(scale=2.0, dtype=numpy.float64, fan_option="fan_out")
    for clone in (pickle.loads(pickle.dumps(init)), copy.deepcopy(init)):
        assert isinstance(clone, I.HeNormal)
        assert clone.scale == 2.0
        assert clone.dtype == numpy.float64
        assert clone.fan_option == "fan_out"


def test_initializer_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        I.Initializer()  # type: ignore[abstract]


def test_custom_initializer_check_dtype() -> None:
    class Fives(I.Initializer):
        def __call__(self, array: Any) -> None:
            self.check_dtype(array)
            array[...] = 5

    a = numpy.zeros(2, numpy.float32)
    Fives(numpy.float32)(a)
    numpy.testing.assert_array_equal(a, 5)
    with pytest.raises(ValueError, match="Fives was created for dtype int8"):
        Fives(numpy.int8)(a)


@pytest.mark.gpu
def test_gpu_initializers() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    a = cupy.empty((6, 4), dtype=cupy.float32)
    I.HeNormal()(a)
    assert float(a.std()) > 0
    I.Constant(numpy.arange(4.0))(a)
    cupy.testing.assert_array_equal(a, cupy.broadcast_to(cupy.arange(4.0), (6, 4)))
    I.Orthogonal(scale=1.0)(a)
    cupy.testing.assert_allclose(a.T @ a, cupy.eye(4), atol=1e-5)
    I.Normal(dtype=numpy.float32)(a)
    I.Uniform(rng=numpy.random.default_rng(0))(a)
    assert float(abs(a).max()) <= 0.05
    g = I.generate_array(I.Identity(), (3, 3), cupy)
    cupy.testing.assert_array_equal(g, cupy.eye(3, dtype=cupy.float32))


# -- resampling kernels (values from Chainer 7.8.1's initializers) ------------------------------

_UP_4X4 = [
    [0.0625, 0.1875, 0.1875, 0.0625],
    [0.1875, 0.5625, 0.5625, 0.1875],
    [0.1875, 0.5625, 0.5625, 0.1875],
    [0.0625, 0.1875, 0.1875, 0.0625],
]


@pytest.mark.parametrize(
    ("shape", "up_first", "down_first", "up_sum", "down_sum"),
    [
        # Chainer 7.8.1: the first values of w[0, 0].ravel() and the sums of w.
        ((1, 1, 1, 1), [1.0], [1.0], 1.0, 1.0),
        ((1, 1, 2, 2), [0.25] * 4, [0.25] * 4, 1.0, 1.0),
        ((1, 1, 5), [1 / 3, 2 / 3, 1.0, 2 / 3, 1 / 3], [1 / 9, 2 / 9, 1 / 3, 2 / 9, 1 / 9], 3, 1),
        ((1, 1, 5, 5), [1 / 9, 2 / 9, 1 / 3, 2 / 9, 1 / 9], [1 / 81, 2 / 81, 3 / 81], 9, 1),
        ((1, 1, 6, 6), [1 / 36, 3 / 36, 5 / 36, 5 / 36], [1 / 324, 3 / 324, 5 / 324], 9, 1),
        ((3, 3, 2, 2), [0.25] * 4 + [0.0] * 4, [0.25] * 4 + [0.0] * 4, 3, 3),
    ],
)
def test_sampling_filters_match_chainer(
    shape: tuple[int, ...],
    up_first: list[float],
    down_first: list[float],
    up_sum: float,
    down_sum: float,
) -> None:
    up = numpy.empty(shape)
    I.UpsamplingDeconvFilter()(up)
    down = numpy.empty(shape)
    I.DownsamplingConvFilter()(down)
    numpy.testing.assert_allclose(up.ravel()[: len(up_first)], up_first, rtol=1e-12)
    numpy.testing.assert_allclose(down.ravel()[: len(down_first)], down_first, rtol=1e-12)
    assert up.sum() == pytest.approx(up_sum)
    assert down.sum() == pytest.approx(down_sum)


def test_sampling_filters_are_per_channel_float32_and_3d() -> None:
    up = numpy.full((2, 2, 4, 4), 7.0, numpy.float32)
    I.UpsamplingDeconvFilter(dtype=numpy.float32)(up)
    numpy.testing.assert_array_equal(up[0, 0], _UP_4X4)
    numpy.testing.assert_array_equal(up[1, 1], _UP_4X4)
    numpy.testing.assert_array_equal(up[0, 1], numpy.zeros((4, 4)))
    numpy.testing.assert_array_equal(up[1, 0], numpy.zeros((4, 4)))
    down = numpy.empty((2, 2, 4, 4), numpy.float32)
    I.DownsamplingConvFilter()(down)
    numpy.testing.assert_array_equal(down[1, 1], numpy.array(_UP_4X4) / 4)
    # Chainer 7.8.1, a (1, 1, 4, 4, 4) kernel: the corner and the center values.
    cube_up = numpy.empty((1, 1, 4, 4, 4))
    I.UpsamplingDeconvFilter()(cube_up)
    assert (cube_up[0, 0, 0, 0, 0], cube_up[0, 0, 1, 1, 1]) == (0.015625, 0.421875)
    cube_down = numpy.empty((1, 1, 4, 4, 4))
    I.DownsamplingConvFilter()(cube_down)
    assert (cube_down[0, 0, 0, 0, 0], cube_down[0, 0, 1, 1, 1]) == (0.001953125, 0.052734375)


def test_upsampling_deconvolution_keeps_a_constant_image() -> None:
    from kusari.links import Deconvolution2D

    layer = Deconvolution2D(
        2, 2, 4, stride=2, pad=1, initialW=I.UpsamplingDeconvFilter(), nobias=True
    )
    y = layer(numpy.ones((1, 2, 5, 5), numpy.float32)).array
    assert y is not None
    assert y.shape == (1, 2, 10, 10)
    numpy.testing.assert_allclose(y[:, :, 1:-1, 1:-1], 1.0, rtol=1e-6)


@pytest.mark.parametrize("cls", [I.UpsamplingDeconvFilter, I.DownsamplingConvFilter])
def test_sampling_filter_errors(cls: type[I.UpsamplingDeconvFilter]) -> None:
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"unsupported interpolation 'cubic'; {name} supports"):
        cls(interpolation="cubic")
    cases = [
        ((4, 4), r"at least one spatial axis, got shape \(4, 4\)"),
        ((2, 3, 4, 4), r"as many output as input channels, got shape \(2, 3, 4, 4\) \(2 != 3\)"),
        ((1, 1, 3, 5), r"the same kernel size on every spatial axis, got \(3, 5\)"),
    ]
    for shape, message in cases:
        array = numpy.full(shape, 5.0)
        with pytest.raises(ValueError, match=message):
            cls()(array)
        assert (array == 5.0).all()
    with pytest.raises(ValueError, match="created for dtype float32, but the array to fill"):
        cls(dtype=numpy.float32)(numpy.empty((1, 1, 2, 2)))
    assert repr(cls(dtype=numpy.float16)) == f"{name}(interpolation='linear', dtype='float16')"
