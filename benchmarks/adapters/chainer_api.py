"""One adapter for every framework with Chainer 7's API: Chainer itself and kusari.

kusari re-implements ``chainer.Variable``, ``chainer.functions``, ``chainer.links`` and
``chainer.optimizers``, so both run the very same adapter code; only the modules differ.
That keeps the comparison honest: whatever the adapter costs, it costs both alike.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ..protocol import FloatArray, IntArray, Layer, Recurrent, Unavailable


@dataclass(frozen=True)
class ChainerModules:
    """The modules an implementation of Chainer's API provides.

    ``optimizers`` is ``None`` when the package that holds them cannot be imported yet; the
    workloads that need an optimizer then report it missing.
    """

    prefix: str  # how missing names are spelled in the report: "F.linear" or "chainer.F.linear"
    variable: type[Any]
    functions: ModuleType
    links: ModuleType | None
    optimizers: ModuleType | None
    chain_list: type[Any] | None
    config: Any


# feature -> the (module key, attribute) pairs it needs.  Links need their function too:
# ``L.Linear`` exists before ``F.linear`` works in a half-written framework.
_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "add_const": (("Variable", "__add__"),),
    "mul_const": (("Variable", "__mul__"),),
    "add": (("Variable", "__add__"),),
    "tanh": (("F", "tanh"),),
    "sum": (("F", "sum"),),
    "relu": (("F", "relu"),),
    "flatten": (("F", "reshape"),),
    "max_pool2d": (("F", "max_pooling_2d"),),
    "softmax_cross_entropy": (("F", "softmax_cross_entropy"),),
    "linear": (("L", "Linear"), ("F", "linear")),
    "conv2d": (("L", "Convolution2D"), ("F", "convolution_2d")),
    "embed": (("L", "EmbedID"), ("F", "embed_id")),
    "lstm": (("L", "LSTM"), ("F", "lstm")),
    # The optimizer is set up on a ChainList of the workload's links.
    "adam": (("O", "Adam"), ("", "ChainList")),
    "momentum_sgd": (("O", "MomentumSGD"), ("", "ChainList")),
    "sgd": (("O", "SGD"), ("", "ChainList")),
}


class _Optimizer:
    __slots__ = ("_model", "_opt")

    def __init__(self, model: Any, opt: Any) -> None:
        self._model = model
        self._opt = opt

    def zero_grad(self) -> None:
        self._model.cleargrads()

    def step(self) -> None:
        self._opt.update()


class ChainerAPIAdapter:
    """The adapter for Chainer and kusari (see the module docstring).

    Args:
        name: The implementation name in the results.
        modules: The framework's modules.
        type_check: The value of ``config.type_check`` while the workload runs.
        backward_kwargs: Extra keyword arguments of ``Variable.backward`` (kusari's
            ``release_retained=True`` for ``kusari-free``).
        device: ``"cpu"``, or ``"cuda"`` to run on CuPy (kusari only).
    """

    def __init__(
        self,
        name: str,
        modules: ChainerModules,
        *,
        type_check: bool = True,
        backward_kwargs: dict[str, object] | None = None,
        device: str = "cpu",
    ) -> None:
        self.name = name
        self._m = modules
        self._backward_kwargs = dict(backward_kwargs or {})
        self._device = device
        self._xp: Any = np
        if device == "cuda":
            self._xp = _cupy()
        modules.config.type_check = type_check
        F = modules.functions
        var = modules.variable
        # Resolved lazily: a missing name is reported by missing(), never raised here.
        self.add_const: Callable[[Any, float], Any] = operator.add
        self.mul_const: Callable[[Any, float], Any] = operator.mul
        self.add: Callable[[Any, Any], Any] = operator.add
        self.tanh: Callable[[Any], Any] = getattr(F, "tanh", _absent)
        self.sum: Callable[[Any], Any] = getattr(F, "sum", _absent)
        self.relu: Callable[[Any], Any] = getattr(F, "relu", _absent)
        reshape = getattr(F, "reshape", _absent)
        self.flatten: Callable[[Any], Any] = lambda x: reshape(x, (x.shape[0], -1))
        pool = getattr(F, "max_pooling_2d", _absent)
        self.max_pool2d: Callable[[Any, int], Any] = lambda x, k: pool(x, k, k)
        self.softmax_cross_entropy: Callable[[Any, Any], Any] = getattr(
            F, "softmax_cross_entropy", _absent
        )
        self._variable = var

    # -- availability ----------------------------------------------------------------------

    def missing(self, features: Iterable[str]) -> list[str]:
        m = self._m
        where: dict[str, object] = {
            "Variable": m.variable,
            "F": m.functions,
            "L": m.links,
            "O": m.optimizers,
            "": _Namespace(ChainList=m.chain_list),
        }
        lacking: list[str] = []
        for feature in features:
            for key, attr in _NEEDS[feature]:
                owner = where[key]
                # A Variable operator counts only if the class defines it, not object's default.
                if owner is None or getattr(owner, attr, None) in (None, getattr(object, attr, 0)):
                    label = f"{key}.{attr}" if key else attr
                    if label not in lacking:
                        lacking.append(label)
        if self._backward_kwargs:
            import inspect

            params = inspect.signature(m.variable.backward).parameters
            for kw in self._backward_kwargs:
                if kw not in params:
                    lacking.append(f"Variable.backward({kw}=...)")
        return lacking

    # -- values ----------------------------------------------------------------------------

    def make_input(self, array: FloatArray, requires_grad: bool) -> Any:
        data = self._xp.asarray(array) if self._device == "cuda" else array
        return self._variable(data, requires_grad=requires_grad)

    def make_labels(self, array: IntArray) -> Any:
        data = self._xp.asarray(array) if self._device == "cuda" else array
        return self._variable(data, requires_grad=False)

    def backward(self, loss: Any) -> None:
        loss.backward(**self._backward_kwargs)

    def grad(self, x: Any) -> FloatArray | None:
        g = x.grad
        return None if g is None else _host(g)

    def to_numpy(self, x: Any) -> FloatArray:
        return _host(x.array)

    def sync(self) -> None:
        if self._device == "cuda":
            self._xp.cuda.Device().synchronize()

    # -- layers ----------------------------------------------------------------------------

    def _links(self) -> ModuleType:
        if self._m.links is None:
            raise Unavailable(f"missing: {self._m.prefix}L")
        return self._m.links

    def _placed(self, link: Any) -> Any:
        if self._device == "cuda":
            link.to_device("@cupy:0")
        return link

    def linear(self, n_in: int, n_out: int) -> Layer[Any]:
        return self._placed(self._links().Linear(n_in, n_out))  # type: ignore[no-any-return]

    def conv2d(self, c_in: int, c_out: int, ksize: int, pad: int) -> Layer[Any]:
        conv = self._links().Convolution2D(c_in, c_out, ksize, stride=1, pad=pad)
        return self._placed(conv)  # type: ignore[no-any-return]

    def embed(self, vocab: int, dim: int) -> Layer[Any]:
        return self._placed(self._links().EmbedID(vocab, dim))  # type: ignore[no-any-return]

    def lstm(self, n_in: int, n_out: int) -> Recurrent[Any]:
        return self._placed(self._links().LSTM(n_in, n_out))  # type: ignore[no-any-return]

    def optimizer(self, kind: str, layers: Sequence[Layer[Any]], lr: float) -> _Optimizer:
        opts = self._m.optimizers
        if opts is None:
            raise Unavailable(f"missing: {self._m.prefix}O")
        if kind == "adam":
            opt = opts.Adam(alpha=lr)
        elif kind == "momentum_sgd":
            opt = opts.MomentumSGD(lr=lr, momentum=0.9)
        elif kind == "sgd":
            opt = opts.SGD(lr=lr)
        else:
            raise ValueError(f"unknown optimizer kind {kind!r}")
        if self._m.chain_list is None:
            raise Unavailable("missing: ChainList")
        model = self._m.chain_list(*layers)
        opt.setup(model)
        return _Optimizer(model, opt)


class _Namespace:
    def __init__(self, **attrs: object) -> None:
        self.__dict__.update(attrs)


def _absent(*args: object) -> Any:
    raise Unavailable("called a function this framework does not have (see missing())")


def _host(array: Any) -> FloatArray:
    get = getattr(array, "get", None)  # a CuPy array
    return np.asarray(array if get is None else get())


def _cupy() -> ModuleType:
    try:
        import cupy
    except ImportError as e:
        raise Unavailable(f"--device cuda needs CuPy ({e})") from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # CUDA driver missing or broken
        raise Unavailable(f"no CUDA device ({e})") from None
    if count < 1:
        raise Unavailable("no CUDA device")
    return cupy  # type: ignore[no-any-return]
