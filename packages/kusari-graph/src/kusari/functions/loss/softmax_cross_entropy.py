"""Softmax cross entropy, the classification loss (:func:`softmax_cross_entropy`)."""

from __future__ import annotations

from typing import Any, Final, Literal, final

import numpy

from kusari.devices import Array, is_array, kernels
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..activation.log_softmax import log_softmax
from ..array import _shape_check
from ..array.reshape import reshape
from ..array.select_item import expect_labels, select_item
from ..array.transpose import transpose
from ..math.mean import mean as _mean
from ..math.sum import sum as _sum

__all__ = ["SoftmaxCrossEntropy", "softmax_cross_entropy"]

_REDUCE: Final = ("mean", "no")
_SOFT_TARGET_LOSS: Final = ("cross-entropy", "kl-divergence")
_LABEL_HINT: Final = ", or a floating point array of x's shape for soft targets"
_DOUBLE_BACKPROP_MESSAGE: Final = (
    "softmax_cross_entropy was called with enable_double_backprop=False, but its gradient "
    "is being differentiated again; pass enable_double_backprop=True to softmax_cross_entropy"
)


def _compute_dtype(dtype: numpy.dtype[Any]) -> Any:
    return numpy.float32 if dtype == numpy.float16 else dtype


def _to_rows(x: Array) -> Array:
    """``(B, C, *rest)`` logits as a ``(B * prod(rest), C)`` matrix (class axis last)."""
    if x.ndim == 2:
        return x
    return _shape_check.xp_of(x).moveaxis(x, 1, -1).reshape(-1, x.shape[1])  # type: ignore[no-any-return]


def _from_rows(gx: Array, shape: tuple[int, ...]) -> Array:
    """The inverse of :func:`_to_rows`."""
    if len(shape) == 2:
        return gx
    moved = gx.reshape((shape[0], *shape[2:], shape[1]))
    return _shape_check.xp_of(gx).moveaxis(moved, -1, 1)  # type: ignore[no-any-return]


@final
class SoftmaxCrossEntropy(FunctionNode):
    """Softmax cross entropy of logits ``x`` (class axis 1) and integer labels ``t``.

    The forward and backward passes run the fused kernels of
    :mod:`kusari.devices.kernels`.  Its gradient is not differentiable again (see
    :func:`softmax_cross_entropy`'s ``enable_double_backprop``).

    Args:
        normalize: Average over the non-ignored labels (else over the batch).
        cache_score: Keep the row normalizers from forward for backward (else recompute).
        class_weight: Per-class weights of the loss (already of ``x``'s dtype), or ``None``.
        ignore_label: The label of elements that do not count.
        reduce: ``"mean"`` or ``"no"``.
    """

    __slots__ = (
        "_coeff",
        "_log_z",
        "cache_score",
        "class_weight",
        "ignore_label",
        "normalize",
        "reduce",
    )

    def __init__(
        self,
        normalize: bool = True,
        cache_score: bool = True,
        class_weight: Array | None = None,
        ignore_label: int = -1,
        reduce: str = "mean",
    ) -> None:
        self.normalize = normalize
        self.cache_score = cache_score
        self.class_weight = class_weight
        self.ignore_label = ignore_label
        self.reduce = reduce

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is floating point with ndim >= 2; ``t`` holds integer labels of its shape."""
        _check_hard_types(in_types)

    def _weights(self, t: Array, dtype: Any) -> Array | None:
        cw = self.class_weight
        if cw is None:
            return None
        xp = _shape_check.xp_of(t)
        valid = t != self.ignore_label
        weights = xp.asarray(cw, dtype=dtype)  # on the labels' device
        return weights[xp.where(valid, t, 0)] * valid  # type: ignore[no-any-return]

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """The per-element losses, reduced (``x`` and ``t`` are retained for backward)."""
        self.retain_inputs((0, 1))
        x, t = inputs
        xp = _shape_check.xp_of(x)
        labels = t.reshape(-1)
        loss, log_z = kernels.softmax_cross_entropy_forward(_to_rows(x), labels, self.ignore_label)
        self._log_z = log_z if self.cache_score else None
        compute = _compute_dtype(x.dtype)
        weights = self._weights(labels, compute)
        if self.reduce == "no":
            if weights is not None:
                loss = (loss * weights).astype(x.dtype, copy=False)
            return (loss.reshape(t.shape),)
        if self.normalize:
            count = (labels != self.ignore_label).sum()
        else:
            count = xp.asarray(x.shape[0])
        coeff = 1 / xp.maximum(count, 1).astype(compute)
        self._coeff = coeff
        if weights is None:
            total = loss.sum(dtype=compute)
        else:
            total = (loss * weights).sum(dtype=compute)
        return (xp.asarray(total * coeff, dtype=x.dtype),)

    def grad_arrays(self, gy: Array) -> Array:
        """The gradient of ``x`` for the output gradient ``gy`` (on arrays)."""
        x = self.retained_input_array(0)
        labels = self.retained_input_array(1).reshape(-1)
        rows = _to_rows(x)
        log_z = self._log_z
        if log_z is None:
            _, log_z = kernels.softmax_cross_entropy_forward(rows, labels, self.ignore_label)
        xp = _shape_check.xp_of(x)
        if self.reduce == "no":
            gloss = gy.reshape(-1)
        else:
            gloss = xp.broadcast_to((gy * self._coeff).astype(x.dtype), labels.shape)
        weights = self._weights(labels, x.dtype)
        if weights is not None:
            gloss = gloss * weights
        gx = kernels.softmax_cross_entropy_backward(rows, labels, log_z, gloss, self.ignore_label)
        return _from_rows(gx, x.shape)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradient of ``x``, through a node that cannot be differentiated again."""
        gy = _utils.first_grad(grad_outputs)
        x = self.get_retained_inputs()[0]
        return (_SoftmaxCrossEntropyGrad(self).apply((x, gy))[0], None)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The gradient of ``x`` (``t`` gets none)."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.grad_arrays(gy), None)


