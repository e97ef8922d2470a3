"""A multilayer perceptron on scikit-learn's digits, with the training loop spelled out.

This is the loop that ``Trainer`` runs for you (see ``cnn_digits.py`` for that version):
shuffle, slice a minibatch, send it to the device, forward, loss, ``cleargrads``,
``backward``, ``update``; after each epoch, evaluate in test mode without building a
graph.  At the end the model is saved with ``save_npz``.

Usage::

    python examples/mlp_digits.py [--device @numpy|@cupy:0|-1|0] [--epochs 20]
        [--out result/mlp_digits] [--smoke]

Needs ``pip install 'kusari-training[progress,datasets]'`` (tqdm and scikit-learn).
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
import time
from collections.abc import Sequence
from typing import Any

import numpy
import numpy.typing as npt
from tqdm.auto import tqdm

import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.datasets import get_digits
from kusari.graph import Variable, VariableOrArray, no_backprop_mode, using_config
from kusari.optimizers import Adam
from kusari.serializers import save_npz


class MLP(L.Chain):
    """``n_in -> n_units -> n_units -> n_out`` with ReLU in between."""

    def __init__(self, n_units: int, n_out: int) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)  # in_size inferred at the first call
            self.l2 = L.Linear(n_units, n_units)
            self.l3 = L.Linear(n_units, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        logits: Variable = self.l3(h)
        return logits


def as_arrays(
    dataset: Any,
) -> tuple[npt.NDArray[numpy.float32], npt.NDArray[numpy.int32]]:
    """A TupleDataset of (image, label) pairs as two stacked arrays."""
    images, labels = zip(*(dataset[i] for i in range(len(dataset))), strict=True)
    return numpy.stack(images), numpy.asarray(labels)


def evaluate(
    model: MLP,
    x: npt.NDArray[numpy.float32],
    t: npt.NDArray[numpy.int32],
    device: devices.Device,
) -> tuple[float, float]:
    """Mean loss and accuracy over ``(x, t)``, in test mode and without a graph."""
    with using_config("train", False), no_backprop_mode():
        y = model(device.send(x))
        t_device = device.send(t)
        loss = F.softmax_cross_entropy(y, t_device)
        accuracy = F.accuracy(y, t_device)
    return float(loss.item()), float(accuracy.item())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("result/mlp_digits"))
    parser.add_argument("--smoke", action="store_true", help="a few batches only (for CI)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    spec = args.device or ("@cupy:0" if devices.cuda.available else "@numpy")
    device = devices.get_device(spec)
    numpy.random.seed(0)  # noqa: NPY002 - initializers draw from the global generator

    train, test = get_digits()  # 64 pixels per image, scaled to [0, 1]
    x_train, t_train = as_arrays(train)
    x_test, t_test = as_arrays(test)
    epochs, batch_size = args.epochs, args.batch_size
    if args.smoke:
        x_train, t_train, x_test, t_test = x_train[:128], t_train[:128], x_test[:64], t_test[:64]
        epochs = 1

    model = MLP(args.units, 10)
    model.to_device(device)
    optimizer = Adam().setup(model)
    rng = numpy.random.default_rng(0)
    print(f"mlp_digits: {len(x_train)} training images, device {device.name}")

    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        starts = range(0, len(order), batch_size)
        total_loss = total_correct = 0.0
        seen = 0
        with tqdm(starts, desc=f"epoch {epoch}/{epochs}", unit="batch", leave=False) as bar:
            for i in bar:
                batch = order[i : i + batch_size]
                x, t = device.send(x_train[batch]), device.send(t_train[batch])
                y = model(x)
                loss = F.softmax_cross_entropy(y, t)
                model.cleargrads()  # gradients accumulate otherwise
                loss.backward()
                optimizer.update()
                # Reading the loss copies it to the host; fine at this size.
                total_loss += float(loss.item()) * len(batch)
                total_correct += float(F.accuracy(y, t).item()) * len(batch)
                seen += len(batch)
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{total_correct / seen:.3f}")
        val_loss, val_accuracy = evaluate(model, x_test, t_test, device)
        print(
            f"epoch {epoch:3d}  loss {total_loss / seen:.4f}  accuracy {total_correct / seen:.4f}"
            f"  validation loss {val_loss:.4f}  validation accuracy {val_accuracy:.4f}"
        )
    seconds = time.perf_counter() - start

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "mlp.npz"
    save_npz(path, model)
    print(f"final validation accuracy {val_accuracy:.2%} after {seconds:.1f} s; saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
