"""Writing a dataset: a ``TabularDataset`` that reads rows of a CSV file on demand.

A ``TabularDataset`` is a table of named columns.  A subclass says how long it is, what
its columns are called (``keys``), how an example looks (``mode``: a dict here) and how to
read *some rows of some columns at once* (``get_examples``); everything else comes with
the base class:

* ``table.slice[rows, keys]``: a lazy view of some rows and columns (nothing is read);
* ``fetch()`` and ``convert()``: a view's rows column by column, in one ``get_examples``
  call, then as arrays (a whole minibatch without touching examples one at a time);
* ``transform_batch(keys, function)``: derived columns computed a batch at a time
  (here: standardized features stacked into ``x``, the class as ``t``);
* ``table[i]`` and ``asdict()`` / ``astuple()``: single examples, so the iterators and
  ``concat_examples`` work as with any dataset.

The file is scikit-learn's bundled wine table (178 wines, 13 measurements, 3 cultivars),
written to ``<out>/wine.csv`` so that there is a file to read.  ``CSVTable`` indexes the
byte offset of each line once and afterwards reads only the lines and columns asked for,
as a dataset too large for memory would.  A small MLP then learns the cultivar from the
measurements, minibatches coming from ``slice`` / ``fetch`` / ``convert``: it classifies
33 of the 36 validation wines correctly (so does scikit-learn's logistic regression on
this split; other splits reach 97 to 100 %).

Usage::

    python examples/custom_dataset_tabular.py [--device @numpy|@cupy:0|-1|0]
        [--epochs 40] [--out result/custom_dataset_tabular] [--smoke]

Needs ``pip install 'kusari-training[datasets]'`` (scikit-learn).
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
import csv
import importlib
import pathlib
import sys
from collections.abc import Sequence
from typing import Any

import numpy
import numpy.typing as npt

import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.datasets import TabularDataset
from kusari.graph import Variable, VariableOrArray, no_backprop_mode
from kusari.iterators import SerialIterator
from kusari.optimizers import Adam
from kusari.training import concat_examples

LABEL = "cultivar"


class CSVTable(TabularDataset[dict[str, Any]]):
    """The rows of a numeric CSV file with a header line, read on demand.

    The last column is an integer label (int32); the others are float32 measurements.
    ``reads`` and ``rows_read`` count the ``get_examples`` calls and the lines parsed.
    """

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.reads = self.rows_read = 0
        with path.open("rb") as file:
            header = file.readline().decode("utf-8").strip()
            self._keys = tuple(header.split(","))
            self._offsets: list[int] = []
            while line := file.readline():
                if line.strip():
                    self._offsets.append(file.tell() - len(line))
        if self._keys[-1] != LABEL:
            raise ValueError(f"{path}: the last column must be {LABEL!r}, got {self._keys[-1]!r}")

    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def keys(self) -> tuple[str, ...]:
        return self._keys

    @property
    def mode(self) -> type[dict[str, Any]]:
        return dict

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[npt.NDArray[Any], ...]:
        """Parse the lines ``indices`` and return the columns ``key_indices`` as arrays."""
        rows = range(len(self)) if indices is None else indices
        if isinstance(rows, slice):
            rows = range(len(self))[rows]
        columns = range(len(self._keys)) if key_indices is None else key_indices
        values = numpy.empty((len(rows), len(columns)), numpy.float64)
        with self.path.open("rb") as file:
            for out, row in enumerate(rows):
                file.seek(self._offsets[row])
                fields = file.readline().split(b",")
                if len(fields) != len(self._keys):
                    raise ValueError(
                        f"{self.path}: line {row + 2} has {len(fields)} fields, "
                        f"expected {len(self._keys)}"
                    )
                values[out] = [float(fields[c]) for c in columns]
        self.reads += 1
        self.rows_read += len(rows)
        label = len(self._keys) - 1
        return tuple(
            values[:, j].astype(numpy.int32 if c == label else numpy.float32)
            for j, c in enumerate(columns)
        )


def write_wine_csv(path: pathlib.Path) -> None:
    """scikit-learn's wine table as CSV: 13 measurements, then the cultivar (0, 1 or 2)."""
    # scikit-learn has no type information: import it by name, its values are Any.
    wine = importlib.import_module("sklearn.datasets").load_wine()
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([name.replace("/", "_") for name in wine.feature_names] + [LABEL])
        for features, label in zip(wine.data.tolist(), wine.target.tolist(), strict=True):
            writer.writerow([*features, label])


