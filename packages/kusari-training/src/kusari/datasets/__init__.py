"""Dataset helpers of kusari: tuple/dict datasets, splits, transforms, bundled data.

* Protocol and base: :class:`Dataset` (anything sized and indexable),
  :class:`DatasetMixin` (define ``__len__`` and ``get_example``).
* Zipping: :class:`TupleDataset`, :class:`DictDataset`.
* Views and splits: :class:`SubDataset`, :func:`split_dataset`,
  :func:`split_dataset_random`, :func:`get_cross_validation_datasets`,
  :func:`get_cross_validation_datasets_random`.
* Derived: :class:`TransformDataset`, :class:`ConcatenatedDataset`.
* Tabular (named columns, lazy views, column-major fetch): :class:`TabularDataset`, and
  :mod:`kusari.datasets.tabular` (``from_data``, ``DelegateDataset``).
* Files: :class:`TextDataset`, :class:`PickleDataset` (:func:`open_pickle_dataset`,
  :class:`PickleDatasetWriter`, :func:`open_pickle_dataset_writer`), and with Pillow (the
  ``image`` extra) :class:`ImageDataset`, :class:`LabeledImageDataset`,
  :class:`ZippedImageDataset`, :class:`MultiZippedImageDataset`,
  :class:`LabeledZippedImageDataset`.
* Bundled data (scikit-learn, no download): :func:`get_digits`, :func:`get_iris`.
* Downloaded data, cached under :func:`get_dataset_root`: :func:`get_mnist`,
  :func:`get_fashion_mnist`, :func:`get_kuzushiji_mnist`, :func:`get_cifar10`,
  :func:`get_cifar100`, :func:`get_svhn`, :func:`get_ptb_words` (from
  :data:`DATASET_URLS`), and the cache itself: :func:`set_dataset_root`,
  :func:`get_dataset_directory`, :func:`cached_download`, :func:`cache_or_load_file`.

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
from ._cifar import get_cifar10 as get_cifar10
from ._cifar import get_cifar100 as get_cifar100
from ._download import DOWNLOAD_TIMEOUT as DOWNLOAD_TIMEOUT
from ._download import cache_or_load_file as cache_or_load_file
from ._download import cached_download as cached_download
from ._download import get_dataset_directory as get_dataset_directory
from ._download import get_dataset_root as get_dataset_root
from ._download import set_dataset_root as set_dataset_root
from ._image import ImageDataset as ImageDataset
from ._image import LabeledImageDataset as LabeledImageDataset
from ._mixin import Dataset as Dataset
from ._mixin import DatasetMixin as DatasetMixin
from ._mnist import get_fashion_mnist as get_fashion_mnist
from ._mnist import get_fashion_mnist_labels as get_fashion_mnist_labels
from ._mnist import get_kuzushiji_mnist as get_kuzushiji_mnist
from ._mnist import get_kuzushiji_mnist_labels as get_kuzushiji_mnist_labels
from ._mnist import get_mnist as get_mnist
from ._pickle_dataset import PickleDataset as PickleDataset
from ._pickle_dataset import PickleDatasetWriter as PickleDatasetWriter
from ._pickle_dataset import open_pickle_dataset as open_pickle_dataset
from ._pickle_dataset import open_pickle_dataset_writer as open_pickle_dataset_writer
from ._ptb import get_ptb_words as get_ptb_words
from ._ptb import get_ptb_words_vocabulary as get_ptb_words_vocabulary
from ._sub_dataset import Order as Order
from ._sub_dataset import SubDataset as SubDataset
from ._sub_dataset import get_cross_validation_datasets as get_cross_validation_datasets
from ._sub_dataset import (
    get_cross_validation_datasets_random as get_cross_validation_datasets_random,
)
from ._sub_dataset import split_dataset as split_dataset
from ._sub_dataset import split_dataset_n as split_dataset_n
from ._sub_dataset import split_dataset_n_random as split_dataset_n_random
from ._sub_dataset import split_dataset_random as split_dataset_random
from ._svhn import get_svhn as get_svhn
from ._text import TextDataset as TextDataset
from ._transform import ConcatenatedDataset as ConcatenatedDataset
from ._transform import TransformDataset as TransformDataset
from ._tuple_dataset import DictDataset as DictDataset
from ._tuple_dataset import TupleDataset as TupleDataset
from ._urls import DATASET_URLS as DATASET_URLS
from ._zipped_image import LabeledZippedImageDataset as LabeledZippedImageDataset
from ._zipped_image import MultiZippedImageDataset as MultiZippedImageDataset
from ._zipped_image import ZippedImageDataset as ZippedImageDataset
from .tabular import TabularDataset as TabularDataset

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
    "split_dataset_n",
    "split_dataset_n_random",
    "split_dataset_random",
    # derived
    "ConcatenatedDataset",
    "TransformDataset",
    # tabular
    "TabularDataset",
    # files
    "ImageDataset",
    "LabeledImageDataset",
    "LabeledZippedImageDataset",
    "MultiZippedImageDataset",
    "PickleDataset",
    "PickleDatasetWriter",
    "TextDataset",
    "ZippedImageDataset",
    "open_pickle_dataset",
    "open_pickle_dataset_writer",
    # bundled data
    "get_digits",
    "get_iris",
    # downloaded data and the cache
    "DATASET_URLS",
    "DOWNLOAD_TIMEOUT",
    "cache_or_load_file",
    "cached_download",
    "get_cifar10",
    "get_cifar100",
    "get_dataset_directory",
    "get_dataset_root",
    "get_fashion_mnist",
    "get_fashion_mnist_labels",
    "get_kuzushiji_mnist",
    "get_kuzushiji_mnist_labels",
    "get_mnist",
    "get_ptb_words",
    "get_ptb_words_vocabulary",
    "get_svhn",
    "set_dataset_root",
]
