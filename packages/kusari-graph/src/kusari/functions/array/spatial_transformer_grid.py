"""The sampling grid of a spatial transformer (:func:`spatial_transformer_grid`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..math.matmul import matmul
from . import _shape_check
from .reshape import reshape

__all__ = ["SpatialTransformerGrid", "spatial_transformer_grid"]


def _target_points(xp: Any, shape: tuple[int, int], dtype: Any) -> Array:
    """The ``(3, H * W)`` homogeneous coordinates ``(x, y, 1)`` of the output pixels."""
    height, width = shape
    xs, ys = xp.meshgrid(xp.linspace(-1.0, 1.0, width), xp.linspace(-1.0, 1.0, height))
    ones = xp.ones(height * width)
    return xp.stack((xs.ravel(), ys.ravel(), ones)).astype(dtype)  # type: ignore[no-any-return]


@final
class SpatialTransformerGrid(FunctionNode):
    """``theta @ (x, y, 1)`` for every output pixel, with ``x`` and ``y`` in ``[-1, 1]``.

    Args:
        output_shape: The ``(height, width)`` of the grid.
    """

    __slots__ = ("output_shape",)

    def __init__(self, output_shape: tuple[int, int]) -> None:
        self.output_shape = output_shape

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """A floating point ``theta`` of shape ``(N, 2, 3)``."""
        type_check.argname(in_types, ("theta",))
        (theta,) = in_types
        type_check.expect(theta.dtype.kind == "f", theta.ndim == 3)
        type_check.expect(theta.shape[1] == 2, theta.shape[2] == 3)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Map the output pixels through the affine transforms."""
        (theta,) = inputs
        xp = _shape_check.xp_of(theta)
        points = _target_points(xp, self.output_shape, theta.dtype)
        grid = theta @ points
        return (grid.reshape((theta.shape[0], 2, *self.output_shape)),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy @ points.T`` (the grid is linear in ``theta``)."""
        gy = _utils.first_grad(grad_outputs)
        points = _target_points(gy.xp, self.output_shape, gy.dtype)
        flat = reshape(gy, (gy.shape[0], 2, -1))
        return (matmul(flat, points.T),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy @ points.T``."""
        gy = grad_outputs[0]
        assert gy is not None
        points = _target_points(_shape_check.xp_of(gy), self.output_shape, gy.dtype)
        return (gy.reshape((gy.shape[0], 2, -1)) @ points.T,)


def spatial_transformer_grid(
    theta: VariableOrArray, output_shape: Sequence[int], **kwargs: object
) -> Variable:
    """The sampling grid of a spatial transformer network (Jaderberg et al., 2015).

    The output pixel ``(i, j)`` has the normalized coordinates ``x = -1 + 2 j / (W - 1)``
    and ``y = -1 + 2 i / (H - 1)`` (``-1`` when the size is 1); the grid holds the source
    point ``theta[n] @ (x, y, 1)`` of each, for
    :func:`~kusari.functions.spatial_transformer_sampler`.

    Args:
        theta: The ``(N, 2, 3)`` affine transforms (floating point).
        output_shape: The ``(H, W)`` of the grid, two positive ints.
        **kwargs: Chainer's removed arguments; any given raises a ``ValueError``.

    Returns:
        The ``(N, 2, H, W)`` grid: ``grid[:, 0]`` holds the ``x`` (width) coordinates and
        ``grid[:, 1]`` the ``y`` (height) coordinates, of ``theta``'s dtype.

    Raises:
        TypeError: If ``output_shape`` is not a pair of ints.
        ValueError: If a size is not positive, or an unknown keyword is given.
        kusari.graph.type_check.InvalidType: If ``theta`` is not ``(N, 2, 3)`` floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> identity = numpy.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> grid = F.spatial_transformer_grid(identity, (2, 3))
        >>> grid.array[0, 0].tolist()  # x
        [[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]
        >>> grid.array[0, 1].tolist()  # y
        [[-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]]
    """
    if kwargs:
        raise ValueError(
            f"spatial_transformer_grid() got unexpected keyword arguments: {sorted(kwargs)}"
        )
    shape = _shape_check.as_int_tuple(output_shape, "output_shape")
    if len(shape) != 2:
        raise TypeError(f"output_shape must be a pair (height, width), got {output_shape!r}")
    if min(shape) <= 0:
        raise ValueError(f"output_shape must be positive, got {output_shape!r}")
    return SpatialTransformerGrid((shape[0], shape[1])).apply((theta,))[0]
