"""kusari's demo: train two digit classifiers, save them, reload them, plot them.

The data are the 8x8 handwritten digits that ship with scikit-learn (1797 images, 10
classes; nothing is downloaded), split 80/20 into training and validation sets.  Two
models are trained, one after the other, with kusari's ``Trainer``:

* ``mlp``: a multilayer perceptron, 64 -> 128 -> 128 -> 10 with ReLU;
* ``cnn``: two 3x3 convolutions, a 2x2 max pooling and two linear layers.

For each model the script shows a progress bar (epoch, running loss and accuracy,
validation accuracy, iterations per second), prints the validation accuracy, saves the
weights with ``save_npz``, loads them into a freshly built model and checks that the
reloaded model predicts exactly the same, and at the end draws the loss and accuracy
curves of both models into ``<out>/digits.png``.

Usage::

    python examples/demo.py                    # the first GPU if CuPy sees one, else the CPU
    python examples/demo.py --device @numpy    # Chainer's device specs: @numpy, @cupy:0, -1, 0
    python examples/demo.py --epochs 5 --out /tmp/digits
    python examples/demo.py --smoke            # a few batches: checks that everything runs

It needs the optional extras of kusari-training (``nox -s demo`` installs them)::

    pip install 'kusari-training[progress,plot,datasets]'

Why the Trainer and not a hand-written loop: the loop itself is three lines (see
``mlp_digits.py``), but evaluation after every epoch, the log, the progress bar and the
snapshotting are what make a training script long.  The Trainer runs them as extensions,
and the progress bar below shows how small writing one's own extension is.
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
import importlib.util
import pathlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import numpy.typing as npt

import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.datasets import Dataset, SubDataset, get_digits
from kusari.graph import Variable, VariableOrArray, as_array, no_backprop_mode, using_config
from kusari.iterators import SerialIterator, ShuffleOrderSampler
from kusari.links import Chain, Link
from kusari.optimizers import Adam
from kusari.serializers import load_npz, save_npz
from kusari.training import PRIORITY_READER, Extension, StandardUpdater, Trainer, extensions

EPOCHS = 20
BATCH_SIZE = 32
TARGET_ACCURACY = 0.95
EXTRAS_HINT = (
    "pip install 'kusari-training[progress,plot,datasets]' (or run the demo with: nox -s demo)"
)


class MLP(Chain):
    """A multilayer perceptron: 64 -> 128 -> 128 -> 10, ReLU in between."""

    def __init__(self, n_units: int = 128, n_out: int = 10) -> None:
        super().__init__()
        with self.init_scope():
            # in_size=None: the first call infers it from the input (64 pixels here).
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(n_units, n_units)
            self.l3 = L.Linear(n_units, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        logits: Variable = self.l3(h)
        return logits


class CNN(Chain):
    """Two 3x3 convolutions (16 and 32 channels), 2x2 max pooling, 64 hidden units."""

    def __init__(self, n_out: int = 10) -> None:
        super().__init__()
        with self.init_scope():
            self.conv1 = L.Convolution2D(1, 16, ksize=3, pad=1)
            self.conv2 = L.Convolution2D(16, 32, ksize=3, pad=1)
            self.fc = L.Linear(None, 64)
            self.out = L.Linear(64, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        h = F.relu(self.conv1(x))  # (N, 16, 8, 8)
        h = F.max_pooling_2d(F.relu(self.conv2(h)), 2)  # (N, 32, 4, 4)
        h = F.relu(self.fc(h))  # Linear flattens the feature axes itself
        logits: Variable = self.out(h)
        return logits


class TqdmProgress(Extension):
    """One tqdm bar over the whole run: epoch, running loss and accuracy, validation.

    ``kusari.training.extensions.ProgressBar`` draws the position only; this extension
    also reads what the model reported in the iteration (``main/loss``, ``main/accuracy``
    from ``Classifier``) and what the ``Evaluator`` reported at the end of each epoch.
    """

    trigger = (1, "iteration")
    # Readers run after writers such as the Evaluator: at the end of an epoch the
    # validation accuracy of that epoch is already in the observation.
    priority = PRIORITY_READER

    def __init__(self, name: str, total_iterations: int, epochs: int) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=total_iterations, desc=f"{name:>4}", unit="it", leave=True)
        self._epochs = epochs
        self._loss = 0.0
        self._accuracy = 0.0
        self._count = 0
        self._validation = "-"

    def __call__(self, trainer: Trainer) -> None:
        observation = trainer.observation
        self._loss += _scalar(observation["main/loss"])
        self._accuracy += _scalar(observation["main/accuracy"])
        self._count += 1
        updater = trainer.updater
        if updater.is_new_epoch and "validation/main/accuracy" in observation:
            self._validation = f"{_scalar(observation['validation/main/accuracy']):.3f}"
        self._bar.set_postfix_str(
            f"epoch {min(updater.epoch_detail, self._epochs):.1f}/{self._epochs} "
            f"loss {self._loss / self._count:.3f} acc {self._accuracy / self._count:.3f} "
            f"val_acc {self._validation}",
            refresh=False,
        )
        self._bar.update(1)
        if updater.is_new_epoch:  # running means restart with each epoch
            self._loss = self._accuracy = 0.0
            self._count = 0

    def finalize(self) -> None:
        self._bar.close()


def _scalar(value: Any) -> float:
    """A reported value (a Variable, a 0-d NumPy or CuPy array, a number) as a float."""
    return float(as_array(value) if isinstance(value, Variable) else value)


@dataclass(frozen=True)
class Result:
    name: str
    accuracy: float
    n_correct: int
    n_total: int
    seconds: float
    iterations: int
    log: list[dict[str, Any]]


def predict(
    predictor: Link, x: npt.NDArray[numpy.float32], device: devices.Device
) -> npt.NDArray[Any]:
    """The logits of ``predictor`` for ``x``, on the host, computed in test mode."""
    with using_config("train", False), no_backprop_mode():
        logits: Variable = predictor(device.send(x))
    return devices.to_cpu(as_array(logits))


def train_one(
    name: str,
    make_predictor: Callable[[], Chain],
    train: Dataset[Any],
    test: Dataset[Any],
    device: devices.Device,
    epochs: int,
    out: pathlib.Path,
) -> Result:
    """Train, evaluate, save, reload and compare one model; return its numbers."""
    numpy.random.seed(0)  # noqa: NPY002 - initializers draw from the global generator
    model = L.Classifier(make_predictor())
    model.to_device(device)
    optimizer = Adam(alpha=1e-3).setup(model)

    order = ShuffleOrderSampler(numpy.random.RandomState(0))
    train_iter = SerialIterator(train, BATCH_SIZE, order_sampler=order)
    test_iter = SerialIterator(test, 512, repeat=False, shuffle=False)
    updater = StandardUpdater(train_iter, optimizer, device=device)
    trainer = Trainer(updater, (epochs, "epoch"), out=out)
    log = extensions.LogReport(filename=f"{name}-log.json")
    trainer.extend(extensions.Evaluator(test_iter, model, device=device))
    trainer.extend(log)
    iterations = -(-epochs * len(train) // BATCH_SIZE)  # batches run across epochs
    trainer.extend(TqdmProgress(name, iterations, epochs))

    start = time.perf_counter()
    trainer.run()
    seconds = time.perf_counter() - start

    x_test, t_test = _arrays(test)
    logits = predict(model.predictor, x_test, device)
    n_correct = int((logits.argmax(axis=1) == t_test).sum())
    print(
        f"{name}: validation accuracy {n_correct / len(t_test):.2%} "
        f"({n_correct}/{len(t_test)}), {iterations} iterations in {seconds:.1f} s"
    )

    # Save, then load into a model built from scratch.  Its first layer has not seen an
    # input yet (in_size=None), so load_npz also initializes the parameter from the file.
    path = out / f"{name}.npz"
    save_npz(path, model)
    fresh = L.Classifier(make_predictor())
    load_npz(path, fresh)
    fresh.to_device(device)
    reloaded = predict(fresh.predictor, x_test, device)
    if not numpy.array_equal(reloaded, logits):
        worst = float(numpy.abs(reloaded - logits).max())
        raise AssertionError(
            f"{name}: the model reloaded from {path} predicts differently from the trained "
            f"one (largest logit difference {worst:g}); save_npz/load_npz lost something"
        )
    print(f"{name}: reloaded from {path}: predicts the same on all {len(t_test)} examples")
    return Result(
        name=name,
        accuracy=n_correct / len(t_test),
        n_correct=n_correct,
        n_total=len(t_test),
        seconds=seconds,
        iterations=iterations,
        log=log.log,
    )


def _arrays(
    dataset: Dataset[Any],
) -> tuple[npt.NDArray[numpy.float32], npt.NDArray[numpy.int32]]:
    xs, ts = zip(*(dataset[i] for i in range(len(dataset))), strict=True)
    return numpy.stack(xs), numpy.asarray(ts)


def plot(results: Sequence[Result], path: pathlib.Path) -> None:
    """Loss and accuracy per epoch of every model, side by side, as a PNG (Agg backend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4), layout="constrained")
    FigureCanvasAgg(figure)  # render off screen, whatever backend the user configured
    loss_axes, accuracy_axes = figure.subplots(1, 2)
    for result, color in zip(results, ("tab:blue", "tab:orange"), strict=False):
        epoch = [entry["epoch"] for entry in result.log]
        for key, style, label in (("main/", "-", "train"), ("validation/main/", "--", "val")):
            loss_axes.plot(
                epoch,
                [entry[key + "loss"] for entry in result.log],
                style,
                color=color,
                label=f"{result.name} {label}",
            )
            accuracy_axes.plot(
                epoch,
                [entry[key + "accuracy"] for entry in result.log],
                style,
                color=color,
                label=f"{result.name} {label}",
            )
    loss_axes.set(xlabel="epoch", ylabel="loss", yscale="log", title="softmax cross entropy")
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for axes in (loss_axes, accuracy_axes):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(True, alpha=0.3)
        axes.legend()
    figure.savefig(path, dpi=100)


