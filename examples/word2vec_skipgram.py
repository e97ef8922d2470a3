"""Skip-gram word vectors with negative sampling, on a corpus made up on the spot.

The corpus has two topics, animals and vehicles.  Each sentence is about one of them: its
words are drawn from that topic's ten nouns (common ones more often than rare ones),
mixed with function words ("the", "with", ...) that both topics share.  Nothing is
downloaded, and the answer is known in advance: a noun's contexts are nouns of its own
topic and function words, so nouns of one topic should end up with similar vectors.

The model is word2vec's skip-gram (Mikolov et al., 2013): ``EmbedID`` gives each word its
vector, and every (centre, context) pair within ``--window`` words of each other is a
training example for ``NegativeSampling``, which scores the centre's vector against the
context word's output vector and against ``--negatives`` words drawn from the unigram
distribution raised to 3/4::

    loss = -log sigmoid(v_centre . u_context) - sum_k log sigmoid(-v_centre . u_k)

After training the script lists, for every noun, its three nearest nouns by cosine
similarity of the ``EmbedID`` vectors, and counts how many of them are of the same topic:
all 60 of them, where the random vectors before training got about half (as chance does).

Usage::

    python examples/word2vec_skipgram.py [--device @numpy|@cupy:0|-1|0] [--epochs 5]
        [--out result/word2vec_skipgram] [--smoke]

Needs ``pip install 'kusari-training[progress]'`` (tqdm).
"""

from __future__ import annotations

import os

# These models are small: a multithreaded BLAS spends more on handing work to its threads
# than it gains, and on a busy two-core machine it made training 5 to 20 times slower.
# Anything you set yourself wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import pathlib
import sys
import time
from collections.abc import Sequence

import numpy
import numpy.typing as npt
from tqdm.auto import tqdm

import kusari.links as L
from kusari import devices, initializers
from kusari.graph import Variable, VariableOrArray, as_array
from kusari.optimizers import Adam
from kusari.serializers import save_npz

TOPICS = {
    "animals": ("cat", "dog", "horse", "cow", "sheep", "goat", "pig", "duck", "hen", "fox"),
    "vehicles": ("car", "bus", "train", "truck", "bike", "boat", "plane", "tram", "ship", "van"),
}
FUNCTION_WORDS = ("the", "a", "and", "with", "near", "sees")
FUNCTION_WORD_RATE = 0.35
NEIGHBOURS = 3


def make_corpus(
    n_sentences: int, rng: numpy.random.Generator
) -> tuple[list[str], list[npt.NDArray[numpy.int32]]]:
    """The vocabulary and ``n_sentences`` sentences of word ids, each about one topic."""
    vocabulary = [word for words in TOPICS.values() for word in words] + list(FUNCTION_WORDS)
    index = {word: i for i, word in enumerate(vocabulary)}
    topics = [numpy.array([index[w] for w in words], numpy.int32) for words in TOPICS.values()]
    function_ids = numpy.array([index[w] for w in FUNCTION_WORDS], numpy.int32)
    # Zipf-like frequencies: the first noun of a topic is ten times as common as the last.
    weights = 1.0 / numpy.arange(1, len(topics[0]) + 1)
    weights /= weights.sum()
    sentences = []
    for _ in range(n_sentences):
        nouns = topics[rng.integers(len(topics))]
        length = int(rng.integers(5, 10))
        is_function = rng.random(length) < FUNCTION_WORD_RATE
        words = numpy.where(
            is_function,
            rng.choice(function_ids, length),
            rng.choice(nouns, length, p=weights),
        )
        sentences.append(words.astype(numpy.int32))
    return vocabulary, sentences


def skipgram_pairs(
    sentences: Sequence[npt.NDArray[numpy.int32]], window: int
) -> tuple[npt.NDArray[numpy.int32], npt.NDArray[numpy.int32]]:
    """Every (centre, context) pair at most ``window`` words apart within a sentence."""
    centres, contexts = [], []
    for words in sentences:
        for offset in range(1, window + 1):
            # Both directions: (w[i], w[i + offset]) and (w[i + offset], w[i]).
            centres += [words[:-offset], words[offset:]]
            contexts += [words[offset:], words[:-offset]]
    return numpy.concatenate(centres), numpy.concatenate(contexts)


