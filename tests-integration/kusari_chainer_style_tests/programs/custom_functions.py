"""Chainer 7 program: a custom old-style ``Function`` and a new-style ``FunctionNode``.

Plain Chainer code (it runs unmodified on Chainer 7.8.1): ``chainer.Function`` with
``forward``/``backward`` on arrays; ``chainer.FunctionNode`` with ``check_type_forward``
(``chainer.utils.type_check``), ``retain_inputs`` and a differentiable ``backward``;
``chainer.gradient_check``; ``chainer.grad``; and a model trained through both.
"""

# Chainer is untyped (Any) to mypy: subclassing its classes is what these programs do.
# mypy: disable-error-code="misc"

from __future__ import annotations

import json
import sys
import tempfile
from typing import Any

import chainer
import chainer.functions as F
import numpy as np
from chainer import gradient_check, optimizers, utils
from chainer.utils import type_check


class Cube(chainer.Function):
    """Old style: arrays in and out; Chainer retains the inputs for backward."""

    def forward(self, inputs: Any) -> Any:
        (x,) = inputs
        return (utils.force_array(x**3),)

    def backward(self, inputs: Any, grad_outputs: Any) -> Any:
        (x,) = inputs
        (gy,) = grad_outputs
        return (utils.force_array(3 * x**2 * gy),)


def cube(x: Any) -> Any:
    return Cube()(x)


class RowSquaredNorm(chainer.FunctionNode):
    """New style: ``y[i] = sum_j x[i, j]**2`` with a backward built from functions."""

    def check_type_forward(self, in_types: Any) -> None:
        type_check.expect(in_types.size() == 1)
        (x_type,) = in_types
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 2)

    def forward(self, inputs: Any) -> Any:
        self.retain_inputs((0,))
        (x,) = inputs
        return (utils.force_array((x * x).sum(axis=1)),)

    def backward(self, indexes: Any, grad_outputs: Any) -> Any:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        return (2 * x * F.broadcast_to(F.expand_dims(gy, 1), x.shape),)


def row_squared_norm(x: Any) -> Any:
    (y,) = RowSquaredNorm().apply((x,))
    return y


def main(out_dir: str) -> dict[str, Any]:
    rng = np.random.RandomState(0)
    result: dict[str, Any] = {}

    # Old style: values, gradients, and the refusal to differentiate twice.
    x = chainer.Variable(np.array([-1.5, 0.5, 2.0], dtype=np.float32))
    y = cube(x)
    y.grad = np.ones(3, dtype=np.float32)
    y.backward()
    result["cube"] = y.array.tolist()
    result["cube_grad"] = x.grad.tolist()
    result["cube_creator_is_function"] = isinstance(y.creator, Cube)
    gradient_check.check_backward(cube, rng.randn(4, 3), rng.randn(4, 3))
    (gx,) = chainer.grad([F.sum(cube(x))], [x], enable_double_backprop=True)
    try:
        gx.grad = np.ones(3, dtype=np.float32)
        gx.backward()
        result["cube_twice"] = "differentiated"
    except RuntimeError as error:
        result["cube_twice"] = str(error)

    # New style: values, first and second order gradients, the type check.
    a = rng.randn(5, 4)
    norm = row_squared_norm(a)
    result["norm_matches"] = bool(np.allclose(norm.array, (a * a).sum(axis=1)))
    gradient_check.check_backward(row_squared_norm, a, rng.randn(5))
    gradient_check.check_double_backward(row_squared_norm, a, rng.randn(5), rng.randn(5, 4))
    v = chainer.Variable(a)
    (gv,) = chainer.grad([F.sum(row_squared_norm(v))], [v], enable_double_backprop=True)
    (ggv,) = chainer.grad([F.sum(gv * gv)], [v])  # d/dv sum((2v)^2) = 8v
    result["second_order_matches"] = bool(np.allclose(ggv.array, 8 * a))
    try:
        row_squared_norm(np.ones((2, 3), dtype=np.int32))
        result["type_error"] = None
    except type_check.InvalidType as error:
        result["type_error"] = str(error)

    # Both inside a model that learns: fit w so that norm(cube(w * x)) matches a target.
    class Model(chainer.Chain):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.w = chainer.Parameter(np.full((1, 3), 0.5, dtype=np.float32))

        def forward(self, x: Any) -> Any:
            return row_squared_norm(cube(F.broadcast_to(self.w, x.shape) * x))

    model = Model()
    optimizer = optimizers.Adam(alpha=0.05)
    optimizer.setup(model)
    data = rng.uniform(-1, 1, (64, 3)).astype(np.float32)
    true_w = np.array([[0.8, -0.6, 1.1]], dtype=np.float32)
    target = ((true_w * data) ** 6).sum(axis=1)
    losses = []
    for _ in range(300):
        loss = F.mean_squared_error(model(data), target)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(float(loss.array))
    result["fit_losses"] = losses
    result["fit_w_abs"] = np.abs(model.w.array).ravel().tolist()
    return result


if __name__ == "__main__":
    json.dump(main(tempfile.mkdtemp()), sys.stdout)
