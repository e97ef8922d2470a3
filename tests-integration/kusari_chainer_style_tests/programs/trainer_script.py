"""Chainer 7 program: the usual ``Trainer`` script, then a resume from its snapshot.

Plain Chainer code (it runs unmodified on Chainer 7.8.1): ``chainer.datasets``,
``chainer.iterators.SerialIterator``, ``training.updaters.StandardUpdater``,
``training.Trainer`` and ``chainer.training.extensions`` (Evaluator, LogReport,
PrintReport, observe_lr, ExponentialShift, snapshot), then ``load_npz`` of the snapshot
into a new trainer that carries on.
"""

# Chainer is untyped (Any) to mypy: subclassing its classes is what these programs do.
# mypy: disable-error-code="misc"

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from typing import Any

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np
from chainer import datasets, iterators, optimizers, serializers, training
from chainer.training import extensions


class MLP(chainer.Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(2, 32)
            self.l2 = L.Linear(32, 2)

    def forward(self, x: Any) -> Any:
        return self.l2(F.tanh(self.l1(x)))


def rings(n: int, rng: np.random.RandomState) -> Any:
    radius = np.where(np.arange(n) % 2 == 0, 0.5, 1.0) + rng.randn(n) * 0.05
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype(np.float32)
    return datasets.TupleDataset(x, (np.arange(n) % 2).astype(np.int32))


def make_trainer(out: str, epochs: int, printed: io.StringIO) -> Any:
    rng = np.random.RandomState(0)
    train, test = rings(400, rng), rings(100, rng)
    model = L.Classifier(MLP())
    optimizer = optimizers.MomentumSGD(lr=0.2)
    optimizer.setup(model)
    train_iter = iterators.SerialIterator(train, 20, shuffle=False)
    test_iter = iterators.SerialIterator(test, 50, repeat=False, shuffle=False)
    updater = training.updaters.StandardUpdater(train_iter, optimizer)
    trainer = training.Trainer(updater, (epochs, "epoch"), out=out)
    trainer.extend(extensions.Evaluator(test_iter, model))
    trainer.extend(extensions.ExponentialShift("lr", 0.8), trigger=(5, "epoch"))
    trainer.extend(extensions.observe_lr())
    trainer.extend(extensions.LogReport())
    trainer.extend(
        extensions.PrintReport(
            ["epoch", "main/loss", "validation/main/accuracy", "lr"], out=printed
        )
    )
    trainer.extend(
        extensions.snapshot(filename="snapshot_epoch_{.updater.epoch}"), trigger=(10, "epoch")
    )
    return trainer, model


def main(out_dir: str) -> dict[str, Any]:
    np.random.seed(0)  # noqa: NPY002
    printed = io.StringIO()
    trainer, model = make_trainer(out_dir, 10, printed)
    trainer.run()
    log = trainer.get_extension("LogReport").log
    snapshot = os.path.join(out_dir, "snapshot_epoch_10")

    # A new process would do this: build the same trainer, load the snapshot, go on.
    np.random.seed(1)  # noqa: NPY002 - different initial weights: the snapshot must overwrite them
    resumed, resumed_model = make_trainer(out_dir, 15, io.StringIO())
    serializers.load_npz(snapshot, resumed)
    restored = {
        "iteration": resumed.updater.iteration,
        "epoch": resumed.updater.epoch,
        "lr": resumed.updater.get_optimizer("main").lr,
        "same_weights": bool(
            np.array_equal(resumed_model.predictor.l1.W.array, model.predictor.l1.W.array)
        ),
    }
    resumed.run()
    resumed_log = resumed.get_extension("LogReport").log
    return {
        "log": [
            {
                k: e[k]
                for k in ("epoch", "iteration", "main/loss", "validation/main/accuracy", "lr")
            }
            for e in log
        ],
        "printed": printed.getvalue(),
        "snapshot_exists": os.path.exists(snapshot),
        "restored": restored,
        "resumed_epochs": [e["epoch"] for e in resumed_log],
        "resumed_final_accuracy": resumed_log[-1]["validation/main/accuracy"],
    }


if __name__ == "__main__":
    json.dump(main(tempfile.mkdtemp()), sys.stdout)
