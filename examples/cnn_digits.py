"""A small convolutional network on scikit-learn's digits, trained with ``Trainer``.

The classic Chainer training script, in kusari: a ``Classifier`` around the network, an
``Adam`` optimizer, a ``StandardUpdater`` and a ``Trainer`` with the stock extensions:

* ``Evaluator``: validation loss and accuracy after each epoch (in test mode, so batch
  normalization uses its running averages);
* ``LogReport`` + ``PrintReport``: one line of numbers per epoch, and ``<out>/log``;
* ``ProgressBar``: a tqdm bar over the whole run;
* ``PlotReport``: ``<out>/loss.png`` and ``<out>/accuracy.png``;
* ``snapshot``: the whole trainer state each epoch, so ``--resume`` continues a run.

Usage::

    python examples/cnn_digits.py [--device @numpy|@cupy:0|-1|0] [--epochs 15]
        [--out result/cnn_digits] [--resume result/cnn_digits/snapshot_epoch_5] [--smoke]

Needs ``pip install 'kusari-training[progress,plot,datasets]'``.
"""

from __future__ import annotations

import os

# These models are small: a multithreaded BLAS spends more on handing work to its threads
# than it gains, and on a busy two-core machine it made training 5 to 20 times slower.
# Anything you set yourself wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import pathlib
import sys
from collections.abc import Sequence
from typing import Any

import numpy

import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.datasets import Dataset, SubDataset, get_digits
from kusari.graph import Variable, VariableOrArray
from kusari.iterators import SerialIterator, ShuffleOrderSampler
from kusari.optimizers import Adam
from kusari.serializers import load_npz, save_npz
from kusari.training import StandardUpdater, Trainer, extensions


class ConvNet(L.Chain):
    """conv3x3(16)-BN-ReLU, conv3x3(32)-BN-ReLU, maxpool 2x2, linear(64)-ReLU, linear(10)."""

    def __init__(self, n_out: int = 10) -> None:
        super().__init__()
        with self.init_scope():
            # nobias: the batch normalization right after has its own shift (beta).
            self.conv1 = L.Convolution2D(1, 16, ksize=3, pad=1, nobias=True)
            self.bn1 = L.BatchNormalization(16)
            self.conv2 = L.Convolution2D(16, 32, ksize=3, pad=1, nobias=True)
            self.bn2 = L.BatchNormalization(32)
            self.fc = L.Linear(None, 64)  # 32 * 4 * 4 inputs, inferred at the first call
            self.out = L.Linear(64, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        h = F.max_pooling_2d(h, 2)
        h = F.relu(self.fc(h))
        logits: Variable = self.out(h)
        return logits


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("result/cnn_digits"))
    parser.add_argument("--resume", type=pathlib.Path, help="a snapshot to continue from")
    parser.add_argument("--smoke", action="store_true", help="a few batches only (for CI)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers draw from the global generator

    train: Dataset[Any]
    test: Dataset[Any]
    train, test = get_digits(ndim=3)  # (1, 8, 8) images: channels first
    epochs = args.epochs
    if args.smoke:
        train, test = SubDataset(train, 0, 128), SubDataset(test, 0, 64)
        epochs = 1

    model = L.Classifier(ConvNet())
    model.to_device(device)
    optimizer = Adam().setup(model)
    train_iter = SerialIterator(
        train, args.batch_size, order_sampler=ShuffleOrderSampler(numpy.random.RandomState(0))
    )
    test_iter = SerialIterator(test, 256, repeat=False, shuffle=False)
    updater = StandardUpdater(train_iter, optimizer, device=device)
    trainer = Trainer(updater, (epochs, "epoch"), out=args.out)

    trainer.extend(extensions.Evaluator(test_iter, model, device=device))
    trainer.extend(extensions.LogReport())
    trainer.extend(
        extensions.PrintReport(
            [
                "epoch",
                "main/loss",
                "validation/main/loss",
                "main/accuracy",
                "validation/main/accuracy",
                "elapsed_time",
            ]
        )
    )
    trainer.extend(extensions.ProgressBar(update_interval=5))
    trainer.extend(
        extensions.PlotReport(["main/loss", "validation/main/loss"], filename="loss.png")
    )
    trainer.extend(
        extensions.PlotReport(
            ["main/accuracy", "validation/main/accuracy"], filename="accuracy.png"
        )
    )
    trainer.extend(extensions.snapshot(filename="snapshot_epoch_{.updater.epoch}"))

    if args.resume is not None:
        load_npz(args.resume, trainer)
        print(f"resumed from {args.resume} at epoch {updater.epoch}")
    print(f"cnn_digits: {len(train)} training images, device {device.name}")
    trainer.run()

    path = args.out / "convnet.npz"
    save_npz(path, model.predictor)
    accuracy = trainer.observation.get("validation/main/accuracy")
    if accuracy is not None:
        print(f"final validation accuracy {float(accuracy):.2%}; saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
