"""A differentiable symmetric eigendecomposition (private, for the decorrelated BN).

The backward pass is written with differentiable functions of the outputs, so the
decomposition can be differentiated to any order.  It is undefined for repeated
eigenvalues (as every eigenvector derivative is).
"""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable

from ..array import _shape_check
from ..array.expand_dims import expand_dims
from ..array.swapaxes import swapaxes
from ..math.matmul import matmul

__all__ = ["Eigh", "eigh"]


@final
class Eigh(FunctionNode):
    """``w, U = eigh(A)`` of a stack of symmetric matrices ``(..., k, k)`` (lower triangle)."""

    __slots__ = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """The ascending eigenvalues ``(..., k)`` and the eigenvectors (columns)."""
        self.retain_outputs((0, 1))
        xp = _shape_check.xp_of(inputs[0])
        w, u = xp.linalg.eigh(inputs[0])
        return w, u

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``U (diag(gw) + F * (U^T gU)) U^T``, symmetrized; ``F_ij = 1 / (w_j - w_i)``."""
        w, u = self.get_retained_outputs()
        gw, gu = grad_outputs
        w_array = w.array
        assert w_array is not None
        xp = _shape_check.xp_of(w_array)
        k = w_array.shape[-1]
        eye = xp.eye(k, dtype=w_array.dtype)
        inner: Variable | None = None
        if gu is not None:
            gaps = expand_dims(w, -2) - expand_dims(w, -1)  # [i, j] = w_j - w_i
            inner = matmul(u, gu, transa=True) * (1 - eye) / (gaps + eye)
        if gw is not None:
            diagonal = expand_dims(gw, -1) * eye
            inner = diagonal if inner is None else inner + diagonal
        assert inner is not None
        ga = matmul(matmul(u, inner), u, transb=True)
        return ((ga + swapaxes(ga, -1, -2)) * 0.5,)


def eigh(a: Variable) -> tuple[Variable, Variable]:
    """The eigenvalues (ascending) and eigenvectors of symmetric matrices, differentiably."""
    w, u = Eigh().apply((a,))
    return w, u
