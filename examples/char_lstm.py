"""A character-level LSTM language model on Python source code, with truncated BPTT.

The corpus is a handful of modules from the standard library of the Python running this
script (every Python install has them; nothing is downloaded).  The model reads one
character at a time and predicts the next one:

    EmbedID(vocabulary, 128) -> LSTM(128, 256) -> Linear(256, vocabulary)

Training runs ``--batch-size`` streams in parallel, each through its own part of the
text.  Every ``--bptt`` characters the summed loss is backpropagated and then
``unchain_backward()`` cuts the graph behind it: the LSTM keeps its state (the
streams continue where they were), but the next backward pass stops here.  That is
truncated backpropagation through time, and it keeps memory constant however long
the text is.  At the end the script samples some Python from the model.

Usage::

    python examples/char_lstm.py [--device @numpy|@cupy:0|-1|0] [--epochs 6]
        [--out result/char_lstm] [--smoke]

Needs ``pip install 'kusari-training[progress]'`` (tqdm).
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
import math
import pathlib
import sys
import time
from collections.abc import Sequence

import numpy
import numpy.typing as npt
from tqdm.auto import tqdm

import kusari.functions as F
import kusari.links as L
from kusari import devices
from kusari.graph import Variable, VariableOrArray, as_array, no_backprop_mode, using_config
from kusari.optimizers import Adam
from kusari.optimizers.hooks import GradientClipping
from kusari.serializers import save_npz

CORPUS = (
    "textwrap.py",
    "string.py",
    "heapq.py",
    "shlex.py",
    "fnmatch.py",
    "glob.py",
    "colorsys.py",
    "copy.py",
    "bisect.py",
)


class CharLM(L.Chain):
    """Embedding, one LSTM layer and a linear read-out, one character per call."""

    def __init__(self, n_vocab: int, n_embed: int = 128, n_units: int = 256) -> None:
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_embed)
            self.lstm = L.LSTM(n_embed, n_units)
            self.out = L.Linear(n_units, n_vocab)

    def reset_state(self) -> None:
        self.lstm.reset_state()

    def forward(self, x: VariableOrArray) -> Variable:
        """Logits of the next character, for a batch of character ids ``x`` of shape (B,)."""
        h = self.lstm(F.dropout(self.embed(x), 0.1))
        logits: Variable = self.out(F.dropout(h, 0.1))
        return logits


def load_corpus(names: Sequence[str]) -> str:
    stdlib = pathlib.Path(os.__file__).parent
    texts = [(stdlib / name).read_text("utf-8") for name in names if (stdlib / name).is_file()]
    if not texts:
        raise SystemExit(f"none of {', '.join(names)} found in {stdlib}")
    return "\n".join(texts)


def streams(ids: npt.NDArray[numpy.int32], batch_size: int) -> npt.NDArray[numpy.int32]:
    """``ids`` cut into ``batch_size`` equal rows; row ``b`` is stream ``b``'s text."""
    length = len(ids) // batch_size
    return ids[: length * batch_size].reshape(batch_size, length)


def train_epoch(
    model: CharLM,
    optimizer: Adam,
    data: npt.NDArray[numpy.int32],
    bptt: int,
    device: devices.Device,
    desc: str,
    max_updates: int | None,
) -> float:
    """One pass over ``data`` (``(B, T)`` ids); returns the training perplexity."""
    model.reset_state()
    n_steps = data.shape[1] - 1
    n_updates = n_steps // bptt if max_updates is None else min(n_steps // bptt, max_updates)
    total_loss, total_steps = 0.0, 0
    with tqdm(range(n_updates), desc=desc, unit="update", leave=False) as bar:
        for update in bar:
            loss: Variable | None = None
            for step in range(update * bptt, (update + 1) * bptt):
                x = device.send(data[:, step])
                t = device.send(data[:, step + 1])
                step_loss = F.softmax_cross_entropy(model(x), t)
                loss = step_loss if loss is None else loss + step_loss
            assert loss is not None
            model.cleargrads()
            loss.backward()
            loss.unchain_backward()  # truncate: the next backward pass stops here
            optimizer.update()
            total_loss += float(loss.item())
            total_steps += bptt
            bar.set_postfix(perplexity=f"{math.exp(total_loss / total_steps):.2f}")
    return math.exp(total_loss / max(total_steps, 1))


def evaluate(model: CharLM, data: npt.NDArray[numpy.int32], device: devices.Device) -> float:
    """Perplexity on ``data`` (``(B, T)`` ids), in test mode and without a graph."""
    model.reset_state()
    total = 0.0
    with using_config("train", False), no_backprop_mode():
        for step in range(data.shape[1] - 1):
            y = model(device.send(data[:, step]))
            total += float(F.softmax_cross_entropy(y, device.send(data[:, step + 1])).item())
    return math.exp(total / max(data.shape[1] - 1, 1))


def sample(
    model: CharLM,
    chars: str,
    prime: str,
    length: int,
    temperature: float,
    device: devices.Device,
    rng: numpy.random.Generator,
) -> str:
    """Continue ``prime`` by ``length`` characters drawn from the model's predictions."""
    index = {c: i for i, c in enumerate(chars)}
    model.reset_state()
    text = list(prime)
    with using_config("train", False), no_backprop_mode():
        for c in prime[:-1]:
            model(device.send(numpy.array([index[c]], numpy.int32)))
        current = index[prime[-1]]
        for _ in range(length):
            logits = model(device.send(numpy.array([current], numpy.int32)))
            probs = devices.to_cpu(as_array(F.softmax(logits / temperature)))[0]
            probs = probs.astype(numpy.float64)
            current = int(rng.choice(len(chars), p=probs / probs.sum()))
            text.append(chars[current])
    return "".join(text)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=32, help="parallel text streams")
    parser.add_argument("--bptt", type=int, default=32, help="characters per backward pass")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("result/char_lstm"))
    parser.add_argument("--smoke", action="store_true", help="a few updates only (for CI)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers and dropout draw from it

    text = load_corpus(CORPUS[:2] if args.smoke else CORPUS)
    chars = "".join(sorted(set(text)))
    ids = numpy.array([chars.index(c) for c in text], numpy.int32)
    split = int(len(ids) * 0.95)
    train = streams(ids[:split], args.batch_size)
    valid = streams(ids[split:], args.batch_size)
    print(
        f"char_lstm: {len(text)} characters of Python ({len(chars)} distinct), "
        f"{train.shape[1]} steps per stream, device {device.name}"
    )

    model = CharLM(len(chars))
    model.to_device(device)
    optimizer = Adam(alpha=2e-3).setup(model)
    optimizer.add_hook(GradientClipping(5.0))

    epochs = 1 if args.smoke else args.epochs
    max_updates = 3 if args.smoke else None
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        desc = f"epoch {epoch}/{epochs}"
        train_ppl = train_epoch(model, optimizer, train, args.bptt, device, desc, max_updates)
        valid_ppl = evaluate(model, valid[:, :200] if args.smoke else valid, device)
        print(
            f"epoch {epoch}: training perplexity {train_ppl:.2f}, "
            f"validation perplexity {valid_ppl:.2f} ({time.perf_counter() - start:.0f} s)"
        )

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "char_lstm.npz"
    save_npz(path, model)
    print(f"saved {path}")
    rng = numpy.random.default_rng(0)
    length = 40 if args.smoke else 400
    print("sample:\n" + sample(model, chars, "def ", length, 0.7, device, rng))
    return 0


if __name__ == "__main__":
    sys.exit(main())