class SkipGram(L.Chain):
    """Input word vectors (``embed``) and the negative-sampling loss with output vectors."""

    def __init__(self, counts: npt.NDArray[numpy.int64], n_units: int, negatives: int) -> None:
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(
                len(counts), n_units, initialW=initializers.Uniform(1.0 / n_units)
            )
            self.loss = L.NegativeSampling(n_units, counts, sample_size=negatives)

    def forward(self, centre: VariableOrArray, context: VariableOrArray) -> Variable:
        """The mean loss of predicting each ``context`` word from its ``centre`` word."""
        total = self.loss(self.embed(centre), context)
        return total / len(as_array(centre))


def same_topic(
    vectors: npt.NDArray[numpy.float32], vocabulary: Sequence[str], show: bool = False
) -> tuple[int, float, float]:
    """How many of the nouns' nearest nouns share their topic, and mean cosine similarities.

    Returns the count of same-topic neighbours (``NEIGHBOURS`` per noun), and the mean
    cosine similarity of two different nouns of one topic and of two nouns of different
    topics.  With ``show``, prints each noun's neighbours.
    """
    nouns = [vocabulary.index(word) for words in TOPICS.values() for word in words]
    topic = numpy.repeat(numpy.arange(len(TOPICS)), [len(words) for words in TOPICS.values()])
    chosen = vectors[nouns].astype(numpy.float64)
    unit = chosen / numpy.linalg.norm(chosen, axis=1, keepdims=True)
    similarity = unit @ unit.T
    same_topic = topic[:, None] == topic[None, :]
    other = ~numpy.eye(len(nouns), dtype=bool)
    within = float(similarity[same_topic & other].mean())
    across = float(similarity[~same_topic].mean())
    numpy.fill_diagonal(similarity, -numpy.inf)  # a word is not its own neighbour
    same = 0
    for row, word in enumerate(nouns):
        found = numpy.argsort(-similarity[row])[:NEIGHBOURS]
        same += int(same_topic[row, found].sum())
        if show:
            listed = ", ".join(f"{vocabulary[nouns[j]]} {similarity[row, j]:.2f}" for j in found)
            print(f"{vocabulary[word]:>6}: {listed}")
    return same, within, across


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="@numpy, @cupy:N or an integer")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--units", type=int, default=16, help="size of the word vectors")
    parser.add_argument("--window", type=int, default=2)
    parser.add_argument("--negatives", type=int, default=5, help="negative samples per pair")
    parser.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("result/word2vec_skipgram")
    )
    parser.add_argument("--smoke", action="store_true", help="a smaller corpus (for CI)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    device = devices.get_device(args.device or ("@cupy:0" if devices.cuda.available else "@numpy"))
    numpy.random.seed(0)  # noqa: NPY002 - initializers and the negative sampler draw from it
    rng = numpy.random.default_rng(0)

    n_sentences = 500 if args.smoke else args.sentences
    vocabulary, sentences = make_corpus(n_sentences, rng)
    centres, contexts = skipgram_pairs(sentences, args.window)
    counts = numpy.bincount(numpy.concatenate(sentences), minlength=len(vocabulary))
    print(
        f"word2vec_skipgram: {len(sentences)} sentences, {counts.sum()} words, "
        f"{len(vocabulary)} distinct, {len(centres)} skip-gram pairs, device {device.name}"
    )

    model = SkipGram(counts, args.units, args.negatives)
    model.to_device(device)
    optimizer = Adam(alpha=1e-2).setup(model)

    same_before, _, _ = same_topic(devices.to_cpu(as_array(model.embed.W)), vocabulary)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(centres))
        total = 0.0
        starts = range(0, len(order), args.batch_size)
        with tqdm(starts, desc=f"epoch {epoch}/{args.epochs}", unit="batch", leave=False) as bar:
            for i in bar:
                batch = order[i : i + args.batch_size]
                loss = model(device.send(centres[batch]), device.send(contexts[batch]))
                model.cleargrads()
                loss.backward()
                optimizer.update()
                total += float(loss.item()) * len(batch)
        print(f"epoch {epoch:2d}  loss {total / len(centres):.4f}")
    seconds = time.perf_counter() - start

    vectors = devices.to_cpu(as_array(model.embed.W))
    same, within, across = same_topic(vectors, vocabulary, show=True)
    n_pairs = NEIGHBOURS * sum(len(words) for words in TOPICS.values())
    print(
        f"nearest neighbours of the same topic: {same} of {n_pairs} ({same / n_pairs:.0%}) "
        f"after {seconds:.1f} s (before training: {same_before} of {n_pairs})"
    )
    print(f"mean cosine similarity: {within:.2f} within a topic, {across:.2f} across topics")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "word2vec.npz"
    save_npz(path, model)
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
