"""In-place optimizer updates: momentum SGD, Adam (AMSGrad, AdamW), RMSprop, AdaGrad."""

from __future__ import annotations

from typing import Any

import numpy

from .._array import Array
from ._kernel import (
    BLOCK_SIZE,
    CudaSource,
    as_contiguous,
    check_like,
    dtype_suffix,
    elementwise_grid,
    kernel,
)

__all__ = ["adagrad_update", "adam_update", "momentum_sgd_update", "rmsprop_update"]

_SOURCE = CudaSource("optimizer.cu")


def _scalar(dtype: numpy.dtype[Any], value: float) -> numpy.floating[Any]:
    # The C type of the hyperparameters: float for float16/float32, double for float64.
    return numpy.float64(value) if dtype == numpy.float64 else numpy.float32(value)


def _launch(
    entry: str, param: Array, states: tuple[Array, ...], grad: Array, scalars: tuple[Any, ...]
) -> None:
    # The state arrays are updated in place, so they cannot be silently replaced by copies.
    for array in (param, *states):
        if not array.flags.c_contiguous:
            raise ValueError(
                f"{entry}: the CUDA kernel updates param and its state in place and needs "
                "them C-contiguous"
            )
    function = _SOURCE.get_function(f"kusari_{entry}_{dtype_suffix(entry, param.dtype)}")
    function(
        elementwise_grid(param.size),
        (BLOCK_SIZE,),
        (param, as_contiguous(grad), *states, *scalars, numpy.int64(param.size)),
    )


# ---------------------------------------------------------------------------- momentum SGD


def _momentum_sgd_cuda(param: Array, grad: Array, v: Array, *, lr: float, momentum: float) -> None:
    check_like("momentum_sgd_update", param=param, grad=grad, v=v)
    dtype = param.dtype
    _launch("momentum_sgd", param, (v,), grad, (_scalar(dtype, lr), _scalar(dtype, momentum)))


@kernel(source=_SOURCE, cuda=_momentum_sgd_cuda, entry="momentum_sgd")
def momentum_sgd_update(
    param: Array, grad: Array, v: Array, *, lr: float, momentum: float
) -> None:
    """Apply one momentum SGD step in place: ``v = momentum * v - lr * grad; param += v``.

    Args:
        param: The parameter array, updated in place.
        grad: Its gradient.
        v: The velocity state, updated in place.
        lr: The learning rate.
        momentum: The momentum coefficient.

    Raises:
        TypeError: If the dtypes differ or are not floating (nothing is modified).
        ValueError: If the shapes differ (nothing is modified).

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import momentum_sgd_update
        >>> param, v = numpy.ones(2), numpy.full(2, 0.5)
        >>> momentum_sgd_update(param, numpy.array([1.0, -1.0]), v, lr=0.1, momentum=0.9)
        >>> param, v
        (array([1.35, 1.55]), array([0.35, 0.55]))
    """
    check_like("momentum_sgd_update", param=param, grad=grad, v=v)
    step = numpy.multiply(grad, lr)
    v *= momentum
    v -= step
    param += v


# ---------------------------------------------------------------------------- Adam


def _check_adam(
    param: Array, grad: Array, m: Array, v: Array, vhat: Array | None, amsgrad: bool
) -> None:
    check_like("adam_update", param=param, grad=grad, m=m, v=v)
    if amsgrad:
        if vhat is None:
            raise ValueError("adam_update: amsgrad=True needs the vhat state array")
        check_like("adam_update", param=param, vhat=vhat)


def _adam_cuda(
    param: Array,
    grad: Array,
    m: Array,
    v: Array,
    vhat: Array | None = None,
    *,
    alpha_t: float,
    beta1: float,
    beta2: float,
    eps: float,
    eta: float = 1.0,
    weight_decay_rate: float = 0.0,
    amsgrad: bool = False,
) -> None:
    _check_adam(param, grad, m, v, vhat, amsgrad)
    dtype = param.dtype
    # Without AMSGrad the kernel never touches vhat; v stands in for the pointer.
    states = (m, v, vhat if amsgrad and vhat is not None else v)
    scalars = tuple(
        _scalar(dtype, value) for value in (alpha_t, beta1, beta2, eps, eta, weight_decay_rate)
    )
    _launch("adam", param, states, grad, (*scalars, numpy.int32(amsgrad)))


