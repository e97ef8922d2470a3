"""Trainer extensions: evaluation, logging, plots, snapshots, schedules and checks.

* Evaluation: :class:`Evaluator`.
* Logging: :class:`LogReport`, :class:`PrintReport`, :class:`ProgressBar` (tqdm),
  :class:`PlotReport` (matplotlib), :class:`VariableStatisticsPlot` (matplotlib),
  :class:`ParameterStatistics`, :class:`DumpGraph`.
* Snapshots: :func:`snapshot`, :func:`snapshot_object`, and the writers
  :class:`SimpleWriter`, :class:`ThreadWriter`, :class:`ProcessWriter`,
  :class:`ThreadQueueWriter`, :class:`ProcessQueueWriter` (bases :class:`Writer`,
  :class:`StandardWriter`, :class:`QueueWriter`).
* Schedules: :class:`ExponentialShift`, :class:`LinearShift`, :class:`StepShift`,
  :class:`PolynomialShift`, :class:`InverseShift`, :class:`WarmupShift`,
  :class:`MultistepShift`.
* Observation: :func:`observe_value`, :func:`observe_lr`, :class:`MicroAverage`,
  :class:`FailOnNonNumber`, :func:`unchain_variables`.

Example:
    >>> from kusari.training import extensions
    >>> extensions.LogReport().trigger
    (1, 'iteration')
"""

from ._dump_graph import DumpGraph as DumpGraph
from ._dump_graph import dump_graph as dump_graph
from ._evaluator import Evaluator as Evaluator
from ._log_report import LogReport as LogReport
from ._observation import FailOnNonNumber as FailOnNonNumber
from ._observation import MicroAverage as MicroAverage
from ._observation import observe_lr as observe_lr
from ._observation import observe_value as observe_value
from ._observation import unchain_variables as unchain_variables
from ._parameter_statistics import ParameterStatistics as ParameterStatistics
from ._plot_report import PlotReport as PlotReport
from ._print_report import PrintReport as PrintReport
from ._progress_bar import ProgressBar as ProgressBar
from ._shift_base import ScheduleExtension as ScheduleExtension
from ._shifts import ExponentialShift as ExponentialShift
from ._shifts import InverseShift as InverseShift
from ._shifts import LinearShift as LinearShift
from ._shifts import MultistepShift as MultistepShift
from ._shifts import PolynomialShift as PolynomialShift
from ._shifts import StepShift as StepShift
from ._shifts import WarmupShift as WarmupShift
from ._snapshot import SimpleWriter as SimpleWriter
from ._snapshot import Writer as Writer
from ._snapshot import snapshot as snapshot
from ._snapshot import snapshot_object as snapshot_object
from ._snapshot_writers import ProcessQueueWriter as ProcessQueueWriter
from ._snapshot_writers import ProcessWriter as ProcessWriter
from ._snapshot_writers import QueueWriter as QueueWriter
from ._snapshot_writers import StandardWriter as StandardWriter
from ._snapshot_writers import ThreadQueueWriter as ThreadQueueWriter
from ._snapshot_writers import ThreadWriter as ThreadWriter
from ._variable_statistics_plot import VariableStatisticsPlot as VariableStatisticsPlot

__all__ = [
    # evaluation
    "Evaluator",
    # logging
    "DumpGraph",
    "LogReport",
    "ParameterStatistics",
    "PlotReport",
    "PrintReport",
    "ProgressBar",
    "VariableStatisticsPlot",
    "dump_graph",
    # snapshots
    "ProcessQueueWriter",
    "ProcessWriter",
    "QueueWriter",
    "SimpleWriter",
    "StandardWriter",
    "ThreadQueueWriter",
    "ThreadWriter",
    "Writer",
    "snapshot",
    "snapshot_object",
    # schedules
    "ExponentialShift",
    "InverseShift",
    "LinearShift",
    "MultistepShift",
    "PolynomialShift",
    "ScheduleExtension",
    "StepShift",
    "WarmupShift",
    # observation
    "FailOnNonNumber",
    "MicroAverage",
    "observe_lr",
    "observe_value",
    "unchain_variables",
]
