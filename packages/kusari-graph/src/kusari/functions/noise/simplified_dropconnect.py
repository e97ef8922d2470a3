"""Linear layer with DropConnect on the weights (:func:`simplified_dropconnect`)."""

from __future__ import annotations

from kusari.devices import Array, is_array
from kusari.graph import Variable, VariableOrArray

from ..array.reshape import reshape
from ..math import _helpers
from ..math.einsum import einsum
from ..math.matmul import matmul

__all__ = ["simplified_dropconnect"]


def simplified_dropconnect(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    ratio: float = 0.5,
    train: bool = True,
    mask: Array | None = None,
    use_batchwise_mask: bool = True,
) -> Variable:
    """Linear layer ``x @ W.T + b`` whose weights are dropped at random (DropConnect).

    With ``train`` (an argument here, not ``config.train``, as in Chainer) each weight is
    kept where ``numpy.random.rand(...) >= ratio`` and scaled by ``1 / (1 - ratio)``; with
    ``use_batchwise_mask`` every sample gets its own mask ``(B, out, in)``, else one
    ``(out, in)`` mask is shared.  Without ``train`` it is the plain linear layer.  It is
    built from differentiable functions.

    Args:
        x: The input ``(B, ...)``; it is flattened to ``(B, in)``.
        W: The weights ``(out, in)``.
        b: The bias ``(out,)``, or ``None``.
        ratio: The drop ratio, in ``[0, 1)``.
        train: Apply the mask (training) or not.
        mask: A mask to use instead of drawing one (1 keeps a weight, 0 drops it); it is
            scaled by ``1 / (1 - ratio)`` like a drawn one.
        use_batchwise_mask: One mask per sample, or one for the whole batch.

    Returns:
        The output ``(B, out)``.

    Raises:
        ValueError: If ``ratio`` is outside ``[0, 1)``, or a shape does not fit.
        TypeError: If ``mask`` is not an array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.ones((2, 3), numpy.float32)
        >>> W = numpy.ones((4, 3), numpy.float32)
        >>> F.simplified_dropconnect(x, W, train=False).array.tolist()
        [[3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0]]
        >>> F.simplified_dropconnect(x, W, ratio=0.0).shape
        (2, 4)
    """
    ratio = _helpers.check_float(ratio, "ratio")
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f"dropconnect ratio must be in the range [0, 1), got {ratio}")
    x_shape, w_shape = tuple(x.shape), tuple(W.shape)
    if len(w_shape) != 2:
        raise ValueError(f"W must be 2-D (out, in), got shape {w_shape}")
    batch = x_shape[0]
    size = 1
    for n in x_shape[1:]:
        size *= n
    if size != w_shape[1]:
        raise ValueError(f"x has {size} features per sample, but W expects {w_shape[1]}")
    x2 = reshape(x, (batch, size))
    if not train:
        y = matmul(x2, W, transb=True)
    else:
        mask_shape = (batch, *w_shape) if use_batchwise_mask else w_shape
        w_array = W.array if isinstance(W, Variable) else W
        assert w_array is not None
        xp = _helpers.array_module(w_array)
        if mask is None:
            keep = xp.random.rand(*mask_shape) >= ratio
        elif not is_array(mask):
            raise TypeError(f"mask must be an array or None, got {type(mask).__name__}")
        elif tuple(mask.shape) != mask_shape:
            raise ValueError(f"mask must have shape {mask_shape}, got {tuple(mask.shape)}")
        else:
            keep = mask
        scaled = (keep * (1.0 / (1.0 - ratio))).astype(w_array.dtype)
        if use_batchwise_mask:
            y = einsum("bi,boi->bo", x2, W * scaled)
        else:
            y = matmul(x2, W * scaled, transb=True)
    return y if b is None else y + b
