"""PyTorch eager (CPU, or CUDA with ``--device cuda``).

The LSTM is an ``nn.LSTMCell`` stepped from Python with its state held here, to mirror
``L.LSTM``; the fused ``nn.LSTM`` would be faster still.  Losses are
``F.cross_entropy`` (mean), the same as Chainer's ``softmax_cross_entropy``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..protocol import FloatArray, IntArray, Layer, Unavailable

_IMPORT_ERROR: str | None = None
try:
    import torch
    import torch.nn.functional as TF
except ImportError as e:  # reported by make()
    _IMPORT_ERROR = str(e)


class _LSTM:
    """``nn.LSTMCell`` plus its state: one call is one step, like ``L.LSTM``."""

    def __init__(self, n_in: int, n_out: int, device: str) -> None:
        self.cell = torch.nn.LSTMCell(n_in, n_out).to(device)
        self.state: tuple[Any, Any] | None = None

    def __call__(self, x: Any, /) -> Any:
        h, c = self.cell(x) if self.state is None else self.cell(x, self.state)
        self.state = (h, c)
        return h

    def reset_state(self) -> None:
        self.state = None

    def parameters(self) -> Iterable[Any]:
        # Annotated locals: the types session has no torch, so its calls are Any there.
        params: Iterable[Any] = self.cell.parameters()
        return params


class _Optimizer:
    __slots__ = ("_opt",)

    def __init__(self, opt: Any) -> None:
        self._opt = opt

    def zero_grad(self) -> None:
        self._opt.zero_grad(set_to_none=True)

    def step(self) -> None:
        self._opt.step()


class TorchAdapter:
    """The PyTorch adapter (see the module docstring)."""

    def __init__(self, device: str) -> None:
        self.name = "torch"
        self._device = device
        self.add_const: Callable[[Any, float], Any] = operator.add
        self.mul_const: Callable[[Any, float], Any] = operator.mul
        self.add: Callable[[Any, Any], Any] = operator.add
        self.tanh: Callable[[Any], Any] = torch.tanh
        self.sum: Callable[[Any], Any] = torch.sum
        self.relu: Callable[[Any], Any] = torch.relu
        self.flatten: Callable[[Any], Any] = lambda x: torch.flatten(x, 1)
        self.max_pool2d: Callable[[Any, int], Any] = lambda x, k: TF.max_pool2d(x, k, k)
        self.softmax_cross_entropy: Callable[[Any, Any], Any] = TF.cross_entropy

    def missing(self, features: Iterable[str]) -> list[str]:
        return []

    def make_input(self, array: FloatArray, requires_grad: bool) -> Any:
        t = torch.from_numpy(array).to(self._device)
        return t.requires_grad_(requires_grad)

    def make_labels(self, array: IntArray) -> Any:
        return torch.from_numpy(array.astype(np.int64)).to(self._device)

    def backward(self, loss: Any) -> None:
        loss.backward()

    def grad(self, x: Any) -> FloatArray | None:
        g = x.grad
        return None if g is None else np.asarray(g.detach().cpu().numpy())

    def to_numpy(self, x: Any) -> FloatArray:
        return np.asarray(x.detach().cpu().numpy())

    def sync(self) -> None:
        if self._device == "cuda":
            torch.cuda.synchronize()

    def linear(self, n_in: int, n_out: int) -> Layer[Any]:
        layer: Layer[Any] = torch.nn.Linear(n_in, n_out).to(self._device)
        return layer

    def conv2d(self, c_in: int, c_out: int, ksize: int, pad: int) -> Layer[Any]:
        conv: Layer[Any] = torch.nn.Conv2d(c_in, c_out, ksize, padding=pad).to(self._device)
        return conv

    def embed(self, vocab: int, dim: int) -> Layer[Any]:
        layer: Layer[Any] = torch.nn.Embedding(vocab, dim).to(self._device)
        return layer

    def lstm(self, n_in: int, n_out: int) -> _LSTM:
        return _LSTM(n_in, n_out, self._device)

    def optimizer(self, kind: str, layers: Sequence[Layer[Any]], lr: float) -> _Optimizer:
        params = [p for layer in layers for p in layer.parameters()]  # type: ignore[attr-defined]
        if kind == "adam":
            return _Optimizer(torch.optim.Adam(params, lr=lr))
        if kind == "momentum_sgd":
            return _Optimizer(torch.optim.SGD(params, lr=lr, momentum=0.9))
        if kind == "sgd":
            return _Optimizer(torch.optim.SGD(params, lr=lr))
        raise ValueError(f"unknown optimizer kind {kind!r}")


def versions() -> dict[str, str]:
    """torch's version."""
    return {} if _IMPORT_ERROR else {"torch": str(torch.__version__)}


def make(variant: str, device: str) -> TorchAdapter:
    """The torch adapter on ``device`` (``cpu`` or ``cuda``)."""
    if _IMPORT_ERROR is not None:
        raise Unavailable(f"torch cannot be imported ({_IMPORT_ERROR})")
    if device == "cuda" and not torch.cuda.is_available():
        raise Unavailable("torch sees no CUDA device")
    return TorchAdapter(device)