@final
class _SoftmaxCrossEntropyGrad(FunctionNode):
    """The gradient of :class:`SoftmaxCrossEntropy`; differentiating it raises.

    Its inputs are ``x`` (so that the graph links the gradient to it) and ``gy``.
    """

    __slots__ = ("_forward",)

    def __init__(self, forward: SoftmaxCrossEntropy) -> None:
        self._forward = forward

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the gradient of the forward function's ``x``."""
        return (self._forward.grad_arrays(inputs[1]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Refuse: the fast path of softmax_cross_entropy is differentiable only once."""
        raise RuntimeError(_DOUBLE_BACKPROP_MESSAGE)


def _check_label_range(t: Array, n_classes: int, ignore_label: int) -> None:
    if type(t) is not numpy.ndarray:
        return  # checking would synchronize with the device
    bad = (t != ignore_label) & ((t < 0) | (t >= n_classes))
    if bad.any():
        index = tuple(int(i) for i in numpy.argwhere(bad)[0])
        raise ValueError(
            f"softmax_cross_entropy: label {int(t[index])} at t{list(index)} is out of range "
            f"for {n_classes} classes (and is not ignore_label={ignore_label})"
        )


def _class_axis_last(v: Variable) -> Variable:
    """``(B, C, *rest)`` as ``(B * prod(rest), C)``, differentiably."""
    ndim = v.ndim
    if ndim == 2:
        return v
    moved = transpose(v, (0, *range(2, ndim), 1))
    return reshape(moved, (-1, v.shape[1]))


def _check_hard_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "t"))
    x_type, t_type = in_types
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim >= 2)
    expect_labels(t_type, hint=_LABEL_HINT)
    type_check.expect(
        t_type.ndim == x_type.ndim - 1,
        x_type.shape[0] == t_type.shape[0],
        x_type.shape[2:] == t_type.shape[1:],
    )


def _check_soft_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "t"))
    x_type, t_type = in_types
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim >= 2, t_type.shape == x_type.shape)


def _hard_target_composed(
    x: VariableOrArray,
    t: Array,
    normalize: bool,
    class_weight: Array | None,
    ignore_label: int,
    reduce: str,
) -> Variable:
    """The double-backprop path: log_softmax, select_item and sums (all differentiable)."""
    x_array = x.array if isinstance(x, Variable) else x
    assert x_array is not None
    _shape_check.run_type_check(_check_hard_types, (x_array, t), "SoftmaxCrossEntropy")
    n_classes = x_array.shape[1]
    _check_label_range(t, n_classes, ignore_label)
    xp = _shape_check.xp_of(x_array)
    log_y = log_softmax(x, axis=1)
    if class_weight is not None:
        shape = (1, n_classes) + (1,) * (x_array.ndim - 2)
        log_y = log_y * xp.asarray(class_weight).reshape(shape)
    labels = t.reshape(-1)
    valid = labels != ignore_label
    picked = select_item(_class_axis_last(log_y), xp.where(valid, labels, 0))
    losses = picked * -valid.astype(x_array.dtype)
    if reduce == "no":
        return reshape(losses, t.shape)
    count = valid.sum() if normalize else xp.asarray(x_array.shape[0])
    coeff: Array = 1 / xp.maximum(count, 1).astype(x_array.dtype)
    return _sum(losses) * coeff


def _soft_target(x: VariableOrArray, t: Array, reduce: str, soft_target_loss: str) -> Variable:
    """Soft targets: ``-sum(t * log_softmax(x))`` per element, or the KL divergence."""
    x_array = x.array if isinstance(x, Variable) else x
    assert x_array is not None
    _shape_check.run_type_check(_check_soft_types, (x_array, t), "SoftmaxCrossEntropy")
    t = t.astype(x_array.dtype, copy=False)
    cross = _sum(log_softmax(x, axis=1) * t, axis=1)
    if soft_target_loss == "cross-entropy":
        losses = -cross
    else:
        xp = _shape_check.xp_of(t)
        entropy = (t * xp.log(xp.where(t > 0, t, 1))).sum(axis=1)
        losses = entropy - cross
    if reduce == "no":
        return losses
    return _mean(losses)


def softmax_cross_entropy(
    x: VariableOrArray,
    t: VariableOrArray,
    normalize: bool = True,
    cache_score: bool = True,
    class_weight: Array | None = None,
    ignore_label: int = -1,
    reduce: Literal["mean", "no"] = "mean",
    enable_double_backprop: bool = False,
    soft_target_loss: Literal["cross-entropy", "kl-divergence"] = "cross-entropy",
) -> Variable:
    """Cross entropy between the softmax of ``x`` and the labels ``t``.

    ``x`` holds logits with the classes on axis 1: shape ``(B, C)`` or ``(B, C, d1, ...)``.
    With integer labels ``t`` of shape ``(B,)`` or ``(B, d1, ...)``, the loss of each
    element is ``-log(softmax(x)[b, t[b], ...])``; elements labelled ``ignore_label`` count
    as 0.  A floating point ``t`` of ``x``'s shape is a *soft target* (a distribution over
    the classes per element).

    Args:
        x: The logits (floating point, ``ndim >= 2``).
        t: Integer labels in ``[0, C)`` (or ``ignore_label``), of shape ``x.shape[:1] +
            x.shape[2:]``; or soft targets of ``x``'s shape.
        normalize: With ``reduce="mean"``, divide the summed loss by the number of
            non-ignored labels; else by the batch size ``B``.  Soft targets are always
            averaged over all their elements (as in Chainer).
        cache_score: Keep the softmax normalizers computed in forward for backward (uses
            memory for one value per element); else recompute them.
        class_weight: A ``(C,)`` array; the loss of an element of class ``c`` is
            multiplied by ``class_weight[c]``.  Not supported with soft targets.
        ignore_label: The label of elements that do not count.
        reduce: ``"mean"`` gives a scalar; ``"no"`` gives the loss per element (shape of
            ``t``, or ``x.shape[:1] + x.shape[2:]`` for soft targets).
        enable_double_backprop: Build the loss from differentiable functions
            (log_softmax, select_item, sums) so that its gradient can be differentiated
            again.  The default uses fused kernels, faster and lighter, whose gradient
            raises RuntimeError if differentiated.
        soft_target_loss: For soft targets, ``"cross-entropy"`` (``-sum(t * log_softmax(x))``)
            or ``"kl-divergence"`` (``sum(t * (log(t) - log_softmax(x)))``).

    Returns:
        The loss, of ``x``'s dtype: a scalar, or per element with ``reduce="no"``.

    Raises:
        ValueError: If ``reduce`` or ``soft_target_loss`` is not one of its values,
            ``class_weight`` does not have shape ``(C,)`` (or is given with soft
            targets), or (NumPy) a label is outside ``[0, C)`` and is not ``ignore_label``.
        TypeError: If ``ignore_label`` is not an int or ``class_weight`` is not an array.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point, ``t`` is not
            an integer array (and not a soft target of ``x``'s shape), or the shapes do
            not match.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.log(numpy.array([[1.0, 3.0], [1.0, 1.0]], numpy.float32)))
        >>> t = numpy.array([1, -1])
        >>> loss = F.softmax_cross_entropy(x, t)
        >>> round(float(loss.array), 4)
        0.2877
        >>> loss.backward()
        >>> x.grad.tolist()
        [[0.25, -0.25], [0.0, 0.0]]
        >>> F.softmax_cross_entropy(x, t, reduce="no").shape
        (2,)
    """
    if reduce not in _REDUCE:
        raise ValueError(f"only 'mean' and 'no' are valid for 'reduce', but {reduce!r} is given")
    if soft_target_loss not in _SOFT_TARGET_LOSS:
        raise ValueError(
            "soft_target_loss must be 'cross-entropy' or 'kl-divergence', but "
            f"{soft_target_loss!r} is given"
        )
    ignore_label = _shape_check.as_int(ignore_label, "ignore_label")
    t_array = t.array if isinstance(t, Variable) else t
    if not is_array(t_array):
        raise TypeError(f"t must be a Variable or an array, got {type(t).__name__}")
    assert t_array is not None
    x_shape = x.shape
    if class_weight is not None:
        if not is_array(class_weight):
            raise TypeError(
                f"class_weight must be an array or None, got {type(class_weight).__name__}"
            )
        n_classes = x_shape[1] if len(x_shape) >= 2 else None
        if class_weight.ndim != 1 or (n_classes is not None and len(class_weight) != n_classes):
            raise ValueError(
                f"class_weight must have shape ({n_classes},), one weight per class, got "
                f"{class_weight.shape}"
            )
    if t_array.dtype.kind == "f" and t_array.shape == x_shape:
        if class_weight is not None:
            raise ValueError("class_weight is not supported with soft targets (floating point t)")
        return _soft_target(x, t_array, reduce, soft_target_loss)
    if enable_double_backprop:
        cw = None if class_weight is None else class_weight.astype(x.dtype, copy=False)
        return _hard_target_composed(x, t_array, normalize, cw, ignore_label, reduce)
    node = SoftmaxCrossEntropy(normalize, cache_score, class_weight, ignore_label, reduce)
    return node.apply((x, t_array))[0]