def default_device() -> str:
    return "@cupy:0" if devices.cuda.available else "@numpy"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train an MLP and a CNN on scikit-learn's digits with kusari."
    )
    parser.add_argument(
        "--device",
        default=None,
        help="@numpy, @cupy:N, or an integer (-1 = CPU); default: @cupy:0 when CuPy sees "
        "a GPU, else @numpy",
    )
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs per model")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("demo-output"))
    parser.add_argument(
        "--smoke", action="store_true", help="a few batches on a small subset (for CI)"
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    missing = [m for m in ("tqdm", "matplotlib", "sklearn") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"the demo needs {', '.join(missing)}: {EXTRAS_HINT}", file=sys.stderr)
        return 2
    try:
        device = devices.get_device(args.device or default_device())
    except (ValueError, RuntimeError) as error:  # an unknown spec; CUDA without CuPy
        print(f"demo.py: --device: {error}", file=sys.stderr)
        return 2
    epochs = 1 if args.smoke else args.epochs
    out: pathlib.Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    print(f"kusari demo: digits, device {device.name}, {epochs} epoch(s) per model, out {out}")

    models: list[tuple[str, Callable[[], Chain], int]] = [("mlp", MLP, 1), ("cnn", CNN, 3)]
    results: list[Result] = []
    for name, make_predictor, ndim in models:
        train: Dataset[Any]
        test: Dataset[Any]
        train, test = get_digits(ndim=ndim)  # pixels scaled to [0, 1]
        if args.smoke:
            train, test = SubDataset(train, 0, 4 * BATCH_SIZE), SubDataset(test, 0, 64)
        print(f"{name}: {len(train)} training and {len(test)} validation images")
        results.append(train_one(name, make_predictor, train, test, device, epochs, out))

    plot_path = out / "digits.png"
    plot(results, plot_path)
    print(f"plot: {plot_path}")

    if args.smoke or epochs < EPOCHS:
        return 0  # the target below holds for the full schedule
    below = [r for r in results if r.accuracy < TARGET_ACCURACY]
    for r in below:
        print(
            f"{r.name}: validation accuracy {r.accuracy:.2%} is below the expected "
            f"{TARGET_ACCURACY:.0%}",
            file=sys.stderr,
        )
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
