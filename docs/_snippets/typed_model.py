"""User code as mypy --strict sees it; the typing guide runs mypy on this file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_type

import numpy as np
import numpy.typing as npt

import kusari.functions as F
import kusari.links as L
from kusari import optimizers
from kusari.graph import Variable, VariableOrArray
from kusari.links import Parameter


class MLP(L.Chain):
    def __init__(self, n_hidden: int, n_out: int) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_hidden)
            self.l2 = L.Linear(n_hidden, n_out)

    def forward(self, x: VariableOrArray) -> Variable:
        return self.l2(F.relu(self.l1(x)))


x: npt.NDArray[np.float32] = np.ones((4, 3), np.float32)
model = MLP(8, 2)

# Functions and links return Variables.
assert_type(F.relu(x), Variable)
assert_type(model.l1(x), Variable)
assert_type(model.forward(x), Variable)
assert_type(F.sum(model.forward(x) ** 2), Variable)

# Parameters are Parameters, and iterating a link says so.
assert_type(model.params(), Iterator[Parameter])
assert_type(model.l1.W, Parameter)
for name, param in model.namedparams():
    assert_type(name, str)
    assert_type(param, Parameter)

# setup() returns the optimizer's own type, with typed hyperparameters.
optimizer = optimizers.Adam(alpha=1e-3).setup(model)
assert_type(optimizer, optimizers.Adam)
assert_type(optimizer.alpha, float)
assert_type(optimizer.amsgrad, bool)
assert_type(optimizer.hyperparam, optimizers.AdamHyperparameter)
