"""``WeightStandardization``: zero mean, unit variance weights per output unit."""

from __future__ import annotations

import kusari.functions as F
from kusari.graph import Variable

from .._link import Link
from .._parameter import Parameter
from ._weight_hook import WeightHook

__all__ = ["WeightStandardization"]


class WeightStandardization(WeightHook):
    """Weight standardization of a link's weight (Qiao et al., 2019).

    Each forward uses, instead of the weight ``W``, the weight standardized per output
    unit: every slice ``W[i]`` (the other axes flattened) has its mean subtracted and is
    divided by ``sqrt(var + eps)``, with the population variance.  The computation is on
    the graph, so gradients flow through it back to ``W``.  The hook keeps no state.

    Args:
        eps: Added to the variance before the square root.
        weight_name: The name of the parameter to standardize.
        name: The name the hook is registered under (``'WeightStandardization'``).

    Attributes:
        eps: The epsilon added to the variance.
        weight_name: The name of the standardized parameter.

    Example:
        >>> import numpy
        >>> from kusari.links import Linear
        >>> from kusari.links.hooks import WeightStandardization
        >>> layer = Linear(2, 1, initialW=numpy.array([[1.0, 3.0]]), nobias=True)
        >>> _ = layer.add_hook(WeightStandardization(eps=0.0))
        >>> layer(numpy.array([[1.0, 0.0], [0.0, 1.0]], numpy.float32)).array.tolist()
        [[-1.0], [1.0]]
    """

    name = "WeightStandardization"

    eps: float

    def __init__(self, eps: float = 1e-5, weight_name: str = "W", name: str | None = None) -> None:
        if not eps >= 0:
            raise ValueError(f"eps must be non-negative, got {eps}")
        super().__init__(weight_name, name)
        self.eps = eps

    def transform(self, link: Link, weight: Parameter) -> Variable:
        """Return ``weight`` standardized per output unit."""
        shape = weight.shape
        matrix = F.reshape(weight, (shape[0], -1))
        centered = matrix - F.mean(matrix, axis=1, keepdims=True)
        variance = F.mean(centered * centered, axis=1, keepdims=True)
        return F.reshape(centered / F.sqrt(variance + self.eps), shape)
