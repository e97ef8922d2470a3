"""``LSTM`` (stateful) and ``StatelessLSTM``: fully connected LSTM layers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy

from kusari.devices import Array, DeviceResidentsVisitor
from kusari.functions import concat, lstm, lstm_gates, split_axis
from kusari.graph import Variable, VariableOrArray, as_variable
from kusari.initializers import Constant, Initializer, InitializerLike, Zero, get_initializer

from .._chain import Chain
from .._link_hook import _global_hooks
from .._parameter import Parameter, ParameterInitializer
from ..connection._args import check_size
from ..connection.linear import Linear

__all__ = ["LSTM", "LSTMBase", "StatelessLSTM"]


class GateBias(Initializer):
    """Fills the bias of an LSTM: gates ``a, i, f, o`` interleaved per unit.

    Viewed as ``(units, 4)``, column 2 (the forget gate) gets ``forget_bias_init`` and the
    others ``bias_init``.

    Args:
        bias_init: The initializer of the ``a``, ``i`` and ``o`` gates.
        forget_bias_init: The initializer of the forget gate.
    """

    def __init__(self, bias_init: InitializerLike, forget_bias_init: InitializerLike) -> None:
        super().__init__()
        self.bias_init = bias_init
        self.forget_bias_init = forget_bias_init

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (of shape ``(4 * units,)``) gate by gate."""
        gates = array.reshape(-1, 4)
        for index in range(4):
            init = self.forget_bias_init if index == 2 else self.bias_init
            column = gates[:, index].copy()
            init(column)
            gates[:, index] = column


def _allocate(param: Parameter, shape: tuple[int, ...]) -> None:
    """Create ``param``'s arrays without drawing random numbers (filled right after)."""
    initializer = param.initializer
    param.initializer = Zero()
    try:
        param.initialize(shape)
    finally:
        param.initializer = initializer


def _fill(init: Any, target: Array) -> None:
    block = target.copy()
    init(block)
    target[...] = block


def _fills_whole(init: Any, target: Array) -> bool:
    fill = getattr(init, "fill_value", None) if isinstance(init, Constant) else None
    return fill is not None and numpy.ndim(fill) > 0 and numpy.shape(fill) == target.shape


