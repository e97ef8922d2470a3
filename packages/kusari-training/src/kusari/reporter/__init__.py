"""Reporting of observed values during training: Reporter, report, Summary.

* :class:`Reporter`, :func:`report`, :func:`report_scope`, :func:`get_current_reporter`:
  models and extensions report named values; the current reporter (per thread and per
  asyncio task) collects them into an observation dict.
* :class:`Summary`, :class:`DictSummary`: running means and standard deviations.

Example:
    >>> from kusari.reporter import DictSummary, Reporter, report
    >>> reporter, summary = Reporter(), DictSummary()
    >>> for loss in (0.5, 0.25):
    ...     observation = {}
    ...     with reporter.scope(observation):
    ...         report({"loss": loss})
    ...     summary.add(observation)
    >>> float(summary.compute_mean()["loss"])
    0.375
"""

from kusari.datasets.__about__ import __version__ as __version__

from ._reporter import Observation as Observation
from ._reporter import Reporter as Reporter
from ._reporter import get_current_reporter as get_current_reporter
from ._reporter import report as report
from ._reporter import report_scope as report_scope
from ._summary import DictSummary as DictSummary
from ._summary import Summary as Summary
from ._summary import SummaryValue as SummaryValue

__all__ = [
    "__version__",
    "DictSummary",
    "Observation",
    "Reporter",
    "Summary",
    "SummaryValue",
    "get_current_reporter",
    "report",
    "report_scope",
]
