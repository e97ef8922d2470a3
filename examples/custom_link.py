"""Writing a Link: parameters, lazy initialization, persistent values, save and load.

``LowRankLinear`` is a fully connected layer whose weight is a product of two thin
matrices, ``y = (x V) U + b``: with ``rank`` much smaller than the sizes it has far
fewer parameters than ``Linear``.  It shows the parts of a custom link:

* parameters are registered by assigning them inside ``with self.init_scope():``;
* ``V`` is created *without a shape* and initialized at the first call, from the size
  of the input (as ``Linear(None, n)`` does);
* ``calls`` is a *persistent* value: saved and loaded with the parameters, moved
  between devices, but not learned.

A ``Chain`` of such links is trained on scikit-learn's digits, saved with ``save_npz``
and loaded into a freshly built model (whose ``V`` does not exist yet: loading creates
it), which must then predict exactly the same.

Usage::

    python examples/custom_link.py [--device @numpy|@cupy:0|-1|0] [--epochs 20]
        [--out result/custom_link] [--smoke]

Needs ``pip install 'kusari-training[progress,datasets]'``.
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
import numpy.typing as npt
from tqdm.auto import tqdm

import kusari.functions as F
import kusari.links as L
from kusari import devices, initializers
from kusari.datasets import get_digits
from kusari.graph import (
    Variable,
    VariableOrArray,
    as_array,
    config,
    no_backprop_mode,
    using_config,
)
from kusari.optimizers import Adam
from kusari.serializers import load_npz, save_npz


class LowRankLinear(L.Link):
    """``y = (x V) U + b`` with ``V: (in_size, rank)``, ``U: (rank, out_size)``."""

    def __init__(self, in_size: int | None, out_size: int, rank: int) -> None:
        super().__init__()  # first: it sets up the registries that init_scope fills
        self.rank = rank  # a plain attribute: neither learned nor saved
        with self.init_scope():
            # No shape: V stays uninitialized (V.array is None) until the first call.
            self.V = L.Parameter(initializers.LeCunNormal())
            self.U = L.Parameter(initializers.LeCunNormal(), (rank, out_size))
            self.b = L.Parameter(0.0, (out_size,))
        if in_size is not None:
            self.V.initialize((in_size, rank))
        self.add_persistent("calls", 0)  # saved and loaded, not learned
        self.calls: int

    def forward(self, x: VariableOrArray) -> Variable:
        if not self.V.is_initialized:
            self.V.initialize((x.shape[1], self.rank))
        if config.train:  # count training calls only
            self.calls += 1
        return F.matmul(F.matmul(x, self.V), self.U) + self.b


class Net(L.Chain):
    """Two low-rank layers and a linear read-out."""

    def __init__(self, n_units: int = 128, rank: int = 16, n_out: int = 10) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = LowRankLinear(None, n_units, rank)
            self.l2 = LowRankLinear(n_units, n_units, rank)
            self.out = L.Linear(n_units, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        logits: Variable = self.out(h)
        return logits


def as_arrays(dataset: Any) -> tuple[npt.NDArray[numpy.float32], npt.NDArray[numpy.int32]]:
    images, labels = zip(*(dataset[i] for i in range(len(dataset))), strict=True)
    return numpy.stack(images), numpy.asarray(labels)


def predict(model: Net, x: npt.NDArray[numpy.float32], device: devices.Device) -> Any:
    with using_config("train", False), no_backprop_mode():
        return devices.to_cpu(as_array(model(device.send(x))))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("result/custom_link"))
    parser.add_argument("--smoke", action="store_true", help="a few batches only (for CI)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers draw from the global generator

    train, test = get_digits()
    x_train, t_train = as_arrays(train)
    x_test, t_test = as_arrays(test)
    epochs = args.epochs
    if args.smoke:
        x_train, t_train, x_test, t_test = x_train[:128], t_train[:128], x_test[:64], t_test[:64]
        epochs = 1

    model = Net()
    print(f"before the first call: l1.V is {model.l1.V.array}, l2.V has shape {model.l2.V.shape}")
    model.to_device(device)
    optimizer = Adam().setup(model)
    rng = numpy.random.default_rng(0)
    with tqdm(range(epochs), desc="training", unit="epoch") as bar:
        for _ in bar:
            for batch in numpy.array_split(rng.permutation(len(x_train)), len(x_train) // 32):
                loss = F.softmax_cross_entropy(
                    model(device.send(x_train[batch])), device.send(t_train[batch])
                )
                model.cleargrads()
                loss.backward()
                optimizer.update()
            bar.set_postfix(loss=f"{float(loss.item()):.4f}")

    print(
        f"after training: l1.V has shape {model.l1.V.shape}, l1 was called {model.l1.calls} times"
    )
    n_params = sum(p.size for p in model.params())
    dense = 64 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10
    print(f"{n_params} parameters (a dense network of the same sizes has {dense}):")
    for path, param in model.namedparams():
        print(f"  {path:10s} {param.shape}")
    logits = predict(model, x_test, device)
    accuracy = float((logits.argmax(axis=1) == t_test).mean())
    print(f"validation accuracy {accuracy:.2%}")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "low_rank.npz"
    save_npz(path, model)
    fresh = Net()  # l1.V is uninitialized again, and calls == 0
    load_npz(path, fresh)  # creates l1.V from the file, restores the persistent values
    fresh.to_device(device)
    for (name, saved), (_, loaded) in zip(model.namedparams(), fresh.namedparams(), strict=True):
        if not numpy.array_equal(
            devices.to_cpu(as_array(saved)), devices.to_cpu(as_array(loaded))
        ):
            raise AssertionError(f"parameter {name} differs after loading {path}")
    if fresh.l1.calls != model.l1.calls:
        raise AssertionError(f"calls not restored: {fresh.l1.calls} != {model.l1.calls}")
    if not numpy.array_equal(predict(fresh, x_test, device), logits):
        raise AssertionError(f"the model loaded from {path} predicts differently")
    print(f"saved {path}; reloaded into a fresh Net: same parameters, calls and predictions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
