"""The Penn Treebank language-modelling corpus.

:func:`get_ptb_words` and :func:`get_ptb_words_vocabulary`.  The three text files
(Mikolov's preprocessed version) are word sequences, one sentence a line; each line becomes
its words followed by ``'<eos>'``.  Word ids number the words of the training split in the
order they first appear.  The cache is Chainer's:
``<root>/pfnet/chainer/ptb/{train,valid,test}.npz`` (key ``x``) and ``vocab.txt``.
"""

from __future__ import annotations

import os

import numpy
import numpy.typing as npt

from ._download import cache_or_load_file, get_dataset_directory
from ._scaling import download

__all__ = ["get_ptb_words", "get_ptb_words_vocabulary"]

_DIRECTORY = "pfnet/chainer/ptb"


def _words(part: str) -> list[str]:
    path = download(f"ptb/{part}")
    words: list[str] = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            words.extend(line.split())
            words.append("<eos>")
    return words


def get_ptb_words_vocabulary() -> dict[str, int]:
    """Return the word-to-id mapping of the Penn Treebank, downloading it on the first call.

    Ids number the training words in the order they first appear (10000 words, ``'<eos>'``
    and ``'<unk>'`` included).  The file comes from ``DATASET_URLS['ptb/train']``.

    Returns:
        A new dict from word to id.

    Raises:
        urllib.error.URLError: If the download fails.

    Example:
        >>> from kusari.datasets import get_ptb_words_vocabulary
        >>> vocabulary = get_ptb_words_vocabulary()  # doctest: +SKIP
        >>> len(vocabulary), vocabulary["<eos>"]  # doctest: +SKIP
        (10000, 26)
    """

    def creator(path: str) -> dict[str, int]:
        vocabulary: dict[str, int] = {}
        for word in _words("train"):
            vocabulary.setdefault(word, len(vocabulary))
        with open(path, "w", encoding="utf-8") as file:
            file.writelines(f"{word}\n" for word in vocabulary)
        return vocabulary

    def loader(path: str) -> dict[str, int]:
        with open(path, encoding="utf-8") as file:
            return {line.rstrip("\n"): i for i, line in enumerate(file)}

    path = os.path.join(get_dataset_directory(_DIRECTORY), "vocab.txt")
    return cache_or_load_file(path, creator, loader)


def _split(part: str) -> npt.NDArray[numpy.int32]:
    def creator(path: str) -> npt.NDArray[numpy.int32]:
        vocabulary = get_ptb_words_vocabulary()
        ids = []
        for word in _words(part):
            try:
                ids.append(vocabulary[word])
            except KeyError:
                raise ValueError(
                    f"the word {word!r} of the PTB {part} split is not in the vocabulary of "
                    "the training split; is the file the preprocessed PTB?"
                ) from None
        x = numpy.asarray(ids, dtype=numpy.int32)
        numpy.savez_compressed(path, x=x)
        return x

    def loader(path: str) -> npt.NDArray[numpy.int32]:
        with numpy.load(path, allow_pickle=False) as archive:
            x: npt.NDArray[numpy.int32] = archive["x"].astype(numpy.int32, copy=False)
            return x

    path = os.path.join(get_dataset_directory(_DIRECTORY), f"{part}.npz")
    return cache_or_load_file(path, creator, loader)


def get_ptb_words() -> tuple[
    npt.NDArray[numpy.int32], npt.NDArray[numpy.int32], npt.NDArray[numpy.int32]
]:
    """Load the Penn Treebank as word-id sequences, downloading it on the first call.

    Each split is one long int32 array of word ids (see :func:`get_ptb_words_vocabulary`),
    with the id of ``'<eos>'`` after each sentence.

    Returns:
        ``(train, valid, test)``: 929589, 73760 and 82430 ids.

    Raises:
        ValueError: If a validation or test word is missing from the training vocabulary.
        urllib.error.URLError: If a download fails.

    Example:
        >>> from kusari.datasets import get_ptb_words
        >>> train, valid, test = get_ptb_words()  # doctest: +SKIP
        >>> train.dtype, len(train)  # doctest: +SKIP
        (dtype('int32'), 929589)
    """
    return _split("train"), _split("valid"), _split("test")
