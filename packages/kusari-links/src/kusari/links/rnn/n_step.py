"""Stacked multi-step RNNs over variable-length sequences: ``NStepLSTM``, ``NStepGRU``, ...

Each link is a :class:`~kusari.links.ChainList` with one child per layer and direction
(``2 * layer + direction``), each holding the weights ``w0..w{n-1}`` and the biases
``b0..b{n-1}`` that :func:`kusari.functions.n_step_lstm` and its siblings take: the first
half multiplies the layer's input, the second half the previous hidden state.  The links
take a list of sequences (batch-major, any order of lengths), sort them by length,
transpose them to the time-major form of the functions, and undo both on the outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy

from kusari.devices import Array
from kusari.functions import (
    n_step_bigru,
    n_step_bilstm,
    n_step_birnn,
    n_step_gru,
    n_step_lstm,
    n_step_rnn,
    permutate,
    transpose_sequence,
)
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._chain_list import ChainList
from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ..connection._args import check_size

__all__ = [
    "NStepBiGRU",
    "NStepBiLSTM",
    "NStepBiRNNReLU",
    "NStepBiRNNTanh",
    "NStepGRU",
    "NStepLSTM",
    "NStepRNNBase",
    "NStepRNNReLU",
    "NStepRNNTanh",
]


class NStepRNNBase(ChainList):
    """The parameters and the sorting shared by the multi-step RNN links.

    Args:
        n_layers: The number of layers.
        in_size: The size of the input vectors.
        out_size: The size of the hidden states.
        dropout: The dropout ratio of the inputs of the layers after the first.
        initialW: The initializer of every weight (LeCunNormal by default).
        initial_bias: The initializer of every bias (zero by default).

    Attributes:
        n_layers: The number of layers.
        dropout: The dropout ratio.
        out_size: The hidden size.
        direction: 1, or 2 for the bidirectional links.
        ws: The weights, per layer and direction.
        bs: The biases, per layer and direction.

    Raises:
        ValueError: If a size is not positive or ``dropout`` is not in ``[0, 1)``.
    """

    n_weights: ClassVar[int]
    use_bi_direction: ClassVar[bool] = False

    def __init__(
        self,
        n_layers: int,
        in_size: int,
        out_size: int,
        dropout: float,
        *,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        check_size("n_layers", n_layers)
        check_size("in_size", in_size)
        check_size("out_size", out_size)
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        direction = 2 if self.use_bi_direction else 1
        half = self.n_weights // 2
        w_init = get_initializer(initialW)
        b_init = get_initializer(0 if initial_bias is None else initial_bias)
        cells: list[Link] = []
        for layer in range(n_layers):
            for _ in range(direction):
                cell = Link()
                with cell.init_scope():
                    for j in range(self.n_weights):
                        if j >= half:
                            w_in = out_size
                        elif layer == 0:
                            w_in = in_size
                        else:
                            w_in = out_size * direction
                        setattr(cell, f"w{j}", Parameter(w_init, (out_size, w_in)))
                        setattr(cell, f"b{j}", Parameter(b_init, (out_size,)))
                cells.append(cell)
        super().__init__(*cells)
        self.n_layers = n_layers
        self.dropout = dropout
        self.out_size = out_size
        self.direction = direction

    @property
    def ws(self) -> list[list[Parameter]]:
        """The weights of each layer and direction, ``w0..w{n-1}``."""
        return [[getattr(c, f"w{j}") for j in range(self.n_weights)] for c in self.children()]

    @property
    def bs(self) -> list[list[Parameter]]:
        """The biases of each layer and direction, ``b0..b{n-1}``."""
        return [[getattr(c, f"b{j}") for j in range(self.n_weights)] for c in self.children()]

    def _sort(
        self, xs: Sequence[VariableOrArray], *states: VariableOrArray | None
    ) -> tuple[Array, list[VariableOrArray], list[VariableOrArray]]:
        if not isinstance(xs, (list, tuple)):
            raise TypeError(f"xs must be a list of sequences, got {type(xs).__name__}")
        if not xs:
            raise ValueError("xs must hold at least one sequence")
        lengths = numpy.array([len(x) for x in xs])
        order = numpy.argsort(-lengths, kind="stable")
        indices = self.device.xp.asarray(order.astype(numpy.int32))
        shape = (self.n_layers * self.direction, len(xs), self.out_size)
        sorted_states: list[VariableOrArray] = []
        for state in states:
            if state is None:
                zeros: Array = self.device.xp.zeros(shape, dtype=xs[0].dtype)
                sorted_states.append(zeros)
            else:
                if tuple(state.shape) != shape:
                    raise ValueError(
                        f"the initial states must have the shape {shape} (layers * "
                        f"directions, sequences, out_size), got {tuple(state.shape)}"
                    )
                sorted_states.append(permutate(state, indices, axis=1))
        sorted_xs = [xs[int(i)] for i in order]
        return indices, sorted_xs, sorted_states

    @staticmethod
    def _unsort(
        indices: Array, trans_y: Sequence[Variable], *states: Variable
    ) -> tuple[list[Variable], list[Variable]]:
        ys = transpose_sequence(trans_y)
        order = numpy.asarray(indices.tolist())
        unsorted = [ys[0]] * len(ys)
        for position, original in enumerate(order):
            unsorted[int(original)] = ys[position]
        return unsorted, [permutate(s, indices, axis=1, inv=True) for s in states]


class _NStepLSTMBase(NStepRNNBase):
    n_weights = 8

    def forward(
        self,
        hx: VariableOrArray | None,
        cx: VariableOrArray | None,
        xs: Sequence[VariableOrArray],
    ) -> tuple[Variable, Variable, list[Variable]]:
        """Run the stack over the sequences ``xs``.

        Args:
            hx: The initial hidden states ``(layers * directions, len(xs), out_size)``,
                or ``None`` for zeros.
            cx: The initial cell states (same shape), or ``None``.
            xs: The sequences, each ``(length, in_size)``, in any order of lengths.

        Returns:
            ``(hy, cy, ys)``: the final hidden and cell states and, per sequence, the
            outputs of the last layer ``(length, out_size * directions)``.

        Raises:
            TypeError: If ``xs`` is not a list or a tuple.
            ValueError: If ``xs`` is empty or a state has the wrong shape.
        """
        indices, sorted_xs, (h0, c0) = self._sort(xs, hx, cx)
        fn = n_step_bilstm if self.use_bi_direction else n_step_lstm
        hy, cy, trans_y = fn(
            self.n_layers, self.dropout, h0, c0, self.ws, self.bs, transpose_sequence(sorted_xs)
        )
        ys, (hy, cy) = self._unsort(indices, trans_y, hy, cy)
        return hy, cy, ys

    if TYPE_CHECKING:

        def __call__(
            self,
            hx: VariableOrArray | None,
            cx: VariableOrArray | None,
            xs: Sequence[VariableOrArray],
        ) -> tuple[Variable, Variable, list[Variable]]:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class _NStepTwoStateBase(NStepRNNBase):
    """The GRU and plain RNN links: ``forward(hx, xs) -> (hy, ys)``."""

    def _apply(
        self, h0: VariableOrArray, trans_x: tuple[Variable, ...]
    ) -> tuple[Variable, tuple[Variable, ...]]:
        raise NotImplementedError

    def forward(
        self, hx: VariableOrArray | None, xs: Sequence[VariableOrArray]
    ) -> tuple[Variable, list[Variable]]:
        """Run the stack over the sequences ``xs``.

        Args:
            hx: The initial hidden states ``(layers * directions, len(xs), out_size)``,
                or ``None`` for zeros.
            xs: The sequences, each ``(length, in_size)``, in any order of lengths.

        Returns:
            ``(hy, ys)``: the final hidden states and, per sequence, the outputs of the
            last layer.

        Raises:
            TypeError: If ``xs`` is not a list or a tuple.
            ValueError: If ``xs`` is empty or ``hx`` has the wrong shape.
        """
        indices, sorted_xs, (h0,) = self._sort(xs, hx)
        hy, trans_y = self._apply(h0, transpose_sequence(sorted_xs))
        ys, (hy,) = self._unsort(indices, trans_y, hy)
        return hy, ys

    if TYPE_CHECKING:

        def __call__(
            self, hx: VariableOrArray | None, xs: Sequence[VariableOrArray]
        ) -> tuple[Variable, list[Variable]]:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class _NStepGRUBase(_NStepTwoStateBase):
    n_weights = 6

    def _apply(
        self, h0: VariableOrArray, trans_x: tuple[Variable, ...]
    ) -> tuple[Variable, tuple[Variable, ...]]:
        fn = n_step_bigru if self.use_bi_direction else n_step_gru
        return fn(self.n_layers, self.dropout, h0, self.ws, self.bs, trans_x)


class _NStepRNNPlainBase(_NStepTwoStateBase):
    n_weights = 2
    activation: ClassVar[Literal["tanh", "relu"]] = "tanh"

    def _apply(
        self, h0: VariableOrArray, trans_x: tuple[Variable, ...]
    ) -> tuple[Variable, tuple[Variable, ...]]:
        fn = n_step_birnn if self.use_bi_direction else n_step_rnn
        return fn(self.n_layers, self.dropout, h0, self.ws, self.bs, trans_x, self.activation)


class NStepLSTM(_NStepLSTMBase):
    """A stack of LSTM layers over variable-length sequences.

    See :func:`kusari.functions.n_step_lstm`.

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepLSTM
        >>> rnn = NStepLSTM(2, 3, 4, 0.0)
        >>> xs = [numpy.ones((n, 3), numpy.float32) for n in (2, 5, 1)]
        >>> hy, cy, ys = rnn(None, None, xs)
        >>> hy.shape, [y.shape for y in ys]
        ((2, 3, 4), [(2, 4), (5, 4), (1, 4)])
    """


class NStepBiLSTM(_NStepLSTMBase):
    """A stack of bidirectional LSTM layers (:func:`~kusari.functions.n_step_bilstm`).

    The outputs concatenate the forward and the backward directions.

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size of each direction.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepBiLSTM
        >>> rnn = NStepBiLSTM(1, 3, 4, 0.0)
        >>> hy, cy, ys = rnn(None, None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 4), (2, 8))
    """

    use_bi_direction = True


class NStepGRU(_NStepGRUBase):
    """A stack of GRU layers over variable-length sequences (:func:`~kusari.functions.n_step_gru`).

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepGRU
        >>> hy, ys = NStepGRU(1, 3, 4, 0.0)(None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((1, 1, 4), (2, 4))
    """


class NStepBiGRU(_NStepGRUBase):
    """A stack of bidirectional GRU layers (:func:`~kusari.functions.n_step_bigru`).

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size of each direction.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepBiGRU
        >>> hy, ys = NStepBiGRU(1, 3, 4, 0.0)(None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 4), (2, 8))
    """

    use_bi_direction = True


class NStepRNNTanh(_NStepRNNPlainBase):
    """A stack of tanh RNN layers (:func:`~kusari.functions.n_step_rnn`).

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepRNNTanh
        >>> hy, ys = NStepRNNTanh(1, 3, 4, 0.0)(None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((1, 1, 4), (2, 4))
    """


class NStepRNNReLU(_NStepRNNPlainBase):
    """A stack of ReLU RNN layers (:func:`~kusari.functions.n_step_rnn`).

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepRNNReLU
        >>> hy, ys = NStepRNNReLU(1, 3, 4, 0.0)(None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((1, 1, 4), (2, 4))
    """

    activation = "relu"


class NStepBiRNNTanh(_NStepRNNPlainBase):
    """A stack of bidirectional tanh RNN layers (:func:`~kusari.functions.n_step_birnn`).

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size of each direction.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepBiRNNTanh
        >>> hy, ys = NStepBiRNNTanh(1, 3, 4, 0.0)(None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 4), (2, 8))
    """

    use_bi_direction = True


class NStepBiRNNReLU(_NStepRNNPlainBase):
    """A stack of bidirectional ReLU RNN layers (:func:`~kusari.functions.n_step_birnn`).

    Args:
        n_layers: The number of layers.
        in_size: The input size.
        out_size: The hidden size of each direction.
        dropout: The dropout ratio between layers (training mode).
        initialW: The initializer of the weights.
        initial_bias: The initializer of the biases.

    Example:
        >>> import numpy
        >>> from kusari.links import NStepBiRNNReLU
        >>> hy, ys = NStepBiRNNReLU(1, 3, 4, 0.0)(None, [numpy.ones((2, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 4), (2, 8))
    """

    use_bi_direction = True
    activation = "relu"
