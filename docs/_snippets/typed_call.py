"""Typing calls to your own link; the typing guide runs mypy on this file."""

from __future__ import annotations

from typing import TYPE_CHECKING, reveal_type

import numpy as np

import kusari.functions as F
import kusari.links as L
from kusari.graph import Variable, VariableOrArray


class Untyped(L.Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 4)

    def forward(self, x: VariableOrArray) -> Variable:
        return F.relu(self.l1(x))


class Typed(Untyped):
    if TYPE_CHECKING:  # seen by mypy only: at run time Link.__call__ runs hooks + forward

        def __call__(self, x: VariableOrArray) -> Variable: ...


x = np.ones((2, 3), np.float32)
reveal_type(Untyped()(x))
reveal_type(Typed()(x))
