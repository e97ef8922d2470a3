"""Gated recurrent units: ``StatelessGRU``, ``StatefulGRU`` and ``GRU``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kusari.devices import DeviceResidentsVisitor
from kusari.functions import sigmoid, tanh
from kusari.graph import Variable, VariableOrArray, as_variable

from .._chain import Chain
from .._parameter import ParameterInitializer
from ..connection._args import check_size
from ..connection.linear import Linear

__all__ = ["GRU", "GRUBase", "StatefulGRU", "StatelessGRU"]


class GRUBase(Chain):
    """The six fully connected layers of a GRU.

    ``W_r``, ``W_z`` and ``W`` map the input to the reset gate, the update gate and the
    candidate; ``U_r``, ``U_z`` and ``U`` map the previous state.  They are created in
    Chainer's order, so a seeded ``numpy.random`` gives Chainer's weights.

    Args:
        in_size: The input size.
        out_size: The state size.
        init: The initializer of the ``W*`` weights (LeCunNormal by default).
        inner_init: The initializer of the ``U*`` weights (LeCunNormal by default).
        bias_init: The initializer of every bias (zero by default).

    Attributes:
        W_r: Input to reset gate.
        U_r: State to reset gate.
        W_z: Input to update gate.
        U_z: State to update gate.
        W: Input to candidate.
        U: Reset state to candidate.
        state_size: ``out_size``.
    """

    W_r: Linear
    U_r: Linear
    W_z: Linear
    U_z: Linear
    W: Linear
    U: Linear

    def __init__(
        self,
        in_size: int,
        out_size: int,
        init: ParameterInitializer = None,
        inner_init: ParameterInitializer = None,
        bias_init: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("in_size", in_size)
        check_size("out_size", out_size)
        self.state_size = out_size
        with self.init_scope():
            self.W_r = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_r = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)
            self.W_z = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_z = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)
            self.W = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``in_size`` and ``out_size``."""
        yield "in_size", self.W.in_size
        yield "out_size", self.state_size


class StatelessGRU(GRUBase):
    """A GRU layer taking the previous state as an argument.

    ``forward(h, x)`` returns ``h_new = (1 - z) * h + z * h_bar`` with
    ``z = sigmoid(W_z x + U_z h)``, ``r = sigmoid(W_r x + U_r h)`` and
    ``h_bar = tanh(W x + U (r * h))``.

    Args:
        in_size: The input size.
        out_size: The state size.
        init: The initializer of the ``W*`` weights.
        inner_init: The initializer of the ``U*`` weights.
        bias_init: The initializer of the biases (zero by default).

    Example:
        >>> import numpy
        >>> from kusari.links import StatelessGRU
        >>> gru = StatelessGRU(3, 2)
        >>> h = numpy.zeros((4, 2), numpy.float32)
        >>> gru(h, numpy.ones((4, 3), numpy.float32)).shape
        (4, 2)
    """

    def forward(self, h: VariableOrArray, x: VariableOrArray) -> Variable:
        """One step from the state ``h`` ``(batch, out_size)`` and the input ``x``.

        Returns:
            The new state.
        """
        r = sigmoid(self.W_r(x) + self.U_r(h))
        z = sigmoid(self.W_z(x) + self.U_z(h))
        h_bar = tanh(self.W(x) + self.U(r * h))
        return h + z * (h_bar - h)

    if TYPE_CHECKING:

        def __call__(self, h: VariableOrArray, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class StatefulGRU(GRUBase):
    """A GRU layer that keeps its state ``h``.

    The first step (``h`` is ``None``) computes ``z * tanh(W x)`` with
    ``z = sigmoid(W_z x)``; later steps are those of :class:`StatelessGRU`.

    Args:
        in_size: The input size.
        out_size: The state size.
        init: The initializer of the ``W*`` weights.
        inner_init: The initializer of the ``U*`` weights.
        bias_init: The initializer of the biases (zero by default).

    Attributes:
        h: The state (``None`` before the first step).

    Example:
        >>> import numpy
        >>> from kusari.links import StatefulGRU
        >>> gru = StatefulGRU(3, 2)
        >>> y = gru(numpy.ones((4, 3), numpy.float32))
        >>> y = gru(numpy.ones((4, 3), numpy.float32))
        >>> gru.h.shape
        (4, 2)
    """

    h: Variable | None

    def __init__(
        self,
        in_size: int,
        out_size: int,
        init: ParameterInitializer = None,
        inner_init: ParameterInitializer = None,
        bias_init: ParameterInitializer = 0,
    ) -> None:
        super().__init__(in_size, out_size, init, inner_init, bias_init)
        self.h = None

    def reset_state(self) -> None:
        """Forget the state."""
        self.h = None

    def set_state(self, h: VariableOrArray) -> None:
        """Set the state, moved to this link's device.

        Args:
            h: The state ``(batch, out_size)``.

        Raises:
            ValueError: If ``h`` does not have the shape ``(batch, out_size)``.
        """
        h_var = as_variable(h)
        if len(h_var.shape) != 2 or h_var.shape[1] != self.state_size:
            raise ValueError(
                f"set_state: h must have the shape (batch, {self.state_size}), got {h_var.shape}"
            )
        h_var.to_device(self.device)
        self.h = h_var

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
        z = self.W_z(x)
        h_bar = self.W(x)
        h = self.h
        if h is not None:
            r = sigmoid(self.W_r(x) + self.U_r(h))
            z = z + self.U_z(h)
            h_bar = h_bar + self.U(r * h)
        z = sigmoid(z)
        h_bar = tanh(h_bar)
        h_new = z * h_bar if h is None else h + z * (h_bar - h)
        self.h = h_new
        return h_new

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class GRU(StatefulGRU):
    """Chainer's ``links.GRU``: the stateful GRU (:class:`StatefulGRU`).

    Since Chainer v2 ``GRU`` is stateful; calling it with ``(h, x)`` as the old stateless
    GRU raises an error pointing to :class:`StatelessGRU`.

    Args:
        in_size: The input size.
        out_size: The state size.
        init: The initializer of the ``W*`` weights.
        inner_init: The initializer of the ``U*`` weights.
        bias_init: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import GRU
        >>> GRU(3, 2)(numpy.ones((1, 3), numpy.float32)).shape
        (1, 2)
    """

    def forward(self, *args: Any) -> Variable:
        """One step of :class:`StatefulGRU`.

        Raises:
            ValueError: If not given exactly one argument.
        """
        if len(args) != 1:
            raise ValueError(
                f"GRU.forward takes one argument (the input), got {len(args)}: GRU is "
                "stateful since Chainer v2; use StatelessGRU for gru(h, x)"
            )
        return super().forward(args[0])

    if TYPE_CHECKING:

        def __call__(self, *args: Any) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
