"""Chainer 7 program: an LSTM learns a repeating text, with truncated BPTT.

Plain Chainer code (it runs unmodified on Chainer 7.8.1): ``L.EmbedID``, ``L.LSTM`` (with
its state and ``reset_state``), the loss summed over ``bprop_len`` steps, then
``backward()``, ``unchain_backward()`` and ``optimizer.update()``.
"""

# Chainer is untyped (Any) to mypy: subclassing its classes is what these programs do.
# mypy: disable-error-code="misc"

from __future__ import annotations

import json
import sys
import tempfile
from typing import Any

import chainer
import chainer.functions as F
import chainer.links as L
import numpy as np
from chainer import optimizers

TEXT = "the quick brown fox jumps over the lazy dog. "


class RNNLM(chainer.Chain):
    def __init__(self, n_vocab: int, n_units: int) -> None:
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_units)
            self.lstm = L.LSTM(n_units, n_units)
            self.out = L.Linear(n_units, n_vocab)

    def reset_state(self) -> None:
        self.lstm.reset_state()

    def forward(self, x: Any) -> Any:
        return self.out(self.lstm(self.embed(x)))


def main(out_dir: str) -> dict[str, Any]:
    np.random.seed(0)  # noqa: NPY002
    chars = sorted(set(TEXT))
    ids = np.array([chars.index(c) for c in TEXT * 40], dtype=np.int32)
    batch_size, bprop_len = 4, 15
    # Each of the streams reads the text from its own offset.
    offsets = [i * len(ids) // batch_size for i in range(batch_size)]

    model = RNNLM(len(chars), 32)
    optimizer = optimizers.Adam(alpha=0.01)
    optimizer.setup(model)
    optimizer.add_hook(chainer.optimizer_hooks.GradientClipping(5.0))

    losses = []
    truncated = []
    step = 0
    for _ in range(60):
        loss: Any = 0
        for _ in range(bprop_len):
            x = ids[[(o + step) % len(ids) for o in offsets]]
            t = ids[[(o + step + 1) % len(ids) for o in offsets]]
            loss += F.softmax_cross_entropy(model(x), t)
            step += 1
        model.cleargrads()
        loss.backward()
        loss.unchain_backward()  # the LSTM state stays; the graph behind it goes
        optimizer.update()
        losses.append(float(loss.array) / bprop_len)
        truncated.append(loss.creator is None and model.lstm.h.creator is None)

    # Greedy next-character accuracy over two cycles of the text, after a warm-up.
    model.reset_state()
    correct = 0
    with chainer.using_config("train", False), chainer.no_backprop_mode():
        sequence = ids[: 3 * len(TEXT) + 1]
        for i in range(len(sequence) - 1):
            y = model(sequence[i : i + 1])
            if i >= len(TEXT):
                correct += int(y.array.argmax() == sequence[i + 1])
    return {
        "losses": losses,
        "truncated": truncated,
        "accuracy": correct / (2 * len(TEXT)),
        "state_shape": list(model.lstm.h.shape),
    }


if __name__ == "__main__":
    json.dump(main(tempfile.mkdtemp()), sys.stdout)
