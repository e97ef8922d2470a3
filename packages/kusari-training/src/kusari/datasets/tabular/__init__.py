"""Tabular datasets: named columns, lazy views, column-major access (``chainer.dataset.tabular``).

* :class:`~kusari.datasets.TabularDataset` (documented with :mod:`kusari.datasets`, and
  importable from here too): the abstract base, with its views (``slice``, ``astuple``,
  ``asdict``), ``fetch``/``convert``, ``concat``, ``join``, ``transform`` and
  ``transform_batch``.
* :func:`from_data`: a tabular dataset from lists, arrays and callables.
* :class:`DelegateDataset`: a base class for datasets that wrap another.
* :data:`Column`, :data:`Mode`, :data:`Rows`: the types of fetched columns, of modes and
  of the row indices of ``slice``.

Example:
    >>> import numpy as np
    >>> from kusari.datasets import tabular
    >>> table = tabular.from_data({"x": np.arange(6.0), "t": [0, 1, 0, 1, 1, 0]})
    >>> train = table.slice[:4]
    >>> batch = train.convert(train.fetch())
    >>> batch["x"].tolist(), batch["t"].tolist()
    ([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1])
"""

from ._delegate import DelegateDataset as DelegateDataset
from ._from_data import ColumnData as ColumnData
from ._from_data import from_data as from_data
from ._indexing import Column as Column
from ._tabular_dataset import Mode as Mode
from ._tabular_dataset import TabularDataset as TabularDataset
from ._views import KeySelection as KeySelection
from ._views import Rows as Rows
from ._views import SliceHelper as SliceHelper

__all__ = [
    "Column",
    "ColumnData",
    "DelegateDataset",
    "KeySelection",
    "Mode",
    "Rows",
    "SliceHelper",
    "from_data",
]
