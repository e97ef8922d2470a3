"""The :class:`Orthogonal` initializer."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy
import numpy.typing as npt

from kusari.devices import Array, copyto, to_cpu

from ._base import Initializer, RandomGenerator

__all__ = ["Orthogonal"]

OrthogonalMode = Literal["auto", "projection", "embedding", "basis"]

# mode -> (refuse in_dim > out_dim, refuse in_dim < out_dim)
_REFUSALS: dict[str, tuple[bool, bool]] = {
    "auto": (False, False),
    "projection": (False, True),
    "embedding": (True, False),
    "basis": (True, True),
}


class Orthogonal(Initializer):
    """Fill an array with a scaled (semi-)orthogonal matrix.

    The array is seen as a matrix of ``out_dim = shape[0]`` rows and
    ``in_dim = prod(shape[1:])`` columns.  Its rows are orthonormal when
    ``out_dim <= in_dim`` (a *projection*), else its columns are (an *embedding*); then
    everything is multiplied by ``scale``.  The matrix comes from the QR decomposition of
    a standard normal ``(out_dim, in_dim)`` draw from ``numpy.random`` (or ``rng``), with
    signs fixed by ``R``'s diagonal, as Chainer did.  A 0-dimensional array gets
    ``+scale`` or ``-scale``.

    Args:
        scale: The factor applied to the orthogonal matrix (Chainer's default, 1.1).
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        mode: ``'auto'`` accepts any shape; ``'projection'`` requires
            ``out_dim <= in_dim``, ``'embedding'`` ``out_dim >= in_dim`` and ``'basis'``
            a square matrix.
        rng: A random generator to draw from instead of ``numpy.random``.

    Attributes:
        scale: The factor applied to the orthogonal matrix.
        mode: The mode given at construction.
        rng: The random generator, or ``None`` for the global one.

    Raises:
        ValueError: If ``mode`` is not one of the four modes.

    Example:
        >>> import numpy
        >>> from kusari.initializers import Orthogonal
        >>> w = numpy.empty((3, 5))
        >>> Orthogonal(scale=1.0, rng=numpy.random.default_rng(0))(w)
        >>> numpy.allclose(w @ w.T, numpy.eye(3))
        True
    """

    scale: float
    mode: OrthogonalMode
    rng: RandomGenerator | None

    def __init__(
        self,
        scale: float = 1.1,
        dtype: npt.DTypeLike | None = None,
        mode: OrthogonalMode = "auto",
        rng: RandomGenerator | None = None,
    ) -> None:
        if mode not in _REFUSALS:
            raise ValueError(
                f"mode must be one of 'auto', 'projection', 'embedding', 'basis', got {mode!r}"
            )
        super().__init__(dtype)
        self.scale = scale
        self.mode = mode
        self.rng = rng

    def __call__(self, array: Array) -> None:
        """Fill ``array`` with a scaled orthogonal matrix.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch, an empty array, or a shape the mode refuses.
        """
        self.check_dtype(array)
        if array.ndim == 0:
            sign = 2 * self._random_bit() - 1
            copyto(array, numpy.asarray(self.scale * sign))
            return
        if array.size == 0:
            raise ValueError(f"Orthogonal cannot fill an empty array (shape {array.shape})")
        out_dim = array.shape[0]
        in_dim = math.prod(array.shape[1:])
        refuse_wide, refuse_tall = _REFUSALS[self.mode]
        if (in_dim > out_dim and refuse_wide) or (in_dim < out_dim and refuse_tall):
            raise ValueError(
                f"Orthogonal(mode={self.mode!r}) cannot fill shape {array.shape}, seen as "
                f"{out_dim} outputs x {in_dim} inputs"
            )
        if self.rng is None:
            drawn: Any = numpy.random.normal(size=(out_dim, in_dim))  # noqa: NPY002
        else:
            drawn = to_cpu(self.rng.normal(size=(out_dim, in_dim)))
        wide = in_dim > out_dim
        matrix = drawn.T if wide else drawn
        q, r = numpy.linalg.qr(matrix)
        q *= numpy.copysign(self.scale, numpy.diag(r))
        if wide:
            q = q.T
        copyto(array, q.reshape(array.shape).astype(array.dtype, copy=False))

    def _random_bit(self) -> int:
        if self.rng is None:
            return int(numpy.random.randint(2))  # noqa: NPY002
        draw = getattr(self.rng, "integers", None) or getattr(self.rng, "randint", None)
        if draw is None:
            raise TypeError(
                f"rng {self.rng!r} has neither integers() nor randint() for a 0-d Orthogonal"
            )
        return int(draw(2))

    def _repr_fields(self) -> dict[str, object]:
        return {"scale": self.scale, "mode": self.mode}
