"""The thin interface that every benchmarked framework implements.

A workload (see :mod:`benchmarks.workloads`) is written once against :class:`Adapter`; an
adapter maps each member onto one framework.  ``T`` is the framework's differentiable value
type (``kusari.graph.Variable``, ``chainer.Variable``, ``torch.Tensor``, ``numpy.ndarray``).

Elementwise operations are exposed as *attributes* that hold a callable (often the
framework's own function, or :func:`operator.add`), not as adapter methods: a workload binds
them once to a local name, so the timed loop pays for the framework's call and nothing else.

A framework that lacks a feature says so through :meth:`Adapter.missing` (for example
``["F.linear"]`` while that function has not been written yet): the workload is then reported
as unavailable instead of failing half-way through a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T")

FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.integer[Any]]

#: The feature names a workload may ask :meth:`Adapter.missing` about.
FEATURES = (
    # elementwise graph ops on tiny arrays (workloads a and b)
    "add_const",
    "mul_const",
    "tanh",
    "add",
    "sum",
    # layers and losses (workloads c-f)
    "relu",
    "flatten",
    "max_pool2d",
    "softmax_cross_entropy",
    "linear",
    "conv2d",
    "embed",
    "lstm",
    # optimizers
    "adam",
    "momentum_sgd",
    "sgd",
)


class Unavailable(Exception):
    """This implementation cannot run this workload here (missing API, device or venv)."""


class Layer(Protocol[T]):
    """A layer with parameters, called on a value (a Chainer link, a ``torch.nn.Module``)."""

    def __call__(self, x: T, /) -> T: ...


class Recurrent(Layer[T], Protocol[T]):
    """A stateful recurrent layer (``L.LSTM``, an ``nn.LSTMCell`` holding its state)."""

    def reset_state(self) -> None:
        """Forget the hidden state (and cut the graph to the previous sequence)."""
        ...


class Optimizer(Protocol):
    """An optimizer bound to the parameters of some layers."""

    def zero_grad(self) -> None:
        """Drop the parameter gradients (Chainer's ``cleargrads``, torch's ``set_to_none``)."""
        ...

    def step(self) -> None:
        """Apply one update from the current gradients."""
        ...


class Adapter(Protocol[T]):
    """One framework, seen by the workloads.

    Attributes:
        name: The implementation name used in the results (``kusari-notc``, ``torch``, ...).
        add_const: ``(x, c) -> x + c`` for a Python float ``c``.
        mul_const: ``(x, c) -> x * c``.
        tanh: Elementwise tanh.
        add: ``(a, b) -> a + b`` for two values of the same shape.
        sum: The sum of all elements, as a value of shape ``()``.
        relu: Elementwise ReLU.
        flatten: Reshape to ``(batch, -1)``.
        max_pool2d: ``(x, ksize) -> `` max pooling with stride ``ksize`` and no padding.
        softmax_cross_entropy: ``(logits, labels) -> `` the mean cross entropy.
    """

    name: str
    add_const: Callable[[T, float], T]
    mul_const: Callable[[T, float], T]
    tanh: Callable[[T], T]
    add: Callable[[T, T], T]
    sum: Callable[[T], T]
    relu: Callable[[T], T]
    flatten: Callable[[T], T]
    max_pool2d: Callable[[T, int], T]
    softmax_cross_entropy: Callable[[T, T], T]

    def missing(self, features: Iterable[str]) -> list[str]:
        """The framework names (``"F.linear"``) lacking for ``features``; empty if none."""
        ...

    def make_input(self, array: FloatArray, requires_grad: bool) -> T:
        """Wrap (and, on a GPU, copy) a float array as a value of this framework."""
        ...

    def make_labels(self, array: IntArray) -> T:
        """Wrap an integer array of class labels or token ids (never differentiated)."""
        ...

    def backward(self, loss: T) -> None:
        """Backpropagate from a value with one element (its initial gradient is 1)."""
        ...

    def grad(self, x: T) -> FloatArray | None:
        """The gradient of an input made by :meth:`make_input`, as a numpy array."""
        ...

    def to_numpy(self, x: T) -> FloatArray:
        """The value of ``x`` as a numpy array on the host."""
        ...

    def sync(self) -> None:
        """Wait for the device (no-op on the CPU); called before every clock read."""
        ...

    def linear(self, n_in: int, n_out: int) -> Layer[T]:
        """A fully connected layer with bias (input ``(batch, n_in)``)."""
        ...

    def conv2d(self, c_in: int, c_out: int, ksize: int, pad: int) -> Layer[T]:
        """A 2-D convolution with bias, stride 1."""
        ...

    def embed(self, vocab: int, dim: int) -> Layer[T]:
        """An embedding table looked up by the ids of :meth:`make_labels`."""
        ...

    def lstm(self, n_in: int, n_out: int) -> Recurrent[T]:
        """A stateful LSTM layer stepped once per call."""
        ...

    def optimizer(self, kind: str, layers: Sequence[Layer[T]], lr: float) -> Optimizer:
        """``kind`` is ``adam`` (``lr`` is alpha), ``momentum_sgd`` (momentum 0.9) or ``sgd``."""
        ...
