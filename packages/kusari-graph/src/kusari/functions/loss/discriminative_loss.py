"""The discriminative loss of instance embeddings (Chainer's margin-based clustering loss)."""

from __future__ import annotations

import itertools

from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.relu import relu
from ..array import _shape_check
from ..array.expand_dims import expand_dims
from ..array.get_item import get_item
from ..array.reshape import reshape
from ..array.select_item import expect_labels
from ..array.where import where
from ..math.absolute import absolute
from ..math.matmul import matmul
from ..math.sqrt import sqrt
from ..math.sum import sum as _sum
from ._checks import array_of

__all__ = ["discriminative_margin_based_clustering_loss"]


def _norm(v: Variable, axis: int, norm: int) -> Variable:
    """The L1 or L2 norm along ``axis``; the L2 norm of a zero vector has gradient 0."""
    if norm == 1:
        return _sum(absolute(v), axis=axis)
    squares = _sum(v * v, axis=axis)
    array = squares.array
    assert array is not None
    zero = array == 0
    return where(zero, 0.0, sqrt(squares + zero.astype(array.dtype)))


def _check(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("embeddings", "labels"))
    emb_type, label_type = in_types
    type_check.expect(emb_type.dtype.kind == "f", emb_type.ndim == 4, label_type.ndim == 3)
    expect_labels(label_type, "labels")
    type_check.expect(
        label_type.shape[0] == emb_type.shape[0],
        label_type.shape[1] == emb_type.shape[2],
        label_type.shape[2] == emb_type.shape[3],
    )


def discriminative_margin_based_clustering_loss(
    embeddings: VariableOrArray,
    labels: VariableOrArray,
    delta_v: float,
    delta_d: float,
    max_embedding_dim: int,
    norm: int = 1,
    alpha: float = 1.0,
    beta: float = 1.0,
    gamma: float = 0.001,
) -> tuple[Variable, Variable, Variable]:
    """The discriminative loss for instance segmentation (De Brabandere et al., 2017).

    Pixel ``i`` of image ``b`` has the embedding ``x_i = embeddings[b, :, y, x]`` and the
    label ``labels[b, y, x]``; label ``c`` in ``1..K`` (``K = max_embedding_dim``) marks
    instance ``c`` and ``0`` the background (ignored, as are labels above ``K``).  With
    ``mu_c`` the mean embedding of instance ``c`` (zero if it has no pixel) and
    ``||.||`` the L1 or L2 norm:

    * variance: ``alpha / (B K) * sum_{b, c} mean_{i in c} max(||mu_c - x_i|| - delta_v, 0)**2``
      (instances without pixels add nothing),
    * distance: ``beta / (B K (K - 1)) * sum_b sum_{c != c'} max(2 delta_d - ||mu_c - mu_c'||,
      0)**2`` (over ordered pairs, absent instances included),
    * regularization: ``gamma / (B K) * sum_{b, c} ||mu_c||``.

    These are Chainer's definitions for one image; for a batch, each image has its own
    instances (Chainer runs only for ``B`` in ``{1, C}``, requires ``K == C``, and mixes the
    images when ``B == C > 1``).

    Args:
        embeddings: The ``(B, C, H, W)`` embeddings (floating point).
        labels: The ``(B, H, W)`` integer instance labels.
        delta_v: The margin of the variance term.
        delta_d: Half the margin of the distance term.
        max_embedding_dim: ``K``, the number of instances (labels ``1..K``).
        norm: 1 or 2, the norm of the distances.
        alpha: The weight of the variance term.
        beta: The weight of the distance term.
        gamma: The weight of the regularization term.

    Returns:
        ``(variance, distance, regularization)``: three scalar Variables of the
        embeddings' dtype.

    Raises:
        TypeError: If ``max_embedding_dim`` or ``norm`` is not an int.
        ValueError: If ``max_embedding_dim`` is not positive or ``norm`` is not 1 or 2.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> emb = numpy.array([[[[0.0, 0.1, 5.0, 5.2]]]])  # one image, C = 1, 1 x 4 pixels
        >>> labels = numpy.array([[[1, 1, 2, 2]]])
        >>> var, dist, reg = F.discriminative_margin_based_clustering_loss(
        ...     emb, labels, delta_v=0.5, delta_d=1.5, max_embedding_dim=2)
        >>> float(var.array), float(dist.array)  # tight clusters, far apart
        (0.0, 0.0)
        >>> round(float(reg.array), 6)  # 0.001 * (0.05 + 5.1) / 2
        0.002575
    """
    k = _shape_check.as_int(max_embedding_dim, "max_embedding_dim")
    order = _shape_check.as_int(norm, "norm")
    if k <= 0:
        raise ValueError(f"max_embedding_dim must be positive, got {k}")
    if order not in (1, 2):
        raise ValueError(f"norm must be 1 or 2, got {order}")
    emb_array, label_array = array_of(embeddings), array_of(labels)
    _shape_check.run_type_check(
        _check, [emb_array, label_array], "discriminative_margin_based_clustering_loss"
    )
    xp = _shape_check.xp_of(emb_array)
    dtype = emb_array.dtype
    batch, channels = emb_array.shape[:2]
    flat = reshape(embeddings, (batch, channels, -1))  # (B, C, P)
    ids = xp.arange(1, k + 1).reshape(1, k, 1)
    masks = (label_array.reshape(batch, 1, -1) == ids).astype(dtype)  # (B, K, P)
    counts = xp.maximum(masks.sum(axis=2), 1)  # (B, K)
    means = matmul(masks, flat, transb=True) / counts[:, :, None]  # (B, K, C)

    spread = _norm(expand_dims(flat, 1) - expand_dims(means, 3), 2, order)  # (B, K, P)
    pull = relu(spread - delta_v)
    variance = _sum(_sum(pull * pull * masks, axis=2) / counts) * (alpha / (batch * k))

    pairs = list(itertools.permutations(range(k), 2))
    if pairs:
        first = xp.asarray([a for a, _ in pairs])
        second = xp.asarray([b for _, b in pairs])
        gaps = get_item(means, (slice(None), first)) - get_item(means, (slice(None), second))
        push = relu(2.0 * delta_d - _norm(gaps, 2, order))
        distance = _sum(push * push) * (beta / (batch * len(pairs)))
    else:
        distance = Variable(xp.zeros((), dtype), requires_grad=False)

    regularization = _sum(_norm(means, 2, order)) * (gamma / (batch * k))
    return variance, distance, regularization
