"""Minimal gated units: ``StatelessMGU`` and ``StatefulMGU``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.devices import DeviceResidentsVisitor
from kusari.functions import concat, sigmoid, tanh
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from ..connection._args import check_size
from ..connection.linear import Linear

__all__ = ["MGUBase", "StatefulMGU", "StatelessMGU"]


class MGUBase(Chain):
    """The two layers of a minimal gated unit (Zhou et al., 2016).

    ``W_f`` computes the forget gate and ``W_h`` the candidate, both from the
    concatenation of the state and the input.

    Args:
        n_inputs: The input size.
        n_units: The state size.

    Attributes:
        W_f: The gate layer, ``(n_units, n_inputs + n_units)``.
        W_h: The candidate layer.
    """

    W_f: Linear
    W_h: Linear

    def __init__(self, n_inputs: int, n_units: int) -> None:
        super().__init__()
        check_size("n_inputs", n_inputs)
        check_size("n_units", n_units)
        self.n_units = n_units
        with self.init_scope():
            self.W_f = Linear(n_inputs + n_units, n_units)
            self.W_h = Linear(n_inputs + n_units, n_units)

    def _step(self, h: VariableOrArray, x: VariableOrArray) -> Variable:
        f = sigmoid(self.W_f(concat([h, x])))
        h_bar = tanh(self.W_h(concat([f * h, x])))
        return h + f * (h_bar - h)


class StatelessMGU(MGUBase):
    """A minimal gated unit taking the state as an argument.

    ``f = sigmoid(W_f [h, x])``, ``h_bar = tanh(W_h [f * h, x])`` and
    ``h_new = (1 - f) * h + f * h_bar``.

    Args:
        n_inputs: The input size.
        n_units: The state size.

    Example:
        >>> import numpy
        >>> from kusari.links import StatelessMGU
        >>> mgu = StatelessMGU(3, 2)
        >>> mgu(numpy.zeros((4, 2), numpy.float32), numpy.ones((4, 3), numpy.float32)).shape
        (4, 2)
    """

    def forward(self, h: VariableOrArray, x: VariableOrArray) -> Variable:
        """One step from the state ``h`` and the input ``x``; returns the new state."""
        return self._step(h, x)

    if TYPE_CHECKING:

        def __call__(self, h: VariableOrArray, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class StatefulMGU(MGUBase):
    """A minimal gated unit that keeps its state ``h`` (zeros before the first step).

    Args:
        in_size: The input size.
        out_size: The state size.

    Attributes:
        h: The state, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import StatefulMGU
        >>> mgu = StatefulMGU(3, 2)
        >>> mgu(numpy.ones((4, 3), numpy.float32)).shape
        (4, 2)
    """

    h: Variable | None

    def __init__(self, in_size: int, out_size: int) -> None:
        super().__init__(in_size, out_size)
        self.h = None

    def reset_state(self) -> None:
        """Forget the state."""
        self.h = None

    def set_state(self, h: Variable) -> None:
        """Set the state (moved to this link's device).

        Args:
            h: The state ``(batch, out_size)``.
        """
        h.to_device(self.device)
        self.h = h

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Move the state with the parameters.

        Args:
            visitor: The device visitor.
        """
        super().device_resident_accept(visitor)
        if self.h is not None:
            visitor.visit_variable(self.h)

    def forward(self, x: VariableOrArray) -> Variable:
        """One step: update the state from ``x`` and return it."""
        h: VariableOrArray | None = self.h
        if h is None:
            h = self.device.xp.zeros((len(x), self.n_units), dtype=x.dtype)
        self.h = self._step(h, x)
        return self.h

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
