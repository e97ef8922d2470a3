"""Recurrent links: LSTM, GRU and the multi-step (NStep) RNNs."""

from .gru import GRU as GRU
from .gru import StatefulGRU as StatefulGRU
from .gru import StatelessGRU as StatelessGRU
from .lstm import LSTM as LSTM
from .lstm import StatelessLSTM as StatelessLSTM
from .mgu import StatefulMGU as StatefulMGU
from .mgu import StatelessMGU as StatelessMGU
from .n_step import NStepBiGRU as NStepBiGRU
from .n_step import NStepBiLSTM as NStepBiLSTM
from .n_step import NStepBiRNNReLU as NStepBiRNNReLU
from .n_step import NStepBiRNNTanh as NStepBiRNNTanh
from .n_step import NStepGRU as NStepGRU
from .n_step import NStepLSTM as NStepLSTM
from .n_step import NStepRNNReLU as NStepRNNReLU
from .n_step import NStepRNNTanh as NStepRNNTanh
from .peephole_zoneout import StatefulPeepholeLSTM as StatefulPeepholeLSTM
from .peephole_zoneout import StatefulZoneoutLSTM as StatefulZoneoutLSTM
from .tree_lstm import ChildSumTreeLSTM as ChildSumTreeLSTM
from .tree_lstm import NaryTreeLSTM as NaryTreeLSTM

__all__ = [
    "ChildSumTreeLSTM",
    "NaryTreeLSTM",
    "StatefulMGU",
    "StatelessMGU",
    "StatefulPeepholeLSTM",
    "StatefulZoneoutLSTM",
    "GRU",
    "LSTM",
    "NStepBiGRU",
    "NStepBiLSTM",
    "NStepBiRNNReLU",
    "NStepBiRNNTanh",
    "NStepGRU",
    "NStepLSTM",
    "NStepRNNReLU",
    "NStepRNNTanh",
    "StatefulGRU",
    "StatelessGRU",
    "StatelessLSTM",
]
