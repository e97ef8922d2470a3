"""Chainer 7 program: configuration, train/test mode and no-backprop mode.

Plain Chainer code (it runs unmodified on Chainer 7.8.1): ``chainer.config``,
``chainer.using_config``, a custom configuration key, ``no_backprop_mode`` and
``force_backprop_mode``, and how ``F.dropout`` and ``L.BatchNormalization`` change
between training and test mode.
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


def main(out_dir: str) -> dict[str, Any]:
    np.random.seed(0)  # noqa: NPY002
    x = np.random.RandomState(0).randn(8, 5).astype(np.float32) + 3
    result: dict[str, Any] = {"train_default": chainer.config.train}

    # Dropout drops in training mode and is the identity in test mode.
    dropped = F.dropout(x, 0.5)
    with chainer.using_config("train", False):
        result["train_inside"] = chainer.config.train
        kept = F.dropout(x, 0.5)
    result["train_after"] = chainer.config.train
    result["dropout_zeros_in_training"] = int((dropped.array == 0).sum())
    result["dropout_scales_the_rest"] = bool(
        np.allclose(dropped.array[dropped.array != 0], 2 * x[dropped.array != 0])
    )
    result["dropout_test_is_identity"] = bool(np.array_equal(kept.array, x))

    # BatchNormalization: batch statistics in training, running averages in test mode.
    bn = L.BatchNormalization(5)
    for _ in range(50):
        bn(x)
    normalized = bn(x).array
    with chainer.using_config("train", False):
        tested = bn(x).array
    result["bn_train_mean"] = float(np.abs(normalized.mean(axis=0)).max())
    result["bn_running_mean"] = bn.avg_mean.tolist()
    result["bn_test_matches_running_stats"] = bool(
        np.allclose(tested, (x - bn.avg_mean) / np.sqrt(bn.avg_var + bn.eps), atol=1e-5)
    )

    # No graph in no-backprop mode, unless forced back on.
    v = chainer.Variable(x)
    with chainer.no_backprop_mode():
        result["enable_backprop_inside"] = chainer.config.enable_backprop
        h = F.sum(v * 2)
        with chainer.force_backprop_mode():
            forced = F.sum(v * 2)
    result["no_backprop_creator_is_none"] = h.creator is None
    result["forced_creator_is_none"] = forced.creator is None
    forced.backward()
    result["forced_grad"] = float(v.grad[0, 0])

    # Custom keys, global and scoped.
    chainer.global_config.my_flag = "global"
    result["my_flag"] = chainer.config.my_flag
    with chainer.using_config("my_flag", "scoped"):
        result["my_flag_scoped"] = chainer.config.my_flag
    result["my_flag_after"] = chainer.config.my_flag
    del chainer.global_config.my_flag
    try:
        chainer.config.my_flag  # noqa: B018
        result["my_flag_deleted"] = False
    except AttributeError:
        result["my_flag_deleted"] = True
    return result


if __name__ == "__main__":
    json.dump(main(tempfile.mkdtemp()), sys.stdout)
