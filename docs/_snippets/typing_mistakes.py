"""Mistakes that mypy --strict catches; the typing guide shows its report on this file."""

from __future__ import annotations

import numpy as np

import kusari.links as L
from kusari import optimizers

model = L.Linear(3, 2)
optimizer = optimizers.Adam().setup(model)

optimizer.alpha = "fast"  # a str where a float is expected
optimizer.hyperparam.aplha = 0.1  # a misspelt hyperparameter
model.W.array.sum()  # the array of a lazily sized parameter may be None
L.Linear(3, 2)(np.ones(3), axis=1)  # no such argument
