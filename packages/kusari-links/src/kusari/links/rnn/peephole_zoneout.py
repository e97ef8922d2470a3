"""``StatefulPeepholeLSTM`` and ``StatefulZoneoutLSTM``: LSTM variants that keep a state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.devices import Array, DeviceResidentsVisitor
from kusari.functions import lstm, reshape, sigmoid, split_axis, tanh, zoneout
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from ..connection._args import check_size
from ..connection.linear import Linear

__all__ = ["StatefulPeepholeLSTM", "StatefulZoneoutLSTM"]


class _StatefulLSTMBase(Chain):
    upward: Linear
    lateral: Linear
    c: Variable | None
    h: Variable | None

    def __init__(self, in_size: int, out_size: int) -> None:
        super().__init__()
        check_size("in_size", in_size)
        check_size("out_size", out_size)
        self.state_size = out_size
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size)
            self.lateral = Linear(out_size, 4 * out_size, nobias=True)
        self.c = None
        self.h = None

    def reset_state(self) -> None:
        """Forget the state (``c`` and ``h``)."""
        self.c = None
        self.h = None

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Move the state with the parameters.

        Args:
            visitor: The device visitor.
        """
        super().device_resident_accept(visitor)
        for state in (self.c, self.h):
            if state is not None:
                visitor.visit_variable(state)

    def _zeros(self, x: VariableOrArray) -> Array:
        zeros: Array = self.device.xp.zeros((len(x), self.state_size), dtype=x.dtype)
        return zeros

    def _gates(self, x: VariableOrArray) -> Variable:
        lstm_in = self.upward(x)
        if self.h is not None:
            lstm_in = lstm_in + self.lateral(self.h)
        return lstm_in


class StatefulPeepholeLSTM(_StatefulLSTMBase):
    """A stateful LSTM with peephole connections (Gers and Schmidhuber, 2000).

    The input and forget gates also see the previous cell state, and the output gate the
    new one, through ``peep_i``, ``peep_f`` and ``peep_o`` (``(out_size, out_size)``, no
    bias).  The gates are interleaved per unit as in :class:`LSTM`.

    Args:
        in_size: The input size.
        out_size: The output size.

    Attributes:
        upward: Input to gates.
        lateral: Output to gates (no bias).
        peep_i: Cell state to the input gate.
        peep_f: Cell state to the forget gate.
        peep_o: New cell state to the output gate.
        c: The cell state, or ``None``.
        h: The output, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import StatefulPeepholeLSTM
        >>> rnn = StatefulPeepholeLSTM(3, 2)
        >>> rnn(numpy.ones((4, 3), numpy.float32)).shape
        (4, 2)
    """

    peep_i: Linear
    peep_f: Linear
    peep_o: Linear

    def __init__(self, in_size: int, out_size: int) -> None:
        super().__init__(in_size, out_size)
        with self.init_scope():
            self.peep_i = Linear(out_size, out_size, nobias=True)
            self.peep_f = Linear(out_size, out_size, nobias=True)
            self.peep_o = Linear(out_size, out_size, nobias=True)

    def forward(self, x: VariableOrArray) -> Variable:
        """One step: update ``c`` and ``h`` from ``x`` and return ``h``."""
        lstm_in = reshape(self._gates(x), (len(x), self.state_size, 4))
        a, i, f, o = (
            reshape(g, (len(x), self.state_size)) for g in split_axis(lstm_in, 4, axis=2)
        )
        c: VariableOrArray = self._zeros(x) if self.c is None else self.c
        peep_in_i = self.peep_i(c)
        peep_in_f = self.peep_f(c)
        a = tanh(a)
        i = sigmoid(i + peep_in_i)
        f = sigmoid(f + peep_in_f)
        self.c = a * i + f * c
        o = sigmoid(o + self.peep_o(self.c))
        self.h = o * tanh(self.c)
        return self.h

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class StatefulZoneoutLSTM(_StatefulLSTMBase):
    """A stateful LSTM with zoneout (Krueger et al., 2016) on its cell state and output.

    While training, each unit of ``c`` (``h``) keeps its previous value with probability
    ``c_ratio`` (``h_ratio``) instead of taking the new one (:func:`~kusari.functions.zoneout`).

    Args:
        in_size: The input size.
        out_size: The output size.
        c_ratio: The zoneout ratio of the cell state.
        h_ratio: The zoneout ratio of the output.

    Attributes:
        upward: Input to gates.
        lateral: Output to gates (no bias).
        c: The cell state, or ``None``.
        h: The output, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import StatefulZoneoutLSTM
        >>> rnn = StatefulZoneoutLSTM(3, 2)
        >>> rnn(numpy.ones((4, 3), numpy.float32)).shape
        (4, 2)
    """

    def __init__(
        self, in_size: int, out_size: int, c_ratio: float = 0.5, h_ratio: float = 0.5
    ) -> None:
        super().__init__(in_size, out_size)
        self.c_ratio = c_ratio
        self.h_ratio = h_ratio

    def forward(self, x: VariableOrArray) -> Variable:
        """One step: update ``c`` and ``h`` from ``x`` and return ``h``."""
        lstm_in = self._gates(x)
        c_prev: VariableOrArray = self._zeros(x) if self.c is None else self.c
        h_prev: VariableOrArray = self._zeros(x) if self.h is None else self.h
        c_new, h_new = lstm(c_prev, lstm_in)
        self.c = zoneout(c_prev, c_new, self.c_ratio)
        self.h = zoneout(h_prev, h_new, self.h_ratio)
        return self.h

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