def standardizer(
    train: TabularDataset[Any], features: tuple[str, ...]
) -> tuple[npt.NDArray[numpy.float32], npt.NDArray[numpy.float32]]:
    """The mean and standard deviation of each feature over ``train`` (one fetch)."""
    columns = train.slice[:, features].fetch()  # a dict: one array per feature
    stacked = numpy.stack([columns[key] for key in features], axis=1)
    return stacked.mean(axis=0), stacked.std(axis=0)


class MLP(L.Chain):
    """``n_in -> n_units -> n_out`` with ReLU."""

    def __init__(self, n_units: int, n_out: int) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(n_units, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        logits: Variable = self.l2(F.relu(self.l1(x)))
        return logits


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("result/custom_dataset_tabular")
    )
    parser.add_argument("--smoke", action="store_true", help="fewer epochs (for CI)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers draw from the global generator
    rng = numpy.random.default_rng(0)

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "wine.csv"
    write_wine_csv(path)
    table = CSVTable(path)
    features = table.keys[:-1]
    print(
        f"custom_dataset_tabular: {len(table)} rows of {len(table.keys)} columns "
        f"({', '.join(table.keys[:2])}, ..., {', '.join(table.keys[-2:])}) in {path}, "
        f"device {device.name}"
    )
    first = table.slice[:1, (features[0], LABEL)].asdict()[0]
    print(f"first row: {features[0]} {first[features[0]]:.2f}, {LABEL} {first[LABEL]}")

    # Views: a random 80/20 split; nothing is read yet.
    order = rng.permutation(len(table))
    n_train = int(0.8 * len(table))
    train, test = table.slice[order[:n_train]], table.slice[order[n_train:]]
    mean, std = standardizer(train, features)

    def to_model_input(**columns: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], ...]:
        x = numpy.stack([columns[key] for key in features], axis=1)
        return ((x - mean) / std).astype(numpy.float32), columns[LABEL]

    train_xt = train.transform_batch(("x", "t"), to_model_input)
    test_xt = test.transform_batch(("x", "t"), to_model_input)
    # Reading the mode calls to_model_input on the first row, to see that it returns tuples.
    mode = "tuple" if train_xt.mode is tuple else "dict"
    print(
        f"{len(train_xt)} training and {len(test_xt)} validation rows; "
        f"transformed keys {train_xt.keys}, mode {mode}"
    )

    # One example at a time (what the iterators do) against one fetch for the batch.
    reads = table.reads
    iterator = SerialIterator(train_xt, args.batch_size, repeat=False, shuffle=False)
    x_examples, t_examples = concat_examples(iterator.next())
    per_example = table.reads - reads
    batch = train_xt.slice[: args.batch_size]
    reads = table.reads
    x_batch, t_batch = batch.convert(batch.fetch())
    same = numpy.array_equal(x_examples, x_batch) and numpy.array_equal(t_examples, t_batch)
    print(
        f"a batch of {args.batch_size}: {per_example} get_examples calls through "
        f"SerialIterator, {table.reads - reads} through fetch(), same arrays: {same}"
    )

    model = MLP(32, 3)
    model.to_device(device)
    optimizer = Adam(alpha=1e-3).setup(model)
    epochs = 20 if args.smoke else args.epochs
    rows_before = table.rows_read
    for epoch in range(1, epochs + 1):
        shuffled = rng.permutation(len(train_xt))
        total = 0.0
        for i in range(0, len(shuffled), args.batch_size):
            batch = train_xt.slice[shuffled[i : i + args.batch_size]]
            x, t = batch.convert(batch.fetch())
            loss = F.softmax_cross_entropy(model(device.send(x)), device.send(t))
            model.cleargrads()
            loss.backward()
            optimizer.update()
            total += float(loss.item()) * len(t)
        if epoch == 1 or epoch % 10 == 0 or epoch == epochs:
            print(f"epoch {epoch:3d}  loss {total / len(train_xt):.4f}")
    print(f"training parsed {table.rows_read - rows_before} lines ({epochs} x {len(train_xt)})")

    x_test, t_test = test_xt.convert(test_xt.fetch())
    with no_backprop_mode():
        accuracy = F.accuracy(model(device.send(x_test)), device.send(t_test))
    print(f"validation accuracy {float(accuracy.item()):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