class LSTMBase(Chain):
    """The parameters of an LSTM layer: ``upward`` (input to gates) and ``lateral``.

    ``upward`` is a :class:`~kusari.links.Linear` from the input to the ``4 * out_size``
    gate pre-activations (with the bias), ``lateral`` one from the previous output
    (without bias).  The gates are interleaved per unit, in Chainer's order ``a, i, f, o``.
    The weights are drawn in Chainer's order (block by block of ``out_size`` rows, lateral
    then upward), so a seeded ``numpy.random`` gives Chainer's values.  A step computes
    ``upward(x) + lateral(h)`` as one
    :func:`~kusari.functions.lstm_gates` node (the same values), unless a
    link hook is watching ``upward`` or ``lateral`` or they are not plain ``Linear`` links.

    Args:
        in_size: The input size, or ``None`` to infer it at the first call;
            ``Cls(n)`` means ``Cls(None, n)``.
        out_size: The output (state) size.
        lateral_init: The initializer of ``lateral.W`` (LeCunNormal by default).
        upward_init: The initializer of ``upward.W`` (LeCunNormal by default).
        bias_init: The initializer of the ``a``, ``i`` and ``o`` biases (zero by default).
        forget_bias_init: The initializer of the forget-gate bias (one by default).

    Attributes:
        upward: The input-to-gates Linear.
        lateral: The state-to-gates Linear (no bias).
        state_size: ``out_size``.
    """

    upward: Linear
    lateral: Linear
    state_size: int

    def __init__(
        self,
        in_size: int | None,
        out_size: int | None = None,
        lateral_init: ParameterInitializer = None,
        upward_init: ParameterInitializer = None,
        bias_init: ParameterInitializer = None,
        forget_bias_init: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        if out_size is None:
            in_size, out_size = None, in_size
        if out_size is None:
            raise TypeError(f"{type(self).__name__} needs out_size")
        check_size("in_size", in_size, allow_none=True)
        check_size("out_size", out_size)
        self.state_size = out_size
        self._lateral_init = get_initializer(lateral_init)
        self._upward_init = get_initializer(upward_init)
        bias = GateBias(
            get_initializer(0 if bias_init is None else bias_init),
            get_initializer(1 if forget_bias_init is None else forget_bias_init),
        )
        with self.init_scope():
            self.upward = Linear(None, 4 * out_size, initialW=self._upward_init, initial_bias=0)
            self.lateral = Linear(None, 4 * out_size, nobias=True, initialW=self._lateral_init)
        upward_b = self.upward.b
        assert upward_b is not None
        upward_b.initializer = bias
        _allocate(self.lateral.W, (4 * out_size, out_size))
        self.lateral.in_size = out_size
        if in_size is not None:
            self._initialize_params(in_size)

    def _initialize_params(self, in_size: int) -> None:
        out = self.state_size
        _allocate(self.upward.W, (4 * out, in_size))
        self.upward.in_size = in_size
        lateral_w, upward_w = self.lateral.W.array, self.upward.W.array
        assert lateral_w is not None
        assert upward_w is not None
        # Chainer draws block by block (lateral, then upward); an array initializer gives
        # the whole matrix.
        blockwise = [
            (init, w)
            for init, w in ((self._lateral_init, lateral_w), (self._upward_init, upward_w))
            if not _fills_whole(init, w)
        ]
        for init, w in ((self._lateral_init, lateral_w), (self._upward_init, upward_w)):
            if _fills_whole(init, w):
                _fill(init, w)
        for start in range(0, 4 * out, out):
            for init, w in blockwise:
                _fill(init, w[start : start + out])
        upward_b = self.upward.b
        assert upward_b is not None
        assert upward_b.array is not None
        _fill(upward_b.initializer, upward_b.array)

    def _prepare(self, x: VariableOrArray) -> None:
        if self.upward.W.array is None:
            shape = tuple(x.shape)
            if len(shape) < 2:
                raise ValueError(
                    f"{type(self).__name__} expects a batch of inputs (at least 2 axes), "
                    f"got shape {shape}"
                )
            size = 1
            for n in shape[1:]:
                size *= n
            self._initialize_params(size)

    def _gates(self, x: VariableOrArray, h: VariableOrArray) -> Variable:
        """``upward(x) + lateral(h)``, fused into one node when no one can tell.

        The fused :func:`~kusari.functions.lstm_gates` gives the same
        values and gradients; it is used unless a link hook would see the calls of
        ``upward``/``lateral``, or they were replaced by something other than a plain
        :class:`~kusari.links.Linear`, or ``x`` needs flattening.
        """
        upward, lateral = self.upward, self.lateral
        if (
            type(upward) is Linear
            and type(lateral) is Linear
            and lateral.b is None
            and lateral.W.array is not None
            and len(x.shape) == 2
            and not upward._local_link_hooks
            and not lateral._local_link_hooks
            and not _global_hooks.get()
        ):
            return lstm_gates(x, h, upward.W, lateral.W, upward.b)
        return upward(x) + lateral(h)

    def _zeros(self, batch: int, x: VariableOrArray) -> Array:
        xp = self.device.xp
        zeros: Array = xp.zeros((batch, self.state_size), dtype=x.dtype)
        return zeros

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``in_size`` and ``out_size``."""
        yield "in_size", self.upward.in_size
        yield "out_size", self.state_size


class StatelessLSTM(LSTMBase):
    """An LSTM layer that takes its state as arguments and returns the new one.

    ``forward(c, h, x)`` returns ``(c_new, h_new)``; ``c`` and ``h`` may be ``None`` at
    the first step (zeros and no lateral term).

    Args:
        in_size: The input size, or ``None`` to infer it.
        out_size: The output size.
        lateral_init: The initializer of ``lateral.W``.
        upward_init: The initializer of ``upward.W``.
        bias_init: The initializer of the biases.
        forget_bias_init: The initializer of the forget-gate bias.

    Example:
        >>> import numpy
        >>> from kusari.links import StatelessLSTM
        >>> cell = StatelessLSTM(3, 2)
        >>> x = numpy.ones((4, 3), numpy.float32)
        >>> c, h = cell(None, None, x)
        >>> c, h = cell(c, h, x)
        >>> c.shape, h.shape
        ((4, 2), (4, 2))
    """

    def forward(
        self, c: VariableOrArray | None, h: VariableOrArray | None, x: VariableOrArray
    ) -> tuple[Variable, Variable]:
        """One step.

        Args:
            c: The previous cell state ``(batch, out_size)``, or ``None``.
            h: The previous output ``(batch, out_size)``, or ``None``.
            x: The input ``(batch, in_size)``.

        Returns:
            ``(c_new, h_new)``.
        """
        self._prepare(x)
        lstm_in = self.upward(x) if h is None else self._gates(x, h)
        if c is None:
            c = self._zeros(len(x), x)
        return lstm(c, lstm_in)

    if TYPE_CHECKING:

        def __call__(
            self, c: VariableOrArray | None, h: VariableOrArray | None, x: VariableOrArray
        ) -> tuple[Variable, Variable]:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class LSTM(LSTMBase):
    """A stateful LSTM layer: it keeps the cell state ``c`` and the output ``h``.

    Each call advances one step.  The batch may shrink from one step to the next (for
    mini-batches of sequences sorted by decreasing length): the first ``len(x)`` rows are
    updated and the others carried over.  :meth:`reset_state` forgets the state.

    Args:
        in_size: The input size, or ``None`` to infer it; ``LSTM(n)`` means
            ``LSTM(None, n)``.
        out_size: The output size.
        lateral_init: The initializer of ``lateral.W``.
        upward_init: The initializer of ``upward.W``.
        bias_init: The initializer of the biases (zero by default).
        forget_bias_init: The initializer of the forget-gate bias (one by default).

    Attributes:
        c: The cell state (``None`` before the first step).
        h: The output of the last step (``None`` before the first step).

    Example:
        >>> import numpy
        >>> from kusari.links import LSTM
        >>> rnn = LSTM(3, 2)
        >>> for _ in range(3):
        ...     y = rnn(numpy.ones((4, 3), numpy.float32))
        >>> y.shape, rnn.c.shape
        ((4, 2), (4, 2))
        >>> rnn.reset_state()
        >>> rnn.h is None
        True
    """

    c: Variable | None
    h: Variable | None

    def __init__(
        self,
        in_size: int | None,
        out_size: int | None = None,
        lateral_init: ParameterInitializer = None,
        upward_init: ParameterInitializer = None,
        bias_init: ParameterInitializer = None,
        forget_bias_init: ParameterInitializer = None,
    ) -> None:
        super().__init__(in_size, out_size, lateral_init, upward_init, bias_init, forget_bias_init)
        self.c = None
        self.h = None

    def reset_state(self) -> None:
        """Forget the state (``c`` and ``h`` become ``None``)."""
        self.c = None
        self.h = None

    def set_state(self, c: VariableOrArray, h: VariableOrArray) -> None:
        """Set the cell state and the output, moved to this link's device.

        Args:
            c: The cell state ``(batch, out_size)``.
            h: The output ``(batch, out_size)``.

        Raises:
            ValueError: If the shapes differ or are not ``(batch, out_size)``.
        """
        c_var, h_var = as_variable(c), as_variable(h)
        for name, value in (("c", c_var), ("h", h_var)):
            if len(value.shape) != 2 or value.shape[1] != self.state_size:
                raise ValueError(
                    f"set_state: {name} must have the shape (batch, {self.state_size}), "
                    f"got {value.shape}"
                )
        if c_var.shape != h_var.shape:
            raise ValueError(f"set_state: c {c_var.shape} and h {h_var.shape} differ in shape")
        c_var.to_device(self.device)
        h_var.to_device(self.device)
        self.c = c_var
        self.h = h_var

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Move the state with the parameters.

        Args:
            visitor: The device visitor.
        """
        super().device_resident_accept(visitor)
        for state in (self.c, self.h):
            if state is not None:
                visitor.visit_variable(state)

    def forward(self, x: VariableOrArray) -> Variable:
        """One step: update the state from ``x`` and return the new output.

        Args:
            x: The input ``(batch, in_size)``; ``batch`` may be smaller than the state's.

        Returns:
            The output ``(batch, out_size)``.

        Raises:
            ValueError: If ``x`` has more rows than the state.
        """
        self._prepare(x)
        batch = len(x)
        h_rest = None
        h = self.h
        if h is None:
            lstm_in = self.upward(x)
        else:
            h_size = len(h)
            if h_size < batch:
                raise ValueError(
                    f"the batch size of x ({batch}) must be equal to or less than the size "
                    f"of the previous state h ({h_size})"
                )
            if batch == 0:
                lstm_in = self.upward(x)
                h_rest = h
            elif h_size > batch:
                h_update, h_rest = split_axis(h, [batch], axis=0)
                lstm_in = self._gates(x, h_update)
            else:
                lstm_in = self._gates(x, h)
        c: VariableOrArray | None = self.c
        if c is None:
            c = self._zeros(batch, x)
        self.c, y = lstm(c, lstm_in)
        if h_rest is None:
            self.h = y
        elif len(y) == 0:
            self.h = h_rest
        else:
            self.h = concat([y, h_rest], axis=0)
        return y

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
