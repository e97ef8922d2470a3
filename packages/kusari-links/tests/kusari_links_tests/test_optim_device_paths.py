"""The GPU code paths of the update rules.

Without a GPU, ``update_core_gpu`` still runs on NumPy arrays: the fused kernels of
``kusari.devices.kernels`` dispatch to their NumPy twins, so the argument wiring of every
fused call is checked against the CPU path.  With CuPy and a CUDA device (marker ``gpu``),
every optimizer runs on the device and is compared with the CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.devices import cuda
from kusari.links import Link, Parameter
from kusari.optimizers import SGD, GradientMethod, UpdateRule

from .test_optim_rules import CASES
from .test_optim_support import FakeParam, random_array

IDS = [case[0] for case in CASES]


def run(
    make: Callable[[], GradientMethod[Any]], array: Any, grads: list[Any], *, gpu_path: bool
) -> tuple[Any, UpdateRule[Any]]:
    rule = make().create_update_rule()
    if gpu_path:
        rule.update_core = rule.update_core_gpu  # type: ignore[method-assign]
    param = FakeParam(array)
    for grad in grads:
        param.grad = grad.copy()
        rule.update(param)
    return param.array, rule


@pytest.mark.parametrize(("name", "make", "reference", "state_keys"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_gpu_path_on_numpy_matches_cpu_path(
    name: str, make: Callable[[], GradientMethod[Any]], reference: Any, state_keys: Any, dtype: Any
) -> None:
    grads = [random_array((4, 5), dtype, seed) for seed in range(1, 5)]
    cpu, cpu_rule = run(make, random_array((4, 5), dtype, 0), grads, gpu_path=False)
    gpu, gpu_rule = run(make, random_array((4, 5), dtype, 0), grads, gpu_path=True)
    rtol = 1e-5 if dtype == numpy.float32 else 1e-12
    numpy.testing.assert_allclose(gpu, cpu, rtol=rtol, atol=rtol)
    assert cpu_rule.state is not None
    assert gpu_rule.state is not None
    for key in state_keys:
        numpy.testing.assert_allclose(gpu_rule.state[key], cpu_rule.state[key], rtol=rtol * 10)


@pytest.mark.parametrize(("name", "make", "reference", "state_keys"), CASES, ids=IDS)
def test_non_contiguous_params_fall_back_to_the_ufunc_sequence(
    name: str, make: Callable[[], GradientMethod[Any]], reference: Any, state_keys: Any
) -> None:
    base = random_array((6, 4), numpy.float32, 0)
    view = base[:, ::2]  # not C-contiguous: the fused kernels refuse it
    assert not view.flags.c_contiguous
    grads = [random_array((6, 2), numpy.float32, seed) for seed in range(1, 4)]
    expected, _ = run(make, view.copy(), grads, gpu_path=False)
    updated, _ = run(make, view, grads, gpu_path=True)
    assert updated is view
    numpy.testing.assert_allclose(base[:, ::2], expected, rtol=1e-5, atol=1e-6)


# -------------------------------------------------------------------- on a real CUDA device


class Holder(Link):
    def __init__(self, array: Any) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(array)


@pytest.mark.gpu
@pytest.mark.skipif(not cuda.available, reason="needs CuPy and a CUDA device")
@pytest.mark.parametrize(("name", "make", "reference", "state_keys"), CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [numpy.float16, numpy.float32, numpy.float64])
def test_on_cuda_matches_cpu(
    name: str, make: Callable[[], GradientMethod[Any]], reference: Any, state_keys: Any, dtype: Any
) -> None:
    import cupy

    if dtype == numpy.float16 and name.startswith("RMSprop"):
        pytest.skip("RMSprop's default eps is not representable in float16 (as in Chainer)")
    start = random_array((33, 17), dtype, 0)
    grads = [random_array((33, 17), dtype, seed) for seed in range(1, 5)]
    cpu_link, gpu_link = Holder(start.copy()), Holder(start.copy())
    gpu_link.to_device("@cupy:0")
    cpu_opt, gpu_opt = make().setup(cpu_link), make().setup(gpu_link)
    for grad in grads:
        cpu_link.w.grad = grad.copy()
        gpu_link.w.grad = cupy.asarray(grad)
        cpu_opt.update()
        gpu_opt.update()
    gpu_array = gpu_link.w.array
    assert isinstance(gpu_array, cupy.ndarray)
    rule = gpu_link.w.update_rule
    assert isinstance(rule, UpdateRule)
    assert rule.state is not None
    assert all(isinstance(value, cupy.ndarray) for value in rule.state.values())
    tolerance = {numpy.float16: 5e-2, numpy.float32: 1e-4, numpy.float64: 1e-10}[dtype]
    cpu_array = cpu_link.w.array
    assert cpu_array is not None
    numpy.testing.assert_allclose(
        cupy.asnumpy(gpu_array), cpu_array, rtol=tolerance, atol=tolerance
    )


@pytest.mark.gpu
@pytest.mark.skipif(not cuda.available, reason="needs CuPy and a CUDA device")
def test_fp32_update_on_cuda() -> None:
    import cupy

    link = Holder(numpy.ones(8, numpy.float16))
    link.to_device("@cupy:0")
    opt = SGD(lr=1e-4)
    opt.use_fp32_update()
    opt.setup(link)
    for _ in range(8):
        link.w.grad = cupy.ones(8, numpy.float16)
        opt.update()
    array = link.w.array
    assert isinstance(array, cupy.ndarray)
    assert array.dtype == numpy.float16
    assert float(array[0]) < 1.0