@kernel(source=_SOURCE, cuda=_adam_cuda, entry="adam")
def adam_update(
    param: Array,
    grad: Array,
    m: Array,
    v: Array,
    vhat: Array | None = None,
    *,
    alpha_t: float,
    beta1: float,
    beta2: float,
    eps: float,
    eta: float = 1.0,
    weight_decay_rate: float = 0.0,
    amsgrad: bool = False,
) -> None:
    """Apply one Adam step in place (Chainer's Adam, with its AMSGrad and AdamW variants).

    The update::

        m += (1 - beta1) * (grad - m)
        v += (1 - beta2) * (grad ** 2 - v)
        vhat = max(vhat, v)                  # amsgrad only, and vhat replaces v below
        param -= eta * (alpha_t * m / (sqrt(v) + eps) + weight_decay_rate * param)

    Args:
        param: The parameter array, updated in place.
        grad: Its gradient.
        m: The first-moment state, updated in place.
        v: The second-moment state, updated in place.
        vhat: The running maximum of ``v`` (AMSGrad only), updated in place.
        alpha_t: The bias-corrected step size
            ``alpha * sqrt(1 - beta2 ** t) / (1 - beta1 ** t)``, computed once per step.
        beta1: The first-moment decay.
        beta2: The second-moment decay.
        eps: The denominator's epsilon.
        eta: The schedule multiplier.
        weight_decay_rate: AdamW's decoupled weight decay (0 for Adam).
        amsgrad: Use AMSGrad (needs ``vhat``).

    Raises:
        TypeError: If the dtypes differ or are not floating (nothing is modified).
        ValueError: If the shapes differ, or ``amsgrad`` has no ``vhat`` (nothing is
            modified).

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import adam_update
        >>> param, m, v = numpy.ones(1), numpy.zeros(1), numpy.zeros(1)
        >>> adam_update(
        ...     param, numpy.array([2.0]), m, v, alpha_t=0.1, beta1=0.5, beta2=0.75, eps=0.0
        ... )
        >>> param, m, v
        (array([0.9]), array([1.]), array([1.]))
    """
    _check_adam(param, grad, m, v, vhat, amsgrad)
    tmp = numpy.subtract(grad, m)  # m += (1 - beta1) * (grad - m)
    tmp *= 1 - beta1
    m += tmp
    numpy.multiply(grad, grad, out=tmp)  # v += (1 - beta2) * (grad ** 2 - v)
    tmp -= v
    tmp *= 1 - beta2
    v += tmp
    denominator = v
    if amsgrad and vhat is not None:
        numpy.maximum(vhat, v, out=vhat)
        denominator = vhat
    numpy.sqrt(denominator, out=tmp)  # tmp = eta * alpha_t * m / (sqrt(v) + eps)
    tmp += eps
    numpy.divide(m, tmp, out=tmp)
    tmp *= alpha_t * eta
    if weight_decay_rate != 0:  # param -= eta * weight_decay_rate * param
        param *= 1 - eta * weight_decay_rate
    param -= tmp


# ---------------------------------------------------------------------------- RMSprop


def _rmsprop_cuda(
    param: Array,
    grad: Array,
    ms: Array,
    *,
    lr: float,
    alpha: float,
    eps: float,
    eps_inside_sqrt: bool = False,
) -> None:
    check_like("rmsprop_update", param=param, grad=grad, ms=ms)
    dtype = param.dtype
    scalars = (_scalar(dtype, lr), _scalar(dtype, alpha), _scalar(dtype, eps))
    _launch("rmsprop", param, (ms,), grad, (*scalars, numpy.int32(eps_inside_sqrt)))


@kernel(source=_SOURCE, cuda=_rmsprop_cuda, entry="rmsprop")
def rmsprop_update(
    param: Array,
    grad: Array,
    ms: Array,
    *,
    lr: float,
    alpha: float,
    eps: float,
    eps_inside_sqrt: bool = False,
) -> None:
    """Apply one RMSprop step in place.

    The update::

        ms = alpha * ms + (1 - alpha) * grad ** 2
        param -= lr * grad / (sqrt(ms) + eps)       # sqrt(ms + eps) with eps_inside_sqrt

    Args:
        param: The parameter array, updated in place.
        grad: Its gradient.
        ms: The mean-square state, updated in place.
        lr: The learning rate.
        alpha: The decay of the mean square.
        eps: The denominator's epsilon.
        eps_inside_sqrt: Add ``eps`` under the square root.

    Raises:
        TypeError: If the dtypes differ or are not floating (nothing is modified).
        ValueError: If the shapes differ (nothing is modified).

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import rmsprop_update
        >>> param, ms = numpy.ones(1), numpy.zeros(1)
        >>> rmsprop_update(param, numpy.array([2.0]), ms, lr=0.1, alpha=0.75, eps=0.0)
        >>> param, ms
        (array([0.8]), array([1.]))
    """
    check_like("rmsprop_update", param=param, grad=grad, ms=ms)
    ms *= alpha  # ms = alpha * ms + (1 - alpha) * grad ** 2
    tmp = numpy.multiply(grad, grad)
    tmp *= 1 - alpha
    ms += tmp
    if eps_inside_sqrt:
        numpy.add(ms, eps, out=tmp)
        numpy.sqrt(tmp, out=tmp)
    else:
        numpy.sqrt(ms, out=tmp)
        tmp += eps
    numpy.divide(grad, tmp, out=tmp)  # param -= lr * grad / denominator
    tmp *= lr
    param -= tmp


# ---------------------------------------------------------------------------- AdaGrad


def _adagrad_cuda(param: Array, grad: Array, h: Array, *, lr: float, eps: float) -> None:
    check_like("adagrad_update", param=param, grad=grad, h=h)
    dtype = param.dtype
    _launch("adagrad", param, (h,), grad, (_scalar(dtype, lr), _scalar(dtype, eps)))


@kernel(source=_SOURCE, cuda=_adagrad_cuda, entry="adagrad")
def adagrad_update(param: Array, grad: Array, h: Array, *, lr: float, eps: float) -> None:
    """Apply one AdaGrad step in place: ``h += grad ** 2; param -= lr * grad / (sqrt(h) + eps)``.

    Args:
        param: The parameter array, updated in place.
        grad: Its gradient.
        h: The sum of squared gradients, updated in place.
        lr: The learning rate.
        eps: The denominator's epsilon.

    Raises:
        TypeError: If the dtypes differ or are not floating (nothing is modified).
        ValueError: If the shapes differ (nothing is modified).

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import adagrad_update
        >>> param, h = numpy.ones(1), numpy.zeros(1)
        >>> adagrad_update(param, numpy.array([2.0]), h, lr=0.1, eps=0.0)
        >>> param, h
        (array([0.9]), array([4.]))
    """
    check_like("adagrad_update", param=param, grad=grad, h=h)
    tmp = numpy.multiply(grad, grad)  # h += grad ** 2
    h += tmp
    numpy.sqrt(h, out=tmp)  # param -= lr * grad / (sqrt(h) + eps)
    tmp += eps
    numpy.divide(grad, tmp, out=tmp)
    tmp *= lr
    param -= tmp
