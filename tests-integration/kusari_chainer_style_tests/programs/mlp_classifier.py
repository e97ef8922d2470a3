"""Chainer 7 program: an MLP on three interleaved spirals, trained with a hand-written loop.

Plain Chainer code (it runs unmodified on Chainer 7.8.1): ``chainer.Chain`` with
``init_scope``, ``L.Classifier``, ``optimizer.update(model, x, t)``, a ``WeightDecay``
hook, ``chainer.get_device``/``to_device``, evaluation under ``using_config('train',
False)`` and ``no_backprop_mode()``, and ``save_npz``/``load_npz`` into a fresh model.
"""

# Chainer is untyped (Any) to mypy: subclassing its classes is what these programs do.
# mypy: disable-error-code="misc"

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np
from chainer import optimizers, serializers


class MLP(chainer.Chain):
    def __init__(self, n_units: int, n_out: int) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)  # in_size inferred at the first call
            self.l2 = L.Linear(None, n_units)
            self.l3 = L.Linear(None, n_out)

    def forward(self, x: Any) -> Any:
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        return self.l3(h2)


def spirals(n_per_class: int, rng: np.random.RandomState) -> tuple[Any, Any]:
    xs, ts = [], []
    for k in range(3):
        r = np.linspace(0.05, 1.0, n_per_class)
        theta = np.linspace(k * 4.0, (k + 1) * 4.0, n_per_class) + rng.randn(n_per_class) * 0.2
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ts.append(np.full(n_per_class, k))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ts).astype(np.int32)


def main(out_dir: str) -> dict[str, Any]:
    np.random.seed(0)  # noqa: NPY002 - the initializers draw from NumPy's global generator
    rng = np.random.RandomState(1)
    x_all, t_all = spirals(100, rng)

    device = chainer.get_device("@numpy")
    model = L.Classifier(MLP(64, 3))
    model.to_device(device)
    device.use()
    optimizer = optimizers.MomentumSGD(lr=0.1, momentum=0.9)
    optimizer.setup(model)
    optimizer.add_hook(chainer.optimizer_hooks.WeightDecay(1e-4))

    batch_size = 30
    epoch_losses = []
    for _ in range(150):
        order = rng.permutation(len(x_all))
        total = 0.0
        for i in range(0, len(order), batch_size):
            index = order[i : i + batch_size]
            x, t = device.send(x_all[index]), device.send(t_all[index])
            optimizer.update(model, x, t)  # forward, cleargrads, backward, update
            total += float(model.loss.array) * len(index)
        epoch_losses.append(total / len(order))

    with chainer.using_config("train", False), chainer.no_backprop_mode():
        y = model.predictor(x_all)
        accuracy = float(F.accuracy(y, t_all).array)
        graph_built = y.creator is not None

    path = os.path.join(out_dir, "mlp.npz")
    serializers.save_npz(path, model)
    fresh = L.Classifier(MLP(64, 3))  # its parameters are not initialized yet
    serializers.load_npz(path, fresh)
    fresh.to_device(-1)
    with chainer.using_config("train", False), chainer.no_backprop_mode():
        reloaded = fresh.predictor(x_all).array
    return {
        "epoch_losses": epoch_losses,
        "accuracy": accuracy,
        "graph_built_in_no_backprop_mode": graph_built,
        "reloaded_equal": bool(np.array_equal(reloaded, y.array)),
        "optimizer_t": optimizer.t,
        "param_names": sorted(name for name, _ in model.namedparams()),
    }


if __name__ == "__main__":
    json.dump(main(tempfile.mkdtemp()), sys.stdout)
