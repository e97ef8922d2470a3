"""``SpectralNormalization``: divide a weight by its largest singular value."""

from __future__ import annotations

from typing import Any

import kusari.functions as F
from kusari.devices import Array, copyto, get_array_module, using_device
from kusari.graph import Variable, config

from .._link import Link
from .._parameter import Parameter
from ..connection._conv_base import ConvolutionLinkBase
from ._weight_hook import WeightHook

__all__ = ["SpectralNormalization"]


class SpectralNormalization(WeightHook):
    """Spectral normalization of a link's weight (Miyato et al., 2018).

    Each forward uses ``W / sigma`` instead of the weight ``W``, where ``sigma``, the
    largest singular value of ``W`` seen as a matrix (the output axis first, the others
    flattened), is estimated by power iteration.  The left singular vector ``u`` is kept
    on the link as a persistent array named ``weight_name + '_u'`` (so it is saved and
    loaded with the link), drawn from the global ``xp.random.normal`` when the weight is
    first initialized.  Each call runs ``n_power_iteration`` steps from the stored ``u``;
    in training mode (``config.train``) the new ``u`` is stored back, in test mode it is
    not, so evaluation leaves the link unchanged.  ``sigma`` is computed on the graph
    from the (constant) singular vectors, so gradients flow through the normalization.

    For the deconvolution links, whose weight is ``(in, out, ...)``, the output axis is
    axis 1 (:attr:`axis`).  With ``use_gamma`` the link also gets a learnable scalar
    parameter ``gamma``, initialized to the largest singular value of the initial weight,
    and uses ``gamma * W / sigma``.  Deleting the hook removes ``u`` (and ``gamma``).

    Args:
        n_power_iteration: Power iteration steps per forward (at least 1).
        eps: Added to the vector norms before dividing by them.
        use_gamma: Add the learnable scale ``gamma``.
        factor: If given, use ``factor * W / sigma`` (divide ``sigma`` by ``factor``).
        weight_name: The name of the parameter to normalize.
        name: The name the hook is registered under (``'SpectralNormalization'``).

    Attributes:
        n_power_iteration: Power iteration steps per forward.
        eps: The epsilon of the normalizations.
        use_gamma: Whether ``gamma`` is used.
        factor: The factor ``sigma`` is divided by, or ``None``.
        weight_name: The name of the normalized parameter.
        vector_name: The name of the persistent ``u`` on the link (``weight_name + '_u'``).
        axis: The output axis of the weight (0, or 1 for the deconvolutions).
        v: The right singular vector estimated by the last forward, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import Linear
        >>> from kusari.links.hooks import SpectralNormalization
        >>> layer = Linear(3, 2, initialW=numpy.diag([2.0, 1.0, 0.0])[:2])
        >>> _ = layer.add_hook(SpectralNormalization(n_power_iteration=20))
        >>> layer.W_u.shape
        (2,)
        >>> y = layer(numpy.eye(3, dtype=numpy.float32))
        >>> numpy.round(y.array, 3).tolist()
        [[1.0, 0.0], [0.0, 0.5], [0.0, 0.0]]
        >>> type(layer.W).__name__
        'Parameter'
    """

    name = "SpectralNormalization"

    n_power_iteration: int
    eps: float
    use_gamma: bool
    factor: float | None
    vector_name: str
    axis: int
    v: Array | None

    def __init__(
        self,
        n_power_iteration: int = 1,
        eps: float = 1e-6,
        use_gamma: bool = False,
        factor: float | None = None,
        weight_name: str = "W",
        name: str | None = None,
    ) -> None:
        if isinstance(n_power_iteration, bool) or not isinstance(n_power_iteration, int):
            raise TypeError(
                f"n_power_iteration must be an int, got {type(n_power_iteration).__name__}"
            )
        if n_power_iteration < 1:
            raise ValueError(f"n_power_iteration must be at least 1, got {n_power_iteration}")
        if not eps >= 0:
            raise ValueError(f"eps must be non-negative, got {eps}")
        if factor is not None and not factor > 0:
            raise ValueError(f"factor must be positive or None, got {factor}")
        super().__init__(weight_name, name)
        self.n_power_iteration = n_power_iteration
        self.eps = eps
        self.use_gamma = use_gamma
        self.factor = factor
        self.vector_name = weight_name + "_u"
        self.axis = 0
        self.v = None

    def added(self, link: Link | None) -> None:
        """Check the link, set :attr:`axis`, and draw ``u`` if the weight is initialized.

        If the weight is not initialized yet, ``u`` is registered as ``None`` (and
        ``gamma`` as an uninitialized parameter), so that loading a saved link restores
        them; otherwise they are created at the first call.

        Raises:
            NotImplementedError: For a global registration.
            ValueError: If the link has no such weight, or (with ``use_gamma``) already
                has an attribute ``gamma``.
        """
        if link is not None:
            self.axis = _output_axis(link)
            if self.use_gamma and "gamma" in link.__dict__:
                raise ValueError(
                    f"SpectralNormalization(use_gamma=True) adds a parameter 'gamma', but "
                    f"{type(link).__name__} already has an attribute of that name"
                )
        super().added(link)
        if link is not None and not self.is_prepared(link):
            link.__dict__[self.vector_name] = None
            link.register_persistent(self.vector_name)
            if self.use_gamma:
                with link.init_scope():
                    link.gamma = Parameter()

    def is_prepared(self, link: Link) -> bool:
        """Return whether ``link`` holds this hook's ``u`` (drawn or loaded)."""
        return link.__dict__.get(self.vector_name) is not None

    def prepare(self, link: Link, weight: Parameter) -> None:
        """Draw ``u`` (and set ``gamma``) for ``link``'s initialized weight.

        Raises:
            ValueError: If the weight's output axis is empty.
        """
        array: Any = weight.array
        axis = _output_axis(link)
        size = array.shape[axis]
        if size == 0:
            raise ValueError(
                f"SpectralNormalization needs {self.weight_name}.shape[{axis}] > 0, got "
                f"shape {array.shape}"
            )
        existing = link.__dict__.get("gamma")
        new_gamma = self.use_gamma and not (
            isinstance(existing, Parameter) and existing.array is not None
        )
        xp: Any = link.xp
        with using_device(link.device):
            u = xp.random.normal(size=(size,)).astype(array.dtype)
            # The largest singular value, as a 0-dimensional array of the weight's dtype.
            gamma = (
                xp.linalg.svd(_as_matrix(array, axis), compute_uv=False)[:1].reshape(())
                if new_gamma
                else None
            )
        link.__dict__[self.vector_name] = u
        link.register_persistent(self.vector_name)
        if gamma is not None:
            if existing is not None:
                delattr(link, "gamma")
            with link.init_scope():
                link.gamma = Parameter(gamma)

    def release(self, link: Link) -> None:
        """Remove ``u`` (and ``gamma``) from ``link``."""
        if self.vector_name in link.__dict__:
            delattr(link, self.vector_name)
        if self.use_gamma and "gamma" in link.__dict__:
            delattr(link, "gamma")

    def transform(self, link: Link, weight: Parameter) -> Variable:
        """Return ``weight / sigma`` (times ``gamma`` and ``factor`` when set)."""
        axis = _output_axis(link)
        matrix = weight if axis == 0 else F.moveaxis(weight, axis, 0)
        matrix = F.reshape(matrix, (matrix.shape[0], -1))
        stored: Any = link.__dict__[self.vector_name]
        if config.in_recomputing and self.v is not None:
            # Recomputing a forgotten forward: reuse the vectors of the first run.
            u, v = stored, self.v
        else:
            with using_device(link.device):
                u, v = _power_iteration(matrix.array, stored, self.n_power_iteration, self.eps)
            if config.train:
                copyto(stored, u)
        self.v = v
        # sigma = u^T M v, differentiable in M; u and v are constants.
        sigma = F.sum(F.linear(v[None], matrix) * u[None])
        if self.factor is not None:
            sigma = sigma / self.factor
        if self.use_gamma:
            gamma: Parameter = link.__dict__["gamma"]
            return gamma * weight / sigma
        return weight / sigma


def _output_axis(link: Link) -> int:
    return 1 if isinstance(link, ConvolutionLinkBase) and link._transposed else 0


def _as_matrix(array: Any, axis: int) -> Any:
    """``array`` as a matrix: the output ``axis`` first, the other axes flattened."""
    xp: Any = get_array_module(array)
    array = xp.moveaxis(array, axis, 0)
    return array.reshape(array.shape[0], -1)


def _l2_normalize(xp: Any, vector: Any, eps: float) -> Any:
    return vector / (xp.linalg.norm(vector) + eps)


def _power_iteration(matrix: Any, u: Any, steps: int, eps: float) -> tuple[Any, Any]:
    """Run ``steps`` power iteration steps from ``u``; return the new ``(u, v)``."""
    xp: Any = get_array_module(matrix)
    v = u
    for _ in range(steps):
        v = _l2_normalize(xp, u @ matrix, eps)
        u = _l2_normalize(xp, matrix @ v, eps)
    return u, v
