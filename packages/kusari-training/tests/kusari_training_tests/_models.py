"""Small models and updaters shared by the training tests."""

from __future__ import annotations

from typing import Any

import numpy

from kusari.graph import Variable
from kusari.links import Link, Parameter
from kusari.optimizers import Optimizer
from kusari.reporter import report
from kusari.serializers import AbstractSerializer
from kusari.training import Updater


class Regressor(Link):
    """Linear regression with a squared loss: ``mean((x @ w + b - t)**2)``."""

    def __init__(self, n_in: int = 3, seed: int = 0) -> None:
        super().__init__()
        rng = numpy.random.RandomState(seed)
        with self.init_scope():
            self.w = Parameter(rng.normal(size=(n_in, 1)).astype(numpy.float32))
            self.b = Parameter(numpy.zeros(1, dtype=numpy.float32))

    def predict(self, x: Any) -> Variable:
        y: Variable = x @ self.w + self.b
        return y

    def forward(self, x: Any, t: Any) -> Variable:
        diff = self.predict(x) - t.reshape(-1, 1)
        loss: Variable = (diff * diff).mean()
        report({"loss": loss}, self)
        return loss


def data(param: Parameter) -> Any:
    """The array of an initialized parameter."""
    array = param.array
    assert array is not None
    return array


def regression_data(n: int = 10, n_in: int = 3, seed: int = 1) -> tuple[Any, Any]:
    rng = numpy.random.RandomState(seed)
    x = rng.normal(size=(n, n_in)).astype(numpy.float32)
    t = (x @ numpy.array([1.0, -2.0, 0.5][:n_in], dtype=numpy.float32) + 0.3).astype(numpy.float32)
    return x, t


def loss_and_grads(w: Any, b: Any, x: Any, t: Any) -> tuple[float, Any, Any]:
    """The loss of :class:`Regressor` and its gradients, in NumPy (float64)."""
    w64, b64 = w.astype(numpy.float64), b.astype(numpy.float64)
    diff = x.astype(numpy.float64) @ w64 + b64 - t.astype(numpy.float64).reshape(-1, 1)
    n = diff.size
    grad_w = 2.0 / n * x.T.astype(numpy.float64) @ diff
    grad_b = 2.0 / n * diff.sum(axis=0)
    return float((diff**2).mean()), grad_w, grad_b


class DummyUpdater(Updater):
    """Counts iterations; an epoch lasts ``iterations_per_epoch`` (may be fractional)."""

    def __init__(
        self, iterations_per_epoch: float = 3.0, optimizer: Optimizer | None = None
    ) -> None:
        self.iteration = 0
        self.per_epoch = iterations_per_epoch
        self.optimizer = optimizer

    @property
    def epoch(self) -> int:
        return int(self.epoch_detail)

    @property
    def epoch_detail(self) -> float:
        return self.iteration / self.per_epoch

    @property
    def previous_epoch_detail(self) -> float | None:
        return None if self.iteration == 0 else (self.iteration - 1) / self.per_epoch

    @property
    def is_new_epoch(self) -> bool:
        return self.iteration > 0 and int(self.epoch_detail) != int(
            (self.iteration - 1) / self.per_epoch
        )

    def get_optimizer(self, name: str) -> Optimizer:
        if self.optimizer is None or name != "main":
            raise KeyError(name)
        return self.optimizer

    def get_all_optimizers(self) -> dict[str, Optimizer]:
        return {} if self.optimizer is None else {"main": self.optimizer}

    def update(self) -> None:
        self.iteration += 1

    def serialize(self, serializer: AbstractSerializer) -> None:
        self.iteration = int(serializer("iteration", self.iteration))
