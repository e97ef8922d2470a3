"""Dataset helpers of kusari: tuple/dict datasets, splits, transforms, bundled data.

* Protocol and base: :class:`Dataset` (anything sized and indexable),
  :class:`DatasetMixin` (define ``__len__`` and ``get_example``).
* Zipping: :class:`TupleDataset`, :class:`DictDataset`.
* Views and splits: :class:`SubDataset`, :func:`split_dataset`,
  :func:`split_dataset_random`, :func:`get_cross_validation_datasets`,
  :func:`get_cross_validation_datasets_random`.
* Derived: :class:`TransformDataset`, :class:`ConcatenatedDataset`.
* Bundled data (scikit-learn, no download): :func:`get_digits`, :func:`get_iris`.

Example:
    >>> import numpy
    >>> from kusari.datasets import TupleDataset, split_dataset_random
    >>> dataset = TupleDataset(numpy.arange(10.0), numpy.arange(10) % 2)
    >>> train, test = split_dataset_random(dataset, 8, seed=0)
    >>> len(train), len(test)
    (8, 2)
"""

from .__about__ import __version__ as __version__
from ._bundled import get_digits as get_digits
from ._bundled import get_iris as get_iris
from ._mixin import Dataset as Dataset
from ._mixin import DatasetMixin as DatasetMixin
from ._sub_dataset import Order as Order
from ._sub_dataset import SubDataset as SubDataset
from ._sub_dataset import get_cross_validation_datasets as get_cross_validation_datasets
from ._sub_dataset import (
    get_cross_validation_datasets_random as get_cross_validation_datasets_random,
)
from ._sub_dataset import split_dataset as split_dataset
from ._sub_dataset import split_dataset_random as split_dataset_random
from ._transform import ConcatenatedDataset as ConcatenatedDataset
from ._transform import TransformDataset as TransformDataset
from ._tuple_dataset import DictDataset as DictDataset
from ._tuple_dataset import TupleDataset as TupleDataset

__all__ = [
    "__version__",
    # protocol and base
    "Dataset",
    "DatasetMixin",
    "Order",
    # zipping
    "DictDataset",
    "TupleDataset",
    # views and splits
    "SubDataset",
    "get_cross_validation_datasets",
    "get_cross_validation_datasets_random",
    "split_dataset",
    "split_dataset_random",
    # derived
    "ConcatenatedDataset",
    "TransformDataset",
    # bundled data
    "get_digits",
    "get_iris",
]
