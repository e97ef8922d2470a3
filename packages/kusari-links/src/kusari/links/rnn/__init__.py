"""Recurrent links: LSTM and its stateless variant."""

from .lstm import LSTM as LSTM
from .lstm import StatelessLSTM as StatelessLSTM

__all__ = ["LSTM", "StatelessLSTM"]
